/* SPDX-License-Identifier: MIT */
/* The stages of torchvision's GeneralizedRCNN between network layers (issue 18): RPN proposals
 * (rpn.py filter_proposals), detection post-processing (roi_heads.py postprocess_detections),
 * mask pasting (roi_heads.py paste_masks_in_image) and training RoI sampling
 * (roi_heads.py select_training_samples). Each reproduces torchvision's float arithmetic step by
 * step; the quadratic part, NMS, runs on the context's backend through oclnn_nms. The linear
 * parts (top-k, decoding, clipping, filtering) are host work over the network's outputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/detect.h"
#include "core/alloc.h"
#include "core/status.h"
#include "core/tensor.h"

static float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

static oclnn_status check_coder(const char *name, const oclnn_box_coder *c) {
    for (int i = 0; i < 4; i++)
        if (!isfinite(c->weights[i]) || c->weights[i] <= 0)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s.weights[%d] = %g must be finite and positive", name, i,
                               c->weights[i]);
    if (isnan(c->clip)) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s.clip is NaN", name);
    return OCLNN_OK;
}

static oclnn_status check_threshold(const char *name, double t) {
    if (!(t >= 0.0 && t <= 1.0))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s %g is outside [0, 1]", name, t);
    return OCLNN_OK;
}

/* remove_small_boxes: kept when both sides are >= min_size. */
static bool big_enough(const float *b, float min_size) {
    return b[2] - b[0] >= min_size && b[3] - b[1] >= min_size;
}

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
    OCLNN__TRY(check_coder("desc->coder", &d->coder));
    if (d->pre_nms_top_n == 0 || d->post_nms_top_n == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->pre_nms_top_n %u and desc->post_nms_top_n %u must be positive",
                           d->pre_nms_top_n, d->post_nms_top_n);
    OCLNN__TRY(check_threshold("desc->nms_threshold", d->nms_threshold));
    if (isnan(d->score_threshold) || isnan(d->min_size))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->score_threshold and desc->min_size must not be NaN");
    return OCLNN_OK;
}

typedef struct ranked {
    float score;
    uint32_t index;
} ranked;

