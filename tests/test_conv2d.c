/* SPDX-License-Identifier: MIT */
/* 2-D convolution: every algorithm on both backends and layouts against the double-precision
 * reference over network-derived and odd shapes; mixed layouts and channel-view destinations;
 * PyTorch golden data; find; the algorithm chooser's table; and every error path. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/context.h"
#include "ops/conv2d.h"
#include "opencl/registry.h"
#include "tune/tune.h"
#include "ref/ref.h"
#include "shapes/conv2d.h"
#include "support/gpuclass.h"
#include "support/harness.h"
#include "tune/space.h"

/* Direct, im2col, 1x1 and depthwise sum at most a few thousand products of O(1/sqrt(n)) terms
 * in float, in another order than the reference: a few float ulps of the O(1) outputs (measured
 * max |error| over these shapes: 2.0e-6, printed by test_all_algorithms). */
#define TOL_ATOL 2e-5
#define TOL_RTOL 1e-4
/* Winograd F(2x2,3x3) adds transforms with coefficients up to 1 (measured max |error| 4.2e-7). */
#define TOL_WINOGRAD2_ATOL 5e-5
/* Winograd F(4x4,3x3)'s transforms have coefficients up to 8 and 1/24; its error grows with the
 * channel count. Measured max |error| over these shapes: 8.0e-6 on both backends; on ResNet's
 * 512-channel layer `oclnn bench conv --verify` measures 6e-5 (max_rel 4e-3). Bound: 2e-4. */
#define TOL_WINOGRAD4_ATOL 2e-4
/* issue 19: Winograd F(6x6,3x3) (points 0, +-1, +-2, +-1/2, inf) has coefficients up to 32 and
 * 1/90; its error is about 1.3-2.5x F(4x4)'s (docs/WINOGRAD.md). Measured max |error| over these
 * shapes: 1.2e-5 (C backend), 9.7e-6 (OpenCL); on the full-size ResNet-50 and VGG-16 layers of
 * test_winograd6_layers up to 3.9e-5 (F(4x4): 2.9e-5). Bound: 2e-4, F(4x4)'s. */
#define TOL_WINOGRAD6_ATOL 2e-4
/* PyTorch (oneDNN) golden outputs: another summation order and its own Winograd-free kernels. */
#define TOL_GOLDEN_ATOL 1e-4

typedef struct shape_row {
    const char *name;
    oclnn_conv2d_desc d;
} shape_row;

