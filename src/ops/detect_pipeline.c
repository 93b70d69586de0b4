/* SPDX-License-Identifier: MIT */
/* The stages of torchvision's GeneralizedRCNN between network layers (issue 18): RPN proposals
 * (rpn.py filter_proposals), detection post-processing (roi_heads.py postprocess_detections),
 * mask pasting (roi_heads.py paste_masks_in_image) and training RoI sampling
 * (roi_heads.py select_training_samples). Each reproduces torchvision's float arithmetic step by
 * step. The RPN proposals run whole on the context's backend (the contract's rpn_proposals:
 * top-k, decoding, filters, NMS and top-N; on OpenCL only the proposals are read back); the
 * later stages' linear parts are host work, their NMS the backend's. This file holds the RPN
 * proposals' checks and preparation; post-processing and mask pasting are in detect_post.c, RoI sampling in
 * roi_sample.c, the checks they share in detect_pipeline.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/detect.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/status.h"
#include "core/tensor.h"
#include "ops/detect_pipeline.h"

/* ---- RPN proposals -------------------------------------------------------------------------- */

oclnn_rpn_desc oclnn_rpn_desc_default(void) {
    oclnn_rpn_desc d;
    memset(&d, 0, sizeof d);
    d.num_levels = 5;
    d.num_sizes = 1;
    for (int l = 0; l < 5; l++) d.sizes[l][0] = (float)(32 << l);
    d.num_ratios = 3;
    d.ratios[0] = 0.5f;
    d.ratios[1] = 1.0f;
    d.ratios[2] = 2.0f;
    d.coder = (oclnn_box_coder)OCLNN_BOX_CODER_INIT;
    d.pre_nms_top_n = 1000;
    d.post_nms_top_n = 1000;
    d.nms_threshold = 0.7;
    d.score_threshold = 0.0f;
    d.min_size = 1e-3f;
    return d;
}

static oclnn_status check_rpn_desc(const oclnn_rpn_desc *d) {
    if (d->num_levels == 0 || d->num_levels > OCLNN_DETECT_MAX_LEVELS)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->num_levels %u must be 1 to %d",
                           d->num_levels, OCLNN_DETECT_MAX_LEVELS);
    if (d->num_sizes == 0 || d->num_sizes > 8 || d->num_ratios == 0 || d->num_ratios > 8)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->num_sizes %u and desc->num_ratios %u must be 1 to 8",
                           d->num_sizes, d->num_ratios);
    for (uint32_t l = 0; l < d->num_levels; l++)
        for (uint32_t i = 0; i < d->num_sizes; i++)
            if (!isfinite(d->sizes[l][i]) || d->sizes[l][i] <= 0)
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "desc->sizes[%u][%u] = %g must be finite and positive", l, i,
                                   d->sizes[l][i]);
    for (uint32_t i = 0; i < d->num_ratios; i++)
        if (!isfinite(d->ratios[i]) || d->ratios[i] <= 0)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "desc->ratios[%u] = %g must be finite and positive", i,
                               d->ratios[i]);
    OCLNN__TRY(oclnn__check_coder("desc->coder", &d->coder));
    if (d->pre_nms_top_n == 0 || d->post_nms_top_n == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->pre_nms_top_n %u and desc->post_nms_top_n %u must be positive",
                           d->pre_nms_top_n, d->post_nms_top_n);
    OCLNN__TRY(oclnn__check_threshold("desc->nms_threshold", d->nms_threshold));
    if (isnan(d->score_threshold) || isnan(d->min_size))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->score_threshold and desc->min_size must not be NaN");
    return OCLNN_OK;
}

/* The feature maps: one (N, A, H, W) objectness and (N, 4A, H, W) deltas per level, on ctx, no
 * larger than the padded image, and the image sizes; *n_out is N. */
static oclnn_status check_rpn_levels(oclnn_context *ctx, const oclnn_rpn_desc *desc,
                                     const oclnn_tensor *const *objectness,
                                     const oclnn_tensor *const *deltas,
                                     const oclnn_image_size *image_sizes, uint32_t padded_h,
                                     uint32_t padded_w, uint32_t *n_out) {
    const uint32_t L = desc->num_levels, A = desc->num_sizes * desc->num_ratios;
    uint32_t N = 0;
    for (uint32_t l = 0; l < L; l++) {
        char on[32], dn[32];
        snprintf(on, sizeof on, "objectness[%u]", l);
        snprintf(dn, sizeof dn, "deltas[%u]", l);
        OCLNN__TRY(oclnn__tensor_check(objectness[l], on));
        OCLNN__TRY(oclnn__tensor_check(deltas[l], dn));
        const oclnn_shape os = objectness[l]->shape, ds = deltas[l]->shape;
        if (objectness[l]->ctx != ctx || deltas[l]->ctx != ctx)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s or %s belongs to another context",
                               on, dn);
        if (l == 0) N = os.n;
        if (os.n != N || os.c != A || ds.n != N || ds.c != 4 * A || ds.h != os.h || ds.w != os.w) {
            char a[64], b[64];
            oclnn__shape_str(os, a, sizeof a);
            oclnn__shape_str(ds, b, sizeof b);
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s %s and %s %s must be (%u, %u, H, W) and (%u, %u, H, W) (%u "
                               "anchors per cell)",
                               on, a, dn, b, N, A, N, 4 * A, A);
        }
        if (os.h == 0 || os.w == 0 || os.h > padded_h || os.w > padded_w)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s map %ux%u must be 1 to the padded size %ux%u", on, os.h, os.w,
                               padded_h, padded_w);
        size_t cells = (size_t)os.h * os.w * A;
        if (cells > UINT32_MAX / 2)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s has %zu anchors (2^31 at most)",
                               on, cells);
    }
    for (uint32_t i = 0; i < N; i++)
        if (image_sizes[i].h == 0 || image_sizes[i].w == 0 || image_sizes[i].h > padded_h ||
            image_sizes[i].w > padded_w)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "image_sizes[%u] %ux%u must be 1 to the padded size %ux%u", i,
                               image_sizes[i].h, image_sizes[i].w, padded_h, padded_w);
    *n_out = N;
    return OCLNN_OK;
}

