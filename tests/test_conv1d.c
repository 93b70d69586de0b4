/* SPDX-License-Identifier: MIT */
/* 1-D convolution and pooling (issue 19) and a text-classification CNN built from them:
 * PyTorch golden data, both layouts (NCL, NLC) and backends, batch > 1, odd lengths, every 2-D
 * algorithm that applies to a 1 x k window, and the argument checks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/gpuclass.h"

static size_t count1(oclnn_shape1d s) { return (size_t)s.n * s.c * s.l; }

static oclnn_tensor *make1(oclnn_context *ctx, oclnn_shape1d s, oclnn_layout l, const float *host) {
    oclnn_tensor *t;
    assert_ok(oclnn_tensor_create1d(ctx, s, l, &t));
    if (host) assert_ok(oclnn_tensor_write(t, host, OCLNN_LAYOUT_NCL));
    return t;
}

static void test_conv1d_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const struct {
        const char *name;
        oclnn_shape1d in;
        uint32_t k, kernel, stride, pad, dil, groups;
        bool same;
    } cases[] = {
        {"conv1d_k3", {2, 5, 17}, 7, 3, 1, 1, 1, 1, false},
        {"conv1d_strided", {3, 4, 23}, 6, 5, 2, 3, 2, 1, false},
        {"conv1d_depthwise", {2, 6, 11}, 12, 3, 1, 1, 1, 6, false},
        {"conv1d_same_k4", {1, 3, 10}, 5, 4, 1, 0, 1, 1, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        oclnn_conv1d_desc d = oclnn_conv1d_desc_default();
        d.input = cases[i].in;
        d.out_channels = cases[i].k;
        d.kernel = cases[i].kernel;
        d.stride = cases[i].stride;
        d.dilation = cases[i].dil;
        d.pad_mode = cases[i].same ? OCLNN_PAD_SAME : OCLNN_PAD_EXPLICIT;
        d.pad_left = d.pad_right = cases[i].pad;
        d.groups = cases[i].groups;
        d.has_bias = true;
        oclnn_shape1d os;
        assert_ok(oclnn_conv1d_output_shape(&d, &os));
        char file[96];
        const size_t wn = (size_t)d.out_channels * (d.input.c / d.groups) * d.kernel;
        snprintf(file, sizeof file, "%s_x.bin", cases[i].name);
        float *x = golden(file, count1(d.input));
        snprintf(file, sizeof file, "%s_w.bin", cases[i].name);
        float *w = golden(file, wn);
        snprintf(file, sizeof file, "%s_b.bin", cases[i].name);
        float *b = golden(file, d.out_channels);
        snprintf(file, sizeof file, "%s_y.bin", cases[i].name);
        float *want = golden(file, count1(os));
        float *y = malloc(count1(os) * sizeof *y);
        /* every algorithm, the ones that do not apply to 1 x k refused with UNSUPPORTED */
        for (int a = OCLNN_CONV_ALGO_AUTO; a < OCLNN_CONV_ALGO_COUNT; a++) {
            d.algo = (oclnn_conv_algo)a;
            oclnn_op *op;
            oclnn_status st = oclnn_conv1d_create(ctx, &d, w, b, &op);
            if (st == OCLNN_ERROR_UNSUPPORTED) continue;
            assert_ok(st);
            oclnn_tensor *src = make1(ctx, d.input, cfg->layout, x),
                         *dst = make1(ctx, os, cfg->layout, NULL);
            assert_ok(oclnn_conv1d_run(op, src, dst, NULL));
            assert_ok(oclnn_tensor_read(dst, y, OCLNN_LAYOUT_NCL));
            char problem[128];
            snprintf(problem, sizeof problem, "%s %s %s", cases[i].name, cfg->name,
                     oclnn_op_algorithm(op));
            assert_close(y, want, count1(os), 1e-5, 1e-4, problem);
            oclnn_tensor_destroy(src), oclnn_tensor_destroy(dst);
            oclnn_op_destroy(op);
        }
        free(x), free(w), free(b), free(want), free(y);
    }
}

