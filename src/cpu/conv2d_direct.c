/* SPDX-License-Identifier: MIT */
/* Direct convolution on the C backend, two loop nests:
 *  - dense (groups 1) and channels-last (src and dst with unit channel stride: NHWC or its views):
 *    per output pixel, all K outputs accumulate in a vector, one tap and input channel at a time,
 *    against weights stored R x S x Cg x K; inner loops run over contiguous output channels.
 *  - otherwise: every output row accumulates over its group's channels and the kernel window in a
 *    row buffer, with the valid range of output columns computed per kernel column. Depthwise is
 *    this nest with one input channel per group, which the compiler specializes. */
#if defined(__GNUC__) && !defined(__clang__)
/* Multiply-adds as fused FMA instructions where the clone's instruction set has them (ISO C mode
 * leaves them unfused): one instruction instead of two, and one rounding instead of two. */
#pragma GCC optimize("fp-contract=fast")
#endif

#include <stdlib.h>
#include <string.h>

#include "cpu/conv2d.h"
#include "cpu/cpu.h"
#include "cpu/pool.h"

#define ROW_CHUNK 256

/* Output columns q in [lo, hi) read input column q*stride + s*dil - pad inside [0, W). */
static void valid_q(const oclnn__conv2d_problem *pb, size_t s, size_t q0, size_t q1, size_t *lo,
                    size_t *hi) {
    long off = (long)(s * pb->dil_w) - (long)pb->pad_left, st = (long)pb->stride_w;
    long a = off >= 0 ? 0 : (-off + st - 1) / st;                    /* first q with x >= 0 */
    long b = (long)pb->w - off <= 0 ? 0 : ((long)pb->w - off + st - 1) / st; /* first q with x >= W */
    *lo = (size_t)a > q0 ? (size_t)a : q0;
    *hi = (size_t)b < q1 ? (size_t)b : q1;
    if (*hi < *lo) *hi = *lo;
}

OCLNN__CPU_INLINE void direct_nest(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                               const oclnn_tensor *residual, size_t cg, size_t begin, size_t end) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst);
    const float *res = residual ? oclnn__cpu_cdata(residual) : NULL;
    const size_t *ss = src->stride, *ds = dst->stride, *rs = residual ? residual->stride : ds;
    size_t R = pb->r, S = pb->s, rs_size = R * S;
    for (size_t job = begin; job < end; job++) {
        size_t n = (size_t)job / pb->k, k = (size_t)job % pb->k, c0 = k / pb->kg * cg;
        const float *wk = cv->w + k * cg * rs_size;
        float acc[ROW_CHUNK];
        for (size_t p = 0; p < pb->p; p++)
            for (size_t q0 = 0; q0 < pb->q; q0 += ROW_CHUNK) {
                size_t q1 = q0 + ROW_CHUNK < pb->q ? q0 + ROW_CHUNK : pb->q;
                float b = cv->bias ? cv->bias[k] : 0.0f;
                for (size_t q = q0; q < q1; q++) acc[q - q0] = b;
                for (size_t c = 0; c < cg; c++) {
                    const float *plane = x + n * ss[0] + (c0 + c) * ss[1];
                    for (size_t r = 0; r < R; r++) {
                        long iy = (long)(p * pb->stride_h + r * pb->dil_h) - (long)pb->pad_top;
                        if (iy < 0 || iy >= (long)pb->h) continue;
                        const float *line = plane + (size_t)iy * ss[2];
                        for (size_t s = 0; s < S; s++) {
                            float wv = wk[(c * R + r) * S + s];
                            size_t lo, hi;
                            valid_q(pb, s, q0, q1, &lo, &hi);
                            long off = (long)(s * pb->dil_w) - (long)pb->pad_left;
                            size_t step = pb->stride_w * ss[3];
                            const float *in = line + (long)((long)lo * (long)pb->stride_w + off) * (long)ss[3];
                            for (size_t q = lo; q < hi; q++, in += step) acc[q - q0] += wv * *in;
                        }
                    }
                }
                for (size_t q = q0; q < q1; q++) {
                    float v = acc[q - q0];
                    if (res) v += res[n * rs[0] + k * rs[1] + p * rs[2] + q * rs[3]];
                    if (pb->act == OCLNN_ACTIVATION_RELU && v < 0.0f) v = 0.0f;
                    y[n * ds[0] + k * ds[1] + p * ds[2] + q * ds[3]] = v;
                }
            }
    }
}

