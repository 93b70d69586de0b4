/* SPDX-License-Identifier: MIT */
/* Grouped convolution, channels-last (src and dst with unit channel stride), register-blocked:
 * ResNeXt's 3x3 layers (groups 32, 4 to 32 channels per group). Two kernels, each a block of
 * output pixels x output-channel vectors accumulated in registers over the kernel window and the
 * group's channels, reading the input where it lies (no expanded copy; taps in the padding read
 * a vector of zeros), so that stride 2 costs what stride 1 does per output:
 *  - diagonal, for square groups (Cg == Kg) of 2, 4 or 8 channels: a vector holds whole groups,
 *    and its input vector is the same channels; one accumulator per rotation d multiplies the
 *    input vector as loaded by weights packed so that lane l pairs input l with output
 *    (l / Cg) * Cg + (l % Cg - d) mod Cg; the epilogue rotates and sums the Cg accumulators.
 *  - broadcast, for Kg a multiple of 16: each input scalar, broadcast, feeds one or two vectors of
 *    its group's outputs (weights R x S x Cg x K).
 * Vectors are 16 floats on AVX-512 and 8 otherwise; the task is compiled per instruction set
 * (cpu/cpu.h). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#endif
#if defined(__GNUC__)
/* The vector helpers are always inlined: no vector crosses a call, whatever the target. */
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#include "cpu/conv2d.h"
#include "cpu/cpu.h"
#include "cpu/isa.h"
#include "cpu/pool.h"

#define G_MAX_R 8     /* kernel rows */
#define G_MAX_CG 512  /* input channels per group of the broadcast kernel (g_zeros) */

bool oclnn__cpu_grouped_diag(const oclnn__conv2d_problem *pb) {
#if defined(__GNUC__)
    /* 8 channels per group fill an AVX2 vector: the broadcast kernel there. */
    const bool wide = oclnn__cpu_isa_active() == OCLNN__ISA_AVX512;
    return pb->groups > 1 && pb->cg == pb->kg && (pb->cg == 2 || pb->cg == 4 || (pb->cg == 8 && wide)) &&
           pb->k % 16 == 0 && pb->r <= G_MAX_R;
#else
    (void)pb;
    return false;
#endif
}

void oclnn__cpu_grouped_pack(const oclnn__conv2d_problem *pb, const float *weights, float *wp) {
    const size_t K = pb->k, cg = pb->cg, rs = (size_t)pb->r * pb->s;
    for (size_t i = 0; i < rs; i++)
        for (size_t d = 0; d < cg; d++)
            for (size_t o = 0; o < K; o++) {
                const size_t c = o % cg, k = o - c + (c + cg - d) % cg;
                wp[(i * cg + d) * K + o] = weights[(k * cg + c) * rs + i];
            }
}

#if defined(__GNUC__)
static const float g_zeros[G_MAX_CG] __attribute__((aligned(64)));

/* One job's output row: where it reads and writes. */
typedef struct grow {
    const oclnn__cpu_conv *cv;
    const oclnn__conv2d_problem *pb;
    const float *rows[G_MAX_R]; /* input row of each kernel row, NULL in the padding */
    const float *res;           /* residual row, or NULL */
    const size_t *rs;
    float *out;
    size_t ss3, ds3;
    bool relu;
} grow;

#define GV 16
#define GN(name) name##16
#include "cpu/conv2d_grouped.inc"
#undef GV
#undef GN
#define GV 8
#define GN(name) name##8
#include "cpu/conv2d_grouped.inc"
#undef GV
#undef GN

/* The register blocks: 16 accumulators of 16 floats (of 32 registers) on AVX-512, 8 or 12 of 8
 * floats (of 16) on AVX2. */
OCLNN__CPU_INLINE void rows16(const grow *g, size_t k0, size_t k1) {
    const oclnn__conv2d_problem *pb = g->pb;
    if (oclnn__cpu_grouped_diag(pb)) {
        if (pb->cg == 2) row_diag16(g, k0, k1, 8, 2);
        else if (pb->cg == 4) row_diag16(g, k0, k1, 6, 4);
        else row_diag16(g, k0, k1, 3, 8);
    } else if (pb->kg % 32 == 0) {
        row_bcast16(g, k0, k1, 7, 2);
    } else {
        row_bcast16(g, k0, k1, 7, 1);
    }
}

