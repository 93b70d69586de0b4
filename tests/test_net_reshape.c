/* SPDX-License-Identifier: MIT */
/* oclnn_net_reshape (issue 16): a net created at one batch and size, reshaped (batch 1 -> 3 -> 2,
 * and other heights and widths), gives what a net created at the new shape gives, on both
 * backends and both layouts, for a hand-built graph (every step kind a CNN uses: fused conv,
 * in-place concat, a standalone batch norm, per-channel slopes, adaptive pooling, fc, softmax)
 * and for an ONNX model with symbolic batch, height and width; the graph and every convolution
 * algorithm also in the GPU device class (support/gpuclass.h). A reshape copies no weight
 * (the process-wide count of weight copies into operators stays the same, while a create adds
 * to it) and builds no program; memory info follows; bad arguments and sizes the graph fixes are
 * refused with a message naming the node, and leave the net as it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/op.h"
#include "ops/reshape.h"
#include "support/gpuclass.h"
#include "support/harness.h"

/* A net created at the new shape may pick other convolution algorithms (AUTO chooses per size),
 * so the two differ by float32 re-association only; the outputs are softmax probabilities
 * in [0, 1] (and the upsampling net's values are O(1)). */
#define RESHAPE_ATOL 2e-6
#define RESHAPE_RTOL 1e-4

static void add(oclnn_graph *g, const char *name, oclnn_node_desc d, const int *in, size_t n, int *id) {
    assert_ok(oclnn_graph_add(g, name, &d, in, n, id));
}

/* input(3) -> conv3x3+bn+relu (8) -> max_pool/2 -> {conv1x1+relu, conv3x3+bias} -> concat (in
 * place) -> bn -> leaky_relu (per-channel slopes) -> adaptive avg pool 1x1 -> fc(10) -> softmax */
static oclnn_graph *small_graph(void) {
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    int x, c1, b1, r1, p1, a, ar, b, cat, bn2, lr, gp, fc;
    d.op = OCLNN_NODE_INPUT, d.channels = 3;
    add(g, "input", d, NULL, 0, &x);
    oclnn_node_desc conv = oclnn_node_desc_default();
    conv.op = OCLNN_NODE_CONV, conv.channels = 8, conv.kernel_h = conv.kernel_w = 3, conv.pad_h = conv.pad_w = 1;
    add(g, "conv1", conv, &x, 1, &c1);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_BATCHNORM;
    add(g, "bn1", d, &c1, 1, &b1);
    oclnn_node_desc relu = oclnn_node_desc_default();
    relu.op = OCLNN_NODE_RELU;
    add(g, "relu1", relu, &b1, 1, &r1);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_MAX_POOL, d.kernel_h = d.kernel_w = 2, d.stride_h = d.stride_w = 2;
    add(g, "pool1", d, &r1, 1, &p1);
    oclnn_node_desc one = conv;
    one.kernel_h = one.kernel_w = 1, one.pad_h = one.pad_w = 0;
    add(g, "conv_a", one, &p1, 1, &a);
    add(g, "relu_a", relu, &a, 1, &ar);
    conv.bias = true;
    add(g, "conv_b", conv, &p1, 1, &b);
    int pair[2] = {ar, b};
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_CONCAT;
    add(g, "cat", d, pair, 2, &cat);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_BATCHNORM;
    add(g, "bn2", d, &cat, 1, &bn2);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_ACTIVATION, d.eltwise = OCLNN_ELTWISE_LEAKY_RELU;
    add(g, "leaky", d, &bn2, 1, &lr);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_ADAPTIVE_AVG_POOL, d.out_h = d.out_w = 1;
    add(g, "gap", d, &lr, 1, &gp);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_FC, d.channels = 10, d.bias = true;
    add(g, "fc", d, &gp, 1, &fc);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_SOFTMAX;
    add(g, "softmax", d, &fc, 1, NULL);
    assert_ok(oclnn_graph_init_random(g, 7));
    return g;
}

static size_t count_of(oclnn_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

/* Runs net on seeded data of its input shape; returns the output (malloc'd). */
static float *run_net(oclnn_net *net, size_t *n) {
    oclnn_shape is = oclnn_tensor_shape(oclnn_net_input(net));
    float *x = malloc(count_of(is) * sizeof *x);
    assert_non_null(x);
    fill_random(x, count_of(is), 11, -1.0f, 1.0f);
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    oclnn_shape os = oclnn_tensor_shape(oclnn_net_output(net));
    *n = count_of(os);
    float *y = malloc(*n * sizeof *y);
    assert_non_null(y);
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), y, OCLNN_LAYOUT_NCHW));
    free(x);
    return y;
}