#define K_CHUNK 512

OCLNN__CPU_INLINE void pixel_nest(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                              const oclnn_tensor *residual, size_t cg, size_t begin, size_t end) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst);
    const float *res = residual ? oclnn__cpu_cdata(residual) : NULL;
    const size_t *ss = src->stride, *ds = dst->stride, *rs = residual ? residual->stride : ds;
    const size_t K = pb->k;
    const bool relu = pb->act == OCLNN_ACTIVATION_RELU;
    for (size_t row = begin; row < end; row++) {
        size_t n = (size_t)row / pb->p, p = (size_t)row % pb->p;
        float acc[K_CHUNK];
        for (size_t q = 0; q < pb->q; q++)
            for (size_t k0 = 0; k0 < K; k0 += K_CHUNK) {
                size_t kn = K - k0 < K_CHUNK ? K - k0 : K_CHUNK;
                for (size_t k = 0; k < kn; k++) acc[k] = cv->bias ? cv->bias[k0 + k] : 0.0f;
                for (size_t r = 0; r < pb->r; r++) {
                    long iy = (long)(p * pb->stride_h + r * pb->dil_h) - (long)pb->pad_top;
                    if (iy < 0 || iy >= (long)pb->h) continue;
                    for (size_t s = 0; s < pb->s; s++) {
                        long ix = (long)(q * pb->stride_w + s * pb->dil_w) - (long)pb->pad_left;
                        if (ix < 0 || ix >= (long)pb->w) continue;
                        const float *in = x + n * ss[0] + (size_t)iy * ss[2] + (size_t)ix * ss[3];
                        const float *wt = cv->wp + (r * pb->s + s) * cg * K + k0;
                        for (size_t c = 0; c < cg; c++, wt += K) {
                            const float v = in[c];
                            for (size_t k = 0; k < kn; k++) acc[k] += v * wt[k];
                        }
                    }
                }
                float *out = y + n * ds[0] + p * ds[2] + q * ds[3] + k0;
                const float *ro = res ? res + n * rs[0] + p * rs[2] + q * rs[3] + k0 * rs[1] : NULL;
                for (size_t k = 0; k < kn; k++) {
                    float v = acc[k] + (ro ? ro[k * rs[1]] : 0.0f);
                    out[k] = relu && v < 0.0f ? 0.0f : v;
                }
            }
    }
}

#define G_ROW 16384 /* floats: one input row expanded over a chunk of output channels */
#define G_RING 3     /* expanded rows kept: a 3-row kernel reads each row for 3 output rows */
#define G_ACC 4096   /* floats: one output row's accumulators over that chunk */
#define G_ROWS 8     /* output rows per job */

/* Grouped channels-last: the input channel that output channel k reads as its group's c-th is
 * (k / Kg) * Cg + c. Expanding one input row to e[x][c][k] = in[x][(k / Kg) * Cg + c] over a
 * chunk of kc output channels turns the grouped convolution into Cg * R * S contiguous
 * multiply-adds per output pixel and channel (like depthwise), against weights R x S x Cg x K.
 * Each job walks G_ROWS output rows and keeps the last G_RING expanded input rows (slot iy mod
 * G_RING, checked by tag), so a 3-row kernel expands each input row once, not three times.
 * Returns false when a row does not fit the buffers (the caller then uses the row nest). */
static size_t grouped_chunk(const oclnn__cpu_conv *cv) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t cg = pb->cg, W = pb->w, Q = pb->q;
    size_t kc = 64;
    while (kc > 8 && (W * cg * kc > G_ROW || Q * kc > G_ACC)) kc /= 2;
    return W * cg * kc > G_ROW || Q * kc > G_ACC || !cv->wp ? 0 : kc;
}

