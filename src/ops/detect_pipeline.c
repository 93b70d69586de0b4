/* SPDX-License-Identifier: MIT */
/* The stages of torchvision's GeneralizedRCNN between network layers (issue 18): RPN proposals
 * (rpn.py filter_proposals), detection post-processing (roi_heads.py postprocess_detections),
 * mask pasting (roi_heads.py paste_masks_in_image) and training RoI sampling
 * (roi_heads.py select_training_samples). Each reproduces torchvision's float arithmetic step by
 * step; the quadratic part, NMS, runs on the context's backend through oclnn_nms. The linear
 * parts (top-k, decoding, clipping, filtering) are host work over the network's outputs. This file
 * holds the RPN proposals; post-processing and mask pasting are in detect_post.c, RoI sampling in
 * roi_sample.c, the checks they share in detect_pipeline.h. */
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

/* Strict "a ranks before b": higher score, then lower index (oclnn__by_score's order). */
static bool before(oclnn__ranked a, oclnn__ranked b) {
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

/* Moves the k best of a[0, n) (oclnn__by_score's order) to a[0, k), then sorts them: quickselect
 * (median-of-three pivots) and a sort of k, instead of a sort of the whole level. */
static void top_k(oclnn__ranked *a, size_t n, size_t k) {
    size_t lo = 0, hi = n; /* the k-th lies in [lo, hi) */
    while (k < n && hi - lo > 16) {
        const size_t mid = lo + (hi - lo) / 2;
        oclnn__ranked x = a[lo], y = a[mid], z = a[hi - 1], pivot;
        if (before(x, y)) pivot = before(y, z) ? y : before(x, z) ? z : x;
        else pivot = before(x, z) ? x : before(y, z) ? z : y;
        /* Three-way partition: [lo, lt) before the pivot, [lt, gt) equal, [gt, hi) after. */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (before(a[i], pivot)) {
                oclnn__ranked t = a[lt];
                a[lt++] = a[i];
                a[i++] = t;
            } else if (before(pivot, a[i])) {
                oclnn__ranked t = a[--gt];
                a[gt] = a[i];
                a[i] = t;
            } else {
                i++;
            }
        }
        if (k < lt) hi = lt;
        else if (k > gt) lo = gt;
        else {
            hi = gt; /* k is at the pivot: [0, gt) holds the k best and at most one more */
            break;
        }
    }
    /* [0, lo) ranks before [lo, hi), which ranks before [hi, n), and lo <= k <= hi. */
    qsort(a, hi, sizeof *a, oclnn__by_score);
}

/* The feature maps: one (N, A, H, W) objectness and (N, 4A, H, W) deltas per level, on ctx, no
 * larger than the padded image, and the image sizes; *n_out is N and *max_level the most anchors
 * of a level. */
static oclnn_status check_rpn_levels(oclnn_context *ctx, const oclnn_rpn_desc *desc,
                                     const oclnn_tensor *const *objectness,
                                     const oclnn_tensor *const *deltas,
                                     const oclnn_image_size *image_sizes, uint32_t padded_h,
                                     uint32_t padded_w, uint32_t *n_out, size_t *max_level_out) {
    const uint32_t L = desc->num_levels, A = desc->num_sizes * desc->num_ratios;
    uint32_t N = 0;
    size_t max_level = 0;
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
        max_level = cells > max_level ? cells : max_level;
    }
    for (uint32_t i = 0; i < N; i++)
        if (image_sizes[i].h == 0 || image_sizes[i].w == 0 || image_sizes[i].h > padded_h ||
            image_sizes[i].w > padded_w)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "image_sizes[%u] %ux%u must be 1 to the padded size %ux%u", i,
                               image_sizes[i].h, image_sizes[i].w, padded_h, padded_w);
    *n_out = N;
    *max_level_out = max_level;
    return OCLNN_OK;
}

/* The proposals' scratch buffers, from the context's allocator. */
typedef struct rpn_work {
    float *obj, *del;    /* one level's maps */
    oclnn__ranked *rank;
    float *anc, *cdel;   /* candidates' anchors, deltas, */
    float *cand;         /* one image's decoded boxes */
    float *cscore;
    int32_t *clevel;
    float *fbox, *fscore; /* one image's filtered candidates */
    int32_t *flevel;
    uint32_t *keep;
    size_t *filled;      /* candidates gathered per image */
    size_t cap;          /* candidates per image: sum over levels of min(pre, anchors) */
} rpn_work;