static void test_pool1d_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const struct {
        const char *name;
        oclnn_shape1d in;
        oclnn_pool_kind kind;
        uint32_t kernel, stride, pad;
        bool include_pad;
    } cases[] = {
        {"pool1d_max", {2, 3, 19}, OCLNN_POOL_MAX, 3, 2, 1, true},
        {"pool1d_avg", {3, 2, 14}, OCLNN_POOL_AVG, 4, 3, 2, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        oclnn_pool1d_desc d = oclnn_pool1d_desc_default();
        d.input = cases[i].in;
        d.kind = cases[i].kind;
        d.kernel = cases[i].kernel;
        d.stride = cases[i].stride;
        d.pad = cases[i].pad;
        d.count_include_pad = cases[i].include_pad;
        oclnn_shape1d os;
        assert_ok(oclnn_pool1d_output_shape(&d, &os));
        char file[96];
        snprintf(file, sizeof file, "%s_x.bin", cases[i].name);
        float *x = golden(file, count1(d.input));
        snprintf(file, sizeof file, "%s_y.bin", cases[i].name);
        float *want = golden(file, count1(os));
        float *y = malloc(count1(os) * sizeof *y);
        oclnn_op *op;
        assert_ok(oclnn_pool1d_create(ctx, &d, &op));
        oclnn_tensor *src = make1(ctx, d.input, cfg->layout, x),
                     *dst = make1(ctx, os, cfg->layout, NULL);
        assert_ok(oclnn_pool1d_run(op, src, dst));
        assert_ok(oclnn_tensor_read(dst, y, OCLNN_LAYOUT_NCL));
        assert_close(y, want, count1(os), 1e-6, 1e-5, cases[i].name);
        oclnn_tensor_destroy(src), oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
        free(x), free(want), free(y);
    }
}

/* The text CNN of tools/golden/conv1d.py: embedding lookup (host; its rows are the sequence in
 * NLC order, written as such), conv1d widths 3/4/5 + ReLU, global max over time written into
 * channel views of one (batch, 3F) tensor (the concat, no copy), then FC. */
#define T_VOCAB 30
#define T_EMBED 12
#define T_LEN 17
#define T_BATCH 3
#define T_FILTERS 6
#define T_CLASSES 4

static void test_textcnn(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    float *tokens = golden("textcnn_tokens.bin", T_BATCH * T_LEN);
    float *emb = golden("textcnn_emb.bin", T_VOCAB * T_EMBED);
    float *fcw = golden("textcnn_fcw.bin", T_CLASSES * 3 * T_FILTERS);
    float *fcb = golden("textcnn_fcb.bin", T_CLASSES);
    float *want = golden("textcnn_y.bin", T_BATCH * T_CLASSES);
    float seq[T_BATCH * T_LEN * T_EMBED], y[T_BATCH * T_CLASSES];
    for (size_t i = 0; i < T_BATCH * T_LEN; i++) {
        size_t tok = (size_t)tokens[i];
        assert_true(tok < T_VOCAB);
        memcpy(seq + i * T_EMBED, emb + tok * T_EMBED, T_EMBED * sizeof *seq);
    }
    const oclnn_shape1d in = {T_BATCH, T_EMBED, T_LEN};
    oclnn_tensor *x = make1(ctx, in, cfg->layout, NULL);
    assert_ok(oclnn_tensor_write(x, seq, OCLNN_LAYOUT_NLC)); /* (batch, length, embed) rows */
    oclnn_tensor *feat = make1(ctx, (oclnn_shape1d){T_BATCH, 3 * T_FILTERS, 1}, cfg->layout, NULL);
    for (uint32_t j = 0; j < 3; j++) {
        const uint32_t width = 3 + j;
        char file[64];
        snprintf(file, sizeof file, "textcnn_w%u.bin", width);
        float *w = golden(file, (size_t)T_FILTERS * T_EMBED * width);
        snprintf(file, sizeof file, "textcnn_b%u.bin", width);
        float *b = golden(file, T_FILTERS);
        oclnn_conv1d_desc cd = oclnn_conv1d_desc_default();
        cd.input = in;
        cd.out_channels = T_FILTERS;
        cd.kernel = width;
        cd.activation = OCLNN_ACTIVATION_RELU;
        cd.has_bias = true;
        oclnn_shape1d cs;
        assert_ok(oclnn_conv1d_output_shape(&cd, &cs));
        oclnn_op *conv, *pool;
        assert_ok(oclnn_conv1d_create(ctx, &cd, w, b, &conv));
        oclnn_tensor *h = make1(ctx, cs, cfg->layout, NULL), *slice;
        assert_ok(oclnn_conv1d_run(conv, x, h, NULL));
        oclnn_pool1d_desc pd = oclnn_pool1d_desc_default();
        pd.input = cs;
        pd.kind = OCLNN_POOL_GLOBAL_MAX;
        assert_ok(oclnn_pool1d_create(ctx, &pd, &pool));
        assert_ok(oclnn_tensor_view_channels(feat, j * T_FILTERS, T_FILTERS, &slice));
        assert_ok(oclnn_pool1d_run(pool, h, slice));
        oclnn_tensor_destroy(slice), oclnn_tensor_destroy(h);
        oclnn_op_destroy(conv), oclnn_op_destroy(pool);
        free(w), free(b);
    }
    oclnn_fc_desc fd = oclnn_fc_desc_default();
    fd.input = oclnn_tensor_shape(feat);
    fd.out_features = T_CLASSES;
    fd.has_bias = true;
    oclnn_op *fc;
    assert_ok(oclnn_fc_create(ctx, &fd, fcw, fcb, &fc));
    oclnn_tensor *logits;
    assert_ok(
        oclnn_tensor_create(ctx, (oclnn_shape){T_BATCH, T_CLASSES, 1, 1}, cfg->layout, &logits));
    assert_ok(oclnn_fc_run(fc, feat, logits));
    assert_ok(oclnn_tensor_read(logits, y, OCLNN_LAYOUT_NCHW));
    assert_close(y, want, T_BATCH * T_CLASSES, 1e-5, 1e-4, "textcnn");
    oclnn_op_destroy(fc);
    oclnn_tensor_destroy(logits), oclnn_tensor_destroy(feat), oclnn_tensor_destroy(x);
    free(tokens), free(emb), free(fcw), free(fcb), free(want);
}

