/* SPDX-License-Identifier: MIT */
/* Winograd F(2x2,3x3), F(4x4,3x3) (Lavin & Gray's matrices) and F(6x6,3x3) (the points 0, +-1,
 * +-2, +-1/2 and infinity) on the C backend. Filters are
 * transformed once at create (in double) and stored as U[alpha^2]^T packed for the GEMM
 * microkernel (cpu/gemm.h). A run transforms the input into V (T = N * tiles), does alpha^2 GEMMs
 * M[alpha^2][T][K] = V * U^T, and transforms M back into dst with bias, residual and activation.
 * For channels-last (NHWC) sources the transforms' lanes are 16 consecutive channels and V is
 * [alpha^2][T][C], so every load and store is contiguous; for others the lanes are 16 tiles and
 * V is [alpha^2][C][T], which the GEMM reads transposed. */
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "cpu/conv2d.h"
#include "cpu/cpu.h"
#include "cpu/gemm.h"
#include "cpu/pool.h"

#define LANES 16
#define MAX_ALPHA 8

/* The transforms are written out per size (Lavin & Gray's BT and AT for m = 2 and 4; for m = 6
 * the points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity, src/backend/winograd.c's G6, every
 * coefficient exact in binary floating point), each a loop over LANES independent lanes that the
 * compiler vectorizes: no zero coefficient is multiplied and no coefficient is loaded. A line
 * transform reads alpha vectors x[k * xs] and writes y[i * ys]. */
