/* SPDX-License-Identifier: MIT */
/* The C backend's work-sharing pool (src/cpu/pool.c): every item of a loop runs exactly once,
 * worker indices stay below the team's size and are never shared by two chunks at once, with
 * teams of 1, 2, 3 and 8 threads (more than this machine's cores), loops nested inside a loop,
 * loops started from four user threads at once, the caller's chunks taken from the front of each
 * loop, and the pool's threads ended with the last C backend context. Every check counts, so a
 * lost or doubled item fails. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "core/context.h"
#include "cpu/cpu.h"
#include "cpu/pool.h"
#include "support/harness.h"

#define MAX_TEAM 8
#define ITEMS 20000

typedef struct loop_state {
    _Atomic unsigned char *hits; /* per item */
    atomic_int busy[MAX_TEAM];   /* chunks running now per worker index */
    atomic_int bad_worker, shared_worker, nested_bad;
    unsigned team;
    bool nest; /* each chunk also runs an inner loop */
} loop_state;

static void inner_task(void *arg, size_t begin, size_t end, unsigned worker) {
    atomic_int *sum = arg;
    if (worker != 0) atomic_fetch_add(sum, 1000000); /* a nested loop runs on its caller alone */
    for (size_t i = begin; i < end; i++) atomic_fetch_add(sum, (int)i);
}

static void count_task(void *arg, size_t begin, size_t end, unsigned worker) {
    loop_state *st = arg;
    if (worker >= st->team || worker >= MAX_TEAM) {
        atomic_fetch_add(&st->bad_worker, 1);
        return;
    }
    if (atomic_fetch_add(&st->busy[worker], 1) != 0) atomic_fetch_add(&st->shared_worker, 1);
    for (size_t i = begin; i < end; i++) atomic_fetch_add(&st->hits[i], 1);
    if (st->nest) {
        atomic_int sum = 0;
        oclnn__cpu_parallel_for(100, 3, inner_task, &sum);
        if (atomic_load(&sum) != 4950) atomic_fetch_add(&st->nested_bad, 1);
    }
    atomic_fetch_sub(&st->busy[worker], 1);
}

/* Runs one loop of n items in chunks of grain under the calling thread's team; 0 when every
 * item ran once and no worker rule broke, else a code naming the failure. */
static int run_loop(size_t n, size_t grain, bool nest) {
    loop_state st;
    memset(&st, 0, sizeof st);
    st.hits = calloc(n ? n : 1, sizeof *st.hits);
    if (!st.hits) return 1;
    st.team = (unsigned)oclnn__cpu_threads();
    st.nest = nest;
    oclnn__cpu_parallel_for(n, grain, count_task, &st);
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        if (atomic_load(&st.hits[i]) != 1) bad = 2;
    if (atomic_load(&st.bad_worker)) bad = 3;
    if (atomic_load(&st.shared_worker)) bad = 4;
    if (atomic_load(&st.nested_bad)) bad = 5;
    free((void *)st.hits);
    return bad;
}

static oclnn_context *cpu_context(unsigned threads) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    o.threads = threads;
    oclnn_context *ctx = NULL;
    assert_ok(oclnn_context_create(&o, &ctx));
    return ctx;
}

/* Items, grains and teams, including a team wider than the cores and loops of fewer chunks
 * than threads. */
static void test_every_item_once(void **state) {
    (void)state;
    static const unsigned teams[] = {1, 2, 3, MAX_TEAM};
    static const size_t sizes[][2] = {{0, 1}, {1, 1}, {2, 1}, {7, 3}, {100, 1}, {1000, 7},
                                      {ITEMS, 1}, {ITEMS, 64}, {ITEMS, ITEMS}, {5, 0}};
    for (size_t t = 0; t < sizeof teams / sizeof *teams; t++) {
        oclnn_context *ctx = cpu_context(teams[t]);
        oclnn__cpu_team team = oclnn__cpu_team_begin(ctx);
        assert_int_equal(oclnn__cpu_threads(), (int)teams[t]);
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
            for (int rep = 0; rep < 3; rep++) {
                int bad = run_loop(sizes[s][0], sizes[s][1], false);
                if (bad) fail_msg("team %u, %zu items, grain %zu: failure %d", teams[t], sizes[s][0], sizes[s][1], bad);
            }
        assert_int_equal(run_loop(ITEMS / 10, 5, true), 0);
        oclnn__cpu_team_end(team);
        if (teams[t] > 1) assert_true(oclnn__cpu_pool_workers() >= 1);
        oclnn_context_destroy(ctx);
        assert_int_equal(oclnn__cpu_pool_workers(), 0); /* the last C context ends the threads */
    }
}