#define ROW(name, n, c, h, w, k, r, s, sh, sw, mode, t, b, l, rr, dh, dw, g, bias, relu, res)      \
    {#name,                                                                                        \
     {{n, c, h, w}, k, r, s, sh, sw, dh, dw, g, {OCLNN_PAD_##mode, t, b, l, rr},                  \
      (relu) ? OCLNN_ACTIVATION_RELU : OCLNN_ACTIVATION_NONE, bias, res, OCLNN_CONV_ALGO_AUTO}},
static const shape_row SHAPES[] = {CONV2D_SHAPES(ROW)};
#define N_SHAPES (sizeof SHAPES / sizeof *SHAPES)

/* OCLNN_TEST_SMALL (the Oclgrind gate, which interprets every work-item): each row keeps its
 * structure (kernel, stride, padding mode, dilation, depthwise or grouped, bias, activation,
 * residual) on at most 9x9 pixels, batch 2, 4 groups, 2 input and 3 output channels per group. */
static void shrink(oclnn_conv2d_desc *d) {
    uint32_t g = d->groups, cg = d->input.c / g, kg = d->out_channels / g;
    g = g > 4 ? 4 : g;
    cg = cg > 2 ? 2 : cg;
    kg = kg > 3 ? 3 : kg;
    d->groups = g;
    d->input.c = g * cg;
    d->out_channels = g * kg;
    d->input.n = d->input.n > 2 ? 2 : d->input.n;
    d->input.h = d->input.h > 9 ? 9 : d->input.h;
    d->input.w = d->input.w > 9 ? 9 : d->input.w;
}

/* Row i as the test runs it: shrunk under OCLNN_TEST_SMALL. */
static shape_row row_at(size_t i) {
    shape_row r = SHAPES[i];
    if (test_small()) shrink(&r.d);
    return r;
}

static double max_err[OCLNN_CONV_ALGO_COUNT]; /* per algorithm, over all shapes */

static size_t count(oclnn_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

static oclnn_layout other(oclnn_layout l) {
    return l == OCLNN_LAYOUT_NCHW ? OCLNN_LAYOUT_NHWC : OCLNN_LAYOUT_NCHW;
}

/* Whether `a` should apply to row `d` (mirrors the documented rules; CLBlast is checked apart). */
static bool expect_applies(const oclnn_conv2d_desc *d, oclnn_conv_algo a) {
    oclnn_shape out;
    assert_ok(oclnn_conv2d_output_shape(d, &out));
    bool unpadded = d->padding.mode == OCLNN_PAD_VALID ||
                    (d->padding.mode == OCLNN_PAD_EXPLICIT && !d->padding.top && !d->padding.bottom &&
                     !d->padding.left && !d->padding.right) ||
                    (d->padding.mode == OCLNN_PAD_SAME && d->kernel_h == 1 && d->kernel_w == 1 &&
                     d->stride_h == 1 && d->stride_w == 1);
    bool unit = d->stride_h == 1 && d->stride_w == 1;
    switch (a) {
    case OCLNN_CONV_ALGO_GEMM1X1: return d->kernel_h == 1 && d->kernel_w == 1 && unit && unpadded;
    case OCLNN_CONV_ALGO_WINOGRAD_2X2:
    case OCLNN_CONV_ALGO_WINOGRAD_4X4:
    case OCLNN_CONV_ALGO_WINOGRAD_6X6: /* issue 19 */
        return d->kernel_h == 3 && d->kernel_w == 3 && unit && d->dilation_h == 1 &&
               d->dilation_w == 1 && d->groups == 1;
    case OCLNN_CONV_ALGO_DEPTHWISE: return d->groups == d->input.c;
    default: return true;
    }
}

typedef struct problem_data {
    oclnn_shape in, out;
    float *src, *w, *bias, *res, *ref; /* host data in NCHW; ref computed once */
} problem_data;

static void data_make(const oclnn_conv2d_desc *d, uint32_t seed, problem_data *pd) {
    pd->in = d->input;
    assert_ok(oclnn_conv2d_output_shape(d, &pd->out));
    size_t wn = (size_t)d->out_channels * (d->input.c / d->groups) * d->kernel_h * d->kernel_w;
    float scale = 1.0f / sqrtf((float)(wn / d->out_channels));
    pd->src = alloc_random(count(pd->in), seed, -1, 1);
    pd->w = alloc_random(wn, seed + 1, -scale, scale);
    pd->bias = d->has_bias ? alloc_random(d->out_channels, seed + 2, -0.5f, 0.5f) : NULL;
    pd->res = d->fuse_residual ? alloc_random(count(pd->out), seed + 3, -1, 1) : NULL;
    pd->ref = malloc(count(pd->out) * sizeof(float));
    oclnn__ref_conv2d(d, pd->src, OCLNN_LAYOUT_NCHW, pd->w, pd->bias, pd->res, pd->ref);
}

static void data_free(problem_data *pd) {
    free(pd->src);
    free(pd->w);
    free(pd->bias);
    free(pd->res);
    free(pd->ref);
}

static double tolerance(oclnn_conv_algo a) {
    return a == OCLNN_CONV_ALGO_WINOGRAD_6X6   ? TOL_WINOGRAD6_ATOL /* issue 19 */
           : a == OCLNN_CONV_ALGO_WINOGRAD_4X4 ? TOL_WINOGRAD4_ATOL
           : a == OCLNN_CONV_ALGO_WINOGRAD_2X2 ? TOL_WINOGRAD2_ATOL
                                               : TOL_ATOL;
}

static double max_abs_diff(const float *a, const float *b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

/* Creates the op with algorithm `a` and runs it with src/dst in the given layouts; returns the
 * create status (UNSUPPORTED is passed back for the caller to judge). */
static oclnn_status run_one(oclnn_context *ctx, const shape_row *row, const problem_data *pd,
                            oclnn_conv_algo a, oclnn_layout src_layout, oclnn_layout dst_layout) {
    oclnn_conv2d_desc d = row->d;
    d.algo = a;
    oclnn_op *op;
    oclnn_status st = oclnn_conv2d_create(ctx, &d, pd->w, pd->bias, &op);
    if (st != OCLNN_OK) return st;
    if (a != OCLNN_CONV_ALGO_AUTO) assert_string_equal(oclnn_op_algorithm(op), oclnn_conv_algo_name(a));
    oclnn_tensor *src, *dst, *res = NULL;
    assert_ok(oclnn_tensor_create(ctx, pd->in, src_layout, &src));
    assert_ok(oclnn_tensor_create(ctx, pd->out, dst_layout, &dst));
    assert_ok(oclnn_tensor_write(src, pd->src, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_fill(dst, NAN));
    if (pd->res) {
        assert_ok(oclnn_tensor_create(ctx, pd->out, src_layout, &res));
        assert_ok(oclnn_tensor_write(res, pd->res, OCLNN_LAYOUT_NCHW));
    }
    assert_ok(oclnn_conv2d_run(op, src, dst, res));
    size_t n = count(pd->out);
    float *got = malloc(n * sizeof *got);
    assert_ok(oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW));
    /* the canonical problem string (src/backend/problem.h) pastes into `oclnn bench conv` */
    oclnn__conv2d_problem pb;
    assert_ok(oclnn__conv2d_resolve(&d, &pb));
    pb.layout = src_layout;
    char text[OCLNN__CONV2D_PROBLEM_MAX], problem[320];
    oclnn__conv2d_problem_str(&pb, text, sizeof text);
    snprintf(problem, sizeof problem, "%s %s algo=%s dst=%s", row->name, text, oclnn_op_algorithm(op),
             dst_layout == OCLNN_LAYOUT_NCHW ? "nchw" : "nhwc");
    max_err[a] = fmax(max_err[a], max_abs_diff(got, pd->ref, n));
    assert_close(got, pd->ref, n, tolerance(a), TOL_RTOL, problem);
    free(got);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(res);
    oclnn_op_destroy(op);
    return OCLNN_OK;
}

/* Every shape x every algorithm, src and dst in the configuration's layout. */
static void test_all_algorithms(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    for (size_t i = 0; i < N_SHAPES; i++) {
        const shape_row row = row_at(i);
        problem_data pd;
        data_make(&row.d, (uint32_t)i * 10 + 1, &pd);
        /* OCLNN_TEST_SMALL (the Oclgrind gate) leaves out AUTO: it runs the chosen algorithm,
         * which runs here anyway, and test_choose_table pins the choice down */
        for (int a = test_small() ? 1 : 0; a < OCLNN_CONV_ALGO_COUNT; a++) {
            bool applies = expect_applies(&row.d, (oclnn_conv_algo)a);
            oclnn_status st = run_one(ctx, &row, &pd, (oclnn_conv_algo)a, cfg->layout, cfg->layout);
            if (a == OCLNN_CONV_ALGO_IMPLICIT_GEMM && cfg->backend == OCLNN_BACKEND_CPU) {
                assert_status(st, OCLNN_ERROR_UNSUPPORTED); /* OpenCL only (README) */
                continue;
            }
            if (a == OCLNN_CONV_ALGO_IM2COL_CLBLAST) {
                if (cfg->backend == OCLNN_BACKEND_CPU || st == OCLNN_ERROR_UNSUPPORTED) {
                    assert_status(st, cfg->backend == OCLNN_BACKEND_CPU ? OCLNN_ERROR_UNSUPPORTED : st);
                    continue;
                }
            }
            if (applies) {
                if (st != OCLNN_OK) fail_msg("%s: %s: %s", row.name, oclnn_conv_algo_name(a), oclnn_last_error());
            } else {
                assert_status(st, OCLNN_ERROR_UNSUPPORTED);
                assert_error_mentions(oclnn_conv_algo_name(a));
            }
        }
        data_free(&pd);
    }
    for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++)
        if (max_err[a] > 0)
            print_message("%s: %s max |error| %.2g (bound %.2g)\n", cfg->name,
                          oclnn_conv_algo_name((oclnn_conv_algo)a), max_err[a], tolerance((oclnn_conv_algo)a));
    memset(max_err, 0, sizeof max_err);
}

/* src in the other layout than dst, for the default algorithm and each GEMM-shaped one. */
static void test_mixed_layouts(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const char *const names[] = {"googlenet_1x1_reduce", "resnet_3x3_res_b3", "odd_2x3_asym",
                                        "depthwise_mult2_s2_same", "resnext_g16_c32_s2_res_b3"};
    for (size_t i = 0; i < N_SHAPES; i++) {
        bool pick = false;
        for (size_t j = 0; j < sizeof names / sizeof *names; j++) pick |= !strcmp(SHAPES[i].name, names[j]);
        if (!pick) continue;
        const shape_row row = row_at(i);
        problem_data pd;
        data_make(&row.d, (uint32_t)i + 77, &pd);
        for (int a = 1; a < OCLNN_CONV_ALGO_IM2COL_CLBLAST; a++)
            if (expect_applies(&row.d, (oclnn_conv_algo)a))
                assert_ok(run_one(ctx, &row, &pd, (oclnn_conv_algo)a, other(cfg->layout), cfg->layout));
        if (expect_applies(&row.d, OCLNN_CONV_ALGO_WINOGRAD_6X6)) /* issue 19 */
            assert_ok(run_one(ctx, &row, &pd, OCLNN_CONV_ALGO_WINOGRAD_6X6, other(cfg->layout), cfg->layout));
        data_free(&pd);
    }
}

/* Inception's concat: two convolutions write into channel views of one tensor; the slices get
 * their results and nothing else changes. */
static void test_dst_channel_views(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){2, 16, 9, 9};
    d.kernel_h = d.kernel_w = 3;
    d.padding.mode = OCLNN_PAD_SAME;
    d.has_bias = true;
    d.activation = OCLNN_ACTIVATION_RELU;
    uint32_t widths[2] = {24, 8}, offsets[2] = {3, 30}, total = 40;
    if (test_small()) { /* OCLNN_TEST_SMALL: fewer channels, the same gaps around the views */
        d.input.c = 4;
        widths[0] = 5, widths[1] = 3, offsets[0] = 1, offsets[1] = 8, total = 12;
    }
    oclnn_shape whole = {2, total, 9, 9};
    oclnn_tensor *src, *cat;
    assert_ok(oclnn_tensor_create(ctx, d.input, cfg->layout, &src));
    assert_ok(oclnn_tensor_create(ctx, whole, cfg->layout, &cat));
    assert_ok(oclnn_tensor_fill(cat, -7.0f));
    float *got = malloc(count(whole) * sizeof *got);
    problem_data pd[2];
    for (int a = 1; a < OCLNN_CONV_ALGO_IM2COL_CLBLAST; a++) {
        if (a == OCLNN_CONV_ALGO_GEMM1X1 || a == OCLNN_CONV_ALGO_DEPTHWISE) continue;
        for (int b = 0; b < 2; b++) {
            d.out_channels = widths[b];
            d.algo = (oclnn_conv_algo)a;
            data_make(&d, 500u + (uint32_t)b, &pd[b]);
            oclnn_op *op;
            oclnn_tensor *view;
            assert_ok(oclnn_conv2d_create(ctx, &d, pd[b].w, pd[b].bias, &op));
            assert_ok(oclnn_tensor_view_channels(cat, offsets[b], widths[b], &view));
            assert_ok(oclnn_tensor_write(src, pd[b].src, OCLNN_LAYOUT_NCHW));
            assert_ok(oclnn_conv2d_run(op, src, view, NULL));
            oclnn_tensor_destroy(view);
            oclnn_op_destroy(op);
        }
        assert_ok(oclnn_tensor_read(cat, got, OCLNN_LAYOUT_NCHW));
        for (uint32_t n = 0; n < whole.n; n++)
            for (uint32_t c = 0; c < total; c++) {
                int b = c >= offsets[0] && c < offsets[0] + widths[0] ? 0
                        : c >= offsets[1] && c < offsets[1] + widths[1] ? 1 : -1;
                const float *g = got + ((size_t)n * total + c) * 81;
                char problem[96];
                snprintf(problem, sizeof problem, "view algo=%s channel %u", oclnn_conv_algo_name(a), c);
                if (b < 0) {
                    for (int i = 0; i < 81; i++) assert_true(g[i] == -7.0f);
                } else {
                    const float *r = pd[b].ref + ((size_t)n * widths[b] + (c - offsets[b])) * 81;
                    assert_close(g, r, 81, tolerance((oclnn_conv_algo)a), TOL_RTOL, problem);
                }
            }
        data_free(&pd[0]);
        data_free(&pd[1]);
    }
    free(got);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(cat);
}

/* Golden outputs from PyTorch (tools/golden/conv2d.py): input, weight, bias, output per case. */
static void test_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const struct {
        const char *name;
        oclnn_conv2d_desc d;
    } cases[] = {
        {"conv2d_stem", {{1, 3, 23, 23}, 8, 7, 7, 2, 2, 1, 1, 1, {OCLNN_PAD_EXPLICIT, 3, 3, 3, 3},
                         OCLNN_ACTIVATION_NONE, true, false, OCLNN_CONV_ALGO_AUTO}},
        {"conv2d_3x3", {{2, 16, 9, 9}, 16, 3, 3, 1, 1, 1, 1, 1, {OCLNN_PAD_EXPLICIT, 1, 1, 1, 1},
                        OCLNN_ACTIVATION_NONE, true, false, OCLNN_CONV_ALGO_AUTO}},
        {"conv2d_grouped", {{1, 16, 8, 8}, 16, 3, 3, 1, 1, 2, 2, 4, {OCLNN_PAD_EXPLICIT, 2, 2, 2, 2},
                            OCLNN_ACTIVATION_NONE, true, false, OCLNN_CONV_ALGO_AUTO}},
        {"conv2d_depthwise", {{1, 8, 10, 10}, 16, 3, 3, 2, 2, 1, 1, 8, {OCLNN_PAD_EXPLICIT, 1, 1, 1, 1},
                              OCLNN_ACTIVATION_NONE, true, false, OCLNN_CONV_ALGO_AUTO}},
        {"conv2d_1x7", {{1, 8, 9, 9}, 12, 1, 7, 1, 1, 1, 1, 1, {OCLNN_PAD_EXPLICIT, 0, 0, 3, 3},
                        OCLNN_ACTIVATION_NONE, true, false, OCLNN_CONV_ALGO_AUTO}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const oclnn_conv2d_desc *d = &cases[i].d;
        oclnn_shape os;
        assert_ok(oclnn_conv2d_output_shape(d, &os));
        if (!test_runs((double)count(os) * (d->input.c / d->groups) * d->kernel_h * d->kernel_w))
            continue; /* OCLNN_TEST_SMALL: the shrunk shape table covers every algorithm */
        char file[128];
        size_t nx, nw, nb, ny;
        snprintf(file, sizeof file, "%s_x.bin", cases[i].name);
        float *x = load_golden(file, &nx);
        snprintf(file, sizeof file, "%s_w.bin", cases[i].name);
        float *w = load_golden(file, &nw);
        snprintf(file, sizeof file, "%s_b.bin", cases[i].name);
        float *b = load_golden(file, &nb);
        snprintf(file, sizeof file, "%s_y.bin", cases[i].name);
        float *y = load_golden(file, &ny);
        if (!x || !w || !b || !y) fail_msg("golden data %s missing: run tools/make_golden.py conv2d", cases[i].name);
        oclnn_shape out;
        assert_ok(oclnn_conv2d_output_shape(d, &out));
        assert_int_equal(nx, count(d->input));
        assert_int_equal(ny, count(out));
        for (int a = 1; a < OCLNN_CONV_ALGO_IM2COL_CLBLAST; a++) {
            if (!expect_applies(d, (oclnn_conv_algo)a)) continue;
            oclnn_conv2d_desc da = *d;
            da.algo = (oclnn_conv_algo)a;
            oclnn_op *op;
            oclnn_tensor *src, *dst;
            assert_ok(oclnn_conv2d_create(ctx, &da, w, b, &op));
            assert_ok(oclnn_tensor_create(ctx, d->input, cfg->layout, &src));
            assert_ok(oclnn_tensor_create(ctx, out, cfg->layout, &dst));
            assert_ok(oclnn_tensor_write(src, x, OCLNN_LAYOUT_NCHW));
            assert_ok(oclnn_conv2d_run(op, src, dst, NULL));
            float *got = malloc(ny * sizeof *got);
            assert_ok(oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW));
            char problem[96];
            snprintf(problem, sizeof problem, "golden %s algo=%s", cases[i].name, oclnn_conv_algo_name(a));
            assert_close(got, y, ny, fmax(TOL_GOLDEN_ATOL, tolerance((oclnn_conv_algo)a)), TOL_RTOL, problem);
            free(got);
            oclnn_tensor_destroy(src);
            oclnn_tensor_destroy(dst);
            oclnn_op_destroy(op);
        }
        free(x);
        free(w);
        free(b);
        free(y);
    }
}

