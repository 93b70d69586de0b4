/* SPDX-License-Identifier: MIT */
/* Winograd F(2x2,3x3) and F(4x4,3x3) on the C backend (Lavin & Gray's matrices). Filters are
 * transformed once at create into U[alpha^2][K][C] (in double). A run transforms the input into
 * V[alpha^2][C][T] (T = N * tiles), does alpha^2 SGEMMs M = U * V, and transforms M back into dst
 * with bias, residual and activation. The transforms work on LANES tiles at a time so that the
 * innermost loops run across tiles and vectorize. */
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "cpu/blas.h"
#include "cpu/conv2d.h"
#include "cpu/cpu.h"

#define LANES 16
#define MAX_ALPHA 6

static const float BT2[4][4] = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
static const float AT2[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

static const float BT4[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                                {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
static const float AT4[4][6] = {
    {1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};

typedef struct wino {
    size_t m, alpha, th, tw, tiles; /* tiles = N * th * tw */
    float bt[MAX_ALPHA][MAX_ALPHA], at[MAX_ALPHA][MAX_ALPHA];
} wino;

static void wino_init(const oclnn__cpu_conv *cv, wino *w) {
    memset(w, 0, sizeof *w);
    const oclnn__conv2d_problem *pb = &cv->pb;
    w->m = cv->m;
    w->alpha = w->m + 2;
    w->th = (pb->p + w->m - 1) / w->m;
    w->tw = (pb->q + w->m - 1) / w->m;
    w->tiles = pb->n * w->th * w->tw;
    for (size_t i = 0; i < w->alpha; i++)
        for (size_t j = 0; j < w->alpha; j++) w->bt[i][j] = w->m == 2 ? BT2[i][j] : BT4[i][j];
    for (size_t i = 0; i < w->m; i++)
        for (size_t j = 0; j < w->alpha; j++) w->at[i][j] = w->m == 2 ? AT2[i][j] : AT4[i][j];
}

oclnn_status oclnn__cpu_winograd_prepare(oclnn_context *ctx, oclnn__cpu_conv *cv) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    size_t alpha = cv->m + 2, kc = (size_t)pb->k * pb->c;
    cv->u = oclnn__alloc(ctx->allocator, alpha * alpha * kc * sizeof(float));
    if (!cv->u) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the transformed filters");
    oclnn__conv2d_winograd_filter(pb, cv->m, cv->w, cv->u);
    return OCLNN_OK;
}

size_t oclnn__cpu_winograd_workspace(const oclnn__cpu_conv *cv) {
    wino w;
    wino_init(cv, &w);
    return w.alpha * w.alpha * w.tiles * ((size_t)cv->pb.c + cv->pb.k) * sizeof(float);
}

OCLNN__CPU_CLONES
static void input_transform(const oclnn__cpu_conv *cv, const wino *w, const oclnn_tensor *src, float *v) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const float *x = oclnn__cpu_cdata(src);
    const size_t *ss = src->stride, alpha = w->alpha, T = w->tiles, C = pb->c;
    size_t blocks = (T + LANES - 1) / LANES;
    long jobs = (long)(C * blocks);
#pragma omp parallel for schedule(static)
    for (long job = 0; job < jobs; job++) {
        size_t c = (size_t)job / blocks, t0 = (size_t)job % blocks * LANES;
        size_t lanes = T - t0 < LANES ? T - t0 : LANES;
        float d[MAX_ALPHA][MAX_ALPHA][LANES], t[MAX_ALPHA][MAX_ALPHA][LANES];
        for (size_t l = 0; l < LANES; l++) {
            size_t tile = t0 + (l < lanes ? l : 0);
            size_t n = tile / (w->th * w->tw), ty = tile / w->tw % w->th, tx = tile % w->tw;
            const float *plane = x + n * ss[0] + c * ss[1];
            for (size_t i = 0; i < alpha; i++) {
                long iy = (long)(ty * w->m + i) - (long)pb->pad_top;
                for (size_t j = 0; j < alpha; j++) {
                    long ix = (long)(tx * w->m + j) - (long)pb->pad_left;
                    d[i][j][l] = iy >= 0 && iy < (long)pb->h && ix >= 0 && ix < (long)pb->w
                                     ? plane[(size_t)iy * ss[2] + (size_t)ix * ss[3]]
                                     : 0.0f;
                }
            }
        }
        for (size_t i = 0; i < alpha; i++)
            for (size_t j = 0; j < alpha; j++) {
                float acc[LANES] = {0};
                for (size_t k = 0; k < alpha; k++) {
                    float b = w->bt[i][k];
                    if (b != 0.0f)
                        for (size_t l = 0; l < LANES; l++) acc[l] += b * d[k][j][l];
                }
                memcpy(t[i][j], acc, sizeof acc);
            }
        for (size_t i = 0; i < alpha; i++)
            for (size_t j = 0; j < alpha; j++) {
                float acc[LANES] = {0};
                for (size_t k = 0; k < alpha; k++) {
                    float b = w->bt[j][k];
                    if (b != 0.0f)
                        for (size_t l = 0; l < LANES; l++) acc[l] += b * t[i][k][l];
                }
                float *out = v + ((i * alpha + j) * C + c) * T + t0;
                for (size_t l = 0; l < lanes; l++) out[l] = acc[l];
            }
    }
}

OCLNN__CPU_CLONES
static void output_transform(const oclnn__cpu_conv *cv, const wino *w, const float *mm,
                             const oclnn_tensor *residual, oclnn_tensor *dst) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    float *y = oclnn__cpu_data(dst);
    const float *res = residual ? oclnn__cpu_cdata(residual) : NULL;
    const size_t *ds = dst->stride, *rs = residual ? residual->stride : ds;
    const size_t alpha = w->alpha, m = w->m, T = w->tiles, K = pb->k;
    size_t blocks = (T + LANES - 1) / LANES;
    long jobs = (long)(K * blocks);
#pragma omp parallel for schedule(static)
    for (long job = 0; job < jobs; job++) {
        size_t k = (size_t)job / blocks, t0 = (size_t)job % blocks * LANES;
        size_t lanes = T - t0 < LANES ? T - t0 : LANES;
        float t[MAX_ALPHA][MAX_ALPHA][LANES], o[MAX_ALPHA][MAX_ALPHA][LANES];
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < alpha; j++) {
                float acc[LANES] = {0};
                for (size_t e = 0; e < alpha; e++) {
                    float a = w->at[i][e];
                    if (a == 0.0f) continue;
                    const float *in = mm + ((e * alpha + j) * K + k) * T + t0;
                    for (size_t l = 0; l < lanes; l++) acc[l] += a * in[l];
                }
                memcpy(t[i][j], acc, sizeof acc);
            }
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < m; j++) {
                float acc[LANES] = {0};
                for (size_t e = 0; e < alpha; e++) {
                    float a = w->at[j][e];
                    if (a != 0.0f)
                        for (size_t l = 0; l < LANES; l++) acc[l] += a * t[i][e][l];
                }
                memcpy(o[i][j], acc, sizeof acc);
            }
        float b = cv->bias ? cv->bias[k] : 0.0f;
        for (size_t l = 0; l < lanes; l++) {
            size_t tile = t0 + l;
            size_t n = tile / (w->th * w->tw), ty = tile / w->tw % w->th, tx = tile % w->tw;
            for (size_t i = 0; i < m && ty * m + i < pb->p; i++)
                for (size_t j = 0; j < m && tx * m + j < pb->q; j++) {
                    size_t p = ty * m + i, q = tx * m + j;
                    float v = o[i][j][l] + b;
                    if (res) v += res[n * rs[0] + k * rs[1] + p * rs[2] + q * rs[3]];
                    if (pb->act == OCLNN_ACTIVATION_RELU && v < 0.0f) v = 0.0f;
                    y[n * ds[0] + k * ds[1] + p * ds[2] + q * ds[3]] = v;
                }
        }
    }
}

oclnn_status oclnn__cpu_conv_winograd(oclnn_context *ctx, const oclnn__cpu_conv *cv,
                                      const oclnn_tensor *src, oclnn_tensor *dst,
                                      const oclnn_tensor *residual) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    wino w;
    wino_init(cv, &w);
    oclnn__storage *scratch;
    OCLNN__TRY(oclnn__context_scratch(ctx, oclnn__cpu_winograd_workspace(cv), &scratch));
    size_t a2 = w.alpha * w.alpha, T = w.tiles;
    float *v = scratch->mem, *mm = v + a2 * pb->c * T;
    input_transform(cv, &w, src, v);
    /* The alpha^2 GEMMs are small (K x T x C with T often < 100): spread them over the threads,
     * each single-threaded, when the BLAS allows it. */
    bool nest = oclnn__cpu_blas_nests();
#pragma omp parallel for schedule(dynamic) if (nest)
    for (long e = 0; e < (long)a2; e++)
        oclnn__cpu_sgemm(pb->k, T, pb->c, cv->u + e * pb->k * pb->c, pb->c, v + e * pb->c * T, T, 0.0f,
                         mm + e * pb->k * T, T);
    output_transform(cv, &w, mm, residual, dst);
    return OCLNN_OK;
}