/* Jobs [begin, end) of the grouped nest (n, blocks of G_ROWS rows, chunks of kc channels). */
OCLNN__CPU_INLINE void grouped_nest(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                                const oclnn_tensor *residual, size_t kc, size_t begin, size_t end, float *buf) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t K = pb->k, cg = pb->cg, kg = pb->kg, W = pb->w, Q = pb->q;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst);
    const float *res = residual ? oclnn__cpu_cdata(residual) : NULL;
    const size_t *ss = src->stride, *ds = dst->stride, *rs = residual ? residual->stride : ds;
    const bool relu = pb->act == OCLNN_ACTIVATION_RELU;
    const size_t nkc = (K + kc - 1) / kc, npb = (pb->p + G_ROWS - 1) / G_ROWS;
    for (size_t job = begin; job < end; job++) {
        size_t n = (size_t)job / (npb * nkc), p0 = (size_t)job / nkc % npb * G_ROWS;
        size_t k0 = (size_t)job % nkc * kc, kn = K - k0 < kc ? K - k0 : kc;
        size_t p1 = p0 + G_ROWS < pb->p ? p0 + G_ROWS : pb->p;
        const size_t erow = W * cg * kc; /* G_RING expanded rows, then the accumulators */
        float *e = buf, *acc = buf + G_RING * erow;
        long tag[G_RING] = {-1, -1, -1};
        size_t gi[64]; /* offset of each output channel's group's first input channel */
        for (size_t k = 0; k < kn; k++) gi[k] = (k0 + k) / kg * cg * ss[1];
        for (size_t p = p0; p < p1; p++) {
            for (size_t q = 0; q < Q; q++)
                for (size_t k = 0; k < kn; k++) acc[q * kn + k] = cv->bias ? cv->bias[k0 + k] : 0.0f;
            for (size_t r = 0; r < pb->r; r++) {
                long iy = (long)(p * pb->stride_h + r * pb->dil_h) - (long)pb->pad_top;
                if (iy < 0 || iy >= (long)pb->h) continue;
                float *er = e + (size_t)iy % G_RING * erow;
                if (tag[(size_t)iy % G_RING] != iy) {
                    const float *line = x + n * ss[0] + (size_t)iy * ss[2];
                    for (size_t ix = 0; ix < W; ix++)
                        for (size_t c = 0; c < cg; c++) {
                            const float *in = line + ix * ss[3] + c * ss[1];
                            float *eo = er + (ix * cg + c) * kn;
                            for (size_t k = 0; k < kn; k++) eo[k] = in[gi[k]];
                        }
                    tag[(size_t)iy % G_RING] = iy;
                }
                for (size_t q = 0; q < Q; q++) {
                    float *restrict a = acc + q * kn;
                    for (size_t s = 0; s < pb->s; s++) {
                        long ix = (long)(q * pb->stride_w + s * pb->dil_w) - (long)pb->pad_left;
                        if (ix < 0 || ix >= (long)W) continue;
                        const float *restrict ev = er + (size_t)ix * cg * kn;
                        const float *restrict wt = cv->wp + (r * pb->s + s) * cg * K + k0;
                        for (size_t c = 0; c < cg; c++, ev += kn, wt += K)
                            for (size_t k = 0; k < kn; k++) a[k] += ev[k] * wt[k];
                    }
                }
            }
            for (size_t q = 0; q < Q; q++) {
                float *out = y + n * ds[0] + p * ds[2] + q * ds[3] + k0;
                const float *ro = res ? res + n * rs[0] + p * rs[2] + q * rs[3] + k0 * rs[1] : NULL;
                for (size_t k = 0; k < kn; k++) {
                    float v = acc[q * kn + k] + (ro ? ro[k * rs[1]] : 0.0f);
                    out[k] = relu && v < 0.0f ? 0.0f : v;
                }
            }
        }
    }
}

#if defined(__GNUC__)
/* Grouped channels-last, register-blocked: the same expanded rows (with the padding columns
 * expanded as zeros, so no tap needs a bounds check), and for each output row GB_Q pixels x 32
 * output channels accumulate in eight 16-float vectors while the taps and the group's channels
 * stream past: each weight vector loaded serves GB_Q pixels, and no accumulator goes through
 * memory (the plain nest above loads and stores its accumulators for every multiply-add). Needs
 * K a multiple of 32 and Q >= GB_Q; the last block of a row overlaps the one before it (its
 * pixels are computed twice, identically). */
