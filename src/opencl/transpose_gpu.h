/* SPDX-License-Identifier: MIT */
/* GPU-class layout transposes through a local-memory tile (transpose_gpu.c). */
#ifndef OCLNN_OPENCL_TRANSPOSE_GPU_H
#define OCLNN_OPENCL_TRANSPOSE_GPU_H

#include "opencl/gpu_class.h"
#include "opencl/opencl.h"

/* Copies `shape` from (src, src_off, strides ss) to (dst, dst_off, ds), both in elements, when
 * their unit-stride axes differ (*done = true); otherwise leaves *done false and launches
 * nothing, for the element-wise copy to serve. */
oclnn_status oclnn__cl_transpose_gpu(oclnn_context *ctx, cl_mem src, size_t src_off, const size_t ss[4],
                                     cl_mem dst, size_t dst_off, const size_t ds[4], oclnn_shape shape,
                                     bool *done);

#endif
