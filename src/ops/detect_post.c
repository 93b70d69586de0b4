/* SPDX-License-Identifier: MIT */
/* GeneralizedRCNN detection post-processing (roi_heads.py postprocess_detections) and mask
 * pasting (roi_heads.py paste_masks_in_image), issue 18; see detect_pipeline.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/detect.h"
#include "core/alloc.h"
#include "core/status.h"
#include "core/tensor.h"
#include "ops/detect_pipeline.h"

/* ---- Detection post-processing --------------------------------------------------------------- */

/* The post-processing's scratch buffers, from the context's allocator. */
typedef struct post_work {
    float *dec, *prob;
    float *cb, *cs; /* one image's candidates: boxes, scores, */
    int32_t *cl;    /* classes */
    uint32_t *keep;
    /* The candidates grouped by class: gb/gs hold them, gi their index among cb/cs/cl. */
    float *gb, *gs;
    uint32_t *gi;
    size_t *start;
    oclnn__ranked *rank;
} post_work;

static oclnn_status post_work_alloc(const oclnn_allocator *al, post_work *w, size_t most, uint32_t K,
                                    size_t cand_cap) {
    w->dec = oclnn__calloc(al, most * K * 4 + 1, sizeof *w->dec);
    w->prob = oclnn__calloc(al, (size_t)K, sizeof *w->prob);
    w->cb = oclnn__calloc(al, cand_cap * 4 + 1, sizeof *w->cb);
    w->cs = oclnn__calloc(al, cand_cap + 1, sizeof *w->cs);
    w->cl = oclnn__calloc(al, cand_cap + 1, sizeof *w->cl);
    w->keep = oclnn__calloc(al, cand_cap + 1, sizeof *w->keep);
    w->gb = oclnn__calloc(al, cand_cap * 4 + 1, sizeof *w->gb);
    w->gs = oclnn__calloc(al, cand_cap + 1, sizeof *w->gs);
    w->gi = oclnn__calloc(al, cand_cap + 1, sizeof *w->gi);
    w->start = oclnn__calloc(al, (size_t)K + 1, sizeof *w->start);
    w->rank = oclnn__calloc(al, cand_cap + 1, sizeof *w->rank);
    if (!w->dec || !w->prob || !w->cb || !w->cs || !w->cl || !w->keep || !w->gb || !w->gs || !w->gi ||
        !w->start || !w->rank)
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY,
                           "cannot allocate post-processing buffers (%zu candidates)", cand_cap);
    return OCLNN_OK;
}

static void post_work_free(const oclnn_allocator *al, post_work *w) {
    oclnn__free(al, w->dec);
    oclnn__free(al, w->prob);
    oclnn__free(al, w->cb);
    oclnn__free(al, w->cs);
    oclnn__free(al, w->cl);
    oclnn__free(al, w->keep);
    oclnn__free(al, w->gb);
    oclnn__free(al, w->gs);
    oclnn__free(al, w->gi);
    oclnn__free(al, w->start);
    oclnn__free(al, w->rank);
}

/* One image's n proposals (logits lg, regression reg, boxes prop): decode and clip per class,
 * keep the class scores above the threshold with big enough boxes, NMS per class, write the best
 * D to boxes/scores/labels + i * D and their count to counts[i]. */
