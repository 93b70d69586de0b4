/* SPDX-License-Identifier: MIT */
/* The threading model: separate contexts in separate threads, several threads sharing one
 * context (its lock serializes them), and per-thread error messages. Every result is checked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "ref/ref.h"
#include "support/harness.h"

#define THREADS 4
#define ROUNDS 20

typedef struct job {
    oclnn_context *ctx; /* shared, or NULL: make one */
    const char *device;
    int id;
    int failures;
    char message[256];
} job;

/* Writes a pattern in one layout, copies it to the other layout and through a view, reads back. */
static int work(job *j) {
    oclnn_context *ctx = j->ctx;
    if (!ctx) {
        oclnn_context_options o = oclnn_context_options_default();
        o.device = j->device;
        if (oclnn_context_create(&o, &ctx) != OCLNN_OK) {
            snprintf(j->message, sizeof j->message, "%s", oclnn_last_error());
            return 1;
        }
    }
    oclnn_shape s = {2, 5, 7, 3};
    size_t n = 2 * 5 * 7 * 3;
    float *src = malloc(n * 4), *got = malloc(n * 4);
    int bad = 0;
    for (int r = 0; r < ROUNDS && !bad; r++) {
        for (size_t i = 0; i < n; i++) src[i] = (float)(j->id * 100000 + r * 1000) + (float)i;
        oclnn_tensor *a = NULL, *b = NULL, *v = NULL;
        bad |= oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &a) != OCLNN_OK;
        bad |= !bad && oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NHWC, &b) != OCLNN_OK;
        bad |= !bad && oclnn_tensor_write(a, src, OCLNN_LAYOUT_NCHW) != OCLNN_OK;
        bad |= !bad && oclnn_tensor_copy(a, b) != OCLNN_OK;
        bad |= !bad && oclnn_tensor_view_channels(b, 1, 3, &v) != OCLNN_OK;
        bad |= !bad && oclnn_tensor_fill(v, -1.0f) != OCLNN_OK;
        bad |= !bad && oclnn_tensor_read(b, got, OCLNN_LAYOUT_NCHW) != OCLNN_OK;
        if (!bad)
            for (size_t i = 0; i < n; i++) {
                size_t c = (i / 21) % 5;
                float want = c >= 1 && c < 4 ? -1.0f : src[i];
                if (got[i] != want) bad = 1;
            }
        /* Each thread's error text is its own. */
        oclnn_tensor *none;
        oclnn_shape zero = {0, 1, 1, 1};
        if (oclnn_tensor_create(ctx, zero, OCLNN_LAYOUT_NCHW, &none) != OCLNN_ERROR_INVALID_ARGUMENT ||
            !strstr(oclnn_last_error(), "zero dimension"))
            bad = 1;
        if (bad && !j->message[0]) snprintf(j->message, sizeof j->message, "round %d: %s", r, oclnn_last_error());
        oclnn_tensor_destroy(v);
        oclnn_tensor_destroy(a);
        oclnn_tensor_destroy(b);
    }
    free(src);
    free(got);
    if (!j->ctx) oclnn_context_destroy(ctx);
    return bad;
}

/* A small network slice, run by every thread on its own tensors and ops (created on the shared
 * or its own context): conv 3x3 + bias + ReLU, then 2x2 max pooling, then a residual add of the
 * pooled result to itself. The expected output is computed once with the reference. */
typedef struct net_case {
    oclnn_conv2d_desc conv;
    oclnn_pool2d_desc pool;
    float *x, *w, *b, *expect;
    oclnn_shape conv_out, out;
} net_case;

static net_case the_case;