/* Descending score, ties by ascending index (torch.topk's order is unspecified for ties). */
static int by_score(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Strict "a ranks before b": higher score, then lower index (by_score's order). */
static bool before(ranked a, ranked b) {
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

/* Moves the k best of a[0, n) (by_score's order) to a[0, k), then sorts them: quickselect
 * (median-of-three pivots) and a sort of k, instead of a sort of the whole level. */
static void top_k(ranked *a, size_t n, size_t k) {
    size_t lo = 0, hi = n; /* the k-th lies in [lo, hi) */
    while (k < n && hi - lo > 16) {
        const size_t mid = lo + (hi - lo) / 2;
        ranked x = a[lo], y = a[mid], z = a[hi - 1], pivot;
        if (before(x, y)) pivot = before(y, z) ? y : before(x, z) ? z : x;
        else pivot = before(x, z) ? x : before(y, z) ? z : y;
        /* Three-way partition: [lo, lt) before the pivot, [lt, gt) equal, [gt, hi) after. */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (before(a[i], pivot)) {
                ranked t = a[lt];
                a[lt++] = a[i];
                a[i++] = t;
            } else if (before(pivot, a[i])) {
                ranked t = a[--gt];
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
    qsort(a, hi, sizeof *a, by_score);
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

    const oclnn_allocator *al = ctx->allocator;
    const size_t pre = desc->pre_nms_top_n, post = desc->post_nms_top_n;
    size_t cap = 0; /* candidates per image: sum over levels of min(pre, anchors) */
    for (uint32_t l = 0; l < L; l++) {
        size_t n = (size_t)objectness[l]->shape.h * objectness[l]->shape.w * A;
        cap += n < pre ? n : pre;
    }
    const size_t all = cap * (N ? N : 1);
    float *obj = oclnn__calloc(al, max_level * N, sizeof *obj);
    float *del = oclnn__calloc(al, max_level * N * 4, sizeof *del);
    ranked *rank = oclnn__calloc(al, max_level > cap ? max_level : cap, sizeof *rank);
    float *anc = oclnn__calloc(al, all * 4, sizeof *anc);   /* candidates' anchors, */
    float *cdel = oclnn__calloc(al, all * 4, sizeof *cdel); /* deltas, */
    float *cand = oclnn__calloc(al, cap * 4, sizeof *cand); /* one image's decoded boxes */
    float *cscore = oclnn__calloc(al, all, sizeof *cscore);
    int32_t *clevel = oclnn__calloc(al, all, sizeof *clevel);
    float *fbox = oclnn__calloc(al, cap * 4, sizeof *fbox);
    float *fscore = oclnn__calloc(al, cap, sizeof *fscore);
    int32_t *flevel = oclnn__calloc(al, cap, sizeof *flevel);
    uint32_t *keep = oclnn__calloc(al, cap, sizeof *keep);
    size_t *filled = oclnn__calloc(al, N ? N : 1, sizeof *filled);
    oclnn_status st = OCLNN_OK;
    if (!obj || !del || !rank || !cand || !anc || !cdel || !cscore || !clevel || !fbox ||
        !fscore || !flevel || !keep || !filled) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate proposal buffers (%zu anchors per level, %zu candidates)",
                         max_level, cap);
        goto done;
    }
    /* Per level: read the maps, rank each image's anchors by objectness (torchvision's top-k on
     * the logits), gather the top pre_nms_top_n with their anchors and deltas. */
    for (uint32_t l = 0; l < L; l++) {
        const uint32_t H = objectness[l]->shape.h, W = objectness[l]->shape.w;
        const size_t per_image = (size_t)H * W * A, k = per_image < pre ? per_image : pre;
        st = oclnn_tensor_read(objectness[l], obj, OCLNN_LAYOUT_NCHW);
        if (st == OCLNN_OK) st = oclnn_tensor_read(deltas[l], del, OCLNN_LAYOUT_NCHW);
        /* Base anchors: oclnn_anchors on one cell at the origin. */
        float base[4 * 64];
        if (st == OCLNN_OK)
            st = oclnn_anchors(desc->sizes[l], desc->num_sizes, desc->ratios, desc->num_ratios, 1,
                               1, 0, 0, base);
        if (st != OCLNN_OK) goto done;
        /* AnchorGenerator's strides: padded size // map size, per axis. */
        const uint32_t stride_h = padded_h / H, stride_w = padded_w / W;
        for (uint32_t i = 0; i < N; i++) {
            const float *o = obj + (size_t)i * per_image;
            const float *dl = del + (size_t)i * per_image * 4;
            /* torchvision flattens (A, H, W) maps as (H, W, A), A innermost. */
            for (uint32_t y = 0; y < H; y++)
                for (uint32_t x = 0; x < W; x++)
                    for (uint32_t a = 0; a < A; a++) {
                        const uint32_t idx = (y * W + x) * A + a;
                        const float v = o[((size_t)a * H + y) * W + x];
                        if (isnan(v)) {
                            st = oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                             "objectness[%u] of image %u is NaN at anchor %u", l,
                                             i, idx);
                            goto done;
                        }
                        rank[idx] = (ranked){v, idx};
                    }
            top_k(rank, per_image, k);
            for (size_t j = 0; j < k; j++) {
                const uint32_t idx = rank[j].index, a = idx % A, cell = idx / A;
                const uint32_t y = cell / W, x = cell % W;
                const float sx = (float)((uint64_t)x * stride_w),
                            sy = (float)((uint64_t)y * stride_h);
                const size_t c = (size_t)i * cap + filled[i] + j;
                float *an = anc + 4 * c, *de = cdel + 4 * c;
                an[0] = sx + base[4 * a + 0];
                an[1] = sy + base[4 * a + 1];
                an[2] = sx + base[4 * a + 2];
                an[3] = sy + base[4 * a + 3];
                for (uint32_t q = 0; q < 4; q++)
                    de[q] = dl[((size_t)(a * 4 + q) * H + y) * W + x];
                cscore[c] = sigmoidf(rank[j].score);
                clevel[c] = (int32_t)l;
            }
            filled[i] += k;
        }
    }
    /* Per image: decode, clip, drop small boxes and low scores, NMS per level, keep the best. */
    const oclnn_nms_desc nd = {desc->nms_threshold, false, 0.0f,
                               post > UINT32_MAX ? UINT32_MAX : (uint32_t)post};
    for (uint32_t i = 0; i < N; i++) {
        const size_t n = filled[i], off = (size_t)i * cap;
        st = oclnn_box_decode(&desc->coder, anc + 4 * off, cdel + 4 * off, n, 1, cand);
        if (st == OCLNN_OK)
            st = oclnn_box_clip(cand, n, (float)image_sizes[i].h, (float)image_sizes[i].w);
        if (st != OCLNN_OK) goto done;
        size_t m = 0;
        for (size_t j = 0; j < n; j++) {
            const float *b = cand + 4 * j;
            if (!big_enough(b, desc->min_size) || !(cscore[off + j] >= desc->score_threshold))
                continue;
            memcpy(fbox + 4 * m, b, 4 * sizeof *b);
            fscore[m] = cscore[off + j];
            flevel[m] = clevel[off + j];
            m++;
        }
        /* NMS per level (the candidates are grouped by level), then the survivors of all levels
         * ranked together: the same set and order as one NMS with the level as class, with
         * levels x (1000^2) IoUs instead of (levels x 1000)^2. */
        size_t kept = 0;
        for (size_t j0 = 0; j0 < m;) {
            size_t j1 = j0, got = 0;
            while (j1 < m && flevel[j1] == flevel[j0]) j1++;
            st = oclnn_nms(ctx, &nd, fbox + 4 * j0, fscore + j0, NULL, j1 - j0, keep + kept, &got);
            if (st != OCLNN_OK) goto done;
            for (size_t q = kept; q < kept + got; q++) {
                keep[q] += (uint32_t)j0;
                rank[q] = (ranked){fscore[keep[q]], keep[q]};
            }
            kept += got;
            j0 = j1;
        }
        qsort(rank, kept, sizeof *rank, by_score);
        kept = kept < post ? kept : post;
        for (size_t j = 0; j < kept; j++) {
            const uint32_t q = rank[j].index;
            memcpy(boxes + 4 * ((size_t)i * post + j), fbox + 4 * q, 4 * sizeof(float));
            if (scores) scores[(size_t)i * post + j] = fscore[q];
        }
        counts[i] = kept;
    }
done:
    oclnn__free(al, obj);
    oclnn__free(al, del);
    oclnn__free(al, rank);
    oclnn__free(al, cand);
    oclnn__free(al, anc);
    oclnn__free(al, cdel);
    oclnn__free(al, cscore);
    oclnn__free(al, clevel);
    oclnn__free(al, fbox);
    oclnn__free(al, fscore);
    oclnn__free(al, flevel);
    oclnn__free(al, keep);
    oclnn__free(al, filled);
    return st;
}

/* ---- Detection post-processing --------------------------------------------------------------- */

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
    OCLNN__TRY(check_coder("desc->coder", &desc->coder));
    OCLNN__TRY(check_threshold("desc->nms_threshold", desc->nms_threshold));
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
    float *dec = oclnn__calloc(al, most * K * 4 + 1, sizeof *dec);
    float *prob = oclnn__calloc(al, (size_t)K, sizeof *prob);
    float *cb = oclnn__calloc(al, cand_cap * 4 + 1, sizeof *cb);
    float *cs = oclnn__calloc(al, cand_cap + 1, sizeof *cs);
    int32_t *cl = oclnn__calloc(al, cand_cap + 1, sizeof *cl);
    uint32_t *keep = oclnn__calloc(al, cand_cap + 1, sizeof *keep);
    /* The candidates grouped by class: gb/gs hold them, gi their index among cb/cs/cl. */
    float *gb = oclnn__calloc(al, cand_cap * 4 + 1, sizeof *gb);
    float *gs = oclnn__calloc(al, cand_cap + 1, sizeof *gs);
    uint32_t *gi = oclnn__calloc(al, cand_cap + 1, sizeof *gi);
    size_t *start = oclnn__calloc(al, (size_t)K + 1, sizeof *start);
    ranked *rank = oclnn__calloc(al, cand_cap + 1, sizeof *rank);
    oclnn_status st = OCLNN_OK;
    if (!dec || !prob || !cb || !cs || !cl || !keep || !gb || !gs || !gi || !start || !rank) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate post-processing buffers (%zu candidates)", cand_cap);
        goto done;
    }
    const oclnn_nms_desc nd = {desc->nms_threshold, false, 0.0f,
                               D > UINT32_MAX ? UINT32_MAX : (uint32_t)D};
    size_t at = 0;
    for (size_t i = 0; i < num_images; i++) {
        const size_t n = num_proposals[i];
        const float *lg = class_logits + at * K;
        st = oclnn_box_decode(&desc->coder, proposals + 4 * at, box_regression + at * 4 * K, n,
                              K, dec);
        if (st == OCLNN_OK)
            st = oclnn_box_clip(dec, n * K, (float)image_sizes[i].h, (float)image_sizes[i].w);
        if (st != OCLNN_OK) goto done;
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
                if (!(s > desc->score_threshold) || !big_enough(b, desc->min_size)) continue;
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
                st = oclnn_nms(ctx, &nd, gb + 4 * (size_t)j0, gs + j0, NULL, j1 - j0, keep, &got);
                if (st != OCLNN_OK) goto done;
            }
            for (size_t q = 0; q < got; q++) {
                const uint32_t orig = gi[j0 + keep[q]];
                rank[kept++] = (ranked){cs[orig], orig};
            }
            j0 = j1;
        }
        qsort(rank, kept, sizeof *rank, by_score);
        kept = kept < D ? kept : D;
        for (size_t j = 0; j < kept; j++) {
            const uint32_t q = rank[j].index;
            memcpy(boxes + 4 * (i * D + j), cb + 4 * q, 4 * sizeof(float));
            scores[i * D + j] = cs[q];
            labels[i * D + j] = cl[q];
        }
        counts[i] = kept;
        at += n;
    }
