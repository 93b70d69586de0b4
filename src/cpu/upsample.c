/* SPDX-License-Identifier: MIT */
/* Transposed convolution and resize on the C backend (issue 18).
 *
 * Transposed convolution, "direct": each output row gathers from the input rows that reach it.
 * Output row p takes kernel row r from input row y = (p + pad - r * dilation) / stride when that
 * division is exact; within the row, kernel column s sends input column x to output column
 * q = x * stride - pad + s * dilation. So per (n, k, p) the row is accumulated as
 *   acc[q] += w[c][k][r][s] * src[n][c][y][x]   over valid (r, c, s, x),
 * exactly the useful multiply-adds (no zero-inserted input, no column buffer), with x innermost
 * (unit stride in NCHW). Rows are independent, so the team splits them. Every loop here runs on
 * the backend's thread pool (cpu/pool.h), serially when it is too small to share.
 *
 * Resize: per output row, the source rows and weights are computed once (ATen's float index
 * arithmetic, as the reference), then the row is interpolated with precomputed column indices. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/upsample.h"
#include "core/status.h"
#include "cpu/blas.h"
#include "cpu/cpu.h"
#include "cpu/layers.h"
#include "cpu/pool.h"

static const char *cpu_deconv2d_algorithm(oclnn_context *ctx, const oclnn_deconv2d_desc *d) {
    (void)ctx;
    if (d->algo != OCLNN_DECONV_ALGO_AUTO)
        return d->algo == OCLNN_DECONV_ALGO_DIRECT ? "direct" : "col2im";
    /* AUTO (docs/UPSAMPLE.md): a kernel no larger than its stride (the mask head's and UNet's
     * 2x2/2) gives each output one tap per input channel, so the direct rows do exactly the
     * multiply-adds and col2im's columns are pure overhead; overlapping kernels (4x4/2) take the
     * GEMM. */
    return d->kernel_h <= d->stride_h && d->kernel_w <= d->stride_w ? "direct" : "col2im";
}

/* A grain that leaves a loop of n items of `per_item` work each to one thread when the whole loop
 * is under 65,536 units (a team costs more than it saves there), else about 4 chunks a thread. */
static size_t grain_for(size_t n, size_t per_item) {
    if ((double)n * (double)per_item <= 65536.0) return n ? n : 1;
    return oclnn__cpu_grain(n, 4, 1);
}

/* col2im's scatter of one group's columns into its output planes, output channels [begin, end). */
typedef struct scatter_job {
    const oclnn_deconv2d_desc *d;
    const float *cols;
    float *planes;
    size_t H, W, OH, OW, R, S, cols_n;
} scatter_job;

static void scatter_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const scatter_job *j = arg;
    const oclnn_deconv2d_desc *d = j->d;
    for (size_t kk = begin; kk < end; kk++) {
        float *plane = j->planes + kk * j->OH * j->OW;
        for (size_t iy = 0; iy < j->H; iy++)
            for (size_t r = 0; r < j->R; r++) {
                const long oy = (long)(iy * d->stride_h) - d->pad_h + (long)(r * d->dilation_h);
                if (oy < 0 || oy >= (long)j->OH) continue;
                for (size_t ix = 0; ix < j->W; ix++) {
                    const float *col = j->cols + (iy * j->W + ix) * j->cols_n + (kk * j->R + r) * j->S;
                    for (size_t s = 0; s < j->S; s++) {
                        const long ox = (long)(ix * d->stride_w) - d->pad_w + (long)(s * d->dilation_w);
                        if (ox >= 0 && ox < (long)j->OW) plane[(size_t)oy * j->OW + (size_t)ox] += col[s];
                    }
                }
            }
    }
}

/* "col2im": per sample and group, columns^T (HW x Kg*R*S) = X^T (HW x Cg) * W_g (Cg x Kg*R*S)
 * through the BLAS (cpu/blas.h; X^T is src in NHWC order, copied there first when src is not
 * dense NHWC), then each column scatter-added into its output pixel (col2im), one output
 * channel per thread. The GEMM does the multiply-adds at BLAS speed, but the columns are
 * R*S/(stride_h*stride_w) times the output and the scatter is a second pass over them. */
