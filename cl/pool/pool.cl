/* SPDX-License-Identifier: MIT */
/* Max and average 2-D pooling (PyTorch semantics: windows clipped to the input for max; for
 * average, divided by the window clipped to input + padding when count_include_pad, else by the
 * input elements covered). Max can write the argmax as the float h * W + w in the input plane.
 * Global pooling is a window of the whole plane.
 *
 * Required defines: none. Tunables: none.
 * Index mapping: one work-item per output element; global (x, y, z) = (innermost dst axis,
 *   middle axis, two outer axes fused), as in tensor/copy.cl, so writes are sequential in either
 *   layout. win = (kernel_h, kernel_w, stride_h, stride_w), pad = (pad_h, pad_w),
 *   flags: bit 0 max, bit 1 count_include_pad, bit 2 write argmax. */
#include "common/index.h"

static uint4 unpermute(uint4 order, uint i0, uint i1, uint i2, uint i3) {
    uint r[4];
    r[order.x] = i0;
    r[order.y] = i1;
    r[order.z] = i2;
    r[order.w] = i3;
    return (uint4)(r[0], r[1], r[2], r[3]);
}

kernel void oclnn_pool2d(global const float *src, uint s_off, uint4 s_stride, uint2 in_hw,
                         global float *dst, uint d_off, uint4 d_stride, global float *argmax,
                         uint a_off, uint4 a_stride, uint4 dims, uint4 order, int4 win, int2 pad,
                         int flags) {
    uint i3 = get_global_id(0), i2 = get_global_id(1), i01 = get_global_id(2);
    if (i3 >= dims.w || i2 >= dims.z || i01 >= dims.x * dims.y) return;
    uint4 o = unpermute(order, i01 / dims.y, i01 % dims.y, i2, i3);
    int H = (int)in_hw.x, W = (int)in_hw.y;
    int h0 = (int)o.z * win.z - pad.x, w0 = (int)o.w * win.w - pad.y;
    int h1 = h0 + win.x, w1 = w0 + win.y;
    int a0 = max(h0, 0), a1 = min(h1, H), b0 = max(w0, 0), b1 = min(w1, W);
    global const float *p = src + s_off + o.x * s_stride.x + o.y * s_stride.y;
    float r;
    if (flags & 1) {
        float best = -INFINITY;
        int where = a0 * W + b0;
        for (int h = a0; h < a1; h++)
            for (int w = b0; w < b1; w++) {
                float v = p[h * s_stride.z + w * s_stride.w];
                if (v > best || isnan(v)) {
                    best = v;
                    where = h * W + w;
                }
            }
        r = best;
        if (flags & 4) argmax[a_off + OCLNN_AT(a_stride, o.x, o.y, o.z, o.w)] = (float)where;
    } else {
        float sum = 0.0f;
        for (int h = a0; h < a1; h++)
            for (int w = b0; w < b1; w++) sum += p[h * s_stride.z + w * s_stride.w];
        int div = (flags & 2) ? (min(h1, H + pad.x) - h0) * (min(w1, W + pad.y) - w0)
                              : (a1 - a0) * (b1 - b0);
        r = sum / (float)div;
    }
    dst[d_off + OCLNN_AT(d_stride, o.x, o.y, o.z, o.w)] = r;
}
