/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's layers entry points (one file per op; the table is in opencl/layers.c). */
#ifndef OCLNN_OPENCL_LAYERS_H
#define OCLNN_OPENCL_LAYERS_H

#include "backend/layers.h"
#include "opencl/opencl.h"

/* The tensor's buffer, or NULL for a NULL tensor (an absent optional argument). */
static inline cl_mem oclnn__cl_mem_or_null(const oclnn_tensor *t) {
    return t ? oclnn__cl_mem(t) : NULL;
}

oclnn_status oclnn__cl_concat_copy(const oclnn_tensor *src, oclnn_tensor *slice);
oclnn_status oclnn__cl_eltwise(oclnn_eltwise_op op, const oclnn_tensor *a, const oclnn_tensor *b,
                               const oclnn_tensor *scale, const oclnn_tensor *shift,
                               oclnn_tensor *dst);
oclnn_status oclnn__cl_bn_train_stats(const oclnn_tensor *src, float eps, float momentum,
                                      const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                      oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                      oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                      oclnn_tensor *scale, oclnn_tensor *shift);
oclnn_status oclnn__cl_pool2d(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                              oclnn_tensor *dst, oclnn_tensor *argmax);
oclnn_status oclnn__cl_softmax(const oclnn_tensor *src, oclnn_tensor *dst);
oclnn_status oclnn__cl_lrn(const oclnn_lrn_desc *d, const oclnn_tensor *src, oclnn_tensor *dst);
oclnn_status oclnn__cl_fc(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                          oclnn_tensor *dst, bool library);
const char *oclnn__cl_fc_algorithm(oclnn_context *ctx);

#endif
