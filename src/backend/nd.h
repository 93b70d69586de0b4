/* SPDX-License-Identifier: MIT */
/* The contract of the 3-D family (issue 19) between src/ops (conv3d.c, pool3d.c: validation,
 * output sizes, parameters) and the backends. 5-D tensors reach a backend as the 4-D tensors
 * that store them (n, c, d * h, w); the problem gives the unfolded sizes, so a kernel addresses
 * (n, c, d, h, w) as (n, c, d * H + h, w) with the tensor's 4-D strides. */
#ifndef OCLNN_BACKEND_ND_H
#define OCLNN_BACKEND_ND_H

#include "backend/conv2d.h"
#include "core/context.h"
#include "core/tensor.h"

/* A validated 3-D convolution: every size non-zero, every derived size within 32 bits, and
 * n * k * od * oh * ow and the weights' element count within size_t. Arrays are (d, h, w). */
typedef struct oclnn__conv3d_problem {
    uint32_t n, c, d, h, w;
    uint32_t k, kt, kr, ks;     /* output channels; kernel depth, height, width */
    uint32_t od, oh, ow;
    uint32_t stride[3], dil[3], pad[3];
    uint32_t groups, cg, kg;    /* cg = c / groups, kg = k / groups */
    oclnn_activation act;
    bool has_bias, residual;
} oclnn__conv3d_problem;

/* A resolved 3-D pooling: global kinds are windows over the volume, strides non-zero; adaptive
 * pooling has its output sizes and computes PyTorch's windows itself. */
typedef struct oclnn__pool3d_problem {
    uint32_t n, c, d, h, w;
    uint32_t od, oh, ow;
    uint32_t kernel[3], stride[3], pad[3];
    bool is_max, include_pad, adaptive;
} oclnn__pool3d_problem;

/* A backend's 3-D entry points (oclnn__backend.nd). Tensors are checked (shapes, context,
 * aliasing); weights is the dense (K, Cg * T * R * S, 1, 1) NCHW parameter, bias (1, K, 1, 1) or
 * NULL. Calls are made with the context locked. src/ops chooses the algorithm (AUTO resolved:
 * oclnn__conv3d_choose) and its tunables. */
typedef struct oclnn__nd_family {
    /* Builds the algorithm's state (may stay NULL; destroy is called for a non-NULL state even
     * when create fails) from the parameters: host_w is the user's K x Cg x T x R x S weights
     * (valid during the call, for a backend that re-lays them out), tun the algorithm's tunables
     * resolved by src/ops (implicit-gemm: the GEMM engine's conv_xgemm set; else empty). Returns
     * OCLNN_ERROR_UNSUPPORTED with the reason for an algorithm the backend does not have. Sets
     * *workspace_bytes. */
    oclnn_status (*conv3d_create)(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                  oclnn_conv_algo algo, const oclnn_tensor *weights,
                                  const float *host_w, const oclnn__conv2d_tunables *tun,
                                  void **state, size_t *workspace_bytes);
    oclnn_status (*conv3d_run)(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                               oclnn_conv_algo algo, void *state, const oclnn_tensor *weights,
                               const oclnn_tensor *bias, const oclnn_tensor *src, oclnn_tensor *dst,
                               const oclnn_tensor *residual);
    void (*conv3d_destroy)(oclnn_context *ctx, void *state);
    oclnn_status (*pool3d)(const oclnn__pool3d_problem *pb, const oclnn_tensor *src,
                           oclnn_tensor *dst);
} oclnn__nd_family;

extern const oclnn__nd_family oclnn__nd_opencl, oclnn__nd_cpu;

/* PyTorch's adaptive window of output index i of o over an input of n: [start, end). */
static inline uint32_t oclnn__adaptive_start(uint32_t i, uint32_t o, uint32_t n) {
    return (uint32_t)(((uint64_t)i * n) / o);
}
static inline uint32_t oclnn__adaptive_end(uint32_t i, uint32_t o, uint32_t n) {
    return (uint32_t)((((uint64_t)i + 1) * n + o - 1) / o);
}

#endif
