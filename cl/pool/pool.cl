/* SPDX-License-Identifier: MIT */
/* Max and average 2-D pooling (PyTorch semantics: windows clipped to the input for max; for
 * average, divided by the window clipped to input + padding when count_include_pad, else by the
 * input elements covered). Max can write the argmax as the float h * W + w in the input plane.
 * Global pooling is a window of the whole plane.
 *
 * Required defines: none. Tunables: none.
 * Index mapping: one work-item per output element, in dst's memory order so that neighbouring
 *   work-items write (and mostly read) neighbouring addresses: global (x, y, z) = (ow, oh, n*C + c)
 *   when w is dst's innermost axis, (c, ow, n*OH + oh) when c is (chan_inner). dims = (N, C, OH,
 *   OW); win = (kernel_h, kernel_w, stride_h, stride_w), pad = (pad_h, pad_w); flags: bit 0 max,
 *   bit 1 count_include_pad, bit 2 write argmax. */
#include "common/index.h"

kernel void oclnn_pool2d(global const float *src, uint s_off, uint4 s_stride, uint2 in_hw,
                         global float *dst, uint d_off, uint4 d_stride, global float *argmax,
                         uint a_off, uint4 a_stride, uint4 dims, int chan_inner, int4 win, int2 pad,
                         int flags) {
    uint x = get_global_id(0), y = get_global_id(1), z = get_global_id(2);
    uint n, c, oh, ow;
    if (chan_inner) {
        if (x >= dims.y || y >= dims.w || z >= dims.x * dims.z) return;
        c = x;
        ow = y;
        n = z / dims.z;
        oh = z % dims.z;
    } else {
        if (x >= dims.w || y >= dims.z || z >= dims.x * dims.y) return;
        ow = x;
        oh = y;
        n = z / dims.y;
        c = z % dims.y;
    }
    int H = (int)in_hw.x, W = (int)in_hw.y;
    int h0 = (int)oh * win.z - pad.x, w0 = (int)ow * win.w - pad.y;
    int h1 = h0 + win.x, w1 = w0 + win.y;
    int a0 = max(h0, 0), a1 = min(h1, H), b0 = max(w0, 0), b1 = min(w1, W);
    global const float *p = src + s_off + n * s_stride.x + c * s_stride.y;
    float r;
    if (flags & 1) {
        float best = -INFINITY;
        int where = a0 * W + b0;
        for (int h = a0; h < a1; h++)
            for (int w = b0; w < b1; w++) {
                /* branch-free: on real data the maximum moves unpredictably */
                float v = p[h * s_stride.z + w * s_stride.w];
                int take = (v > best) | isnan(v);
                best = take ? v : best;
                where = take ? h * W + w : where;
            }
        r = best;
        if (flags & 4) argmax[a_off + OCLNN_AT(a_stride, n, c, oh, ow)] = (float)where;
    } else {
        float sum = 0.0f;
        for (int h = a0; h < a1; h++)
            for (int w = b0; w < b1; w++) sum += p[h * s_stride.z + w * s_stride.w];
        int div = (flags & 2) ? (min(h1, H + pad.x) - h0) * (min(w1, W + pad.y) - w0)
                              : (a1 - a0) * (b1 - b0);
        r = sum / (float)div;
    }
    dst[d_off + OCLNN_AT(d_stride, n, c, oh, ow)] = r;
}