typedef float v16f __attribute__((vector_size(64)));
typedef int v16i __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4), may_alias)); /* unaligned access */
#define ld16(p) ((v16f)*(const v16u *)(const void *)(p))
#define GB_Q 4

/* The padded input width the output row reads, or 0 when the blocked nest does not apply. */
static size_t blocked_width(const oclnn__conv2d_problem *pb) {
    return pb->k % 32 || pb->q < GB_Q ? 0 : (size_t)(pb->q - 1) * pb->stride_w + (size_t)(pb->s - 1) * pb->dil_w + 1;
}

static size_t grouped_blocked_chunk(const oclnn__cpu_conv *cv) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t xw = blocked_width(pb);
    if (!xw || !cv->wp) return 0;
    for (size_t kc = 64; kc >= 32; kc /= 2)
        if (pb->k % kc == 0 && xw * pb->cg * kc <= G_ROW) return kc;
    return 0;
}

/* One input pixel's expansion for the blocked nest: eo[c][k] = px[gi[k] + c * cs] for the kc
 * output channels from k0 (a multiple of 16, as kc). In vector steps of 16 output channels where
 * the groups allow: all 16 in one group (kg a multiple of 16) read one input channel, a
 * broadcast; groups of kg dividing 16 with cg == kg (ResNeXt's) read the same 16 input channels
 * k0 + k.., each lane the first of its group plus c, a permutation. */
OCLNN__CPU_INLINE void expand_pixel(const float *px, size_t cs, const size_t *gi, size_t cg, size_t kg,
                                    size_t k0, size_t kc, float *eo) {
    if (cs == 1 && kg % 16 == 0) {
        for (size_t c = 0; c < cg; c++, eo += kc)
            for (size_t k = 0; k < kc; k += 16) {
                const v16f zero = {0};
                *(v16u *)(void *)(eo + k) = px[gi[k] + c] - zero; /* a broadcast; x - 0 is x, -0 too */
            }
    } else if (cs == 1 && cg == kg && 16 % kg == 0) {
        v16i base;
        for (int l = 0; l < 16; l++) base[l] = l - l % (int)kg;
        for (size_t c = 0; c < cg; c++, eo += kc) {
            const v16i mask = base + (int)c;
            for (size_t k = 0; k < kc; k += 16) {
#if defined(__clang__) /* no shuffle with a run-time mask in clang (the sanitizer and fuzz builds) */
                const v16f v = ld16(px + k0 + k);
                v16f r;
                for (int l = 0; l < 16; l++) r[l] = v[mask[l] & 15];
                *(v16u *)(void *)(eo + k) = r;
#else
                *(v16u *)(void *)(eo + k) = __builtin_shuffle(ld16(px + k0 + k), mask);
#endif
            }
        }
    } else {
        for (size_t c = 0; c < cg; c++, eo += kc) {
            const float *in = px + c * cs;
            for (size_t k = 0; k < kc; k++) eo[k] = in[gi[k]];
        }
    }
}

