/* SPDX-License-Identifier: MIT */
/* oclnn_nms: checks, the score filter, torchvision's ranking (descending score, stable: ties keep
 * input order) and the threshold conversion; the backend decides which ranked boxes survive. */
#include <math.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/status.h"
#include "backend/detect.h"

typedef struct ranked {
    float score;
    uint32_t index;
} ranked;

static int by_rank(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

oclnn_status oclnn_nms(oclnn_context *ctx, const oclnn_nms_desc *desc, const float *boxes,
                       const float *scores, const int32_t *classes, size_t n, uint32_t *keep,
                       size_t *num_kept) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!num_kept) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "num_kept is NULL");
    if (!(desc->iou_threshold >= 0.0 && desc->iou_threshold <= 1.0))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "iou_threshold %g is outside [0, 1]",
                           desc->iou_threshold);
    if (desc->use_score_threshold && isnan(desc->score_threshold))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "score_threshold is NaN");
    if (n > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "n = %zu boxes is more than 2^32 - 1", n);
    *num_kept = 0;
    if (n == 0) return OCLNN_OK;
    if (!boxes || !scores || !keep)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL for %zu boxes",
                           !boxes ? "boxes" : !scores ? "scores" : "keep", n);
    for (size_t i = 0; i < n; i++) {
        if (isnan(scores[i]))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "scores[%zu] is NaN", i);
        for (int k = 0; k < 4; k++)
            if (!isfinite(boxes[4 * i + k]))
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "boxes[%zu] coordinate %d is %g (NaN or infinite)", i, k,
                                   boxes[4 * i + k]);
    }
    if (!ctx->be->detect)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the %s backend has no detection ops",
                           ctx->be->name);

    const oclnn_allocator *a = ctx->allocator;
    ranked *order = oclnn__calloc(a, n, sizeof *order);
    float *sorted = oclnn__calloc(a, n * 4, sizeof *sorted);
    int32_t *cls = classes ? oclnn__calloc(a, n, sizeof *cls) : NULL;
    uint8_t *alive = oclnn__calloc(a, n, 1);
    oclnn_status st = OCLNN_OK;
    if (!order || !sorted || !alive || (classes && !cls)) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate NMS buffers for %zu boxes", n);
        goto done;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!desc->use_score_threshold || scores[i] >= desc->score_threshold)
            order[m++] = (ranked){scores[i], (uint32_t)i};
    qsort(order, m, sizeof *order, by_rank);
    for (size_t i = 0; i < m; i++) {
        for (int k = 0; k < 4; k++) sorted[4 * i + k] = boxes[4 * (size_t)order[i].index + k];
        if (cls) cls[i] = classes[order[i].index];
    }
    if (m) {
        size_t max_keep = desc->top_k ? desc->top_k : m;
        mtx_lock(&ctx->lock);
        st = ctx->be->detect->nms(ctx, sorted, cls, m, oclnn__nms_float_threshold(desc->iou_threshold),
                                  max_keep, alive);
        if (st == OCLNN_ERROR_UNSUPPORTED && ctx->be != &oclnn__backend_cpu) {
            /* the device cannot hold even one mask row: the C backend's loop needs O(n) memory */
            oclnn__log(OCLNN__LOG_INFO, "%s; NMS runs on the C backend", oclnn_last_error());
            st = oclnn__backend_cpu.detect->nms(ctx, sorted, cls, m,
                                                oclnn__nms_float_threshold(desc->iou_threshold), max_keep, alive);
        }
        mtx_unlock(&ctx->lock);
    }
    if (st == OCLNN_OK) {
        size_t kept = 0;
        for (size_t i = 0; i < m; i++)
            if (alive[i]) keep[kept++] = order[i].index;
        *num_kept = kept;
    }
done:
    oclnn__free(a, order);
    oclnn__free(a, sorted);
    oclnn__free(a, cls);
    oclnn__free(a, alive);
    return st;
}
