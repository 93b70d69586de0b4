/* SPDX-License-Identifier: MIT */
/* im2col + SGEMM and 1x1 convolution as SGEMM on the C backend. The GEMM's orientation follows
 * dst's layout so that the BLAS writes straight into dst (views included): for NCHW, rows are
 * output channels (C[Kg x PQ] = W[Kg x CgRS] * col[CgRS x PQ]); for NHWC, rows are output pixels
 * (C[PQ x Kg] = col[PQ x RSCg] * Wt[RSCg x Kg]). One im2col per image serves all groups. A 1x1 unpadded stride-1 convolution whose src has
 * dst's layout uses src itself as the GEMM operand (no im2col). */
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "cpu/blas.h"
#include "cpu/conv2d.h"
#include "cpu/cpu.h"
#include "cpu/gemm.h"
#include "cpu/pool.h"

/* One im2col of image n, for the pool's loops. */
typedef struct im2col_job {
    const oclnn__conv2d_problem *pb;
    const float *src;
    const size_t *ss;
    size_t n;
    float *col;
} im2col_job;

/* col[(c*R + r)*S + s][p*Q + q] for image n, all channels (group g's rows start at g*Cg*R*S). */
OCLNN__CPU_TASK(im2col_rows_task) {
    (void)worker;
    const im2col_job *j = arg;
    const oclnn__conv2d_problem *pb = j->pb;
    const float *src = j->src;
    const size_t *ss = j->ss, n = j->n;
    float *col = j->col;
    const size_t c0 = 0;
    size_t pq = (size_t)pb->p * pb->q;
    for (size_t row = begin; row < end; row++) {
        size_t c = (size_t)row / (pb->r * pb->s), r = (size_t)row / pb->s % pb->r, s = (size_t)row % pb->s;
        float *out = col + (size_t)row * pq;
        const float *plane = src + n * ss[0] + (c0 + c) * ss[1];
        for (size_t p = 0; p < pb->p; p++) {
            long y = (long)(p * pb->stride_h + r * pb->dil_h) - (long)pb->pad_top;
            float *o = out + p * pb->q;
            if (y < 0 || y >= (long)pb->h) {
                memset(o, 0, pb->q * sizeof *o);
                continue;
            }
            const float *line = plane + (size_t)y * ss[2];
            for (size_t q = 0; q < pb->q; q++) {
                long x = (long)(q * pb->stride_w + s * pb->dil_w) - (long)pb->pad_left;
                o[q] = x >= 0 && x < (long)pb->w ? line[(size_t)x * ss[3]] : 0.0f;
            }
        }
    }
}

static void im2col_rows_channels(const oclnn__conv2d_problem *pb, const float *src, const size_t ss[4],
                                 size_t n, float *col) {
    im2col_job j = {pb, src, ss, n, col};
    const size_t rows = (size_t)pb->c * pb->r * pb->s, pq = (size_t)pb->p * pb->q;
    oclnn__cpu_parallel_for(rows, oclnn__cpu_grain(rows, 4, pq ? (4096 + pq - 1) / pq : rows), im2col_rows_task, &j);
}

/* col[p*Q + q][g][(r*S + s)*Cg + c] for image n, all groups g (row length C*R*S). */
OCLNN__CPU_TASK(im2col_cols_task) {
    (void)worker;
    const im2col_job *j = arg;
    const oclnn__conv2d_problem *pb = j->pb;
    const float *src = j->src;
    const size_t *ss = j->ss, n = j->n;
    float *col = j->col;
    size_t width = (size_t)pb->r * pb->s * pb->c;
    const bool run = pb->groups == 1 && pb->dil_w == 1 && ss[1] == 1 && ss[3] == pb->c;
    for (size_t px = begin; px < end; px++) {
        size_t p = (size_t)px / pb->q, q = (size_t)px % pb->q;
        float *out = col + (size_t)px * width;
        for (size_t c0 = 0; c0 < pb->c; c0 += pb->cg)
        for (size_t r = 0; r < pb->r; r++) {
            long y = (long)(p * pb->stride_h + r * pb->dil_h) - (long)pb->pad_top;
            long x0 = (long)(q * pb->stride_w) - (long)pb->pad_left;
            if (run && y >= 0 && y < (long)pb->h && x0 >= 0 && x0 + (long)pb->s <= (long)pb->w) {
                /* dense channels-last: the S taps' channels are one contiguous run */
                memcpy(out, src + n * ss[0] + (size_t)y * ss[2] + (size_t)x0 * ss[3], pb->s * pb->c * sizeof *out);
                out += pb->s * pb->c;
                continue;
            }
            for (size_t s = 0; s < pb->s; s++, out += pb->cg) {
                long x = (long)(q * pb->stride_w + s * pb->dil_w) - (long)pb->pad_left;
                if (y < 0 || y >= (long)pb->h || x < 0 || x >= (long)pb->w) {
                    memset(out, 0, pb->cg * sizeof *out);
                    continue;
                }
                const float *in = src + n * ss[0] + c0 * ss[1] + (size_t)y * ss[2] + (size_t)x * ss[3];
                for (size_t c = 0; c < pb->cg; c++) out[c] = in[c * ss[1]];
            }
        }
    }
}

