/* SPDX-License-Identifier: MIT */
/* The C backend's conv2d family: the table of algorithm rows (weight re-layout at create, run
 * over the algorithm files) and the shared epilogue. */
#include "cpu/conv2d.h"

#include <string.h>

#include "core/alloc.h"
#include "core/op.h"
#include "core/status.h"
#include "cpu/blas.h"
#include "cpu/cpu.h"
#include "cpu/pool.h"

static void cpu_caps(oclnn_context *ctx, oclnn__conv2d_caps *caps) {
    (void)ctx;
    caps->backend = OCLNN_BACKEND_CPU;
    caps->clblast = false;
}

static void cpu_destroy(oclnn_context *ctx, void *state) {
    oclnn__cpu_conv *cv = state;
    if (!cv) return;
    if (cv->shares && --*cv->shares > 0) { /* a reshape clone still uses the weights */
        oclnn__free(ctx->allocator, cv);
        return;
    }
    oclnn__free(ctx->allocator, cv->shares);
    oclnn__free(ctx->allocator, cv->w);
    oclnn__free(ctx->allocator, cv->wt);
    oclnn__free(ctx->allocator, cv->wpk);
    oclnn__free(ctx->allocator, cv->wp);
    oclnn__free(ctx->allocator, cv->bias);
    oclnn__free(ctx->allocator, cv->u);
    oclnn__free(ctx->allocator, cv);
}

/* The state every row starts from: the plan's problem and algorithm, the weights and the bias. */
static oclnn_status cpu_begin(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *weights,
                              const float *bias, size_t *workspace_bytes, oclnn__cpu_conv **out) {
    const oclnn__conv2d_problem *pb = &cop->pb;
    oclnn__cpu_conv *cv = oclnn__calloc(ctx->allocator, 1, sizeof *cv);
    if (!cv) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution");
    cop->state = cv;
    cv->pb = *pb;
    cv->algo = cop->algo;
    cv->shares = oclnn__alloc(ctx->allocator, sizeof *cv->shares);
    if (!cv->shares) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution");
    *cv->shares = 1;
    size_t wn = (size_t)pb->k * pb->cg * pb->r * pb->s;
    cv->w = oclnn__alloc(ctx->allocator, wn * sizeof(float));
    if (!cv->w) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu weights", wn);
    memcpy(cv->w, weights, wn * sizeof(float));
    oclnn__op_count_weight_copy();
    if (bias) {
        cv->bias = oclnn__alloc(ctx->allocator, pb->k * sizeof(float));
        if (!cv->bias) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the bias");
        memcpy(cv->bias, bias, pb->k * sizeof(float));
    }
    *workspace_bytes = 0;
    *out = cv;
    return OCLNN_OK;
}

/* im2col and gemm1x1: the weights also for NHWC destinations, packed for the GEMM microkernel
 * (groups 1) or as G x (R*S*Cg) x Kg (cpu/conv2d_gemm.c). */
static oclnn_status gemm_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *weights,
                                const float *bias, size_t *workspace_bytes) {
    oclnn__cpu_conv *cv = NULL;
    OCLNN__TRY(cpu_begin(ctx, cop, weights, bias, workspace_bytes, &cv));
    const oclnn__conv2d_problem *pb = &cv->pb;
    OCLNN__TRY(oclnn__cpu_conv_gemm_prepare(ctx, cv, weights));
    /* the im2col matrix of one image, all groups (gemm1x1 needs it only when src and dst
     * differ in layout) */
    *workspace_bytes = pb->c * (size_t)pb->r * pb->s * pb->p * pb->q * sizeof(float);
    (void)oclnn__cpu_blas_name(); /* load the BLAS now, not during the first run */
    return OCLNN_OK;
}

/* The GEMM paths write dst before their epilogue reads the residual, so an in-place residual
 * (residual == dst, the aliasing rule allows it) is first copied to a dense host buffer. */
static oclnn_status gemm_run_algo(oclnn_context *ctx, const oclnn__conv2d_op *cop, const oclnn_tensor *src,
                             oclnn_tensor *dst, const oclnn_tensor *residual) {
    if (!residual || oclnn__tensor_overlap(residual, dst) != OCLNN__SAME_ELEMENTS)
        return oclnn__cpu_conv_gemm(ctx, cop->state, src, dst, residual);
    size_t bytes;
    oclnn__shape_bytes(residual->shape, NULL, &bytes);
    oclnn__storage copy = {.refs = 1, .bytes = bytes, .mem = oclnn__alloc(ctx->allocator, bytes)};
    if (!copy.mem) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot copy the in-place residual");
    oclnn_tensor res = *residual;
    res.storage = &copy;
    res.offset = 0;
    res.is_view = false;
    oclnn__dense_strides(res.shape, res.shape.c, res.layout, res.stride);
    oclnn__cpu_copy_strided(res.shape, oclnn__cpu_cdata(residual), residual->stride, copy.mem, res.stride);
    oclnn_status st = oclnn__cpu_conv_gemm(ctx, cop->state, src, dst, &res);
    oclnn__free(ctx->allocator, copy.mem);
    return st;
}

