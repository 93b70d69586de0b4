/* SPDX-License-Identifier: MIT */
/* Softmax over channels and LRN across channels on both backends and layouts: PyTorch golden
 * outputs, the networks' shapes (classifier softmax, GoogLeNet/VGG LRN), odd sizes and even
 * window sizes against the reference, stability with large inputs, views, in place (softmax),
 * and the validation branches. */
#include <math.h>
#include <string.h>

#include "ref/ref.h"
#include "support/gpuclass.h"
#include "support/layers.h"

/* Softmax: expf per element (OpenCL exp: <= 3 ulp) and a float sum over up to 1000 channels. */
static const double ATOL_SOFTMAX = 1e-7, RTOL_SOFTMAX = 2e-5;
/* LRN: powf (OpenCL pow: <= 16 ulp) of a float sum of at most `size` squares. */
static const double ATOL_LRN = 1e-6, RTOL_LRN = 1e-5;

static void run_softmax(oclnn_context *ctx, oclnn_layout layout, oclnn_shape s, const float *x,
                        const float *ref, int variant, const char *name) {
    oclnn_softmax_desc d = {s};
    oclnn_op *op;
    assert_ok(oclnn_softmax_create(ctx, &d, &op));
    oclnn_tensor *src = make_tensor(ctx, s, layout, variant == 1, x);
    oclnn_tensor *dst = variant == 2 ? src : make_tensor(ctx, s, other_layout(layout), variant == 1, NULL);
    assert_ok(oclnn_softmax_run(op, src, dst));
    float *got = read_nchw(dst);
    if (!check_close(got, ref, shape_count(s), ATOL_SOFTMAX, RTOL_SOFTMAX,
                     bench_line(ctx, layout, "softmax %u,%u,%u,%u", s.n, s.c, s.h, s.w)))
        fail_msg("%s", name);
    free(got);
    if (dst != src) oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(src);
    oclnn_op_destroy(op);
}

static void run_lrn(oclnn_context *ctx, oclnn_layout layout, const oclnn_lrn_desc *d, const float *x,
                    const float *ref, bool views, const char *name) {
    oclnn_op *op;
    assert_ok(oclnn_lrn_create(ctx, d, &op));
    oclnn_tensor *src = make_tensor(ctx, d->shape, layout, views, x);
    oclnn_tensor *dst = make_tensor(ctx, d->shape, views ? other_layout(layout) : layout, views, NULL);
    assert_ok(oclnn_lrn_run(op, src, dst));
    float *got = read_nchw(dst);
    const oclnn_shape s = d->shape;
    if (!check_close(got, ref, shape_count(s), ATOL_LRN, RTOL_LRN,
                     bench_line(ctx, layout, "lrn %u,%u,%u,%u --size %u --alpha %g --beta %g --k %g", s.n,
                                s.c, s.h, s.w, d->size, (double)d->alpha, (double)d->beta, (double)d->k)))
        fail_msg("%s", name);
    free(got);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

static void test_norm_golden(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const oclnn_shape ss = {2, 10, 3, 2}, ls = {2, 7, 3, 4};
    float *x = golden("layers_softmax_in.bin", shape_count(ss));
    float *ref = golden("layers_softmax.bin", shape_count(ss)), *mine = malloc(shape_count(ss) * 4);
    oclnn__ref_softmax(ss, OCLNN_LAYOUT_NCHW, x, mine);
    assert_close(mine, ref, shape_count(ss), ATOL_SOFTMAX, RTOL_SOFTMAX, "softmax reference vs torch");
    for (int v = 0; v < 3; v++) run_softmax(ctx, layout, ss, x, ref, v, "softmax golden");
    free(x), free(ref), free(mine);

    x = golden("layers_lrn_in.bin", shape_count(ls));
    mine = malloc(shape_count(ls) * 4);
    const struct {
        const char *file;
        oclnn_lrn_desc d;
    } cases[] = {{"layers_lrn_s5.bin", {ls, 5, 0.5f, 0.75f, 2.0f}},
                 {"layers_lrn_s4.bin", {ls, 4, 1e-2f, 0.6f, 1.0f}}};
    for (int i = 0; i < 2; i++) {
        ref = golden(cases[i].file, shape_count(ls));
        oclnn__ref_lrn(&cases[i].d, OCLNN_LAYOUT_NCHW, x, mine);
        assert_close(mine, ref, shape_count(ls), ATOL_LRN, RTOL_LRN, "lrn reference vs torch");
        run_lrn(ctx, layout, &cases[i].d, x, ref, i == 1, cases[i].file);
        free(ref);
    }
    free(x), free(mine);
}

static void test_softmax_shapes(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const oclnn_shape shapes[] = {{4, 1000, 1, 1}, {1, 21, 17, 13}, {3, 1, 2, 2}, {2, 5, 7, 9},
                                  {2, 70, 3, 5}};
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        oclnn_shape s = shapes[i];
        /* large logits: without subtracting the maximum, expf would overflow to inf */
        float *x = alloc_random(shape_count(s), (uint32_t)i + 20, i == 0 ? 80.0f : -10.0f, i == 0 ? 120.0f : 10.0f);
        float *ref = malloc(shape_count(s) * 4);
        oclnn__ref_softmax(s, OCLNN_LAYOUT_NCHW, x, ref);
        run_softmax(ctx, layout, s, x, ref, (int)i % 3, "softmax shape table");
        free(x), free(ref);
    }
}