static void im2col_cols_channels(const oclnn__conv2d_problem *pb, const float *src, const size_t ss[4],
                                 size_t n, float *col) {
    im2col_job j = {pb, src, ss, n, col};
    const size_t pixels = (size_t)pb->p * pb->q, width = (size_t)pb->r * pb->s * pb->c;
    oclnn__cpu_parallel_for(pixels, oclnn__cpu_grain(pixels, 4, width ? (4096 + width - 1) / width : pixels),
                            im2col_cols_task, &j);
}

/* im2col fused into the packed GEMM (NHWC src with dense channels, groups == 1): the GEMM's rows
 * j0 + i of image x are gathered block by block (MR pixels x one depth block of the (r, s, c)
 * columns) straight from src, so that no col matrix is written and read back. */

/* A run of one block's columns [off, off + len): channels c .. c + len / taps - 1 of kernel taps
 * (r, s) .. (r, s + taps - 1), adjacent in src when they are inside the row (taps > 1 only for
 * whole channel runs of a src whose pixels are C floats apart, undilated). */
typedef struct gather_seg {
    uint32_t r, s, c, len, off, taps;
} gather_seg;

typedef struct im2col_gather {
    const oclnn__conv2d_problem *pb;
    const float *x; /* the first image of the rows */
    const size_t *ss;
    size_t j0; /* row i is pixel j0 + i of images n, n + 1, ... (P x Q each) */
    size_t plan_p0, nseg, longest; /* the runs of depth block plan_p0 (SIZE_MAX: none yet) */
    gather_seg seg[OCLNN__GEMM_KC];
} im2col_gather;

/* The block's columns p0 .. p0 + kc - 1 as runs: the same for every row (pixel) of the block. */
static size_t gather_plan(const oclnn__conv2d_problem *pb, const size_t *ss, size_t p0, size_t kc,
                          gather_seg *seg) {
    const size_t C = pb->c, S = pb->s, end = p0 + kc;
    const bool merge = pb->dil_w == 1 && ss[OCLNN__W] == C;
    size_t n = 0;
    for (size_t col = p0; col < end;) {
        const size_t tap = col / C, c = col % C;
        size_t len = C - c < end - col ? C - c : end - col;
        gather_seg g = {(uint32_t)(tap / S), (uint32_t)(tap % S), (uint32_t)c, (uint32_t)len,
                        (uint32_t)(col - p0), 1};
        if (merge && n && c == 0 && len == C && seg[n - 1].r == g.r && seg[n - 1].c == 0 &&
            seg[n - 1].len == seg[n - 1].taps * C && seg[n - 1].s + seg[n - 1].taps == g.s) {
            seg[n - 1].taps++, seg[n - 1].len += (uint32_t)C;
        } else {
            seg[n++] = g;
        }
        col += len;
    }
    return n;
}

/* The shortest run the gather prefetches: 64 floats. A 7x7 stem's runs of 21 (3 channels x 7
 * taps) come from a small image that stays in cache, and prefetching them cost time
 * (ResNeXt-50 batch 8's stem 10.99 against 10.13 ms in one A/B of 6 rounds). */
#define GATHER_PREFETCH_MIN_RUN 64

static void copy_run(float *out, const float *src, size_t len) {
    if (len >= 16) memcpy(out, src, len * sizeof *out);
    else
        for (size_t t = 0; t < len; t++) out[t] = src[t];
}

/* The input pixel under output pixel (p, q)'s first tap (negative or past the edge in padding). */
static inline void window_origin(const oclnn__conv2d_problem *pb, size_t p, size_t q, long *y0, long *x0) {
    *y0 = (long)(p * pb->stride_h) - (long)pb->pad_top;
    *x0 = (long)(q * pb->stride_w) - (long)pb->pad_left;
}

/* The pixel after (img, p, q) in row-major order over the images. */
static void next_pixel(const oclnn__conv2d_problem *pb, size_t *img, size_t *p, size_t *q) {
    if (++*q < pb->q) return;
    *q = 0;
    if (++*p < pb->p) return;
    *p = 0;
    ++*img;
}

/* Rows of pixels (img, p, q) .. (img, p, q + rows - 1) as an A read in place (true), when they
 * are one output row's, every tap of theirs inside src, src's pixels C floats apart and the
 * kernel undilated along W (then a kernel row's S taps x C channels are one run), and the
 * rows not a multiple of 2 KiB apart (which would share L1 sets: a strided 1x1 of 512 channels
 * and more). The 7x7 stem's 21-float runs were a fifth of its time as a gather. */