/* An operator's problem has layout AUTO: sized for channels-last sources, the C backend's layout
 * (a channels-first run takes the three-pass workspace, and the scratch grows). */
static size_t winograd_workspace(const oclnn_context *ctx, const oclnn__cpu_conv *cv) {
    const size_t threads = ctx->threads ? ctx->threads : (size_t)oclnn__cpu_threads();
    return oclnn__cpu_winograd_workspace(cv, cv->pb.layout != OCLNN_LAYOUT_NCHW, threads);
}

static oclnn_status winograd_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *weights,
                                    const float *bias, size_t *workspace_bytes) {
    oclnn__cpu_conv *cv = NULL;
    OCLNN__TRY(cpu_begin(ctx, cop, weights, bias, workspace_bytes, &cv));
    cv->m = cv->algo == OCLNN_CONV_ALGO_WINOGRAD_2X2 ? 2 : cv->algo == OCLNN_CONV_ALGO_WINOGRAD_4X4 ? 4 : 6;
    OCLNN__TRY(oclnn__cpu_winograd_prepare(ctx, cv));
    *workspace_bytes = winograd_workspace(ctx, cv);
    (void)oclnn__cpu_blas_name();
    return OCLNN_OK;
}

static oclnn_status winograd_run_algo(oclnn_context *ctx, const oclnn__conv2d_op *cop,
                                 const oclnn_tensor *src, oclnn_tensor *dst,
                                 const oclnn_tensor *residual) {
    return oclnn__cpu_conv_winograd(ctx, cop->state, src, dst, residual);
}

/* direct: the weights also as R x S x Cg x K (the dense pixel nest and the grouped
 * channels-last nest). */
static oclnn_status direct_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *weights,
                                  const float *bias, size_t *workspace_bytes) {
    oclnn__cpu_conv *cv = NULL;
    OCLNN__TRY(cpu_begin(ctx, cop, weights, bias, workspace_bytes, &cv));
    const oclnn__conv2d_problem *pb = &cv->pb;
    size_t wn = (size_t)pb->k * pb->cg * pb->r * pb->s;
    cv->wp = oclnn__alloc(ctx->allocator, wn * sizeof(float));
    if (!cv->wp) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu weights", wn);
    size_t rs = (size_t)pb->r * pb->s;
    if (oclnn__cpu_grouped_diag(pb)) {
        oclnn__cpu_grouped_pack(pb, weights, cv->wp);
        return OCLNN_OK;
    }
    for (size_t k = 0; k < pb->k; k++)
        for (size_t c = 0; c < pb->cg; c++)
            for (size_t i = 0; i < rs; i++)
                cv->wp[(i * pb->cg + c) * pb->k + k] = weights[(k * pb->cg + c) * rs + i];
    return OCLNN_OK;
}

static oclnn_status direct_run_algo(oclnn_context *ctx, const oclnn__conv2d_op *cop,
                               const oclnn_tensor *src, oclnn_tensor *dst,
                               const oclnn_tensor *residual) {
    (void)ctx;
    oclnn__cpu_conv_direct(cop->state, src, dst, residual);
    return OCLNN_OK;
}

static oclnn_status depthwise_create(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *weights,
                                     const float *bias, size_t *workspace_bytes) {
    oclnn__cpu_conv *cv = NULL;
    return cpu_begin(ctx, cop, weights, bias, workspace_bytes, &cv);
}

static oclnn_status depthwise_run_algo(oclnn_context *ctx, const oclnn__conv2d_op *cop,
                                  const oclnn_tensor *src, oclnn_tensor *dst,
                                  const oclnn_tensor *residual) {
    (void)ctx;
    oclnn__cpu_conv_depthwise(cop->state, src, dst, residual);
    return OCLNN_OK;
}

typedef struct epi_job {
    const oclnn__cpu_conv *cv;
    float *d;
    const float *res;
    const size_t *ds, *rs;
} epi_job;

