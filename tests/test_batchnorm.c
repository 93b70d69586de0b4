/* SPDX-License-Identifier: MIT */
/* Batch norm on both backends and layouts: PyTorch golden outputs (eval; training with batch
 * statistics and the running update), the networks' channel counts against the reference,
 * repeated training runs, views and in place, the fold into a linear layer's weights, and every
 * validation branch. */
#include <math.h>
#include <string.h>

#include "ref/ref.h"
#include "support/gpuclass.h"
#include "support/layers.h"

/* Inference: one fused multiply-add per element with a scale/shift folded in double. */
static const double ATOL_EVAL = 2e-6, RTOL_EVAL = 2e-6;
/* Training: float statistics on OpenCL (tree reduction over n*h*w <= 6272 values per channel),
 * then normalization; outputs are O(1) after normalization. */
static const double ATOL_TRAIN = 2e-5, RTOL_TRAIN = 2e-5;
/* Running statistics: the unbiased variance of the above, mixed with momentum. */
static const double ATOL_STATS = 1e-5, RTOL_STATS = 2e-5;
/* The folded linear layer against FC + BN: K = 300 products reassociated on both sides. */
static const double ATOL_FOLD = 5e-5, RTOL_FOLD = 5e-5;

static void test_bn_golden(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const oclnn_shape s = {3, 5, 4, 6};
    size_t n = shape_count(s);
    float *x = golden("layers_bn_in.bin", n), *g = golden("layers_bn_gamma.bin", 5);
    float *b = golden("layers_bn_beta.bin", 5), *rm = golden("layers_bn_rmean.bin", 5);
    float *rv = golden("layers_bn_rvar.bin", 5), *eval = golden("layers_bn_eval.bin", n);
    float *train = golden("layers_bn_train.bin", n), *rm2 = golden("layers_bn_train_rmean.bin", 5);
    float *rv2 = golden("layers_bn_train_rvar.bin", 5);
    for (int training = 0; training < 2; training++) {
        oclnn_batchnorm_desc d = oclnn_batchnorm_desc_default();
        d.shape = s;
        d.training = training;
        oclnn_op *op;
        assert_ok(oclnn_batchnorm_create(ctx, &d, g, b, rm, rv, &op));
        oclnn_tensor *src = make_tensor(ctx, s, layout, training, x);
        oclnn_tensor *dst = make_tensor(ctx, s, other_layout(layout), !training, NULL);
        assert_ok(oclnn_batchnorm_run(op, src, dst));
        float *got = read_nchw(dst);
        if (!training) {
            assert_close(got, eval, n, ATOL_EVAL, RTOL_EVAL, "bn eval golden");
        } else {
            assert_close(got, train, n, ATOL_TRAIN, RTOL_TRAIN, "bn train golden");
            float m[5], v[5];
            assert_ok(oclnn_batchnorm_stats(op, m, v, NULL, NULL));
            assert_close(m, rm2, 5, ATOL_STATS, RTOL_STATS, "bn running mean golden");
            assert_close(v, rv2, 5, ATOL_STATS, RTOL_STATS, "bn running var golden");
        }
        free(got);
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
    }
    free(x), free(g), free(b), free(rm), free(rv), free(eval), free(train), free(rm2), free(rv2);
}

static const oclnn_shape SHAPES[] = {
    {1, 64, 56, 56},  /* ResNet conv2_x */
    {2, 256, 14, 14}, /* ResNet-50 conv4_x */
    {3, 2048, 7, 7},  /* ResNet-50 conv5_x output */
    {2, 96, 28, 28},  /* Inception-v3 */
    {3, 5, 7, 9},     /* odd */
    {2, 3, 1, 1},     /* 1x1 plane: training over the batch only */
};

/* Every shape in eval and training mode (two runs, so the running update compounds), src and
 * dst alternating between plain tensors, views and in place. */
