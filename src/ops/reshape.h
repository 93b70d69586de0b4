/* SPDX-License-Identifier: MIT */
/* Shape changes of created operators, for oclnn_net_reshape (issue 16): the weights an operator
 * holds stay where they are (no copy, no upload). A convolution gets a new operator whose backend
 * state shares the old one's weights (src/ops/conv2d.c), a transposed convolution one that
 * borrows them (src/ops/deconv2d.c); a fully-connected, batch-norm or
 * element-wise operator changes its shape in place, after a check that cannot change anything
 * (apply false), so that a net can check every layer before it changes any. */
#ifndef OCLNN_OPS_RESHAPE_H
#define OCLNN_OPS_RESHAPE_H

#include "core/op.h"

/* A convolution like op for `input` (same channels; n, h and w free), with op's algorithm. */
oclnn_status oclnn__conv2d_reshape(const oclnn_op *op, oclnn_shape input, oclnn_op **out);
/* A transposed convolution like op for `input`: a new operator that borrows op's parameter
 * tensors (and shares its GEMM's weights) until oclnn__deconv2d_take(new, op) hands them over;
 * destroying a borrower frees none of them. */
oclnn_status oclnn__deconv2d_reshape(const oclnn_op *op, oclnn_shape input, oclnn_op **out);
void oclnn__deconv2d_take(oclnn_op *to, oclnn_op *from);
/* Fully connected: the batch only (c, h and w fix the in-features). */
oclnn_status oclnn__fc_reshape(oclnn_op *op, oclnn_shape input, bool apply);
/* Batch norm in inference mode and element-wise ops: any n, h, w; the same channels. */
oclnn_status oclnn__batchnorm_reshape(oclnn_op *op, oclnn_shape shape, bool apply);
oclnn_status oclnn__eltwise_reshape(oclnn_op *op, oclnn_shape shape, bool apply);

#endif