/* The GPU-class direct kernels (cl/conv/direct_gpu.cl): every candidate of every parameter of
 * their search spaces (one moved from the defaults at a time) computes the right result on
 * grouped, strided, batched and depthwise problems with partial tiles; and the spaces' defaults
 * are the kernel's own #ifndef values. */
static void test_gpu_direct_candidates(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    if (!test_cfg_runs_gpu_class(cfg)) skip(); /* the GPU class's kernels only */
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const struct {
        const oclnn__tune_space *sp;
        const char *shape;
        oclnn_conv_algo algo;
    } uses[] = {
        {&oclnn__tune_space_conv_direct_gpu, "grouped_s2_res_b2", OCLNN_CONV_ALGO_DIRECT},
        {&oclnn__tune_space_conv_direct_gpu, "odd_2x3_asym", OCLNN_CONV_ALGO_DIRECT},
        {&oclnn__tune_space_conv_depthwise_gpu, "depthwise_mult2_s2_same", OCLNN_CONV_ALGO_DEPTHWISE},
        {&oclnn__tune_space_conv_depthwise_gpu, "depthwise_3x3", OCLNN_CONV_ALGO_DEPTHWISE},
    };
    const oclnn__cl_source *src = oclnn__cl_source_find("conv/direct_gpu.cl");
    assert_non_null(src);
    for (size_t u = 0; u < sizeof uses / sizeof *uses; u++) {
        const oclnn__tune_space *sp = uses[u].sp;
        shape_row shrunk, *row = NULL; /* shrunk under OCLNN_TEST_SMALL: still partial tiles */
        for (size_t i = 0; i < N_SHAPES; i++)
            if (!strcmp(SHAPES[i].name, uses[u].shape)) shrunk = row_at(i), row = &shrunk;
        assert_non_null(row);
        problem_data pd;
        data_make(&row->d, (uint32_t)u + 900, &pd);
        for (size_t p = 0; p < sp->n_params; p++) {
            char pattern[32];
            snprintf(pattern, sizeof pattern, "#define %s ", sp->params[p].name);
            const char *at = strstr((const char *)src->data, pattern);
            if (!at || atoi(at + strlen(pattern)) != sp->params[p].def)
                fail_msg("%s: %s's kernel default differs from its space's %d", sp->family,
                         sp->params[p].name, (int)sp->params[p].def);
            for (size_t k = 0; k < sp->params[p].n_values; k++) {
                oclnn__tune_values v = oclnn__tune_defaults_of(sp);
                v.v[p] = sp->params[p].values[k];
                char params[160];
                oclnn__tune_values_str(sp, &v, ',', params, sizeof params);
                assert_ok(oclnn_tuning_override(ctx, sp->family, params));
                assert_ok(run_one(ctx, row, &pd, uses[u].algo, cfg->layout, cfg->layout));
            }
        }
        assert_ok(oclnn_tuning_override(ctx, sp->family, NULL));
        data_free(&pd);
    }
}

