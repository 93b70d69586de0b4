/* SPDX-License-Identifier: MIT */
/* Fault injection: every host and device allocation of a whole scenario (context, tensors,
 * views, transfers with layout conversion, copies) is made to fail in turn. Each failure must be
 * a clean status with a message, leave the context usable, and leak nothing (the sanitizer build
 * of CI checks the leaks). Needs a build with OCLNN_FAULT_INJECTION (Debug builds); skipped
 * otherwise. */
#include <stdlib.h>
#include <string.h>

#include "core/fault.h"
#include "support/harness.h"

#define MAX_STEPS 400

#if OCLNN__FAULT_INJECTION_ENABLED
static bool acceptable(oclnn_status st) {
    return st == OCLNN_OK || st == OCLNN_ERROR_OUT_OF_MEMORY || st == OCLNN_ERROR_DEVICE_OUT_OF_MEMORY;
}

/* The scenario; returns the first failure's status. *ctx_out keeps the context when it was made. */
static oclnn_status scenario(const char *device, oclnn_context **ctx_out) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = device;
    o.cache_dir = "none"; /* the disk cache is exercised elsewhere */
    oclnn_context *ctx = NULL;
    oclnn_status st = oclnn_context_create(&o, &ctx);
    *ctx_out = ctx;
    if (st != OCLNN_OK) return st;
    oclnn_shape s = {2, 6, 5, 3};
    float src[180], got[180];
    for (int i = 0; i < 180; i++) src[i] = (float)i;
    oclnn_tensor *a = NULL, *b = NULL, *v = NULL;
    st = oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &a);
    if (st == OCLNN_OK) st = oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NHWC, &b);
    if (st == OCLNN_OK) st = oclnn_tensor_write(a, src, OCLNN_LAYOUT_NHWC);
    if (st == OCLNN_OK) st = oclnn_tensor_copy(a, b);
    if (st == OCLNN_OK) st = oclnn_tensor_view_channels(b, 2, 2, &v);
    if (st == OCLNN_OK) st = oclnn_tensor_write(v, src, OCLNN_LAYOUT_NCHW);
    if (st == OCLNN_OK) st = oclnn_tensor_read(b, got, OCLNN_LAYOUT_NCHW);
    if (st == OCLNN_OK) st = oclnn_tensor_fill(v, 1.0f);
    oclnn_tensor_destroy(v);
    oclnn_tensor_destroy(a);
    oclnn_tensor_destroy(b);
    return st;
}

/* After a failure, with injection off, the same context still does real work. */
static void check_usable(oclnn_context *ctx) {
    oclnn_shape s = {1, 3, 2, 2};
    float in[12], out[12];
    for (int i = 0; i < 12; i++) in[i] = (float)i;
    oclnn_tensor *t, *u;
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &t));
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NHWC, &u));
    assert_ok(oclnn_tensor_write(t, in, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_copy(t, u));
    assert_ok(oclnn_tensor_read(u, out, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(in, out, sizeof in);
    oclnn_tensor_destroy(t);
    oclnn_tensor_destroy(u);
}
#endif

static void sweep(const char *device, oclnn__fault_kind kind) {
#if OCLNN__FAULT_INJECTION_ENABLED
    int failures = 0;
    for (unsigned long n = 1; n <= MAX_STEPS; n++) {
        oclnn__fault_arm(kind, n, false);
        oclnn_context *ctx;
        oclnn_status st = scenario(device, &ctx);
        oclnn__fault_arm(kind, 0, false);
        if (!acceptable(st))
            fail_msg("%s fault at allocation %lu gave %s: %s", device, n, oclnn_status_string(st),
                     oclnn_last_error());
        if (st != OCLNN_OK) {
            failures++;
            assert_true(strlen(oclnn_last_error()) > 0);
        }
        if (ctx) {
            check_usable(ctx);
            oclnn_context_destroy(ctx);
        }
        if (st == OCLNN_OK) { /* the scenario made fewer than n allocations: all were covered */
            print_message("%s: %d injected %s failures, all clean\n", device, failures,
                          kind == OCLNN__FAULT_HOST_ALLOC ? "host" : "device");
            assert_true(failures >= 1);
            return;
        }
    }
    fail_msg("the scenario never completed within %d allocations", MAX_STEPS);
#else
    (void)device;
    (void)kind;
    skip();
#endif
}

static void test_host_faults(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    (void)TEST_CTX(state); /* skips OpenCL without a device */
    sweep(test_device_of(cfg), OCLNN__FAULT_HOST_ALLOC);
}

static void test_device_faults(void **state) {
    (void)TEST_CTX(state);
    sweep(test_opencl_device(), OCLNN__FAULT_DEVICE_ALLOC);
}

/* A real out-of-memory: more than the device's largest buffer is refused up front; buffers that
 * together exceed its memory fail cleanly when the device has to back them. */
static void test_real_device_limits(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_device_info info;
    assert_ok(oclnn_context_device(ctx, &info));
    uint64_t too_big = info.max_alloc_bytes / 4 + 1024; /* floats */
    oclnn_shape s = {1, 1, (uint32_t)(too_big / 65536 + 1), 65536};
    oclnn_tensor *t;
    assert_status(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("largest allocation");
    assert_null(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_host_faults, (void *)&CFG_CPU_NCHW),
        cmocka_unit_test_prestate(test_host_faults, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_device_faults, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_real_device_limits, (void *)&CFG_CL_NCHW),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
