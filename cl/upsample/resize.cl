/* SPDX-License-Identifier: MIT */
/* Nearest and bilinear resize with torch's F.interpolate semantics (ATen's CPU kernels): one
 * work-item per output element. The coordinate scale comes resolved from the host (the size
 * ratio or 1 / scale_factor, or (in - 1) / (out - 1) with align_corners, in float as ATen computes
 * it); contraction is off so that src = dst * scale rounds as there.
 *
 * Required defines: none. Tunables: none.
 * Index mapping (chan_inner names dst's innermost axis, along which neighbouring work-items run):
 *   chan_inner = 0: global (x, y, z) = (ow, oh, n * C + c)
 *   chan_inner = 1: global (x, y, z) = (c, ow, n * OH + oh)
 * dims = (N, C, OH, OW); in_hw = (H, W); scale = (scale_h, scale_w); mode: 0 nearest,
 * 1 bilinear, 2 bilinear with align_corners. */
#include "common/index.h"

#pragma OPENCL FP_CONTRACT OFF

/* One axis's source indices and the second one's weight (as cpu/upsample.c's axis_taps). */
static void taps(uint mode, float scale, uint i, uint in, uint *i0, uint *i1, float *l1) {
    if (mode == 0) {
        uint s = (uint)floor((float)i * scale);
        *i0 = *i1 = min(s, in - 1);
        *l1 = 0.0f;
        return;
    }
    float real = mode == 2 ? scale * (float)i : scale * ((float)i + 0.5f) - 0.5f;
    real = fmax(real, 0.0f);
    uint a = (uint)real;
    *i0 = a;
    *i1 = a + (a < in - 1 ? 1u : 0u);
    *l1 = clamp(real - (float)a, 0.0f, 1.0f);
}

kernel void oclnn_resize(global const float *src, uint s_off, uint4 s_stride, uint2 in_hw,
                         global float *dst, uint d_off, uint4 d_stride, uint4 dims, float2 scale,
                         uint mode, uint chan_inner) {
    uint n, c, oh, ow;
    if (chan_inner) {
        c = get_global_id(0);
        ow = get_global_id(1);
        n = get_global_id(2) / dims.z;
        oh = get_global_id(2) % dims.z;
        if (c >= dims.y || ow >= dims.w || n >= dims.x) return;
    } else {
        ow = get_global_id(0);
        oh = get_global_id(1);
        n = get_global_id(2) / dims.y;
        c = get_global_id(2) % dims.y;
        if (ow >= dims.w || oh >= dims.z || n >= dims.x) return;
    }
    uint y0, y1, x0, x1;
    float a1, b1;
    taps(mode, scale.x, oh, in_hw.x, &y0, &y1, &a1);
    taps(mode, scale.y, ow, in_hw.y, &x0, &x1, &b1);
    global const float *p = src + s_off + n * s_stride.x + c * s_stride.y;
    float v;
    if (mode == 0) {
        v = p[y0 * s_stride.z + x0 * s_stride.w];
    } else {
        const float a0 = 1.0f - a1, b0 = 1.0f - b1;
        const float v00 = p[y0 * s_stride.z + x0 * s_stride.w], v01 = p[y0 * s_stride.z + x1 * s_stride.w];
        const float v10 = p[y1 * s_stride.z + x0 * s_stride.w], v11 = p[y1 * s_stride.z + x1 * s_stride.w];
        v = a0 * (b0 * v00 + b1 * v01) + a1 * (b0 * v10 + b1 * v11);
    }
    dst[d_off + OCLNN_AT(d_stride, n, c, oh, ow)] = v;
}