static oclnn_status cpu_deconv2d_col2im(const oclnn_deconv2d_desc *d, const oclnn_tensor *src,
                                        const oclnn_tensor *w, const oclnn_tensor *bias,
                                        oclnn_tensor *dst) {
    const oclnn_shape is = src->shape, os = dst->shape;
    const size_t H = is.h, W = is.w, C = is.c, HW = H * W, OH = os.h, OW = os.w;
    const size_t G = d->groups, Cg = C / G, Kg = os.c / G, R = d->kernel_h, S = d->kernel_w;
    const size_t cols_n = Kg * R * S;
    const size_t *xs = src->stride, *ys = dst->stride;
    const bool dense_nhwc = xs[OCLNN__C] == 1 && xs[OCLNN__W] == C && xs[OCLNN__H] == W * C;
    float *xt = dense_nhwc ? NULL : malloc(HW * C * sizeof *xt);
    float *cols = malloc(HW * cols_n * sizeof *cols);
    float *acc = malloc((size_t)os.c * OH * OW * sizeof *acc);
    if ((!dense_nhwc && !xt) || !cols || !acc) {
        free(xt);
        free(cols);
        free(acc);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the col2im buffers");
    }
    const float *wt = oclnn__cpu_cdata(w), *b = bias ? oclnn__cpu_cdata(bias) : NULL;
    const bool relu = d->activation == OCLNN_ACTIVATION_RELU;
    int team = oclnn__cpu_team_begin(dst->ctx);
    for (size_t n = 0; n < is.n; n++) {
        const float *x = oclnn__cpu_cdata(src) + n * xs[OCLNN__N];
        if (!dense_nhwc) {
            const size_t nhwc[4] = {0, 1, W * C, C};
            oclnn__cpu_copy_strided((oclnn_shape){1, is.c, is.h, is.w}, x, xs, xt, nhwc);
            x = xt;
        }
        for (size_t k = 0; k < os.c; k++)
            for (size_t i = 0; i < OH * OW; i++) acc[k * OH * OW + i] = b ? b[k] : 0.0f;
        for (size_t g = 0; g < G; g++) {
            oclnn__cpu_sgemm(false, HW, cols_n, Cg, x + g * Cg, C, wt + g * Cg * cols_n, cols_n,
                             0.0f, cols, cols_n);
            scatter_job sj = {d, cols, acc + g * Kg * OH * OW, H, W, OH, OW, R, S, cols_n};
            oclnn__cpu_parallel_for(Kg, grain_for(Kg, HW * R * S), scatter_task, &sj);
        }
        float *y = oclnn__cpu_data(dst) + n * ys[OCLNN__N];
        for (size_t k = 0; k < os.c; k++)
            for (size_t p = 0; p < OH; p++)
                for (size_t q = 0; q < OW; q++) {
                    const float v = acc[(k * OH + p) * OW + q];
                    y[k * ys[OCLNN__C] + p * ys[OCLNN__H] + q * ys[OCLNN__W]] = relu && v < 0 ? 0.0f : v;
                }
    }
    oclnn__cpu_team_end(team);
    free(xt);
    free(cols);
    free(acc);
    return OCLNN_OK;
}

