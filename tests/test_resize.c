/* SPDX-License-Identifier: MIT */
/* Resize (issue 18: F.interpolate nearest and bilinear) on both backends, both layouts and the
 * GPU class: PyTorch golden outputs (tools/golden/upsample.py: sizes, scale factors, nearest's
 * floor rule and its copy/shift special cases, recompute_scale_factor, align_corners both ways,
 * 1x1 outputs, downsampling), FPN-like and odd shapes against the reference (batch > 1, views in
 * the other layout), the output-size rule, and every validation branch. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"
#include "support/gpuclass.h"
#include "support/layers.h"

/* Nearest copies an element: exact. Bilinear: four float products against torch's float (same
 * formula and order) or the double reference: a few ulps of O(1) values. */
static const double TOL_EXACT = 0.0, ATOL_BILINEAR = 2e-6, RTOL_BILINEAR = 2e-6;

typedef struct resize_case {
    const char *name;
    oclnn_resize_mode mode;
    uint32_t out_h, out_w;
    double scale_h, scale_w;
    bool align_corners;
} resize_case;

#define NEAREST OCLNN_RESIZE_NEAREST
#define BILINEAR OCLNN_RESIZE_BILINEAR

/* tools/golden/upsample.py's RESIZES on its (2, 3, 5, 7) input. recompute_scale_factor=True is
 * the size floor(in * scale) with no scale. */
static const resize_case GOLDEN[] = {
    {"nearest_size_10x14", NEAREST, 10, 14, 0, 0, false},
    {"nearest_size_7x9", NEAREST, 7, 9, 0, 0, false},
    {"nearest_size_3x4", NEAREST, 3, 4, 0, 0, false},
    {"nearest_scale_2.5x1.5", NEAREST, 0, 0, 2.5, 1.5, false},
    {"nearest_scale_2.05x2.0", NEAREST, 0, 0, 2.05, 2.0, false},
    {"nearest_scale_0.6x0.45", NEAREST, 0, 0, 0.6, 0.45, false},
    {"nearest_scale_1.7_recompute", NEAREST, 8, 11, 0, 0, false},
    {"bilinear_size_9x13", BILINEAR, 9, 13, 0, 0, false},
    {"bilinear_size_9x13_ac", BILINEAR, 9, 13, 0, 0, true},
    {"bilinear_scale_2", BILINEAR, 0, 0, 2.0, 2.0, false},
    {"bilinear_scale_2_ac", BILINEAR, 0, 0, 2.0, 2.0, true},
    {"bilinear_scale_1.7x0.6", BILINEAR, 0, 0, 1.7, 0.6, false},
    {"bilinear_size_1x1", BILINEAR, 1, 1, 0, 0, false},
    {"bilinear_size_1x1_ac", BILINEAR, 1, 1, 0, 0, true},
    {"bilinear_size_3x2", BILINEAR, 3, 2, 0, 0, false},
};

typedef struct shape_case {
    const char *name;
    oclnn_shape in;
    resize_case r;
} shape_case;

static const shape_case SHAPES[] = {
    /* FPN's 256 channels cut to 64 (valgrind runs this file on the C backend) */
    {"fpn top-down nearest x2 (P5 -> P4)", {1, 64, 25, 34}, {"", NEAREST, 50, 68, 0, 0, false}},
    {"fpn nearest to an odd lateral size", {1, 64, 13, 17}, {"", NEAREST, 25, 34, 0, 0, false}},
    {"segmentation bilinear x8", {2, 21, 8, 8}, {"", BILINEAR, 0, 0, 8.0, 8.0, false}},
    {"bilinear align_corners odd batch 3", {3, 5, 7, 9}, {"", BILINEAR, 11, 4, 0, 0, true}},
    {"nearest x3 scale", {3, 4, 5, 3}, {"", NEAREST, 0, 0, 3.0, 3.0, false}},
    {"nearest down 0.5", {2, 3, 9, 8}, {"", NEAREST, 0, 0, 0.5, 0.5, false}},
    {"bilinear down to 1 row", {2, 3, 6, 5}, {"", BILINEAR, 1, 7, 0, 0, false}},
    {"bilinear from 1x1", {2, 3, 1, 1}, {"", BILINEAR, 4, 3, 0, 0, true}},
};