#define LINE_BEGIN(n)                                                                             \
    for (size_t l = 0; l < LANES; l++) {                                                          \
        float d[8];                                                                               \
        for (size_t k = 0; k < (n); k++) d[k] = x[k * xs + l];
#define LINE_END }
#define Y(i) y[(i) * ys + l]

OCLNN__CPU_INLINE void bt_line(const size_t m, const float *restrict x, size_t xs, float *restrict y, size_t ys) {
    if (m == 2) {
        LINE_BEGIN(4)
        Y(0) = d[0] - d[2];
        Y(1) = d[1] + d[2];
        Y(2) = d[2] - d[1];
        Y(3) = d[1] - d[3];
        LINE_END
    } else if (m == 4) {
        LINE_BEGIN(6)
        Y(0) = 4 * d[0] - 5 * d[2] + d[4];
        Y(1) = -4 * d[1] - 4 * d[2] + d[3] + d[4];
        Y(2) = 4 * d[1] - 4 * d[2] - d[3] + d[4];
        Y(3) = -2 * d[1] - d[2] + 2 * d[3] + d[4];
        Y(4) = 2 * d[1] - d[2] - 2 * d[3] + d[4];
        Y(5) = 4 * d[1] - 5 * d[3] + d[5];
        LINE_END
    } else {
        LINE_BEGIN(8)
        Y(0) = d[0] - 5.25f * d[2] + 5.25f * d[4] - d[6];
        Y(1) = d[1] + d[2] - 4.25f * d[3] - 4.25f * d[4] + d[5] + d[6];
        Y(2) = -d[1] + d[2] + 4.25f * d[3] - 4.25f * d[4] - d[5] + d[6];
        Y(3) = 0.5f * d[1] + 0.25f * d[2] - 2.5f * d[3] - 1.25f * d[4] + 2 * d[5] + d[6];
        Y(4) = -0.5f * d[1] + 0.25f * d[2] + 2.5f * d[3] - 1.25f * d[4] - 2 * d[5] + d[6];
        Y(5) = 2 * d[1] + 4 * d[2] - 2.5f * d[3] - 5 * d[4] + 0.5f * d[5] + d[6];
        Y(6) = -2 * d[1] + 4 * d[2] + 2.5f * d[3] - 5 * d[4] - 0.5f * d[5] + d[6];
        Y(7) = -d[1] + 5.25f * d[3] - 5.25f * d[5] + d[7];
        LINE_END
    }
}

OCLNN__CPU_INLINE void at_line(const size_t m, const float *restrict x, size_t xs, float *restrict y, size_t ys) {
    if (m == 2) {
        LINE_BEGIN(4)
        Y(0) = d[0] + d[1] + d[2];
        Y(1) = d[1] - d[2] - d[3];
        LINE_END
    } else if (m == 4) {
        LINE_BEGIN(6)
        Y(0) = d[0] + d[1] + d[2] + d[3] + d[4];
        Y(1) = d[1] - d[2] + 2 * d[3] - 2 * d[4];
        Y(2) = d[1] + d[2] + 4 * d[3] + 4 * d[4];
        Y(3) = d[1] - d[2] + 8 * d[3] - 8 * d[4] + d[5];
        LINE_END
    } else {
        LINE_BEGIN(8)
        Y(0) = d[0] + d[1] + d[2] + d[3] + d[4] + d[5] + d[6];
        Y(1) = d[1] - d[2] + 2 * d[3] - 2 * d[4] + 0.5f * d[5] - 0.5f * d[6];
        Y(2) = d[1] + d[2] + 4 * d[3] + 4 * d[4] + 0.25f * d[5] + 0.25f * d[6];
        Y(3) = d[1] - d[2] + 8 * d[3] - 8 * d[4] + 0.125f * d[5] - 0.125f * d[6];
        Y(4) = d[1] + d[2] + 16 * d[3] + 16 * d[4] + 0.0625f * d[5] + 0.0625f * d[6];
        Y(5) = d[1] - d[2] + 32 * d[3] - 32 * d[4] + 0.03125f * d[5] - 0.03125f * d[6] + d[7];
        LINE_END
    }
}
#undef LINE_BEGIN
#undef LINE_END
#undef Y

typedef struct wino {
    size_t m, alpha, th, tw, tiles; /* tiles = N * th * tw */
} wino;

static void wino_init(const oclnn__cpu_conv *cv, wino *w) {
    memset(w, 0, sizeof *w);
    const oclnn__conv2d_problem *pb = &cv->pb;
    w->m = cv->m;
    w->alpha = w->m + 2;
    w->th = (pb->p + w->m - 1) / w->m;
    w->tw = (pb->q + w->m - 1) / w->m;
    w->tiles = pb->n * w->th * w->tw;
}

/* U[xi] transposed (C x K) and packed for the GEMM microkernel (cpu/gemm.h), one output channel
 * at a time through a small buffer, so create never holds a second full copy. */
oclnn_status oclnn__cpu_winograd_prepare(oclnn_context *ctx, oclnn__cpu_conv *cv) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const size_t a2 = (cv->m + 2) * (cv->m + 2), C = pb->c, K = pb->k;
    cv->gk = oclnn__cpu_gemm_kernel();
    const size_t psize = oclnn__cpu_gemm_packed_size(cv->gk, C, K);
    cv->u = oclnn__alloc(ctx->allocator, a2 * psize * sizeof(float));
    float *one = oclnn__alloc(ctx->allocator, a2 * C * sizeof(float));
    if (!cv->u || !one) {
        oclnn__free(ctx->allocator, one);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the transformed filters");
    }
    memset(cv->u, 0, a2 * psize * sizeof(float));
    oclnn__conv2d_problem p1 = *pb;
    p1.k = 1;
    for (size_t k = 0; k < K; k++) {
        oclnn__conv2d_winograd_filter(&p1, cv->m, cv->w + k * C * 9, one); /* [xi][c] */
        for (size_t e = 0; e < a2; e++)
            for (size_t c = 0; c < C; c++)
                cv->u[e * psize + oclnn__cpu_gemm_packed_index(cv->gk, C, K, c, k)] = one[e * C + c];
    }
    oclnn__free(ctx->allocator, one);
    return OCLNN_OK;
}

