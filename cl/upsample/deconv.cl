/* SPDX-License-Identifier: MIT */
/* 2-D transposed convolution (torch's ConvTranspose2d), gathered: each work-item computes KB
 * neighbouring output channels of one output pixel, visiting only the taps that reach it. Output
 * row oh takes kernel row r from input row iy = (oh + pad_h - r * dil_h) / stride_h when the
 * division is exact and iy < H (likewise for columns), so no zero-inserted input is read and no
 * atomics are needed. Each input value loaded is used for KB output channels.
 *
 * Required defines: none. Tunables: KB (output channels per work-item, 1, 2 or 4; must divide
 * out_channels / groups; default 1).
 * Index mapping (chan_inner names dst's innermost axis, along which neighbouring work-items run):
 *   chan_inner = 0: global (x, y, z) = (ow, oh, n * K / KB + kb)
 *   chan_inner = 1: global (x, y, z) = (kb, ow, n * OH + oh)
 * in_shape = (N, C, H, W); out_shape = (N, K, OH, OW); kern = (R, S, groups, flags) with flags
 * bit 0 = has bias, bit 1 = ReLU; conv = (stride_h, stride_w, dil_h, dil_w); pad = (pad_h, pad_w).
 * w: torch's (C, K / groups, R, S), dense. */
#include "common/index.h"

#ifndef KB
#define KB 1
#endif

kernel void oclnn_deconv2d(global const float *src, uint s_off, uint4 s_stride, uint4 in_shape,
                           global float *dst, uint d_off, uint4 d_stride, uint4 out_shape,
                           global const float *w, global const float *bias, uint4 kern,
                           uint4 conv, uint2 pad, uint chan_inner) {
    const uint N = in_shape.x, C = in_shape.y, H = in_shape.z, W = in_shape.w;
    const uint K = out_shape.y, OH = out_shape.z, OW = out_shape.w;
    const uint R = kern.x, S = kern.y, G = kern.z;
    const uint kblocks = K / KB;
    uint ow, oh, kb, n;
    if (chan_inner) {
        kb = get_global_id(0);
        ow = get_global_id(1);
        n = get_global_id(2) / OH;
        oh = get_global_id(2) % OH;
        if (kb >= kblocks || ow >= OW || n >= N) return;
    } else {
        ow = get_global_id(0);
        oh = get_global_id(1);
        n = get_global_id(2) / kblocks;
        kb = get_global_id(2) % kblocks;
        if (ow >= OW || oh >= OH || n >= N) return;
    }
    const uint Cg = C / G, Kg = K / G, k0 = kb * KB, g = k0 / Kg, kk0 = k0 % Kg;
    const uint RS = R * S;
    float acc[KB];
    for (uint j = 0; j < KB; j++) acc[j] = (kern.w & 1u) ? bias[k0 + j] : 0.0f;
    global const float *sn = src + s_off + n * s_stride.x + g * Cg * s_stride.y;
    global const float *wg = w + ((size_t)g * Cg * Kg + kk0) * RS;
    /* Without dilation only every stride-th kernel row can reach oh, starting at the phase
     * (oh + pad) % stride: step over the others (a 4x4 stride-2 kernel visits 2x2 taps, not 16). */
    const uint r0 = conv.z == 1 ? (uint)(((ulong)oh + pad.x) % conv.x) : 0u;
    const uint r_step = conv.z == 1 ? conv.x : 1u;
    const uint s0 = conv.w == 1 ? (uint)(((ulong)ow + pad.y) % conv.y) : 0u;
    const uint s_step = conv.w == 1 ? conv.y : 1u;
    for (uint r = r0; r < R; r += r_step) {
        const long num_h = (long)oh + pad.x - (long)r * conv.z;
        if (num_h < 0 || num_h % conv.x) continue;
        const long iy = num_h / conv.x;
        if (iy >= H) continue;
        for (uint s = s0; s < S; s += s_step) {
            const long num_w = (long)ow + pad.y - (long)s * conv.w;
            if (num_w < 0 || num_w % conv.y) continue;
            const long ix = num_w / conv.y;
            if (ix >= W) continue;
            global const float *px = sn + (uint)iy * s_stride.z + (uint)ix * s_stride.w;
            global const float *pw = wg + r * S + s;
            for (uint c = 0; c < Cg; c++) {
                const float v = px[c * s_stride.y];
                for (uint j = 0; j < KB; j++) acc[j] = fma(v, pw[(c * Kg + j) * RS], acc[j]);
            }
        }
    }
    for (uint j = 0; j < KB; j++) {
        float v = acc[j];
        if (kern.w & 2u) v = fmax(v, 0.0f);
        dst[d_off + OCLNN_AT(d_stride, n, k0 + j, oh, ow)] = v;
    }
}

/* The second half of the "col2im" algorithm: the first is a 1x1 convolution (oclnn's GEMM
 * engines) from src to cols = (N, K * R * S, H, W), channel (k * R + r) * S + s holding input
 * pixel (iy, ix)'s contribution to kernel tap (r, s) of output channel k. Each work-item gathers
 * its output pixel's taps from cols (no atomics), adds the bias and applies the ReLU. Same index
 * mapping and arguments as oclnn_deconv2d with KB = 1; in_hw = (H, W). */
kernel void oclnn_deconv2d_col2im(global const float *cols, uint c_off, uint4 c_stride,
                                  uint2 in_hw, global float *dst, uint d_off, uint4 d_stride,
                                  uint4 out_shape, global const float *bias, uint4 kern,
                                  uint4 conv, uint2 pad, uint chan_inner) {
    const uint N = out_shape.x, K = out_shape.y, OH = out_shape.z, OW = out_shape.w;
    const uint H = in_hw.x, W = in_hw.y, R = kern.x, S = kern.y;
    uint ow, oh, k, n;
    if (chan_inner) {
        k = get_global_id(0);
        ow = get_global_id(1);
        n = get_global_id(2) / OH;
        oh = get_global_id(2) % OH;
        if (k >= K || ow >= OW || n >= N) return;
    } else {
        ow = get_global_id(0);
        oh = get_global_id(1);
        n = get_global_id(2) / K;
        k = get_global_id(2) % K;
        if (ow >= OW || oh >= OH || n >= N) return;
    }
    float acc = (kern.w & 1u) ? bias[k] : 0.0f;
    global const float *cn = cols + c_off + n * c_stride.x + k * R * S * c_stride.y;
    const uint r0 = conv.z == 1 ? (uint)(((ulong)oh + pad.x) % conv.x) : 0u;
    const uint r_step = conv.z == 1 ? conv.x : 1u;
    const uint s0 = conv.w == 1 ? (uint)(((ulong)ow + pad.y) % conv.y) : 0u;
    const uint s_step = conv.w == 1 ? conv.y : 1u;
    for (uint r = r0; r < R; r += r_step) {
        const long num_h = (long)oh + pad.x - (long)r * conv.z;
        if (num_h < 0 || num_h % conv.x) continue;
        const long iy = num_h / conv.x;
        if (iy >= H) continue;
        for (uint s = s0; s < S; s += s_step) {
            const long num_w = (long)ow + pad.y - (long)s * conv.w;
            if (num_w < 0 || num_w % conv.y) continue;
            const long ix = num_w / conv.y;
            if (ix >= W) continue;
            acc += cn[(r * S + s) * c_stride.y + (uint)iy * c_stride.z + (uint)ix * c_stride.w];
        }
    }
    if (kern.w & 2u) acc = fmax(acc, 0.0f);
    dst[d_off + OCLNN_AT(d_stride, n, k, oh, ow)] = acc;
}
