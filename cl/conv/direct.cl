/* SPDX-License-Identifier: MIT */
/* Direct convolution, any kernel size, stride, dilation, padding and groups, register-blocked:
 * each work-item computes KB output channels x QB consecutive output columns of one output row,
 * reading each input value once per (c, r, s) for all KB channels.
 *
 * Weights are re-laid out at create as w[g][kb][c][r][s][KB] (block kb of group g holds channels
 * g*Kg + kb*KB + i; channels past Kg are zero), so the KB weights of one tap are one vector load.
 *
 * Required defines: none (bias, residual, ReLU are runtime flags; see conv/epilogue.h).
 * Tunables: KB output channels per work-item (default 4; 1, 2, 4, 8 or 16: the vector width)
 *           QB output columns per work-item (default 8)
 * Index mapping: global (ceil(Q/QB), P, N * G * ceil(Kg/KB)). */
#include "conv/epilogue.h"

#ifndef KB
#define KB 4
#endif
#ifndef QB
#define QB 8
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#if KB == 1
#define WVEC float
#define WLOAD(p) (*(p))
#else
#define WVEC CAT(float, KB)
#define WLOAD(p) CAT(vload, KB)(0, (p))
#endif

/* shape = (N, C, H, W); kern = (R, S, P, Q); conv = (sh, sw, dh, dw); grp = (G, Cg, Kg, blocks)
 * pad = (pt, pl, 0, 0) */
kernel void oclnn_conv_direct(global const float *src, uint src_off, uint4 src_stride, uint4 shape,
                              uint4 kern, uint4 conv, uint4 grp, uint2 pad, global const float *w,
                              EPI_PARAMS) {
    const uint q0 = get_global_id(0) * QB, p = get_global_id(1), z = get_global_id(2);
    const uint blocks = grp.w, G = grp.x, Cg = grp.y, Kg = grp.z;
    if (q0 >= kern.w || p >= kern.z || z >= shape.x * G * blocks) return;
    const uint n = z / (G * blocks), g = z / blocks % G, kb = z % blocks;
    const uint R = kern.x, S = kern.y;
    WVEC acc[QB];
    for (uint j = 0; j < QB; j++) acc[j] = (WVEC)(0.0f);
    const global float *wp = w + (size_t)(g * blocks + kb) * Cg * R * S * KB;
    const int y0 = (int)(p * conv.x) - (int)pad.x;
    for (uint c = 0; c < Cg; c++) {
        const global float *plane = src + src_off + n * src_stride.x + (g * Cg + c) * src_stride.y;
        for (uint r = 0; r < R; r++) {
            const int y = y0 + (int)(r * conv.z);
            if (y < 0 || y >= (int)shape.z) {
                wp += S * KB;
                continue;
            }
            const global float *line = plane + (uint)y * src_stride.z;
            for (uint s = 0; s < S; s++, wp += KB) {
                const WVEC wv = WLOAD(wp);
                const int x0 = (int)(q0 * conv.y + s * conv.w) - (int)pad.y;
                for (uint j = 0; j < QB; j++) {
                    const int x = x0 + (int)(j * conv.y);
                    const float v = x >= 0 && x < (int)shape.w ? line[(uint)x * src_stride.w] : 0.0f;
                    acc[j] = fma((WVEC)(v), wv, acc[j]);
                }
            }
        }
    }
    for (uint i = 0; i < KB; i++) {
        const uint kk = kb * KB + i;
        if (kk >= Kg) break;
        for (uint j = 0; j < QB && q0 + j < kern.w; j++) {
#if KB == 1
            const float v = acc[j];
#else
            float t[KB];
            CAT(vstore, KB)(acc[j], 0, t);
            const float v = t[i];
#endif
            epi_store(EPI_ARGS, n, g * Kg + kk, p, q0 + j, v);
        }
    }
}