/* Tile blocks: with many tiles, each thread runs input transform, GEMMs and output transform on
 * FUSE_TILES..2*FUSE_TILES-ish tiles at a time, V and M of one block (alpha^2 x tiles x (C + K)
 * floats, at most FUSE_BYTES) staying in its L2, instead of three passes over V and M for every
 * tile (at batch 8 hundreds of MiB of traffic, and of workspace). Returns the block's tiles, or 0
 * when the layer keeps the three passes: a channels-first source, too few tiles for two blocks
 * per thread, or too many channels for a block of 2 * MR tiles. */
#define FUSE_BYTES (1536u * 1024u)

static size_t fused_tiles(const oclnn__cpu_conv *cv, const wino *w, bool cl, size_t threads) {
    const size_t per_tile = w->alpha * w->alpha * ((size_t)cv->pb.c + cv->pb.k) * sizeof(float);
    const size_t mr = cv->gk->mr;
    size_t tb = FUSE_BYTES / per_tile / mr * mr;
    if (tb > 8 * mr) tb = 8 * mr;
    if (!cl || tb < 2 * mr || w->tiles < 2 * tb * (threads ? threads : 1)) return 0;
    return tb;
}

size_t oclnn__cpu_winograd_workspace(const oclnn__cpu_conv *cv, bool cl, size_t threads) {
    wino w;
    wino_init(cv, &w);
    const size_t per_tile = w.alpha * w.alpha * ((size_t)cv->pb.c + cv->pb.k) * sizeof(float);
    const size_t tb = fused_tiles(cv, &w, cl, threads);
    return tb ? (threads ? threads : 1) * tb * per_tile : w.tiles * per_tile;
}

/* o = BT d B for LANES independent tiles or channels: the columns, then the rows. */
OCLNN__CPU_INLINE void bt_apply(const size_t m, float d[MAX_ALPHA][MAX_ALPHA][LANES],
                                float o[MAX_ALPHA][MAX_ALPHA][LANES]) {
    const size_t alpha = m + 2;
    float t[MAX_ALPHA][MAX_ALPHA][LANES];
    for (size_t j = 0; j < alpha; j++) bt_line(m, d[0][j], MAX_ALPHA * LANES, t[0][j], MAX_ALPHA * LANES);
    for (size_t i = 0; i < alpha; i++) bt_line(m, t[i][0], LANES, o[i][0], LANES);
}

/* o = AT mm A (m x m) for LANES tiles or channels. */
OCLNN__CPU_INLINE void at_apply(const size_t m, float mm[MAX_ALPHA][MAX_ALPHA][LANES],
                                float o[MAX_ALPHA][MAX_ALPHA][LANES]) {
    const size_t alpha = m + 2;
    float t[MAX_ALPHA][MAX_ALPHA][LANES];
    for (size_t j = 0; j < alpha; j++) at_line(m, mm[0][j], MAX_ALPHA * LANES, t[0][j], MAX_ALPHA * LANES);
    for (size_t i = 0; i < m; i++) at_line(m, t[i][0], LANES, o[i][0], LANES);
}

static void tile_pos(const wino *w, size_t tile, size_t *n, size_t *ty, size_t *tx) {
    *n = tile / (w->th * w->tw);
    *ty = tile / w->tw % w->th;
    *tx = tile % w->tw;
}

/* V = BT d B. Channels-last sources (cl) put channels in the lanes and write V[xi][t][c];
 * others put tiles in the lanes and write V[xi][c][t]. Either way the loads of a lane group are
 * contiguous in the common case. */
