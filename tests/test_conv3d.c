/* SPDX-License-Identifier: MIT */
/* 3-D convolution (issue 19) and the 5-D tensors it runs on: PyTorch golden data, the double
 * reference on the video networks' layer shapes (shrunk), fused bias/residual/ReLU, channel
 * views, batch > 1, both layouts and backends, and the argument checks. */
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"
#include "support/gpuclass.h"

static size_t count5(oclnn_shape3d s) { return (size_t)s.n * s.c * s.d * s.h * s.w; }

static oclnn_tensor *make5(oclnn_context *ctx, oclnn_shape3d s, oclnn_layout l, const float *host) {
    oclnn_tensor *t;
    assert_ok(oclnn_tensor_create3d(ctx, s, l, &t));
    if (host) assert_ok(oclnn_tensor_write(t, host, OCLNN_LAYOUT_NCDHW));
    return t;
}

/* The 3-D algorithms, and those a backend has: direct on both, im2col on the C backend,
 * implicit-gemm on OpenCL. */
static const oclnn_conv_algo ALGOS[] = {OCLNN_CONV_ALGO_DIRECT, OCLNN_CONV_ALGO_IM2COL,
                                        OCLNN_CONV_ALGO_IMPLICIT_GEMM};
#define N_ALGOS (sizeof ALGOS / sizeof *ALGOS)
static bool algo_applies(const test_cfg *cfg, oclnn_conv_algo a) {
    if (a == OCLNN_CONV_ALGO_IM2COL) return cfg->backend == OCLNN_BACKEND_CPU;
    if (a == OCLNN_CONV_ALGO_IMPLICIT_GEMM) return cfg->backend == OCLNN_BACKEND_OPENCL;
    return true;
}

