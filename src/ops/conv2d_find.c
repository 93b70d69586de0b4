/* SPDX-License-Identifier: MIT */
/* Timing convolution algorithms on a problem: oclnn_conv2d_find (every algorithm, the winner
 * recorded in the context's tuning state) and tuning on first use (issue 14: the same search,
 * bounded in time, when a context with OCLNN_FLAG_TUNE_ON_FIRST_USE creates an AUTO convolution
 * for a problem its tuning database has no algorithm for; the winner is recorded and saved). */
#include <stdio.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/context.h"
#include "core/log.h"
#include "core/status.h"
#include "ops/conv2d.h"
#include "tune/tune.h"

#define FIND_RUNS 3

/* Median kernel time of FIND_RUNS runs after one warm-up, waiting for the device after each. */
static oclnn_status time_op(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                            const oclnn_tensor *res, double *ms) {
    oclnn_context *ctx = op->ctx;
    double t[FIND_RUNS];
    for (int i = -1; i < FIND_RUNS; i++) { /* kernel time from device events where there are */
        double ms_i;
        oclnn__context_timer_begin(ctx);
        oclnn_status st = oclnn__conv2d_run_op(op, src, dst, res);
        oclnn_status st_t = oclnn__context_timer_end(ctx, &ms_i);
        OCLNN__TRY(st);
        OCLNN__TRY(st_t);
        if (i >= 0) t[i] = ms_i;
    }
    for (int i = 1; i < FIND_RUNS; i++)
        for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
            double x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    *ms = t[FIND_RUNS / 2];
    return OCLNN_OK;
}

static int perf_cmp(const void *a, const void *b) {
    const oclnn_conv2d_perf *x = a, *y = b;
    if ((x->status == OCLNN_OK) != (y->status == OCLNN_OK)) return x->status == OCLNN_OK ? -1 : 1;
    if (x->status != OCLNN_OK) return (int)x->algo - (int)y->algo;
    return (x->ms > y->ms) - (x->ms < y->ms);
}

/* What a search found: every algorithm's result, fastest first, and the winner's index (the
 * fastest the accuracy guard allows). */
typedef struct search {
    oclnn_conv2d_perf all[OCLNN_CONV_ALGO_COUNT - 1];
    size_t timed, ok, win;
    char problem[OCLNN__CONV2D_PROBLEM_MAX];
} search;

/* Times the algorithms on pb with scratch data: AUTO's choice first, then the others in enum
 * order while the wall clock stays within budget_ms (0: no limit). The winner is recorded in
 * the context's tuning state. */
static oclnn_status run_search(oclnn_context *ctx, const oclnn__conv2d_problem *pb, double budget_ms, search *r) {
    const double start = oclnn__now_ms();
    size_t wn = (size_t)pb->k * pb->cg * pb->r * pb->s; /* fits: checked by resolve */
    OCLNN__TRY(oclnn__check_host_bytes(wn * sizeof(float), "the trial weights"));
    float *w = oclnn__alloc(ctx->allocator, wn * sizeof *w);
    float *bias = oclnn__alloc(ctx->allocator, (size_t)pb->k * sizeof *bias);
    oclnn_tensor *src = NULL, *dst = NULL, *res = NULL;
    oclnn_status st = OCLNN_OK;
    if (!w || !bias) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate scratch weights");
        goto done;
    }
    for (size_t i = 0; i < wn; i++) w[i] = (float)((i * 7919u) % 17u) / 17.0f - 0.5f;
    for (uint32_t i = 0; i < pb->k; i++) bias[i] = 0.01f * (float)(i % 5u);
    oclnn_shape out = {pb->n, pb->k, pb->p, pb->q};
    st = oclnn_tensor_create(ctx, (oclnn_shape){pb->n, pb->c, pb->h, pb->w}, OCLNN_LAYOUT_AUTO, &src);
    if (st == OCLNN_OK) st = oclnn_tensor_create(ctx, out, OCLNN_LAYOUT_AUTO, &dst);
    if (st == OCLNN_OK && pb->residual) st = oclnn_tensor_create(ctx, out, OCLNN_LAYOUT_AUTO, &res);
    if (st == OCLNN_OK) st = oclnn_tensor_fill(src, 0.5f);
    if (st == OCLNN_OK && res) st = oclnn_tensor_fill(res, 0.25f);
    if (st != OCLNN_OK) goto done; /* the tensor call's message stands */
    /* The order: AUTO's algorithm (what a create would run now), then the rest. */
    oclnn_conv_algo order[OCLNN_CONV_ALGO_COUNT - 1];
    size_t n = 0;
    oclnn_op *op = NULL;
    if (oclnn__conv2d_create_op(ctx, pb, OCLNN_CONV_ALGO_AUTO, w, pb->has_bias ? bias : NULL, &op) == OCLNN_OK)
        order[n++] = ((const oclnn__conv2d_op *)op->impl)->algo;
    oclnn_op_destroy(op);
    for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++)
        if (!n || (oclnn_conv_algo)a != order[0]) order[n++] = (oclnn_conv_algo)a;
    r->timed = r->ok = 0;
    for (size_t i = 0; i < n; i++) {
        oclnn_conv2d_perf *p = &r->all[i];
        p->algo = order[i];
        p->ms = 0;
        if (budget_ms > 0 && r->ok && oclnn__now_ms() - start > budget_ms) {
            p->status = OCLNN_ERROR_UNSUPPORTED; /* not timed: the budget ran out */
            continue;
        }
        op = NULL;
        p->status = oclnn__conv2d_create_op(ctx, pb, p->algo, w, pb->has_bias ? bias : NULL, &op);
        if (p->status == OCLNN_OK) p->status = time_op(op, src, dst, res, &p->ms);
        oclnn_op_destroy(op);
        r->timed++;
        r->ok += p->status == OCLNN_OK;
    }
    qsort(r->all, n, sizeof *r->all, perf_cmp);
    if (!r->ok) {
        st = oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "no algorithm could run this problem");
        goto done;
    }
    oclnn__conv2d_problem_str(pb, r->problem, sizeof r->problem);
    /* issue 19: AUTO follows the recorded winner, so it is the fastest the accuracy guard allows
     * (results still list every algorithm, fastest first) */
    r->win = 0;
    while (r->win + 1 < r->ok && oclnn__conv2d_auto_guard(pb, r->all[r->win].algo)) r->win++;
    oclnn__tune_values best = {{(int32_t)r->all[r->win].algo}};
    mtx_lock(&ctx->lock);
    st = oclnn__tune_record(ctx, &oclnn__tune_space_conv_algo, r->problem, &best, r->all[r->win].ms);
    mtx_unlock(&ctx->lock);
