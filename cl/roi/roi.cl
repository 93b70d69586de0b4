/* SPDX-License-Identifier: MIT */
/* RoIAlign and RoI max pooling over a plan built on the host (src/ops/roi.c), which already holds
 * torchvision's rounding: the kernels only gather and reduce, in torchvision's order.
 *
 * Required defines: none. Tunables: none (gather-bound).
 * Index mapping: global (c, r): one work-item per channel of an RoI, looping over its
 *   pooled_h x pooled_w bins, so the RoI's header is read once per plane and neighbouring
 *   work-items take neighbouring channels (contiguous reads in NHWC; CPU drivers vectorize
 *   across them).
 * Plan: items[8 r + 0..5] = batch, grid_h, grid_w, count (float bits), y_off, x_off
 *   (items[8 r + 6]: the first expanded sample, for oclnn_roi_align_table; items[8 r + 7]:
 *   the dst row of RoI r, r itself except in a multi-level run);
 *   taps[i] = (lo, hi, l, h) with l, h float bits. ALIGN bin ph uses y-taps
 *   y_off + ph * grid_h .. + grid_h, POOL bin ph uses the single window taps[y_off + ph]. */
#include "common/index.h"

#pragma OPENCL FP_CONTRACT OFF

#define ITEM(r, k) items[8 * (r) + (k)]

kernel void oclnn_roi_align(global const float *src, uint src_off, uint4 ss, global float *dst,
                            uint dst_off, uint4 ds, global const int *items,
                            global const int4 *taps, uint C, uint PH, uint PW, uint R) {
    uint c = get_global_id(0), r = get_global_id(1);
    if (c >= C || r >= R) return;
    int batch = ITEM(r, 0), gh = ITEM(r, 1), gw = ITEM(r, 2);
    float count = as_float(ITEM(r, 3));
    global const float *plane = src + src_off + OCLNN_AT(ss, (uint)batch, c, 0u, 0u);
    global float *out = dst + dst_off + OCLNN_AT(ds, (uint)ITEM(r, 7), c, 0u, 0u);
    for (uint ph = 0; ph < PH; ph++) {
        global const int4 *ty = taps + ITEM(r, 4) + ph * gh;
        for (uint pw = 0; pw < PW; pw++) {
            global const int4 *tx = taps + ITEM(r, 5) + pw * gw;
            float acc = 0.0f;
            for (int iy = 0; iy < gh; iy++) {
                int4 y = ty[iy];
                float yl = as_float(y.z), yh = as_float(y.w);
                global const float *r0 = plane + (uint)y.x * ss.z, *r1 = plane + (uint)y.y * ss.z;
                for (int ix = 0; ix < gw; ix++) {
                    int4 x = tx[ix];
                    float xl = as_float(x.z), xh = as_float(x.w);
                    float w1 = yh * xh, w2 = yh * xl, w3 = yl * xh, w4 = yl * xl;
                    acc += w1 * r0[(uint)x.x * ss.w] + w2 * r0[(uint)x.y * ss.w] +
                           w3 * r1[(uint)x.x * ss.w] + w4 * r1[(uint)x.y * ss.w];
                }
            }
            out[ph * ds.z + pw * ds.w] = acc / count;
        }
    }
}

/* RoIAlign from samples expanded on the host (oclnn__roi_expand): per sample four element
 * offsets within the plane and four weights, samples[2 i] = offsets, samples[2 i + 1] = weight
 * bits; RoI r's samples start at items[8 r + 6]. The per-sample index and weight arithmetic is
 * done once per RoI instead of once per channel, and every work-item of a RoI reads the same
 * sample entries. */
kernel void oclnn_roi_align_table(global const float *src, uint src_off, uint4 ss,
                                  global float *dst, uint dst_off, uint4 ds,
                                  global const int *items, global const int4 *samples, uint C,
                                  uint PH, uint PW, uint R) {
    uint c = get_global_id(0), r = get_global_id(1);
    if (c >= C || r >= R) return;
    int per_bin = ITEM(r, 1) * ITEM(r, 2);
    float count = as_float(ITEM(r, 3));
    global const int4 *s = samples + 2 * (uint)ITEM(r, 6);
    global const float *plane = src + src_off + OCLNN_AT(ss, (uint)ITEM(r, 0), c, 0u, 0u);
    global float *out = dst + dst_off + OCLNN_AT(ds, (uint)ITEM(r, 7), c, 0u, 0u);
    for (uint ph = 0; ph < PH; ph++)
        for (uint pw = 0; pw < PW; pw++) {
            float acc = 0.0f;
            for (int i = 0; i < per_bin; i++, s += 2) {
                int4 o = s[0];
                float4 w = as_float4(s[1]);
                acc += w.x * plane[o.x] + w.y * plane[o.y] + w.z * plane[o.z] + w.w * plane[o.w];
            }
            out[ph * ds.z + pw * ds.w] = acc / count;
        }
}

/* argmax (when has_argmax) receives h * W + w of each maximum, -1 for an empty bin. */
kernel void oclnn_roi_pool(global const float *src, uint src_off, uint4 ss, uint W,
                           global float *dst, uint dst_off, uint4 ds, global float *argmax,
                           uint am_off, uint4 as, uint has_argmax, global const int *items,
                           global const int4 *taps, uint C, uint PH, uint PW, uint R) {
    uint c = get_global_id(0), r = get_global_id(1);
    if (c >= C || r >= R) return;
    global const float *plane = src + src_off + OCLNN_AT(ss, (uint)ITEM(r, 0), c, 0u, 0u);
    global float *out = dst + dst_off + OCLNN_AT(ds, (uint)ITEM(r, 7), c, 0u, 0u);
    global float *am = argmax + am_off + OCLNN_AT(as, (uint)ITEM(r, 7), c, 0u, 0u);
    for (uint ph = 0; ph < PH; ph++) {
        int4 y = taps[ITEM(r, 4) + ph];
        for (uint pw = 0; pw < PW; pw++) {
            int4 x = taps[ITEM(r, 5) + pw];
            float best = (y.y <= y.x || x.y <= x.x) ? 0.0f : -FLT_MAX;
            int best_i = -1;
            for (int h = y.x; h < y.y; h++)
                for (int w = x.x; w < x.y; w++) {
                    float v = plane[(uint)h * ss.z + (uint)w * ss.w];
                    if (v > best) {
                        best = v;
                        best_i = h * (int)W + w;
                    }
                }
            out[ph * ds.z + pw * ds.w] = best;
            if (has_argmax) am[ph * as.z + pw * as.w] = (float)best_i;
        }
    }
}