/* Jobs [begin, end); V holds tiles [t0, t0 + tn) (channels-last; the other order all T). */
OCLNN__CPU_INLINE void input_transform_m(const oclnn__cpu_conv *cv, const wino *w, const oclnn_tensor *src,
                                     bool cl, float *v, const size_t m, size_t begin, size_t end,
                                     size_t t0, size_t tn) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const float *x = oclnn__cpu_cdata(src);
    const size_t *ss = src->stride, alpha = m + 2, T = w->tiles, C = pb->c;
    const size_t outer = cl ? tn : C, inner = cl ? C : T, blocks = (inner + LANES - 1) / LANES;
    for (size_t job = begin; job < end; job++) {
        size_t o0 = (size_t)job / blocks, i0 = (size_t)job % blocks * LANES;
        size_t lanes = inner - i0 < LANES ? inner - i0 : LANES;
        float d[MAX_ALPHA][MAX_ALPHA][LANES], o[MAX_ALPHA][MAX_ALPHA][LANES];
        if (cl) { /* one tile, LANES consecutive channels: contiguous loads */
            size_t n, ty, tx;
            tile_pos(w, o0, &n, &ty, &tx);
            const float *base = x + n * ss[0] + i0 * ss[1];
            for (size_t i = 0; i < alpha; i++) {
                long iy = (long)(ty * m + i) - (long)pb->pad_top;
                for (size_t j = 0; j < alpha; j++) {
                    long ix = (long)(tx * m + j) - (long)pb->pad_left;
                    if (iy < 0 || iy >= (long)pb->h || ix < 0 || ix >= (long)pb->w) {
                        memset(d[i][j], 0, sizeof d[i][j]);
                        continue;
                    }
                    const float *in = base + (size_t)iy * ss[2] + (size_t)ix * ss[3];
                    if (lanes == LANES)
                        for (size_t l = 0; l < LANES; l++) d[i][j][l] = in[l];
                    else
                        for (size_t l = 0; l < LANES; l++) d[i][j][l] = l < lanes ? in[l] : 0.0f;
                }
            }
        } else { /* one channel, LANES consecutive tiles */
            for (size_t l = 0; l < LANES; l++) {
                size_t tile = i0 + (l < lanes ? l : 0), n, ty, tx;
                tile_pos(w, tile, &n, &ty, &tx);
                const float *plane = x + n * ss[0] + o0 * ss[1];
                for (size_t i = 0; i < alpha; i++) {
                    long iy = (long)(ty * m + i) - (long)pb->pad_top;
                    for (size_t j = 0; j < alpha; j++) {
                        long ix = (long)(tx * m + j) - (long)pb->pad_left;
                        d[i][j][l] = iy >= 0 && iy < (long)pb->h && ix >= 0 && ix < (long)pb->w
                                         ? plane[(size_t)iy * ss[2] + (size_t)ix * ss[3]]
                                         : 0.0f;
                    }
                }
            }
        }
        bt_apply(m, d, o);
        for (size_t i = 0; i < alpha; i++)
            for (size_t j = 0; j < alpha; j++) {
                float *out = v + ((i * alpha + j) * outer + o0 - (cl ? t0 : 0)) * inner + i0;
                if (lanes == LANES) memcpy(out, o[i][j], sizeof o[i][j]);
                else for (size_t l = 0; l < lanes; l++) out[l] = o[i][j][l];
            }
    }
}

/* One convolution's run, for the pool's tasks. */
typedef struct wino_job {
    const oclnn__cpu_conv *cv;
    const wino *w;
    const oclnn_tensor *src, *residual;
    oclnn_tensor *dst;
    bool cl;
    float *v, *mm;
    size_t psize, tb; /* tb: tiles per block of the fused path */
} wino_job;

OCLNN__CPU_TASK(input_task) {
    (void)worker;
    const wino_job *j = arg;
    const size_t T = j->w->tiles;
    if (j->w->m == 2) input_transform_m(j->cv, j->w, j->src, j->cl, j->v, 2, begin, end, 0, T);
    else if (j->w->m == 4) input_transform_m(j->cv, j->w, j->src, j->cl, j->v, 4, begin, end, 0, T);
    else input_transform_m(j->cv, j->w, j->src, j->cl, j->v, 6, begin, end, 0, T);
}

/* dst = AT M A with the epilogue; M is [xi][t][k], the lanes LANES consecutive output channels
 * of one tile (dst of either layout, through its strides). */
