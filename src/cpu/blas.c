/* SPDX-License-Identifier: MIT */
/* The C backend's SGEMM. The first call looks for a CBLAS with dlopen: OCLNN_BLAS (a file name or
 * "builtin"), else OpenBLAS, BLIS, then the system's libblas.so.3. Debian's OpenBLAS 0.3.21
 * misdetects recent AVX-512 CPUs as Prescott and runs ~5x slower; its OPENBLAS_CORETYPE variable
 * fixes that but is read once, when the library initializes. The library never changes the
 * process environment (setenv races with other threads' getenv), so on such a CPU with the
 * variable unset it logs a hint to set OPENBLAS_CORETYPE=SkylakeX before the process starts. OpenBLAS's OpenMP build comes
 * first when CMake found it (OCLNN_OPENBLAS_OPENMP): the pthread build's threads compete with
 * OpenMP's spinning workers on small machines (measured 10x slower). Without any BLAS, a
 * cache-blocked C loop nest on the backend's pool (cpu/pool.h) is used. */
#include "cpu/blas.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "core/log.h"
#include "cpu/pool.h"

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };
typedef void (*cblas_sgemm_fn)(int order, int ta, int tb, int m, int n, int k, float alpha,
                               const float *a, int lda, const float *b, int ldb, float beta,
                               float *c, int ldc);

static once_flag once = ONCE_FLAG_INIT;
static cblas_sgemm_fn sgemm_fn;
static const char *blas_name = "builtin";

static void load(void) {
    static const char *const candidates[] = {
#ifdef OCLNN_OPENBLAS_OPENMP
        OCLNN_OPENBLAS_OPENMP, /* found by CMake; shares our OpenMP runtime */
#endif
        "libopenblas.so.0", "libblis.so.4", "libblas.so.3"};
    const char *want = getenv("OCLNN_BLAS");
    if (want && !strcmp(want, "builtin")) return;
#if defined(__x86_64__) && defined(__GNUC__)
    if (!getenv("OPENBLAS_CORETYPE") && __builtin_cpu_supports("avx512f"))
        oclnn__log(OCLNN__LOG_INFO, "AVX-512 CPU: if OpenBLAS is slow, start the process with "
                                    "OPENBLAS_CORETYPE=SkylakeX (Debian's 0.3.21 may misdetect it)");
#endif
    for (size_t i = 0; i < (want && *want ? 1 : sizeof candidates / sizeof *candidates); i++) {
        const char *name = want && *want ? want : candidates[i];
        void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (!h) continue;
        void *sym = dlsym(h, "cblas_sgemm");
        if (!sym) {
            dlclose(h);
            continue;
        }
        memcpy(&sgemm_fn, &sym, sizeof sgemm_fn); /* object to function pointer, ISO-clean */
        blas_name = name;
        break;
    }
    oclnn__log(OCLNN__LOG_INFO, "C backend SGEMM: %s", blas_name);
}

bool oclnn__cpu_blas_nests(void) {
    call_once(&once, load);
#ifdef OCLNN_OPENBLAS_OPENMP
    if (!strcmp(blas_name, OCLNN_OPENBLAS_OPENMP)) return true;
#endif
    return sgemm_fn == NULL;
}

const char *oclnn__cpu_blas_name(void) {
    call_once(&once, load);
    return blas_name;
}

#define MB 64
#define KB 256

/* The fallback: blocks of MB rows x KB depth, the inner loop over contiguous columns of B and C,
 * which compilers vectorize; rows (or row blocks) spread over the pool's threads. */
typedef struct builtin_job {
    size_t m, n, k, lda, ldb, ldc;
    const float *a, *b;
    float beta, *c;
} builtin_job;

/* trans_b: dot products along contiguous rows of A and B, rows [begin, end) */
static void dot_rows_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const builtin_job *j = arg;
    for (size_t i = begin; i < end; i++)
        for (size_t jj = 0; jj < j->n; jj++) {
            const float *restrict ai = j->a + i * j->lda, *restrict bj = j->b + jj * j->ldb;
            float s = 0.0f;
            for (size_t p = 0; p < j->k; p++) s += ai[p] * bj[p];
            float *cij = j->c + i * j->ldc + jj;
            *cij = s + (j->beta == 0.0f ? 0.0f : j->beta * *cij);
        }
}

static void row_blocks_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const builtin_job *j = arg;
    const size_t n = j->n, k = j->k, lda = j->lda, ldb = j->ldb, ldc = j->ldc;
    const float *a = j->a, *b = j->b;
    float *c = j->c, beta = j->beta;
    for (size_t blk = begin; blk < end; blk++) {
        size_t i0 = blk * MB, i1 = i0 + MB < j->m ? i0 + MB : j->m;
        for (size_t i = i0; i < i1; i++) {
            float *ci = c + i * ldc;
            if (beta == 0.0f) memset(ci, 0, n * sizeof *ci);
            else if (beta != 1.0f)
                for (size_t jj = 0; jj < n; jj++) ci[jj] *= beta;
        }
        for (size_t p0 = 0; p0 < k; p0 += KB) {
            size_t p1 = p0 + KB < k ? p0 + KB : k;
            for (size_t i = i0; i < i1; i++) {
                float *restrict ci = c + i * ldc;
                for (size_t p = p0; p < p1; p++) {
                    const float aip = a[i * lda + p];
                    const float *restrict bp = b + p * ldb;
                    for (size_t jj = 0; jj < n; jj++) ci[jj] += aip * bp[jj];
                }
            }
        }
    }
}

static void builtin_sgemm(bool trans_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                          const float *b, size_t ldb, float beta, float *c, size_t ldc) {
    builtin_job j = {m, n, k, lda, ldb, ldc, a, b, beta, c};
    if (trans_b) oclnn__cpu_parallel_for(m, oclnn__cpu_grain(m, 4, 1), dot_rows_task, &j);
    else oclnn__cpu_parallel_for((m + MB - 1) / MB, 1, row_blocks_task, &j);
}

void oclnn__cpu_sgemm(bool trans_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                      const float *b, size_t ldb, float beta, float *c, size_t ldc) {
    call_once(&once, load);
    if (!m || !n) return;
    if (sgemm_fn && m <= 0x7fffffff && n <= 0x7fffffff && k <= 0x7fffffff && lda <= 0x7fffffff &&
        ldb <= 0x7fffffff && ldc <= 0x7fffffff) {
        sgemm_fn(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, (int)m,
                 (int)n, (int)k, 1.0f, a,
                 (int)lda, b, (int)ldb, beta, c, (int)ldc);
        return;
    }
    builtin_sgemm(trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}
