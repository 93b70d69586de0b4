/* SPDX-License-Identifier: MIT */
/* The GPU GEMM engine (cl/gemm/xgemm.cl) and implicit-GEMM convolution: results against the double
 * reference in both layouts at partial-tile shapes (odd sizes, groups, stride, dilation, asymmetric
 * padding, the fused epilogue), in the GPU class (where im2col, gemm1x1 and Winograd run on the
 * engine too) and in the CPU class; every candidate value of every conv_xgemm tunable; the GPU
 * classes' algorithm choice (a pure table); and the C backend's documented refusal. White-box.
 * Small shapes: the suite also runs under Oclgrind in the GPU class. */
#include "support/harness.h"

#include <stdlib.h>
#include <string.h>

#include "ops/conv2d.h"
#include "ref/ref.h"
#include "tune/tune.h"

/* Float rounding over at most a few hundred C*R*S terms of values below 1 against the double
 * reference; Winograd F(4x4) amplifies rounding (tests/test_conv2d.c measures the same bound). */
#define RTOL 1e-4
#define ATOL 1e-4
#define ATOL_WINOGRAD4 2e-3
#define ATOL_WINOGRAD6 2e-3 /* issue 19: F(6x6)'s error is 1-2.2x F(4x4)'s (docs/WINOGRAD.md) */

typedef struct shape_case {
    const char *name;
    uint32_t n, c, h, w, k, r, s, stride, dil, groups;
    uint32_t pad[4]; /* top, bottom, left, right */
    bool bias, residual, relu;
} shape_case;

static const shape_case SHAPES[] = {
    {"odd_3x3", 2, 12, 9, 11, 20, 3, 3, 1, 1, 1, {1, 1, 1, 1}, true, false, true},
    {"grouped_s2_epilogue", 3, 16, 10, 13, 24, 3, 3, 2, 1, 4, {1, 1, 1, 1}, true, true, true},
    {"dilated_asym_5x3", 1, 8, 15, 9, 6, 5, 3, 1, 2, 1, {2, 3, 1, 0}, false, false, false},
    {"pointwise_odd", 2, 37, 7, 9, 45, 1, 1, 1, 1, 1, {0, 0, 0, 0}, true, true, false},
    {"stem_7x7_s2", 1, 3, 23, 21, 10, 7, 7, 2, 1, 1, {3, 3, 3, 3}, true, false, true},
    {"depthwise_as_gemm", 1, 6, 8, 7, 12, 3, 3, 1, 1, 6, {1, 1, 1, 1}, false, true, false},
};

static oclnn_conv2d_desc desc_of(const shape_case *c, oclnn_conv_algo algo) {
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){c->n, c->c, c->h, c->w};
    d.out_channels = c->k;
    d.kernel_h = c->r, d.kernel_w = c->s;
    d.stride_h = d.stride_w = c->stride;
    d.dilation_h = d.dilation_w = c->dil;
    d.groups = c->groups;
    d.padding = (oclnn_padding){OCLNN_PAD_EXPLICIT, c->pad[0], c->pad[1], c->pad[2], c->pad[3]};
    d.has_bias = c->bias;
    d.fuse_residual = c->residual;
    d.activation = c->relu ? OCLNN_ACTIVATION_RELU : OCLNN_ACTIVATION_NONE;
    d.algo = algo;
    return d;
}

/* Creates `algo` for `c` on ctx, runs it in `layout` and compares with the reference. Returns the
 * create status (a created op must run and match). */
