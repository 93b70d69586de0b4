/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's conv2d family: capabilities, the table of algorithm rows (create/run over
 * the algorithm files), and the helpers they share (epilogue arguments, weight upload, the GEMM launch). */
#include "opencl/conv2d.h"

#include <string.h>

#include "core/alloc.h"
#include "core/op.h"
#include "opencl/clblast.h"

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
    (void)ctx;
    memset(gemm, 0, sizeof *gemm);
    memset(own, 0, sizeof *own);
    /* Every tunable an algorithm uses is in its search space, so the plan carries it: no default
     * is written here. The defaults live in the kernels' #ifndef values (cl/conv/gemm.cl,
     * direct.cl, depthwise.cl, winograd.h) and the spaces (src/tune/space_conv_*.c);
     * tests/test_tuning.c checks that the two agree. */
    uint32_t vw = 1, nv = 1;
    for (size_t i = 0; i < cv->tun.n; i++) {
        const char *name = cv->tun.t[i].name;
        uint32_t value = cv->tun.t[i].value;
        bool for_gemm = !strcmp(name, "TM") || !strcmp(name, "VW") || !strcmp(name, "NV");
        if (value != cv->tun.t[i].def) oclnn__cl_define_int(for_gemm ? gemm : own, name, value);
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
    *out = NULL;
    size_t bytes;
    if (!oclnn__mul_ok(count, sizeof(float), &bytes))
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "%zu weights overflow size_t", count);
    OCLNN__TRY(oclnn__check_storage_bytes(ctx, bytes, "the weights"));
    oclnn__op_count_weight_copy();
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

/* The state every row starts from: the plan's problem, algorithm and tunables, and the bias. */
static oclnn_status cl_begin(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *bias,
                             size_t *workspace_bytes, oclnn__cl_conv **out) {
    oclnn__cl_conv *cv = oclnn__calloc(ctx->allocator, 1, sizeof *cv);
    if (!cv) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution");
    cop->state = cv;
    cv->pb = cop->pb;
    cv->algo = cop->algo;
    cv->tun = cop->tunables;
    *workspace_bytes = 0;
    if (bias) OCLNN__TRY(oclnn__cl_conv_upload(ctx, bias, cv->pb.k, &cv->bias));
    *out = cv;
    return OCLNN_OK;
}

static oclnn_status gemm_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *w,
                                const float *bias, size_t *workspace_bytes) {
    oclnn__cl_conv *cv = NULL;
    OCLNN__TRY(cl_begin(ctx, cop, bias, workspace_bytes, &cv));
    return oclnn__cl_conv_gemm_create(ctx, cv, w, workspace_bytes);
}

static oclnn_status gemm_run(oclnn_context *ctx, const oclnn__conv2d_op *cop, const oclnn_tensor *src,
                             oclnn_tensor *dst, const oclnn_tensor *res) {
    return oclnn__cl_conv_gemm_run(ctx, cop->state, src, dst, res);
}

static oclnn_status direct_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *w,
                                  const float *bias, size_t *workspace_bytes) {
    oclnn__cl_conv *cv = NULL;
    OCLNN__TRY(cl_begin(ctx, cop, bias, workspace_bytes, &cv));
    return oclnn__cl_conv_direct_create(ctx, cv, w);
}

static oclnn_status direct_run(oclnn_context *ctx, const oclnn__conv2d_op *cop,
                               const oclnn_tensor *src, oclnn_tensor *dst, const oclnn_tensor *res) {
    return oclnn__cl_conv_direct_run(ctx, cop->state, src, dst, res);
}

static oclnn_status winograd_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *w,
                                    const float *bias, size_t *workspace_bytes) {
    oclnn__cl_conv *cv = NULL;
    OCLNN__TRY(cl_begin(ctx, cop, bias, workspace_bytes, &cv));
    return oclnn__cl_conv_winograd_create(ctx, cv, w, workspace_bytes);
}

static oclnn_status implicit_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *w,
                                    const float *bias, size_t *workspace_bytes) {
    oclnn__cl_conv *cv = NULL;
    OCLNN__TRY(cl_begin(ctx, cop, bias, workspace_bytes, &cv));
    return oclnn__cl_conv_implicit_create(ctx, cv, w);
}

