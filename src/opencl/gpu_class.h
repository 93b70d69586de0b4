/* SPDX-License-Identifier: MIT */
/* Whether the GPU-class kernels with 256-item work-groups (reductions, transposes, Winograd
 * transforms) run on ctx: a GPU device class and a device that takes such groups (every GPU does;
 * the CPU-shaped kernels serve any other device). */
#ifndef OCLNN_OPENCL_GPU_CLASS_H
#define OCLNN_OPENCL_GPU_CLASS_H

#include "core/context.h"

#define OCLNN__CL_GPU_GROUP 256u

static inline bool oclnn__cl_gpu_class(const oclnn_context *ctx) {
    return oclnn__devclass_is_gpu(ctx->devclass) && ctx->device.max_work_group_size >= OCLNN__CL_GPU_GROUP;
}

#endif