static oclnn_status check_case(oclnn_context *ctx, const shape_case *c, oclnn_conv_algo algo,
                               oclnn_layout layout, const char *what) {
    oclnn_conv2d_desc d = desc_of(c, algo);
    oclnn_shape out;
    assert_ok(oclnn_conv2d_output_shape(&d, &out));
    size_t src_n = (size_t)c->n * c->c * c->h * c->w, dst_n = (size_t)out.n * out.c * out.h * out.w;
    size_t wn = (size_t)c->k * (c->c / c->groups) * c->r * c->s;
    float *src = alloc_random(src_n, 11, -1, 1), *w = alloc_random(wn, 12, -0.5f, 0.5f);
    float *bias = alloc_random(c->k, 13, -1, 1), *res = alloc_random(dst_n, 14, -1, 1);
    float *ref = malloc(dst_n * sizeof *ref), *got = malloc(dst_n * sizeof *got);
    oclnn_op *op = NULL;
    oclnn_status st = oclnn_conv2d_create(ctx, &d, w, c->bias ? bias : NULL, &op);
    if (st == OCLNN_OK) {
        oclnn__ref_conv2d(&d, src, layout, w, c->bias ? bias : NULL, c->residual ? res : NULL, ref);
        oclnn_tensor *ts = NULL, *td = NULL, *tr = NULL;
        assert_ok(oclnn_tensor_create(ctx, d.input, layout, &ts));
        assert_ok(oclnn_tensor_create(ctx, out, layout, &td));
        assert_ok(oclnn_tensor_write(ts, src, layout));
        if (c->residual) {
            assert_ok(oclnn_tensor_create(ctx, out, layout, &tr));
            assert_ok(oclnn_tensor_write(tr, res, layout));
        }
        assert_ok(oclnn_conv2d_run(op, ts, td, tr));
        assert_ok(oclnn_tensor_read(td, got, layout));
        char problem[400];
        snprintf(problem, sizeof problem, "%s %s %s %s", c->name, oclnn_conv_algo_name(algo),
                 layout == OCLNN_LAYOUT_NHWC ? "NHWC" : "NCHW", what);
        assert_close(got, ref, dst_n,
                     algo == OCLNN_CONV_ALGO_WINOGRAD_4X4   ? ATOL_WINOGRAD4
                     : algo == OCLNN_CONV_ALGO_WINOGRAD_6X6 ? ATOL_WINOGRAD6
                                                            : ATOL,
                     RTOL, problem);
        oclnn_tensor_destroy(ts), oclnn_tensor_destroy(td), oclnn_tensor_destroy(tr);
        oclnn_op_destroy(op);
    }
    free(src), free(w), free(bias), free(res), free(ref), free(got);
    return st;
}

/* An OpenCL context of device class `cls` whose layout is `layout` (implicit-GEMM orders its
 * weights for the context's layout: (c, r, s) for NCHW, (r, s, c) for NHWC). */
static oclnn_context *cl_context_of_class(const char *cls, oclnn_layout layout) {
    if (test_opencl_disabled()) skip();
    oclnn_context_options o = oclnn_context_options_default();
    o.layout = layout;
    o.device = test_opencl_device();
    o.device_class = cls;
    o.tuning_db = "none"; /* device-class defaults, not whatever this machine has tuned */
    oclnn_context *ctx = NULL;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) skip();
    return ctx;
}

static const oclnn_layout LAYOUTS[2] = {OCLNN_LAYOUT_NCHW, OCLNN_LAYOUT_NHWC};

/* Implicit-GEMM on every shape, in the GPU class and the CPU class: both weight orders (context
 * layouts) with tensors in both layouts (a src in the other layout than the context's still
 * computes right, only less coalesced). */
static void implicit_gemm_matches_reference(void **state) {
    const char *cls = *state;
    for (int cl = 0; cl < 2; cl++) {
        oclnn_context *ctx = cl_context_of_class(cls, LAYOUTS[cl]);
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++)
            for (int l = 0; l < 2; l++)
                assert_ok(
                    check_case(ctx, &SHAPES[i], OCLNN_CONV_ALGO_IMPLICIT_GEMM, LAYOUTS[l], cls));
        oclnn_context_destroy(ctx);
    }
}

/* In the GPU class the GEMM-based algorithms run their products on the engine. */
static void engine_serves_gemm_algorithms(void **state) {
    (void)state;
    static const oclnn_conv_algo algos[] = {OCLNN_CONV_ALGO_IM2COL, OCLNN_CONV_ALGO_GEMM1X1,
                                            OCLNN_CONV_ALGO_WINOGRAD_2X2,
                                            OCLNN_CONV_ALGO_WINOGRAD_4X4,
                                            OCLNN_CONV_ALGO_WINOGRAD_6X6 /* issue 19 */};
    const shape_case wino = {"winograd_odd", 1,    20,   9,   9, 36, 3, 3, 1, 1, 1,
                             {1, 1, 1, 1},   true, true, true};
    for (int l = 0; l < 2; l++) {
        oclnn_context *ctx = cl_context_of_class("gpu", LAYOUTS[l]);
        for (size_t a = 0; a < sizeof algos / sizeof *algos; a++) {
            const shape_case *c = algos[a] == OCLNN_CONV_ALGO_GEMM1X1  ? &SHAPES[3]
                                  : algos[a] == OCLNN_CONV_ALGO_IM2COL ? &SHAPES[1]
                                                                       : &wino;
            assert_ok(check_case(ctx, c, algos[a], LAYOUTS[l], "gpu"));
        }
        oclnn_context_destroy(ctx);
    }
}

