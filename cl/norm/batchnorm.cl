/* SPDX-License-Identifier: MIT */
/* Training-mode batch-norm statistics: one work-group per channel reduces over (n, h, w) in two
 * passes (mean, then the squared deviations, which is stabler than E[x^2] - E[x]^2), writes the
 * batch mean and biased variance, updates the running statistics (unbiased variance, momentum)
 * and writes scale = gamma / sqrt(var + eps), shift = beta - mean * scale for the normalization
 * (the SCALE kernel of tensor/eltwise.cl).
 *
 * Required defines: none.
 * Tunables: WG, work-items per channel (a power of two, at most the device's work-group size;
 *   default 64).
 * Index mapping: group g = channel; local id walks the channel's n*h*w elements with stride WG. */
#include "common/index.h"

#ifndef WG
#define WG 64
#endif

static float group_sum(local float *red, float v) {
    uint lid = get_local_id(0);
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = WG / 2; s > 0; s >>= 1) {
        if (lid < s) red[lid] += red[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = red[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void
oclnn_bn_train_stats(global const float *x, uint x_off, uint4 xs, uint4 shape, float eps,
                     float momentum, global const float *gamma, global const float *beta,
                     global float *running_mean, global float *running_var,
                     global float *batch_mean, global float *batch_var, global float *scale,
                     global float *shift) {
    local float red[WG];
    uint c = get_group_id(0), lid = get_local_id(0);
    uint hw = shape.z * shape.w, count = shape.x * hw;
    global const float *xc = x + x_off + c * xs.y;
    float sum = 0.0f;
    for (uint i = lid; i < count; i += WG) {
        uint n = i / hw, r = i % hw;
        sum += xc[n * xs.x + (r / shape.w) * xs.z + (r % shape.w) * xs.w];
    }
    float mean = group_sum(red, sum) / (float)count;
    float sq = 0.0f;
    for (uint i = lid; i < count; i += WG) {
        uint n = i / hw, r = i % hw;
        float d = xc[n * xs.x + (r / shape.w) * xs.z + (r % shape.w) * xs.w] - mean;
        sq += d * d;
    }
    float m2 = group_sum(red, sq);
    if (lid == 0) {
        float var = m2 / (float)count, unbiased = m2 / (float)(count - 1);
        batch_mean[c] = mean;
        batch_var[c] = var;
        running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * mean;
        running_var[c] = (1.0f - momentum) * running_var[c] + momentum * unbiased;
        float k = gamma[c] / sqrt(var + eps);
        scale[c] = k;
        shift[c] = beta[c] - mean * k;
    }
}