/* find ranks the algorithms, remembers the fastest, and AUTO then uses it. */
static void test_find(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_conv2d_desc d = row_at(0).d; /* shrunk under OCLNN_TEST_SMALL: find times every algorithm */
    size_t n = 0;
    assert_ok(oclnn_conv2d_find(ctx, &d, NULL, 0, &n));
    assert_int_equal(n, OCLNN_CONV_ALGO_COUNT - 1);
    oclnn_conv2d_perf perf[OCLNN_CONV_ALGO_COUNT - 1];
    assert_ok(oclnn_conv2d_find(ctx, &d, perf, n, &n));
    for (size_t i = 0; i < n; i++)
        print_message("%s: find %-14s %-12s %.3f ms\n", TEST_CFG(state)->name, oclnn_conv_algo_name(perf[i].algo),
                      oclnn_status_string(perf[i].status), perf[i].ms);
    assert_int_equal(perf[0].status, OCLNN_OK);
    for (size_t i = 1; i < n; i++) {
        if (perf[i].status != OCLNN_OK) continue;
        assert_int_equal(perf[i - 1].status, OCLNN_OK);
        assert_true(perf[i - 1].ms <= perf[i].ms);
    }
    /* gemm1x1 and depthwise do not apply to a dense 3x3 convolution */
    for (size_t i = 0; i < n; i++)
        if (perf[i].algo == OCLNN_CONV_ALGO_GEMM1X1 || perf[i].algo == OCLNN_CONV_ALGO_DEPTHWISE)
            assert_int_equal(perf[i].status, OCLNN_ERROR_UNSUPPORTED);
    problem_data pd;
    data_make(&d, 9, &pd);
    oclnn_op *op;
    assert_ok(oclnn_conv2d_create(ctx, &d, pd.w, pd.bias, &op));
    assert_string_equal(oclnn_op_algorithm(op), oclnn_conv_algo_name(perf[0].algo));
    oclnn_op_destroy(op);
    /* The result lives in the tuning state as a conv_algo row keyed by the problem string, which
     * leaves out the fused epilogue: a fused ReLU + residual of the same shape follows it too. */
    oclnn__conv2d_problem pb;
    assert_ok(oclnn__conv2d_resolve(&d, &pb));
    char key[OCLNN__CONV2D_PROBLEM_MAX];
    oclnn__conv2d_problem_str(&pb, key, sizeof key);
    const oclnn__tune_row *row = oclnn__tune_row_of(ctx, "conv_algo", key);
    assert_non_null(row);
    assert_int_equal(row->values.v[0], perf[0].algo);
    oclnn_conv2d_desc fused = d;
    fused.activation = OCLNN_ACTIVATION_RELU;
    fused.fuse_residual = true;
    assert_ok(oclnn_conv2d_create(ctx, &fused, pd.w, pd.bias, &op));
    assert_string_equal(oclnn_op_algorithm(op), oclnn_conv_algo_name(perf[0].algo));
    oclnn_op_destroy(op);
    data_free(&pd);
}

static oclnn__conv2d_problem problem(const oclnn_conv2d_desc *d) {
    oclnn__conv2d_problem pb;
    memset(&pb, 0, sizeof pb);
    oclnn_shape out;
    assert_ok(oclnn_conv2d_output_shape(d, &out));
    pb.n = d->input.n, pb.c = d->input.c, pb.h = d->input.h, pb.w = d->input.w;
    pb.k = d->out_channels, pb.r = d->kernel_h, pb.s = d->kernel_w, pb.p = out.h, pb.q = out.w;
    pb.stride_h = d->stride_h, pb.stride_w = d->stride_w, pb.dil_h = d->dilation_h, pb.dil_w = d->dilation_w;
    bool pad = d->padding.mode == OCLNN_PAD_EXPLICIT
                   ? d->padding.top || d->padding.bottom || d->padding.left || d->padding.right
                   : d->padding.mode == OCLNN_PAD_SAME && (d->kernel_h > 1 || d->kernel_w > 1);
    pb.pad_top = pb.pad_left = pad; /* the chooser only asks whether there is padding */
    pb.groups = d->groups, pb.cg = d->input.c / d->groups, pb.kg = d->out_channels / d->groups;
    return pb;
}

/* The AUTO heuristic, row by row (ACL's ValidateConvolutionMethod). */
static void test_choose_table(void **state) {
    (void)state;
    static const struct {
        const char *shape;
        oclnn_conv_algo want_cl, want_cpu;
    } table[] = {
#define BOTH(a) OCLNN_CONV_ALGO_##a, OCLNN_CONV_ALGO_##a
        {"vgg_conv3x3_64", BOTH(WINOGRAD_4X4)}, /* 16 output tiles of 4x4 */
        {"vgg_conv3x3_128_b3", BOTH(WINOGRAD_4X4)},
        {"resnet_conv5_3x3_7x7", BOTH(WINOGRAD_2X2)}, /* 4 tiles of 4x4: too few for winograd4 */
        {"googlenet_stem_7x7s2", BOTH(IM2COL)},
        {"googlenet_1x1_reduce", BOTH(GEMM1X1)},
        {"googlenet_5x5", BOTH(IM2COL)},
        {"inception3_1x7", BOTH(IM2COL)},
        {"inception3_3x3s2_valid", BOTH(IM2COL)},
        {"resnet_1x1s2_projection", BOTH(IM2COL)},
        {"resnet_bottleneck_1x1_res", BOTH(GEMM1X1)},
        {"resnext_3x3_g32", BOTH(DIRECT)},
        {"depthwise_3x3", BOTH(DEPTHWISE)},
        {"depthwise_mult2_s2_same", BOTH(DEPTHWISE)},
        {"dilated_3x3_d2", BOTH(IM2COL)},
        {"odd_3x3_b3", BOTH(IM2COL)}, /* 7 -> 5 channels: transforms would dominate */
        {"conv1d_1x5", BOTH(IM2COL)},
#undef BOTH
    };
    for (int b = 0; b < 2; b++) {
        oclnn__conv2d_caps caps = {b ? OCLNN_BACKEND_CPU : OCLNN_BACKEND_OPENCL, false, OCLNN__DEVCLASS_CPU};
        for (size_t t = 0; t < sizeof table / sizeof *table; t++) {
            const shape_row *row = NULL;
            for (size_t i = 0; i < N_SHAPES; i++)
                if (!strcmp(SHAPES[i].name, table[t].shape)) row = &SHAPES[i];
            assert_non_null(row);
            oclnn__conv2d_problem pb = problem(&row->d);
            oclnn_conv_algo got = oclnn__conv2d_choose(&pb, &caps);
            oclnn_conv_algo want = b ? table[t].want_cpu : table[t].want_cl;
            if (got != want)
                fail_msg("%s on %s: chose %s, want %s", row->name, b ? "cpu" : "opencl",
                         oclnn_conv_algo_name(got), oclnn_conv_algo_name(want));
            assert_null(oclnn__conv2d_applies(&pb, got, &caps));
        }
        oclnn__conv2d_problem pb = problem(&SHAPES[0].d);
        assert_non_null(oclnn__conv2d_applies(&pb, OCLNN_CONV_ALGO_IM2COL_CLBLAST, &caps));
        /* issue 19: the accuracy guard. The heuristic never picks winograd6; find and the tuner's
         * rows may, up to 128 input channels (docs/WINOGRAD.md), never beyond. */
        for (uint32_t c = 16; c <= 1024; c *= 2)
            for (uint32_t hw = 7; hw <= 112; hw *= 4) {
                oclnn_conv2d_desc d = SHAPES[0].d;
                d.input = (oclnn_shape){1, c, hw, hw};
                d.out_channels = c;
                pb = problem(&d);
                assert_int_not_equal(oclnn__conv2d_choose(&pb, &caps), OCLNN_CONV_ALGO_WINOGRAD_6X6);
                bool allowed = !oclnn__conv2d_auto_guard(&pb, OCLNN_CONV_ALGO_WINOGRAD_6X6);
                assert_true(allowed == (c <= 128));
                assert_null(oclnn__conv2d_auto_guard(&pb, OCLNN_CONV_ALGO_WINOGRAD_4X4));
                oclnn_conv_algo algos[OCLNN_CONV_ALGO_COUNT];
                const oclnn__tune_space *spaces[OCLNN_CONV_ALGO_COUNT];
                size_t n = oclnn__conv2d_tuned_families(&pb, &caps, algos, spaces), found = 0;
                for (size_t i = 0; i < n; i++) found += algos[i] == OCLNN_CONV_ALGO_WINOGRAD_6X6;
                assert_int_equal(found, allowed ? 1 : 0);
            }
    }
}

