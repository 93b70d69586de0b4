/* SPDX-License-Identifier: MIT */
/* Test harness: backend x layout configurations (cmocka prestate), one shared context per backend
 * per process, seeded data, and tolerance checks that report the worst element. */
#ifndef OCLNN_TEST_HARNESS_H
#define OCLNN_TEST_HARNESS_H

/* cmocka 1.1 needs these before its header. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>

#include "oclnn.h"

typedef struct test_cfg {
    oclnn_backend_kind backend;
    oclnn_layout layout;
    const char *name; /* "opencl/NHWC" */
} test_cfg;

extern const test_cfg CFG_CL_NCHW, CFG_CL_NHWC, CFG_CPU_NCHW, CFG_CPU_NHWC;

/* Runs `t` once per backend x layout (four cmocka tests). */
#define TEST_ALL_CFGS(t)                                                                          \
    cmocka_unit_test_prestate(t, (void *)&CFG_CL_NCHW),                                           \
        cmocka_unit_test_prestate(t, (void *)&CFG_CL_NHWC),                                       \
        cmocka_unit_test_prestate(t, (void *)&CFG_CPU_NCHW),                                      \
        cmocka_unit_test_prestate(t, (void *)&CFG_CPU_NHWC)

/* The shared context for cfg's backend (created on first use, destroyed by test_teardown). When
 * the machine has no OpenCL device the OpenCL configurations call skip(): never a silent pass.
 * OCLNN_TEST_SKIP_CPU skips the C backend's configurations (the Oclgrind gate runs OpenCL only). */
oclnn_context *test_context(const test_cfg *cfg);
/* Group teardown for cmocka_run_group_tests: destroys the shared contexts before main returns.
 * (The atexit fallback is too late for Oclgrind: OpenCL objects released from an exit handler
 * corrupt its heap, docs/RELIABILITY.md.) */
int test_teardown(void **state);
/* Registers one more shared-context cleanup that test_teardown (and exit) runs first (the
 * GPU-class context of support/gpuclass.c). */
void test_at_teardown(void (*fn)(void));
/* True when OCLNN_TEST_SKIP_OPENCL asks for the C backend only (CI's valgrind run). */
bool test_opencl_disabled(void);
/* The OpenCL device every test uses: OCLNN_TEST_DEVICE ("P:D" or a name substring, as
 * OCLNN_DEVICE), else "0:0". The Oclgrind gate points it at the simulator's platform. */
const char *test_opencl_device(void);
/* The device string for cfg's backend: "cpu" or test_opencl_device(). */
const char *test_device_of(const test_cfg *cfg);
/* True when OCLNN_TEST_SMALL asks for the small problems only (the Oclgrind gate, where every
 * work-item is interpreted): the tables stay the same, their larger rows are left out. */
bool test_small(void);
/* True under valgrind (CI's memory check: its preload library is in LD_PRELOAD), where the C
 * backend runs 50-300x slower: a test whose full-size work is checked by the sanitizer run and
 * the Release suite may check a smaller share here, and says so where it skips. */
bool test_under_valgrind(void);
/* Whether a problem of `work` multiply-adds (or element visits) runs: always, unless
 * test_small() and work > TEST_SMALL_WORK. */
#define TEST_SMALL_WORK 2000.0
bool test_runs(double work);
/* The golden-data folder: OCLNN_TEST_DATA_DIR at run time (a build copied to another machine),
 * else the source tree's tests/data compiled in. */
const char *test_data_dir(void);
/* Same, for the current test's prestate (void **state). */
#define TEST_CTX(state) test_context((const test_cfg *)*(state))
#define TEST_CFG(state) ((const test_cfg *)*(state))

/* Asserts a status, printing oclnn_last_error() when it differs. */
#define assert_ok(expr) assert_status_impl((expr), OCLNN_OK, #expr, __FILE__, __LINE__)
#define assert_status(expr, st) assert_status_impl((expr), (st), #expr, __FILE__, __LINE__)
void assert_status_impl(oclnn_status got, oclnn_status want, const char *what, const char *file, int line);
/* Asserts that oclnn_last_error() contains `keyword`. */
#define assert_error_mentions(keyword) assert_error_mentions_impl((keyword), __FILE__, __LINE__)
void assert_error_mentions_impl(const char *keyword, const char *file, int line);

/* Deterministic uniform values in [lo, hi) from `seed` (xorshift). */
void fill_random(float *dst, size_t n, uint32_t seed, float lo, float hi);
float *alloc_random(size_t n, uint32_t seed, float lo, float hi); /* free() the result */

/* True when |got - ref| <= atol + rtol * |ref| everywhere; otherwise prints the mismatch count,
 * the worst index with both values, and `problem` (a line to paste into `oclnn bench`). */
bool check_close(const float *got, const float *ref, size_t n, double atol, double rtol,
                 const char *problem);
#define assert_close(got, ref, n, atol, rtol, problem)                                            \
    assert_true(check_close((got), (ref), (n), (atol), (rtol), (problem)))

/* Reads a whole file of float32 values from test_data_dir() (little-endian). NULL if missing. */
float *load_golden(const char *name, size_t *count);
/* The same, for a file that must exist and hold exactly `want` floats: fails the test otherwise,
 * naming the file and how to regenerate it. */
float *golden(const char *name, size_t want);

#endif
