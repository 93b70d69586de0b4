/* SPDX-License-Identifier: MIT */
/* Fully connected on both backends and layouts: PyTorch golden (linear over flatten), the
 * networks' classifiers (ResNet-50 2048->1000 at batch 1 and 3, VGG's 512x7x7->4096 flatten
 * order in NHWC), odd sizes with and without bias, views as src and dst, the CLBlast path on
 * OpenCL (forced with OCLNN_CLBLAST=1), a ResNet classifier head chained on one context, and
 * errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"
#include "support/gpuclass.h"
#include "support/layers.h"

/* A float dot product of K terms against a double one: error grows like sqrt(K) ulp of the
 * partial sums; with |x|, |w| <= 1 the sums stay O(sqrt(K)), K <= 25088. */
static const double ATOL_FC = 2e-4, RTOL_FC = 1e-4;

static void run_fc_algo(oclnn_context *ctx, oclnn_layout layout, const oclnn_fc_desc *d,
                        const float *x, const float *w, const float *b, const float *ref, bool views,
                        const char *name, const char *algo) {
    oclnn_op *op;
    assert_ok(oclnn_fc_create(ctx, d, w, b, &op));
    assert_string_equal(oclnn_op_algorithm(op), algo);
    oclnn_shape os = {d->input.n, d->out_features, 1, 1};
    oclnn_tensor *src = make_tensor(ctx, d->input, layout, views, x);
    oclnn_tensor *dst = make_tensor(ctx, os, other_layout(layout), views, NULL);
    assert_ok(oclnn_fc_run(op, src, dst));
    float *got = read_nchw(dst);
    if (!check_close(got, ref, shape_count(os), ATOL_FC, RTOL_FC,
                     bench_line(ctx, layout, "fc %u,%u %u%s", d->input.n,
                                d->input.c * d->input.h * d->input.w, d->out_features,
                                d->has_bias ? " --bias" : "")))
        fail_msg("%s", name);
    /* the op runs again on the same tensors (create once, run many) */
    assert_ok(oclnn_fc_run(op, src, dst));
    free(got);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

/* Without OCLNN_CLBLAST, PoCL and the C backend run oclnn's own kernel ("gemm"). */
static void run_fc(oclnn_context *ctx, oclnn_layout layout, const oclnn_fc_desc *d, const float *x,
                   const float *w, const float *b, const float *ref, bool views, const char *name) {
    run_fc_algo(ctx, layout, d, x, w, b, ref, views, name, "gemm");
}

static void test_fc_golden(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state); /* skips (longjmp) before anything is allocated */
    const oclnn_fc_desc d = {{3, 4, 2, 3}, 5, true};
    float *x = golden("layers_fc_in.bin", 72), *w = golden("layers_fc_w.bin", 120);
    float *b = golden("layers_fc_b.bin", 5), *ref = golden("layers_fc.bin", 15), mine[15];
    oclnn__ref_fc(d.input, OCLNN_LAYOUT_NCHW, x, 5, w, b, mine);
    assert_close(mine, ref, 15, ATOL_FC, RTOL_FC, "fc reference vs torch");
    for (int v = 0; v < 2; v++)
        run_fc(ctx, TEST_CFG(state)->layout, &d, x, w, b, ref, v == 1, "fc golden");
    free(x), free(w), free(b), free(ref);
}

