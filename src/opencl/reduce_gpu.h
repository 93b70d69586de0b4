/* SPDX-License-Identifier: MIT */
/* GPU-class reductions (reduce_gpu.c): batch-norm training statistics, global pooling, softmax
 * over channels and small-batch FC as work-group tree reductions in local memory. The family's
 * own file calls these when ctx->devclass is a GPU class and the `_applies` rule holds. */
#ifndef OCLNN_OPENCL_REDUCE_GPU_H
#define OCLNN_OPENCL_REDUCE_GPU_H

#include "opencl/gpu_class.h"
#include "opencl/layers.h"

oclnn_status oclnn__cl_bn_train_stats_gpu(const oclnn_tensor *src, float eps, float momentum,
                                          const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                          oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                          oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                          oclnn_tensor *scale, oclnn_tensor *shift);

/* Global pooling: the window is the whole unpadded plane and no argmax is asked for. */
bool oclnn__cl_pool_global_gpu_applies(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                                       const oclnn_tensor *dst, const oclnn_tensor *argmax);
oclnn_status oclnn__cl_pool_global_gpu(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                                       oclnn_tensor *dst);

/* Softmax: enough channels to occupy a work-group per position. */
bool oclnn__cl_softmax_gpu_applies(const oclnn_tensor *src);
oclnn_status oclnn__cl_softmax_gpu(const oclnn_tensor *src, oclnn_tensor *dst);

/* FC as a GEMV: small batch (the GEMM kernels serve larger ones). */
bool oclnn__cl_fc_gemv_gpu_applies(const oclnn_tensor *x);
oclnn_status oclnn__cl_fc_gemv_gpu(const oclnn_tensor *x, const oclnn_tensor *w,
                                   const oclnn_tensor *bias, oclnn_tensor *dst);

#endif
