/* SPDX-License-Identifier: MIT */
/* Double-precision references of the detection pipeline stages (issue 18), written from
 * torchvision's Python independently of src/ops/detect_pipeline.c: whole sorts instead of a
 * selection, one batched NMS (oclnn__ref_nms) instead of NMS per level, arithmetic in double.
 * Boxes are rounded to float only where torchvision's float NMS sees them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"

typedef struct scored {
    double score;
    size_t index;
} scored;

static int by_desc(const void *pa, const void *pb) {
    const scored *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* BoxCoder.decode_single in double, then clip_boxes_to_image. */
static void decode(const double w[4], double clip, const double *ref, const float *d, double h_img,
                   double w_img, double *out) {
    const double pw = ref[2] - ref[0], ph = ref[3] - ref[1];
    const double px = ref[0] + 0.5 * pw, py = ref[1] + 0.5 * ph;
    const double dw = fmin(d[2] / w[2], clip), dh = fmin(d[3] / w[3], clip);
    const double cx = d[0] / w[0] * pw + px, cy = d[1] / w[1] * ph + py;
    const double bw = exp(dw) * pw, bh = exp(dh) * ph;
    const double b[4] = {cx - 0.5 * bw, cy - 0.5 * bh, cx + 0.5 * bw, cy + 0.5 * bh};
    for (int k = 0; k < 4; k++) {
        const double hi = k % 2 ? h_img : w_img;
        out[k] = b[k] < 0 ? 0 : b[k] > hi ? hi : b[k];
    }
}

static double wts(const float *w, int k) { return (double)w[k]; }

size_t oclnn__ref_rpn_proposals(const oclnn_rpn_desc *d, const float *const *objectness,
                                const float *const *deltas, const uint32_t (*maps)[2],
                                uint32_t image, uint32_t num_images, oclnn_image_size size,
                                uint32_t padded_h, uint32_t padded_w, float *boxes,
                                float *scores) {
    const uint32_t A = d->num_sizes * d->num_ratios;
    const double w[4] = {wts(d->coder.weights, 0), wts(d->coder.weights, 1),
                         wts(d->coder.weights, 2), wts(d->coder.weights, 3)};
    size_t cap = 0;
    for (uint32_t l = 0; l < d->num_levels; l++) cap += (size_t)maps[l][0] * maps[l][1] * A;
    float *fb = malloc(cap * 4 * sizeof *fb), *fs = malloc(cap * sizeof *fs);
    double *ds = malloc(cap * sizeof *ds);
    int32_t *lv = malloc(cap * sizeof *lv);
    scored *order = malloc(cap * sizeof *order);
    uint32_t *keep = malloc(cap * sizeof *keep);
    if (!fb || !fs || !ds || !lv || !order || !keep) abort();
    size_t m = 0;
    for (uint32_t l = 0; l < d->num_levels; l++) {
        const uint32_t H = maps[l][0], W = maps[l][1];
        const size_t n = (size_t)H * W * A;
        const float *o = objectness[l] + (size_t)image * n, *dl = deltas[l] + (size_t)image * 4 * n;
        (void)num_images;
        for (uint32_t y = 0; y < H; y++)
            for (uint32_t x = 0; x < W; x++)
                for (uint32_t a = 0; a < A; a++)
                    order[(y * W + x) * A + a] =
                        (scored){o[((size_t)a * H + y) * W + x], (y * W + x) * A + a};
        qsort(order, n, sizeof *order, by_desc);
        const size_t k = n < d->pre_nms_top_n ? n : d->pre_nms_top_n;
        for (size_t j = 0; j < k; j++) {
            const size_t idx = order[j].index, a = idx % A, cell = idx / A;
            const size_t y = cell / W, x = cell % W;
            /* The anchor: (-w, -h, w, h) / 2 rounded half to even, ratio outer, size inner. */
            const uint32_t r = (uint32_t)a / d->num_sizes, s = (uint32_t)a % d->num_sizes;
            const double hr = sqrt((double)d->ratios[r]), wr = 1.0 / hr;
            const double aw = wr * d->sizes[l][s], ah = hr * d->sizes[l][s];
            const double sx = (double)(x * (padded_w / W)), sy = (double)(y * (padded_h / H));
            const double anc[4] = {sx + nearbyint(-aw / 2), sy + nearbyint(-ah / 2),
                                   sx + nearbyint(aw / 2), sy + nearbyint(ah / 2)};
            float dd[4];
            for (int q = 0; q < 4; q++) dd[q] = dl[((size_t)(a * 4 + (size_t)q) * H + y) * W + x];
            double b[4];
            decode(w, d->coder.clip, anc, dd, size.h, size.w, b);
            const double sc = 1.0 / (1.0 + exp(-order[j].score));
            if (!(b[2] - b[0] >= d->min_size && b[3] - b[1] >= d->min_size)) continue;
            if (!(sc >= d->score_threshold)) continue;
            for (int q = 0; q < 4; q++) fb[4 * m + q] = (float)b[q];
            fs[m] = (float)sc;
            ds[m] = sc;
            lv[m] = (int32_t)l;
            m++;
        }
    }
    size_t kept = oclnn__ref_nms(fb, fs, lv, m, d->nms_threshold, keep);
    kept = kept < d->post_nms_top_n ? kept : d->post_nms_top_n;
    for (size_t j = 0; j < kept; j++) {
        memcpy(boxes + 4 * j, fb + 4 * keep[j], 4 * sizeof *boxes);
        if (scores) scores[j] = (float)ds[keep[j]];
    }
    free(fb), free(fs), free(ds), free(lv), free(order), free(keep);
    return kept;
}