static oclnn_status post_image(oclnn_context *ctx, const oclnn_detect_post_desc *desc, const oclnn_nms_desc *nd,
                               uint32_t K, size_t D, size_t i, size_t n, const float *lg, const float *reg,
                               const float *prop, oclnn_image_size size, post_work *w, float *boxes,
                               float *scores, int32_t *labels, size_t *counts) {
    float *dec = w->dec, *prob = w->prob, *cb = w->cb, *cs = w->cs, *gb = w->gb, *gs = w->gs;
    int32_t *cl = w->cl;
    uint32_t *keep = w->keep, *gi = w->gi;
    size_t *start = w->start;
    oclnn__ranked *rank = w->rank;
    oclnn_status st = oclnn_box_decode(&desc->coder, prop, reg, n, K, dec);
    if (st == OCLNN_OK)
        st = oclnn_box_clip(dec, n * K, (float)size.h, (float)size.w);
    if (st != OCLNN_OK) return st;
    size_t m = 0;
    for (size_t p = 0; p < n; p++) {
        /* F.softmax: exp(x - max) / sum. */
        const float *x = lg + p * K;
        float mx = x[0], sum = 0.0f;
        for (uint32_t c = 1; c < K; c++) mx = x[c] > mx ? x[c] : mx;
        for (uint32_t c = 0; c < K; c++) sum += prob[c] = expf(x[c] - mx);
        for (uint32_t c = 1; c < K; c++) {
            const float s = prob[c] / sum;
            const float *b = dec + 4 * (p * K + c);
            if (!(s > desc->score_threshold) || !oclnn__big_enough(b, desc->min_size)) continue;
            memcpy(cb + 4 * m, b, 4 * sizeof *b);
            cs[m] = s;
            cl[m] = (int32_t)c;
            m++;
        }
    }
    /* NMS class by class (a stable counting sort groups them), the survivors ranked
     * together by score, ties by candidate order: the same set and order as one NMS with
     * classes, in sum(n_c^2) IoUs instead of n^2 (the OpenCL bitmask is n^2 / 8 bytes). */
    memset(start, 0, ((size_t)K + 1) * sizeof *start);
    for (size_t j = 0; j < m; j++) start[cl[j] + 1]++;
    for (uint32_t c = 0; c < K; c++) start[c + 1] += start[c];
    for (size_t j = 0; j < m; j++) {
        const size_t q = start[cl[j]]++;
        memcpy(gb + 4 * q, cb + 4 * j, 4 * sizeof *gb);
        gs[q] = cs[j];
        gi[q] = (uint32_t)j;
    }
    size_t kept = 0, j0 = 0;
    for (uint32_t c = 1; c < K; c++) {
        /* start[c] is now the end of class c's group. */
        const size_t j1 = start[c];
        size_t got = 0;
        if (j1 > j0) {
            st = oclnn_nms(ctx, nd, gb + 4 * (size_t)j0, gs + j0, NULL, j1 - j0, keep, &got);
            if (st != OCLNN_OK) return st;
        }
        for (size_t q = 0; q < got; q++) {
            const uint32_t orig = gi[j0 + keep[q]];
            rank[kept++] = (oclnn__ranked){cs[orig], orig};
        }
        j0 = j1;
    }
    qsort(rank, kept, sizeof *rank, oclnn__by_score);
    kept = kept < D ? kept : D;
    for (size_t j = 0; j < kept; j++) {
        const uint32_t q = rank[j].index;
        memcpy(boxes + 4 * (i * D + j), cb + 4 * q, 4 * sizeof(float));
        scores[i * D + j] = cs[q];
        labels[i * D + j] = cl[q];
    }
    counts[i] = kept;
    return OCLNN_OK;
}

