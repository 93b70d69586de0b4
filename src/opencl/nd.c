/* SPDX-License-Identifier: MIT */
/* 3-D convolution and pooling on OpenCL (issue 19; cl/nd/nd.cl): direct kernels, one work-item
 * per output element, over the 4-D tensors that store the 5-D ones, and the implicit-GEMM
 * convolution (nd_implicit.c). The weights and bias are the operator's parameter tensors
 * (src/ops/conv3d.c), used in place. */
#include "backend/nd.h"
#include "opencl/layers.h"
#include "opencl/nd.h"
#include "opencl/opencl.h"

#define ND_CL "nd/nd.cl"

static oclnn_status cl_conv3d_create(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                     oclnn_conv_algo algo, const oclnn_tensor *weights,
                                     const float *host_w, const oclnn__conv2d_tunables *tun,
                                     void **state, size_t *workspace_bytes) {
    (void)weights;
    *state = NULL;
    *workspace_bytes = 0;
    if (algo == OCLNN_CONV_ALGO_IMPLICIT_GEMM)
        return oclnn__cl_conv3d_implicit_create(ctx, pb, host_w, tun, state);
    if (algo != OCLNN_CONV_ALGO_DIRECT)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "3-D convolution on OpenCL has the direct and implicit-gemm algorithms "
                           "(im2col-3d is on the C backend)");
    cl_kernel k; /* compile at create, so that a build failure shows here */
    return oclnn__cl_kernel(ctx, ND_CL, NULL, "oclnn_conv3d_direct", &k);
}

static oclnn_status cl_conv3d_run(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                  oclnn_conv_algo algo, void *state, const oclnn_tensor *weights,
                                  const oclnn_tensor *bias, const oclnn_tensor *src,
                                  oclnn_tensor *dst, const oclnn_tensor *residual) {
    if (algo == OCLNN_CONV_ALGO_IMPLICIT_GEMM)
        return oclnn__cl_conv3d_implicit_run(ctx, pb, state, weights, bias, src, dst, residual);
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, ND_CL, NULL, "oclnn_conv3d_direct", &k));
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst), mr = oclnn__cl_mem_or_null(residual);
    cl_mem mw = oclnn__cl_mem(weights), mb = oclnn__cl_mem_or_null(bias);
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset;
    cl_uint roff = residual ? (cl_uint)residual->offset : 0u;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst);
    cl_uint4 rs = residual ? oclnn__cl_strides(residual) : ds;
    cl_uint flags =
        (bias ? 1u : 0u) | (residual ? 2u : 0u) | (pb->act == OCLNN_ACTIVATION_RELU ? 4u : 0u);
    cl_uint16 dims = {{pb->n, pb->c, pb->d, pb->h, pb->w, pb->k, pb->kt, pb->kr, pb->ks, pb->od,
                       pb->oh, pb->ow, pb->cg, pb->kg, flags, 0}};
    cl_uint16 geo = {{pb->stride[0], pb->stride[1], pb->stride[2], pb->dil[0], pb->dil[1],
                      pb->dil[2], pb->pad[0], pb->pad[1], pb->pad[2], 0, 0, 0, 0, 0, 0, 0}};
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(ds), OCLNN__ARG(mr), OCLNN__ARG(roff),
                              OCLNN__ARG(rs), OCLNN__ARG(mw), OCLNN__ARG(mb), OCLNN__ARG(dims),
                              OCLNN__ARG(geo)));
    size_t global[3] = {pb->ow, pb->oh, (size_t)pb->n * pb->k * pb->od};
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

static void cl_conv3d_destroy(oclnn_context *ctx, void *state) {
    oclnn__cl_conv3d_implicit_destroy(ctx, state); /* the only algorithm with a state */
}

static oclnn_status cl_pool3d(const oclnn__pool3d_problem *pb, const oclnn_tensor *src,
                              oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, ND_CL, NULL, "oclnn_pool3d", &k));
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst);
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst);
    cl_uint flags = (pb->is_max ? 1u : 0u) | (pb->include_pad ? 2u : 0u) | (pb->adaptive ? 4u : 0u);
    cl_uint16 dims = {
        {pb->n, pb->c, pb->d, pb->h, pb->w, 0, 0, 0, 0, pb->od, pb->oh, pb->ow, 0, 0, flags, 0}};
    cl_uint16 geo = {{pb->kernel[0], pb->kernel[1], pb->kernel[2], pb->stride[0], pb->stride[1],
                      pb->stride[2], pb->pad[0], pb->pad[1], pb->pad[2], 0, 0, 0, 0, 0, 0, 0}};
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(ds), OCLNN__ARG(dims), OCLNN__ARG(geo)));
    size_t global[3] = {pb->ow, pb->oh, (size_t)pb->n * pb->c * pb->od};
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

const oclnn__nd_family oclnn__nd_opencl = {
    .conv3d_create = cl_conv3d_create,
    .conv3d_run = cl_conv3d_run,
    .conv3d_destroy = cl_conv3d_destroy,
    .pool3d = cl_pool3d,
};