OCLNN__CPU_TASK(epilogue_task) {
    (void)worker;
    const epi_job *j = arg;
    const oclnn__conv2d_problem *pb = &j->cv->pb;
    float *d = j->d;
    const float *res = j->res, *bias = j->cv->bias;
    const size_t *ds = j->ds, *rs = j->rs;
    bool relu = pb->act == OCLNN_ACTIVATION_RELU;
    bool nhwc = ds[OCLNN__C] == 1;
    for (size_t row = begin; row < end; row++) {
        size_t n = row / pb->p, p = row % pb->p;
        for (size_t a = 0; a < (nhwc ? pb->q : pb->k); a++)
            for (size_t b = 0; b < (nhwc ? pb->k : pb->q); b++) {
                size_t q = nhwc ? a : b, k = nhwc ? b : a;
                float *o = d + n * ds[0] + k * ds[1] + p * ds[2] + q * ds[3];
                float v = *o + (bias ? bias[k] : 0.0f);
                if (res) v += res[n * rs[0] + k * rs[1] + p * rs[2] + q * rs[3]];
                *o = relu && v < 0.0f ? 0.0f : v;
            }
    }
}

void oclnn__cpu_conv_epilogue(const oclnn__cpu_conv *cv, const oclnn_tensor *residual, oclnn_tensor *dst) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    if (!cv->bias && !residual && pb->act == OCLNN_ACTIVATION_NONE) return;
    epi_job j = {cv, oclnn__cpu_data(dst), residual ? oclnn__cpu_cdata(residual) : NULL, dst->stride,
                 residual ? residual->stride : dst->stride};
    const size_t rows = (size_t)pb->n * pb->p;
    oclnn__cpu_parallel_for(rows, oclnn__cpu_grain(rows, 4, 1), epilogue_task, &j);
}

/* Each row's run with its context's thread count (cpu/team.c). */
#define TEAM_RUN(name)                                                                            \
    static oclnn_status name(oclnn_context *ctx, const oclnn__conv2d_op *cop,                     \
                             const oclnn_tensor *src, oclnn_tensor *dst,                          \
                             const oclnn_tensor *residual) {                                      \
        oclnn__cpu_team team = oclnn__cpu_team_begin(ctx);                                                    \
        oclnn_status st = name##_algo(ctx, cop, src, dst, residual);                              \
        oclnn__cpu_team_end(team);                                                                \
        return st;                                                                                \
    }
TEAM_RUN(gemm_run)
TEAM_RUN(winograd_run)
TEAM_RUN(direct_run)
TEAM_RUN(depthwise_run)

/* The C backend's algorithms: one row each (see oclnn__conv2d_row); no CLBlast row. */
static const oclnn__conv2d_row ROWS[] = {
    {OCLNN_CONV_ALGO_DIRECT, NULL, direct_create, direct_run, cpu_destroy},
    {OCLNN_CONV_ALGO_IM2COL, NULL, gemm_create, gemm_run, cpu_destroy},
    {OCLNN_CONV_ALGO_GEMM1X1, NULL, gemm_create, gemm_run, cpu_destroy},
    {OCLNN_CONV_ALGO_WINOGRAD_2X2, NULL, winograd_create, winograd_run, cpu_destroy},
    {OCLNN_CONV_ALGO_WINOGRAD_4X4, NULL, winograd_create, winograd_run, cpu_destroy},
    {OCLNN_CONV_ALGO_WINOGRAD_6X6, NULL, winograd_create, winograd_run, cpu_destroy}, /* issue 19 */
    {OCLNN_CONV_ALGO_DEPTHWISE, NULL, depthwise_create, depthwise_run, cpu_destroy},
};

/* issue 16: a state for a new input size sharing the packed weights (counted in shares); only
 * the workspace depends on the size. */
static oclnn_status cpu_clone(oclnn_context *ctx, const void *state, oclnn__conv2d_op *cop,
                              size_t *workspace_bytes) {
    const oclnn__cpu_conv *old = state;
    oclnn__cpu_conv *cv = oclnn__alloc(ctx->allocator, sizeof *cv);
    if (!cv) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution");
    *cv = *old;
    ++*cv->shares;
    cop->state = cv;
    cv->pb = cop->pb;
    const oclnn__conv2d_problem *pb = &cv->pb;
    oclnn_conv_algo a = cv->algo;
    *workspace_bytes = 0;
    if (a == OCLNN_CONV_ALGO_IM2COL || a == OCLNN_CONV_ALGO_GEMM1X1)
        *workspace_bytes = pb->c * (size_t)pb->r * pb->s * pb->p * pb->q * sizeof(float);
    else if (a == OCLNN_CONV_ALGO_WINOGRAD_2X2 || a == OCLNN_CONV_ALGO_WINOGRAD_4X4 ||
             a == OCLNN_CONV_ALGO_WINOGRAD_6X6)
        *workspace_bytes = winograd_workspace(ctx, cv);
    return OCLNN_OK;
}

const oclnn__conv2d_family oclnn__conv2d_cpu = {
    .caps = cpu_caps,
    .rows = ROWS,
    .n_rows = sizeof ROWS / sizeof ROWS[0],
    .clone = cpu_clone,
};