oclnn_status oclnn_detect_postprocess(oclnn_context *ctx, const oclnn_detect_post_desc *desc,
                                      const float *class_logits, const float *box_regression,
                                      uint32_t num_classes, const float *proposals,
                                      const size_t *num_proposals,
                                      const oclnn_image_size *image_sizes, size_t num_images,
                                      float *boxes, float *scores, int32_t *labels,
                                      size_t *counts) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    OCLNN__TRY(oclnn__check_coder("desc->coder", &desc->coder));
    OCLNN__TRY(oclnn__check_threshold("desc->nms_threshold", desc->nms_threshold));
    if (isnan(desc->score_threshold) || isnan(desc->min_size))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->score_threshold and desc->min_size must not be NaN");
    if (desc->detections_per_image == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->detections_per_image is 0");
    if (num_classes < 2 || num_classes > 65536)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "num_classes %u must be 2 to 65536 (class 0 is the background)",
                           num_classes);
    if (num_images == 0) return OCLNN_OK;
    if (!num_proposals || !image_sizes || !boxes || !scores || !labels || !counts)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !num_proposals ? "num_proposals"
                           : !image_sizes ? "image_sizes"
                           : !boxes       ? "boxes"
                           : !scores      ? "scores"
                           : !labels      ? "labels"
                                          : "counts");
    size_t total = 0, most = 0;
    for (size_t i = 0; i < num_images; i++) {
        if (num_proposals[i] > (SIZE_MAX / 16 - total) / num_classes)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "too many proposals");
        total += num_proposals[i];
        most = num_proposals[i] > most ? num_proposals[i] : most;
    }
    if (total && (!class_logits || !box_regression || !proposals))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL for %zu proposals",
                           !class_logits ? "class_logits"
                           : !box_regression ? "box_regression"
                                             : "proposals",
                           total);
    for (size_t j = 0; j < total * 4; j++)
        if (!isfinite(proposals[j]))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "proposals[%zu] value %zu is %g (NaN or infinite)", j / 4, j % 4,
                               proposals[j]);
    const uint32_t K = num_classes;
    const size_t D = desc->detections_per_image, cand_cap = most * (K - 1);
    if (cand_cap >= UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "an image's %zu proposals x %u classes is 2^32 candidates or more",
                           most, K - 1);
    const oclnn_allocator *al = ctx->allocator;
    post_work w = {0};
    oclnn_status st = post_work_alloc(al, &w, most, K, cand_cap);
    const oclnn_nms_desc nd = {desc->nms_threshold, false, 0.0f,
                               D > UINT32_MAX ? UINT32_MAX : (uint32_t)D};
    size_t at = 0;
    for (size_t i = 0; st == OCLNN_OK && i < num_images; i++) {
        const size_t n = num_proposals[i];
        st = post_image(ctx, desc, &nd, K, D, i, n, class_logits + at * K, box_regression + at * 4 * K,
                        proposals + 4 * at, image_sizes[i], &w, boxes, scores, labels, counts);
        at += n;
    }
    post_work_free(al, &w);
    return st;
}

/* ---- Mask pasting ---------------------------------------------------------------------- */

/* F.interpolate(mode="bilinear", align_corners=False) source position along an axis (PyTorch's
 * CPU kernel: float scale in / out, max(scale * (d + 0.5) - 0.5, 0), index clamped to in - 1,
 * lambda clamped to [0, 1]). */
static void linear_tap(int64_t d, float scale, uint32_t in, uint32_t *i0, uint32_t *i1,
                       float *l0, float *l1) {
    float real = scale * ((float)d + 0.5f) - 0.5f;
    real = real < 0.0f ? 0.0f : real;
    uint32_t i = (uint32_t)floorf(real);
    i = i > in - 1 ? in - 1 : i;
    float l = real - (float)i;
    l = l < 0.0f ? 0.0f : l > 1.0f ? 1.0f : l;
    *i0 = i;
    *i1 = i < in - 1 ? i + 1 : i;
    *l1 = l;
    *l0 = 1.0f - l;
}

