/* SPDX-License-Identifier: MIT */
/* Training-mode batch-norm statistics on OpenCL (cl/norm/batchnorm.cl): one work-group of WG
 * items per channel, or one work-item per channel when channels are innermost (NHWC). The
 * normalization itself is the SCALE element-wise kernel. The GPU class uses reduce_gpu.c. */
#include "opencl/reduce_gpu.h"

#define BATCHNORM_CL "norm/batchnorm.cl"
#define BN_WG 64 /* the kernel's default WG */

oclnn_status oclnn__cl_bn_train_stats(const oclnn_tensor *src, float eps, float momentum,
                                      const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                      oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                      oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                      oclnn_tensor *scale, oclnn_tensor *shift) {
    oclnn_context *ctx = src->ctx;
    if (oclnn__cl_gpu_class(ctx))
        return oclnn__cl_bn_train_stats_gpu(src, eps, momentum, gamma, beta, running_mean,
                                            running_var, batch_mean, batch_var, scale, shift);
    cl_mem mx = oclnn__cl_mem(src), mg = oclnn__cl_mem(gamma), mb = oclnn__cl_mem(beta);
    cl_mem mrm = oclnn__cl_mem(running_mean), mrv = oclnn__cl_mem(running_var);
    cl_mem mbm = oclnn__cl_mem(batch_mean), mbv = oclnn__cl_mem(batch_var);
    cl_mem mks = oclnn__cl_mem(scale), mkt = oclnn__cl_mem(shift);
    cl_uint off = (cl_uint)src->offset;
    cl_uint4 xs = oclnn__cl_strides(src), shape = oclnn__cl_shape(src->shape);
    cl_kernel k;
    if (src->stride[OCLNN__C] < src->stride[OCLNN__W]) {
        /* channels innermost: one work-item per channel, reads coalesce across channels */
        OCLNN__TRY(oclnn__cl_kernel(ctx, BATCHNORM_CL, NULL, "oclnn_bn_train_stats_cin", &k));
        OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(mx), OCLNN__ARG(off), OCLNN__ARG(xs), OCLNN__ARG(shape),
                                  OCLNN__ARG(eps), OCLNN__ARG(momentum), OCLNN__ARG(mg), OCLNN__ARG(mb),
                                  OCLNN__ARG(mrm), OCLNN__ARG(mrv), OCLNN__ARG(mbm), OCLNN__ARG(mbv),
                                  OCLNN__ARG(mks), OCLNN__ARG(mkt)));
        size_t global = src->shape.c;
        return oclnn__cl_launch(ctx, k, 1, &global, NULL);
    }
    OCLNN__TRY(oclnn__cl_kernel(ctx, BATCHNORM_CL, NULL, "oclnn_bn_train_stats", &k));
    cl_uint hw_step = src->stride[OCLNN__H] == (size_t)src->shape.w * src->stride[OCLNN__W]
                          ? (cl_uint)src->stride[OCLNN__W] : 0u;
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(mx), OCLNN__ARG(off), OCLNN__ARG(xs), OCLNN__ARG(shape),
                              OCLNN__ARG(hw_step), OCLNN__ARG(eps), OCLNN__ARG(momentum),
                              OCLNN__ARG(mg), OCLNN__ARG(mb), OCLNN__ARG(mrm), OCLNN__ARG(mrv),
                              OCLNN__ARG(mbm), OCLNN__ARG(mbv), OCLNN__ARG(mks), OCLNN__ARG(mkt)));
    size_t global = (size_t)src->shape.c * BN_WG, local = BN_WG;
    return oclnn__cl_launch(ctx, k, 1, &global, &local);
}
