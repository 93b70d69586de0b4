/* SPDX-License-Identifier: MIT */
/* Grouped convolution on the C backend, register-blocked: ResNeXt's 3x3 layers (groups 32, 4 to
 * 32 channels per group). Two kernels, each a block of output pixels x output-channel vectors
 * accumulated in registers over the kernel window and the group's channels, reading channels-last
 * input rows (no expanded copy; taps in the padding read a vector of zeros), so that stride 2
 * costs what stride 1 does per output:
 *  - diagonal, for square groups (Cg == Kg) of 2, 4 or 8 channels (8 on AVX-512 only): a vector
 *    holds whole groups, and its input vector is the same channels; one accumulator per rotation d
 *    multiplies the input vector as loaded by weights packed so that lane l pairs input l with
 *    output (l / Cg) * Cg + (l % Cg - d) mod Cg; the epilogue rotates and sums the accumulators.
 *    It reads the source in place when that is channels-last.
 *  - broadcast, for Kg a multiple of the vector: each input scalar, broadcast, feeds one or two
 *    vectors of its group's outputs (weights R x S x Cg x K). It reads a compact copy of the
 *    group's input rows (W x Cg; in place, ResNeXt's last stage's pixels lie 4 KB apart, all in
 *    one L1 set), kept for the next output row.
 * A channels-first source or destination goes through such row copies too. Vectors are 16 floats
 * on AVX-512 and 8 otherwise; the task is compiled per instruction set (cpu/cpu.h). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#endif

#include <stdlib.h>
#include <string.h>

#include "cpu/conv2d.h"
#include "cpu/cpu.h"
#include "cpu/isa.h"
#include "cpu/pool.h"

#define G_MAX_R 8     /* kernel rows */
#define G_MAX_CG 512  /* input channels per group of the broadcast kernel (g_zeros) */
#define G_XBUF 16384  /* floats: a job's input rows, channels-last, for a channels-first source */
#define G_OBUF 4096   /* floats: a job's output row, channels-last, for a channels-first dst */

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
    size_t ci0, c0; /* the first input and output channel at rows[r] and out */
    bool relu;
    bool diag; /* the diagonal kernel (oclnn__cpu_grouped_diag), decided once per call */
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

/* The register blocks: 14-24 accumulators of 16 floats (of 32 registers) on AVX-512, 7-12 of 8
 * floats (of 16) on AVX2. */
OCLNN__CPU_INLINE void rows16(const grow *g, size_t k0, size_t k1) {
    const oclnn__conv2d_problem *pb = g->pb;
    if (g->diag) {
        if (pb->cg == 2) row_diag16(g, k0, k1, 8, 2);
        else if (pb->cg == 4) row_diag16(g, k0, k1, 6, 4);
        else row_diag16(g, k0, k1, 3, 8);
    } else if (pb->kg % 32 == 0) {
        row_bcast16(g, k0, k1, 7, 2, false);
    } else {
        row_bcast16(g, k0, k1, 7, 1, false);
    }
}

OCLNN__CPU_INLINE void rows8(const grow *g, size_t k0, size_t k1) {
    const oclnn__conv2d_problem *pb = g->pb;
    if (g->diag) {
        if (pb->cg == 2) row_diag8(g, k0, k1, 4, 2);
        else if (pb->cg == 4) row_diag8(g, k0, k1, 3, 4);
        else row_diag8(g, k0, k1, 1, 8);
    } else if (pb->kg % 16 == 0) {
        row_bcast8(g, k0, k1, 6, 2, true); /* 7 x 2 would spill an accumulator */
    } else {
        row_bcast8(g, k0, k1, 7, 1, false);
    }
}

typedef struct gjob {
    const oclnn__cpu_conv *cv;
    const oclnn_tensor *src, *residual;
    oclnn_tensor *dst;
    size_t kb;       /* output channels per job */
    bool rows_first; /* jobs (n, row, channels), else (n, channels, row) */
    bool diag;
    bool copy_in; /* the job's input rows go through xb */
    float *scratch;          /* per worker: xb (xfloats), then ob; NULL when neither is used */
    size_t xfloats, wfloats; /* xb's floats, and the shares' spacing */
} gjob;

