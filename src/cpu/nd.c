/* SPDX-License-Identifier: MIT */
/* 3-D convolution and pooling on the C backend (issue 19). A 5-D tensor arrives as the 4-D
 * tensor (n, c, d * h, w) that stores it, so element (n, c, z, y, x) is at
 *   n * s[N] + c * s[C] + (z * H + y) * s[H] + x * s[W]
 * in either layout or a channel view.
 *
 * Convolution, two algorithms:
 *   direct: one output element at a time, taps walked in (ci, t, r, s) order, clipped to the
 *     input so no tap tests a bound; threads over (n, k, od).
 *   im2col: per (image, group, tile of TILE output pixels), the im2col-3d of the tile is written
 *     straight into the GEMM's packed B panels (cpu/gemm.h), the group's weights are A read in
 *     place (K x Cg*T*R*S, row-major), and the tile of C (kg x TILE) gets its epilogue (bias,
 *     residual, ReLU) while in cache. Threads over tiles, each with its own buffers, so memory
 *     stays at threads * (P + kg) * TILE floats however large the clip.
 * Every loop runs on the backend's thread pool (cpu/pool.h), like the 2-D ops. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/nd.h"
#include "core/status.h"
#include "cpu/cpu.h"
#include "cpu/gemm.h"
#include "cpu/pool.h"

#define TILE 256 /* output pixels per im2col tile (a multiple of every microkernel's NR) */

static inline size_t at5(const size_t s[4], size_t H, size_t n, size_t c, size_t z, size_t y,
                         size_t x) {
    return n * s[OCLNN__N] + c * s[OCLNN__C] + (z * H + y) * s[OCLNN__H] + x * s[OCLNN__W];
}

/* Output position o's first input coordinate and the range of taps [t0, t1) that land inside
 * [0, in): start = o * stride - pad, tap t at start + t * dil. */
static inline void tap_range(long start, long in, long dil, long taps, long *t0, long *t1) {
    long lo = start >= 0 ? 0 : (-start + dil - 1) / dil;
    long hi = start >= in ? 0 : (in - start + dil - 1) / dil;
    *t0 = lo;
    *t1 = hi < taps ? hi : taps;
}

static inline float finish(float v, const float *bias, size_t k, const float *res, size_t roff,
                           bool relu) {
    if (bias) v += bias[k];
    if (res) v += res[roff];
    return relu && !(v >= 0.0f) && !isnan(v) ? 0.0f : v;
}

/* What a loop over 3-D convolution jobs reads. */
typedef struct conv3d_job {
    const oclnn__conv3d_problem *pb;
    const oclnn__gemm_kernel *gk;
    const float *w, *bias, *x, *res;
    float *y, *scratch; /* im2col: per worker, bsize + csize floats */
    const size_t *ss, *ds, *rs;
    size_t bsize, csize;
} conv3d_job;

/* Jobs [begin, end) of (n, k, od). */
static void direct_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const conv3d_job *jb = arg;
    const oclnn__conv3d_problem *pb = jb->pb;
    const float *x = jb->x, *w = jb->w, *bias = jb->bias, *res = jb->res;
    float *y = jb->y;
    const size_t *ss = jb->ss, *ds = jb->ds, *rs = jb->rs;
    const size_t taps = (size_t)pb->kt * pb->kr * pb->ks, per_k = (size_t)pb->cg * taps;
    const bool relu = pb->act == OCLNN_ACTIVATION_RELU;
    for (size_t job = begin; job < end; job++) {
        size_t oz = (size_t)job % pb->od, k = (size_t)job / pb->od % pb->k,
               n = (size_t)job / pb->od / pb->k;
        size_t g = k / pb->kg;
        const float *wk = w + k * per_k;
        long t0, t1;
        tap_range((long)oz * pb->stride[0] - pb->pad[0], pb->d, pb->dil[0], pb->kt, &t0, &t1);
        for (size_t oy = 0; oy < pb->oh; oy++) {
            long r0, r1;
            tap_range((long)oy * pb->stride[1] - pb->pad[1], pb->h, pb->dil[1], pb->kr, &r0, &r1);
            for (size_t ox = 0; ox < pb->ow; ox++) {
                long s0, s1;
                long xs = (long)ox * pb->stride[2] - pb->pad[2];
                tap_range(xs, pb->w, pb->dil[2], pb->ks, &s0, &s1);
                float facc = 0.0f;
                for (size_t ci = 0; ci < pb->cg; ci++) {
                    const float *xc = x + n * ss[OCLNN__N] + (g * pb->cg + ci) * ss[OCLNN__C];
                    const float *wc = wk + ci * taps;
                    for (long t = t0; t < t1; t++) {
                        size_t z = (size_t)((long)oz * pb->stride[0] - pb->pad[0] + t * pb->dil[0]);
                        for (long r = r0; r < r1; r++) {
                            size_t yy =
                                (size_t)((long)oy * pb->stride[1] - pb->pad[1] + r * pb->dil[1]);
                            const float *row = xc + (z * pb->h + yy) * ss[OCLNN__H];
                            const float *wr = wc + ((size_t)t * pb->kr + (size_t)r) * pb->ks;
                            for (long s = s0; s < s1; s++)
                                facc +=
                                    wr[s] * row[(size_t)(xs + s * (long)pb->dil[2]) * ss[OCLNN__W]];
                        }
                    }
                }
                size_t roff = res ? at5(rs, pb->oh, n, k, oz, oy, ox) : 0;
                y[at5(ds, pb->oh, n, k, oz, oy, ox)] = finish(facc, bias, k, res, roff, relu);
            }
        }
    }
}