static oclnn_status rpn_work_alloc(const oclnn_allocator *al, rpn_work *w, size_t max_level, uint32_t N) {
    const size_t cap = w->cap, all = cap * (N ? N : 1);
    w->obj = oclnn__calloc(al, max_level * N, sizeof *w->obj);
    w->del = oclnn__calloc(al, max_level * N * 4, sizeof *w->del);
    w->rank = oclnn__calloc(al, max_level > cap ? max_level : cap, sizeof *w->rank);
    w->anc = oclnn__calloc(al, all * 4, sizeof *w->anc);
    w->cdel = oclnn__calloc(al, all * 4, sizeof *w->cdel);
    w->cand = oclnn__calloc(al, cap * 4, sizeof *w->cand);
    w->cscore = oclnn__calloc(al, all, sizeof *w->cscore);
    w->clevel = oclnn__calloc(al, all, sizeof *w->clevel);
    w->fbox = oclnn__calloc(al, cap * 4, sizeof *w->fbox);
    w->fscore = oclnn__calloc(al, cap, sizeof *w->fscore);
    w->flevel = oclnn__calloc(al, cap, sizeof *w->flevel);
    w->keep = oclnn__calloc(al, cap, sizeof *w->keep);
    w->filled = oclnn__calloc(al, N ? N : 1, sizeof *w->filled);
    if (!w->obj || !w->del || !w->rank || !w->cand || !w->anc || !w->cdel || !w->cscore || !w->clevel ||
        !w->fbox || !w->fscore || !w->flevel || !w->keep || !w->filled)
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY,
                           "cannot allocate proposal buffers (%zu anchors per level, %zu candidates)",
                           max_level, cap);
    return OCLNN_OK;
}

static void rpn_work_free(const oclnn_allocator *al, rpn_work *w) {
    oclnn__free(al, w->obj);
    oclnn__free(al, w->del);
    oclnn__free(al, w->rank);
    oclnn__free(al, w->cand);
    oclnn__free(al, w->anc);
    oclnn__free(al, w->cdel);
    oclnn__free(al, w->cscore);
    oclnn__free(al, w->clevel);
    oclnn__free(al, w->fbox);
    oclnn__free(al, w->fscore);
    oclnn__free(al, w->flevel);
    oclnn__free(al, w->keep);
    oclnn__free(al, w->filled);
}

/* Level l: read the maps, rank each image's anchors by objectness (torchvision's top-k on the
 * logits), gather the top pre_nms_top_n with their anchors and deltas. */
static oclnn_status gather_level(const oclnn_rpn_desc *desc, const oclnn_tensor *objectness,
                                 const oclnn_tensor *deltas, uint32_t l, uint32_t N, uint32_t padded_h,
                                 uint32_t padded_w, rpn_work *w) {
    const uint32_t A = desc->num_sizes * desc->num_ratios;
    const size_t pre = desc->pre_nms_top_n, cap = w->cap;
    const uint32_t H = objectness->shape.h, W = objectness->shape.w;
    const size_t per_image = (size_t)H * W * A, k = per_image < pre ? per_image : pre;
    oclnn_status st = oclnn_tensor_read(objectness, w->obj, OCLNN_LAYOUT_NCHW);
    if (st == OCLNN_OK) st = oclnn_tensor_read(deltas, w->del, OCLNN_LAYOUT_NCHW);
    /* Base anchors: oclnn_anchors on one cell at the origin. */
    float base[4 * 64];
    if (st == OCLNN_OK)
        st = oclnn_anchors(desc->sizes[l], desc->num_sizes, desc->ratios, desc->num_ratios, 1,
                           1, 0, 0, base);
    if (st != OCLNN_OK) return st;
    /* AnchorGenerator's strides: padded size // map size, per axis. */
    const uint32_t stride_h = padded_h / H, stride_w = padded_w / W;
    for (uint32_t i = 0; i < N; i++) {
        const float *o = w->obj + (size_t)i * per_image;
        const float *dl = w->del + (size_t)i * per_image * 4;
        /* torchvision flattens (A, H, W) maps as (H, W, A), A innermost. */
        for (uint32_t y = 0; y < H; y++)
            for (uint32_t x = 0; x < W; x++)
                for (uint32_t a = 0; a < A; a++) {
                    const uint32_t idx = (y * W + x) * A + a;
                    const float v = o[((size_t)a * H + y) * W + x];
                    if (isnan(v))
                        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                           "objectness[%u] of image %u is NaN at anchor %u", l,
                                           i, idx);
                    w->rank[idx] = (oclnn__ranked){v, idx};
                }
        top_k(w->rank, per_image, k);
        for (size_t j = 0; j < k; j++) {
            const uint32_t idx = w->rank[j].index, a = idx % A, cell = idx / A;
            const uint32_t y = cell / W, x = cell % W;
            const float sx = (float)((uint64_t)x * stride_w),
                        sy = (float)((uint64_t)y * stride_h);
            const size_t c = (size_t)i * cap + w->filled[i] + j;
            float *an = w->anc + 4 * c, *de = w->cdel + 4 * c;
            an[0] = sx + base[4 * a + 0];
            an[1] = sy + base[4 * a + 1];
            an[2] = sx + base[4 * a + 2];
            an[3] = sy + base[4 * a + 3];
            for (uint32_t q = 0; q < 4; q++)
                de[q] = dl[((size_t)(a * 4 + q) * H + y) * W + x];
            w->cscore[c] = oclnn__sigmoidf(w->rank[j].score);
            w->clevel[c] = (int32_t)l;
        }
        w->filled[i] += k;
    }
    return OCLNN_OK;
}