/* Reshapes net to (n, h, w), checking that no weight is copied and no program built or loaded,
 * then compares its output with a net created from g at that shape. */
static void reshape_and_compare(void **state, oclnn_net *net, const oclnn_graph *g, uint32_t n, uint32_t h,
                                uint32_t w) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_cache_stats before, after;
    assert_ok(oclnn_context_cache_stats(ctx, &before));
    size_t copies = oclnn__op_weight_copies();
    assert_ok(oclnn_net_reshape(net, n, h, w));
    assert_int_equal(oclnn__op_weight_copies(), copies); /* would fail on a re-upload */
    assert_ok(oclnn_context_cache_stats(ctx, &after));
    assert_int_equal(after.builds + after.disk_hits, before.builds + before.disk_hits);
    oclnn_shape is = oclnn_tensor_shape(oclnn_net_input(net));
    assert_true(is.n == n && is.h == h && is.w == w);
    oclnn_net *fresh;
    assert_ok(oclnn_net_create(ctx, g, is, &fresh));
    size_t got_n, want_n;
    float *got = run_net(net, &got_n), *want = run_net(fresh, &want_n);
    assert_int_equal(got_n, want_n);
    char problem[96];
    snprintf(problem, sizeof problem, "reshaped to n%uh%uw%u (%s)", n, h, w, TEST_CFG(state)->name);
    assert_close(got, want, got_n, RESHAPE_ATOL, RESHAPE_RTOL, problem);
    /* the same memory plan as a net created at the shape, and the same layers */
    oclnn_net_memory_info m1, m2;
    assert_ok(oclnn_net_memory(net, &m1));
    assert_ok(oclnn_net_memory(fresh, &m2));
    assert_int_equal(m1.io, m2.io);
    assert_int_equal(m1.weights, m2.weights);
    assert_int_equal(m1.activations_live, m2.activations_live);
    assert_int_equal(oclnn_net_layer_count(net), oclnn_net_layer_count(fresh));
    oclnn_net_destroy(fresh);
    free(got);
    free(want);
}

static void test_graph(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_graph *g = small_graph();
    oclnn_net *net;
    size_t copies = oclnn__op_weight_copies();
    assert_ok(oclnn_net_create(ctx, g, (oclnn_shape){1, 3, 16, 16}, &net));
    assert_true(oclnn__op_weight_copies() > copies); /* the count sees a create's copies */
    oclnn_net_memory_info m1, m3;
    assert_ok(oclnn_net_memory(net, &m1));
    reshape_and_compare(state, net, g, 3, 16, 16);
    assert_ok(oclnn_net_memory(net, &m3));
    assert_int_equal(m3.io, 3 * m1.io); /* the input and output scale with n */
    assert_int_equal(m3.weights, m1.weights);
    assert_true(m3.activations > m1.activations && m3.peak > m1.peak);
    reshape_and_compare(state, net, g, 2, 20, 12);
    reshape_and_compare(state, net, g, 1, 9, 7);
    /* reshape, then run many times: the same output each time */
    size_t n0, n1;
    float *y0 = run_net(net, &n0);
    for (int r = 0; r < 5; r++) {
        float *y1 = run_net(net, &n1);
        assert_int_equal(n0, n1);
        assert_memory_equal(y0, y1, n0 * sizeof *y0);
        free(y1);
    }
    free(y0);
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
}

