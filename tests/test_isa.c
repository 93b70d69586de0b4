/* SPDX-License-Identifier: MIT */
/* The C backend's run-time instruction-set choice and its GEMM microkernels: the OCLNN_CPU_ISA
 * rule, and every microkernel this CPU can run against a double-precision product, over shapes
 * with row, column and depth tails. Instruction sets the CPU lacks are skipped, never passed.
 * `test_isa --has NAME` exits 0 when the CPU runs NAME (tests/check_isa.cmake uses it to skip the
 * forced-ISA runs of other tests). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/handle.h"
#include "cpu/gemm.h"
#include "cpu/isa.h"
#include "core/tensor.h"
#include "ref/ref.h"
#include "support/harness.h"

/* fp32 sums of up to 600 products of values in [-1, 1): the error grows like sqrt(k) * 2^-24 *
 * sum |a*b|; 1e-5 relative to that sum leaves a wide margin over ~600 * 6e-8 = 3.6e-5 worst case
 * in a bad order, while a wrong element (a dropped or doubled term) is off by ~1e-2. */
#define GEMM_RTOL 1e-4

static void test_isa_rule(void **state) {
    (void)state;
    oclnn__cpu_isa got;
    assert_true(oclnn__cpu_isa_pick(OCLNN__ISA_AVX512, NULL, &got));
    assert_int_equal(got, OCLNN__ISA_AVX512);
    assert_true(oclnn__cpu_isa_pick(OCLNN__ISA_AVX512, "", &got));
    assert_int_equal(got, OCLNN__ISA_AVX512);
    assert_true(oclnn__cpu_isa_pick(OCLNN__ISA_AVX512, "AVX2", &got));
    assert_int_equal(got, OCLNN__ISA_AVX2);
    assert_true(oclnn__cpu_isa_pick(OCLNN__ISA_AVX2, "scalar", &got));
    assert_int_equal(got, OCLNN__ISA_SCALAR);
    assert_true(oclnn__cpu_isa_pick(OCLNN__ISA_AVX2, "avx512", &got)); /* never above the CPU */
    assert_int_equal(got, OCLNN__ISA_AVX2);
    assert_false(oclnn__cpu_isa_pick(OCLNN__ISA_AVX2, "sse9", &got));
    assert_int_equal(got, OCLNN__ISA_AVX2);
    assert_string_equal(oclnn__cpu_isa_name(OCLNN__ISA_AVX512), "avx512");
    assert_true(oclnn__cpu_isa_active() <= oclnn__cpu_isa_detected());
}

/* C[:, n0:n1] = A * B through the packed GEMM of `isa`, against a double product; through the
 * entry point with an epilogue (none here), whose microkernels also prefetch A, when epi_entry. */
static void check_gemm(const oclnn__gemm_kernel *g, size_t m, size_t n, size_t k, size_t n0,
                       size_t n1, bool epi_entry) {
    const size_t lda = k + 3, ldc = n + 5; /* strides wider than the rows */
    float *a = alloc_random(m * lda, (uint32_t)(m * 131 + k), -1.0f, 1.0f);
    float *b = alloc_random(k * n, (uint32_t)(n * 7 + k), -1.0f, 1.0f);
    float *packed = malloc(oclnn__cpu_gemm_packed_size(g, k, n) * sizeof *packed);
    float *c = malloc(m * ldc * sizeof *c);
    assert_non_null(packed);
    assert_non_null(c);
    for (size_t i = 0; i < m * ldc; i++) c[i] = 1e30f; /* anything outside [n0, n1) stays */
    oclnn__cpu_gemm_pack_b(g, k, n, b, n, packed);
    if (epi_entry) oclnn__cpu_gemm_packed_epi(g, m, n0, n1, k, n, a, lda, packed, c + n0, ldc, NULL);
    else oclnn__cpu_gemm_packed(g, m, n0, n1, k, n, a, lda, packed, c + n0, ldc);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            const float got = c[i * ldc + j];
            if (j < n0 || j >= n1) {
                if (got != 1e30f) fail_msg("%s %zux%zux%zu: C[%zu][%zu] outside the columns written",
                                           oclnn__cpu_isa_name(g->isa), m, n, k, i, j);
                continue;
            }
            double want = 0, mag = 0;
            for (size_t p = 0; p < k; p++) {
                want += (double)a[i * lda + p] * b[p * n + j];
                mag += fabs((double)a[i * lda + p] * b[p * n + j]);
            }
            if (fabs(got - want) > GEMM_RTOL * mag + 1e-6)
                fail_msg("%s %zux%zux%zu columns %zu..%zu: C[%zu][%zu] = %.7g, want %.7g",
                         oclnn__cpu_isa_name(g->isa), m, n, k, n0, n1, i, j, got, want);
        }
    free(a);
    free(b);
    free(packed);
    free(c);
}