done:
    oclnn__free(al, dec);
    oclnn__free(al, prob);
    oclnn__free(al, cb);
    oclnn__free(al, cs);
    oclnn__free(al, cl);
    oclnn__free(al, keep);
    oclnn__free(al, gb);
    oclnn__free(al, gs);
    oclnn__free(al, gi);
    oclnn__free(al, start);
    oclnn__free(al, rank);
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
                    v[k] = desc->logits ? sigmoidf(t) : t;
                }
                const float p = (v[0] * w0 + v[1] * w1) * h0 + (v[2] * w0 + v[3] * w1) * h1;
                o[(size_t)y * image_w + (size_t)x] =
                    desc->binarize ? (p > desc->threshold ? 1.0f : 0.0f) : p;
            }
        }
    }
    return OCLNN_OK;
}

/* ---- RoI sampling for training --------------------------------------------------------- */

/* splitmix64: a small, seedable generator with good statistics. */
static uint64_t next_random(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Marks k of the m indices in idx, chosen uniformly (partial Fisher-Yates). */
static void choose(uint32_t *idx, size_t m, size_t k, uint64_t *state, uint8_t *chosen) {
    for (size_t i = 0; i < k; i++) {
        const size_t j = i + (size_t)(next_random(state) % (uint64_t)(m - i));
        const uint32_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        chosen[idx[i]] = 1;
    }
}

oclnn_status oclnn_roi_sample(const oclnn_roi_sample_desc *desc, const float *proposals, size_t n,
                              const float *gt_boxes, const int32_t *gt_labels, size_t num_gt,
                              float *rois, int32_t *labels, float *targets, int32_t *matched,
                              size_t *num_out) {
    OCLNN__ENTER();
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!num_out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "num_out is NULL");
    *num_out = 0;
    OCLNN__TRY(check_coder("desc->coder", &desc->coder));
    if (desc->batch_size_per_image == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->batch_size_per_image is 0");
    if (!(desc->positive_fraction >= 0.0f && desc->positive_fraction <= 1.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->positive_fraction %g is outside [0, 1]", desc->positive_fraction);
    if (!(desc->bg_iou_low >= 0.0f && desc->bg_iou_low <= desc->bg_iou_high &&
          desc->bg_iou_high <= desc->fg_iou_threshold && desc->fg_iou_threshold <= 1.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "IoU thresholds must satisfy 0 <= bg_iou_low (%g) <= bg_iou_high (%g) "
                           "<= fg_iou_threshold (%g) <= 1",
                           desc->bg_iou_low, desc->bg_iou_high, desc->fg_iou_threshold);
    const size_t total = n + (desc->append_gt ? num_gt : 0);
    if (total > UINT32_MAX / 2 || num_gt > UINT32_MAX / 2)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%zu proposals and %zu boxes: too many",
                           n, num_gt);
    if ((n && !proposals) || (num_gt && (!gt_boxes || !gt_labels)))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           n && !proposals ? "proposals" : !gt_boxes ? "gt_boxes" : "gt_labels");
    if (total && (!rois || !labels || !targets))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !rois ? "rois" : !labels ? "labels" : "targets");
    for (size_t j = 0; j < 4 * n; j++)
        if (!isfinite(proposals[j]))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "proposals[%zu] value %zu is %g (NaN or infinite)", j / 4, j % 4,
                               proposals[j]);
    for (size_t g = 0; g < num_gt; g++) {
        if (gt_labels[g] < 1)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "gt_labels[%zu] = %d: ground-truth labels start at 1", g,
                               (int)gt_labels[g]);
        for (int k = 0; k < 4; k++)
            if (!isfinite(gt_boxes[4 * g + k]))
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "gt_boxes[%zu] coordinate %d is %g (NaN or infinite)", g, k,
                                   gt_boxes[4 * g + k]);
    }
    if (total == 0) return OCLNN_OK;
    float *all = malloc(total * 4 * sizeof *all);
    int32_t *match = malloc(total * sizeof *match);
    int32_t *lab = malloc(total * sizeof *lab);
    uint32_t *fg = malloc(total * sizeof *fg), *bg = malloc(total * sizeof *bg);
    uint8_t *chosen = calloc(total, 1);
    oclnn_status st = OCLNN_OK;
    if (!all || !match || !lab || !fg || !bg || !chosen) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate sampling buffers");
        goto done;
    }
    if (n) memcpy(all, proposals, n * 4 * sizeof *all);
    if (desc->append_gt && num_gt) memcpy(all + 4 * n, gt_boxes, num_gt * 4 * sizeof *all);
    /* Matcher: the ground truth of highest IoU (the first on ties), then the label rule. */
    size_t nfg = 0, nbg = 0;
    for (size_t j = 0; j < total; j++) {
        const float *p = all + 4 * j, area_p = oclnn__box_area(p);
        float best = -1.0f;
        int32_t bi = -1;
        for (size_t g = 0; g < num_gt; g++) {
            const float *b = gt_boxes + 4 * g;
            const float iou = oclnn__iou_f32(b, oclnn__box_area(b), p, area_p);
            if (iou > best) {
                best = iou;
                bi = (int32_t)g;
            }
        }
        if (num_gt == 0) best = 0.0f; /* torchvision: every proposal is background */
        if (best >= desc->fg_iou_threshold && bi >= 0) {
            match[j] = bi;
            lab[j] = gt_labels[bi];
            fg[nfg++] = (uint32_t)j;
        } else if (best >= desc->bg_iou_low && best < desc->bg_iou_high) {
            match[j] = -1;
            lab[j] = 0;
            bg[nbg++] = (uint32_t)j;
        } else {
            match[j] = -1;
            lab[j] = -1; /* ignored */
        }
    }
    /* BalancedPositiveNegativeSampler. */
    size_t want_fg = (size_t)((float)desc->batch_size_per_image * desc->positive_fraction);
    want_fg = want_fg < nfg ? want_fg : nfg;
    size_t want_bg = desc->batch_size_per_image - want_fg;
    want_bg = want_bg < nbg ? want_bg : nbg;
    uint64_t state = desc->seed;
    choose(fg, nfg, want_fg, &state, chosen);
    choose(bg, nbg, want_bg, &state, chosen);
    size_t k = 0;
    for (size_t j = 0; j < total; j++) {
        if (!chosen[j]) continue;
        memcpy(rois + 4 * k, all + 4 * j, 4 * sizeof *rois);
        labels[k] = lab[j];
        if (matched) matched[k] = match[j];
        if (match[j] >= 0) {
            st = oclnn_box_encode(&desc->coder, all + 4 * j, gt_boxes + 4 * (size_t)match[j], 1,
                                  targets + 4 * k);
            if (st != OCLNN_OK) goto done;
        } else {
            memset(targets + 4 * k, 0, 4 * sizeof *targets);
        }
        k++;
    }
    *num_out = k;
done:
    free(all);
    free(match);
    free(lab);
    free(fg);
    free(bg);
    free(chosen);
    return st;
}
