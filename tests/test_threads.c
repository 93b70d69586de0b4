/* SPDX-License-Identifier: MIT */
/* The threading model: separate contexts in separate threads, several threads sharing one
 * context (its lock serializes them), and per-thread error messages. Every result is checked. */
#include <stdlib.h>
#include <string.h>
#include <threads.h>

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

static int thread_main(void *arg) {
    job *j = arg;
    j->failures = work(j);
    return 0;
}

static void run_jobs(job *jobs) {
    thrd_t t[THREADS];
    for (int i = 0; i < THREADS; i++) assert_int_equal(thrd_create(&t[i], thread_main, &jobs[i]), thrd_success);
    for (int i = 0; i < THREADS; i++) thrd_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        if (jobs[i].failures) fail_msg("thread %d failed: %s", i, jobs[i].message);
    }
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_separate_contexts, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_separate_contexts, (void *)&CFG_CPU_NCHW),
        cmocka_unit_test_prestate(test_shared_context, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_shared_context, (void *)&CFG_CPU_NCHW),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
