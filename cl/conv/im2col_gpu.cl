/* SPDX-License-Identifier: MIT */
/* im2col for the GPU device class: the same matrix as cl/conv/im2col.cl,
 *
 *   col[(c*R + r)*S + s][img*P*Q + p*Q + q] = src(img, c, p*sh - pt + r*dh, q*sw - pl + s*dw)
 *
 * but one work-item per element with dimension 0 along the row (img, p, q), so neighbouring
 * work-items write neighbouring addresses (the CPU-shaped kernel gives each work-item a run of Q
 * columns, which puts neighbours Q floats apart) and, for NCHW sources, read neighbours sw
 * apart.
 *
 * Required defines: none. Tunables: none (memory-bound).
 * Index mapping: global (N*P*Q, C*R*S). Arguments as oclnn_conv_im2col:
 * shape = (N, C, H, W); kern = (R, S, P, Q); conv = (sh, sw, dh, dw); pad = (pt, pl, ld, 0). */
#include "common/index.h"

kernel void oclnn_conv_im2col_gpu(global const float *src, uint src_off, uint4 src_stride,
                                  uint4 shape, uint4 kern, uint4 conv, uint4 pad, global float *col) {
    const uint i = get_global_id(0), row = get_global_id(1), pq = kern.z * kern.w;
    if (i >= shape.x * pq || row >= shape.y * kern.x * kern.y) return;
    const uint img = i / pq, p = i % pq / kern.w, q = i % kern.w;
    const uint c = row / (kern.x * kern.y), r = row / kern.y % kern.x, s = row % kern.y;
    const int y = (int)(p * conv.x + r * conv.z) - (int)pad.x;
    const int x = (int)(q * conv.y + s * conv.w) - (int)pad.y;
    float v = 0.0f;
    if (y >= 0 && y < (int)shape.z && x >= 0 && x < (int)shape.w)
        v = src[src_off + OCLNN_AT(src_stride, img, c, (uint)y, (uint)x)];
    col[row * pad.z + i] = v;
}
