/* SPDX-License-Identifier: MIT */
/* The layers family's contract (issue 4): batch norm, pooling, concat, element-wise, softmax, LRN
 * and fully connected. src/ops/<op>.c validate the user's arguments (src/ops/layers.h); a backend
 * fills one oclnn__layers_backend table of stateless entry points that take checked tensors. */
#ifndef OCLNN_BACKEND_LAYERS_H
#define OCLNN_BACKEND_LAYERS_H

#include "core/op.h"
#include "core/tensor.h"

/* Backend entry points. Tensors are checked; shapes agree; views and both layouts occur. */
typedef struct oclnn__layers_backend {
    /* dst = f(a, b) element-wise; scale and shift are (1, C, 1, 1) params for SCALE, else NULL. */
    oclnn_status (*eltwise)(oclnn_eltwise_op op, const oclnn_tensor *a, const oclnn_tensor *b,
                            const oclnn_tensor *scale, const oclnn_tensor *shift, oclnn_tensor *dst);
    /* Copies src into `slice`, a channel slice of the concat output (same shape). */
    oclnn_status (*concat_copy)(const oclnn_tensor *src, oclnn_tensor *slice);
    /* Training statistics of src per channel: writes batch_mean and biased batch_var, updates
     * running_mean/var (unbiased variance, momentum), and writes the normalization as
     * scale = gamma / sqrt(var + eps), shift = beta - mean * scale. All params are (1, C, 1, 1). */
    oclnn_status (*bn_train_stats)(const oclnn_tensor *src, float eps, float momentum,
                                   const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                   oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                   oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                   oclnn_tensor *scale, oclnn_tensor *shift);
    /* Pooling with the window resolved (global kinds arrive as MAX/AVG over the whole plane,
     * strides non-zero); argmax may be NULL. */
    oclnn_status (*pool2d)(const oclnn_pool2d_desc *d, const oclnn_tensor *src, oclnn_tensor *dst,
                           oclnn_tensor *argmax);
    oclnn_status (*softmax)(const oclnn_tensor *src, oclnn_tensor *dst);
    oclnn_status (*lrn)(const oclnn_lrn_desc *d, const oclnn_tensor *src, oclnn_tensor *dst);
    /* dst(n, o) = sum_k x[n][k] * w[o][k] + bias[o]: x is dense (N, K, 1, 1) NCHW, w is
     * (O, K, 1, 1), bias (1, O, 1, 1) or NULL, dst (N, O, 1, 1) in any layout or a view. */
    oclnn_status (*fc)(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                       oclnn_tensor *dst, bool library);
    /* The FC algorithm for ctx, chosen once at create: "gemm" (the backend's own kernel) or
     * "clblast" (a library GEMM; the run then gets library = true). NULL: always "gemm". */
    const char *(*fc_algorithm)(oclnn_context *ctx);
} oclnn__layers_backend;

extern const oclnn__layers_backend oclnn__layers_opencl;
extern const oclnn__layers_backend oclnn__layers_cpu;

#endif
