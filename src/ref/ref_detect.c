/* SPDX-License-Identifier: MIT */
/* Reference RoIAlign, RoI pooling and NMS: torchvision's CPU algorithms written out plainly
 * (bilinear_interpolate per sample, a window scan per bin, the suppression loop), with sums in
 * double. Sample positions keep torchvision's float arithmetic, since which pixels a sample
 * touches is part of the semantics. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "ref/ref.h"

static double bilinear(oclnn_shape s, const float *src, oclnn_layout l, size_t n, size_t c, float y,
                       float x) {
    const int H = (int)s.h, W = (int)s.w;
    if (y < -1.0 || y > H || x < -1.0 || x > W) return 0.0;
    if (y <= 0) y = 0;
    if (x <= 0) x = 0;
    int y0 = (int)y, x0 = (int)x, y1, x1;
    if (y0 >= H - 1) {
        y1 = y0 = H - 1;
        y = (float)y0;
    } else {
        y1 = y0 + 1;
    }
    if (x0 >= W - 1) {
        x1 = x0 = W - 1;
        x = (float)x0;
    } else {
        x1 = x0 + 1;
    }
    float ly = y - (float)y0, lx = x - (float)x0, hy = 1.0f - ly, hx = 1.0f - lx;
#define V(yy, xx) (double)src[oclnn__ref_index(s, l, n, c, (size_t)(yy), (size_t)(xx))]
    return (double)(hy * hx) * V(y0, x0) + (double)(hy * lx) * V(y0, x1) +
           (double)(ly * hx) * V(y1, x0) + (double)(ly * lx) * V(y1, x1);
#undef V
}

void oclnn__ref_roi_align(oclnn_shape map, const float *src, oclnn_layout layout, const float *rois,
                          size_t num_rois, uint32_t ph, uint32_t pw, float scale, int sampling,
                          bool aligned, float *dst) {
    const float offset = aligned ? 0.5f : 0.0f;
    for (size_t r = 0; r < num_rois; r++) {
        const float *q = rois + 5 * r;
        size_t n = (size_t)q[0];
        float sx = q[1] * scale - offset, sy = q[2] * scale - offset;
        float rw = q[3] * scale - offset - sx, rh = q[4] * scale - offset - sy;
        if (!aligned) {
            rw = fmaxf(rw, 1.0f);
            rh = fmaxf(rh, 1.0f);
        }
        float bh = rh / (float)ph, bw = rw / (float)pw;
        int gh = sampling > 0 ? sampling : (int)ceilf(rh / (float)ph);
        int gw = sampling > 0 ? sampling : (int)ceilf(rw / (float)pw);
        double count = gh * gw > 1 ? gh * gw : 1;
        for (size_t c = 0; c < map.c; c++)
            for (uint32_t i = 0; i < ph; i++)
                for (uint32_t j = 0; j < pw; j++) {
                    double acc = 0;
                    for (int iy = 0; iy < gh; iy++) {
                        float y = sy + (float)i * bh + ((float)iy + .5f) * bh / (float)gh;
                        for (int ix = 0; ix < gw; ix++) {
                            float x = sx + (float)j * bw + ((float)ix + .5f) * bw / (float)gw;
                            acc += bilinear(map, src, layout, n, c, y, x);
                        }
                    }
                    dst[((r * map.c + c) * ph + i) * pw + j] = (float)(acc / count);
                }
    }
}

void oclnn__ref_roi_pool(oclnn_shape map, const float *src, oclnn_layout layout, const float *rois,
                         size_t num_rois, uint32_t ph, uint32_t pw, float scale, float *dst,
                         float *argmax) {
    const int H = (int)map.h, W = (int)map.w;
    for (size_t r = 0; r < num_rois; r++) {
        const float *q = rois + 5 * r;
        size_t n = (size_t)q[0];
        int x0 = (int)roundf(q[1] * scale), y0 = (int)roundf(q[2] * scale);
        int x1 = (int)roundf(q[3] * scale), y1 = (int)roundf(q[4] * scale);
        int rw = x1 - x0 + 1 > 1 ? x1 - x0 + 1 : 1, rh = y1 - y0 + 1 > 1 ? y1 - y0 + 1 : 1;
        float bh = (float)rh / (float)ph, bw = (float)rw / (float)pw;
        for (uint32_t i = 0; i < ph; i++)
            for (uint32_t j = 0; j < pw; j++) {
                int hs = (int)floorf((float)i * bh) + y0, he = (int)ceilf((float)(i + 1) * bh) + y0;
                int ws = (int)floorf((float)j * bw) + x0, we = (int)ceilf((float)(j + 1) * bw) + x0;
                hs = hs < 0 ? 0 : hs > H ? H : hs;
                he = he < 0 ? 0 : he > H ? H : he;
                ws = ws < 0 ? 0 : ws > W ? W : ws;
                we = we < 0 ? 0 : we > W ? W : we;
                bool empty = he <= hs || we <= ws;
                for (size_t c = 0; c < map.c; c++) {
                    float best = empty ? 0.0f : -FLT_MAX;
                    int best_i = -1;
                    for (int h = hs; h < he; h++)
                        for (int w = ws; w < we; w++) {
                            float v =
                                src[oclnn__ref_index(map, layout, n, c, (size_t)h, (size_t)w)];
                            if (v > best) {
                                best = v;
                                best_i = h * W + w;
                            }
                        }
                    size_t o = ((r * map.c + c) * ph + i) * pw + j;
                    dst[o] = best;
                    if (argmax) argmax[o] = (float)best_i;
                }
            }
    }
}

static const float *sort_scores;
static int by_score(const void *pa, const void *pb) {
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (sort_scores[a] != sort_scores[b]) return sort_scores[a] > sort_scores[b] ? -1 : 1;
    return (a > b) - (a < b);
}

size_t oclnn__ref_nms(const float *boxes, const float *scores, const int32_t *classes, size_t n,
                      double iou_threshold, uint32_t *keep) {
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    unsigned char *dead = calloc(n ? n : 1, 1);
    if (!order || !dead) abort();
    for (size_t i = 0; i < n; i++) order[i] = (uint32_t)i;
    sort_scores = scores;
    qsort(order, n, sizeof *order, by_score);
    size_t kept = 0;
    for (size_t a = 0; a < n; a++) {
        const uint32_t i = order[a];
        if (dead[i]) continue;
        keep[kept++] = i;
        const float *p = boxes + 4 * (size_t)i;
        float area_i = (p[2] - p[0]) * (p[3] - p[1]);
        for (size_t b = a + 1; b < n; b++) {
            const uint32_t j = order[b];
            if (dead[j] || (classes && classes[i] != classes[j])) continue;
            const float *o = boxes + 4 * (size_t)j;
            float area_j = (o[2] - o[0]) * (o[3] - o[1]);
            float w = fmaxf(0.0f, fminf(p[2], o[2]) - fmaxf(p[0], o[0]));
            float h = fmaxf(0.0f, fminf(p[3], o[3]) - fmaxf(p[1], o[1]));
            float inter = w * h;
            float iou = inter / (area_i + area_j - inter);
            if ((double)iou > iou_threshold) dead[j] = 1;
        }
    }
    free(order);
    free(dead);
    return kept;
}
