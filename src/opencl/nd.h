/* SPDX-License-Identifier: MIT */
/* The OpenCL 3-D convolution algorithms beside the direct kernel of nd.c (issue 19). */
#ifndef OCLNN_OPENCL_ND_H
#define OCLNN_OPENCL_ND_H

#include "backend/nd.h"
#include "opencl/opencl.h"

/* Implicit-GEMM (nd_implicit.c): the GEMM engine with the im2col-3d gather; host_w is the
 * user's K x Cg x T x R x S weights, tun the engine's resolved tunables (conv_xgemm). */
oclnn_status oclnn__cl_conv3d_implicit_create(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                              const float *host_w, const oclnn__conv2d_tunables *tun,
                                              void **state);
oclnn_status oclnn__cl_conv3d_implicit_run(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                           void *state, const oclnn_tensor *weights,
                                           const oclnn_tensor *bias, const oclnn_tensor *src,
                                           oclnn_tensor *dst, const oclnn_tensor *residual);
void oclnn__cl_conv3d_implicit_destroy(oclnn_context *ctx, void *state);

#endif
