/* SPDX-License-Identifier: MIT */
/* Helpers shared by the C backend's files. */
#ifndef OCLNN_CPU_CPU_H
#define OCLNN_CPU_CPU_H

#include "core/tensor.h"

/* Hot loops get AVX-512 / AVX2 clones picked at load time (the build targets baseline x86-64). */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define OCLNN__CPU_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define OCLNN__CPU_CLONES
#endif
/* A loop body inlined into each clone of the task that calls it (GCC does not always inline a
 * large one by itself, and an outlined body runs with the baseline's instructions). */
#if defined(__GNUC__)
#define OCLNN__CPU_INLINE static inline __attribute__((always_inline))
#else
#define OCLNN__CPU_INLINE static inline
#endif

static inline float *oclnn__cpu_data(oclnn_tensor *t) { return (float *)t->storage->mem + t->offset; }
static inline const float *oclnn__cpu_cdata(const oclnn_tensor *t) {
    return (const float *)t->storage->mem + t->offset;
}
/* Threads the C backend's loops use on the calling thread now (cpu/team.c). */
int oclnn__cpu_threads(void);
/* Applies ctx's thread count (ctx->threads; 0 leaves the default) to the calling thread for one
 * backend call; returns the caller's setting (the pool's team size and OpenMP's count, packed in
 * an int so that callers keep `int team = oclnn__cpu_team_begin(ctx)`) for oclnn__cpu_team_end,
 * which restores it. */
typedef int oclnn__cpu_team;
oclnn__cpu_team oclnn__cpu_team_begin(const oclnn_context *ctx);
void oclnn__cpu_team_end(oclnn__cpu_team saved);
/* dst[i] = src[i] over a 4-D shape with arbitrary element strides (n, c, h, w order). */
void oclnn__cpu_copy_strided(oclnn_shape s, const float *src, const size_t ss[4], float *dst,
                             const size_t ds[4]);

#endif