static void test_fc_shapes(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const oclnn_fc_desc cases[] = {
        {{1, 2048, 1, 1}, 1000, true}, /* ResNet-50 classifier, batch 1 */
        {{3, 2048, 1, 1}, 1000, true}, /* ... batch 3 */
        {{2, 512, 7, 7}, 64, true},    /* VGG fc6's flatten order (output trimmed to 64) */
        {{5, 7, 3, 1}, 13, false},     /* odd, no bias, K not a multiple of 4 */
        {{1, 1, 1, 1}, 1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const oclnn_fc_desc *d = &cases[i];
        size_t K = (size_t)d->input.c * d->input.h * d->input.w;
        float *x = alloc_random(shape_count(d->input), (uint32_t)i + 1, -1, 1);
        float *w = alloc_random(K * d->out_features, (uint32_t)i + 100, -1, 1);
        float *b = d->has_bias ? alloc_random(d->out_features, (uint32_t)i + 200, -1, 1) : NULL;
        float *ref = malloc((size_t)d->input.n * d->out_features * 4);
        oclnn__ref_fc(d->input, OCLNN_LAYOUT_NCHW, x, d->out_features, w, b, ref);
        run_fc(ctx, layout, d, x, w, b, ref, i % 2 == 1, "fc shape table");
        free(x), free(w), free(b), free(ref);
    }
}

/* OCLNN_CLBLAST=1 makes the OpenCL backend use CLBlast (when it loads) even on a CPU device, so
 * its path (GEMM into strided dst rows, then the bias kernel) is checked here too; =0 turns it off.
 * The C backend ignores the variable. */
static void test_fc_clblast(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const test_cfg *cfg = TEST_CFG(state);
    const oclnn_fc_desc cases[] = {
        {{1, 2048, 1, 1}, 1000, true},
        {{2, 512, 7, 7}, 64, true},
        {{3, 7, 3, 1}, 13, false},
    };
    setenv("OCLNN_CLBLAST", "1", 1);
    oclnn_fc_desc probe = cases[2];
    float w0[13 * 21] = {0};
    oclnn_op *op;
    assert_ok(oclnn_fc_create(ctx, &probe, w0, NULL, &op));
    bool have = strcmp(oclnn_op_algorithm(op), "clblast") == 0;
    oclnn_op_destroy(op);
    if (cfg->backend == OCLNN_BACKEND_CPU) assert_false(have);
    for (size_t i = 0; have && i < sizeof cases / sizeof *cases; i++) {
        const oclnn_fc_desc *d = &cases[i];
        size_t K = (size_t)d->input.c * d->input.h * d->input.w;
        float *x = alloc_random(shape_count(d->input), (uint32_t)i + 7, -1, 1);
        float *w = alloc_random(K * d->out_features, (uint32_t)i + 70, -1, 1);
        float *b = d->has_bias ? alloc_random(d->out_features, (uint32_t)i + 700, -1, 1) : NULL;
        float *ref = malloc((size_t)d->input.n * d->out_features * 4);
        oclnn__ref_fc(d->input, OCLNN_LAYOUT_NCHW, x, d->out_features, w, b, ref);
        run_fc_algo(ctx, cfg->layout, d, x, w, b, ref, i != 0, "fc through CLBlast", "clblast");
        free(x), free(w), free(b), free(ref);
    }
    setenv("OCLNN_CLBLAST", "0", 1);
    assert_ok(oclnn_fc_create(ctx, &probe, w0, NULL, &op));
    assert_string_equal(oclnn_op_algorithm(op), "gemm");
    oclnn_op_destroy(op);
    unsetenv("OCLNN_CLBLAST");
    if (!have && cfg->backend == OCLNN_BACKEND_OPENCL) {
        print_message("CLBlast did not load: its FC path was not checked\n");
        skip();
    }
}

/* A ResNet tail on one context: BN (inference) -> ReLU in place -> global average pool -> FC ->
 * softmax, against the same chain of references. */
static void test_resnet_head(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const oclnn_shape s = {2, 512, 7, 7}, pooled = {2, 512, 1, 1}, logits = {2, 10, 1, 1};
    const size_t n = shape_count(s);
    float *x = alloc_random(n, 1, -2, 2), *g = alloc_random(512, 2, 0.5f, 1.5f);
    float *be = alloc_random(512, 3, -0.5f, 0.5f), *m = alloc_random(512, 4, -0.2f, 0.2f);
    float *v = alloc_random(512, 5, 0.5f, 2), *w = alloc_random(10 * 512, 6, -0.1f, 0.1f);
    float *b = alloc_random(10, 7, -1, 1);
    float *r1 = malloc(n * 4), *r2 = malloc(n * 4), *r3 = malloc(2 * 512 * 4), *r4 = malloc(20 * 4);
    float *ref = malloc(20 * 4);
    oclnn__ref_batchnorm(s, OCLNN_LAYOUT_NCHW, x, g, be, m, v, 1e-5, r1);
    oclnn__ref_eltwise(s, OCLNN_LAYOUT_NCHW, OCLNN_ELTWISE_RELU, r1, NULL, NULL, NULL, r2);
    oclnn_pool2d_desc pd = oclnn_pool2d_desc_default();
    pd.input = s;
    pd.kind = OCLNN_POOL_GLOBAL_AVG;
    oclnn__ref_pool2d(&pd, OCLNN_LAYOUT_NCHW, r2, r3, NULL);
    oclnn__ref_fc(pooled, OCLNN_LAYOUT_NCHW, r3, 10, w, b, r4);
    oclnn__ref_softmax(logits, OCLNN_LAYOUT_NCHW, r4, ref);

    oclnn_batchnorm_desc bd = {s, 1e-5f, 0.1f, false};
    oclnn_eltwise_desc ed = {s, OCLNN_ELTWISE_RELU};
    oclnn_fc_desc fd = {pooled, 10, true};
    oclnn_softmax_desc sd = {logits};
    oclnn_op *bn, *relu, *pool, *fc, *sm;
    assert_ok(oclnn_batchnorm_create(ctx, &bd, g, be, m, v, &bn));
    assert_ok(oclnn_eltwise_create(ctx, &ed, NULL, NULL, &relu));
    assert_ok(oclnn_pool2d_create(ctx, &pd, &pool));
    assert_ok(oclnn_fc_create(ctx, &fd, w, b, &fc));
    assert_ok(oclnn_softmax_create(ctx, &sd, &sm));
    oclnn_tensor *t0 = make_tensor(ctx, s, layout, false, x), *t1 = make_tensor(ctx, s, layout, false, NULL);
    oclnn_tensor *t2 = make_tensor(ctx, pooled, layout, false, NULL);
    oclnn_tensor *t3 = make_tensor(ctx, logits, layout, false, NULL);
    assert_ok(oclnn_batchnorm_run(bn, t0, t1));
    assert_ok(oclnn_eltwise_run(relu, t1, NULL, t1));
    assert_ok(oclnn_pool2d_run(pool, t1, t2, NULL));
    assert_ok(oclnn_fc_run(fc, t2, t3));
    assert_ok(oclnn_softmax_run(sm, t3, t3));
    float *got = read_nchw(t3);
    assert_close(got, ref, 20, ATOL_FC, RTOL_FC, "resnet head: bn, relu, global avg, fc, softmax");
    oclnn_tensor_destroy(t0);
    oclnn_tensor_destroy(t1);
    oclnn_tensor_destroy(t2);
    oclnn_tensor_destroy(t3);
    oclnn_op_destroy(bn);
    oclnn_op_destroy(relu);
    oclnn_op_destroy(pool);
    oclnn_op_destroy(fc);
    oclnn_op_destroy(sm);
    free(x), free(g), free(be), free(m), free(v), free(w), free(b);
    free(r1), free(r2), free(r3), free(r4), free(ref), free(got);
}

static void test_fc_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_fc_desc d = oclnn_fc_desc_default();
    d.input = (oclnn_shape){2, 3, 2, 2};
    d.out_features = 4;
    float w[48] = {0}, b[4] = {0};
    oclnn_op *op = (oclnn_op *)&d;
    assert_status(oclnn_fc_create(ctx, &d, w, b, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("bias is given but desc->has_bias is false");
    assert_null(op);
    d.has_bias = true;
    assert_status(oclnn_fc_create(ctx, &d, NULL, b, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("weights is NULL");
    d.out_features = 0;
    assert_status(oclnn_fc_create(ctx, &d, w, b, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("out_features (0)");
    d.out_features = 100000;
    d.input = (oclnn_shape){1, 512, 100, 100};
    assert_status(oclnn_fc_create(ctx, &d, w, b, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("over 2^32 floats");
    d.input = (oclnn_shape){2, 3, 2, 2};
    d.out_features = 4;
    assert_ok(oclnn_fc_create(ctx, &d, w, b, &op));
    oclnn_tensor *src, *dst;
    assert_ok(oclnn_tensor_create(ctx, d.input, OCLNN_LAYOUT_AUTO, &src));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){2, 4, 1, 2}, OCLNN_LAYOUT_AUTO, &dst));
    assert_status(oclnn_fc_run(op, src, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst shape n2c4h1w2 differs from the expected n2c4h1w1");
    assert_status(oclnn_fc_run(op, dst, src), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src shape");
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_fc_golden),
        TEST_GPU_CFGS(test_fc_golden),
        TEST_ALL_CFGS(test_fc_shapes),
        TEST_GPU_CFGS(test_fc_shapes),
        TEST_ALL_CFGS(test_fc_clblast),
        TEST_ALL_CFGS(test_resnet_head),
        TEST_GPU_CFGS(test_resnet_head),
        TEST_ALL_CFGS(test_fc_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
