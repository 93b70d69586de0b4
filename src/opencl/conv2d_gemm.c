/* SPDX-License-Identifier: MIT */
/* GEMM-based convolutions on OpenCL.
 *  im2col          cl/conv/im2col.cl unfolds all images into col[C*R*S][N*P*Q], then one batched
 *                  GEMM over the groups, C[Kg][N*P*Q] = W[Kg][Cg*R*S] * col, with the epilogue
 *                  writing dst directly (any layout or view).
 *  im2col-clblast  the same col, CLBlastSgemm per group into scratch, then the epilogue kernel.
 *  The GEMM is cl/gemm/xgemm.cl in the GPU classes, cl/conv/gemm.cl otherwise (conv2d_xgemm.c).
 *  gemm1x1         no im2col: for an NCHW-like src each image's [C][H*W] block is the B operand;
 *                  for an NHWC-like src the pixels are A's rows and the weights are stored
 *                  transposed (G x Cg x Kg) as B.
 * Weights: K x Cg*R*S, the user's layout. */
#include "opencl/clblast.h"
#include "opencl/conv2d.h"

#include "core/alloc.h"

#define GEMM_CL "conv/gemm.cl"
#define IM2COL_CL "conv/im2col.cl"
#define IM2COL_GPU_CL "conv/im2col_gpu.cl" /* the GPU class's */

static size_t col_elements(const oclnn__conv2d_problem *pb) {
    return (size_t)pb->c * pb->r * pb->s * pb->n * pb->p * pb->q;
}

oclnn_status oclnn__cl_conv_gemm_workspace(const oclnn__cl_conv *cv, size_t *workspace) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    *workspace = 0;
    if (cv->algo == OCLNN_CONV_ALGO_GEMM1X1) return OCLNN_OK;
    size_t col = col_elements(pb), out = (size_t)pb->k * pb->n * pb->p * pb->q;
    size_t total = col + (cv->algo == OCLNN_CONV_ALGO_IM2COL_CLBLAST ? out : 0);
    if (total > UINT32_MAX || total < col)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "the im2col matrix (%zu floats) exceeds the kernels' 32-bit indexing", total);
    *workspace = total * sizeof(float);
    return OCLNN_OK;
}

oclnn_status oclnn__cl_conv_gemm_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w,
                                        size_t *workspace) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    size_t crs = (size_t)pb->cg * pb->r * pb->s, wn = crs * pb->k;
    OCLNN__TRY(oclnn__cl_conv_upload(ctx, w, wn, &cv->w));
    oclnn__cl_options gemm, own_unused;
    oclnn__cl_conv_tunables(ctx, cv, &gemm, &own_unused);
    OCLNN__TRY(oclnn__cl_conv_gemm_kernel(ctx, cv, &gemm));
    if (cv->algo == OCLNN_CONV_ALGO_GEMM1X1) {
        float *wt = oclnn__alloc(ctx->allocator, wn * sizeof *wt);
        if (!wt) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu weights", wn);
        for (size_t k = 0; k < pb->k; k++)
            for (size_t c = 0; c < pb->cg; c++)
                wt[(k / pb->kg * pb->cg + c) * pb->kg + k % pb->kg] = w[k * pb->cg + c];
        oclnn_status st = oclnn__cl_conv_upload(ctx, wt, wn, &cv->wt);
        oclnn__free(ctx->allocator, wt);
        return st;
    }
    OCLNN__TRY(oclnn__cl_conv_gemm_workspace(cv, workspace));
    cv->gpu = oclnn__devclass_is_gpu(ctx->devclass); /* im2col writing coalesced */
    OCLNN__TRY(cv->gpu ? oclnn__cl_kernel(ctx, IM2COL_GPU_CL, NULL, "oclnn_conv_im2col_gpu", &cv->aux)
                       : oclnn__cl_kernel(ctx, IM2COL_CL, NULL, "oclnn_conv_im2col", &cv->aux));
    if (cv->algo == OCLNN_CONV_ALGO_IM2COL_CLBLAST)
        OCLNN__TRY(oclnn__cl_kernel(ctx, GEMM_CL, NULL, "oclnn_conv_epilogue", &cv->aux2));
    return OCLNN_OK;
}

static oclnn_status run_1x1(oclnn_context *ctx, const oclnn__cl_conv *cv, const oclnn_tensor *src,
                            const oclnn__cl_epi *epi) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t *ss = src->stride;
    oclnn__cl_gemm g = {0};
    g.batches = pb->n * pb->groups;
    g.tm = cv->tm, g.tn = cv->tn, g.xg = cv->xg;
    if (ss[OCLNN__W] == 1 && ss[OCLNN__H] == pb->w) {
        g.a = cv->w, g.a_grp = pb->kg * pb->cg, g.lda = pb->cg;
        g.b = oclnn__cl_mem(src), g.b_off = (cl_uint)src->offset, g.b_img = (cl_uint)ss[OCLNN__N];
        g.b_grp = (cl_uint)(pb->cg * ss[OCLNN__C]), g.ldb = (cl_uint)ss[OCLNN__C];
        g.m = pb->kg, g.n = pb->h * pb->w, g.k = pb->cg;
        g.geo = (cl_uint4){{pb->p * pb->q, pb->q, OCLNN__GEMM_ROWS_CHANNELS, pb->groups}};
    } else if (ss[OCLNN__C] == 1 && ss[OCLNN__H] == pb->w * ss[OCLNN__W]) {
        g.a = oclnn__cl_mem(src), g.a_off = (cl_uint)src->offset, g.a_img = (cl_uint)ss[OCLNN__N];
        g.a_grp = pb->cg, g.lda = (cl_uint)ss[OCLNN__W];
        g.b = cv->wt, g.b_grp = pb->cg * pb->kg, g.ldb = pb->kg;
        g.m = pb->h * pb->w, g.n = pb->kg, g.k = pb->cg;
        g.geo = (cl_uint4){{pb->p * pb->q, pb->q, OCLNN__GEMM_COLS_CHANNELS, pb->groups}};
    } else {
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "gemm1x1 needs src rows or pixels to be contiguous");
    }
    return oclnn__cl_gemm_launch(ctx, cv->main, &g, epi);
}

