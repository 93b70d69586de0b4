/* SPDX-License-Identifier: MIT */
/* The C backend's run-time instruction-set choice and its GEMM microkernels: the OCLNN_CPU_ISA
 * rule, and every microkernel this CPU can run against a double-precision product, over shapes
 * with row, column and depth tails. Instruction sets the CPU lacks are skipped, never passed.
 * `test_isa --has NAME` exits 0 when the CPU runs NAME (tests/check_isa.cmake uses it to skip the
 * forced-ISA runs of other tests). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/gemm.h"
#include "cpu/isa.h"
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

/* C[:, n0:n1] = A * B through the packed GEMM of `isa`, against a double product. */
static void check_gemm(const oclnn__gemm_kernel *g, size_t m, size_t n, size_t k, size_t n0,
                       size_t n1) {
    const size_t lda = k + 3, ldc = n + 5; /* strides wider than the rows */
    float *a = alloc_random(m * lda, (uint32_t)(m * 131 + k), -1.0f, 1.0f);
    float *b = alloc_random(k * n, (uint32_t)(n * 7 + k), -1.0f, 1.0f);
    float *packed = malloc(oclnn__cpu_gemm_packed_size(g, k, n) * sizeof *packed);
    float *c = malloc(m * ldc * sizeof *c);
    assert_non_null(packed);
    assert_non_null(c);
    for (size_t i = 0; i < m * ldc; i++) c[i] = 1e30f; /* anything outside [n0, n1) stays */
    oclnn__cpu_gemm_pack_b(g, k, n, b, n, packed);
    oclnn__cpu_gemm_packed(g, m, n0, n1, k, n, a, lda, packed, c + n0, ldc);
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
    static const size_t ms[] = {1, 7, 12, 25}, ks[] = {1, 5, 256, 600};
    const size_t ns[] = {3, nr, 2 * nr + 5};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        for (size_t j = 0; j < sizeof ns / sizeof *ns; j++)
            for (size_t l = 0; l < sizeof ks / sizeof *ks; l++) {
                check_gemm(g, ms[i], ns[j], ks[l], 0, ns[j]);
                if (ns[j] > nr) check_gemm(g, ms[i], ns[j], ks[l], nr, ns[j]); /* from panel 1 */
            }
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--has")) {
        oclnn__cpu_isa want;
        if (!oclnn__cpu_isa_pick(OCLNN__ISA_AVX512, argv[2], &want)) return 2;
        return oclnn__cpu_gemm_kernel_for(want) && want <= oclnn__cpu_isa_detected() ? 0 : 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isa_rule),
        cmocka_unit_test_prestate_setup_teardown(test_gemm, NULL, NULL, (void *)(uintptr_t)OCLNN__ISA_SCALAR),
        cmocka_unit_test_prestate_setup_teardown(test_gemm, NULL, NULL, (void *)(uintptr_t)OCLNN__ISA_AVX2),
        cmocka_unit_test_prestate_setup_teardown(test_gemm, NULL, NULL, (void *)(uintptr_t)OCLNN__ISA_AVX512),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
