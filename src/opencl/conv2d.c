/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's conv2d family: capabilities, create/run dispatch to the algorithm files,
 * and the helpers they share (epilogue arguments, weight upload, the GEMM launch). */
#include "opencl/conv2d.h"

#include <string.h>

#include "core/alloc.h"
#include "opencl/clblast.h"
#include "tune/tune.h"

static void cl_caps(oclnn_context *ctx, oclnn__conv2d_caps *caps) {
    (void)ctx;
    caps->backend = OCLNN_BACKEND_OPENCL;
    caps->clblast = oclnn__clblast_available();
}

void oclnn__cl_conv_epi(const oclnn__cl_conv *cv, oclnn_tensor *dst, const oclnn_tensor *res,
                        oclnn__cl_epi *e) {
    e->dst = oclnn__cl_mem(dst);
    e->dst_off = (cl_uint)dst->offset;
    e->dst_stride = oclnn__cl_strides(dst);
    e->bias = cv->bias;
    e->res = res ? oclnn__cl_mem(res) : NULL;
    e->res_off = res ? (cl_uint)res->offset : 0;
    e->res_stride = res ? oclnn__cl_strides(res) : e->dst_stride;
    e->flags = (cv->bias ? 1u : 0u) | (res ? 2u : 0u) | (cv->pb.act == OCLNN_ACTIVATION_RELU ? 4u : 0u);
}

void oclnn__cl_conv_epi_args(const oclnn__cl_epi *e, oclnn__cl_arg *args, size_t *n) {
    args[(*n)++] = OCLNN__ARG(e->dst);
    args[(*n)++] = OCLNN__ARG(e->dst_off);
    args[(*n)++] = OCLNN__ARG(e->dst_stride);
    args[(*n)++] = OCLNN__ARG(e->bias);
    args[(*n)++] = OCLNN__ARG(e->res);
    args[(*n)++] = OCLNN__ARG(e->res_off);
    args[(*n)++] = OCLNN__ARG(e->res_stride);
    args[(*n)++] = OCLNN__ARG(e->flags);
}

void oclnn__cl_conv_tunables(oclnn_context *ctx, oclnn__cl_conv *cv, oclnn__cl_options *gemm,
                             oclnn__cl_options *own) {
    memset(gemm, 0, sizeof *gemm);
    memset(own, 0, sizeof *own);
    /* The kernels' defaults (the #ifndef values in cl/conv/gemm.cl, direct.cl, depthwise.cl and
     * winograd.h; tests/test_tuning.c checks that the spaces' defaults match them). */
    cv->tm = 8, cv->tn = 16, cv->kb = 4, cv->qb = 8, cv->cb = 4;
    const oclnn__tune_space *sp = oclnn__conv2d_space(cv->algo);
    if (!sp) return;
    char problem[160];
    oclnn__conv2d_problem_str(&cv->pb, problem, sizeof problem);
    oclnn__tune_values v = oclnn__tune_lookup(ctx, sp, problem, NULL);
    uint32_t vw = 16, nv = 1;
    for (size_t i = 0; i < sp->n_params; i++) {
        const char *name = sp->params[i].name;
        uint32_t value = (uint32_t)v.v[i];
        bool for_gemm = !strcmp(name, "TM") || !strcmp(name, "VW") || !strcmp(name, "NV");
        if (value != (uint32_t)sp->params[i].def) oclnn__cl_define_int(for_gemm ? gemm : own, name, value);
        if (!strcmp(name, "TM")) cv->tm = value;
        else if (!strcmp(name, "VW")) vw = value;
        else if (!strcmp(name, "NV")) nv = value;
        else if (!strcmp(name, "KB")) cv->kb = value;
        else if (!strcmp(name, "QB")) cv->qb = value;
        else if (!strcmp(name, "CB")) cv->cb = value;
    }
    cv->tn = vw * nv;
}

oclnn_status oclnn__cl_conv_upload(oclnn_context *ctx, const float *host, size_t count, cl_mem *out) {
    cl_int err;
    *out = clCreateBuffer(oclnn__cl_state_of(ctx)->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                          count * sizeof(float), (void *)host, &err);
    if (err != CL_SUCCESS) {
        *out = NULL;
        return oclnn__cl_fail(err, "clCreateBuffer (weights)");
    }
    return OCLNN_OK;
}

