/* SPDX-License-Identifier: MIT */
/* Strided 4-D copy and fill: layout transforms (NCHW <-> NHWC), writes into channel views, and
 * the staging step of host transfers.
 *
 * Required defines: none. Tunables: none (memory-bound; the launch shape follows dst's layout).
 * Index mapping: global (x, y, z) = (innermost dst axis, middle axis, outer axes fused), given by
 * the host as a permutation `order` of (n, c, h, w) so that x walks dst's unit stride. */
#include "common/index.h"

static uint4 unpermute(uint4 order, uint a, uint b, uint c, uint d) {
    /* (a, b, c, d) are the indices along order.x .. order.w; returns them in (n, c, h, w). */
    uint r[4];
    r[order.x] = a;
    r[order.y] = b;
    r[order.z] = c;
    r[order.w] = d;
    return (uint4)(r[0], r[1], r[2], r[3]);
}

/* dims: sizes along order (outer0, outer1, middle, inner). */
kernel void oclnn_tensor_copy(global const float *src, uint src_off, uint4 src_stride,
                              global float *dst, uint dst_off, uint4 dst_stride, uint4 dims,
                              uint4 order) {
    uint i3 = get_global_id(0), i2 = get_global_id(1), i01 = get_global_id(2);
    if (i3 >= dims.w || i2 >= dims.z || i01 >= dims.x * dims.y) return;
    uint4 i = unpermute(order, i01 / dims.y, i01 % dims.y, i2, i3);
    dst[dst_off + OCLNN_AT(dst_stride, i.x, i.y, i.z, i.w)] =
        src[src_off + OCLNN_AT(src_stride, i.x, i.y, i.z, i.w)];
}

kernel void oclnn_tensor_fill(global float *dst, uint dst_off, uint4 dst_stride, uint4 dims,
                              uint4 order, float value) {
    uint i3 = get_global_id(0), i2 = get_global_id(1), i01 = get_global_id(2);
    if (i3 >= dims.w || i2 >= dims.z || i01 >= dims.x * dims.y) return;
    uint4 i = unpermute(order, i01 / dims.y, i01 % dims.y, i2, i3);
    dst[dst_off + OCLNN_AT(dst_stride, i.x, i.y, i.z, i.w)] = value;
}