static void test_bn_shapes(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) {
        const oclnn_shape s = SHAPES[i];
        const size_t n = shape_count(s), C = s.c;
        float *x = alloc_random(n, (uint32_t)i + 1, -3, 5), *g = alloc_random(C, 50, 0.5f, 2);
        float *b = alloc_random(C, 51, -1, 1), *rm = alloc_random(C, 52, -1, 1);
        float *rv = alloc_random(C, 53, 0.2f, 3), *ref = malloc(n * 4);
        for (int training = 0; training < 2; training++) {
            oclnn_batchnorm_desc d = {s, 1e-3f, 0.25f, training};
            oclnn_op *op;
            assert_ok(oclnn_batchnorm_create(ctx, &d, g, training ? b : NULL, rm, rv, &op));
            int variant = (int)(i + (size_t)training) % 3; /* 0 plain, 1 views, 2 in place */
            oclnn_tensor *src = make_tensor(ctx, s, layout, variant == 1, x);
            oclnn_tensor *dst = variant == 2 ? src : make_tensor(ctx, s, other_layout(layout), variant == 1, NULL);
            char problem[320];
            snprintf(problem, sizeof problem, "%s (variant %d)",
                     bench_line(ctx, layout, "bn %u,%u,%u,%u%s --eps 1e-3 --momentum 0.25", s.n, s.c,
                                s.h, s.w, training ? " --training" : ""),
                     variant);
            if (!training) {
                assert_ok(oclnn_batchnorm_run(op, src, dst));
                oclnn__ref_batchnorm(s, OCLNN_LAYOUT_NCHW, x, g, NULL, rm, rv, 1e-3, ref);
                float *got = read_nchw(dst);
                assert_close(got, ref, n, ATOL_EVAL, RTOL_EVAL, problem);
                free(got);
            } else {
                float *m = malloc(C * 4), *v = malloc(C * 4), *bm = malloc(C * 4), *bv = malloc(C * 4);
                float *gm = malloc(C * 4), *gv = malloc(C * 4), *gbm = malloc(C * 4), *gbv = malloc(C * 4);
                memcpy(m, rm, C * 4);
                memcpy(v, rv, C * 4);
                for (int run = 0; run < 2; run++) {
                    if (variant == 2 && run == 1) assert_ok(oclnn_tensor_write(src, x, OCLNN_LAYOUT_NCHW));
                    assert_ok(oclnn_batchnorm_run(op, src, dst));
                    oclnn__ref_batchnorm_train(s, OCLNN_LAYOUT_NCHW, x, g, b, 1e-3, 0.25, m, v, bm, bv, ref);
                }
                float *got = read_nchw(dst);
                assert_close(got, ref, n, ATOL_TRAIN, RTOL_TRAIN, problem);
                assert_ok(oclnn_batchnorm_stats(op, gm, gv, gbm, gbv));
                assert_close(gm, m, C, ATOL_STATS, RTOL_STATS, problem);
                assert_close(gv, v, C, ATOL_STATS, RTOL_STATS, problem);
                assert_close(gbm, bm, C, ATOL_STATS, RTOL_STATS, problem);
                assert_close(gbv, bv, C, ATOL_STATS, RTOL_STATS, problem);
                free(got), free(m), free(v), free(bm), free(bv), free(gm), free(gv), free(gbm), free(gbv);
            }
            if (dst != src) oclnn_tensor_destroy(dst);
            oclnn_tensor_destroy(src);
            oclnn_op_destroy(op);
        }
        free(x), free(g), free(b), free(rm), free(rv), free(ref);
    }
}

/* A fresh layer (no arrays): gamma 1, beta 0, running stats 0 and 1, as torch's BatchNorm2d. */
static void test_bn_defaults(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const oclnn_shape s = {2, 3, 4, 5};
    size_t n = shape_count(s);
    float *x = alloc_random(n, 77, -2, 2), *ref = malloc(n * 4), one[3] = {1, 1, 1}, zero[3] = {0, 0, 0};
    oclnn_batchnorm_desc d = oclnn_batchnorm_desc_default();
    d.shape = s;
    d.training = true;
    oclnn_op *op;
    assert_ok(oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, NULL, &op));
    oclnn_tensor *t = make_tensor(ctx, s, TEST_CFG(state)->layout, false, x);
    assert_ok(oclnn_batchnorm_run(op, t, t));
    float m[3] = {0, 0, 0}, v[3] = {1, 1, 1}, bm[3], bv[3], gm[3], gv[3];
    oclnn__ref_batchnorm_train(s, OCLNN_LAYOUT_NCHW, x, one, zero, 1e-5, 0.1, m, v, bm, bv, ref);
    float *got = read_nchw(t);
    assert_close(got, ref, n, ATOL_TRAIN, RTOL_TRAIN, "bn defaults");
    assert_ok(oclnn_batchnorm_stats(op, gm, gv, NULL, NULL));
    assert_close(gm, m, 3, ATOL_STATS, RTOL_STATS, "bn defaults running mean");
    assert_close(gv, v, 3, ATOL_STATS, RTOL_STATS, "bn defaults running var");
    oclnn_tensor_destroy(t);
    oclnn_op_destroy(op);
    free(x), free(ref), free(got);
}