static void make_case(void) {
    net_case *c = &the_case;
    c->conv = oclnn_conv2d_desc_default();
    c->conv.input = (oclnn_shape){2, 8, 12, 10};
    c->conv.out_channels = 16, c->conv.kernel_h = 3, c->conv.kernel_w = 3;
    c->conv.padding = (oclnn_padding){OCLNN_PAD_SAME, 0, 0, 0, 0};
    c->conv.activation = OCLNN_ACTIVATION_RELU, c->conv.has_bias = true;
    assert_ok(oclnn_conv2d_output_shape(&c->conv, &c->conv_out));
    c->pool = oclnn_pool2d_desc_default();
    c->pool.input = c->conv_out, c->pool.kind = OCLNN_POOL_MAX;
    c->pool.kernel_h = c->pool.kernel_w = 2;
    assert_ok(oclnn_pool2d_output_shape(&c->pool, &c->out));
    size_t nx = 2 * 8 * 12 * 10, nw = 16 * 8 * 9, nc = (size_t)2 * 16 * 12 * 10;
    size_t no = (size_t)c->out.n * c->out.c * c->out.h * c->out.w;
    c->x = alloc_random(nx, 1, -1, 1), c->w = alloc_random(nw, 2, -0.3f, 0.3f);
    c->b = alloc_random(16, 3, -0.1f, 0.1f);
    float *mid = malloc(nc * 4), *pooled = malloc(no * 4);
    c->expect = malloc(no * 4);
    oclnn__ref_conv2d(&c->conv, c->x, OCLNN_LAYOUT_NCHW, c->w, c->b, NULL, mid);
    oclnn__ref_pool2d(&c->pool, OCLNN_LAYOUT_NCHW, mid, pooled, NULL);
    oclnn__ref_eltwise(c->out, OCLNN_LAYOUT_NCHW, OCLNN_ELTWISE_ADD, pooled, pooled, NULL, NULL, c->expect);
    free(mid), free(pooled);
}

static int run_ops(oclnn_context *ctx, int rounds, char *message, size_t cap) {
    net_case *c = &the_case;
    oclnn_op *conv = NULL, *pool = NULL, *add = NULL;
    oclnn_tensor *x = NULL, *mid = NULL, *pooled = NULL, *y = NULL;
    oclnn_eltwise_desc ed = oclnn_eltwise_desc_default();
    ed.shape = c->out;
    size_t no = (size_t)c->out.n * c->out.c * c->out.h * c->out.w;
    float *got = malloc(no * 4);
    int bad = oclnn_conv2d_create(ctx, &c->conv, c->w, c->b, &conv) != OCLNN_OK ||
              oclnn_pool2d_create(ctx, &c->pool, &pool) != OCLNN_OK ||
              oclnn_eltwise_create(ctx, &ed, NULL, NULL, &add) != OCLNN_OK ||
              oclnn_tensor_create(ctx, c->conv.input, OCLNN_LAYOUT_AUTO, &x) != OCLNN_OK ||
              oclnn_tensor_create(ctx, c->conv_out, OCLNN_LAYOUT_AUTO, &mid) != OCLNN_OK ||
              oclnn_tensor_create(ctx, c->out, OCLNN_LAYOUT_AUTO, &pooled) != OCLNN_OK ||
              oclnn_tensor_create(ctx, c->out, OCLNN_LAYOUT_AUTO, &y) != OCLNN_OK;
    for (int r = 0; r < rounds && !bad; r++) {
        bad = oclnn_tensor_write(x, c->x, OCLNN_LAYOUT_NCHW) != OCLNN_OK ||
              oclnn_conv2d_run(conv, x, mid, NULL) != OCLNN_OK ||
              oclnn_pool2d_run(pool, mid, pooled, NULL) != OCLNN_OK ||
              oclnn_eltwise_run(add, pooled, pooled, y) != OCLNN_OK ||
              oclnn_tensor_read(y, got, OCLNN_LAYOUT_NCHW) != OCLNN_OK;
        for (size_t i = 0; i < no && !bad; i++)
            bad = fabsf(got[i] - c->expect[i]) > 1e-4f + 1e-4f * fabsf(c->expect[i]);
        if (bad && !message[0]) snprintf(message, cap, "round %d: %s", r, oclnn_last_error());
    }
    if (bad && !message[0]) snprintf(message, cap, "setup: %s", oclnn_last_error());
    oclnn_op_destroy(conv), oclnn_op_destroy(pool), oclnn_op_destroy(add);
    oclnn_tensor_destroy(x), oclnn_tensor_destroy(mid), oclnn_tensor_destroy(pooled);
    oclnn_tensor_destroy(y);
    free(got);
    return bad;
}

static int ops_thread_main(void *arg) {
    job *j = arg;
    oclnn_context *ctx = j->ctx;
    if (!ctx) {
        oclnn_context_options o = oclnn_context_options_default();
        o.device = j->device;
        o.layout = j->id % 2 ? OCLNN_LAYOUT_NHWC : OCLNN_LAYOUT_NCHW; /* both layouts at once */
        if (oclnn_context_create(&o, &ctx) != OCLNN_OK) {
            snprintf(j->message, sizeof j->message, "%s", oclnn_last_error());
            j->failures = 1;
            return 0;
        }
    }
    j->failures = run_ops(ctx, ROUNDS / 4, j->message, sizeof j->message);
    if (!j->ctx) oclnn_context_destroy(ctx);
    return 0;
}