/* Channels [c0, c0 + cn) of input row iy of image n as W x cn, channels-last, into buf. Inlined
 * into each instruction set's task, whose vectors then copy a pixel's channels. */
OCLNN__CPU_INLINE void gather_row(const oclnn_tensor *src, size_t n, size_t iy, size_t c0, size_t cn, float *buf) {
    const size_t *ss = src->stride, W = src->shape.w;
    const float *x = oclnn__cpu_cdata(src) + n * ss[0] + iy * ss[2] + c0 * ss[1];
    if (ss[1] == 1) {
        if (cn % 16 == 0) { /* whole 64-byte lines (ResNeXt's 16-64 channels per group) */
            for (size_t ix = 0; ix < W; ix++)
                for (size_t c = 0; c < cn; c += 16) memcpy(buf + ix * cn + c, x + ix * ss[3] + c, 16 * sizeof *buf);
            return;
        }
        for (size_t ix = 0; ix < W; ix++) /* a loop, not memcpy: a call per pixel of 8-32 floats */
            for (size_t c = 0; c < cn; c++) buf[ix * cn + c] = x[ix * ss[3] + c];
        return;
    }
    for (size_t c = 0; c < cn; c++, x += ss[1])
        for (size_t ix = 0; ix < W; ix++) buf[ix * cn + c] = x[ix * ss[3]];
}

/* Jobs [begin, end): (n, output row, block of kb channels), or with large weights (n, block, row):
 * a thread's consecutive jobs then reuse the block's weights (ResNeXt's last stage has 1.2 MB of
 * them, read once per row in the first order). A channels-first source or destination goes
 * through a channels-last copy of the job's rows (xb, ob); a channels-first source takes the blocks
 * first order, so that a thread's consecutive jobs are consecutive rows and share copied rows. */
OCLNN__CPU_TASK(grouped_task) {
    const gjob *j = arg;
    const oclnn__conv2d_problem *pb = &j->cv->pb;
    const float *x = oclnn__cpu_cdata(j->src);
    const size_t *ss = j->src->stride, *ds = j->dst->stride;
    const size_t *rs = j->residual ? j->residual->stride : ds;
    const size_t nkb = pb->k / j->kb, W = pb->w, Q = pb->q;
    const bool wide = oclnn__cpu_isa_active() == OCLNN__ISA_AVX512, cl_in = !j->copy_in, cl_out = ds[1] == 1;
    float *xb = j->scratch ? j->scratch + worker * j->wfloats : NULL, *ob = xb ? xb + j->xfloats : NULL;
    size_t tag[G_MAX_R][3]; /* (n, iy, first channel) + 1 of the row in each slot of xb, 0: none */
    memset(tag, 0, sizeof tag);
    grow g = {.cv = j->cv, .pb = pb, .rs = rs, .ss3 = ss[3], .ds3 = cl_out ? ds[3] : j->kb,
              .relu = pb->act == OCLNN_ACTIVATION_RELU, .diag = j->diag};
    for (size_t job = begin; job < end; job++) {
        const size_t n = job / (pb->p * nkb), i = job % (pb->p * nkb);
        const size_t p = j->rows_first ? i / nkb : i % pb->p, k0 = (j->rows_first ? i % nkb : i / pb->p) * j->kb;
        const size_t k1 = k0 + j->kb < pb->k ? k0 + j->kb : pb->k;
        /* input channels the block reads: the same (diagonal) or its groups' */
        const size_t ci0 = j->diag ? k0 : k0 / pb->kg * pb->cg, cn = j->diag ? j->kb : j->kb / pb->kg * pb->cg;
        g.ci0 = cl_in ? 0 : ci0;
        if (!cl_in) g.ss3 = cn;
        for (size_t r = 0; r < pb->r; r++) {
            long iy = (long)(p * pb->stride_h + r * pb->dil_h) - (long)pb->pad_top;
            g.rows[r] = NULL;
            if (iy < 0 || iy >= (long)pb->h) continue;
            if (cl_in) {
                g.rows[r] = x + n * ss[0] + (size_t)iy * ss[2];
            } else { /* slot iy mod R keeps the rows the next output row reads again */
                const size_t slot = pb->dil_h == 1 ? (size_t)iy % pb->r : r;
                float *row = xb + slot * W * cn;
                if (tag[slot][0] != n + 1 || tag[slot][1] != (size_t)iy + 1 || tag[slot][2] != ci0 + 1) {
                    gather_row(j->src, n, (size_t)iy, ci0, cn, row);
                    tag[slot][0] = n + 1, tag[slot][1] = (size_t)iy + 1, tag[slot][2] = ci0 + 1;
                }
                g.rows[r] = row;
            }
        }
        g.out = cl_out ? oclnn__cpu_data(j->dst) + n * ds[0] + p * ds[2] : ob;
        g.c0 = cl_out ? 0 : k0;
        g.res = j->residual ? oclnn__cpu_cdata(j->residual) + n * rs[0] + p * rs[2] : NULL;
        if (wide)
            rows16(&g, k0, k1);
        else
            rows8(&g, k0, k1);
        if (!cl_out) {
            float *y = oclnn__cpu_data(j->dst) + n * ds[0] + p * ds[2];
            for (size_t k = k0; k < k1; k++)
                for (size_t q = 0; q < Q; q++) y[k * ds[1] + q * ds[3]] = ob[q * j->kb + (k - k0)];
        }
    }
}
#endif