/* Jobs [begin, end); M holds tiles [t0, t0 + tn). */
OCLNN__CPU_INLINE void output_transform_m(const oclnn__cpu_conv *cv, const wino *w, const float *mm,
                                      const oclnn_tensor *residual, oclnn_tensor *dst,
                                      const size_t m, size_t begin, size_t end, size_t t0, size_t tn) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    float *y = oclnn__cpu_data(dst);
    const float *res = residual ? oclnn__cpu_cdata(residual) : NULL;
    const size_t *ds = dst->stride, *rs = residual ? residual->stride : ds;
    const size_t alpha = m + 2, K = pb->k;
    const size_t blocks = (K + LANES - 1) / LANES;
    const bool relu = pb->act == OCLNN_ACTIVATION_RELU;
    for (size_t job = begin; job < end; job++) {
        size_t o0 = (size_t)job / blocks, i0 = (size_t)job % blocks * LANES;
        size_t lanes = K - i0 < LANES ? K - i0 : LANES;
        float in[MAX_ALPHA][MAX_ALPHA][LANES], o[MAX_ALPHA][MAX_ALPHA][LANES];
        for (size_t i = 0; i < alpha; i++)
            for (size_t j = 0; j < alpha; j++) {
                const float *src = mm + ((i * alpha + j) * tn + o0 - t0) * K + i0;
                if (lanes == LANES) memcpy(in[i][j], src, sizeof in[i][j]);
                else for (size_t l = 0; l < LANES; l++) in[i][j][l] = l < lanes ? src[l] : 0.0f;
            }
        at_apply(m, in, o);
        size_t n, ty, tx;
        tile_pos(w, o0, &n, &ty, &tx);
        float b[LANES];
        for (size_t l = 0; l < LANES; l++) b[l] = cv->bias && l < lanes ? cv->bias[i0 + l] : 0.0f;
        const bool unit = lanes == LANES && ds[1] == 1 && (!res || rs[1] == 1);
        for (size_t i = 0; i < m && ty * m + i < pb->p; i++)
            for (size_t j = 0; j < m && tx * m + j < pb->q; j++) {
                size_t p = ty * m + i, q = tx * m + j;
                float *out = y + n * ds[0] + i0 * ds[1] + p * ds[2] + q * ds[3];
                const float *ro = res ? res + n * rs[0] + i0 * rs[1] + p * rs[2] + q * rs[3] : NULL;
                if (unit) { /* channels-last, a whole vector: contiguous, in vector steps
                             * through t (the residual may be dst itself) */
                    float t[LANES];
                    for (size_t l = 0; l < LANES; l++) t[l] = o[i][j][l] + b[l];
                    if (ro)
                        for (size_t l = 0; l < LANES; l++) t[l] += ro[l];
                    if (relu)
                        for (size_t l = 0; l < LANES; l++) t[l] = t[l] < 0.0f ? 0.0f : t[l];
                    memcpy(out, t, sizeof t);
                    continue;
                }
                for (size_t l = 0; l < lanes; l++) {
                    float v = o[i][j][l] + b[l] + (ro ? ro[l * rs[1]] : 0.0f);
                    out[l * ds[1]] = relu && v < 0.0f ? 0.0f : v;
                }
            }
    }
}

OCLNN__CPU_TASK(output_task) {
    (void)worker;
    const wino_job *j = arg;
    const size_t T = j->w->tiles;
    if (j->w->m == 2) output_transform_m(j->cv, j->w, j->mm, j->residual, j->dst, 2, begin, end, 0, T);
    else if (j->w->m == 4) output_transform_m(j->cv, j->w, j->mm, j->residual, j->dst, 4, begin, end, 0, T);
    else output_transform_m(j->cv, j->w, j->mm, j->residual, j->dst, 6, begin, end, 0, T);
}

/* M[xi] = V[xi] * U[xi]^T for elements xi in [begin, end). */
static void gemm_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const wino_job *j = arg;
    const size_t T = j->w->tiles, C = j->cv->pb.c, K = j->cv->pb.k;
    for (size_t e = begin; e < end; e++)
        oclnn__cpu_gemm_packed_strided(j->cv->gk, T, 0, K, C, K, j->v + e * C * T, j->cl ? C : 1,
                                       j->cl ? 1 : T, j->cv->u + e * j->psize, j->mm + e * T * K, K);
}