static void conv3d_direct(const oclnn__conv3d_problem *pb, const float *w, const float *bias,
                          const oclnn_tensor *src, oclnn_tensor *dst,
                          const oclnn_tensor *residual) {
    conv3d_job jb = {.pb = pb, .w = w, .bias = bias, .x = oclnn__cpu_cdata(src), .y = oclnn__cpu_data(dst),
                     .res = residual ? oclnn__cpu_cdata(residual) : NULL, .ss = src->stride, .ds = dst->stride,
                     .rs = residual ? residual->stride : NULL};
    size_t jobs = (size_t)pb->n * pb->k * pb->od;
    oclnn__cpu_parallel_for(jobs, oclnn__cpu_grain(jobs, 4, 1), direct_task, &jb);
}

/* im2col-3d of output pixels [j0, j0 + cols) of image n, group g into the packed panels b. */
static void pack_tile(const oclnn__gemm_kernel *gk, const oclnn__conv3d_problem *pb, const float *x,
                      const size_t *ss, size_t n, size_t g, size_t j0, size_t cols, float *b) {
    const size_t P = (size_t)pb->cg * pb->kt * pb->kr * pb->ks;
    const size_t hw = (size_t)pb->oh * pb->ow;
    for (size_t j = 0; j < cols; j++) {
        size_t pix = j0 + j, oz = pix / hw, oy = pix / pb->ow % pb->oh, ox = pix % pb->ow;
        long z0 = (long)oz * pb->stride[0] - pb->pad[0], y0 = (long)oy * pb->stride[1] - pb->pad[1],
             x0 = (long)ox * pb->stride[2] - pb->pad[2];
        size_t p = 0;
        for (size_t ci = 0; ci < pb->cg; ci++) {
            const float *xc = x + n * ss[OCLNN__N] + (g * pb->cg + ci) * ss[OCLNN__C];
            for (size_t t = 0; t < pb->kt; t++) {
                long z = z0 + (long)t * pb->dil[0];
                bool zin = z >= 0 && z < (long)pb->d;
                for (size_t r = 0; r < pb->kr; r++) {
                    long yy = y0 + (long)r * pb->dil[1];
                    bool yin = zin && yy >= 0 && yy < (long)pb->h;
                    const float *row =
                        yin ? xc + ((size_t)z * pb->h + (size_t)yy) * ss[OCLNN__H] : NULL;
                    for (size_t s = 0; s < pb->ks; s++, p++) {
                        long xx = x0 + (long)s * pb->dil[2];
                        float v = row && xx >= 0 && xx < (long)pb->w
                                      ? row[(size_t)xx * ss[OCLNN__W]]
                                      : 0.0f;
                        b[oclnn__cpu_gemm_packed_index(gk, P, cols, p, j)] = v;
                    }
                }
            }
        }
    }
}

