/* SPDX-License-Identifier: MIT */
/* Element-wise ops: add, add + ReLU, per-channel scale and shift (also batch-norm inference),
 * ReLU, ReLU6, sigmoid, tanh. The op is a run-time argument (values of oclnn_eltwise_op), so
 * one program serves them all; the branch is uniform across the launch.
 *
 * Required defines: none. Tunables: none (memory-bound).
 * oclnn_eltwise_flat: a, b and dst dense in one layout; one work-item per element, channel of
 *   element i = (i / cdiv) % C (cdiv = H*W for NCHW, 1 for NHWC).
 * oclnn_eltwise_strided: any strides (views, mixed layouts). Global (x, y, z) = (innermost dst
 *   axis, middle axis, two outer axes fused), `order` the permutation of (n, c, h, w) from
 *   outermost to innermost dst axis, `dims` the sizes in that order. */
#include "common/index.h"

#define OP_ADD 0
#define OP_ADD_RELU 1
#define OP_SCALE 2
#define OP_RELU 3
#define OP_RELU6 4
#define OP_SIGMOID 5
#define OP_TANH 6

static float apply(int op, float a, float b, float s, float t) {
    switch (op) {
    case OP_ADD: return a + b;
    case OP_ADD_RELU: return fmax(a + b, 0.0f);
    case OP_SCALE: return a * s + t;
    case OP_RELU: return fmax(a, 0.0f);
    case OP_RELU6: return clamp(a, 0.0f, 6.0f);
    case OP_SIGMOID: return 1.0f / (1.0f + exp(-a));
    default: return tanh(a);
    }
}

kernel void oclnn_eltwise_flat(global const float *a, global const float *b,
                               global const float *scale, global const float *shift,
                               global float *dst, uint count, uint cdiv, uint channels, int op) {
    uint i = get_global_id(0);
    if (i >= count) return;
    float s = 1.0f, t = 0.0f, bv = 0.0f;
    if (op == OP_SCALE) {
        uint c = (i / cdiv) % channels;
        s = scale[c];
        if (shift) t = shift[c];
    } else if (op <= OP_ADD_RELU) {
        bv = b[i];
    }
    dst[i] = apply(op, a[i], bv, s, t);
}

static uint4 unpermute(uint4 order, uint i0, uint i1, uint i2, uint i3) {
    uint r[4];
    r[order.x] = i0;
    r[order.y] = i1;
    r[order.z] = i2;
    r[order.w] = i3;
    return (uint4)(r[0], r[1], r[2], r[3]);
}

kernel void oclnn_eltwise_strided(global const float *a, uint a_off, uint4 a_stride,
                                  global const float *b, uint b_off, uint4 b_stride,
                                  global const float *scale, global const float *shift,
                                  global float *dst, uint d_off, uint4 d_stride, uint4 dims,
                                  uint4 order, int op) {
    uint i3 = get_global_id(0), i2 = get_global_id(1), i01 = get_global_id(2);
    if (i3 >= dims.w || i2 >= dims.z || i01 >= dims.x * dims.y) return;
    uint4 i = unpermute(order, i01 / dims.y, i01 % dims.y, i2, i3);
    float s = 1.0f, t = 0.0f, bv = 0.0f;
    if (op == OP_SCALE) {
        s = scale[i.y];
        if (shift) t = shift[i.y];
    } else if (op <= OP_ADD_RELU) {
        bv = b[b_off + OCLNN_AT(b_stride, i.x, i.y, i.z, i.w)];
    }
    dst[d_off + OCLNN_AT(d_stride, i.x, i.y, i.z, i.w)] =
        apply(op, a[a_off + OCLNN_AT(a_stride, i.x, i.y, i.z, i.w)], bv, s, t);
}