OCLNN__CPU_INLINE void rows8(const grow *g, size_t k0, size_t k1) {
    const oclnn__conv2d_problem *pb = g->pb;
    if (oclnn__cpu_grouped_diag(pb)) {
        if (pb->cg == 2) row_diag8(g, k0, k1, 4, 2);
        else if (pb->cg == 4) row_diag8(g, k0, k1, 3, 4);
        else row_diag8(g, k0, k1, 1, 8);
    } else if (pb->kg % 16 == 0) {
        row_bcast8(g, k0, k1, 7, 2);
    } else {
        row_bcast8(g, k0, k1, 7, 1);
    }
}

typedef struct gjob {
    const oclnn__cpu_conv *cv;
    const oclnn_tensor *src, *residual;
    oclnn_tensor *dst;
    size_t kb;       /* output channels per job */
    bool rows_first; /* jobs (n, row, channels), else (n, channels, row) */
} gjob;

/* Jobs [begin, end): (n, output row, block of kb channels), or with large weights (n, block, row):
 * a thread's consecutive jobs then reuse the block's weights (ResNeXt's last stage has 1.2 MB of
 * them, read once per row in the first order). */
OCLNN__CPU_TASK(grouped_task) {
    (void)worker;
    const gjob *j = arg;
    const oclnn__conv2d_problem *pb = &j->cv->pb;
    const float *x = oclnn__cpu_cdata(j->src);
    const size_t *ss = j->src->stride, *ds = j->dst->stride;
    const size_t *rs = j->residual ? j->residual->stride : ds;
    const size_t nkb = pb->k / j->kb;
    const bool wide = oclnn__cpu_isa_active() == OCLNN__ISA_AVX512;
    grow g = {.cv = j->cv, .pb = pb, .rs = rs, .ss3 = ss[3], .ds3 = ds[3],
              .relu = pb->act == OCLNN_ACTIVATION_RELU};
    for (size_t job = begin; job < end; job++) {
        const size_t n = job / (pb->p * nkb), i = job % (pb->p * nkb);
        const size_t p = j->rows_first ? i / nkb : i % pb->p, k0 = (j->rows_first ? i % nkb : i / pb->p) * j->kb;
        const size_t k1 = k0 + j->kb < pb->k ? k0 + j->kb : pb->k;
        for (size_t r = 0; r < pb->r; r++) {
            long iy = (long)(p * pb->stride_h + r * pb->dil_h) - (long)pb->pad_top;
            g.rows[r] = iy >= 0 && iy < (long)pb->h ? x + n * ss[0] + (size_t)iy * ss[2] : NULL;
        }
        g.out = oclnn__cpu_data(j->dst) + n * ds[0] + p * ds[2];
        g.res = j->residual ? oclnn__cpu_cdata(j->residual) + n * rs[0] + p * rs[2] : NULL;
        if (wide)
            rows16(&g, k0, k1);
        else
            rows8(&g, k0, k1);
    }
}
#endif

bool oclnn__cpu_conv_grouped(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                             const oclnn_tensor *residual) {
#if defined(__GNUC__)
    const oclnn__conv2d_problem *pb = &cv->pb;
    if (src->stride[OCLNN__C] != 1 || dst->stride[OCLNN__C] != 1 || !cv->wp || pb->groups < 2 ||
        pb->r > G_MAX_R)
        return false;
    const bool diag = oclnn__cpu_grouped_diag(pb);
    const bool wide = oclnn__cpu_isa_active() == OCLNN__ISA_AVX512;
    if (!diag && (pb->kg % (wide ? 16 : 8) != 0 || pb->cg > G_MAX_CG)) return false;
    /* Jobs of one row and one vector's or one group's channels (a few microseconds each), cut in
     * about 8 chunks per thread. Rows first keeps each input row in cache while every channel
     * block reads it; with weights over 512 KB, blocks first (measured at batch 8: ResNeXt's
     * stage 2 and 3 layers 1.6-2.2x faster rows first, its stage 4 layers 1.1-1.4x blocks first). */
    const size_t kb = diag ? 16 : pb->kg, jobs = (pb->k / kb) * pb->n * pb->p;
    const bool rows_first = (size_t)pb->k * pb->cg * pb->r * pb->s * sizeof(float) <= 512 * 1024;
    gjob j = {cv, src, residual, dst, kb, rows_first};
    oclnn__cpu_parallel_for(jobs, oclnn__cpu_grain(jobs, 8, 1), grouped_task, &j);
    return true;
#else
    (void)cv, (void)src, (void)dst, (void)residual;
    return false;
#endif
}