/* Image i: decode, clip, drop small boxes and low scores, NMS per level, keep the best. */
static oclnn_status select_image(oclnn_context *ctx, const oclnn_rpn_desc *desc, const oclnn_nms_desc *nd,
                                 uint32_t i, oclnn_image_size size, rpn_work *w, float *boxes, float *scores,
                                 size_t *counts) {
    const size_t post = desc->post_nms_top_n;
    const size_t n = w->filled[i], off = (size_t)i * w->cap;
    float *fbox = w->fbox, *fscore = w->fscore;
    int32_t *flevel = w->flevel;
    uint32_t *keep = w->keep;
    oclnn__ranked *rank = w->rank;
    oclnn_status st = oclnn_box_decode(&desc->coder, w->anc + 4 * off, w->cdel + 4 * off, n, 1, w->cand);
    if (st == OCLNN_OK)
        st = oclnn_box_clip(w->cand, n, (float)size.h, (float)size.w);
    if (st != OCLNN_OK) return st;
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        const float *b = w->cand + 4 * j;
        if (!oclnn__big_enough(b, desc->min_size) || !(w->cscore[off + j] >= desc->score_threshold))
            continue;
        memcpy(fbox + 4 * m, b, 4 * sizeof *b);
        fscore[m] = w->cscore[off + j];
        flevel[m] = w->clevel[off + j];
        m++;
    }
    /* NMS per level (the candidates are grouped by level), then the survivors of all levels
     * ranked together: the same set and order as one NMS with the level as class, with
     * levels x (1000^2) IoUs instead of (levels x 1000)^2. */
    size_t kept = 0;
    for (size_t j0 = 0; j0 < m;) {
        size_t j1 = j0, got = 0;
        while (j1 < m && flevel[j1] == flevel[j0]) j1++;
        st = oclnn_nms(ctx, nd, fbox + 4 * j0, fscore + j0, NULL, j1 - j0, keep + kept, &got);
        if (st != OCLNN_OK) return st;
        for (size_t q = kept; q < kept + got; q++) {
            keep[q] += (uint32_t)j0;
            rank[q] = (oclnn__ranked){fscore[keep[q]], keep[q]};
        }
        kept += got;
        j0 = j1;
    }
    qsort(rank, kept, sizeof *rank, oclnn__by_score);
    kept = kept < post ? kept : post;
    for (size_t j = 0; j < kept; j++) {
        const uint32_t q = rank[j].index;
        memcpy(boxes + 4 * ((size_t)i * post + j), fbox + 4 * q, 4 * sizeof(float));
        if (scores) scores[(size_t)i * post + j] = fscore[q];
    }
    counts[i] = kept;
    return OCLNN_OK;
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
    const uint32_t L = desc->num_levels, A = desc->num_sizes * desc->num_ratios;
    uint32_t N = 0;
    size_t max_level = 0;
    OCLNN__TRY(check_rpn_levels(ctx, desc, objectness, deltas, image_sizes, padded_h, padded_w, &N, &max_level));

    const oclnn_allocator *al = ctx->allocator;
    const size_t pre = desc->pre_nms_top_n, post = desc->post_nms_top_n;
    rpn_work w = {0};
    for (uint32_t l = 0; l < L; l++) {
        size_t n = (size_t)objectness[l]->shape.h * objectness[l]->shape.w * A;
        w.cap += n < pre ? n : pre;
    }
    oclnn_status st = rpn_work_alloc(al, &w, max_level, N);
    for (uint32_t l = 0; st == OCLNN_OK && l < L; l++)
        st = gather_level(desc, objectness[l], deltas[l], l, N, padded_h, padded_w, &w);
    const oclnn_nms_desc nd = {desc->nms_threshold, false, 0.0f,
                               post > UINT32_MAX ? UINT32_MAX : (uint32_t)post};
    for (uint32_t i = 0; st == OCLNN_OK && i < N; i++)
        st = select_image(ctx, desc, &nd, i, image_sizes[i], &w, boxes, scores, counts);
    rpn_work_free(al, &w);
    return st;
}
