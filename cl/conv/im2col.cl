/* SPDX-License-Identifier: MIT */
/* im2col: unfolds the input into the B operand of the im2col GEMM, for all images at once.
 *
 *   col[(c*R + r)*S + s][img*P*Q + p*Q + q] = src(img, c, p*sh - pt + r*dh, q*sw - pl + s*dw)
 *   (0 outside the input); row stride ld >= N*P*Q. Group g's rows are rows g*Cg*R*S onwards.
 *
 * Required defines: none. Tunables: none (memory-bound).
 * Index mapping: global (N*P*Q, C*R*S): x walks the contiguous columns of col. */
#include "common/index.h"

/* shape = (N, C, H, W); kern = (R, S, P, Q); conv = (sh, sw, dh, dw); pad = (pt, pl, ld, 0) */
kernel void oclnn_conv_im2col(global const float *src, uint src_off, uint4 src_stride, uint4 shape,
                              uint4 kern, uint4 conv, uint4 pad, global float *col) {
    const uint x = get_global_id(0), row = get_global_id(1);
    const uint pq = kern.z * kern.w;
    if (x >= shape.x * pq || row >= shape.y * kern.x * kern.y) return;
    const uint img = x / pq, p = x % pq / kern.w, q = x % kern.w;
    const uint c = row / (kern.x * kern.y), r = row / kern.y % kern.x, s = row % kern.y;
    const int y = (int)(p * conv.x + r * conv.z) - (int)pad.x;
    const int xx = (int)(q * conv.y + s * conv.w) - (int)pad.y;
    float v = 0.0f;
    if (y >= 0 && y < (int)shape.z && xx >= 0 && xx < (int)shape.w)
        v = src[src_off + OCLNN_AT(src_stride, img, c, (uint)y, (uint)xx)];
    col[row * pad.z + x] = v;
}