/* More chunks than the claim's 16-bit range holds: the grain grows, every item still runs once. */
static void test_many_chunks(void **state) {
    (void)state;
    oclnn_context *ctx = cpu_context(2);
    oclnn__cpu_team team = oclnn__cpu_team_begin(ctx);
    assert_int_equal(run_loop(200003, 1, false), 0);
    assert_int_equal(run_loop(65536, 1, false), 0);
    oclnn__cpu_team_end(team);
    oclnn_context_destroy(ctx);
}

typedef struct owner_state {
    _Atomic unsigned char *owner; /* per item: 1 + the worker index that ran it */
} owner_state;

static void owner_task(void *arg, size_t begin, size_t end, unsigned worker) {
    owner_state *st = arg;
    for (size_t i = begin; i < end; i++) atomic_store(&st->owner[i], (unsigned char)(worker + 1));
}

/* The caller claims chunks from the front of a loop and the workers from the back, so the items
 * the caller ran are a prefix of the loop (whatever the workers took): consecutive loops over the
 * same data give the caller the same part (cpu/pool.h). */
static void test_caller_takes_the_front(void **state) {
    (void)state;
    static const unsigned teams[] = {2, 3};
    static const size_t sizes[][2] = {{ITEMS, 1}, {ITEMS, 7}, {64, 1}};
    for (size_t t = 0; t < sizeof teams / sizeof *teams; t++) {
        oclnn_context *ctx = cpu_context(teams[t]);
        oclnn__cpu_team team = oclnn__cpu_team_begin(ctx);
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
            for (int rep = 0; rep < 20; rep++) {
                const size_t n = sizes[s][0];
                owner_state st = {calloc(n, 1)};
                assert_non_null(st.owner);
                oclnn__cpu_parallel_for(n, sizes[s][1], owner_task, &st);
                size_t prefix = 0;
                while (prefix < n && atomic_load(&st.owner[prefix]) == 1) prefix++;
                for (size_t i = prefix; i < n; i++) {
                    if (atomic_load(&st.owner[i]) == 0) fail_msg("item %zu of %zu did not run", i, n);
                    if (atomic_load(&st.owner[i]) == 1)
                        fail_msg("team %u, %zu items: the caller ran item %zu after another thread's item %zu",
                                 teams[t], n, i, prefix);
                }
                free((void *)st.owner);
            }
        oclnn__cpu_team_end(team);
        oclnn_context_destroy(ctx);
    }
}

/* The grain helper: about per_thread chunks per thread, never under min_grain nor 0. */
static void test_grain(void **state) {
    (void)state;
    oclnn_context *ctx = cpu_context(4);
    oclnn__cpu_team team = oclnn__cpu_team_begin(ctx);
    assert_int_equal(oclnn__cpu_grain(1600, 4, 1), 100);
    assert_int_equal(oclnn__cpu_grain(1600, 4, 500), 500);
    assert_int_equal(oclnn__cpu_grain(0, 4, 0), 1);
    assert_int_equal(oclnn__cpu_grain(3, 0, 1), 1);
    oclnn__cpu_team_end(team);
    oclnn_context_destroy(ctx);
}

typedef struct user_job {
    unsigned threads;
    int failures, code; /* bad loops, and the last one's failure code (see run_loop) */
} user_job;