done:
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(res);
    oclnn__free(ctx->allocator, w);
    oclnn__free(ctx->allocator, bias);
    return st;
}

oclnn_status oclnn_conv2d_find(oclnn_context *ctx, const oclnn_conv2d_desc *desc,
                               oclnn_conv2d_perf *results, size_t capacity, size_t *count) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!count) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "count is NULL");
    if (capacity && !results)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "results is NULL with capacity %zu", capacity);
    oclnn__conv2d_problem pb;
    OCLNN__TRY(oclnn__conv2d_resolve(desc, &pb));
    search *r = oclnn__calloc(ctx->allocator, 1, sizeof *r);
    if (!r) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the search state");
    oclnn_status st = run_search(ctx, &pb, 0, r);
    if (st == OCLNN_OK) {
        oclnn__log(OCLNN__LOG_INFO, "conv2d find %s: %s %.3f ms", r->problem,
                   oclnn_conv_algo_name(r->all[r->win].algo), r->all[r->win].ms);
        for (size_t i = 0; i < capacity && i < OCLNN_CONV_ALGO_COUNT - 1; i++) results[i] = r->all[i];
        *count = OCLNN_CONV_ALGO_COUNT - 1;
        oclnn__clear_error(); /* algorithms that did not apply leave no message */
    }
    oclnn__free(ctx->allocator, r);
    return st;
}

void oclnn__conv2d_first_use(oclnn_context *ctx, const oclnn__conv2d_problem *pb) {
    if (!oclnn__tune_can_record(ctx)) return; /* the C backend, or tuning_db "none" */
    char problem[OCLNN__CONV2D_PROBLEM_MAX];
    oclnn__conv2d_problem_str(pb, problem, sizeof problem);
    mtx_lock(&ctx->lock);
    bool known = oclnn__tune_row_of(ctx, oclnn__tune_space_conv_algo.family, problem) != NULL;
    mtx_unlock(&ctx->lock);
    if (known) return;
    search *r = oclnn__calloc(ctx->allocator, 1, sizeof *r);
    if (!r) return;
    const double start = oclnn__now_ms();
    oclnn_status st = run_search(ctx, pb, OCLNN_FIRST_USE_BUDGET_MS, r);
    const double spent = oclnn__now_ms() - start;
    if (st == OCLNN_OK) {
        st = oclnn_context_save_tuning(ctx, NULL);
        oclnn__log(OCLNN__LOG_INFO, "conv2d first use %s: %s %.3f ms (%zu algorithms timed in %.0f ms)%s%s",
                   problem, oclnn_conv_algo_name(r->all[r->win].algo), r->all[r->win].ms, r->timed, spent,
                   st == OCLNN_OK ? "" : "; not saved: ", st == OCLNN_OK ? "" : oclnn_last_error());
    } else {
        oclnn__log(OCLNN__LOG_INFO, "conv2d first use %s: no result after %.0f ms: %s", problem, spent,
                   oclnn_last_error());
    }
    oclnn__clear_error(); /* the create goes on with its own choice; its errors are its own */
    oclnn__free(ctx->allocator, r);
}