/* Every candidate value of every conv_xgemm parameter, one moved from the defaults at a time (as
 * the device allows), computes the right result (grouped implicit-GEMM with partial tiles on every
 * edge). One case per candidate: each new work-group shape costs PoCL a kernel build. */
static void every_xgemm_candidate(void **state) {
    (void)state;
    oclnn_context *ctxs[2] = {cl_context_of_class("gpu", LAYOUTS[0]),
                              cl_context_of_class("gpu", LAYOUTS[1])};
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(ctxs[0], &dev));
    oclnn__tune_limits lim = oclnn__tune_limits_of(&dev);
    const oclnn__tune_space *sp = &oclnn__tune_space_conv_xgemm;
    size_t tried = 0;
    for (size_t p = 0; p < sp->n_params; p++)
        for (size_t k = 0; k < sp->params[p].n_values; k++) {
            oclnn__tune_values v = oclnn__tune_defaults_of(sp);
            v.v[p] = sp->params[p].values[k];
            char why[160], params[160];
            if (oclnn__tune_check(sp, &v, &lim, why, sizeof why)) continue;
            oclnn__tune_values_str(sp, &v, ',', params, sizeof params);
            int l = (int)(tried % 2); /* both weight orders across the candidates */
            assert_ok(oclnn_tuning_override(ctxs[l], sp->family, params));
            assert_ok(check_case(ctxs[l], &SHAPES[1], OCLNN_CONV_ALGO_IMPLICIT_GEMM, LAYOUTS[l],
                                 params));
            assert_ok(oclnn_tuning_override(ctxs[l], sp->family, NULL));
            tried++;
        }
    assert_true(tried >= sp->n_params); /* the defaults, at least, fit every device */
    oclnn_context_destroy(ctxs[0]);
    oclnn_context_destroy(ctxs[1]);
}

/* The register budget, the tile divisibility and the local memory are refused with a reason. */
static void xgemm_space_constraints(void **state) {
    (void)state;
    const oclnn__tune_space *sp = &oclnn__tune_space_conv_xgemm;
    oclnn__tune_limits lim = {256, 32768};
    char why[160];
    oclnn__tune_values v = oclnn__tune_defaults_of(sp);
    assert_null(oclnn__tune_check(sp, &v, &lim, why, sizeof why));
    v.v[0] = 128, v.v[1] = 128, v.v[3] = 8, v.v[4] = 16; /* 16 x 8 = 128 accumulators */
    assert_non_null(oclnn__tune_check(sp, &v, &lim, why, sizeof why));
    assert_non_null(strstr(why, "register"));
    v = oclnn__tune_defaults_of(sp);
    v.v[0] = 16, v.v[3] = 32; /* 16 rows over 32 work-items */
    assert_non_null(oclnn__tune_check(sp, &v, &lim, why, sizeof why));
    v = oclnn__tune_defaults_of(sp);
    v.v[3] = 32, v.v[4] = 16; /* 512 work-items */
    assert_non_null(oclnn__tune_check(sp, &v, &lim, why, sizeof why));
    assert_non_null(strstr(why, "work-group"));
    v = oclnn__tune_defaults_of(sp);
    v.v[0] = 128, v.v[1] = 128, v.v[2] = 32, v.v[3] = 16, v.v[4] = 32, v.v[5] = 1; /* 66 KB */
    assert_non_null(oclnn__tune_check(sp, &v, &(oclnn__tune_limits){1024, 32768}, why, sizeof why));
    assert_non_null(strstr(why, "local memory"));
}

