/* SPDX-License-Identifier: MIT */
/* The C backend's layers entry points (one file per op; the table is in cpu/layers.c). */
#ifndef OCLNN_CPU_LAYERS_H
#define OCLNN_CPU_LAYERS_H

#include "backend/layers.h"

oclnn_status oclnn__cpu_eltwise(oclnn_eltwise_op op, const oclnn_tensor *a, const oclnn_tensor *b,
                                const oclnn_tensor *scale, const oclnn_tensor *shift,
                                oclnn_tensor *dst);
oclnn_status oclnn__cpu_bn_train_stats(const oclnn_tensor *src, float eps, float momentum,
                                       const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                       oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                       oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                       oclnn_tensor *scale, oclnn_tensor *shift);
oclnn_status oclnn__cpu_pool2d(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                               oclnn_tensor *dst, oclnn_tensor *argmax);
oclnn_status oclnn__cpu_softmax(const oclnn_tensor *src, oclnn_tensor *dst);
oclnn_status oclnn__cpu_lrn(const oclnn_lrn_desc *d, const oclnn_tensor *src, oclnn_tensor *dst);
oclnn_status oclnn__cpu_fc(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                           oclnn_tensor *dst, bool library);

#endif