/* Floor division for a possibly negative numerator and a positive divisor. */
static long floor_div(long a, long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* What the direct rows read; acc holds one row of OW floats per worker. */
typedef struct rows_job {
    const oclnn_deconv2d_desc *d;
    oclnn_shape is, os;
    const float *x, *wt, *b;
    float *y, *acc;
    const size_t *xs, *ys;
} rows_job;

/* Output rows [begin, end) of (n, k, p). */
static void rows_task(void *arg, size_t begin, size_t end, unsigned worker) {
    const rows_job *j = arg;
    const oclnn_deconv2d_desc *d = j->d;
    const long H = j->is.h, W = j->is.w, OH = j->os.h, OW = j->os.w;
    const long sh = d->stride_h, sw = d->stride_w, ph = d->pad_h, pw = d->pad_w;
    const long dh = d->dilation_h, dw = d->dilation_w, R = d->kernel_h, S = d->kernel_w;
    const uint32_t G = d->groups, Cg = j->is.c / G, Kg = j->os.c / G;
    const size_t *xs = j->xs, *ys = j->ys;
    const bool relu = d->activation == OCLNN_ACTIVATION_RELU;
    float *acc = j->acc + (size_t)worker * (size_t)OW;
    for (size_t row = begin; row < end; row++) {
        const long p = (long)(row % (size_t)OH);
        const uint32_t k = (uint32_t)(row / (size_t)OH % j->os.c), n = (uint32_t)(row / (size_t)OH / j->os.c);
        const uint32_t g = k / Kg, kk = k % Kg;
        const float b0 = j->b ? j->b[k] : 0.0f;
        for (long q = 0; q < OW; q++) acc[q] = b0;
        for (long r = 0; r < R; r++) {
            const long num = p + ph - r * dh;
            if (num < 0 || num % sh) continue;
            const long iy = num / sh;
            if (iy >= H) continue;
            for (uint32_t c = 0; c < Cg; c++) {
                const uint32_t ci = g * Cg + c;
                const float *xr = j->x + n * xs[OCLNN__N] + ci * xs[OCLNN__C] + (size_t)iy * xs[OCLNN__H];
                const float *wr = j->wt + (((size_t)ci * Kg + kk) * R + r) * S;
                const size_t xw = xs[OCLNN__W];
                for (long s = 0; s < S; s++) {
                    /* q = ix * sw + off inside [0, OW) for ix in [x0, x1] */
                    const long off = s * dw - pw;
                    long x0 = off >= 0 ? 0 : floor_div(-off + sw - 1, sw);
                    long x1 = floor_div(OW - 1 - off, sw);
                    if (x1 > W - 1) x1 = W - 1;
                    const float wv = wr[s];
                    if (sw == 1 && xw == 1)
                        for (long ix = x0; ix <= x1; ix++) acc[ix + off] += wv * xr[ix];
                    else if (sw == 2 && xw == 1)
                        for (long ix = x0; ix <= x1; ix++) acc[2 * ix + off] += wv * xr[ix];
                    else
                        for (long ix = x0; ix <= x1; ix++) acc[ix * sw + off] += wv * xr[(size_t)ix * xw];
                }
            }
        }
        float *yr = j->y + n * ys[OCLNN__N] + k * ys[OCLNN__C] + (size_t)p * ys[OCLNN__H];
        const size_t yw = ys[OCLNN__W];
        for (long q = 0; q < OW; q++) yr[(size_t)q * yw] = relu && acc[q] < 0 ? 0.0f : acc[q];
    }
}

static oclnn_status cpu_deconv2d(const oclnn_deconv2d_desc *d, const char *algo,
                                 const oclnn_tensor *src, const oclnn_tensor *w,
                                 const oclnn_tensor *bias, oclnn_tensor *dst) {
    if (algo[0] == 'c') return cpu_deconv2d_col2im(d, src, w, bias, dst);
    const oclnn_shape is = src->shape, os = dst->shape;
    const size_t rows = (size_t)os.n * os.c * os.h;
    const size_t per_row = (size_t)os.w * (is.c / d->groups) * d->kernel_h * d->kernel_w /
                           ((size_t)d->stride_h * d->stride_w);
    int team = oclnn__cpu_team_begin(dst->ctx);
    const size_t threads = (size_t)oclnn__cpu_threads(); /* a worker's index < threads */
    rows_job j = {d, is, os, oclnn__cpu_cdata(src), oclnn__cpu_cdata(w), bias ? oclnn__cpu_cdata(bias) : NULL,
                  oclnn__cpu_data(dst), NULL, src->stride, dst->stride};
    j.acc = malloc(threads * (size_t)os.w * sizeof *j.acc);
    if (j.acc) oclnn__cpu_parallel_for(rows, grain_for(rows, per_row), rows_task, &j);
    oclnn__cpu_team_end(team);
    if (!j.acc) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the output rows");
    free(j.acc);
    return OCLNN_OK;
}

/* One axis's source indices and weights (see oclnn__resize_plan). */
static void axis_taps(const oclnn__resize_plan *pl, float scale, long i, long in, long *i0,
                      long *i1, float *l1) {
    if (pl->mode == OCLNN_RESIZE_NEAREST) {
        long s = (long)floorf((float)i * scale);
        *i0 = *i1 = s < in - 1 ? s : in - 1;
        *l1 = 0.0f;
        return;
    }
    float real = pl->align_corners ? scale * (float)i : scale * ((float)i + 0.5f) - 0.5f;
    if (real < 0) real = 0;
    long a = (long)real;
    float lam = real - (float)a;
    *i0 = a;
    *i1 = a + (a < in - 1 ? 1 : 0);
    *l1 = lam < 0 ? 0 : lam > 1 ? 1 : lam;
}

/* What a resize loop reads: the plan, the column taps (cx: two source columns, lx: the weight of
 * the second, per output column), the tensors. */
typedef struct resize_job {
    const oclnn__resize_plan *pl;
    oclnn_shape is, os;
    const long *cx;
    const float *lx, *x;
    float *y;
    const size_t *xs, *ys;
} resize_job;

/* Channels innermost on both sides (NHWC, views of it): output pixels [begin, end) of (n, p, q),
 * all channels with one set of taps, the inner loop along c. */
static void resize_pixels_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const resize_job *j = arg;
    const oclnn_shape is = j->is, os = j->os;
    const size_t *xs = j->xs, *ys = j->ys, xc = xs[OCLNN__C], yc = ys[OCLNN__C], C = os.c;
    const bool nearest = j->pl->mode == OCLNN_RESIZE_NEAREST;
    for (size_t px = begin; px < end; px++) {
        const long q = (long)(px % os.w), p = (long)(px / os.w % os.h);
        const size_t n = px / os.w / os.h;
        long y0, y1;
        float a1;
        axis_taps(j->pl, j->pl->scale_h, p, is.h, &y0, &y1, &a1);
        const float a0 = 1.0f - a1, b1 = j->lx[q], b0 = 1.0f - b1;
        const float *base = j->x + n * xs[OCLNN__N];
        const float *p00 = base + (size_t)y0 * xs[OCLNN__H] + (size_t)j->cx[2 * q] * xs[OCLNN__W];
        const float *p01 = base + (size_t)y0 * xs[OCLNN__H] + (size_t)j->cx[2 * q + 1] * xs[OCLNN__W];
        const float *p10 = base + (size_t)y1 * xs[OCLNN__H] + (size_t)j->cx[2 * q] * xs[OCLNN__W];
        const float *p11 = base + (size_t)y1 * xs[OCLNN__H] + (size_t)j->cx[2 * q + 1] * xs[OCLNN__W];
        float *py = j->y + n * ys[OCLNN__N] + (size_t)p * ys[OCLNN__H] + (size_t)q * ys[OCLNN__W];
        if (nearest)
            for (size_t c = 0; c < C; c++) py[c * yc] = p00[c * xc];
        else
            for (size_t c = 0; c < C; c++)
                py[c * yc] = a0 * (b0 * p00[c * xc] + b1 * p01[c * xc]) + a1 * (b0 * p10[c * xc] + b1 * p11[c * xc]);
    }
}