static bool gather_view(const im2col_gather *gt, size_t img, size_t p, size_t q, size_t rows,
                        oclnn__gemm_aview *view) {
    const oclnn__conv2d_problem *pb = gt->pb;
    const size_t *ss = gt->ss;
    const size_t lda = pb->stride_w * ss[OCLNN__W];
    if (q + rows > pb->q || pb->dil_w != 1 || ss[OCLNN__W] != pb->c || lda % 512 == 0) return false;
    long y0, x0;
    window_origin(pb, p, q, &y0, &x0);
    const long y1 = y0 + (long)((pb->r - 1) * pb->dil_h);
    const long x1 = x0 + (long)((rows - 1) * pb->stride_w + pb->s - 1);
    if (y0 < 0 || y1 >= (long)pb->h || x0 < 0 || x1 >= (long)pb->w) return false;
    *view = (oclnn__gemm_aview){gt->x + img * ss[OCLNN__N] + (size_t)y0 * ss[OCLNN__H] +
                                    (size_t)x0 * ss[OCLNN__W],
                                lda, (size_t)pb->s * pb->c, pb->dil_h * ss[OCLNN__H]};
    return true;
}

static bool im2col_gather_rows(void *ctx, size_t i, size_t rows, size_t p0, size_t kc, float *block,
                               oclnn__gemm_aview *view) {
    im2col_gather *gt = ctx;
    const oclnn__conv2d_problem *pb = gt->pb;
    const size_t *ss = gt->ss;
    const size_t pq = (size_t)pb->p * pb->q;
    size_t img = (gt->j0 + i) / pq, p = (gt->j0 + i) % pq / pb->q, q = (gt->j0 + i) % pb->q;
    if (view && block && gather_view(gt, img, p, q, rows, view)) return true;
    if (gt->plan_p0 != p0) {
        gt->nseg = gather_plan(pb, ss, p0, kc, gt->seg), gt->plan_p0 = p0;
        gt->longest = 0;
        for (size_t k = 0; k < gt->nseg; k++)
            if (gt->seg[k].len > gt->longest) gt->longest = gt->seg[k].len;
    }
    const gather_seg *seg = gt->seg;
    const size_t nseg = gt->nseg;
    if (!block && gt->longest < GATHER_PREFETCH_MIN_RUN) return false; /* nothing to prefetch */
    if (!block) { /* prefetch the rows' runs of GATHER_PREFETCH_MIN_RUN floats or more */
        for (size_t r = 0; r < rows; r++) {
            long y0, x0;
            window_origin(pb, p, q, &y0, &x0);
            for (size_t k = 0; k < nseg; k++) {
                const gather_seg *g = &seg[k];
                const long y = y0 + (long)(g->r * pb->dil_h), x = x0 + (long)(g->s * pb->dil_w);
                if (g->len < GATHER_PREFETCH_MIN_RUN || y < 0 || y >= (long)pb->h || x < 0 ||
                    x + (long)g->taps > (long)pb->w)
                    continue;
                const float *run = gt->x + img * ss[OCLNN__N] + (size_t)y * ss[OCLNN__H] +
                                   (size_t)x * ss[OCLNN__W] + g->c;
                for (size_t t = 0; t < g->len; t += 16) OCLNN__PREFETCH(run + t);
                OCLNN__PREFETCH(run + g->len - 1);
            }
            next_pixel(pb, &img, &p, &q);
        }
        return false;
    }
    for (size_t r = 0; r < rows; r++) {
        float *out = block + r * kc;
        long y0, x0;
        window_origin(pb, p, q, &y0, &x0);
        for (size_t k = 0; k < nseg; k++) {
            const gather_seg *g = &seg[k];
            const long y = y0 + (long)(g->r * pb->dil_h);
            float *o = out + g->off;
            if (y < 0 || y >= (long)pb->h) {
                memset(o, 0, g->len * sizeof *o);
                continue;
            }
            const float *line = gt->x + img * ss[OCLNN__N] + (size_t)y * ss[OCLNN__H] + g->c;
            const long x = x0 + (long)(g->s * pb->dil_w);
            if (x >= 0 && x + (long)g->taps <= (long)pb->w) { /* every tap inside: one run */
                copy_run(o, line + (size_t)x * ss[OCLNN__W], g->len);
                continue;
            }
            const size_t per = g->len / g->taps; /* taps > 1: per == C */
            for (uint32_t t = 0; t < g->taps; t++, o += per) {
                const long xt = x + (long)(t * pb->dil_w);
                if (xt < 0 || xt >= (long)pb->w) memset(o, 0, per * sizeof *o);
                else copy_run(o, line + (size_t)xt * ss[OCLNN__W], per);
            }
        }
        next_pixel(pb, &img, &p, &q);
    }
    return false;
}