static void test_conv1d_errors(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    float w[4 * 2 * 3] = {0};
    oclnn_conv1d_desc d = oclnn_conv1d_desc_default();
    d.input = (oclnn_shape1d){1, 2, 8};
    d.out_channels = 4;
    d.kernel = 3;
    oclnn_op *op = NULL, *pool = NULL;
    assert_status(oclnn_conv1d_create(ctx, NULL, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    oclnn_conv1d_desc bad = d;
    bad.kernel = 9;
    assert_status(oclnn_conv1d_create(ctx, &bad, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    bad = d;
    bad.input.l = 0;
    assert_status(oclnn_conv1d_create(ctx, &bad, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    bad = d;
    bad.algo = OCLNN_CONV_ALGO_WINOGRAD_4X4; /* 3x3 only: a 1 x 3 window does not apply */
    assert_status(oclnn_conv1d_create(ctx, &bad, w, NULL, &op), OCLNN_ERROR_UNSUPPORTED);
    assert_null(op);
    oclnn_pool1d_desc pd = oclnn_pool1d_desc_default();
    pd.input = (oclnn_shape1d){1, 2, 8};
    pd.kernel = 3;
    pd.pad = 2;
    assert_status(oclnn_pool1d_create(ctx, &pd, &pool), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("half the window");
    /* a 2-D op is not a 1-D one */
    oclnn_pool2d_desc p2 = oclnn_pool2d_desc_default();
    p2.input = (oclnn_shape){1, 2, 4, 4};
    p2.kernel_h = p2.kernel_w = 2;
    assert_ok(oclnn_pool2d_create(ctx, &p2, &pool));
    oclnn_tensor *a = make1(ctx, (oclnn_shape1d){1, 2, 8}, cfg->layout, NULL);
    assert_ok(oclnn_tensor_fill(a, 0.5f)); /* defined data for the run that succeeds */
    assert_status(oclnn_pool1d_run(pool, a, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("2-D");
    oclnn_op_destroy(pool);
    oclnn_conv2d_desc c2 = oclnn_conv2d_desc_default();
    c2.input = (oclnn_shape){1, 2, 4, 4};
    c2.out_channels = 4;
    c2.kernel_h = c2.kernel_w = 1;
    assert_ok(oclnn_conv2d_create(ctx, &c2, w, NULL, &op));
    assert_status(oclnn_conv1d_run(op, a, a, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("2-D");
    oclnn_op_destroy(op);
    /* shapes and aliasing go through the 2-D checks */
    assert_ok(oclnn_conv1d_create(ctx, &d, w, NULL, &op));
    oclnn_tensor *o = make1(ctx, (oclnn_shape1d){1, 4, 6}, cfg->layout, NULL);
    assert_status(oclnn_conv1d_run(op, a, a, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_ok(oclnn_conv1d_run(op, a, o, NULL));
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(a), oclnn_tensor_destroy(o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_conv1d_golden), TEST_GPU_CFGS(test_conv1d_golden),
        TEST_ALL_CFGS(test_pool1d_golden), TEST_GPU_CFGS(test_pool1d_golden),
        TEST_ALL_CFGS(test_textcnn),       TEST_GPU_CFGS(test_textcnn),
        TEST_ALL_CFGS(test_conv1d_errors),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
