/* SPDX-License-Identifier: MIT */
/* Softmax over channels for the GPU device class: one work-group per (n, h, w) position reduces
 * its C channels by work-group trees (common/reduce.h): the maximum, then the sum of exp(x - max),
 * each work-item striding over the channels (neighbouring items read neighbouring channels, which
 * are neighbours in memory for NHWC and for a classifier's 1 x 1 positions).
 *
 * Required defines: none. Tunables: WG work-group size (a power of two, default 256).
 * Index mapping: group g = (n * H + h) * W + w; local WG. */
#include "common/index.h"
#include "common/reduce.h"

#ifndef WG
#define WG 256
#endif

kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void
oclnn_softmax_gpu(global const float *src, uint s_off, uint4 ss, global float *dst, uint d_off,
                  uint4 ds, uint4 shape) {
    local float red[WG];
    const uint lid = get_local_id(0), g = get_group_id(0);
    const uint w = g % shape.w, h = g / shape.w % shape.z, n = g / shape.w / shape.z;
    global const float *x = src + s_off + OCLNN_AT(ss, n, 0u, h, w);
    global float *y = dst + d_off + OCLNN_AT(ds, n, 0u, h, w);
    float m = -INFINITY;
    for (uint c = lid; c < shape.y; c += WG) m = fmax(m, x[c * ss.y]);
    m = oclnn_group_max(red, m, WG, 1u);
    float sum = 0.0f;
    for (uint c = lid; c < shape.y; c += WG) {
        const float e = exp(x[c * ss.y] - m);
        y[c * ds.y] = e;
        sum += e;
    }
    const float inv = 1.0f / oclnn_group_sum(red, sum, WG, 1u);
    for (uint c = lid; c < shape.y; c += WG) y[c * ds.y] *= inv; /* this item's own writes */
}