/* The GPU classes' choice: a pure table (the CPU class has its own in tests/test_conv2d.c). */
static void gpu_choice_table(void **state) {
    (void)state;
    static const struct {
        shape_case s;
        oclnn_conv_algo want;
    } table[] = {
        {{"resnet50_conv2_3x3_b1", 1, 64, 56, 56, 64, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, 0, 0},
         OCLNN_CONV_ALGO_WINOGRAD_4X4},
        {{"resnet50_conv3_3x3_b1", 1, 128, 28, 28, 128, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, 0, 0},
         OCLNN_CONV_ALGO_WINOGRAD_2X2},
        {{"resnet50_conv4_3x3_b1", 1, 256, 14, 14, 256, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, 0, 0},
         OCLNN_CONV_ALGO_IMPLICIT_GEMM},
        {{"resnet50_conv4_3x3_b8", 8, 256, 14, 14, 256, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, 0, 0},
         OCLNN_CONV_ALGO_WINOGRAD_4X4},
        {{"resnet50_1x1", 1, 256, 56, 56, 64, 1, 1, 1, 1, 1, {0, 0, 0, 0}, 0, 0, 0},
         OCLNN_CONV_ALGO_GEMM1X1},
        {{"resnet50_stem", 1, 3, 224, 224, 64, 7, 7, 2, 1, 1, {3, 3, 3, 3}, 0, 0, 0},
         OCLNN_CONV_ALGO_IMPLICIT_GEMM},
        {{"resnet50_1x1_s2", 1, 256, 56, 56, 512, 1, 1, 2, 1, 1, {0, 0, 0, 0}, 0, 0, 0},
         OCLNN_CONV_ALGO_IMPLICIT_GEMM},
        {{"resnext_3x3_g32", 1, 128, 56, 56, 128, 3, 3, 1, 1, 32, {1, 1, 1, 1}, 0, 0, 0},
         OCLNN_CONV_ALGO_IMPLICIT_GEMM},
        {{"depthwise", 1, 32, 56, 56, 32, 3, 3, 1, 1, 32, {1, 1, 1, 1}, 0, 0, 0},
         OCLNN_CONV_ALGO_DEPTHWISE},
        {{"few_channels_3x3", 1, 16, 56, 56, 16, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, 0, 0},
         OCLNN_CONV_ALGO_IMPLICIT_GEMM},
    };
    for (int cls = OCLNN__DEVCLASS_GPU_NVIDIA; cls < OCLNN__DEVCLASS_COUNT; cls++) {
        oclnn__conv2d_caps caps = {OCLNN_BACKEND_OPENCL, false, (oclnn__devclass)cls};
        for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
            oclnn_conv2d_desc d = desc_of(&table[i].s, OCLNN_CONV_ALGO_AUTO);
            oclnn__conv2d_problem pb;
            assert_ok(oclnn__conv2d_resolve(&d, &pb));
            oclnn_conv_algo got = oclnn__conv2d_choose(&pb, &caps);
            if (got != table[i].want)
                fail_msg("%s in %s: chose %s, want %s", table[i].s.name,
                         oclnn__devclass_name((oclnn__devclass)cls), oclnn_conv_algo_name(got),
                         oclnn_conv_algo_name(table[i].want));
            assert_null(oclnn__conv2d_applies(&pb, got, &caps));
        }
    }
}

/* The C backend declares implicit-gemm unsupported (README), with the reason. */
static void c_backend_refuses_implicit(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    oclnn_context *ctx;
    assert_ok(oclnn_context_create(&o, &ctx));
    assert_status(
        check_case(ctx, &SHAPES[0], OCLNN_CONV_ALGO_IMPLICIT_GEMM, OCLNN_LAYOUT_NCHW, "cpu"),
        OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("OpenCL");
    oclnn_context_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xgemm_space_constraints),
        cmocka_unit_test(gpu_choice_table),
        cmocka_unit_test(c_backend_refuses_implicit),
        cmocka_unit_test_prestate(implicit_gemm_matches_reference, (void *)"gpu"),
        cmocka_unit_test_prestate(implicit_gemm_matches_reference, (void *)"cpu"),
        cmocka_unit_test(engine_serves_gemm_algorithms),
        cmocka_unit_test(every_xgemm_candidate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