oclnn_status oclnn__cpu_conv_gemm_prepare(oclnn_context *ctx, oclnn__cpu_conv *cv, const float *weights) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t rs = (size_t)pb->r * pb->s, crs = (size_t)pb->cg * rs;
    if (pb->groups == 1) { /* Wt[(i*C + c)][k] = W[k][c][i], in the microkernel's panels */
        cv->gk = oclnn__cpu_gemm_kernel();
        const size_t size = oclnn__cpu_gemm_packed_size(cv->gk, crs, pb->k);
        cv->wpk = oclnn__alloc(ctx->allocator, size * sizeof(float));
        if (!cv->wpk) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu weights", size);
        memset(cv->wpk, 0, size * sizeof(float));
        for (size_t k = 0; k < pb->k; k++)
            for (size_t c = 0; c < pb->c; c++)
                for (size_t i = 0; i < rs; i++)
                    cv->wpk[oclnn__cpu_gemm_packed_index(cv->gk, crs, pb->k, i * pb->c + c, k)] =
                        weights[(k * pb->c + c) * rs + i];
        return OCLNN_OK;
    }
    const size_t wn = (size_t)pb->k * crs;
    cv->wt = oclnn__alloc(ctx->allocator, wn * sizeof(float));
    if (!cv->wt) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu weights", wn);
    for (uint32_t k = 0; k < pb->k; k++) {
        size_t g = k / pb->kg, kk = k % pb->kg;
        for (uint32_t c = 0; c < pb->cg; c++)
            for (size_t i = 0; i < rs; i++)
                cv->wt[(g * crs + i * pb->cg + c) * pb->kg + kk] = weights[(k * pb->cg + c) * rs + i];
    }
    return OCLNN_OK;
}

/* Group g of image n: C = W * col (rows are channels) or col * Wt (columns are channels). */
static void group_gemm(const oclnn__cpu_conv *cv, const float *x, const size_t ss[4], float *y,
                       const size_t ds[4], size_t n, size_t g, const float *col, bool no_col,
                       bool rows_channels) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t crs = (size_t)pb->cg * pb->r * pb->s, pq = (size_t)pb->p * pb->q;
    const size_t c0 = g * pb->cg, k0 = g * pb->kg;
    if (rows_channels) {
        const float *b = no_col ? x + n * ss[OCLNN__N] + c0 * ss[OCLNN__C] : col + g * crs * pq;
        size_t ldb = no_col ? ss[OCLNN__C] : pq;
        oclnn__cpu_sgemm(false, pb->kg, pq, crs, cv->w + k0 * crs, crs, b, ldb, 0.0f,
                         y + n * ds[OCLNN__N] + k0 * ds[OCLNN__C], ds[OCLNN__C]);
    } else {
        const float *a = no_col ? x + n * ss[OCLNN__N] + c0 : col + g * crs;
        size_t lda = no_col ? ss[OCLNN__W] : pb->groups * crs;
        oclnn__cpu_sgemm(false, pq, pb->kg, crs, a, lda, cv->wt + g * crs * pb->kg, pb->kg, 0.0f,
                         y + n * ds[OCLNN__N] + k0, ds[OCLNN__W]);
    }
}

typedef struct groups_job {
    const oclnn__cpu_conv *cv;
    const float *x;
    const size_t *ss;
    float *y;
    const size_t *ds;
    size_t n;
    const float *col;
    bool no_col, rows_channels;
} groups_job;

static void groups_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const groups_job *j = arg;
    for (size_t g = begin; g < end; g++)
        group_gemm(j->cv, j->x, j->ss, j->y, j->ds, j->n, g, j->col, j->no_col, j->rows_channels);
}

/* o[i] = act(o[i] + bias + r[i]) over one contiguous run; the bias is a vector bv (NHWC: the
 * run is channels) or the scalar bs (NCHW: the run is one channel's pixels); r may be NULL. Kept
 * branch-free inside so that it vectorizes. */
OCLNN__CPU_INLINE void epilogue_run(float *restrict o, size_t len, const float *restrict bv, float bs,
                                     const float *restrict r, bool relu) {
    if (bv && r) for (size_t i = 0; i < len; i++) o[i] += bv[i] + r[i];
    else if (bv) for (size_t i = 0; i < len; i++) o[i] += bv[i];
    else if (r) for (size_t i = 0; i < len; i++) o[i] += bs + r[i];
    else if (bs != 0.0f) for (size_t i = 0; i < len; i++) o[i] += bs;
    if (relu) for (size_t i = 0; i < len; i++) o[i] = o[i] < 0.0f ? 0.0f : o[i];
}

/* A tensor whose pixels of one image are evenly spaced (pixel j = p*Q + q at j * stride[W]). */
static bool pixels_even(const size_t st[4], size_t q) { return st[OCLNN__H] == q * st[OCLNN__W]; }

/* Dense (groups == 1) convolution in tiles of output channels [k0, k1) x pixels [j0, j1) of one
 * image, spread over the threads, each tile a single-threaded GEMM followed at once by its
 * epilogue (bias, residual, ReLU) while the tile is still in cache: one pass over dst instead of
 * a GEMM pass and a separate, strided epilogue pass. The packed GEMM (NHWC) applies it in its
 * microkernel's stores of the last depth block, while the values are still in registers. b is
 * the image's operand: src itself (1x1 stride 1) or its im2col; ldb its row stride (NCHW: channel
 * rows of pixels; NHWC: pixel rows of channels). gather_ss (NHWC only): b is src, with these
 * strides, and the im2col is gathered inside the GEMM. */
