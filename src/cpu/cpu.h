/* SPDX-License-Identifier: MIT */
/* Helpers shared by the C backend's files. */
#ifndef OCLNN_CPU_CPU_H
#define OCLNN_CPU_CPU_H

#include "core/tensor.h"

/* A loop body inlined into each clone of the task that calls it (GCC does not always inline a
 * large one by itself, and an outlined body runs with the baseline's instructions). */
#if defined(__GNUC__)
#define OCLNN__CPU_INLINE static inline __attribute__((always_inline))
#else
#define OCLNN__CPU_INLINE static inline
#endif

/* A register-block kernel of a loop body that instantiates many (conv2d_grouped.inc's diag and
 * bcast): inlined like OCLNN__CPU_INLINE, except in AddressSanitizer builds, where each is a
 * function of its own. With all of them inlined into the one task, clang took 40 s on
 * conv2d_grouped.c with ASan + UBSan at -O1 (the sanitizer build) and 82 s at -O2 with libFuzzer's
 * coverage counters too (the fuzz build), the long pole of both builds; 13 s and 22 s this way.
 * The code is the same, only its inlining differs. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OCLNN__CPU_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define OCLNN__CPU_SANITIZED 1
#endif
#if defined(OCLNN__CPU_SANITIZED) && defined(__GNUC__)
#define OCLNN__CPU_VARIANT static __attribute__((noinline))
#else
#define OCLNN__CPU_VARIANT OCLNN__CPU_INLINE
#endif

/* A hot loop of the thread pool (cpu/pool.h) compiled three times, for AVX-512, AVX2 + FMA and
 * baseline x86-64 (the build's target), and run in the variant of the instruction set in use
 * (cpu/isa.h: the CPU's best, or the lower one OCLNN_CPU_ISA forces), so that forcing a lower
 * instruction set runs these loops' lower variants as it does the GEMM microkernels, and CI tests
 * every variant on whatever CPU it has (GCC's target_clones, used before, chose by the CPU alone).
 *   OCLNN__CPU_TASK(name) { ...arg, begin, end, worker... }
 * defines static void name(void *arg, size_t begin, size_t end, unsigned worker); helpers the
 * body calls should be OCLNN__CPU_INLINE so that each variant gets its own copy. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#include "cpu/isa.h"
#define OCLNN__CPU_TASK(name)                                                                           \
    OCLNN__CPU_INLINE void name##_body(void *arg, size_t begin, size_t end, unsigned worker);          \
    __attribute__((target("avx512f"))) static void name##_avx512(void *a, size_t b, size_t e, unsigned w) { \
        name##_body(a, b, e, w);                                                                        \
    }                                                                                                    \
    __attribute__((target("avx2,fma"))) static void name##_avx2(void *a, size_t b, size_t e, unsigned w) { \
        name##_body(a, b, e, w);                                                                        \
    }                                                                                                    \
    static void name##_base(void *a, size_t b, size_t e, unsigned w) { name##_body(a, b, e, w); }       \
    static void name(void *a, size_t b, size_t e, unsigned w) {                                         \
        const oclnn__cpu_isa isa = oclnn__cpu_isa_active();                                             \
        if (isa == OCLNN__ISA_AVX512)                                                                    \
            name##_avx512(a, b, e, w);                                                                  \
        else if (isa == OCLNN__ISA_AVX2)                                                                 \
            name##_avx2(a, b, e, w);                                                                    \
        else                                                                                             \
            name##_base(a, b, e, w);                                                                    \
    }                                                                                                    \
    OCLNN__CPU_INLINE void name##_body(void *arg, size_t begin, size_t end, unsigned worker)
#else
#define OCLNN__CPU_TASK(name) static void name(void *arg, size_t begin, size_t end, unsigned worker)
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