/* input -> conv -> fc straight on the 6 x 6 map: the fc's in-features fix height and width. */
static void test_refused(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    int x, c;
    d.op = OCLNN_NODE_INPUT, d.channels = 2;
    add(g, "input", d, NULL, 0, &x);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_CONV, d.channels = 4, d.kernel_h = d.kernel_w = 3;
    add(g, "conv", d, &x, 1, &c);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_FC, d.channels = 5, d.kernel_h = d.kernel_w = 6;
    add(g, "head", d, &c, 1, NULL);
    assert_ok(oclnn_graph_init_random(g, 3));
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, (oclnn_shape){1, 2, 8, 8}, &net));
    size_t n0, n1;
    float *y0 = run_net(net, &n0);
    assert_status(oclnn_net_reshape(net, 1, 10, 8), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("\"head\"");
    assert_status(oclnn_net_reshape(net, 0, 8, 8), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("at least 1");
    assert_status(oclnn_net_reshape(net, 1, 8, 0), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("at least 1");
    assert_status(oclnn_net_reshape(net, (size_t)UINT32_MAX + 1, 8, 8), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("32 bits");
    assert_status(oclnn_net_reshape(net, UINT32_MAX, UINT32_MAX, UINT32_MAX), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("new input");
    assert_status(oclnn_net_reshape(NULL, 1, 8, 8), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("net");
    /* the refusals left the net as it was */
    float *y1 = run_net(net, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(y0, y1, n0 * sizeof *y0);
    free(y1);
    /* the batch always changes */
    reshape_and_compare(state, net, g, 3, 8, 8);
    free(y0);
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
}

/* input(4) -> deconv (stride 2) + relu -> resize x2 (bilinear) -> conv 1x1: the steps whose
 * output size follows the input's by a factor. */
static void test_upsample(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    int x, dc, r, up;
    d.op = OCLNN_NODE_INPUT, d.channels = 4;
    add(g, "input", d, NULL, 0, &x);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_DECONV, d.channels = 6, d.kernel_h = d.kernel_w = 3;
    d.stride_h = d.stride_w = 2, d.pad_h = d.pad_w = 1, d.output_pad_h = d.output_pad_w = 1, d.bias = true;
    add(g, "deconv", d, &x, 1, &dc);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_RELU;
    add(g, "relu", d, &dc, 1, &r);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_RESIZE, d.resize_mode = OCLNN_RESIZE_BILINEAR;
    d.scale_h = d.scale_w = 2.0;
    add(g, "up", d, &r, 1, &up);
    d = oclnn_node_desc_default(), d.op = OCLNN_NODE_CONV, d.channels = 3, d.bias = true;
    add(g, "head", d, &up, 1, NULL);
    assert_ok(oclnn_graph_init_random(g, 9));
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, (oclnn_shape){1, 4, 5, 5}, &net));
    reshape_and_compare(state, net, g, 3, 5, 5);
    reshape_and_compare(state, net, g, 2, 7, 4);
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
}

/* Every convolution algorithm of the backend: an operator reshaped from (1, 8, 4, 4) to
 * (3, 8, 11, 9) (Winograd's tile count passes K, so the clone keeps the other GEMM orientation)
 * computes what an operator created at the new size with the same algorithm computes, and shares
 * its weights (no copy). Sums of at most 72 products of O(1) values. */
static void test_algorithms(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const oclnn_conv_algo algos[] = {
        OCLNN_CONV_ALGO_DIRECT,       OCLNN_CONV_ALGO_IM2COL,       OCLNN_CONV_ALGO_GEMM1X1,
        OCLNN_CONV_ALGO_WINOGRAD_2X2, OCLNN_CONV_ALGO_WINOGRAD_4X4, OCLNN_CONV_ALGO_WINOGRAD_6X6,
        OCLNN_CONV_ALGO_DEPTHWISE,    OCLNN_CONV_ALGO_IM2COL_CLBLAST, OCLNN_CONV_ALGO_IMPLICIT_GEMM};
    const oclnn_shape s1 = {1, 8, 4, 4}, s2 = {3, 8, 11, 9};
    float w[16 * 8 * 9], b[16], *x = malloc(3 * 8 * 11 * 9 * sizeof *x);
    float *got = malloc(3 * 16 * 11 * 9 * sizeof *got), *want = malloc(3 * 16 * 11 * 9 * sizeof *want);
    assert_true(x && got && want);
    fill_random(w, sizeof w / sizeof *w, 1, -0.5f, 0.5f);
    fill_random(b, 16, 2, -0.5f, 0.5f);
    fill_random(x, 3 * 8 * 11 * 9, 3, -1.0f, 1.0f);
    size_t ran = 0;
    for (size_t i = 0; i < sizeof algos / sizeof *algos; i++) {
        oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
        d.input = s1, d.out_channels = 16, d.has_bias = true, d.algo = algos[i];
        d.kernel_h = d.kernel_w = algos[i] == OCLNN_CONV_ALGO_GEMM1X1 ? 1 : 3;
        d.padding.top = d.padding.bottom = d.padding.left = d.padding.right = d.kernel_h / 2;
        if (algos[i] == OCLNN_CONV_ALGO_DEPTHWISE) d.groups = 8;
        oclnn_op *op, *moved, *fresh;
        if (oclnn_conv2d_create(ctx, &d, w, b, &op) != OCLNN_OK) continue; /* not on this backend */
        size_t copies = oclnn__op_weight_copies();
        assert_ok(oclnn__conv2d_reshape(op, s2, &moved));
        assert_int_equal(oclnn__op_weight_copies(), copies);
        assert_string_equal(oclnn_op_algorithm(moved), oclnn_op_algorithm(op));
        oclnn_op_destroy(op); /* the clone keeps the shared weights alive */
        d.input = s2;
        assert_ok(oclnn_conv2d_create(ctx, &d, w, b, &fresh));
        oclnn_shape os = {3, 16, 11, 9};
        oclnn_tensor *src, *dst1, *dst2;
        assert_ok(oclnn_tensor_create(ctx, s2, OCLNN_LAYOUT_AUTO, &src));
        assert_ok(oclnn_tensor_create(ctx, os, OCLNN_LAYOUT_AUTO, &dst1));
        assert_ok(oclnn_tensor_create(ctx, os, OCLNN_LAYOUT_AUTO, &dst2));
        assert_ok(oclnn_tensor_write(src, x, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_conv2d_run(moved, src, dst1, NULL));
        assert_ok(oclnn_conv2d_run(fresh, src, dst2, NULL));
        assert_ok(oclnn_tensor_read(dst1, got, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_tensor_read(dst2, want, OCLNN_LAYOUT_NCHW));
        char problem[96];
        snprintf(problem, sizeof problem, "%s reshaped n1h4w4 -> n3h11w9 (%s)", oclnn_conv_algo_name(algos[i]),
                 TEST_CFG(state)->name);
        assert_close(got, want, 3 * 16 * 11 * 9, 1e-5, 1e-4, problem);
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst1);
        oclnn_tensor_destroy(dst2);
        oclnn_op_destroy(moved);
        oclnn_op_destroy(fresh);
        ran++;
    }
    assert_true(ran >= 6); /* direct, im2col, gemm1x1, three Winograds, depthwise: both backends */
    free(x);
    free(got);
    free(want);
}

static void test_onnx(void **state) {
#ifdef OCLNN_TEST_ONNX
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    char path[512];
    snprintf(path, sizeof path, "%s/onnx_dynamic.onnx", test_data_dir());
    oclnn_graph *g;
    oclnn_shape in;
    assert_ok(oclnn_graph_load_onnx(path, &g, &in));
    assert_true(in.n == 0 && in.c == 3 && in.h == 0 && in.w == 0);
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, (oclnn_shape){1, 3, 12, 12}, &net));
    reshape_and_compare(state, net, g, 3, 12, 12);
    reshape_and_compare(state, net, g, 2, 16, 10);
    /* the file has onnx_small's weights: back at 2 x 12 x 12 it gives PyTorch's float64 output
     * (tests/test_onnx.c's ONNX_ATOL 1e-4, ONNX_RTOL 1e-3) */
    assert_ok(oclnn_net_reshape(net, 2, 12, 12));
    size_t xn, yn;
    float *x = load_golden("onnx_small_x.bin", &xn), *want = load_golden("onnx_small_y.bin", &yn), got[10];
    assert_int_equal(xn, 2 * 3 * 12 * 12);
    assert_int_equal(yn, 10);
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), got, OCLNN_LAYOUT_NCHW));
    assert_close(got, want, yn, 1e-4, 1e-3, "onnx_dynamic.onnx reshaped to n2h12w12 vs PyTorch");
    free(x);
    free(want);
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
    /* a model that declares 12 x 12: its batch changes, its size does not */
    snprintf(path, sizeof path, "%s/onnx_small.onnx", test_data_dir());
    assert_ok(oclnn_graph_load_onnx(path, &g, &in));
    assert_ok(oclnn_net_create(ctx, g, (oclnn_shape){1, 3, 12, 12}, &net));
    assert_status(oclnn_net_reshape(net, 1, 16, 16), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("declares its input as 12 x 12");
    oclnn_net *other = NULL; /* nor is it created at another size */
    assert_status(oclnn_net_create(ctx, g, (oclnn_shape){1, 3, 16, 12}, &other), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("declares its input as 12 x 12");
    assert_null(other);
    reshape_and_compare(state, net, g, 3, 12, 12);
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
    /* a net with 3-D values (issue 19) keeps its shape */
    snprintf(path, sizeof path, "%s/onnx_vid3d.onnx", test_data_dir());
    assert_ok(oclnn_graph_load_onnx(path, &g, &in));
    in.n = 1;
    assert_ok(oclnn_net_create(ctx, g, in, &net));
    assert_status(oclnn_net_reshape(net, 2, in.h, in.w), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("3-D values");
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
    /* ConvTranspose and Resize of a model that declares 5 x 5: the batch */
    snprintf(path, sizeof path, "%s/onnx_up.onnx", test_data_dir());
    assert_ok(oclnn_graph_load_onnx(path, &g, &in));
    assert_ok(oclnn_net_create(ctx, g, (oclnn_shape){1, 3, 5, 5}, &net));
    reshape_and_compare(state, net, g, 3, 5, 5);
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
#else
    (void)state;
    skip();
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_graph),
        TEST_ALL_CFGS(test_refused),
        TEST_ALL_CFGS(test_upsample),
        TEST_ALL_CFGS(test_algorithms),
        TEST_GPU_CFGS(test_graph), /* the GPU class's kernels (direct, Winograd, GEMM engine) */
        TEST_GPU_CFGS(test_algorithms),
        TEST_ALL_CFGS(test_onnx),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