OCLNN__CPU_INLINE void grouped_blocked_nest(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                                            const oclnn_tensor *residual, size_t kc, size_t begin, size_t end,
                                            float *e) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t K = pb->k, cg = pb->cg, kg = pb->kg, W = pb->w, Q = pb->q, S = pb->s;
    const size_t xw = blocked_width(pb), sw = pb->stride_w, dw = pb->dil_w;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst);
    const float *res = residual ? oclnn__cpu_cdata(residual) : NULL;
    const size_t *ss = src->stride, *ds = dst->stride, *rs = residual ? residual->stride : ds;
    const bool relu = pb->act == OCLNN_ACTIVATION_RELU;
    const size_t nkc = K / kc, npb = (pb->p + G_ROWS - 1) / G_ROWS;
    const v16f zero = {0};
    for (size_t job = begin; job < end; job++) {
        const size_t n = job / (npb * nkc), p0 = job / nkc % npb * G_ROWS, k0 = job % nkc * kc;
        const size_t p1 = p0 + G_ROWS < pb->p ? p0 + G_ROWS : pb->p;
        const size_t erow = xw * cg * kc; /* e: G_RING expanded rows */
        long tag[G_RING] = {-1, -1, -1};
        size_t gi[64]; /* offset of each output channel's group's first input channel */
        for (size_t k = 0; k < kc; k++) gi[k] = (k0 + k) / kg * cg * ss[1];
        for (size_t p = p0; p < p1; p++) {
            const float *rows[8]; /* the expanded row of each kernel row, NULL: padding */
            size_t nr = pb->r < 8 ? pb->r : 8;
            for (size_t r = 0; r < nr; r++) {
                long iy = (long)(p * pb->stride_h + r * pb->dil_h) - (long)pb->pad_top;
                rows[r] = NULL;
                if (iy < 0 || iy >= (long)pb->h) continue;
                float *er = e + (size_t)iy % G_RING * erow;
                if (tag[(size_t)iy % G_RING] != iy) {
                    const float *line = x + n * ss[0] + (size_t)iy * ss[2];
                    for (size_t xi = 0; xi < xw; xi++) {
                        long ix = (long)xi - (long)pb->pad_left;
                        float *eo = er + xi * cg * kc;
                        if (ix < 0 || ix >= (long)W) {
                            memset(eo, 0, cg * kc * sizeof *eo);
                            continue;
                        }
                        expand_pixel(line + (size_t)ix * ss[3], ss[1], gi, cg, kg, k0, kc, eo);
                    }
                    tag[(size_t)iy % G_RING] = iy;
                }
                rows[r] = er;
            }
            for (size_t q0 = 0; q0 < Q; q0 += GB_Q) {
                const size_t qb = q0 + GB_Q <= Q ? q0 : Q - GB_Q;
                for (size_t kv = 0; kv < kc; kv += 32) {
                    v16f acc[GB_Q][2];
                    const v16f b0 = cv->bias ? ld16(cv->bias + k0 + kv) : zero;
                    const v16f b1 = cv->bias ? ld16(cv->bias + k0 + kv + 16) : zero;
                    for (int qi = 0; qi < GB_Q; qi++) acc[qi][0] = b0, acc[qi][1] = b1;
                    for (size_t r = 0; r < nr; r++) {
                        if (!rows[r]) continue;
                        for (size_t s = 0; s < S; s++) {
                            const float *wt = cv->wp + (r * S + s) * cg * K + k0 + kv;
                            const float *eb = rows[r] + (qb * sw + s * dw) * cg * kc + kv;
                            for (size_t c = 0; c < cg; c++, wt += K, eb += kc) {
                                const v16f w0 = ld16(wt), w1 = ld16(wt + 16);
#pragma GCC unroll 4
                                for (int qi = 0; qi < GB_Q; qi++) {
                                    const float *ev = eb + (size_t)qi * sw * cg * kc;
                                    acc[qi][0] += ld16(ev) * w0;
                                    acc[qi][1] += ld16(ev + 16) * w1;
                                }
                            }
                        }
                    }
                    for (int qi = 0; qi < GB_Q; qi++) {
                        const size_t q = qb + (size_t)qi;
                        float *out = y + n * ds[0] + p * ds[2] + q * ds[3] + k0 + kv;
                        for (int h = 0; h < 2; h++) {
                            v16f v = acc[qi][h];
                            if (res) {
                                const float *ro = res + n * rs[0] + p * rs[2] + q * rs[3] + (k0 + kv + 16 * (size_t)h) * rs[1];
                                float t[16];
                                for (size_t l = 0; l < 16; l++) t[l] = ro[l * rs[1]];
                                v += ld16(t);
                            }
                            if (relu) v = (v16f)((v16i)v & ~(v < zero)); /* keeps NaN, as torch.relu */
                            *(v16u *)(void *)(out + 16 * h) = v;
                        }
                    }
                }
            }
        }
    }
}
#endif