/* Jobs [begin, end) of (n, group, tile), in this worker's buffers. */
static void im2col_task(void *arg, size_t begin, size_t end, unsigned worker) {
    const conv3d_job *jb = arg;
    const oclnn__conv3d_problem *pb = jb->pb;
    const size_t P = (size_t)pb->cg * pb->kt * pb->kr * pb->ks;
    const size_t npix = (size_t)pb->od * pb->oh * pb->ow, hw = (size_t)pb->oh * pb->ow;
    const size_t ntiles = (npix + TILE - 1) / TILE;
    const bool relu = pb->act == OCLNN_ACTIVATION_RELU;
    float *b = jb->scratch + (size_t)worker * (jb->bsize + jb->csize), *c = b + jb->bsize;
    for (size_t job = begin; job < end; job++) {
        size_t ti = job % ntiles, g = job / ntiles % pb->groups, n = job / ntiles / pb->groups;
        size_t j0 = ti * TILE, cols = npix - j0 < TILE ? npix - j0 : TILE;
        pack_tile(jb->gk, pb, jb->x, jb->ss, n, g, j0, cols, b);
        oclnn__cpu_gemm_packed(jb->gk, pb->kg, 0, cols, P, cols, jb->w + g * pb->kg * P, P, b, c, cols);
        for (size_t kk = 0; kk < pb->kg; kk++) {
            size_t k = g * pb->kg + kk;
            for (size_t j = 0; j < cols; j++) {
                size_t pix = j0 + j, oz = pix / hw, oy = pix / pb->ow % pb->oh, ox = pix % pb->ow;
                size_t roff = jb->res ? at5(jb->rs, pb->oh, n, k, oz, oy, ox) : 0;
                jb->y[at5(jb->ds, pb->oh, n, k, oz, oy, ox)] =
                    finish(c[kk * cols + j], jb->bias, k, jb->res, roff, relu);
            }
        }
    }
}

static oclnn_status conv3d_im2col(const oclnn__conv3d_problem *pb, const float *w,
                                  const float *bias, const oclnn_tensor *src, oclnn_tensor *dst,
                                  const oclnn_tensor *residual) {
    const oclnn__gemm_kernel *gk = oclnn__cpu_gemm_kernel();
    const size_t P = (size_t)pb->cg * pb->kt * pb->kr * pb->ks;
    const size_t npix = (size_t)pb->od * pb->oh * pb->ow, ntiles = (npix + TILE - 1) / TILE;
    const size_t jobs = (size_t)pb->n * pb->groups * ntiles;
    conv3d_job jb = {.pb = pb, .gk = gk, .w = w, .bias = bias, .x = oclnn__cpu_cdata(src),
                     .y = oclnn__cpu_data(dst), .res = residual ? oclnn__cpu_cdata(residual) : NULL,
                     .ss = src->stride, .ds = dst->stride, .rs = residual ? residual->stride : NULL,
                     .bsize = oclnn__cpu_gemm_packed_size(gk, P, TILE), .csize = (size_t)pb->kg * TILE};
    const size_t team = (size_t)oclnn__cpu_threads(), per = jb.bsize + jb.csize; /* a worker's index < team */
    jb.scratch = per <= SIZE_MAX / sizeof(float) / team ? malloc(team * per * sizeof *jb.scratch) : NULL;
    if (!jb.scratch)
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the im2col-3d tile buffers");
    oclnn__cpu_parallel_for(jobs, 1, im2col_task, &jb);
    free(jb.scratch);
    return OCLNN_OK;
}

static oclnn_status cpu_conv3d_create(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                      oclnn_conv_algo algo, const oclnn_tensor *weights,
                                      const float *host_w, const oclnn__conv2d_tunables *tun,
                                      void **state, size_t *workspace_bytes) {
    (void)ctx, (void)pb, (void)weights, (void)host_w, (void)tun;
    *state = NULL;
    *workspace_bytes = 0;
    if (algo != OCLNN_CONV_ALGO_DIRECT && algo != OCLNN_CONV_ALGO_IM2COL)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "3-D convolution on the C backend has the direct and im2col algorithms "
                           "(implicit-gemm is on OpenCL; im2col is the C backend's implicit GEMM)");
    return OCLNN_OK;
}