oclnn_status oclnn_mask_paste(const oclnn_mask_paste_desc *desc, const float *masks, size_t n,
                              uint32_t num_classes, uint32_t mask_size, const int32_t *labels,
                              const float *boxes, uint32_t image_h, uint32_t image_w, float *out) {
    OCLNN__ENTER();
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (desc->padding > 1024)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->padding %u is above 1024",
                           desc->padding);
    if (desc->binarize && isnan(desc->threshold))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->threshold is NaN");
    if (num_classes == 0 || mask_size == 0 || mask_size > 4096)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "num_classes %u must be positive and mask_size %u 1 to 4096",
                           num_classes, mask_size);
    if (image_h > 65536 || image_w > 65536)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "image %ux%u is above 65536 a side",
                           image_h, image_w);
    if (n == 0) return OCLNN_OK;
    if (!masks || !boxes || !out || (num_classes > 1 && !labels))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !masks ? "masks" : !boxes ? "boxes" : !out ? "out" : "labels");
    const size_t plane = (size_t)image_h * image_w;
    if (plane && n > SIZE_MAX / sizeof(float) / plane)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "n x image size overflows");
    for (size_t i = 0; i < n; i++) {
        if (num_classes > 1 && (labels[i] < 0 || (uint32_t)labels[i] >= num_classes))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "labels[%zu] = %d is not in [0, %u)",
                               i, (int)labels[i], num_classes);
        for (int k = 0; k < 4; k++)
            if (!(fabsf(boxes[4 * i + k]) <= 1e9f))
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "boxes[%zu] coordinate %d is %g (NaN, infinite or beyond 1e9)",
                                   i, k, boxes[4 * i + k]);
    }
    const uint32_t M = mask_size, P = M + 2 * desc->padding;
    /* expand_masks: scale = (M + 2 padding) / M in double, applied to float boxes as float. */
    const float scale = (float)((double)P / (double)M);
    for (size_t i = 0; i < n; i++) {
        float *o = out + i * plane;
        memset(o, 0, plane * sizeof *o);
        const float *m = masks + (i * num_classes + (num_classes > 1 ? (size_t)labels[i] : 0)) *
                                     (size_t)M * M;
        const float *b = boxes + 4 * i;
        /* expand_boxes, then .to(int64): truncation toward zero. */
        float w_half = (b[2] - b[0]) * 0.5f, h_half = (b[3] - b[1]) * 0.5f;
        const float x_c = (b[2] + b[0]) * 0.5f, y_c = (b[3] + b[1]) * 0.5f;
        w_half *= scale;
        h_half *= scale;
        const int64_t bx0 = (int64_t)(x_c - w_half), bx1 = (int64_t)(x_c + w_half);
        const int64_t by0 = (int64_t)(y_c - h_half), by1 = (int64_t)(y_c + h_half);
        int64_t w = bx1 - bx0 + 1, h = by1 - by0 + 1;
        w = w > 1 ? w : 1;
        h = h > 1 ? h : 1;
        const int64_t x0 = bx0 > 0 ? bx0 : 0, x1 = bx1 + 1 < image_w ? bx1 + 1 : image_w;
        const int64_t y0 = by0 > 0 ? by0 : 0, y1 = by1 + 1 < image_h ? by1 + 1 : image_h;
        const float sy = (float)P / (float)h, sx = (float)P / (float)w;
        for (int64_t y = y0; y < y1; y++) {
            const int64_t ry = y - by0; /* row of the resized mask */
            if (ry >= h) break;
            uint32_t r0, r1;
            float h0, h1;
            linear_tap(ry, sy, P, &r0, &r1, &h0, &h1);
            for (int64_t x = x0; x < x1; x++) {
                const int64_t rx = x - bx0;
                if (rx >= w) break;
                uint32_t c0, c1;
                float w0, w1;
                linear_tap(rx, sx, P, &c0, &c1, &w0, &w1);
                /* The padded mask's value at (r, c): zero on the border, sigmoid inside. */
                float v[4];
                const uint32_t rr[4] = {r0, r0, r1, r1}, cc[4] = {c0, c1, c0, c1};
                for (int k = 0; k < 4; k++) {
                    const int64_t mr = (int64_t)rr[k] - desc->padding,
                                  mc = (int64_t)cc[k] - desc->padding;
                    if (mr < 0 || mc < 0 || mr >= M || mc >= M) {
                        v[k] = 0.0f;
                        continue;
                    }
                    const float t = m[(size_t)mr * M + (size_t)mc];
                    v[k] = desc->logits ? oclnn__sigmoidf(t) : t;
                }
                const float p = (v[0] * w0 + v[1] * w1) * h0 + (v[2] * w0 + v[3] * w1) * h1;
                o[(size_t)y * image_w + (size_t)x] =
                    desc->binarize ? (p > desc->threshold ? 1.0f : 0.0f) : p;
            }
        }
    }
    return OCLNN_OK;
}