static oclnn_resize_desc desc_of(oclnn_shape in, const resize_case *c) {
    oclnn_resize_desc d = oclnn_resize_desc_default();
    d.input = in;
    d.mode = c->mode;
    d.out_h = c->out_h;
    d.out_w = c->out_w;
    d.scale_h = c->scale_h;
    d.scale_w = c->scale_w;
    d.align_corners = c->align_corners;
    return d;
}

static void check_resize(oclnn_context *ctx, oclnn_layout layout, const oclnn_resize_desc *d,
                         const float *src, const float *ref, bool views, const char *name) {
    oclnn_shape os;
    assert_ok(oclnn_resize_output_shape(d, &os));
    oclnn_op *op;
    assert_ok(oclnn_resize_create(ctx, d, &op));
    assert_string_equal(oclnn_op_algorithm(op), d->mode == NEAREST ? "nearest" : "bilinear");
    oclnn_tensor *ts = make_tensor(ctx, d->input, layout, views, src);
    oclnn_tensor *td = make_tensor(ctx, os, views ? other_layout(layout) : layout, views, NULL);
    assert_ok(oclnn_resize_run(op, ts, td));
    float *got = read_nchw(td);
    const bool exact = d->mode == NEAREST;
    char line[320];
    snprintf(line, sizeof line, "%s: resize n%uc%uh%uw%u -> %ux%u %s scale %g,%g%s", name,
             d->input.n, d->input.c, d->input.h, d->input.w, os.h, os.w,
             exact ? "nearest" : "bilinear", d->scale_h, d->scale_w,
             d->align_corners ? " align_corners" : "");
    if (!check_close(got, ref, shape_count(os), exact ? TOL_EXACT : ATOL_BILINEAR,
                     exact ? TOL_EXACT : RTOL_BILINEAR, line))
        fail_msg("%s", name);
    free(got);
    oclnn_tensor_destroy(ts);
    oclnn_tensor_destroy(td);
    oclnn_op_destroy(op);
}

static void test_resize_golden(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const oclnn_shape in = {2, 3, 5, 7};
    float *x = golden("resize_in.bin", shape_count(in));
    for (size_t i = 0; i < sizeof GOLDEN / sizeof *GOLDEN; i++) {
        oclnn_resize_desc d = desc_of(in, &GOLDEN[i]);
        oclnn_shape os;
        assert_ok(oclnn_resize_output_shape(&d, &os));
        char file[96];
        snprintf(file, sizeof file, "resize_%s.bin", GOLDEN[i].name);
        float *y = golden(file, shape_count(os));
        float *r = malloc(shape_count(os) * sizeof *r);
        assert_non_null(r);
        d.out_h = os.h; /* the reference takes the resolved size */
        d.out_w = os.w;
        oclnn__ref_resize(&d, x, OCLNN_LAYOUT_NCHW, r);
        const bool exact = d.mode == NEAREST;
        if (!check_close(r, y, shape_count(os), exact ? TOL_EXACT : ATOL_BILINEAR,
                         exact ? TOL_EXACT : RTOL_BILINEAR, GOLDEN[i].name))
            fail_msg("reference: %s", GOLDEN[i].name);
        d = desc_of(in, &GOLDEN[i]);
        check_resize(ctx, layout, &d, x, y, i % 3 == 2, GOLDEN[i].name);
        free(y);
        free(r);
    }
    free(x);
}

static void test_resize_shapes(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) {
        oclnn_resize_desc d = desc_of(SHAPES[i].in, &SHAPES[i].r);
        oclnn_shape os;
        assert_ok(oclnn_resize_output_shape(&d, &os));
        if (!test_runs((double)shape_count(os))) continue;
        float *x = alloc_random(shape_count(d.input), (uint32_t)i + 7, -3, 3);
        float *r = malloc(shape_count(os) * sizeof *r);
        assert_non_null(r);
        oclnn_resize_desc rd = d;
        rd.out_h = os.h;
        rd.out_w = os.w;
        oclnn__ref_resize(&rd, x, OCLNN_LAYOUT_NCHW, r);
        check_resize(ctx, layout, &d, x, r, i % 2 == 1, SHAPES[i].name);
        free(x);
        free(r);
    }
}