static void test_gemm(void **state) {
    const oclnn__cpu_isa isa = (oclnn__cpu_isa)(uintptr_t)*state;
    const oclnn__gemm_kernel *g = oclnn__cpu_gemm_kernel_for(isa);
    if (!g || isa > oclnn__cpu_isa_detected()) skip();
    const size_t nr = g->nr;
    /* rows: one, a tail, whole blocks; columns: under one panel, a tail, several panels; depth:
     * one, under and over a depth block */
    static const size_t ms[] = {1, 2, 4, 7, 11, 12, 25, 53}, ks[] = {1, 5, 13, 256, 600};
    const size_t ns[] = {3, nr, nr + nr / 2, 2 * nr + 5};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        for (size_t j = 0; j < sizeof ns / sizeof *ns; j++)
            for (size_t l = 0; l < sizeof ks / sizeof *ks; l++) {
                check_gemm(g, ms[i], ns[j], ks[l], 0, ns[j], false);
                check_gemm(g, ms[i], ns[j], ks[l], 0, ns[j], true);
                if (ns[j] > nr) check_gemm(g, ms[i], ns[j], ks[l], nr, ns[j], l % 2); /* from panel 1 */
            }
}

/* A dst whose pixel rows are not evenly spaced (a spatial crop of a wider tensor, which the public
 * API cannot make: built here from the tensor struct) takes the packed GEMM one output row at a
 * time; the crop must match the reference and the column outside it stay untouched. */
static void test_uneven_dst(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    oclnn_context *ctx = NULL;
    assert_ok(oclnn_context_create(&o, &ctx));
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){2, 8, 5, 5};
    d.out_channels = 16;
    d.kernel_h = d.kernel_w = 3;
    d.has_bias = true;
    d.activation = OCLNN_ACTIVATION_RELU;
    const size_t n_src = 2 * 8 * 5 * 5, n_w = 16 * 8 * 9, n_dst = 2 * 16 * 5 * 5, n_wide = 2 * 16 * 5 * 6;
    float *x = alloc_random(n_src, 1, -1.0f, 1.0f), *w = alloc_random(n_w, 2, -1.0f, 1.0f);
    float *b = alloc_random(16, 3, -1.0f, 1.0f), *ref = malloc(n_dst * sizeof *ref);
    float *got = malloc(n_wide * sizeof *got);
    assert_non_null(ref);
    assert_non_null(got);
    oclnn__ref_conv2d(&d, x, OCLNN_LAYOUT_NHWC, w, b, NULL, ref);
    static const oclnn_conv_algo algos[] = {OCLNN_CONV_ALGO_IM2COL, OCLNN_CONV_ALGO_GEMM1X1};
    for (size_t a = 0; a < 2; a++) {
        d.algo = algos[a];
        d.kernel_h = d.kernel_w = a ? 1 : 3;
        d.padding.top = d.padding.bottom = d.padding.left = d.padding.right = a ? 0 : 1;
        float *wa = a ? alloc_random(16 * 8, 4, -1.0f, 1.0f) : w;
        oclnn__ref_conv2d(&d, x, OCLNN_LAYOUT_NHWC, wa, b, NULL, ref);
        oclnn_op *op = NULL;
        oclnn_tensor *src = NULL, *wide = NULL;
        assert_ok(oclnn_conv2d_create(ctx, &d, wa, b, &op));
        assert_ok(oclnn_tensor_create(ctx, d.input, OCLNN_LAYOUT_NHWC, &src));
        assert_ok(oclnn_tensor_write(src, x, OCLNN_LAYOUT_NHWC));
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){2, 16, 5, 6}, OCLNN_LAYOUT_NHWC, &wide));
        assert_ok(oclnn_tensor_fill(wide, 7.0f));
        oclnn_tensor crop = *wide; /* columns 0..4 of 6: rows of 5 pixels, 6 pixels apart */
        crop.shape.w = 5;
        assert_true(oclnn__handle_add(&crop)); /* a forged handle: public calls need it live */
        assert_ok(oclnn_conv2d_run(op, src, &crop, NULL));
        oclnn__handle_remove(&crop);
        assert_ok(oclnn_tensor_read(wide, got, OCLNN_LAYOUT_NHWC));
        for (size_t i = 0; i < n_wide; i++) {
            const size_t k = i % 16, q = i / 16 % 6, p = i / 96 % 5, n = i / 480;
            const float want = q < 5 ? ref[((n * 5 + p) * 5 + q) * 16 + k] : 7.0f;
            if (fabsf(got[i] - want) > 1e-4f * (1.0f + fabsf(want)))
                fail_msg("%s: dst[%zu][%zu][%zu][%zu] = %g, want %g", oclnn_conv_algo_name(d.algo), n, p, q,
                         k, got[i], want);
        }
        oclnn_tensor_destroy(wide);
        oclnn_tensor_destroy(src);
        oclnn_op_destroy(op);
        if (a) free(wa);
    }
    oclnn_context_destroy(ctx);
    free(x);
    free(w);
    free(b);
    free(ref);
    free(got);
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--has")) {
        oclnn__cpu_isa want;
        if (!oclnn__cpu_isa_pick(OCLNN__ISA_AVX512, argv[2], &want)) return 2;
        return oclnn__cpu_gemm_kernel_for(want) && want <= oclnn__cpu_isa_detected() ? 0 : 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isa_rule),
        cmocka_unit_test(test_uneven_dst),
        cmocka_unit_test_prestate_setup_teardown(test_gemm, NULL, NULL, (void *)(uintptr_t)OCLNN__ISA_SCALAR),
        cmocka_unit_test_prestate_setup_teardown(test_gemm, NULL, NULL, (void *)(uintptr_t)OCLNN__ISA_AVX2),
        cmocka_unit_test_prestate_setup_teardown(test_gemm, NULL, NULL, (void *)(uintptr_t)OCLNN__ISA_AVX512),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
