/* SPDX-License-Identifier: MIT */
/* Direct and depthwise convolution on OpenCL (cl/conv/direct.cl, cl/conv/depthwise.cl).
 * Direct weights are blocked at create as w[g][kb][c][r][s][KB] (zero-padded past Kg) so each
 * work-item loads the KB channels of a tap as one vector; depthwise keeps the user's layout.
 * The GPU device class runs the local-memory kernels of conv2d_direct_gpu.c when they fit. */
#include "opencl/conv2d.h"

#include "core/alloc.h"

#define DIRECT_CL "conv/direct.cl"
#define DEPTHWISE_CL "conv/depthwise.cl"

oclnn_status oclnn__cl_conv_direct_upload(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t kbs = cv->kb; /* KB: channels per block */
    size_t blocks = (pb->kg + kbs - 1) / kbs, crs = (size_t)pb->cg * pb->r * pb->s;
    size_t count = (size_t)pb->groups * blocks * crs * kbs;
    float *blk = oclnn__calloc(ctx->allocator, count, sizeof *blk);
    if (!blk) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu weights", count);
    for (size_t k = 0; k < pb->k; k++) {
        size_t g = k / pb->kg, kk = k % pb->kg, kb = kk / kbs, i = kk % kbs;
        for (size_t t = 0; t < crs; t++) blk[((g * blocks + kb) * crs + t) * kbs + i] = w[k * crs + t];
    }
    oclnn_status st = oclnn__cl_conv_upload(ctx, blk, count, &cv->w);
    oclnn__free(ctx->allocator, blk);
    return st;
}

oclnn_status oclnn__cl_conv_direct_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const bool depthwise = cv->algo == OCLNN_CONV_ALGO_DEPTHWISE;
    if (oclnn__devclass_is_gpu(ctx->devclass)) {
        bool fits;
        OCLNN__TRY(oclnn__cl_conv_direct_gpu_create(ctx, cv, w, &fits));
        if (fits) return OCLNN_OK;
        /* A tile too large for local memory: the CPU-shaped kernel, whose tunables the plan
         * (which resolved the GPU kernel's space) does not carry, at its #ifndef defaults. */
        cv->tun.n = 0;
        cv->kb = 4, cv->qb = 8;
    }
    oclnn__cl_options gemm_unused, opts;
    oclnn__cl_conv_tunables(ctx, cv, &gemm_unused, &opts);
    if (depthwise) {
        OCLNN__TRY(oclnn__cl_conv_upload(ctx, w, (size_t)pb->k * pb->r * pb->s, &cv->w));
        return oclnn__cl_kernel(ctx, DEPTHWISE_CL, &opts, "oclnn_conv_depthwise", &cv->main);
    }
    OCLNN__TRY(oclnn__cl_conv_direct_upload(ctx, cv, w));
    return oclnn__cl_kernel(ctx, DIRECT_CL, &opts, "oclnn_conv_direct", &cv->main);
}

oclnn_status oclnn__cl_conv_direct_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                       const oclnn_tensor *src, oclnn_tensor *dst, const oclnn_tensor *res) {
    if (cv->gpu) return oclnn__cl_conv_direct_gpu_run(ctx, cv, src, dst, res);
    const oclnn__conv2d_problem *pb = &cv->pb;
    oclnn__cl_epi epi;
    oclnn__cl_conv_epi(cv, dst, res, &epi);
    cl_mem s = oclnn__cl_mem(src), w = cv->w;
    cl_uint off = (cl_uint)src->offset;
    cl_uint4 stride = oclnn__cl_strides(src), shape = {{pb->n, pb->c, pb->h, pb->w}},
             kern = {{pb->r, pb->s, pb->p, pb->q}},
             conv = {{pb->stride_h, pb->stride_w, pb->dil_h, pb->dil_w}};
    oclnn__cl_arg args[24];
    size_t n = 0;
    args[n++] = OCLNN__ARG(s);
    args[n++] = OCLNN__ARG(off);
    args[n++] = OCLNN__ARG(stride);
    args[n++] = OCLNN__ARG(shape);
    args[n++] = OCLNN__ARG(kern);
    args[n++] = OCLNN__ARG(conv);
    size_t global[3] = {(pb->q + cv->qb - 1) / cv->qb, pb->p, 0};
    cl_uint4 grp, misc;
    cl_uint2 pad = {{pb->pad_top, pb->pad_left}};
    if (cv->algo == OCLNN_CONV_ALGO_DEPTHWISE) {
        misc = (cl_uint4){{pb->pad_top, pb->pad_left, pb->k, pb->kg}};
        args[n++] = OCLNN__ARG(misc);
        global[2] = (size_t)pb->n * pb->k;
    } else {
        cl_uint blocks = (pb->kg + cv->kb - 1) / cv->kb;
        grp = (cl_uint4){{pb->groups, pb->cg, pb->kg, blocks}};
        args[n++] = OCLNN__ARG(grp);
        args[n++] = OCLNN__ARG(pad);
        global[2] = (size_t)pb->n * pb->groups * blocks;
    }
    args[n++] = OCLNN__ARG(w);
    oclnn__cl_conv_epi_args(&epi, args, &n);
    OCLNN__TRY(oclnn__cl_set_args(cv->main, n, args));
    return oclnn__cl_launch(ctx, cv->main, 3, global, NULL);
}
