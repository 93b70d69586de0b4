/* SPDX-License-Identifier: MIT */
/* The C backend's thread count. A context's count (options.threads, OCLNN_THREADS) is applied
 * with omp_set_num_threads around each backend call and the caller's value put back after it:
 * OpenMP keeps that setting per task, so only the calling thread's parallel regions inside our
 * call see it (ours, and those of OpenBLAS's OpenMP build, which follows omp_get_max_threads),
 * and the host process's own OpenMP settings are never changed. */
#include "cpu/cpu.h"

#include "core/context.h"

#ifdef _OPENMP
#include <omp.h>
#endif

int oclnn__cpu_team_begin(const oclnn_context *ctx) {
#ifdef _OPENMP
    int saved = omp_get_max_threads();
    if (ctx && ctx->threads && (int)ctx->threads != saved) omp_set_num_threads((int)ctx->threads);
    return saved;
#else
    (void)ctx;
    return 1;
#endif
}

void oclnn__cpu_team_end(int saved) {
#ifdef _OPENMP
    if (omp_get_max_threads() != saved) omp_set_num_threads(saved);
#else
    (void)saved;
#endif
}
