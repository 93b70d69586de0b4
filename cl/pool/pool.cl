/* SPDX-License-Identifier: MIT */
/* Max and average 2-D pooling (PyTorch semantics: windows clipped to the input for max; for
 * average, divided by the window clipped to input + padding when count_include_pad, else by the
 * input elements covered). Max can write the argmax as the float h * W + w in the input plane.
 * Global pooling is a window of the whole plane.
 *
 * Required defines: none. Tunables: none.
 * Kernels oclnn_pool2d_{max,max_argmax,avg}_{w,c}: one per kind, so no work-item branches on
 * the kind (PoCL vectorizes straight-line kernels far better); suffix w or c names dst's
 * innermost axis, along which neighbouring work-items run so that writes (and mostly reads) are
 * neighbours: global (x, y, z) = (ow, oh, c) for _w, (c, ow, oh) for _c, each work-item
 * looping over the samples.
 * dims = (N, C, OH, OW); win = (kernel_h, kernel_w, stride_h, stride_w); pad = (pad_h, pad_w),
 * any uint32 values (the window's corners are computed in long);
 * include_pad: average only, count_include_pad. */
#include "common/index.h"

/* Each work-item pools its position in every sample (loop over n), so no index needs a division. */
#define IDX_W                                                                                     \
    uint ow = get_global_id(0), oh = get_global_id(1), c = get_global_id(2);                     \
    if (ow >= dims.w || oh >= dims.z || c >= dims.y) return;                                      \
    for (uint n = 0; n < dims.x; n++)
#define IDX_C                                                                                     \
    uint c = get_global_id(0), ow = get_global_id(1), oh = get_global_id(2);                     \
    if (c >= dims.y || ow >= dims.w || oh >= dims.z) return;                                      \
    for (uint n = 0; n < dims.x; n++)

/* Window corners in long: a window side is below 2^32 and its padding at most half of it, so
 * they can pass int's range; the clipped bounds a0..a1, b0..b1 are inside the input (int). */
#define WINDOW                                                                                    \
    int H = (int)in_hw.x, W = (int)in_hw.y;                                                       \
    long h0 = (long)oh * win.z - pad.x, w0 = (long)ow * win.w - pad.y;                           \
    long h1 = h0 + win.x, w1 = w0 + win.y;                                                        \
    int a0 = (int)max(h0, 0L), a1 = (int)min(h1, (long)H);                                        \
    int b0 = (int)max(w0, 0L), b1 = (int)min(w1, (long)W);                                        \
    global const float *p = src + s_off + n * s_stride.x + c * s_stride.y;

/* With argmax: keep the first maximum and the last NaN (PyTorch's rule), branch-free since the
 * maximum moves unpredictably. */
#define MAX_ARGMAX_BODY                                                                           \
    {                                                                                             \
        WINDOW                                                                                    \
        float best = -INFINITY;                                                                   \
        int where = a0 * W + b0;                                                                  \
        for (int h = a0; h < a1; h++)                                                             \
            for (int w = b0; w < b1; w++) {                                                       \
                float v = p[h * s_stride.z + w * s_stride.w];                                     \
                int take = (v > best) | isnan(v);                                                 \
                best = take ? v : best;                                                           \
                where = take ? h * W + w : where;                                                 \
            }                                                                                     \
        dst[d_off + OCLNN_AT(d_stride, n, c, oh, ow)] = best;                                     \
        argmax[a_off + OCLNN_AT(a_stride, n, c, oh, ow)] = (float)where;                          \
    }

/* Without: fmax, then NaN if any input was NaN (the same value, cheaper than the selects). */
#define MAX_BODY                                                                                  \
    {                                                                                             \
        WINDOW                                                                                    \
        float best = -INFINITY;                                                                   \
        int nan = 0;                                                                              \
        for (int h = a0; h < a1; h++)                                                             \
            for (int w = b0; w < b1; w++) {                                                       \
                float v = p[h * s_stride.z + w * s_stride.w];                                     \
                best = fmax(best, v);                                                             \
                nan |= isnan(v);                                                                  \
            }                                                                                     \
        dst[d_off + OCLNN_AT(d_stride, n, c, oh, ow)] = nan ? NAN : best;                         \
    }

#define AVG_BODY                                                                                  \
    {                                                                                             \
        WINDOW                                                                                    \
        float sum = 0.0f;                                                                         \
        for (int h = a0; h < a1; h++)                                                             \
            for (int w = b0; w < b1; w++) sum += p[h * s_stride.z + w * s_stride.w];             \
        /* the divisor's sides in float: their product can pass 2^63 (a (2^32-1)^2 window) */    \
        float div = include_pad ? (float)(min(h1, H + (long)pad.z) - h0) *                        \
                                      (float)(min(w1, W + (long)pad.w) - w0)                      \
                                : (float)(a1 - a0) * (float)(b1 - b0);                            \
        dst[d_off + OCLNN_AT(d_stride, n, c, oh, ow)] = sum / div;                               \
    }

#define ARGS                                                                                      \
    global const float *src, uint s_off, uint4 s_stride, uint2 in_hw, global float *dst,          \
        uint d_off, uint4 d_stride, global float *argmax, uint a_off, uint4 a_stride, uint4 dims, \
        uint4 win, uint4 pad, int include_pad

/* Every kernel takes the same arguments; each ignores the ones of the other kinds. */
#define NO_ARGMAX (void)argmax, (void)a_off, (void)a_stride;
#define NO_PAD_RULE (void)include_pad;

kernel void oclnn_pool2d_max_w(ARGS) { NO_ARGMAX NO_PAD_RULE IDX_W MAX_BODY }
kernel void oclnn_pool2d_max_c(ARGS) { NO_ARGMAX NO_PAD_RULE IDX_C MAX_BODY }
kernel void oclnn_pool2d_max_argmax_w(ARGS) { NO_PAD_RULE IDX_W MAX_ARGMAX_BODY }
kernel void oclnn_pool2d_max_argmax_c(ARGS) { NO_PAD_RULE IDX_C MAX_ARGMAX_BODY }
kernel void oclnn_pool2d_avg_w(ARGS) { NO_ARGMAX IDX_W AVG_BODY }
kernel void oclnn_pool2d_avg_c(ARGS) { NO_ARGMAX IDX_C AVG_BODY }