typedef struct tiles_job {
    const oclnn__cpu_conv *cv;
    const float *b, *res, *bias;
    size_t ldb, bstride_n, n0, crs, pq, kk, kb, nk, jb, nj;
    float *y;
    const size_t *ds, *rs, *ss;
    bool rows_channels, res_even, relu, epi, gather; /* gather: b is src, im2col fused */
} tiles_job;

OCLNN__CPU_TASK(dense_tiles_task) {
    (void)worker;
    const tiles_job *jt = arg;
    const oclnn__cpu_conv *cv = jt->cv;
    const oclnn__conv2d_problem *pb = &cv->pb;
    const float *b = jt->b, *res = jt->res, *bias = jt->bias;
    const size_t ldb = jt->ldb, bstride_n = jt->bstride_n, n0 = jt->n0, crs = jt->crs, pq = jt->pq;
    const size_t kk = jt->kk, kb = jt->kb, nk = jt->nk, jb = jt->jb, nj = jt->nj;
    float *y = jt->y;
    const size_t *ds = jt->ds, *rs = jt->rs;
    const bool rows_channels = jt->rows_channels, res_even = jt->res_even, relu = jt->relu, epi = jt->epi;
    /* Tile t is pixel tile t / nk, channel tile t % nk (pixel-major) when the GEMM has at least as
     * many rows (pixels) as columns (output channels): the pool's caller then runs the first
     * pixels and its worker the last (cpu/pool.h), as in the layer before, whose output they read
     * from their own cache, at the price of both reading all the weights. Else channel tile
     * t / nj, pixel tile t % nj: where the weights are the larger (ResNeXt-50's layer3 1x1 layers
     * at batch 1, 196 pixels x 512-1024 channels, lost 8-12% pixel-major). */
    const bool pix_major = pq >= kk;
    for (size_t t = begin; t < end; t++) {
        const size_t n = n0 + t / (nk * nj), ji = pix_major ? t / nk % nj : t % nj,
                     ki = pix_major ? t % nk : t / nj % nk;
        size_t k0 = ki * kb, k1 = k0 + kb < kk ? k0 + kb : kk, j0 = ji * jb, j1 = j0 + jb < pq ? j0 + jb : pq;
        const float *bn = b + (n - n0) * bstride_n;
        float *yn = y + n * ds[OCLNN__N];
        if (rows_channels) {
            oclnn__cpu_sgemm(false, k1 - k0, j1 - j0, crs, cv->w + k0 * crs, crs, bn + j0, ldb, 0.0f,
                             yn + k0 * ds[OCLNN__C] + j0, ds[OCLNN__C]);
        } else {
            /* the epilogue in the microkernel's stores, while the tile is in registers */
            const bool fuse = epi && (!res || (res_even && rs[OCLNN__C] == 1));
            const oclnn__gemm_epi e = {bias ? bias + k0 : NULL,
                                       res ? res + n * rs[OCLNN__N] + j0 * rs[OCLNN__W] + k0 : NULL,
                                       rs[OCLNN__W], relu};
            float *yt = yn + j0 * ds[OCLNN__W] + k0;
            if (jt->gather) {
                im2col_gather gt = {pb, bn, jt->ss, j0, SIZE_MAX, 0, 0, {{0}}};
                oclnn__cpu_gemm_packed_gather(cv->gk, j1 - j0, k0, k1, crs, kk, im2col_gather_rows, &gt,
                                              cv->wpk, yt, ds[OCLNN__W], fuse ? &e : NULL);
            } else {
                oclnn__cpu_gemm_packed_epi(cv->gk, j1 - j0, k0, k1, crs, kk, bn + j0 * ldb, ldb, cv->wpk, yt,
                                           ds[OCLNN__W], fuse ? &e : NULL);
            }
            if (fuse) continue;
        }
        if (!epi) continue;
        for (size_t a = rows_channels ? k0 : j0; a < (rows_channels ? k1 : j1); a++) {
            /* one contiguous run of dst: pixels j0..j1 of channel a (NCHW) or channels k0..k1 of
             * pixel a (NHWC) */
            size_t lo = rows_channels ? j0 : k0, hi = rows_channels ? j1 : k1;
            float *o = yn + (rows_channels ? a * ds[OCLNN__C] : a * ds[OCLNN__W]) + lo;
            const float *bv = bias && !rows_channels ? bias + lo : NULL;
            float bs = bias && rows_channels ? bias[a] : 0.0f;
            size_t rstep = rows_channels ? rs[OCLNN__W] : rs[OCLNN__C];
            if (!res || (res_even && rstep == 1)) {
                const float *r = res ? res + n * rs[OCLNN__N] +
                                           (rows_channels ? a * rs[OCLNN__C] : a * rs[OCLNN__W]) + lo
                                     : NULL;
                epilogue_run(o, hi - lo, bv, bs, r, relu);
                continue;
            }
            for (size_t i = lo; i < hi; i++) { /* a residual of another layout or a view */
                size_t k = rows_channels ? a : i, j = rows_channels ? i : a, p = j / pb->q, q = j % pb->q;
                float v = o[i - lo] + (bias ? bias[k] : 0.0f) + res[n * rs[0] + k * rs[1] + p * rs[2] + q * rs[3]];
                o[i - lo] = relu && v < 0.0f ? 0.0f : v;
            }
        }
    }
}