/* Folding BN into the layer before it: linear(x, W', b') == BN(linear(x, W, b)). */
static void test_bn_fold(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const uint32_t N = 3, K = 300, O = 37;
    float *w = alloc_random((size_t)O * K, 5, -0.1f, 0.1f), *bias = alloc_random(O, 6, -1, 1);
    float *g = alloc_random(O, 7, 0.5f, 2), *be = alloc_random(O, 8, -1, 1);
    float *m = alloc_random(O, 9, -1, 1), *v = alloc_random(O, 10, 0.1f, 2);
    float *x = alloc_random((size_t)N * K, 11, -1, 1);
    oclnn_fc_desc fd = {{N, 3, 10, 10}, O, true};
    oclnn_op *fc, *fc_folded, *bn;
    assert_ok(oclnn_fc_create(ctx, &fd, w, bias, &fc));
    oclnn_batchnorm_desc bd = {{N, O, 1, 1}, 1e-5f, 0.1f, false};
    assert_ok(oclnn_batchnorm_create(ctx, &bd, g, be, m, v, &bn));
    assert_ok(oclnn_batchnorm_fold(O, K, g, be, m, v, 1e-5f, w, bias));
    assert_ok(oclnn_fc_create(ctx, &fd, w, bias, &fc_folded));
    oclnn_tensor *src = make_tensor(ctx, fd.input, layout, false, x);
    oclnn_tensor *y = make_tensor(ctx, bd.shape, layout, false, NULL);
    oclnn_tensor *y2 = make_tensor(ctx, bd.shape, layout, false, NULL);
    assert_ok(oclnn_fc_run(fc, src, y));
    assert_ok(oclnn_batchnorm_run(bn, y, y));
    assert_ok(oclnn_fc_run(fc_folded, src, y2));
    float *a = read_nchw(y), *b = read_nchw(y2);
    assert_close(b, a, (size_t)N * O, ATOL_FOLD, RTOL_FOLD, "bn fold into linear");
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(y);
    oclnn_tensor_destroy(y2);
    oclnn_op_destroy(fc);
    oclnn_op_destroy(fc_folded);
    oclnn_op_destroy(bn);
    free(w), free(bias), free(g), free(be), free(m), free(v), free(x), free(a), free(b);
}

static void test_bn_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_batchnorm_desc d = oclnn_batchnorm_desc_default();
    d.shape = (oclnn_shape){1, 2, 1, 1};
    d.training = true;
    oclnn_op *op = (oclnn_op *)&d;
    assert_status(oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("more than 1 value per channel");
    assert_null(op);
    d.shape = (oclnn_shape){2, 2, 3, 3};
    d.eps = 0;
    assert_status(oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->eps (0)");
    d.eps = 1e-5f;
    d.momentum = 1.5f;
    assert_status(oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->momentum (1.5)");
    d.momentum = 0.1f;
    float bad_var[2] = {1, -1};
    assert_status(oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, bad_var, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("running_var[1] (-1)");
    d.shape.w = 0;
    assert_status(oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero dimension");
    d.shape.w = 3;
    float stats[2];
    assert_ok(oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, NULL, &op));
    assert_status(oclnn_batchnorm_stats(op, NULL, NULL, stats, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("run the operator first");
    oclnn_tensor *t, *other;
    assert_ok(oclnn_tensor_create(ctx, d.shape, OCLNN_LAYOUT_AUTO, &t));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){2, 2, 3, 4}, OCLNN_LAYOUT_AUTO, &other));
    assert_status(oclnn_batchnorm_run(op, other, t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src shape n2c2h3w4");
    oclnn_op_destroy(op);
    d.training = false;
    assert_ok(oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, NULL, &op));
    assert_status(oclnn_batchnorm_stats(op, stats, NULL, NULL, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("folded");
    assert_status(oclnn_batchnorm_stats(op, NULL, NULL, NULL, stats), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("no batch statistics");
    oclnn_op_destroy(op);
    float w[4] = {1, 2, 3, 4}, b[2] = {0, 0}, m[2] = {0, 0};
    assert_status(oclnn_batchnorm_fold(2, 2, NULL, NULL, m, NULL, 1e-5f, w, b), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("var is NULL");
    assert_status(oclnn_batchnorm_fold(2, 2, NULL, NULL, m, bad_var, 1e-5f, w, b), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("var[1] (-1)");
    assert_status(oclnn_batchnorm_fold(0, 2, NULL, NULL, m, m, 1e-5f, w, b), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("channels (0)");
    oclnn_tensor_destroy(t);
    oclnn_tensor_destroy(other);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_bn_golden),
        TEST_GPU_CFGS(test_bn_golden),
        TEST_ALL_CFGS(test_bn_shapes),
        TEST_GPU_CFGS(test_bn_shapes),
        TEST_ALL_CFGS(test_bn_defaults),
        TEST_ALL_CFGS(test_bn_fold),
        TEST_ALL_CFGS(test_bn_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
