/* SPDX-License-Identifier: MIT */
/* Fully connected on the C backend: dst(n, o) = x[n] . w[o] + bias[o]. Each task takes one output
 * feature and up to ROWS samples, so a weight row is read once per ROWS samples (at small batch
 * the op is bound by reading the weights once) and stays in L1 for the next block of samples;
 * LANES partial sums per sample let the compiler vectorize the dot products without
 * reassociating a single sum. The dot-product kernel is built three times, for AVX-512, AVX2+FMA
 * (per-function target attributes; the library itself targets baseline x86-64) and plain C, and
 * picked per run from cpu/isa.h (OCLNN_CPU_ISA forces a lower one). */
#include "cpu/cpu.h"
#include "cpu/pool.h"
#include "cpu/isa.h"
#include "cpu/layers.h"

enum { ROWS = 4, LANES = 16 };

/* out[r] = x[r] . w for `rows` (<= ROWS) sample rows of length K, K apart. */
#define DOT_ROWS_BODY                                                                             \
    const size_t kv = K / LANES * LANES;                                                          \
    float acc[ROWS][LANES] = {{0}};                                                               \
    if (rows == ROWS) {                                                                           \
        for (size_t k = 0; k < kv; k += LANES)                                                    \
            for (size_t r = 0; r < ROWS; r++)                                                     \
                for (int l = 0; l < LANES; l++) acc[r][l] += x[r * K + k + l] * w[k + l];         \
    } else {                                                                                      \
        for (size_t k = 0; k < kv; k += LANES)                                                    \
            for (size_t r = 0; r < rows; r++)                                                     \
                for (int l = 0; l < LANES; l++) acc[r][l] += x[r * K + k + l] * w[k + l];         \
    }                                                                                             \
    for (size_t r = 0; r < rows; r++) {                                                           \
        float sum = 0;                                                                            \
        for (int l = 0; l < LANES; l++) sum += acc[r][l];                                         \
        for (size_t k = kv; k < K; k++) sum += x[r * K + k] * w[k];                               \
        out[r] = sum;                                                                             \
    }

typedef void (*dot_rows_fn)(const float *x, size_t K, size_t rows, const float *w, float *out);

static void dot_rows_scalar(const float *x, size_t K, size_t rows, const float *w, float *out) {
    DOT_ROWS_BODY
}

#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void dot_rows_avx2(const float *x, size_t K,
                                                               size_t rows, const float *w,
                                                               float *out) {
    DOT_ROWS_BODY
}
__attribute__((target("avx512f,avx2,fma"))) static void dot_rows_avx512(const float *x, size_t K,
                                                                         size_t rows,
                                                                         const float *w,
                                                                         float *out) {
    DOT_ROWS_BODY
}
#endif

static dot_rows_fn pick_dot_rows(void) {
#if defined(__GNUC__) && defined(__x86_64__)
    switch (oclnn__cpu_isa_active()) {
    case OCLNN__ISA_AVX512: return dot_rows_avx512;
    case OCLNN__ISA_AVX2: return dot_rows_avx2;
    case OCLNN__ISA_SCALAR: break;
    }
#endif
    return dot_rows_scalar;
}

typedef struct fc_job {
    const float *px, *pw, *pb;
    float *pd;
    dot_rows_fn dot_rows;
    size_t N, K, dn, dc;
} fc_job;

static void fc_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const fc_job *j = arg;
    const size_t N = j->N, K = j->K;
    for (size_t o = begin; o < end; o++) {
        for (size_t n0 = 0; n0 < N; n0 += ROWS) {
            const size_t rows = N - n0 < ROWS ? N - n0 : ROWS;
            float out[ROWS];
            j->dot_rows(j->px + n0 * K, K, rows, j->pw + o * K, out);
            for (size_t r = 0; r < rows; r++) j->pd[(n0 + r) * j->dn + o * j->dc] = out[r] + (j->pb ? j->pb[o] : 0.0f);
        }
    }
}

oclnn_status oclnn__cpu_fc(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                           oclnn_tensor *dst, bool library) {
    (void)library; /* the C backend has no library path */
    const size_t N = x->shape.n, K = x->shape.c, O = w->shape.n;
    const float *px = oclnn__cpu_cdata(x), *pw = oclnn__cpu_cdata(w);
    const float *pb = bias ? oclnn__cpu_cdata(bias) : NULL;
    float *pd = oclnn__cpu_data(dst);
    const dot_rows_fn dot_rows = pick_dot_rows();
    const size_t dn = dst->stride[OCLNN__N], dc = dst->stride[OCLNN__C];
    fc_job jb = {px, pw, pb, pd, dot_rows, N, K, dn, dc};
    oclnn__cpu_parallel_for(O, oclnn__cpu_grain(O, 4, N && K ? (65536 / 4 + N * K - 1) / (N * K) : O), fc_task, &jb);
    return OCLNN_OK;
}