/* Output sizes: floor(in * scale) in double, a given size wins over nothing. */
static void test_resize_output_sizes(void **state) {
    (void)state;
    oclnn_resize_desc d = oclnn_resize_desc_default();
    d.input = (oclnn_shape){1, 2, 5, 7};
    d.scale_h = 2.05;
    d.scale_w = 0.45;
    oclnn_shape os;
    assert_ok(oclnn_resize_output_shape(&d, &os));
    assert_true(os.n == 1 && os.c == 2 && os.h == 10 && os.w == 3);
    d.out_h = 4; /* a size with a scale: ATen's upsample with both (the scale maps coordinates) */
    assert_ok(oclnn_resize_output_shape(&d, &os));
    assert_int_equal(os.h, 4);
    d.input.h = 3;
    d.out_h = 0;
    d.scale_h = 1.0 / 3.0; /* 3 * (1/3) rounds to 1.0 in double: one row */
    assert_ok(oclnn_resize_output_shape(&d, &os));
    assert_int_equal(os.h, 1);
}

static void test_resize_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_resize_desc good = oclnn_resize_desc_default();
    good.input = (oclnn_shape){1, 2, 3, 4};
    good.out_h = 6;
    good.out_w = 8;
    oclnn_op *op = (oclnn_op *)1;
    oclnn_shape os;
    assert_status(oclnn_resize_create(ctx, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc is NULL");
    assert_null(op);
    assert_status(oclnn_resize_create(ctx, &good, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("out is NULL");
    assert_status(oclnn_resize_output_shape(&good, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("out is NULL");
    oclnn_resize_desc d = good;
    d.input.c = 0;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->input");
    d = good;
    d.mode = (oclnn_resize_mode)5;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->mode");
    d = good;
    d.align_corners = true;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("bilinear only");
    d = good;
    d.out_w = 0;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("both 0");
    d = good;
    d.scale_h = -1.0;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("scale_h");
    d.scale_h = NAN;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("finite");
    d.scale_h = INFINITY;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("finite");
    d = good;
    d.out_w = 0;
    d.scale_w = 0.1; /* floor(4 * 0.1) = 0 */
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("output size");
    d.scale_w = 4e9;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("output size");
    d = good;
    d.out_h = d.out_w = 65536;
    assert_status(oclnn_resize_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("2^31");
    /* run-time checks */
    assert_ok(oclnn_resize_create(ctx, &good, &op));
    assert_ok(oclnn_resize_output_shape(&good, &os));
    oclnn_tensor *src, *dst, *view, *parent;
    assert_ok(oclnn_tensor_create(ctx, good.input, cfg->layout, &src));
    assert_ok(oclnn_tensor_create(ctx, os, cfg->layout, &dst));
    assert_status(oclnn_resize_run(op, dst, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src shape");
    assert_status(oclnn_resize_run(op, src, src), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst shape");
    /* src and dst as overlapping views of one parent */
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 4, 6, 8}, cfg->layout, &parent));
    oclnn_tensor *a;
    assert_ok(oclnn_tensor_view_channels(parent, 0, 2, &view));
    assert_ok(oclnn_tensor_view_channels(parent, 1, 2, &a));
    oclnn_resize_desc same = good;
    same.input = (oclnn_shape){1, 2, 6, 8};
    oclnn_op *op2;
    assert_ok(oclnn_resize_create(ctx, &same, &op2));
    assert_status(oclnn_resize_run(op2, view, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src");
    assert_status(oclnn_deconv2d_run(op, src, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("another kind");
    assert_ok(oclnn_resize_run(op, src, dst));
    oclnn_tensor_destroy(a);
    oclnn_tensor_destroy(view);
    oclnn_tensor_destroy(parent);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
    oclnn_op_destroy(op2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_resize_golden),
        TEST_GPU_CFGS(test_resize_golden),
        TEST_ALL_CFGS(test_resize_shapes),
        TEST_GPU_CFGS(test_resize_shapes),
        TEST_ALL_CFGS(test_resize_errors),
        cmocka_unit_test(test_resize_output_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