/* Tile blocks [begin, end) of the fused path: each block's V and M in this worker's part of the
 * workspace. */
OCLNN__CPU_INLINE void fused_blocks_m(const wino_job *j, const size_t m, size_t begin, size_t end, unsigned worker) {
    const size_t a2 = (m + 2) * (m + 2), T = j->w->tiles, C = j->cv->pb.c, K = j->cv->pb.k;
    const size_t cblocks = (C + LANES - 1) / LANES, kblocks = (K + LANES - 1) / LANES;
    float *v = j->v + (size_t)worker * j->tb * a2 * (C + K), *mm = v + j->tb * a2 * C;
    for (size_t b = begin; b < end; b++) {
        const size_t t0 = b * j->tb, tn = T - t0 < j->tb ? T - t0 : j->tb;
        input_transform_m(j->cv, j->w, j->src, true, v, m, t0 * cblocks, (t0 + tn) * cblocks, t0, tn);
        for (size_t e = 0; e < a2; e++)
            oclnn__cpu_gemm_packed(j->cv->gk, tn, 0, K, C, K, v + e * tn * C, C, j->cv->u + e * j->psize,
                                   mm + e * tn * K, K);
        output_transform_m(j->cv, j->w, mm, j->residual, j->dst, m, t0 * kblocks, (t0 + tn) * kblocks, t0, tn);
    }
}

OCLNN__CPU_TASK(fused_task) {
    const wino_job *j = arg;
    if (j->w->m == 2) fused_blocks_m(j, 2, begin, end, worker);
    else if (j->w->m == 4) fused_blocks_m(j, 4, begin, end, worker);
    else fused_blocks_m(j, 6, begin, end, worker);
}

oclnn_status oclnn__cpu_conv_winograd(oclnn_context *ctx, const oclnn__cpu_conv *cv,
                                      const oclnn_tensor *src, oclnn_tensor *dst,
                                      const oclnn_tensor *residual) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    wino w;
    wino_init(cv, &w);
    const bool cl = src->stride[OCLNN__C] == 1;
    const size_t threads = (size_t)oclnn__cpu_threads();
    oclnn__storage *scratch;
    OCLNN__TRY(oclnn__context_scratch(ctx, oclnn__cpu_winograd_workspace(cv, cl, threads), &scratch));
    const size_t a2 = w.alpha * w.alpha, T = w.tiles, C = pb->c, K = pb->k;
    const size_t psize = oclnn__cpu_gemm_packed_size(cv->gk, C, K);
    float *v = scratch->mem, *mm = v + a2 * C * T;
    const size_t tb = fused_tiles(cv, &w, cl, threads);
    if (tb) {
        wino_job j = {cv, &w, src, residual, dst, cl, v, NULL, psize, tb};
        oclnn__cpu_parallel_for((T + tb - 1) / tb, 1, fused_task, &j);
        return OCLNN_OK;
    }
    /* Channels-last sources put channels in the lanes (V[xi][t][c]), others tiles (V[xi][c][t],
     * read transposed by the GEMM). Either way M[xi][t][k] = V[xi] * U[xi]^T, the alpha^2 GEMMs
     * spread over the threads (each single-threaded; T is often under 100). */
    wino_job j = {cv, &w, src, residual, dst, cl, v, mm, psize, 0};
    const size_t in_jobs = (cl ? T : C) * (((cl ? C : T) + LANES - 1) / LANES);
    const size_t out_jobs = T * ((K + LANES - 1) / LANES);
    oclnn__cpu_parallel_for(in_jobs, oclnn__cpu_grain(in_jobs, 4, 1), input_task, &j);
    oclnn__cpu_parallel_for(a2, 1, gemm_task, &j);
    oclnn__cpu_parallel_for(out_jobs, oclnn__cpu_grain(out_jobs, 4, 1), output_task, &j);
    return OCLNN_OK;
}