static oclnn_status run_im2col(oclnn_context *ctx, const oclnn__cl_conv *cv, const oclnn_tensor *src,
                               cl_mem col) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    cl_mem s = oclnn__cl_mem(src);
    cl_uint off = (cl_uint)src->offset;
    cl_uint4 stride = oclnn__cl_strides(src), shape = {{pb->n, pb->c, pb->h, pb->w}},
             kern = {{pb->r, pb->s, pb->p, pb->q}}, conv = {{pb->stride_h, pb->stride_w, pb->dil_h, pb->dil_w}},
             pad = {{pb->pad_top, pb->pad_left, pb->n * pb->p * pb->q, 0}};
    OCLNN__TRY(oclnn__cl_args(cv->aux, OCLNN__ARG(s), OCLNN__ARG(off), OCLNN__ARG(stride), OCLNN__ARG(shape),
                              OCLNN__ARG(kern), OCLNN__ARG(conv), OCLNN__ARG(pad), OCLNN__ARG(col)));
    size_t global[2] = {(size_t)pb->n * pb->p * (cv->gpu ? pb->q : 1), (size_t)pb->c * pb->r * pb->s};
    return oclnn__cl_launch(ctx, cv->aux, 2, global, NULL);
}

oclnn_status oclnn__cl_conv_gemm_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                     const oclnn_tensor *src, oclnn_tensor *dst, const oclnn_tensor *res) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    oclnn__cl_epi epi;
    oclnn__cl_conv_epi(cv, dst, res, &epi);
    if (cv->algo == OCLNN_CONV_ALGO_GEMM1X1) return run_1x1(ctx, cv, src, &epi);
    size_t col_n = col_elements(pb), npq = (size_t)pb->n * pb->p * pb->q;
    size_t crs = (size_t)pb->cg * pb->r * pb->s;
    oclnn__storage *scratch;
    size_t bytes = (col_n + (cv->algo == OCLNN_CONV_ALGO_IM2COL_CLBLAST ? pb->k * npq : 0)) * sizeof(float);
    OCLNN__TRY(oclnn__context_scratch(ctx, bytes, &scratch));
    cl_mem col = scratch->mem;
    OCLNN__TRY(run_im2col(ctx, cv, src, col));
    if (cv->algo == OCLNN_CONV_ALGO_IM2COL) {
        oclnn__cl_gemm g = {0};
        g.tm = cv->tm, g.tn = cv->tn, g.xg = cv->xg;
        g.a = cv->w, g.a_grp = (cl_uint)(pb->kg * crs), g.lda = (cl_uint)crs;
        g.b = col, g.b_grp = (cl_uint)(crs * npq), g.ldb = (cl_uint)npq;
        g.m = pb->kg, g.n = (cl_uint)npq, g.k = (cl_uint)crs, g.batches = pb->groups;
        g.geo = (cl_uint4){{pb->p * pb->q, pb->q, OCLNN__GEMM_ROWS_CHANNELS, pb->groups}};
        return oclnn__cl_gemm_launch(ctx, cv->main, &g, &epi);
    }
    cl_command_queue q = oclnn__cl_state_of(ctx)->queue;
    for (size_t g = 0; g < pb->groups; g++) {
        cl_event ev;
        int st = oclnn__clblast_sgemm(q, false, pb->kg, npq, crs, cv->w, g * pb->kg * crs, crs, col,
                                      g * crs * npq, npq, col, col_n + g * pb->kg * npq, npq,
                                      oclnn__cl_timing_slot(ctx, &ev));
        if (st == 0) OCLNN__TRY(oclnn__cl_timing_keep(ctx, ev));
        if (st == -1) return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "libclblast.so.1 could not be loaded");
        if (st != 0)
            return oclnn__fail(OCLNN_ERROR_DEVICE, "CLBlastSgemm(%zu x %zu x %zu) failed with status %d",
                               (size_t)pb->kg, (size_t)npq, (size_t)crs, st);
    }
    cl_uint src_off = (cl_uint)col_n, ld = (cl_uint)npq, count = (cl_uint)npq;
    cl_uint4 geo = {{pb->p * pb->q, pb->q, pb->kg, pb->groups}};
    oclnn__cl_arg args[16];
    size_t n = 0;
    args[n++] = OCLNN__ARG(col);
    args[n++] = OCLNN__ARG(src_off);
    args[n++] = OCLNN__ARG(ld);
    args[n++] = OCLNN__ARG(count);
    args[n++] = OCLNN__ARG(geo);
    oclnn__cl_conv_epi_args(&epi, args, &n);
    OCLNN__TRY(oclnn__cl_set_args(cv->aux2, n, args));
    size_t global[3] = {npq, pb->kg, pb->groups};
    return oclnn__cl_launch(ctx, cv->aux2, 3, global, NULL);
}