/* NHWC with every image's pixels one run of evenly spaced rows in dst, the residual and src (b)
 * or its gathered im2col (each image right after the one before): the images are one GEMM of
 * images x P x Q rows, so the last, partial row block and the tiles' edges come once, not once
 * per image (a 7x7 image is 4 x 12 + 1 rows; 8 of them 32 x 12 + 8), in one parallel loop. */
static bool images_merge(bool rows_channels, const size_t *gather_ss, size_t images, size_t pq,
                         size_t ldb, size_t bstride_n, const size_t ds[4], const float *res,
                         const size_t rs[4], bool res_even) {
    return !rows_channels && images > 1 && (gather_ss || bstride_n == pq * ldb) &&
           ds[OCLNN__N] == pq * ds[OCLNN__W] &&
           (!res || (res_even && rs[OCLNN__C] == 1 && rs[OCLNN__N] == pq * rs[OCLNN__W]));
}

static void dense_tiles(const oclnn__cpu_conv *cv, const float *b, size_t ldb, size_t bstride_n,
                        size_t n0, size_t images, float *y, const size_t ds[4], const oclnn_tensor *residual, bool rows_channels,
                        const size_t *gather_ss) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t crs = (size_t)pb->c * pb->r * pb->s, kk = pb->k;
    size_t pq = (size_t)pb->p * pb->q;
    const float *res = residual ? oclnn__cpu_cdata(residual) : NULL;
    const size_t *rs = residual ? residual->stride : ds;
    const bool res_even = !res || pixels_even(rs, pb->q);
    if (images_merge(rows_channels, gather_ss, images, pq, ldb, bstride_n, ds, res, rs, res_even))
        pq *= images, images = 1; /* one GEMM over all images' pixels */
    const size_t threads = (size_t)oclnn__cpu_threads();
    size_t kb = kk <= 256 ? kk : 256, nk = (kk + kb - 1) / kb;
    const size_t nr = rows_channels ? 1 : cv->gk->nr; /* NHWC tiles start on whole panels */
    size_t nj = (pq + 255) / 256;
    /* At least two tiles per thread when the channels allow tiles of two panels or more: a
     * thread the OS deschedules then holds back half as much, and the others take the rest. */
    const size_t max_nk = (kk + 2 * nr - 1) / (2 * nr);
    /* An A that the packed GEMM copies (a gathered im2col; rows a multiple of 2 KiB apart, which
     * it copies to keep them off the same L1 sets) is copied again for every tile of channels:
     * split the pixels first instead. */
    const size_t jm = rows_channels ? 16 : cv->gk->mr; /* pixel tiles: whole vectors or MR rows */
    const bool pix_first = gather_ss || (!rows_channels && ldb % 512 == 0);
    while (pix_first && threads > 1 && nk * nj * images < 2 * threads && nj < (pq + jm - 1) / jm) nj++;
    while (threads > 1 && nk * nj * images < 2 * threads && nk < max_nk) nk++;
    if (threads > 1 && (nj * nk * images) % threads) nj += threads - (nj * nk * images) % threads;
    if (nj > (pq + jm - 1) / jm) nj = (pq + jm - 1) / jm;
    size_t jb = (pq + nj - 1) / nj;
    jb = (jb + jm - 1) / jm * jm;
    nj = (pq + jb - 1) / jb;
    kb = ((kk + nk - 1) / nk + nr - 1) / nr * nr;
    nk = (kk + kb - 1) / kb;
    const float *bias = cv->bias;
    const bool relu = pb->act == OCLNN_ACTIVATION_RELU, epi = bias || res || relu;
    /* the tiles' order: dense_tiles_task */
    tiles_job jt = {cv, b, res, bias, ldb, bstride_n, n0, crs, pq, kk, kb, nk, jb, nj, y, ds, rs, gather_ss,
                    rows_channels, res_even, relu, epi, gather_ss != NULL};
    oclnn__cpu_parallel_for(images * nk * nj, 1, dense_tiles_task, &jt);
}

/* groups == 1 into an NHWC dst whose rows of pixels are not evenly spaced (a spatial view): one
 * packed GEMM per output row, spread over the threads; the epilogue follows separately. */
typedef struct rows_job {
    const oclnn__cpu_conv *cv;
    const float *x, *col;
    const size_t *ss, *ds;
    bool no_col;
    float *y;
    size_t n;
} rows_job;

static void packed_rows_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const rows_job *j = arg;
    const oclnn__conv2d_problem *pb = &j->cv->pb;
    const size_t crs = (size_t)pb->c * pb->r * pb->s, n = j->n, *ss = j->ss, *ds = j->ds;
    for (size_t p = begin; p < end; p++) {
        const float *a = j->no_col ? j->x + n * ss[OCLNN__N] + p * pb->q * ss[OCLNN__W] : j->col + p * pb->q * crs;
        oclnn__cpu_gemm_packed(j->cv->gk, pb->q, 0, pb->k, crs, pb->k, a, j->no_col ? ss[OCLNN__W] : crs,
                               j->cv->wpk, j->y + n * ds[OCLNN__N] + p * ds[OCLNN__H], ds[OCLNN__W]);
    }
}

