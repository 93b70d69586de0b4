/* SPDX-License-Identifier: MIT */
/* Global average and max pooling for the GPU device class: a work-group tree reduction over each
 * (n, c) plane (common/reduce.h), no serial loop per output over the plane.
 *
 * Required defines: none. Tunables: WG work-group size (a power of two, default 256).
 * Index mapping: group g = n * ceil(C / cols) + channel block; cols channels per group: 1 when a
 *   plane's pixels are neighbours (NCHW: neighbouring items read neighbouring pixels), else a
 *   power of two (NHWC: each row of the group reads cols neighbouring channels). hw_step: the
 *   element step along a plane whose rows are back to back, else 0. Max propagates NaN. */
#include "common/index.h"
#include "common/reduce.h"

#ifndef WG
#define WG 256
#endif

/* shape = (N, C, H, W) of src; dst is N x C x 1 x 1 (any strides) */
kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void
oclnn_pool_global_gpu(global const float *src, uint s_off, uint4 ss, uint4 shape, uint hw_step,
                      uint cols, uint is_max, global float *dst, uint d_off, uint4 ds) {
    local float red[WG];
    const uint lid = get_local_id(0), rows = WG / cols, row = lid / cols;
    const uint cblocks = (shape.y + cols - 1) / cols;
    const uint n = get_group_id(0) / cblocks, c = get_group_id(0) % cblocks * cols + lid % cols;
    const bool valid = c < shape.y;
    const uint hw = shape.z * shape.w;
    global const float *p = src + s_off + n * ss.x + (valid ? c : 0u) * ss.y;
    float acc = is_max ? -INFINITY : 0.0f;
    if (valid)
        for (uint r = row; r < hw; r += rows) {
            const float v = p[hw_step ? r * hw_step : (r / shape.w) * ss.z + (r % shape.w) * ss.w];
            acc = is_max ? OCLNN_REDUCE_MAX_(acc, v) : acc + v;
        }
    const float res = is_max ? oclnn_group_max(red, acc, WG, cols)
                             : oclnn_group_sum(red, acc, WG, cols) / (float)hw;
    if (valid && row == 0) dst[d_off + OCLNN_AT(ds, n, c, 0u, 0u)] = res;
}
