/* SPDX-License-Identifier: MIT */
/* Fully connected on the C backend: dst(n, o) = x[n] . w[o] + bias[o]. Each task takes one output
 * feature and up to ROWS samples, so a weight row is read once per ROWS samples (at small batch
 * the op is bound by reading the weights once) and stays in L1 for the next block of samples;
 * LANES partial sums per sample let the compiler vectorize the dot products without
 * reassociating a single sum. On x86-64 Linux with GCC the dot-product kernel is also built for
 * x86-64-v3 (AVX2, FMA) and picked at load time (target_clones), since the library itself is
 * compiled for the baseline ISA. */
#include "cpu/cpu.h"
#include "cpu/layers.h"

enum { ROWS = 4, LANES = 16 };

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define MULTIVERSION
#endif

/* out[r] = x[r] . w for `rows` (<= ROWS) sample rows of length K, K apart. */
MULTIVERSION static void dot_rows(const float *x, size_t K, size_t rows, const float *w, float *out) {
    const size_t kv = K / LANES * LANES;
    float acc[ROWS][LANES] = {{0}};
    if (rows == ROWS) {
        for (size_t k = 0; k < kv; k += LANES)
            for (size_t r = 0; r < ROWS; r++)
                for (int l = 0; l < LANES; l++) acc[r][l] += x[r * K + k + l] * w[k + l];
    } else {
        for (size_t k = 0; k < kv; k += LANES)
            for (size_t r = 0; r < rows; r++)
                for (int l = 0; l < LANES; l++) acc[r][l] += x[r * K + k + l] * w[k + l];
    }
    for (size_t r = 0; r < rows; r++) {
        float sum = 0;
        for (int l = 0; l < LANES; l++) sum += acc[r][l];
        for (size_t k = kv; k < K; k++) sum += x[r * K + k] * w[k];
        out[r] = sum;
    }
}

oclnn_status oclnn__cpu_fc(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                           oclnn_tensor *dst, bool library) {
    (void)library; /* the C backend has no library path */
    const size_t N = x->shape.n, K = x->shape.c, O = w->shape.n;
    const float *px = oclnn__cpu_cdata(x), *pw = oclnn__cpu_cdata(w);
    const float *pb = bias ? oclnn__cpu_cdata(bias) : NULL;
    float *pd = oclnn__cpu_data(dst);
    const size_t dn = dst->stride[OCLNN__N], dc = dst->stride[OCLNN__C];
OCLNN__OMP(omp parallel for schedule(static) if (O * N * K > 65536))
    for (ptrdiff_t oi = 0; oi < (ptrdiff_t)O; oi++) {
        const size_t o = (size_t)oi;
        for (size_t n0 = 0; n0 < N; n0 += ROWS) {
            const size_t rows = N - n0 < ROWS ? N - n0 : ROWS;
            float out[ROWS];
            dot_rows(px + n0 * K, K, rows, pw + o * K, out);
            for (size_t r = 0; r < rows; r++) pd[(n0 + r) * dn + o * dc] = out[r] + (pb ? pb[o] : 0.0f);
        }
    }
    return OCLNN_OK;
}
