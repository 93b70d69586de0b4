/* SPDX-License-Identifier: MIT */
/* The launch layer (src/opencl/launch.c): the pure local-size rule against a table of devices and
 * extents (limits respected, rounding waste bounded, dimension 0 first and a multiple of the
 * preferred size), and on the OpenCL device: an odd-sized copy through a rounded-up launch, and
 * kernel timing from profiling events. White-box. */
#include "support/harness.h"

#include <stdlib.h>
#include <string.h>

#include "core/context.h"
#include "opencl/opencl.h"

typedef struct local_case {
    size_t wg_max, multiple, item0, target;
    cl_uint dims;
    size_t global[3];
    size_t want[3];
} local_case;

/* Each row: kernel/device limits, the global size, the local size the rule must give. */
static const local_case CASES[] = {
    /* GPU class (target 256, warps of 32) */
    {1024, 32, 1024, 256, 1, {1000}, {256}},     /* 4 groups of 250 -> rounded to 256 */
    {1024, 32, 1024, 256, 1, {100}, {128}},      /* one group of whole warps */
    {1024, 32, 1024, 256, 2, {7, 300}, {7, 34}}, /* short dim 0: 36 left, 9 groups of 34 */
    {1024, 32, 1024, 256, 3, {4096, 4, 8}, {256, 1, 1}},
    {1024, 32, 1024, 256, 3, {49, 64, 2}, {64, 4, 1}}, /* 49 -> 64 (multiple of 32) */
    {128, 32, 1024, 256, 2, {1000, 1000}, {128, 1}},   /* the kernel's own limit wins */
    {1024, 32, 64, 256, 2, {1000, 1000}, {64, 4}},     /* per-dimension item limit */
    /* CPU class (target 64, PoCL's multiple 8) */
    {4096, 8, 4096, 64, 1, {1000}, {64}},
    {4096, 8, 4096, 64, 3, {14, 56, 64}, {16, 4, 1}},
    {4096, 1, 4096, 64, 2, {1, 1}, {1, 1}},
};

static void local_size_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        const local_case *c = &CASES[i];
        oclnn__cl_launch_limits lim = {c->wg_max, c->multiple, {c->item0, c->item0, c->item0}, c->target};
        size_t got[3] = {0, 0, 0};
        oclnn__cl_local_size(&lim, c->dims, c->global, got);
        size_t total = 1;
        for (cl_uint d = 0; d < c->dims; d++) {
            if (got[d] != c->want[d])
                fail_msg("case %zu dim %u: local %zu, want %zu", i, d, got[d], c->want[d]);
            total *= got[d];
            assert_true(got[d] <= c->item0);
        }
        assert_true(total <= c->wg_max && total <= c->target);
    }
}

/* Launch extents (issue 12): the size_t bound of 32- and 64-bit devices on every dimension, and
 * GPUs' 65,535 work-groups in dimensions 1 and 2 (dimension 0 and CPU devices have no such bound). */