static int thread_main(void *arg) {
    job *j = arg;
    j->failures = work(j);
    return 0;
}

static void run_jobs_with(job *jobs, thrd_start_t fn) {
    thrd_t t[THREADS];
    for (int i = 0; i < THREADS; i++) assert_int_equal(thrd_create(&t[i], fn, &jobs[i]), thrd_success);
    for (int i = 0; i < THREADS; i++) thrd_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        if (jobs[i].failures) fail_msg("thread %d failed: %s", i, jobs[i].message);
    }
}

static void run_jobs(job *jobs) { run_jobs_with(jobs, thread_main); }

/* Conv + pool + add in four threads at once, each on its own context (layouts alternating). */
static void test_ops_separate_contexts(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    (void)TEST_CTX(state); /* skips without OpenCL */
    job jobs[THREADS];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < THREADS; i++) {
        jobs[i].device = cfg->backend == OCLNN_BACKEND_CPU ? "cpu" : "0:0";
        jobs[i].id = i;
    }
    run_jobs_with(jobs, ops_thread_main);
}

/* The same four threads sharing one context: each creates its own ops and tensors on it. */
static void test_ops_shared_context(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    job jobs[THREADS];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < THREADS; i++) {
        jobs[i].ctx = ctx;
        jobs[i].id = i;
    }
    run_jobs_with(jobs, ops_thread_main);
}

static void test_separate_contexts(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    (void)TEST_CTX(state); /* skips without OpenCL */
    job jobs[THREADS];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < THREADS; i++) {
        jobs[i].device = cfg->backend == OCLNN_BACKEND_CPU ? "cpu" : "0:0";
        jobs[i].id = i;
    }
    run_jobs(jobs);
}

static void test_shared_context(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    job jobs[THREADS];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < THREADS; i++) {
        jobs[i].ctx = ctx;
        jobs[i].id = i;
    }
    run_jobs(jobs);
}

/* The thread-count option: range checks, OCLNN_THREADS, and the caller's OpenMP setting left as
 * it was after runs with another count. */
static void test_thread_count(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    oclnn_context *ctx = NULL;
    o.threads = 1025;
    assert_int_equal(oclnn_context_create(&o, &ctx), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("options->threads");
    o.threads = 0;
    static const char *const bad[] = {"0", "-2", "two", "3x", "1025"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("OCLNN_THREADS", bad[i], 1);
        assert_int_equal(oclnn_context_create(&o, &ctx), OCLNN_ERROR_INVALID_ARGUMENT);
        assert_error_mentions("OCLNN_THREADS");
        assert_null(ctx);
    }
    setenv("OCLNN_THREADS", "7", 1);
    o.threads = 1; /* the option wins over the variable */
#ifdef _OPENMP
    omp_set_num_threads(3);
#endif
    assert_ok(oclnn_context_create(&o, &ctx));
    unsetenv("OCLNN_THREADS");
    oclnn_shape s = {1, 64, 40, 40}; /* big enough for the C backend's parallel loops */
    size_t n = 64 * 40 * 40;
    float *src = malloc(n * sizeof *src), *got = malloc(n * sizeof *got);
    assert_non_null(src);
    assert_non_null(got);
    for (size_t i = 0; i < n; i++) src[i] = (float)i;
    oclnn_tensor *t = NULL;
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NHWC, &t));
    assert_ok(oclnn_tensor_write(t, src, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_read(t, got, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(src, got, n * sizeof *src);
#ifdef _OPENMP
    assert_int_equal(omp_get_max_threads(), 3);
    omp_set_num_threads(2);
#endif
    oclnn_tensor_destroy(t);
    oclnn_context_destroy(ctx);
    free(src);
    free(got);
}

int main(void) {
    make_case();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_count),
        cmocka_unit_test_prestate(test_ops_separate_contexts, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_ops_separate_contexts, (void *)&CFG_CPU_NCHW),
        cmocka_unit_test_prestate(test_ops_shared_context, (void *)&CFG_CL_NHWC),
        cmocka_unit_test_prestate(test_ops_shared_context, (void *)&CFG_CPU_NHWC),
        cmocka_unit_test_prestate(test_separate_contexts, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_separate_contexts, (void *)&CFG_CPU_NCHW),
        cmocka_unit_test_prestate(test_shared_context, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_shared_context, (void *)&CFG_CPU_NCHW),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