oclnn_status oclnn__cl_gemm_launch(oclnn_context *ctx, cl_kernel k, const oclnn__cl_gemm *g,
                                   const oclnn__cl_epi *epi) {
    oclnn__cl_arg args[32];
    size_t n = 0;
    args[n++] = OCLNN__ARG(g->a);
    args[n++] = OCLNN__ARG(g->a_off);
    args[n++] = OCLNN__ARG(g->a_img);
    args[n++] = OCLNN__ARG(g->a_grp);
    args[n++] = OCLNN__ARG(g->lda);
    args[n++] = OCLNN__ARG(g->b);
    args[n++] = OCLNN__ARG(g->b_off);
    args[n++] = OCLNN__ARG(g->b_img);
    args[n++] = OCLNN__ARG(g->b_grp);
    args[n++] = OCLNN__ARG(g->ldb);
    args[n++] = OCLNN__ARG(g->m);
    args[n++] = OCLNN__ARG(g->n);
    args[n++] = OCLNN__ARG(g->k);
    args[n++] = OCLNN__ARG(g->batches);
    args[n++] = OCLNN__ARG(g->geo);
    args[n++] = OCLNN__ARG(g->plain);
    oclnn__cl_conv_epi_args(epi, args, &n);
    OCLNN__TRY(oclnn__cl_set_args(k, n, args));
    if (g->xg.mwg) { /* the engine: the tile fixes the work-group */
        size_t global[3], local[3];
        oclnn__cl_xgemm_shape(&g->xg, g->m, g->n, g->batches, global, local);
        return oclnn__cl_launch(ctx, k, 3, global, local);
    }
    size_t global[3] = {(g->n + g->tn - 1) / g->tn, (g->m + g->tm - 1) / g->tm, g->batches};
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

static void cl_destroy(oclnn_context *ctx, void *state) {
    (void)ctx;
    oclnn__cl_conv *cv = state;
    if (!cv) return;
    if (cv->w) clReleaseMemObject(cv->w);
    if (cv->wt) clReleaseMemObject(cv->wt);
    if (cv->bias) clReleaseMemObject(cv->bias);
    oclnn__free(ctx->allocator, cv);
}

static oclnn_status cl_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *weights,
                              const float *bias, size_t *workspace_bytes) {
    oclnn__cl_conv *cv = oclnn__calloc(ctx->allocator, 1, sizeof *cv);
    if (!cv) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution");
    cop->state = cv;
    cop->state_destroy = cl_destroy;
    cv->pb = cop->pb;
    cv->algo = cop->algo;
    *workspace_bytes = 0;
    if (bias) OCLNN__TRY(oclnn__cl_conv_upload(ctx, bias, cv->pb.k, &cv->bias));
    switch (cv->algo) {
    case OCLNN_CONV_ALGO_IM2COL:
    case OCLNN_CONV_ALGO_GEMM1X1:
    case OCLNN_CONV_ALGO_IM2COL_CLBLAST: return oclnn__cl_conv_gemm_create(ctx, cv, weights, workspace_bytes);
    case OCLNN_CONV_ALGO_DIRECT:
    case OCLNN_CONV_ALGO_DEPTHWISE: return oclnn__cl_conv_direct_create(ctx, cv, weights);
    case OCLNN_CONV_ALGO_WINOGRAD_2X2:
    case OCLNN_CONV_ALGO_WINOGRAD_4X4: return oclnn__cl_conv_winograd_create(ctx, cv, weights, workspace_bytes);
    case OCLNN_CONV_ALGO_IMPLICIT_GEMM: return oclnn__cl_conv_implicit_create(ctx, cv, weights);
    case OCLNN_CONV_ALGO_AUTO: break;
    }
    return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "no OpenCL algorithm %d", (int)cv->algo);
}

static oclnn_status cl_run(oclnn_context *ctx, const oclnn__conv2d_op *cop, const oclnn_tensor *src,
                           oclnn_tensor *dst, const oclnn_tensor *res) {
    const oclnn__cl_conv *cv = cop->state;
    switch (cv->algo) {
    case OCLNN_CONV_ALGO_IM2COL:
    case OCLNN_CONV_ALGO_GEMM1X1:
    case OCLNN_CONV_ALGO_IM2COL_CLBLAST: return oclnn__cl_conv_gemm_run(ctx, cv, src, dst, res);
    case OCLNN_CONV_ALGO_DIRECT:
    case OCLNN_CONV_ALGO_DEPTHWISE: return oclnn__cl_conv_direct_run(ctx, cv, src, dst, res);
    case OCLNN_CONV_ALGO_WINOGRAD_2X2:
    case OCLNN_CONV_ALGO_WINOGRAD_4X4: return oclnn__cl_conv_winograd_run(ctx, cv, src, dst, res);
    case OCLNN_CONV_ALGO_IMPLICIT_GEMM: return oclnn__cl_conv_implicit_run(ctx, cv, src, dst, res);
    case OCLNN_CONV_ALGO_AUTO: break;
    }
    return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "no OpenCL algorithm %d", (int)cv->algo);
}

const oclnn__conv2d_family oclnn__conv2d_opencl = {
    .caps = cl_caps,
    .create = cl_create,
    .run = cl_run,
};
