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
 * Index mapping (oclnn_bn_train_stats): group g = channel; for each n, local id walks the h*w plane with stride WG
 *   (hw_step: the element step along a plane whose rows are back to back, else 0). */
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

/* Writes the statistics of channel c from its mean and sum of squared deviations m2. */
static void finish(uint c, float mean, float m2, uint count, float eps, float momentum,
                   global const float *gamma, global const float *beta,
                   global float *running_mean, global float *running_var,
                   global float *batch_mean, global float *batch_var, global float *scale,
                   global float *shift) {
    float var = m2 / (float)count, unbiased = m2 / (float)(count - 1);
    batch_mean[c] = mean;
    batch_var[c] = var;
    running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * mean;
    running_var[c] = (1.0f - momentum) * running_var[c] + momentum * unbiased;
    float k = gamma[c] / sqrt(var + eps);
    scale[c] = k;
    shift[c] = beta[c] - mean * k;
}

kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void
oclnn_bn_train_stats(global const float *x, uint x_off, uint4 xs, uint4 shape, uint hw_step,
                     float eps, float momentum, global const float *gamma,
                     global const float *beta, global float *running_mean,
                     global float *running_var, global float *batch_mean, global float *batch_var,
                     global float *scale, global float *shift) {
    local float red[WG];
    uint c = get_group_id(0), lid = get_local_id(0);
    uint hw = shape.z * shape.w, count = shape.x * hw;
    global const float *xc = x + x_off + c * xs.y;
    float sum = 0.0f;
    for (uint n = 0; n < shape.x; n++) {
        global const float *xn = xc + n * xs.x;
        if (hw_step)
            for (uint r = lid; r < hw; r += WG) sum += xn[r * hw_step];
        else
            for (uint r = lid; r < hw; r += WG) sum += xn[(r / shape.w) * xs.z + (r % shape.w) * xs.w];
    }
    float mean = group_sum(red, sum) / (float)count;
    float sq = 0.0f;
    for (uint n = 0; n < shape.x; n++) {
        global const float *xn = xc + n * xs.x;
        for (uint r = lid; r < hw; r += WG) {
            float d = (hw_step ? xn[r * hw_step] : xn[(r / shape.w) * xs.z + (r % shape.w) * xs.w]) - mean;
            sq += d * d;
        }
    }
    float m2 = group_sum(red, sq);
    if (lid == 0)
        finish(c, mean, m2, count, eps, momentum, gamma, beta, running_mean, running_var,
               batch_mean, batch_var, scale, shift);
}

/* Channel-innermost tensors (NHWC): one work-item per channel walks every pixel, so neighbouring
 * work-items read neighbouring addresses. Sums go through chunks of CHUNK values to bound the
 * float rounding of long sums. */
#define CHUNK 256
kernel void oclnn_bn_train_stats_cin(global const float *x, uint x_off, uint4 xs, uint4 shape,
                                     float eps, float momentum, global const float *gamma,
                                     global const float *beta, global float *running_mean,
                                     global float *running_var, global float *batch_mean,
                                     global float *batch_var, global float *scale,
                                     global float *shift) {
    uint c = get_global_id(0);
    if (c >= shape.y) return;
    uint count = shape.x * shape.z * shape.w;
    global const float *xc = x + x_off + c * xs.y;
    float sum = 0.0f, part = 0.0f;
    uint k = 0;
    for (uint n = 0; n < shape.x; n++)
        for (uint h = 0; h < shape.z; h++)
            for (uint w = 0; w < shape.w; w++) {
                part += xc[n * xs.x + h * xs.z + w * xs.w];
                if (++k == CHUNK) {
                    sum += part;
                    part = 0.0f;
                    k = 0;
                }
            }
    float mean = (sum + part) / (float)count;
    float m2 = 0.0f;
    part = 0.0f;
    k = 0;
    for (uint n = 0; n < shape.x; n++)
        for (uint h = 0; h < shape.z; h++)
            for (uint w = 0; w < shape.w; w++) {
                float d = xc[n * xs.x + h * xs.z + w * xs.w] - mean;
                part += d * d;
                if (++k == CHUNK) {
                    m2 += part;
                    part = 0.0f;
                    k = 0;
                }
            }
    finish(c, mean, m2 + part, count, eps, momentum, gamma, beta, running_mean, running_var,
           batch_mean, batch_var, scale, shift);
}

/* GPU class: one work-group of GWG items per block of `cols` channels (cols = CW when channels
 * are innermost (NHWC), so each row of the group reads CW neighbouring floats; 1 otherwise, so
 * neighbouring items read neighbouring pixels of one plane); both passes end in a work-group tree
 * reduction (common/reduce.h). Global (ceil(C / cols) * GWG), local GWG.
 * Tunables: GWG work-group size (a power of two, default 256), CW channels per group for NHWC
 * (a power of two dividing GWG, default 32). */
#include "common/reduce.h"
#ifndef GWG
#define GWG 256
#endif

kernel __attribute__((reqd_work_group_size(GWG, 1, 1))) void
oclnn_bn_train_stats_gpu(global const float *x, uint x_off, uint4 xs, uint4 shape, uint hw_step,
                         uint cols, float eps, float momentum, global const float *gamma,
                         global const float *beta, global float *running_mean,
                         global float *running_var, global float *batch_mean,
                         global float *batch_var, global float *scale, global float *shift) {
    local float red[GWG];
    const uint lid = get_local_id(0), rows = GWG / cols, row = lid / cols;
    const uint c = get_group_id(0) * cols + lid % cols;
    const bool valid = c < shape.y;
    const uint hw = shape.z * shape.w, count = shape.x * hw;
    global const float *xc = x + x_off + (valid ? c : 0u) * xs.y;
    float sum = 0.0f;
    if (valid)
        for (uint n = 0; n < shape.x; n++) {
            global const float *xn = xc + n * xs.x;
            for (uint r = row; r < hw; r += rows)
                sum += xn[hw_step ? r * hw_step : (r / shape.w) * xs.z + (r % shape.w) * xs.w];
        }
    const float mean = oclnn_group_sum(red, sum, GWG, cols) / (float)count;
    float sq = 0.0f;
    if (valid)
        for (uint n = 0; n < shape.x; n++) {
            global const float *xn = xc + n * xs.x;
            for (uint r = row; r < hw; r += rows) {
                const float d =
                    xn[hw_step ? r * hw_step : (r / shape.w) * xs.z + (r % shape.w) * xs.w] - mean;
                sq += d * d;
            }
        }
    const float m2 = oclnn_group_sum(red, sq, GWG, cols);
    if (valid && row == 0)
        finish(c, mean, m2, count, eps, momentum, gamma, beta, running_mean, running_var,
               batch_mean, batch_var, scale, shift);
}