static void packed_rows(const oclnn__cpu_conv *cv, const float *x, const size_t ss[4], float *col,
                        bool no_col, float *y, const size_t ds[4]) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    rows_job j = {cv, x, col, ss, ds, no_col, y, 0};
    for (j.n = 0; j.n < pb->n; j.n++) {
        if (!no_col) im2col_cols_channels(pb, x, ss, j.n, col);
        oclnn__cpu_parallel_for(pb->p, 1, packed_rows_task, &j);
    }
}

/* The im2col is fused into the GEMM (gathered per row block, or read in place: oclnn__gemm_aview)
 * when one image's col matrix would be at least this large: measured (docs/PERFORMANCE-conv.md) a
 * gain for 5x5 at 35x35 (5.9 MB) and the 7x7 stem at 224x224 (7.4 MB). */
#define IMPLICIT_MIN_COL ((size_t)4 << 20)

/* A strided or padded 1x1 whose col rows would be a multiple of 2 KiB (512 channels and more):
 * the GEMM would copy each block of the col again (cpu/gemm.c), so gathering the blocks from src
 * saves writing and reading the col. Below 512 channels the col is read in place, and the gather
 * (repeated for every tile of output channels) lost: ResNeXt-50 batch 8's 256-channel
 * layer2.0.downsample 8.18 against 7.80 ms, its 512-channel layer3.0.downsample 7.92 against
 * 8.04 (best of 8 interleaved runs). */
#define POINTWISE_GATHER(pb, crs) ((pb)->r == 1 && (pb)->s == 1 && (crs) % 512 == 0)

/* At batch > 1 into a channels-last dst, small images (at most BATCH_COL_PIXELS output pixels:
 * ResNet's 7x7, Inception's 8x8) have the im2col of all images made first, and the images are one GEMM
 * (dense_tiles merges them: no partial row block per image, one parallel loop instead of one per
 * image), when all their col matrices together take at most BATCH_COL_MAX. Measured (batch 8, 2
 * threads): 1x1/2 1024->2048 7x7 out 0.83-0.85x time, 3x3/2 512 7x7 out 0.89-0.91x; 14x14 and 28x28
 * outputs (1x1/2 512->1024 3.2 MB of col, 256->512 6.4 MB) 1.02-1.08x, whose one image's col
 * stayed in L2 between the im2col and the GEMM, and whose row blocks waste little per image.
 * A strided 1x1 of 512 channels or more is gathered instead (POINTWISE_GATHER), all images one
 * GEMM too, without the col. */
#define BATCH_COL_PIXELS 64
#define BATCH_COL_MAX ((size_t)8 << 20)

/* Smaller col matrices too, where the microkernel reads row blocks in place (it has a `seg`
 * kernel), when either
 *  - output rows hold two row blocks or more (Q >= 2 MR), so that most blocks are read in place:
 *    Inception-v3's 3x3/2 stem at batch 1 0.61x time, 3x3/2 128 at 56x56 0.98x, 3x3 96 at 28x28
 *    0.99x; narrower rows lost (Q = 17: Inception's 1x7 and 7x1 at batch 1 1.11x; Q = 14: a
 *    3x3/2 256 at 28x28 1.14x), or
 *  - several images of more than BATCH_COL_PIXELS pixels each, which are then one GEMM instead of
 *    an im2col and a GEMM per image (batch 8: Inception's 1x7 and 7x1 0.98x, 3x3/2 256 at 28x28
 *    0.97x, 3x3/2 128 at 56x56 0.94x).
 * Best of 6 interleaved runs of `oclnn bench conv`, AVX-512. */
static bool gather_col(const oclnn__cpu_conv *cv, size_t crs) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t pq = (size_t)pb->p * pb->q;
    if (pq * crs * sizeof(float) >= IMPLICIT_MIN_COL || POINTWISE_GATHER(pb, crs)) return true;
    if (!cv->gk->seg || (size_t)pb->r * pb->s == 1) return false;
    return pb->q >= 2 * cv->gk->mr || (pb->n > 1 && pq > BATCH_COL_PIXELS);
}

static bool batch_col_fits(const oclnn__cpu_conv *cv, oclnn_layout dst_layout) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t pq = (size_t)pb->p * pb->q;
    return cv->wpk && dst_layout != OCLNN_LAYOUT_NCHW && pb->groups == 1 && pb->n > 1 &&
           pq <= BATCH_COL_PIXELS && !POINTWISE_GATHER(pb, (size_t)pb->c) &&
           (size_t)pb->n * pb->c * pb->r * pb->s * pq * sizeof(float) <= BATCH_COL_MAX;
}

size_t oclnn__cpu_conv_gemm_col_images(const oclnn__cpu_conv *cv, oclnn_layout dst_layout) {
    return batch_col_fits(cv, dst_layout) ? cv->pb.n : 1;
}