static oclnn_status implicit_run(oclnn_context *ctx, const oclnn__conv2d_op *cop,
                                 const oclnn_tensor *src, oclnn_tensor *dst, const oclnn_tensor *res) {
    return oclnn__cl_conv_implicit_run(ctx, cop->state, src, dst, res);
}

static oclnn_status winograd_run(oclnn_context *ctx, const oclnn__conv2d_op *cop,
                                 const oclnn_tensor *src, oclnn_tensor *dst, const oclnn_tensor *res) {
    return oclnn__cl_conv_winograd_run(ctx, cop->state, src, dst, res);
}

/* The OpenCL algorithms: one row each (see oclnn__conv2d_row). None needs an `applies` of its
 * own today: the pure rules and caps (CLBlast loaded) cover them; a kernel with device limits the
 * rules cannot see (local memory, work-group shape) gives its row one. */
static const oclnn__conv2d_row ROWS[] = {
    {OCLNN_CONV_ALGO_DIRECT, NULL, direct_create, direct_run, cl_destroy},
    {OCLNN_CONV_ALGO_IM2COL, NULL, gemm_create, gemm_run, cl_destroy},
    {OCLNN_CONV_ALGO_GEMM1X1, NULL, gemm_create, gemm_run, cl_destroy},
    {OCLNN_CONV_ALGO_WINOGRAD_2X2, NULL, winograd_create, winograd_run, cl_destroy},
    {OCLNN_CONV_ALGO_WINOGRAD_4X4, NULL, winograd_create, winograd_run, cl_destroy},
    {OCLNN_CONV_ALGO_WINOGRAD_6X6, NULL, winograd_create, winograd_run, cl_destroy}, /* issue 19 */
    {OCLNN_CONV_ALGO_DEPTHWISE, NULL, direct_create, direct_run, cl_destroy},
    {OCLNN_CONV_ALGO_IM2COL_CLBLAST, NULL, gemm_create, gemm_run, cl_destroy}, /* caps.clblast */
    {OCLNN_CONV_ALGO_IMPLICIT_GEMM, NULL, implicit_create, implicit_run, cl_destroy},
};

/* issue 16: a state for a new input size sharing the weight buffers (retained, so each state
 * releases its own reference) and the context-cached kernels; only the workspace depends on the
 * size. */
static oclnn_status cl_clone(oclnn_context *ctx, const void *state, oclnn__conv2d_op *cop,
                             size_t *workspace_bytes) {
    const oclnn__cl_conv *old = state;
    oclnn__cl_conv *cv = oclnn__alloc(ctx->allocator, sizeof *cv);
    if (!cv) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution");
    *cv = *old;
    cop->state = cv;
    cv->pb = cop->pb;
    cl_mem *mems[] = {&cv->w, &cv->wt, &cv->bias};
    for (size_t i = 0; i < sizeof mems / sizeof *mems; i++)
        if (*mems[i]) clRetainMemObject(*mems[i]);
    *workspace_bytes = 0;
    oclnn_conv_algo a = cv->algo;
    if (a == OCLNN_CONV_ALGO_IM2COL || a == OCLNN_CONV_ALGO_IM2COL_CLBLAST || a == OCLNN_CONV_ALGO_GEMM1X1)
        return oclnn__cl_conv_gemm_workspace(cv, workspace_bytes);
    if (a == OCLNN_CONV_ALGO_WINOGRAD_2X2 || a == OCLNN_CONV_ALGO_WINOGRAD_4X4 || a == OCLNN_CONV_ALGO_WINOGRAD_6X6)
        return oclnn__cl_conv_winograd_workspace(cv, workspace_bytes);
    return OCLNN_OK; /* direct, depthwise, implicit-gemm: none */
}

const oclnn__conv2d_family oclnn__conv2d_opencl = {
    .caps = cl_caps,
    .rows = ROWS,
    .n_rows = sizeof ROWS / sizeof ROWS[0],
    .clone = cl_clone,
};