static int user_main(void *arg) {
    user_job *j = arg;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    o.threads = j->threads;
    oclnn_context *ctx = NULL;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) {
        j->failures = 100;
        return 0;
    }
    oclnn__cpu_team team = oclnn__cpu_team_begin(ctx);
    for (int r = 0; r < 30; r++) {
        int bad = run_loop(ITEMS / 4, 1 + (size_t)r % 5, r % 3 == 0);
        if (bad) j->failures++, j->code = bad;
    }
    oclnn__cpu_team_end(team);
    oclnn_context_destroy(ctx);
    return 0;
}

/* Four user threads, each on its own context (teams 1, 2, 3, 8), start loops at once: whichever
 * finds the pool busy runs its loop alone; every loop stays exact. */
static void test_four_user_threads(void **state) {
    (void)state;
    user_job jobs[4] = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {MAX_TEAM, 0, 0}};
    thrd_t t[4];
    for (int i = 0; i < 4; i++) assert_int_equal(thrd_create(&t[i], user_main, &jobs[i]), thrd_success);
    for (int i = 0; i < 4; i++) thrd_join(t[i], NULL);
    for (int i = 0; i < 4; i++)
        if (jobs[i].failures) fail_msg("user thread %d (team %u): %d bad loops, the last failing with code %d", i,
                     jobs[i].threads, jobs[i].failures, jobs[i].code);
    assert_int_equal(oclnn__cpu_pool_workers(), 0);
}

/* A convolution + pooling + ReLU slice gives the same result with 1 thread and with 8 (more than
 * the cores): the pool's split changes nothing the tests of each op do not already check. */
static void test_conv_threads_agree(void **state) {
    (void)state;
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){2, 16, 20, 18};
    d.out_channels = 40, d.kernel_h = d.kernel_w = 3;
    d.padding = (oclnn_padding){OCLNN_PAD_SAME, 0, 0, 0, 0};
    d.activation = OCLNN_ACTIVATION_RELU, d.has_bias = true;
    oclnn_shape os;
    assert_ok(oclnn_conv2d_output_shape(&d, &os));
    const size_t nx = 2 * 16 * 20 * 18, nw = 40 * 16 * 9, ny = (size_t)os.n * os.c * os.h * os.w;
    float *x = alloc_random(nx, 11, -1, 1), *w = alloc_random(nw, 12, -0.2f, 0.2f);
    float *b = alloc_random(40, 13, -0.1f, 0.1f);
    float *y[2] = {malloc(ny * sizeof(float)), malloc(ny * sizeof(float))};
    static const unsigned threads[2] = {1, MAX_TEAM};
    for (int i = 0; i < 2; i++) {
        oclnn_context *ctx = cpu_context(threads[i]);
        oclnn_op *op = NULL;
        oclnn_tensor *tx = NULL, *ty = NULL;
        assert_ok(oclnn_conv2d_create(ctx, &d, w, b, &op));
        assert_ok(oclnn_tensor_create(ctx, d.input, OCLNN_LAYOUT_NHWC, &tx));
        assert_ok(oclnn_tensor_create(ctx, os, OCLNN_LAYOUT_NHWC, &ty));
        assert_ok(oclnn_tensor_write(tx, x, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_conv2d_run(op, tx, ty, NULL));
        assert_ok(oclnn_tensor_read(ty, y[i], OCLNN_LAYOUT_NCHW));
        oclnn_op_destroy(op);
        oclnn_tensor_destroy(tx);
        oclnn_tensor_destroy(ty);
        oclnn_context_destroy(ctx);
    }
    assert_true(check_close(y[1], y[0], ny, 1e-5, 1e-5, "conv 3x3 threads 8 vs 1"));
    free(x), free(w), free(b), free(y[0]), free(y[1]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_item_once),
        cmocka_unit_test(test_grain),
        cmocka_unit_test(test_many_chunks),
        cmocka_unit_test(test_caller_takes_the_front),
        cmocka_unit_test(test_four_user_threads),
        cmocka_unit_test(test_conv_threads_agree),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