oclnn_status oclnn__cpu_conv_gemm(oclnn_context *ctx, const oclnn__cpu_conv *cv, const oclnn_tensor *src,
                                  oclnn_tensor *dst, const oclnn_tensor *residual) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst);
    const size_t *ss = src->stride, *ds = dst->stride;
    size_t crs = (size_t)pb->cg * pb->r * pb->s, pq = (size_t)pb->p * pb->q;
    bool rows_channels = dst->layout == OCLNN_LAYOUT_NCHW;
    bool no_col = cv->algo == OCLNN_CONV_ALGO_GEMM1X1 && src->layout == dst->layout;
    if (cv->wpk && !rows_channels && no_col && (!pixels_even(ss, pb->q) || ss[OCLNN__C] != 1))
        no_col = false; /* the packed GEMM reads src's pixels as evenly spaced rows */
    if (!no_col && cv->wpk && !rows_channels && ss[OCLNN__C] == 1 && pixels_even(ds, pb->q) &&
        ds[OCLNN__C] == 1 && gather_col(cv, crs)) {
        /* im2col fused into the GEMM's row blocks: no col scratch */
        dense_tiles(cv, x, 0, ss[OCLNN__N], 0, pb->n, y, ds, residual, false, ss);
        return OCLNN_OK;
    }
    float *col = NULL;
    const bool batch_col = !no_col && batch_col_fits(cv, dst->layout);
    if (!no_col) {
        oclnn__storage *scratch;
        OCLNN__TRY(oclnn__context_scratch(ctx, (batch_col ? pb->n : 1) * pb->groups * crs * pq * sizeof(float),
                                          &scratch));
        col = scratch->mem;
    }
    if (cv->wpk && !rows_channels && !pixels_even(ds, pb->q)) {
        packed_rows(cv, x, ss, col, no_col, y, ds);
        oclnn__cpu_conv_epilogue(cv, residual, dst);
        return OCLNN_OK;
    }
    if (pb->groups == 1 && (!rows_channels || oclnn__cpu_blas_nests()) && pixels_even(ds, pb->q) &&
        (rows_channels ? ds[OCLNN__W] == 1 : ds[OCLNN__C] == 1) &&
        (!no_col || (pixels_even(ss, pb->q) && (rows_channels ? ss[OCLNN__W] == 1 : ss[OCLNN__C] == 1)))) {
        if (batch_col) { /* every image's im2col, then one GEMM over all their rows */
            for (size_t n = 0; n < pb->n; n++) im2col_cols_channels(pb, x, ss, n, col + n * pq * crs);
            dense_tiles(cv, col, crs, pq * crs, 0, pb->n, y, ds, residual, false, NULL);
        } else if (!no_col) {
            for (size_t n = 0; n < pb->n; n++) {
                if (rows_channels) im2col_rows_channels(pb, x, ss, n, col);
                else im2col_cols_channels(pb, x, ss, n, col);
                dense_tiles(cv, col, rows_channels ? pq : crs, 0, n, 1, y, ds, residual, rows_channels, NULL);
            }
        } else {
            dense_tiles(cv, x, rows_channels ? ss[OCLNN__C] : ss[OCLNN__W], ss[OCLNN__N], 0, pb->n, y, ds,
                        residual, rows_channels, NULL);
        }
        return OCLNN_OK;
    }
    if (no_col && !rows_channels && ss[OCLNN__N] == pb->h * ss[OCLNN__H] &&
        ds[OCLNN__N] == pb->p * ds[OCLNN__H]) {
        /* NHWC 1x1: every image's pixels are rows of one matrix. */
        for (size_t g = 0; g < pb->groups; g++)
            oclnn__cpu_sgemm(false, pb->n * pq, pb->kg, pb->cg, x + g * pb->cg, ss[OCLNN__W],
                             cv->wt + g * crs * pb->kg, pb->kg, 0.0f, y + g * pb->kg, ds[OCLNN__W]);
    } else {
        /* Per image: one im2col for all groups, then the groups' GEMMs, spread over the threads
         * (each single-threaded) when there are several and the BLAS allows it; otherwise the
         * BLAS threads each GEMM itself, outside any parallel region of ours. */
        const bool nest = pb->groups > 1 && oclnn__cpu_blas_nests();
        for (size_t n = 0; n < pb->n; n++) {
            if (!no_col) {
                if (rows_channels) im2col_rows_channels(pb, x, ss, n, col);
                else im2col_cols_channels(pb, x, ss, n, col);
            }
            if (nest) {
                groups_job j = {cv, x, ss, y, ds, n, col, no_col, rows_channels};
                oclnn__cpu_parallel_for(pb->groups, 1, groups_task, &j);
            } else {
                for (size_t g = 0; g < pb->groups; g++) group_gemm(cv, x, ss, y, ds, n, g, col, no_col, rows_channels);
            }
        }
    }
    oclnn__cpu_conv_epilogue(cv, residual, dst);
    return OCLNN_OK;
}
