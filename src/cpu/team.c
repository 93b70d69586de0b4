/* SPDX-License-Identifier: MIT */
/* The C backend's thread count. A context's count (options.threads, OCLNN_THREADS) is applied to
 * the calling thread for one backend call and the caller's value put back after it: the pool's
 * loops (cpu/pool.c) read it from a thread-local setting, and OpenMP, which the backend uses only
 * for an OpenMP build of OpenBLAS, gets it through omp_set_num_threads, which OpenMP keeps per
 * task. The host process's own OpenMP settings are never changed. Without a count, the team is
 * OpenMP's default (OMP_NUM_THREADS, else the cores), or the online cores without OpenMP. */
#include "cpu/cpu.h"

#include <limits.h>
#include <unistd.h>

#include "core/context.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static _Thread_local unsigned team_size; /* 0: the default */

int oclnn__cpu_threads(void) {
    if (team_size) return (int)team_size;
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (int)cores : 1;
#endif
}

/* The saved setting: OpenMP's count * TEAM_SPAN + the team size (at most 1024). */
#define TEAM_SPAN 2048

oclnn__cpu_team oclnn__cpu_team_begin(const oclnn_context *ctx) {
    int omp = 0;
#ifdef _OPENMP
    omp = omp_get_max_threads();
    if (omp > INT_MAX / TEAM_SPAN - 1) omp = INT_MAX / TEAM_SPAN - 1;
    if (ctx && ctx->threads && (int)ctx->threads != omp) omp_set_num_threads((int)ctx->threads);
#endif
    const oclnn__cpu_team saved = omp * TEAM_SPAN + (int)team_size;
    if (ctx && ctx->threads) team_size = ctx->threads;
    return saved;
}

void oclnn__cpu_team_end(oclnn__cpu_team saved) {
    team_size = (unsigned)(saved % TEAM_SPAN);
#ifdef _OPENMP
    if (omp_get_max_threads() != saved / TEAM_SPAN) omp_set_num_threads(saved / TEAM_SPAN);
#endif
}