/* The problem handed to the backend: levels, strides, base anchors, candidate offsets. */
static oclnn_status rpn_problem(const oclnn_rpn_desc *desc, const oclnn_tensor *const *objectness,
                                const oclnn_tensor *const *deltas,
                                const oclnn_image_size *image_sizes, uint32_t N, uint32_t padded_h,
                                uint32_t padded_w, oclnn__rpn_problem *p) {
    memset(p, 0, sizeof *p);
    p->num_levels = desc->num_levels;
    p->num_images = N;
    p->A = desc->num_sizes * desc->num_ratios;
    p->sizes = image_sizes;
    p->coder = desc->coder;
    p->nms_thr = oclnn__nms_float_threshold(desc->nms_threshold);
    p->score_threshold = desc->score_threshold;
    p->min_size = desc->min_size;
    p->post = desc->post_nms_top_n;
    for (uint32_t l = 0; l < desc->num_levels; l++) {
        oclnn__rpn_level *lv = &p->level[l];
        lv->obj = objectness[l];
        lv->del = deltas[l];
        lv->h = objectness[l]->shape.h;
        lv->w = objectness[l]->shape.w;
        lv->stride_h = padded_h / lv->h; /* AnchorGenerator: padded size // map size */
        lv->stride_w = padded_w / lv->w;
        const size_t n = (size_t)lv->h * lv->w * p->A;
        lv->k = n < desc->pre_nms_top_n ? n : desc->pre_nms_top_n;
        lv->first = p->cap;
        p->cap += lv->k;
        /* Base anchors: oclnn_anchors on one cell at the origin. */
        OCLNN__TRY(oclnn_anchors(desc->sizes[l], desc->num_sizes, desc->ratios, desc->num_ratios,
                                 1, 1, 0, 0, p->base[l]));
    }
    return OCLNN_OK;
}

/* A device that cannot take the problem: the maps read to the host, the C backend's path. */
static oclnn_status rpn_on_host(oclnn_context *ctx, oclnn__rpn_problem *p, float *boxes,
                                float *scores, size_t *counts) {
    const oclnn_allocator *al = ctx->allocator;
    float *copies[2 * OCLNN_DETECT_MAX_LEVELS] = {NULL};
    oclnn_status st = OCLNN_OK;
    for (uint32_t l = 0; st == OCLNN_OK && l < p->num_levels; l++) {
        oclnn__rpn_level *lv = &p->level[l];
        const size_t n = (size_t)p->num_images * lv->h * lv->w * p->A;
        copies[2 * l] = oclnn__calloc(al, n, sizeof(float));
        copies[2 * l + 1] = oclnn__calloc(al, 4 * n, sizeof(float));
        if (!copies[2 * l] || !copies[2 * l + 1])
            st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the host copies of "
                             "level %u's maps (%zu anchors)", l, n);
        if (st == OCLNN_OK) st = oclnn_tensor_read(lv->obj, copies[2 * l], OCLNN_LAYOUT_NCHW);
        if (st == OCLNN_OK) st = oclnn_tensor_read(lv->del, copies[2 * l + 1], OCLNN_LAYOUT_NCHW);
        lv->obj_host = copies[2 * l];
        lv->del_host = copies[2 * l + 1];
    }
    if (st == OCLNN_OK) st = oclnn__backend_cpu.detect->rpn_proposals(ctx, p, boxes, scores, counts);
    for (uint32_t l = 0; l < 2 * p->num_levels; l++) oclnn__free(al, copies[l]);
    return st;
}

oclnn_status oclnn_rpn_proposals(oclnn_context *ctx, const oclnn_rpn_desc *desc,
                                 const oclnn_tensor *const *objectness,
                                 const oclnn_tensor *const *deltas,
                                 const oclnn_image_size *image_sizes, uint32_t padded_h,
                                 uint32_t padded_w, float *boxes, float *scores, size_t *counts) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    OCLNN__TRY(check_rpn_desc(desc));
    if (!objectness || !deltas || !image_sizes || !boxes || !counts)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !objectness    ? "objectness"
                           : !deltas      ? "deltas"
                           : !image_sizes ? "image_sizes"
                           : !boxes       ? "boxes"
                                          : "counts");
    uint32_t N = 0;
    OCLNN__TRY(check_rpn_levels(ctx, desc, objectness, deltas, image_sizes, padded_h, padded_w, &N));
    if (!ctx->be->detect || !ctx->be->detect->rpn_proposals)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the %s backend has no proposal generation",
                           ctx->be->name);
    oclnn__rpn_problem p;
    OCLNN__TRY(rpn_problem(desc, objectness, deltas, image_sizes, N, padded_h, padded_w, &p));
    /* The backend does it all (on OpenCL only the proposals come back); a device that cannot
     * take the problem hands it to the C backend over host copies of the maps. */
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->detect->rpn_proposals(ctx, &p, boxes, scores, counts);
    mtx_unlock(&ctx->lock);
    if (st == OCLNN_ERROR_UNSUPPORTED && ctx->be != &oclnn__backend_cpu) {
        oclnn__log(OCLNN__LOG_INFO, "%s; proposals run on the host", oclnn_last_error());
        st = rpn_on_host(ctx, &p, boxes, scores, counts);
    }
    return st;
}