static bool channels_last(const oclnn_tensor *src, const oclnn_tensor *dst) {
    return src->stride[OCLNN__C] == 1 && dst->stride[OCLNN__C] == 1;
}

/* The nests as the pool's tasks, each compiled per instruction set. */
typedef struct nest_job {
    const oclnn__cpu_conv *cv;
    const oclnn_tensor *src, *residual;
    oclnn_tensor *dst;
    size_t kc;
    float *scratch; /* the grouped nests' expanded rows (and accumulators), per worker */
    size_t share;   /* the spacing of the workers' shares */
} nest_job;

OCLNN__CPU_TASK(direct_task) {
    (void)worker;
    const nest_job *j = arg;
    direct_nest(j->cv, j->src, j->dst, j->residual, j->cv->pb.cg, begin, end);
}

OCLNN__CPU_TASK(depthwise_task) {
    (void)worker;
    const nest_job *j = arg;
    direct_nest(j->cv, j->src, j->dst, j->residual, 1, begin, end);
}

OCLNN__CPU_TASK(pixel_task) {
    (void)worker;
    const nest_job *j = arg;
    pixel_nest(j->cv, j->src, j->dst, j->residual, j->cv->pb.cg, begin, end);
}

OCLNN__CPU_TASK(grouped_task) {
    const nest_job *j = arg;
    grouped_nest(j->cv, j->src, j->dst, j->residual, j->kc, begin, end, j->scratch + worker * j->share);
}

#if defined(__GNUC__)
OCLNN__CPU_TASK(grouped_blocked_task) {
    const nest_job *j = arg;
    grouped_blocked_nest(j->cv, j->src, j->dst, j->residual, j->kc, begin, end, j->scratch + worker * j->share);
}
#endif

void oclnn__cpu_conv_direct(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                            const oclnn_tensor *residual) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    nest_job j = {cv, src, residual, dst, 0, NULL, 0};
    /* Grouped convolutions: the register-blocked kernels of cpu/conv2d_grouped.c where they apply
     * (any layout), else the nests here (channels-last, with their expanded rows on the heap, up
     * to 208 KiB per worker) or the row nest (also when that memory cannot be had). */
    if (channels_last(src, dst) && pb->groups == 1) {
        oclnn__cpu_parallel_for((size_t)pb->n * pb->p, 1, pixel_task, &j);
    } else if (oclnn__cpu_conv_grouped(cv, src, dst, residual)) {
#if defined(__GNUC__)
    } else if (channels_last(src, dst) && pb->cg > 1 && pb->r <= 8 && (j.kc = grouped_blocked_chunk(cv)) != 0 &&
               (j.scratch = oclnn__cpu_worker_scratch(G_RING * blocked_width(pb) * pb->cg * j.kc, &j.share))) {
        const size_t jobs = pb->n * ((pb->p + G_ROWS - 1) / G_ROWS) * (pb->k / j.kc);
        oclnn__cpu_parallel_for(jobs, 1, grouped_blocked_task, &j);
#endif
    } else if (channels_last(src, dst) && pb->cg > 1 && (j.kc = grouped_chunk(cv)) != 0 &&
               (j.scratch = oclnn__cpu_worker_scratch((G_RING * pb->w * pb->cg + pb->q) * j.kc, &j.share))) {
        const size_t jobs = pb->n * ((pb->p + G_ROWS - 1) / G_ROWS) * ((pb->k + j.kc - 1) / j.kc);
        oclnn__cpu_parallel_for(jobs, 1, grouped_task, &j);
    } else {
        const size_t jobs = (size_t)pb->n * pb->k;
        oclnn__cpu_parallel_for(jobs, oclnn__cpu_grain(jobs, 8, 1), direct_task, &j);
    }
    free(j.scratch);
}

void oclnn__cpu_conv_depthwise(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                               const oclnn_tensor *residual) {
    nest_job j = {cv, src, residual, dst, 0, NULL, 0};
    const size_t jobs = (size_t)cv->pb.n * cv->pb.k;
    oclnn__cpu_parallel_for(jobs, oclnn__cpu_grain(jobs, 8, 1), depthwise_task, &j);
}