static void test_lrn_shapes(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const oclnn_lrn_desc cases[] = {
        {{1, 64, 56, 56}, 5, 1e-4f, 0.75f, 1.0f},  /* GoogLeNet LRN after conv1 (Caffe values) */
        {{2, 96, 27, 27}, 5, 1e-4f, 0.75f, 2.0f},  /* VGG A-LRN / AlexNet style, k = 2 */
        {{3, 5, 7, 9}, 3, 0.9f, 0.5f, 1.5f},        /* odd, strong normalization */
        {{2, 9, 4, 3}, 6, 0.3f, 1.2f, 0.5f},        /* even window: one more channel before */
        {{1, 3, 2, 2}, 11, 1.0f, 0.75f, 1.0f},      /* window wider than the channels */
        /* a huge window covers every channel; it must cost no more than one of 2C (found by the
         * ops fuzzer: the NHWC path looped over the whole window) */
        {{2, 7, 3, 5}, 2000000001u, 3e8f, 0.75f, 1.0f},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const oclnn_lrn_desc *d = &cases[i];
        float *x = alloc_random(shape_count(d->shape), (uint32_t)i + 30, -4, 4);
        float *ref = malloc(shape_count(d->shape) * 4);
        oclnn__ref_lrn(d, OCLNN_LAYOUT_NCHW, x, ref);
        run_lrn(ctx, layout, d, x, ref, i % 2 == 1, "lrn shape table");
        free(x), free(ref);
    }
}

static void test_norm_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_lrn_desc d = oclnn_lrn_desc_default();
    d.shape = (oclnn_shape){1, 4, 2, 2};
    oclnn_op *op = (oclnn_op *)&d;
    d.size = 0;
    assert_status(oclnn_lrn_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->size is 0");
    assert_null(op);
    d.size = 5;
    d.k = 0;
    assert_status(oclnn_lrn_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->k (0)");
    d.k = 1;
    d.beta = -1;
    assert_status(oclnn_lrn_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->beta (-1)");
    d.beta = 0.75f;
    d.alpha = -1;
    assert_status(oclnn_lrn_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->alpha (-1)");
    d.alpha = 1e-4f;
    d.shape.h = 0;
    assert_status(oclnn_lrn_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero dimension");
    d.shape.h = 2;
    assert_ok(oclnn_lrn_create(ctx, &d, &op));
    oclnn_tensor *t;
    assert_ok(oclnn_tensor_create(ctx, d.shape, OCLNN_LAYOUT_AUTO, &t));
    assert_status(oclnn_lrn_run(op, t, t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("cannot run in place");
    oclnn_softmax_desc sd = {{1, 4, 2, 3}};
    oclnn_op *sm;
    assert_status(oclnn_softmax_run(op, t, t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("another kind");
    assert_status(oclnn_softmax_create(ctx, NULL, &sm), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc is NULL");
    assert_ok(oclnn_softmax_create(ctx, &sd, &sm));
    assert_status(oclnn_softmax_run(sm, t, t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src shape n1c4h2w2");
    sd.shape.c = 0;
    oclnn_op *bad = NULL;
    assert_status(oclnn_softmax_create(ctx, &sd, &bad), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero dimension");
    oclnn_tensor_destroy(t);
    oclnn_op_destroy(op);
    oclnn_op_destroy(sm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_norm_golden),
        TEST_GPU_CFGS(test_norm_golden),
        TEST_ALL_CFGS(test_softmax_shapes),
        TEST_GPU_CFGS(test_softmax_shapes),
        TEST_ALL_CFGS(test_lrn_shapes),
        TEST_ALL_CFGS(test_norm_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