static void launch_extent_table(void **state) {
    (void)state;
    static const struct {
        cl_uint dims, bits;
        bool gpu;
        size_t global[3], local[3];
        cl_uint want;      /* 0 fits, else 1 + the dimension */
        bool want_groups;  /* the GPU's group bound (else the size_t bound) */
    } cases[] = {
        {3, 64, true, {1 << 20, 65535, 65535}, {256, 1, 1}, 0, false},
        {3, 64, true, {1 << 20, 65536, 1}, {256, 1, 1}, 2, true},
        {3, 64, true, {16, 4, 65536}, {16, 4, 1}, 3, true},
        {3, 64, true, {16, 4, 65535 * 2}, {16, 1, 2}, 0, false},  /* 65,535 groups of 2 */
        {3, 64, true, {16, 4, 65535 * 2 + 1}, {16, 1, 2}, 3, true},
        {3, 64, false, {16, 4, 1 << 24}, {16, 4, 1}, 0, false},   /* CPU: no group bound */
        {1, 64, true, {(size_t)1 << 40}, {256}, 0, false},        /* dimension 0: none */
        {1, 32, false, {0xFFFFFFFFu}, {1}, 0, false},
        {1, 32, false, {(size_t)1 << 32}, {1}, 1, false},
        {1, 32, false, {0xFFFFFFFFu}, {64}, 1, false},            /* rounded up past 2^32 - 1 */
        {2, 32, false, {64, (size_t)1 << 33}, {64, 1}, 2, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint64_t limit = 0;
        bool groups = false;
        cl_uint got = oclnn__cl_launch_excess(cases[i].dims, cases[i].global, cases[i].local,
                                              cases[i].bits, cases[i].gpu, &limit, &groups);
        if (got != cases[i].want) fail_msg("case %zu: %u, want %u", i, got, cases[i].want);
        if (got) {
            assert_true(groups == cases[i].want_groups);
            uint64_t size_max = cases[i].bits == 64 ? (uint64_t)SIZE_MAX
                                                    : ((uint64_t)1 << cases[i].bits) - 1;
            assert_true(limit == (groups ? 65535u : size_max));
        }
    }
}

/* The rule on many extents: never over the limits, and rounding dimension 0 wastes less than one
 * group, and less than the preferred multiple per group. */
static void local_size_bounds(void **state) {
    (void)state;
    const size_t targets[2] = {64, 256}, multiples[3] = {1, 8, 32};
    for (int t = 0; t < 2; t++)
        for (int m = 0; m < 3; m++)
            for (size_t g0 = 1; g0 < 3000; g0 += 7)
                for (size_t g1 = 1; g1 < 40; g1 += 13) {
                    oclnn__cl_launch_limits lim = {512, multiples[m], {512, 512, 64}, targets[t]};
                    size_t global[3] = {g0, g1, 3}, l[3];
                    oclnn__cl_local_size(&lim, 3, global, l);
                    assert_true(l[0] >= 1 && l[1] >= 1 && l[2] >= 1);
                    assert_true(l[0] * l[1] * l[2] <= targets[t]);
                    size_t rounded = (g0 + l[0] - 1) / l[0] * l[0];
                    assert_true(rounded - g0 < l[0]);
                    assert_true(rounded - g0 < rounded / l[0] * multiples[m]);
                }
}

static oclnn_context *gpu_class_context(void) {
    if (test_opencl_disabled()) skip();
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_opencl_device();
    o.device_class = "gpu";
    oclnn_context *ctx = NULL;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) skip();
    return ctx;
}

/* A strided copy of a prime-sized tensor: every launch is rounded up past the extents, so a
 * missing guard would write outside dst (caught by the canary after it). */
static void rounded_launch_guarded(void **state) {
    (void)state;
    oclnn_context *ctx = gpu_class_context();
    oclnn_shape s = {3, 7, 13, 17};
    size_t n = (size_t)s.n * s.c * s.h * s.w;
    float *host = alloc_random(n, 5, -1, 1), *back = malloc(n * sizeof *back);
    oclnn_tensor *a = NULL, *b = NULL;
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &a));
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NHWC, &b));
    assert_ok(oclnn_tensor_write(a, host, OCLNN_LAYOUT_NCHW));
    oclnn__context_timer_begin(ctx);
    assert_ok(oclnn_tensor_copy(a, b));
    double ms = -1;
    assert_ok(oclnn__context_timer_end(ctx, &ms));
    assert_true(ms > 0); /* the copy kernel's profiling event was kept */
    assert_ok(oclnn_tensor_read(b, back, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(back, host, n * sizeof *back);
    oclnn_tensor_destroy(a);
    oclnn_tensor_destroy(b);
    oclnn_context_destroy(ctx);
    free(host);
    free(back);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(local_size_table),
        cmocka_unit_test(launch_extent_table),
        cmocka_unit_test(local_size_bounds),
        cmocka_unit_test(rounded_launch_guarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