bool oclnn__cpu_conv_grouped(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                             const oclnn_tensor *residual) {
#if defined(__GNUC__)
    const oclnn__conv2d_problem *pb = &cv->pb;
    if (!cv->wp || pb->groups < 2 || pb->r > G_MAX_R) return false;
    const bool diag = oclnn__cpu_grouped_diag(pb);
    const bool wide = oclnn__cpu_isa_active() == OCLNN__ISA_AVX512;
    if (!diag && (pb->kg % (wide ? 16 : 8) != 0 || pb->cg > G_MAX_CG)) return false;
    /* Jobs of one row and one vector's or one group's channels (a few microseconds each), cut in
     * about 8 chunks per thread. Rows first keeps each input row in cache while every channel
     * block reads it; with weights over 512 KB, blocks first (measured at batch 8: ResNeXt's
     * stage 2 and 3 layers 1.6-2.2x faster rows first, its stage 4 layers 1.1-1.4x blocks first). */
    const size_t kb = diag ? 16 : pb->kg, jobs = (pb->k / kb) * pb->n * pb->p;
    /* A job's copied input rows (xb) and output row (ob), in floats. */
    const size_t xrows = (size_t)pb->r * pb->w * (diag ? kb : pb->cg), orow = (size_t)pb->q * kb;
    bool copy_in = src->stride[OCLNN__C] != 1 || !diag;
    if (copy_in && xrows > G_XBUF) {
        if (src->stride[OCLNN__C] != 1) return false;
        copy_in = false;
    }
    const bool rows_first = !copy_in && (size_t)pb->k * pb->cg * pb->r * pb->s * sizeof(float) <= 512 * 1024;
    const bool copy_out = dst->stride[OCLNN__C] != 1;
    if (copy_out && orow > G_OBUF) return false;
    /* The row copies, one share per worker (up to 80 KiB each), on the heap; without the
     * memory, another algorithm runs. */
    const size_t xfloats = copy_in ? xrows : 0, ofloats = copy_out ? orow : 0;
    size_t wfloats = 0;
    float *scratch = oclnn__cpu_worker_scratch(xfloats + ofloats, &wfloats);
    if (xfloats + ofloats && !scratch) return false;
    gjob j = {cv, src, residual, dst, kb, rows_first, diag, copy_in, scratch, xfloats, wfloats};
    oclnn__cpu_parallel_for(jobs, oclnn__cpu_grain(jobs, 8, 1), grouped_task, &j);
    free(scratch);
    return true;
#else
    (void)cv, (void)src, (void)dst, (void)residual;
    return false;
#endif
}