/* Otherwise: output rows [begin, end) of (n, c, p). */
static void resize_rows_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const resize_job *j = arg;
    const oclnn_shape is = j->is, os = j->os;
    const size_t *xs = j->xs, *ys = j->ys, xw = xs[OCLNN__W], yw = ys[OCLNN__W];
    const bool nearest = j->pl->mode == OCLNN_RESIZE_NEAREST;
    for (size_t row = begin; row < end; row++) {
        const long p = (long)(row % os.h);
        const size_t c = row / os.h % os.c, n = row / os.h / os.c;
        long y0, y1;
        float a1;
        axis_taps(j->pl, j->pl->scale_h, p, is.h, &y0, &y1, &a1);
        const float a0 = 1.0f - a1;
        const float *base = j->x + n * xs[OCLNN__N] + c * xs[OCLNN__C];
        const float *r0 = base + (size_t)y0 * xs[OCLNN__H], *r1 = base + (size_t)y1 * xs[OCLNN__H];
        float *yr = j->y + n * ys[OCLNN__N] + c * ys[OCLNN__C] + (size_t)p * ys[OCLNN__H];
        if (nearest) {
            for (long q = 0; q < os.w; q++) yr[(size_t)q * yw] = r0[(size_t)j->cx[2 * q] * xw];
        } else {
            for (long q = 0; q < os.w; q++) {
                const size_t x0 = (size_t)j->cx[2 * q] * xw, x1 = (size_t)j->cx[2 * q + 1] * xw;
                const float b1 = j->lx[q], b0 = 1.0f - b1;
                /* ATen's order: h0l * (w0l * x00 + w1l * x01) + h1l * (w0l * x10 + w1l * x11) */
                yr[(size_t)q * yw] = a0 * (b0 * r0[x0] + b1 * r0[x1]) + a1 * (b0 * r1[x0] + b1 * r1[x1]);
            }
        }
    }
}

static oclnn_status cpu_resize(const oclnn__resize_plan *pl, const oclnn_tensor *src,
                               oclnn_tensor *dst) {
    const oclnn_shape is = src->shape, os = dst->shape;
    long *cx = malloc(2 * (size_t)os.w * sizeof *cx);
    float *lx = malloc((size_t)os.w * sizeof *lx);
    if (!cx || !lx) {
        free(cx);
        free(lx);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the column table");
    }
    for (long q = 0; q < os.w; q++) axis_taps(pl, pl->scale_w, q, is.w, &cx[2 * q], &cx[2 * q + 1], &lx[q]);
    resize_job j = {pl, is, os, cx, lx, oclnn__cpu_cdata(src), oclnn__cpu_data(dst), src->stride, dst->stride};
    int team = oclnn__cpu_team_begin(dst->ctx);
    if (src->stride[OCLNN__C] < src->stride[OCLNN__W] && dst->stride[OCLNN__C] < dst->stride[OCLNN__W]) {
        const size_t pixels = (size_t)os.n * os.h * os.w;
        oclnn__cpu_parallel_for(pixels, grain_for(pixels, os.c), resize_pixels_task, &j);
    } else {
        const size_t rows = (size_t)os.n * os.c * os.h;
        oclnn__cpu_parallel_for(rows, grain_for(rows, os.w), resize_rows_task, &j);
    }
    oclnn__cpu_team_end(team);
    free(cx);
    free(lx);
    return OCLNN_OK;
}

const oclnn__upsample_family oclnn__upsample_cpu = {
    .deconv2d_algorithm = cpu_deconv2d_algorithm,
    .deconv2d = cpu_deconv2d,
    .resize = cpu_resize,
};