static oclnn_status cpu_conv3d_run(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                   oclnn_conv_algo algo, void *state, const oclnn_tensor *weights,
                                   const oclnn_tensor *bias, const oclnn_tensor *src,
                                   oclnn_tensor *dst, const oclnn_tensor *residual) {
    (void)state;
    const float *w = oclnn__cpu_cdata(weights), *bv = bias ? oclnn__cpu_cdata(bias) : NULL;
    int team = oclnn__cpu_team_begin(ctx);
    oclnn_status st = OCLNN_OK;
    if (algo == OCLNN_CONV_ALGO_IM2COL)
        st = conv3d_im2col(pb, w, bv, src, dst, residual);
    else
        conv3d_direct(pb, w, bv, src, dst, residual);
    oclnn__cpu_team_end(team);
    return st;
}

static void cpu_conv3d_destroy(oclnn_context *ctx, void *state) { (void)ctx, (void)state; }

/* Max: the first maximum, NaN propagating; average: divided by the window clipped to input +
 * padding (include_pad) or to the input, or PyTorch's adaptive windows. */
typedef struct pool3d_job {
    const oclnn__pool3d_problem *pb;
    const float *x;
    float *y;
    const size_t *ss, *ds;
} pool3d_job;

/* Planes [begin, end) of (n, c). */
static void pool3d_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const pool3d_job *jb = arg;
    const oclnn__pool3d_problem *pb = jb->pb;
    const float *x = jb->x;
    float *y = jb->y;
    const size_t *ss = jb->ss, *ds = jb->ds;
    for (size_t pl = begin; pl < end; pl++) {
        size_t n = (size_t)pl / pb->c, c = (size_t)pl % pb->c;
        const long in[3] = {pb->d, pb->h, pb->w};
        for (size_t oz = 0; oz < pb->od; oz++)
            for (size_t oy = 0; oy < pb->oh; oy++)
                for (size_t ox = 0; ox < pb->ow; ox++) {
                    const size_t o[3] = {oz, oy, ox}, osz[3] = {pb->od, pb->oh, pb->ow};
                    long lo[3], hi[3];
                    double div = 1.0;
                    for (int a = 0; a < 3; a++) {
                        if (pb->adaptive) {
                            lo[a] = oclnn__adaptive_start((uint32_t)o[a], (uint32_t)osz[a],
                                                          (uint32_t)in[a]);
                            hi[a] = oclnn__adaptive_end((uint32_t)o[a], (uint32_t)osz[a],
                                                        (uint32_t)in[a]);
                            div *= (double)(hi[a] - lo[a]);
                            continue;
                        }
                        long s0 = (long)o[a] * pb->stride[a] - pb->pad[a], s1 = s0 + pb->kernel[a];
                        long e1 = s1 < in[a] + pb->pad[a] ? s1 : in[a] + pb->pad[a];
                        lo[a] = s0 > 0 ? s0 : 0;
                        hi[a] = s1 < in[a] ? s1 : in[a];
                        div *= pb->include_pad ? (double)(e1 - s0) : (double)(hi[a] - lo[a]);
                    }
                    float best = -INFINITY, sum = 0.0f;
                    bool nan = false;
                    for (long z = lo[0]; z < hi[0]; z++)
                        for (long yy = lo[1]; yy < hi[1]; yy++)
                            for (long xx = lo[2]; xx < hi[2]; xx++) {
                                float v =
                                    x[at5(ss, pb->h, n, c, (size_t)z, (size_t)yy, (size_t)xx)];
                                nan |= isnan(v) != 0;
                                best = v > best ? v : best;
                                sum += v;
                            }
                    y[at5(ds, pb->oh, n, c, oz, oy, ox)] =
                        pb->is_max ? (nan ? NAN : best) : (float)(sum / div);
                }
    }
}

static oclnn_status cpu_pool3d(const oclnn__pool3d_problem *pb, const oclnn_tensor *src,
                               oclnn_tensor *dst) {
    pool3d_job jb = {pb, oclnn__cpu_cdata(src), oclnn__cpu_data(dst), src->stride, dst->stride};
    int team = oclnn__cpu_team_begin(dst->ctx);
    size_t planes = (size_t)pb->n * pb->c;
    oclnn__cpu_parallel_for(planes, oclnn__cpu_grain(planes, 4, 1), pool3d_task, &jb);
    oclnn__cpu_team_end(team);
    return OCLNN_OK;
}

const oclnn__nd_family oclnn__nd_cpu = {
    .conv3d_create = cpu_conv3d_create,
    .conv3d_run = cpu_conv3d_run,
    .conv3d_destroy = cpu_conv3d_destroy,
    .pool3d = cpu_pool3d,
};