/* Runs d (with algo a) on x, optional residual r, into y (host NCDHW). */
static void run_conv(oclnn_context *ctx, oclnn_layout l, const oclnn_conv3d_desc *d, const float *x,
                     const float *w, const float *b, const float *r, float *y,
                     bool residual_in_place) {
    oclnn_shape3d os;
    assert_ok(oclnn_conv3d_output_shape(d, &os));
    oclnn_op *op;
    assert_ok(oclnn_conv3d_create(ctx, d, w, b, &op));
    oclnn_tensor *src = make5(ctx, d->input, l, x), *dst = make5(ctx, os, l, NULL);
    oclnn_tensor *res = NULL;
    if (r && residual_in_place) {
        assert_ok(oclnn_tensor_write(dst, r, OCLNN_LAYOUT_NCDHW));
        res = dst;
    } else if (r) {
        /* the residual in the other layout: each tensor's layout is free */
        res = make5(ctx, os, l == OCLNN_LAYOUT_NCDHW ? OCLNN_LAYOUT_NDHWC : OCLNN_LAYOUT_NCDHW, r);
    }
    assert_ok(oclnn_conv3d_run(op, src, dst, res));
    assert_ok(oclnn_tensor_read(dst, y, OCLNN_LAYOUT_NCDHW));
    if (res && res != dst) oclnn_tensor_destroy(res);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

static oclnn_conv3d_desc desc3(oclnn_shape3d in, uint32_t k, uint32_t t, uint32_t r, uint32_t s,
                               uint32_t st_d, uint32_t st_hw, uint32_t pd, uint32_t ph, uint32_t pw,
                               uint32_t groups) {
    oclnn_conv3d_desc d = oclnn_conv3d_desc_default();
    d.input = in;
    d.out_channels = k;
    d.kernel[0] = t, d.kernel[1] = r, d.kernel[2] = s;
    d.stride[0] = st_d, d.stride[1] = st_hw, d.stride[2] = st_hw;
    d.pad[0] = pd, d.pad[1] = ph, d.pad[2] = pw;
    d.groups = groups;
    return d;
}

static void test_conv3d_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const struct {
        const char *name;
        oclnn_shape3d in;
        uint32_t k, kern[3], stride[3], pad[3], dil[3], groups;
    } cases[] = {
        {"conv3d_3x3x3", {2, 4, 5, 7, 6}, 6, {3, 3, 3}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, 1},
        {"conv3d_stem", {1, 3, 6, 13, 11}, 8, {3, 7, 7}, {1, 2, 2}, {1, 3, 3}, {1, 1, 1}, 1},
        {"conv3d_1x3x3", {1, 5, 4, 9, 9}, 7, {1, 3, 3}, {1, 2, 1}, {0, 1, 1}, {1, 1, 1}, 1},
        {"conv3d_3x1x1", {2, 6, 7, 5, 4}, 4, {3, 1, 1}, {2, 1, 1}, {1, 0, 0}, {1, 1, 1}, 1},
        {"conv3d_grouped", {1, 8, 5, 6, 7}, 4, {3, 2, 3}, {1, 1, 2}, {2, 1, 1}, {2, 1, 1}, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        oclnn_conv3d_desc d = oclnn_conv3d_desc_default();
        d.input = cases[i].in;
        d.out_channels = cases[i].k;
        d.groups = cases[i].groups;
        d.has_bias = true;
        for (int a = 0; a < 3; a++) {
            d.kernel[a] = cases[i].kern[a];
            d.stride[a] = cases[i].stride[a];
            d.pad[a] = cases[i].pad[a];
            d.dilation[a] = cases[i].dil[a];
        }
        oclnn_shape3d os;
        assert_ok(oclnn_conv3d_output_shape(&d, &os));
        double work =
            (double)count5(os) * (d.input.c / d.groups) * d.kernel[0] * d.kernel[1] * d.kernel[2];
        if (!test_runs(work / 8)) continue; /* OCLNN_TEST_SMALL keeps the small ones */
        char file[128];
        const size_t wn = (size_t)d.out_channels * (d.input.c / d.groups) * d.kernel[0] *
                          d.kernel[1] * d.kernel[2];
        snprintf(file, sizeof file, "%s_x.bin", cases[i].name);
        float *x = golden(file, count5(d.input));
        snprintf(file, sizeof file, "%s_w.bin", cases[i].name);
        float *w = golden(file, wn);
        snprintf(file, sizeof file, "%s_b.bin", cases[i].name);
        float *b = golden(file, d.out_channels);
        snprintf(file, sizeof file, "%s_y.bin", cases[i].name);
        float *want = golden(file, count5(os));
        float *y = malloc(count5(os) * sizeof *y);
        for (size_t a = 0; a < N_ALGOS; a++) {
            d.algo = ALGOS[a];
            if (!algo_applies(cfg, d.algo)) continue;
            memset(y, 0, count5(os) * sizeof *y);
            run_conv(ctx, cfg->layout, &d, x, w, b, NULL, y, false);
            char problem[160];
            snprintf(problem, sizeof problem, "%s %s %s", cases[i].name, cfg->name,
                     oclnn_conv_algo_name(d.algo));
            assert_close(y, want, count5(os), 1e-5, 1e-4, problem);
        }
        free(x), free(w), free(b), free(want), free(y);
    }
}

/* The video networks' layer kinds (r3d_18, mc3_18, r2plus1d_18), shrunk: stem, 3x3x3 with and
 * without stride 2, the 1x1x1 stride-2 downsample, and the (2+1)-D pair 1x3x3 + 3x1x1; batch 2,
 * fused bias + residual + ReLU against the double reference. */
static void test_conv3d_networks(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    const oclnn_conv3d_desc cases[] = {
        desc3((oclnn_shape3d){2, 3, 4, 14, 14}, 8, 3, 7, 7, 1, 2, 1, 3, 3, 1), /* r3d stem */
        desc3((oclnn_shape3d){2, 3, 4, 14, 14}, 6, 1, 7, 7, 1, 2, 0, 3, 3, 1), /* r2+1d stem */
        desc3((oclnn_shape3d){2, 6, 4, 7, 7}, 8, 3, 1, 1, 1, 1, 1, 0, 0, 1),   /* r2+1d 3x1x1 */
        desc3((oclnn_shape3d){2, 8, 4, 7, 7}, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1),   /* layer1 */
        desc3((oclnn_shape3d){2, 8, 4, 7, 7}, 12, 3, 3, 3, 2, 2, 1, 1, 1, 1),  /* layer2 first */
        desc3((oclnn_shape3d){2, 8, 4, 7, 7}, 12, 1, 1, 1, 2, 2, 0, 0, 0, 1),  /* downsample */
        desc3((oclnn_shape3d){2, 8, 3, 5, 6}, 10, 1, 3, 3, 1, 1, 0, 1, 1, 1),  /* mc3 2-D conv */
        desc3((oclnn_shape3d){1, 6, 3, 5, 5}, 6, 3, 3, 3, 1, 1, 1, 1, 1, 6),   /* depthwise */
        /* implicit-gemm's tiles: two row tiles (K 70 > 64) and several column tiles (252
         * pixels), each partial, K steps partial (Cg*T*R*S = 162) */
        desc3((oclnn_shape3d){2, 6, 3, 6, 7}, 70, 3, 3, 3, 1, 1, 1, 1, 1, 1),
        /* groups 3 with stride and dilation on every axis (dilation set below) */
        desc3((oclnn_shape3d){1, 6, 6, 7, 8}, 9, 2, 3, 2, 2, 2, 1, 2, 1, 3),
        /* small enough for Oclgrind (OCLNN_TEST_SMALL) */
        desc3((oclnn_shape3d){1, 2, 3, 4, 3}, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1),
        desc3((oclnn_shape3d){2, 2, 3, 5, 4}, 2, 3, 1, 3, 2, 2, 1, 0, 1, 1),
        desc3((oclnn_shape3d){2, 4, 3, 5, 5}, 4, 1, 3, 3, 1, 2, 0, 2, 1, 2), /* groups, dilation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        oclnn_conv3d_desc d = cases[i];
        if (d.groups == 3) d.dilation[0] = 2, d.dilation[1] = 3, d.dilation[2] = 2;
        if (d.groups == 2) d.dilation[1] = 2, d.dilation[2] = 2;
        d.has_bias = true;
        d.fuse_residual = true;
        d.activation = OCLNN_ACTIVATION_RELU;
        oclnn_shape3d os;
        assert_ok(oclnn_conv3d_output_shape(&d, &os));
        double work =
            (double)count5(os) * (d.input.c / d.groups) * d.kernel[0] * d.kernel[1] * d.kernel[2];
        if (!test_runs(work / 16)) continue;
        const size_t wn = (size_t)d.out_channels * (d.input.c / d.groups) * d.kernel[0] *
                          d.kernel[1] * d.kernel[2];
        float *x = alloc_random(count5(d.input), 11 + (uint32_t)i, -1, 1);
        float *w = alloc_random(wn, 23 + (uint32_t)i, -0.3f, 0.3f);
        float *b = alloc_random(d.out_channels, 31 + (uint32_t)i, -0.5f, 0.5f);
        float *r = alloc_random(count5(os), 37 + (uint32_t)i, -1, 1);
        float *want = malloc(count5(os) * sizeof *want), *y = malloc(count5(os) * sizeof *y);
        oclnn__ref_conv3d(&d, x, w, b, r, want);
        for (size_t a = 0; a < N_ALGOS; a++) {
            d.algo = ALGOS[a];
            if (!algo_applies(cfg, d.algo)) continue;
            for (int in_place = 0; in_place < 2; in_place++) {
                run_conv(ctx, cfg->layout, &d, x, w, b, r, y, in_place);
                char problem[160];
                snprintf(problem, sizeof problem, "network case %zu %s %s in_place %d", i,
                         cfg->name, oclnn_conv_algo_name(d.algo), in_place);
                assert_close(y, want, count5(os), 1e-5, 1e-4, problem);
            }
        }
        free(x), free(w), free(b), free(r), free(want), free(y);
    }
}

/* src and dst as channel views of larger 5-D tensors (the depth goes with the view). */
static void test_conv3d_views(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_conv3d_desc d = desc3((oclnn_shape3d){2, 3, 3, 4, 5}, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1);
    oclnn_shape3d os;
    assert_ok(oclnn_conv3d_output_shape(&d, &os));
    const size_t wn = 4 * 3 * 27;
    float *x = alloc_random(count5(d.input), 5, -1, 1), *w = alloc_random(wn, 6, -0.3f, 0.3f);
    float *want = malloc(count5(os) * sizeof *want), *y = malloc(count5(os) * sizeof *y);
    oclnn__ref_conv3d(&d, x, w, NULL, NULL, want);
    oclnn_shape3d big_in = d.input, big_out = os;
    big_in.c = 7;
    big_out.c = 9;
    oclnn_tensor *pin = make5(ctx, big_in, cfg->layout, NULL),
                 *pout = make5(ctx, big_out, cfg->layout, NULL);
    oclnn_tensor *vin, *vout;
    assert_ok(oclnn_tensor_view_channels(pin, 2, 3, &vin));
    assert_ok(oclnn_tensor_view_channels(pout, 5, 4, &vout));
    oclnn_shape3d vs = oclnn_tensor_shape3d(vin);
    assert_int_equal(vs.d, 3);
    assert_int_equal(vs.h, 4);
    assert_int_equal(vs.c, 3);
    assert_ok(oclnn_tensor_write(vin, x, OCLNN_LAYOUT_NCDHW));
    for (size_t a = 0; a < N_ALGOS; a++) {
        d.algo = ALGOS[a];
        if (!algo_applies(cfg, d.algo)) continue;
        oclnn_op *op;
        assert_ok(oclnn_conv3d_create(ctx, &d, w, NULL, &op));
        assert_string_equal(oclnn_op_algorithm(op), oclnn_conv_algo_name(d.algo));
        assert_ok(oclnn_conv3d_run(op, vin, vout, NULL));
        assert_ok(oclnn_tensor_read(vout, y, OCLNN_LAYOUT_NCDHW));
        assert_close(y, want, count5(os), 1e-5, 1e-4, "conv3d views");
        oclnn_op_destroy(op);
    }
    oclnn_tensor_destroy(vin), oclnn_tensor_destroy(vout);
    oclnn_tensor_destroy(pin), oclnn_tensor_destroy(pout);
    free(x), free(w), free(want), free(y);
}

/* AUTO's choice (src/ops/conv3d_choose.c): im2col on the C backend, implicit-gemm in the GPU
 * class, and on PoCL's CPU class implicit-gemm from 256 output pixels, else direct; direct where
 * implicit-gemm does not apply. */
static void test_conv3d_auto(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    const oclnn_conv3d_desc big = desc3((oclnn_shape3d){1, 2, 4, 8, 8}, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                            small = desc3((oclnn_shape3d){2, 2, 2, 3, 3}, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1);
    float w[2 * 2 * 27] = {0};
    const bool gpu = cfg->backend == OCLNN_BACKEND_OPENCL && test_cfg_runs_gpu_class(cfg);
    for (int i = 0; i < 2; i++) {
        oclnn_op *op;
        assert_ok(oclnn_conv3d_create(ctx, i ? &small : &big, w, NULL, &op));
        const char *want = cfg->backend == OCLNN_BACKEND_CPU ? "im2col"
                           : gpu || i == 0                  ? "implicit-gemm"
                                                            : "direct";
        assert_string_equal(oclnn_op_algorithm(op), want);
        oclnn_op_destroy(op);
    }
    /* a window reaching past 2^31 along w: implicit-gemm's int coordinates do not apply, AUTO
     * takes direct (creating the op allocates nothing of the input's size) */
    oclnn_conv3d_desc far = desc3((oclnn_shape3d){1, 1, 1, 1, 0x80000001u}, 1, 1, 1, 2, 1, 1, 0, 0,
                                  0, 1);
    far.dilation[2] = 0x80000000u;
    oclnn_op *op;
    assert_ok(oclnn_conv3d_create(ctx, &far, w, NULL, &op));
    assert_string_equal(oclnn_op_algorithm(op),
                        cfg->backend == OCLNN_BACKEND_CPU ? "im2col" : "direct");
    oclnn_op_destroy(op);
    far.algo = OCLNN_CONV_ALGO_IMPLICIT_GEMM;
    assert_status(oclnn_conv3d_create(ctx, &far, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions(cfg->backend == OCLNN_BACKEND_CPU ? "OpenCL" : "2^31");
}

static void test_conv3d_errors(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    float w[4 * 2 * 27] = {0}, b[4] = {0};
    oclnn_conv3d_desc good = desc3((oclnn_shape3d){1, 2, 3, 4, 5}, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1);
    oclnn_op *op = NULL;
    oclnn_conv3d_desc d = good;
    d.input.d = 0;
    assert_status(oclnn_conv3d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero dimension");
    d = good;
    d.groups = 3;
    assert_status(oclnn_conv3d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("groups");
    d = good;
    d.kernel[0] = 7;
    assert_status(oclnn_conv3d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("output is empty");
    d = good;
    d.stride[2] = 0;
    assert_status(oclnn_conv3d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("non-zero");
    d = good;
    d.input.d = 65536, d.input.h = 65536;
    assert_status(oclnn_conv3d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("overflows");
    assert_status(oclnn_conv3d_create(ctx, &good, w, b, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("has_bias");
    assert_status(oclnn_conv3d_create(ctx, &good, NULL, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    d = good;
    d.algo = OCLNN_CONV_ALGO_WINOGRAD_4X4;
    assert_status(oclnn_conv3d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED);
    if (cfg->backend == OCLNN_BACKEND_OPENCL) {
        d.algo = OCLNN_CONV_ALGO_IM2COL;
        assert_status(oclnn_conv3d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED);
        assert_error_mentions("implicit-gemm");
    } else {
        d.algo = OCLNN_CONV_ALGO_IMPLICIT_GEMM;
        assert_status(oclnn_conv3d_create(ctx, &d, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED);
        assert_error_mentions("OpenCL");
    }
    assert_null(op);
    /* run checks: a 4-D tensor of the folded shape has the wrong depth; overlap; residual */
    assert_ok(oclnn_conv3d_create(ctx, &good, w, NULL, &op));
    oclnn_shape3d os;
    assert_ok(oclnn_conv3d_output_shape(&good, &os));
    oclnn_tensor *src = make5(ctx, good.input, cfg->layout, NULL),
                 *dst = make5(ctx, os, cfg->layout, NULL);
    oclnn_tensor *flat;
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 2, 12, 5}, cfg->layout, &flat));
    assert_ok(oclnn_tensor_fill(src, 0.5f)); /* defined data for the run that succeeds */
    assert_status(oclnn_conv3d_run(op, flat, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("depth");
    assert_status(oclnn_conv3d_run(op, src, dst, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("residual");
    assert_status(oclnn_conv3d_run(op, dst, src, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_ok(oclnn_conv3d_run(op, src, dst, NULL));
    oclnn_tensor_destroy(flat), oclnn_tensor_destroy(src), oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
    /* tensors */
    oclnn_tensor *t = NULL;
    assert_status(
        oclnn_tensor_create3d(ctx, (oclnn_shape3d){1, 1, 70000, 70000, 1}, cfg->layout, &t),
        OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("overflows");
    assert_status(oclnn_tensor_create3d(ctx, (oclnn_shape3d){1, 0, 1, 1, 1}, cfg->layout, &t),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_null(t);
    assert_ok(oclnn_tensor_create3d(ctx, (oclnn_shape3d){2, 3, 4, 5, 6}, cfg->layout, &t));
    oclnn_shape s4 = oclnn_tensor_shape(t);
    assert_int_equal(s4.h, 20);
    oclnn_shape3d s5 = oclnn_tensor_shape3d(t);
    assert_int_equal(s5.d, 4);
    assert_int_equal(s5.h, 5);
    assert_int_equal(oclnn_tensor_elements(t), 720);
    oclnn_tensor_destroy(t);
    s5 = oclnn_tensor_shape3d(NULL);
    assert_int_equal(s5.n, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_conv3d_golden),   TEST_GPU_CFGS(test_conv3d_golden),
        TEST_ALL_CFGS(test_conv3d_networks), TEST_GPU_CFGS(test_conv3d_networks),
        TEST_ALL_CFGS(test_conv3d_views),    TEST_ALL_CFGS(test_conv3d_errors),
        TEST_ALL_CFGS(test_conv3d_auto),     TEST_GPU_CFGS(test_conv3d_auto),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
