/* SPDX-License-Identifier: MIT */
/* im2col: unfolds the input into the B operand of the im2col GEMM, for all images at once.
 *
 *   col[(c*R + r)*S + s][img*P*Q + p*Q + q] = src(img, c, p*sh - pt + r*dh, q*sw - pl + s*dw)
 *   (0 outside the input); row stride ld >= N*P*Q. Group g's rows are rows g*Cg*R*S onwards.
 *
 * Required defines: none. Tunables: none (memory-bound).
 * Index mapping: global (N*P, C*R*S); each work-item writes one output row's Q contiguous
 * columns, so the index arithmetic is done once per row, not per element. */
#include "common/index.h"

/* shape = (N, C, H, W); kern = (R, S, P, Q); conv = (sh, sw, dh, dw); pad = (pt, pl, ld, 0) */
kernel void oclnn_conv_im2col(global const float *src, uint src_off, uint4 src_stride, uint4 shape,
                              uint4 kern, uint4 conv, uint4 pad, global float *col) {
    const uint np = get_global_id(0), row = get_global_id(1);
    if (np >= shape.x * kern.z || row >= shape.y * kern.x * kern.y) return;
    const uint img = np / kern.z, p = np % kern.z;
    const uint c = row / (kern.x * kern.y), r = row / kern.y % kern.x, s = row % kern.y;
    global float *out = col + row * pad.z + np * kern.w;
    const int y = (int)(p * conv.x + r * conv.z) - (int)pad.x;
    if (y < 0 || y >= (int)shape.z) {
        for (uint q = 0; q < kern.w; q++) out[q] = 0.0f;
        return;
    }
    const global float *line = src + src_off + OCLNN_AT(src_stride, img, c, (uint)y, 0);
    const int x0 = (int)(s * conv.w) - (int)pad.y;
    for (uint q = 0; q < kern.w; q++) {
        const int x = x0 + (int)(q * conv.y);
        out[q] = x >= 0 && x < (int)shape.w ? line[(uint)x * src_stride.w] : 0.0f;
    }
}