size_t oclnn__ref_detect_postprocess(const oclnn_detect_post_desc *d, const float *logits,
                                     const float *reg, uint32_t K, const float *proposals,
                                     size_t n, oclnn_image_size size, float *boxes,
                                     float *scores, int32_t *labels) {
    const double w[4] = {wts(d->coder.weights, 0), wts(d->coder.weights, 1),
                         wts(d->coder.weights, 2), wts(d->coder.weights, 3)};
    const size_t cap = n * K + 1;
    float *fb = malloc(cap * 4 * sizeof *fb), *fs = malloc(cap * sizeof *fs);
    double *ds = malloc(cap * sizeof *ds);
    int32_t *cl = malloc(cap * sizeof *cl);
    uint32_t *keep = malloc(cap * sizeof *keep);
    if (!fb || !fs || !ds || !cl || !keep) abort();
    size_t m = 0;
    for (size_t p = 0; p < n; p++) {
        const float *x = logits + p * K;
        double mx = x[0], sum = 0;
        for (uint32_t c = 1; c < K; c++) mx = fmax(mx, x[c]);
        for (uint32_t c = 0; c < K; c++) sum += exp(x[c] - mx);
        const double ref[4] = {proposals[4 * p], proposals[4 * p + 1], proposals[4 * p + 2],
                               proposals[4 * p + 3]};
        for (uint32_t c = 1; c < K; c++) {
            const double s = exp(x[c] - mx) / sum;
            double b[4];
            decode(w, d->coder.clip, ref, reg + (p * K + c) * 4, size.h, size.w, b);
            if (!(s > d->score_threshold)) continue;
            if (!(b[2] - b[0] >= d->min_size && b[3] - b[1] >= d->min_size)) continue;
            for (int q = 0; q < 4; q++) fb[4 * m + q] = (float)b[q];
            fs[m] = (float)s;
            ds[m] = s;
            cl[m] = (int32_t)c;
            m++;
        }
    }
    size_t kept = oclnn__ref_nms(fb, fs, cl, m, d->nms_threshold, keep);
    kept = kept < d->detections_per_image ? kept : d->detections_per_image;
    for (size_t j = 0; j < kept; j++) {
        memcpy(boxes + 4 * j, fb + 4 * keep[j], 4 * sizeof *boxes);
        scores[j] = (float)ds[keep[j]];
        labels[j] = cl[keep[j]];
    }
    free(fb), free(fs), free(ds), free(cl), free(keep);
    return kept;
}