/* Every validation branch: status and a keyword of the message. */
static void test_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_conv2d_desc good = oclnn_conv2d_desc_default();
    good.input = (oclnn_shape){1, 8, 6, 6};
    good.out_channels = 4;
    good.kernel_h = good.kernel_w = 3;
    good.padding = (oclnn_padding){OCLNN_PAD_EXPLICIT, 1, 1, 1, 1};
    float w[4 * 8 * 9] = {0}, bias[4] = {0};
    oclnn_op *op = (oclnn_op *)&good;
    oclnn_shape s;

#define EXPECT(call, st, word)                                                                     \
    do {                                                                                           \
        assert_status((call), (st));                                                               \
        assert_error_mentions(word);                                                               \
    } while (0)
#define BAD_DESC(field_change, word)                                                               \
    do {                                                                                           \
        oclnn_conv2d_desc d = good;                                                                \
        field_change;                                                                              \
        EXPECT(oclnn_conv2d_output_shape(&d, &s), OCLNN_ERROR_INVALID_ARGUMENT, word);             \
        op = (oclnn_op *)&good;                                                                    \
        EXPECT(oclnn_conv2d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT, word);    \
        assert_null(op);                                                                           \
    } while (0)

    BAD_DESC(d.input.c = 0, "desc->input");
    BAD_DESC(d.out_channels = 0, "out_channels");
    BAD_DESC(d.kernel_w = 0, "kernel_h/kernel_w");
    BAD_DESC(d.stride_h = 0, "stride");
    BAD_DESC(d.dilation_w = 0, "dilation");
    BAD_DESC(d.groups = 0, "groups");
    BAD_DESC(d.groups = 3, "groups (3) must divide input channels (8)");
    BAD_DESC((d.groups = 2, d.out_channels = 3), "out_channels (3)");
    BAD_DESC(d.padding.mode = (oclnn_pad_mode)9, "padding.mode");
    BAD_DESC(d.activation = (oclnn_activation)5, "activation");
    BAD_DESC(d.algo = (oclnn_conv_algo)42, "desc->algo (42)");
    BAD_DESC(d.kernel_h = 9, "larger than the padded input height (8)");
    BAD_DESC((d.dilation_w = 4, d.padding.left = 0), "width");
    BAD_DESC((d.input.h = 0xffffffffu, d.input.w = 0xffffffffu, d.input.c = 0xffffffffu, d.groups = 1),
             "overflow");
    EXPECT(oclnn_conv2d_output_shape(NULL, &s), OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    EXPECT(oclnn_conv2d_output_shape(&good, NULL), OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    EXPECT(oclnn_conv2d_create(NULL, &good, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT, "ctx");
    EXPECT(oclnn_conv2d_create(ctx, &good, NULL, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT, "weights_kcrs");
    EXPECT(oclnn_conv2d_create(ctx, &good, w, bias, &op), OCLNN_ERROR_INVALID_ARGUMENT, "has_bias is false");
    EXPECT(oclnn_conv2d_create(ctx, &good, w, NULL, NULL), OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    {
        oclnn_conv2d_desc d = good;
        d.has_bias = true;
        EXPECT(oclnn_conv2d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT, "bias is NULL");
        d = good;
        d.algo = OCLNN_CONV_ALGO_GEMM1X1;
        EXPECT(oclnn_conv2d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED, "1x1");
        d.algo = OCLNN_CONV_ALGO_DEPTHWISE;
        EXPECT(oclnn_conv2d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED, "depthwise needs");
        d.algo = OCLNN_CONV_ALGO_WINOGRAD_4X4;
        d.stride_w = 2;
        EXPECT(oclnn_conv2d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED, "stride 1");
        if (cfg->backend == OCLNN_BACKEND_CPU) {
            d.algo = OCLNN_CONV_ALGO_IM2COL_CLBLAST;
            EXPECT(oclnn_conv2d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED, "OpenCL");
        }
    }
    /* run-time checks */
    good.fuse_residual = true;
    assert_ok(oclnn_conv2d_create(ctx, &good, w, NULL, &op));
    oclnn_shape out;
    assert_ok(oclnn_conv2d_output_shape(&good, &out));
    oclnn_tensor *src, *dst, *res, *wrong, *big, *view;
    assert_ok(oclnn_tensor_create(ctx, good.input, cfg->layout, &src));
    assert_ok(oclnn_tensor_create(ctx, out, cfg->layout, &dst));
    assert_ok(oclnn_tensor_create(ctx, out, cfg->layout, &res));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 8, 6, 5}, cfg->layout, &wrong));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 12, 6, 6}, cfg->layout, &big));
    EXPECT(oclnn_conv2d_run(NULL, src, dst, res), OCLNN_ERROR_INVALID_ARGUMENT, "op is NULL");
    EXPECT(oclnn_conv2d_run(op, NULL, dst, res), OCLNN_ERROR_INVALID_ARGUMENT, "src is NULL");
    EXPECT(oclnn_conv2d_run(op, src, NULL, res), OCLNN_ERROR_INVALID_ARGUMENT, "dst is NULL");
    EXPECT(oclnn_conv2d_run(op, wrong, dst, res), OCLNN_ERROR_INVALID_ARGUMENT, "src shape n1c8h6w5");
    EXPECT(oclnn_conv2d_run(op, src, wrong, res), OCLNN_ERROR_INVALID_ARGUMENT, "dst shape");
    EXPECT(oclnn_conv2d_run(op, src, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT, "residual is NULL");
    EXPECT(oclnn_conv2d_run(op, src, dst, wrong), OCLNN_ERROR_INVALID_ARGUMENT, "residual shape");
    /* dst as a view of the channels src lives in overlaps it */
    oclnn_tensor *srcview;
    assert_ok(oclnn_tensor_view_channels(big, 0, 8, &srcview));
    assert_ok(oclnn_tensor_view_channels(big, 6, 4, &view));
    EXPECT(oclnn_conv2d_run(op, srcview, view, res), OCLNN_ERROR_INVALID_ARGUMENT, "overlaps");
    oclnn_tensor_destroy(view);
    assert_ok(oclnn_tensor_view_channels(big, 8, 4, &view));
    assert_ok(oclnn_conv2d_run(op, srcview, view, res)); /* disjoint channels of one tensor: fine */
    oclnn_tensor_destroy(view);
    oclnn_tensor_destroy(srcview);
    /* a tensor of another context */
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    oclnn_context *other_ctx;
    assert_ok(oclnn_context_create(&o, &other_ctx));
    oclnn_tensor *foreign;
    assert_ok(oclnn_tensor_create(other_ctx, good.input, cfg->layout, &foreign));
    EXPECT(oclnn_conv2d_run(op, foreign, dst, res), OCLNN_ERROR_INVALID_ARGUMENT, "another context");
    oclnn_tensor_destroy(foreign);
    oclnn_context_destroy(other_ctx);
    /* a residual on an op without one */
    oclnn_op *plain;
    good.fuse_residual = false;
    assert_ok(oclnn_conv2d_create(ctx, &good, w, NULL, &plain));
    EXPECT(oclnn_conv2d_run(plain, src, dst, res), OCLNN_ERROR_INVALID_ARGUMENT, "without fuse_residual");
    oclnn_op_destroy(plain);
    /* something that is not an operator (a tensor handle): its magic does not match */
    EXPECT(oclnn_conv2d_run((oclnn_op *)src, src, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT,
           "not a live operator");
    EXPECT(oclnn_conv2d_find(ctx, &good, NULL, 0, NULL), OCLNN_ERROR_INVALID_ARGUMENT, "count is NULL");
    size_t n;
    EXPECT(oclnn_conv2d_find(ctx, &good, NULL, 3, &n), OCLNN_ERROR_INVALID_ARGUMENT, "results is NULL");
    assert_string_equal(oclnn_conv_algo_name((oclnn_conv_algo)99), "");
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(res);
    oclnn_tensor_destroy(wrong);
    oclnn_tensor_destroy(big);
    oclnn_op_destroy(op);
#undef BAD_DESC
#undef EXPECT
}

/* The C backend's grouped paths keep their row copies on the heap: a convolution runs on the
 * caller's thread (worker 0 of the pool), whose stack may be small (musl gives threads 128 KiB;
 * the row nests' buffers alone were 208 KiB on the stack). Each grouped path, run from a thread
 * with a 128 KiB stack (512 KiB under AddressSanitizer), on a context of 2 threads, against the
 * double reference: the broadcast kernel (16 channels per group) and the diagonal one (4,
 * channels-first src and dst: both row copies), and, for shapes those kernels do not take, the
 * register-blocked nest (12 channels per group, K a multiple of 32) and the plain nest (6 per
 * group, K = 30). */
#if defined(__SANITIZE_ADDRESS__)
#define SMALL_STACK (512 * 1024) /* AddressSanitizer's redzones make every frame larger */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SMALL_STACK (512 * 1024)
#endif
#endif
#ifndef SMALL_STACK
#define SMALL_STACK (128 * 1024)
#endif

typedef struct stack_job {
    oclnn_op *op;
    oclnn_tensor *src, *dst;
    oclnn_status status;
} stack_job;

static void *stack_main(void *arg) {
    stack_job *j = arg;
    j->status = oclnn_conv2d_run(j->op, j->src, j->dst, NULL);
    return NULL;
}

static void test_small_stack(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    o.threads = 2;
    oclnn_context *ctx = NULL;
    assert_ok(oclnn_context_create(&o, &ctx));
    static const struct {
        unsigned c, groups;
        oclnn_layout layout;
    } cases[] = {{64, 4, OCLNN_LAYOUT_NHWC}, {64, 16, OCLNN_LAYOUT_NCHW}, {96, 8, OCLNN_LAYOUT_NHWC},
                 {30, 5, OCLNN_LAYOUT_NHWC}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
        d.input = (oclnn_shape){1, cases[i].c, 9, 20};
        d.out_channels = cases[i].c, d.groups = cases[i].groups;
        d.kernel_h = d.kernel_w = 3;
        d.padding = (oclnn_padding){OCLNN_PAD_EXPLICIT, 1, 1, 1, 1};
        d.has_bias = true, d.activation = OCLNN_ACTIVATION_RELU, d.algo = OCLNN_CONV_ALGO_DIRECT;
        const size_t nx = (size_t)cases[i].c * 9 * 20, nw = (size_t)cases[i].c * (cases[i].c / cases[i].groups) * 9;
        float *x = alloc_random(nx, 40 + (uint32_t)i, -1, 1), *w = alloc_random(nw, 50 + (uint32_t)i, -0.2f, 0.2f);
        float *b = alloc_random(cases[i].c, 60 + (uint32_t)i, -0.1f, 0.1f);
        float *ref = malloc(nx * sizeof *ref), *got = malloc(nx * sizeof *got);
        assert_non_null(ref);
        assert_non_null(got);
        oclnn__ref_conv2d(&d, x, OCLNN_LAYOUT_NCHW, w, b, NULL, ref);
        stack_job j = {NULL, NULL, NULL, OCLNN_OK};
        assert_ok(oclnn_conv2d_create(ctx, &d, w, b, &j.op));
        assert_ok(oclnn_tensor_create(ctx, d.input, cases[i].layout, &j.src));
        assert_ok(oclnn_tensor_create(ctx, d.input, cases[i].layout, &j.dst));
        assert_ok(oclnn_tensor_write(j.src, x, OCLNN_LAYOUT_NCHW));
        pthread_attr_t attr;
        pthread_t t;
        assert_int_equal(pthread_attr_init(&attr), 0);
        assert_int_equal(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
        assert_int_equal(pthread_create(&t, &attr, stack_main, &j), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
        pthread_attr_destroy(&attr);
        assert_ok(j.status);
        assert_ok(oclnn_tensor_read(j.dst, got, OCLNN_LAYOUT_NCHW));
        char problem[64];
        snprintf(problem, sizeof problem, "n1c%uh9w20k%ur3s3pad1g%u", cases[i].c, cases[i].c, cases[i].groups);
        assert_close(got, ref, nx, tolerance(OCLNN_CONV_ALGO_DIRECT), TOL_RTOL, problem);
        oclnn_op_destroy(j.op);
        oclnn_tensor_destroy(j.src);
        oclnn_tensor_destroy(j.dst);
        free(x), free(w), free(b), free(ref), free(got);
    }
    oclnn_context_destroy(ctx);
}

/* The aliasing rule: residual may be dst itself (the in-place residual a graph wants). Every
 * algorithm on every backend and layout adds the old dst, with bias and ReLU; the case
 * (1x1 weight 2 on {1,2,3,4} over dst {10,20,30,40}) gives {12,24,36,48}. A residual that partly
 * overlaps dst, and a dst overlapping src, are refused naming both tensors. */
static void test_residual_in_place(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++) {
        oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
        d.input = (oclnn_shape){2, 6, 7, 5};
        d.out_channels = 6;
        d.kernel_h = d.kernel_w = 3;
        d.padding.mode = OCLNN_PAD_SAME;
        if (a == OCLNN_CONV_ALGO_GEMM1X1) d.kernel_h = d.kernel_w = 1;
        if (a == OCLNN_CONV_ALGO_DEPTHWISE) d.groups = 6;
        d.has_bias = a % 2 == 0;
        d.activation = a % 3 == 0 ? OCLNN_ACTIVATION_RELU : OCLNN_ACTIVATION_NONE;
        d.fuse_residual = true;
        d.algo = (oclnn_conv_algo)a;
        problem_data pd;
        data_make(&d, 900u + (uint32_t)a, &pd);
        oclnn_op *op;
        oclnn_status st = oclnn_conv2d_create(ctx, &d, pd.w, pd.bias, &op);
        if (st == OCLNN_ERROR_UNSUPPORTED && (a == OCLNN_CONV_ALGO_IM2COL_CLBLAST ||
                                              (a == OCLNN_CONV_ALGO_IMPLICIT_GEMM &&
                                               cfg->backend == OCLNN_BACKEND_CPU))) {
            data_free(&pd);
            continue;
        }
        assert_ok(st);
        oclnn_tensor *src, *dst;
        assert_ok(oclnn_tensor_create(ctx, pd.in, cfg->layout, &src));
        assert_ok(oclnn_tensor_create(ctx, pd.out, cfg->layout, &dst));
        assert_ok(oclnn_tensor_write(src, pd.src, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_tensor_write(dst, pd.res, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_conv2d_run(op, src, dst, dst));
        float *got = malloc(count(pd.out) * sizeof *got);
        assert_ok(oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW));
        char problem[96];
        snprintf(problem, sizeof problem, "residual == dst algo=%s", oclnn_conv_algo_name(a));
        assert_close(got, pd.ref, count(pd.out), tolerance((oclnn_conv_algo)a), TOL_RTOL, problem);
        free(got);
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
        data_free(&pd);
    }
    /* the numbers, on the default algorithm and each GEMM one */
    static const oclnn_conv_algo algos[] = {OCLNN_CONV_ALGO_AUTO, OCLNN_CONV_ALGO_IM2COL,
                                            OCLNN_CONV_ALGO_GEMM1X1};
    for (size_t i = 0; i < sizeof algos / sizeof *algos; i++) {
        oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
        d.input = (oclnn_shape){1, 1, 2, 2};
        d.out_channels = d.kernel_h = d.kernel_w = 1;
        d.fuse_residual = true;
        d.algo = algos[i];
        const float x[4] = {1, 2, 3, 4}, w[1] = {2}, old[4] = {10, 20, 30, 40};
        const float want[4] = {12, 24, 36, 48};
        float got[4];
        oclnn_op *op;
        oclnn_tensor *src, *dst;
        assert_ok(oclnn_conv2d_create(ctx, &d, w, NULL, &op));
        assert_ok(oclnn_tensor_create(ctx, d.input, cfg->layout, &src));
        assert_ok(oclnn_tensor_create(ctx, d.input, cfg->layout, &dst));
        assert_ok(oclnn_tensor_write(src, x, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_tensor_write(dst, old, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_conv2d_run(op, src, dst, dst));
        assert_ok(oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW));
        for (int j = 0; j < 4; j++) assert_float_equal(got[j], want[j], 0);
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
    }
    /* partial overlaps: channels [0, 4) of a 6-channel tensor against channels [2, 6) */
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){1, 4, 3, 3};
    d.out_channels = 4;
    d.kernel_h = d.kernel_w = 1;
    d.fuse_residual = true;
    float w[16] = {0};
    oclnn_op *op;
    oclnn_tensor *whole, *lo, *hi, *src;
    assert_ok(oclnn_conv2d_create(ctx, &d, w, NULL, &op));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 6, 3, 3}, cfg->layout, &whole));
    assert_ok(oclnn_tensor_create(ctx, d.input, cfg->layout, &src));
    assert_ok(oclnn_tensor_view_channels(whole, 0, 4, &lo));
    assert_ok(oclnn_tensor_view_channels(whole, 2, 4, &hi));
    assert_status(oclnn_conv2d_run(op, src, lo, hi), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst overlaps residual");
    assert_status(oclnn_conv2d_run(op, hi, lo, src), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst overlaps src");
    assert_status(oclnn_conv2d_run(op, lo, lo, src), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst is src");
    oclnn_tensor_destroy(lo);
    oclnn_tensor_destroy(hi);
    oclnn_tensor_destroy(whole);
    oclnn_tensor_destroy(src);
    oclnn_op_destroy(op);
}

/* The workspace against the device's largest allocation (issue 12): an explicit algorithm whose
 * workspace exceeds it is refused naming the workspace; AUTO falls back to an algorithm that fits
 * (the CPU class's im2col gives way to implicit-gemm) and computes the right result; when not even
 * the weights fit, AUTO's error says no algorithm fits. The device limit is lowered on the shared
 * context for the test and restored. */
static void test_workspace_fallback(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    if (cfg->backend != OCLNN_BACKEND_OPENCL) skip(); /* the C backend's limit is the host's memory */
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    /* 5x5, pad 2: im2col's workspace is 2*25*36 floats (7,200 bytes); weights 400 bytes, tensors
     * 288 bytes each */
    shape_row row = {"ws_5x5", {{1, 2, 6, 6}, 2, 5, 5, 1, 1, 1, 1, 1, {OCLNN_PAD_EXPLICIT, 2, 2, 2, 2},
                                OCLNN_ACTIVATION_NONE, false, false, OCLNN_CONV_ALGO_AUTO}};
    problem_data pd;
    data_make(&row.d, 77, &pd);
    const uint64_t saved = ctx->device.max_alloc_bytes;
    ctx->device.max_alloc_bytes = 4096;
    oclnn_conv2d_desc d = row.d;
    d.algo = OCLNN_CONV_ALGO_IM2COL;
    oclnn_op *op = NULL;
    assert_status(oclnn_conv2d_create(ctx, &d, pd.w, NULL, &op), OCLNN_ERROR_DEVICE_OUT_OF_MEMORY);
    assert_error_mentions("workspace");
    assert_null(op);
    assert_ok(run_one(ctx, &row, &pd, OCLNN_CONV_ALGO_AUTO, cfg->layout, cfg->layout));
    d.algo = OCLNN_CONV_ALGO_AUTO;
    assert_ok(oclnn_conv2d_create(ctx, &d, pd.w, NULL, &op));
    assert_string_not_equal(oclnn_op_algorithm(op), "im2col");
    if (!test_cfg_gpu_class(cfg) && getenv("OCLNN_DEVICE_CLASS") == NULL)
        assert_string_equal(oclnn_op_algorithm(op), "implicit-gemm"); /* the fallback ran */
    oclnn_op_destroy(op);
    op = NULL;
    ctx->device.max_alloc_bytes = 256; /* not even the weights */
    assert_status(oclnn_conv2d_create(ctx, &d, pd.w, NULL, &op), OCLNN_ERROR_DEVICE_OUT_OF_MEMORY);
    assert_error_mentions("no convolution algorithm fits");
    assert_error_mentions("weights");
    assert_null(op);
    ctx->device.max_alloc_bytes = saved;
    data_free(&pd);
}

/* issue 19: winograd6 (and winograd4 beside it) on full-size 3x3 layers of ResNet-50 and VGG-16
 * at small batch, with fused bias, ReLU and (conv4_x) residual, against the double reference
 * (computed once, shared by the configurations). Inputs in [-1, 1) and weights scaled by
 * 1/sqrt(C*9) give O(1) outputs; the bound is TOL_WINOGRAD6_ATOL, the errors are printed. */
#define N_W6_LAYERS 4
static problem_data w6_data[N_W6_LAYERS];

static void test_winograd6_layers(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    /* the Oclgrind gate and valgrind (where the double reference of these layers alone took
     * about 200 s): test_all_algorithms covers winograd6 there, the sanitizer run and the suite
     * these full-size layers */
    if (test_small() || test_under_valgrind()) skip();
    static const shape_row layers[N_W6_LAYERS] = {
        ROW(resnet50_conv2_x, 1, 64, 56, 56, 64, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)
        ROW(resnet50_conv4_x_b2, 2, 256, 14, 14, 256, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
        ROW(resnet50_conv5_x_b2, 2, 512, 7, 7, 512, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)
        ROW(vgg16_conv5_1, 1, 512, 14, 14, 512, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)};
    for (size_t i = 0; i < N_W6_LAYERS; i++) {
        if (!w6_data[i].ref) data_make(&layers[i].d, 600u + (uint32_t)i, &w6_data[i]);
        static const oclnn_conv_algo algos[] = {OCLNN_CONV_ALGO_WINOGRAD_4X4, OCLNN_CONV_ALGO_WINOGRAD_6X6};
        for (size_t a = 0; a < 2; a++) {
            max_err[algos[a]] = 0;
            assert_ok(run_one(ctx, &layers[i], &w6_data[i], algos[a], cfg->layout, cfg->layout));
            print_message("%s: %s %s max |error| %.2g (bound %.2g)\n", cfg->name, layers[i].name,
                          oclnn_conv_algo_name(algos[a]), max_err[algos[a]], tolerance(algos[a]));
        }
    }
    memset(max_err, 0, sizeof max_err);
}

/* Many 4x4 tiles and few channels (512 tiles of F(4x4), 2048 of F(2x2)): the C backend's
 * Winograd runs its tile blocks here (channels-last sources: transform, GEMMs and inverse
 * transform per block of tiles on each thread, cpu/conv2d_winograd.c), with the last block
 * partial, fused bias, ReLU and residual; the other layout runs the three passes. */
static void test_winograd_tile_blocks(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    if (test_small()) skip(); /* the Oclgrind gate: test_all_algorithms covers Winograd there */
    static const shape_row rows[] = {
        ROW(winograd_many_tiles, 2, 16, 62, 62, 24, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)};
    const shape_row row = rows[0];
    problem_data pd;
    data_make(&row.d, 700u, &pd);
    static const oclnn_conv_algo algos[] = {OCLNN_CONV_ALGO_WINOGRAD_2X2, OCLNN_CONV_ALGO_WINOGRAD_4X4};
    for (size_t a = 0; a < 2; a++) {
        assert_ok(run_one(ctx, &row, &pd, algos[a], cfg->layout, cfg->layout));
        assert_ok(run_one(ctx, &row, &pd, algos[a], other(cfg->layout), cfg->layout));
    }
    data_free(&pd);
    memset(max_err, 0, sizeof max_err);
}

/* im2col on the C backend into a channels-last dst, with one image's col matrix of 4 MiB or
 * more: the im2col is gathered block by block inside the packed GEMM (cpu/conv2d_gemm.c), with
 * depth blocks that split a tap's channels (C = 20, 64), padding on every side, dilation, a
 * stride, a partial panel of output channels and the fused epilogue; a strided 1x1 of 512
 * channels or more, gathered at any size, with all images' rows one GEMM; a channels-first src
 * takes the separate im2col. */
static void test_im2col_gathered(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    if (test_small() || cfg->backend != OCLNN_BACKEND_CPU) skip();
    static const shape_row rows[] = {
        ROW(gathered_stem_7x7s2_res_b2, 2, 3, 180, 180, 40, 7, 7, 2, 2, EXPLICIT, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1)
        ROW(gathered_5x5_dil2_asym, 1, 20, 70, 66, 10, 5, 5, 1, 1, EXPLICIT, 2, 3, 1, 0, 2, 2, 1, 0, 0, 0)
        ROW(gathered_3x3s2, 1, 64, 130, 130, 33, 3, 3, 2, 2, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)
        /* row blocks inside one output row, every tap inside, are read in place from src
         * (cpu/gemm.h's oclnn__gemm_aview; gathered at any col size on the vector paths when
         * rows hold two row blocks): a dilated H (the kernel rows' segments 2 rows apart), a
         * 5x5 whose segments of 120 floats straddle depth blocks of 256, batch 2, a residual
         * (sized for the valgrind stage, which runs them too) */
        ROW(gathered_3x3_dilh2, 1, 16, 60, 61, 24, 3, 3, 1, 1, EXPLICIT, 2, 2, 1, 1, 2, 1, 1, 1, 1, 0)
        ROW(gathered_5x5_c24_b2_res, 2, 24, 27, 27, 40, 5, 5, 1, 1, EXPLICIT, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1)
        /* strided 1x1 of 512 channels and more, gathered whatever the col's size, all images one
         * GEMM: 3 x 25 rows (row blocks span images), a residual; padding, 4 depth blocks */
        ROW(gathered_1x1s2_c512_b3_res, 3, 512, 9, 9, 40, 1, 1, 2, 2, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1)
        ROW(gathered_1x1s2_pad1_c1024_b2, 2, 1024, 7, 6, 33, 1, 1, 2, 2, EXPLICIT, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0)};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        problem_data pd;
        data_make(&rows[i].d, 800u + (uint32_t)i, &pd);
        assert_ok(run_one(ctx, &rows[i], &pd, OCLNN_CONV_ALGO_IM2COL, OCLNN_LAYOUT_NHWC, OCLNN_LAYOUT_NHWC));
        assert_ok(run_one(ctx, &rows[i], &pd, OCLNN_CONV_ALGO_IM2COL, OCLNN_LAYOUT_NCHW, OCLNN_LAYOUT_NHWC));
        data_free(&pd);
    }
    memset(max_err, 0, sizeof max_err);
}

/* 1x1 convolutions on the C backend at batch > 1: with src, dst and the residual channels-last and
 * each image right after the one before, all images' pixels are rows of one packed GEMM
 * (cpu/conv2d_gemm.c); 7x7 images (3 x 49 = 12 x 12 + 3 rows, so a row block spans two images),
 * odd channel counts, a half-width last panel (80 = 2.5 x 32), two depth blocks (300 = 256 + 44),
 * the fused bias, ReLU and residual; a channels-first src or dst takes the other paths. */
static void test_gemm_batch(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    if (test_small() || cfg->backend != OCLNN_BACKEND_CPU) skip();
    static const shape_row rows[] = {
        ROW(gemm1x1_b3_7x7_res, 3, 36, 7, 7, 80, 1, 1, 1, 1, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1)
        ROW(gemm1x1_b5_5x3_k300, 5, 300, 5, 3, 40, 1, 1, 1, 1, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0)
        ROW(gemm1x1_b2_9x9_relu, 2, 17, 9, 9, 33, 1, 1, 1, 1, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1)};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        problem_data pd;
        data_make(&rows[i].d, 900u + (uint32_t)i, &pd);
        assert_ok(run_one(ctx, &rows[i], &pd, OCLNN_CONV_ALGO_GEMM1X1, OCLNN_LAYOUT_NHWC, OCLNN_LAYOUT_NHWC));
        assert_ok(run_one(ctx, &rows[i], &pd, OCLNN_CONV_ALGO_GEMM1X1, OCLNN_LAYOUT_NCHW, OCLNN_LAYOUT_NHWC));
        assert_ok(run_one(ctx, &rows[i], &pd, OCLNN_CONV_ALGO_GEMM1X1, cfg->layout, OCLNN_LAYOUT_NCHW));
        data_free(&pd);
    }
    /* im2col at batch > 1 with outputs of at most 64 pixels: all images' col first, then one
     * GEMM (a 7x7 output from a strided 3x3 and a strided 1x1, an 8x8 1x3) */
    static const shape_row cols[] = {
        ROW(im2col_b3_3x3s2_res, 3, 20, 14, 14, 40, 3, 3, 2, 2, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
        ROW(im2col_b2_1x1s2_k80, 2, 36, 13, 13, 80, 1, 1, 2, 2, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1)
        ROW(im2col_b4_1x3, 4, 12, 8, 8, 16, 1, 3, 1, 1, EXPLICIT, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0)};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
        problem_data pd;
        data_make(&cols[i].d, 950u + (uint32_t)i, &pd);
        assert_ok(run_one(ctx, &cols[i], &pd, OCLNN_CONV_ALGO_IM2COL, OCLNN_LAYOUT_NHWC, OCLNN_LAYOUT_NHWC));
        assert_ok(run_one(ctx, &cols[i], &pd, OCLNN_CONV_ALGO_IM2COL, OCLNN_LAYOUT_NCHW, OCLNN_LAYOUT_NHWC));
        assert_ok(run_one(ctx, &cols[i], &pd, OCLNN_CONV_ALGO_IM2COL, cfg->layout, OCLNN_LAYOUT_NCHW));
        data_free(&pd);
    }
    memset(max_err, 0, sizeof max_err);
}

static int free_w6_data(void **state) {
    for (size_t i = 0; i < N_W6_LAYERS; i++)
        if (w6_data[i].ref) data_free(&w6_data[i]);
    memset(w6_data, 0, sizeof w6_data);
    return test_teardown(state);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choose_table),
        cmocka_unit_test(test_small_stack),
        TEST_ALL_CFGS(test_errors),
        TEST_ALL_CFGS(test_all_algorithms),
        TEST_GPU_CFGS(test_all_algorithms),
        TEST_ALL_CFGS(test_mixed_layouts),
        TEST_GPU_CFGS(test_mixed_layouts),
        TEST_ALL_CFGS(test_dst_channel_views),
        TEST_GPU_CFGS(test_dst_channel_views),
        TEST_ALL_CFGS(test_golden),
        TEST_GPU_CFGS(test_golden),
        TEST_ALL_CFGS(test_find),
        TEST_ALL_CFGS(test_residual_in_place),
        TEST_ALL_CFGS(test_gpu_direct_candidates),
        TEST_GPU_CFGS(test_gpu_direct_candidates),
        TEST_ALL_CFGS(test_workspace_fallback),
        TEST_GPU_CFGS(test_workspace_fallback),
        TEST_ALL_CFGS(test_winograd_tile_blocks),
        TEST_ALL_CFGS(test_im2col_gathered),
        TEST_ALL_CFGS(test_gemm_batch),
        TEST_ALL_CFGS(test_winograd6_layers), /* issue 19 */
        TEST_GPU_CFGS(test_winograd6_layers),
    };
    return cmocka_run_group_tests(tests, NULL, free_w6_data);
}
