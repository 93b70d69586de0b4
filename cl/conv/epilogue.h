/* SPDX-License-Identifier: MIT */
/* The convolution epilogue shared by the conv kernels: bias, residual and ReLU applied to one
 * output value, then a strided store, so any kernel writes NCHW, NHWC or a channel view.
 * `flags` is a bit set of the EPI_* values (runtime, so one program serves every combination). */
#ifndef OCLNN_CL_CONV_EPILOGUE_H
#define OCLNN_CL_CONV_EPILOGUE_H

#include "common/index.h"

#define EPI_BIAS 1u
#define EPI_RESIDUAL 2u
#define EPI_RELU 4u

/* The output tensor and what to add: dst/residual as (buffer, offset, strides in n,c,h,w). */
#define EPI_PARAMS                                                                                 \
    global float *dst, uint dst_off, uint4 dst_stride, global const float *bias,                   \
        global const float *res, uint res_off, uint4 res_stride, uint flags
#define EPI_ARGS dst, dst_off, dst_stride, bias, res, res_off, res_stride, flags

static inline void epi_store(EPI_PARAMS, uint n, uint k, uint p, uint q, float v) {
    if (flags & EPI_BIAS) v += bias[k];
    if (flags & EPI_RESIDUAL) v += res[res_off + OCLNN_AT(res_stride, n, k, p, q)];
    if (flags & EPI_RELU) v = fmax(v, 0.0f);
    dst[dst_off + OCLNN_AT(dst_stride, n, k, p, q)] = v;
}

#endif
