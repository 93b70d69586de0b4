/* SPDX-License-Identifier: MIT */
/* 1-D and 3-D networks in the graph (issue 19): PyTorch exports (tools/make_onnx_nd_test.py, opsets
 * 17 and 11) of a text-CNN-like 1-D model and a small 3-D (video) model load through the ONNX
 * loader, run on both backends and both layouts and match PyTorch's float64 output and the
 * reference executor; a graph built through the C API holds conv3d + batch norm + residual add +
 * ReLU (folded and fused), both 3-D poolings, adaptive pooling and a global max pool of a 5-D
 * value, checked against the reference executor (unfused, double accumulation). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref_net.h"
#include "support/harness.h"

/* float32 through ~8 layers of sums of at most 108 terms, against float64: outputs are logits of
 * magnitude ~0.5, where float32 rounding is ~1e-7; 1e-4 + 1e-3 relative leaves ~100x of margin. */
#define ND_ATOL 1e-4
#define ND_RTOL 1e-3

static size_t count_op(const oclnn_graph *g, oclnn_node_op op) {
    size_t k = 0;
    for (size_t i = 0; i < oclnn_graph_node_count(g); i++) {
        oclnn_node_info info;
        assert_ok(oclnn_graph_node(g, (int)i, &info));
        k += info.desc.op == op;
    }
    return k;
}

/* Loads `file`, checks the input the loader reports, then runs it at batch 2 against `yname`. */
static void run_file(void **state, const char *file, const char *xname, const char *yname, oclnn_shape input,
                     uint32_t out_c) {
    oclnn_context *ctx = TEST_CTX(state);
    if (!ctx) return;
    oclnn_graph *g;
    oclnn_shape in;
    assert_ok(oclnn_graph_load_onnx(file, &g, &in));
    assert_true(in.n == 0 && in.c == input.c && in.h == input.h && in.w == input.w); /* the batch is symbolic */
    size_t xn, yn;
    float *x = load_golden(xname, &xn), *want = load_golden(yname, &yn);
    assert_int_equal(xn, (size_t)input.n * input.c * input.h * input.w);
    assert_int_equal(yn, (size_t)input.n * out_c);
    float *got = malloc(yn * sizeof *got), *ref = malloc(yn * sizeof *ref);
    assert_non_null(got);
    assert_non_null(ref);
    assert_ok(oclnn__ref_net(g, input, x, ref));
    assert_close(ref, want, yn, ND_ATOL, ND_RTOL, "reference executor vs PyTorch");
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, input, &net));
    oclnn_graph_destroy(g);
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), got, OCLNN_LAYOUT_NCHW));
    char problem[96];
    snprintf(problem, sizeof problem, "%s (%s)", strrchr(file, '/') + 1, TEST_CFG(state)->name);
    assert_close(got, want, yn, ND_ATOL, ND_RTOL, problem);
    oclnn_net_destroy(net);
    free(x);
    free(want);
    free(got);
    free(ref);
}

/* The 1-D model: (n, 4, 20) is the graph's (n, 4, 1, 20); its convs are 2-D convs with a 1 x k
 * window (what oclnn_conv1d_create makes), the Pad before AvgPool1d folded into the pool. */
static void test_text1d(void **state) {
    static const char *const files[] = {OCLNN_TEST_DATA_DIR "/onnx_text1d.onnx", OCLNN_TEST_DATA_DIR "/onnx_text1d_op11.onnx"};
    for (size_t i = 0; i < 2; i++) {
        oclnn_graph *g;
        assert_ok(oclnn_graph_load_onnx(files[i], &g, NULL));
        assert_int_equal(count_op(g, OCLNN_NODE_CONV), 3);
        for (size_t k = 0; k < oclnn_graph_node_count(g); k++) {
            oclnn_node_info info;
            assert_ok(oclnn_graph_node(g, (int)k, &info));
            if (info.desc.op == OCLNN_NODE_CONV || info.desc.op == OCLNN_NODE_MAX_POOL)
                assert_true(info.desc.kernel_h == 1 && info.desc.stride_h == 1 && info.desc.pad_h == 0);
        }
        oclnn_graph_destroy(g);
        run_file(state, files[i], "onnx_text1d_x.bin", "onnx_text1d_y.bin", (oclnn_shape){2, 4, 1, 20}, 5);
    }
}

/* The 3-D model: (n, 3, 4, 8, 8) is the graph's (n, 3, 32, 8) of depth 4. */
static void test_vid3d(void **state) {
    static const char *const files[] = {OCLNN_TEST_DATA_DIR "/onnx_vid3d.onnx", OCLNN_TEST_DATA_DIR "/onnx_vid3d_op11.onnx"};
    for (size_t i = 0; i < 2; i++) {
        oclnn_graph *g;
        assert_ok(oclnn_graph_load_onnx(files[i], &g, NULL));
        oclnn_node_info info;
        assert_ok(oclnn_graph_node(g, 0, &info));
        assert_int_equal(info.desc.depth, 4);
        assert_int_equal(count_op(g, OCLNN_NODE_CONV3D), 4);
        assert_int_equal(count_op(g, OCLNN_NODE_MAX_POOL3D), 2); /* max_pool3d and adaptive_max_pool3d(1) */
        assert_int_equal(count_op(g, OCLNN_NODE_AVG_POOL3D), 1);
        assert_int_equal(count_op(g, OCLNN_NODE_ADAPTIVE_AVG_POOL3D), 1);
        assert_int_equal(count_op(g, OCLNN_NODE_CONV), 0);
        oclnn_graph_destroy(g);
        run_file(state, files[i], "onnx_vid3d_x.bin", "onnx_vid3d_y.bin", (oclnn_shape){2, 3, 32, 8}, 5);
    }
}

/* Hand-built models (tools/make_onnx_nd_test.py's hand_models): a 1-D Conv of width 4, stride 2,
 * auto_pad SAME_UPPER (asymmetric pads 1 and 2), and a 3-D 1x3x3 Conv with SAME_LOWER, each then
 * GlobalMaxPool (over l; over d, h, w: pool3d's global max) and Flatten. */
static void test_same_gmax(void **state) {
    oclnn_graph *g;
    assert_ok(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_nd_hand.onnx", &g, NULL));
    oclnn_node_info info;
    assert_ok(oclnn_graph_node(g, 1, &info));
    assert_true(info.desc.op == OCLNN_NODE_CONV && info.desc.pad_asymmetric && info.desc.pad_w == 1 &&
                info.desc.pad_right == 2 && info.desc.pad_bottom == 0 && info.desc.stride_w == 2);
    oclnn_graph_destroy(g);
    run_file(state, OCLNN_TEST_DATA_DIR "/onnx_nd_hand.onnx", "onnx_nd_hand_x.bin", "onnx_nd_hand_y.bin",
             (oclnn_shape){2, 3, 1, 9}, 4);
    run_file(state, OCLNN_TEST_DATA_DIR "/onnx_gmax3d.onnx", "onnx_gmax3d_x.bin", "onnx_gmax3d_y.bin",
             (oclnn_shape){2, 2, 12, 5}, 3);
}

/* issue 16: pooling with auto_pad SAME_LOWER / SAME_UPPER (strided) and asymmetric pads, 2-D and
 * 1-D (tools/make_onnx_nd_test.py's pool_same_model), against onnxruntime's output. */
static void test_pool_same(void **state) {
    oclnn_graph *g;
    assert_ok(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_pool_same.onnx", &g, NULL));
    oclnn_node_info info;
    assert_ok(oclnn_graph_node(g, 2, &info)); /* MaxPool 3x3 /2 SAME_UPPER on 7x6: pads 1 | 1, 0 | 1 */
    assert_true(info.desc.op == OCLNN_NODE_MAX_POOL && info.desc.pad_asymmetric && info.desc.pad_h == 1 &&
                info.desc.pad_bottom == 1 && info.desc.pad_w == 0 && info.desc.pad_right == 1);
    oclnn_graph_destroy(g);
    run_file(state, OCLNN_TEST_DATA_DIR "/onnx_pool_same.onnx", "onnx_pool_same_x.bin", "onnx_pool_same_y.bin",
             (oclnn_shape){2, 3, 7, 6}, 18);
    run_file(state, OCLNN_TEST_DATA_DIR "/onnx_pool_same1d.onnx", "onnx_pool_same1d_x.bin", "onnx_pool_same1d_y.bin",
             (oclnn_shape){2, 3, 1, 9}, 6);
}

static int add(oclnn_graph *g, const char *name, oclnn_node_desc d, int a, int b) {
    int in[2] = {a, b}, id;
    assert_ok(oclnn_graph_add(g, name, &d, in, b >= 0 ? 2 : 1, &id));
    return id;
}

/* A graph built with the C API: conv3d (1x3x3, stride (1,2,2)) + batch norm + residual add + ReLU
 * (one fused conv3d step), a 3x1x1 dilated grouped conv3d with bias + ReLU, avg and max 3-D
 * pooling, adaptive 3-D pooling to 2x1x2, a global max pool of the 5-D value; compiled net vs
 * the reference executor, random weights (oclnn_graph_init_random), batch 2, 5 x 6 x 7 clips. */
static void test_graph3d(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    if (!ctx) return;
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_INPUT, d.channels = 3, d.depth = 5;
    int x;
    assert_ok(oclnn_graph_add(g, "x", &d, NULL, 0, &x));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CONV3D, d.channels = 4, d.kernel_d = 1, d.kernel_h = d.kernel_w = 3;
    d.stride_h = d.stride_w = 2, d.pad_h = d.pad_w = 1;
    int c1 = add(g, "c1", d, x, -1);
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CONV3D, d.channels = 4, d.kernel_d = d.kernel_h = d.kernel_w = 1, d.stride_h = d.stride_w = 2;
    int down = add(g, "down", d, x, -1);
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_BATCHNORM;
    int bn = add(g, "bn", d, c1, -1);
    d.op = OCLNN_NODE_ADD;
    int sum = add(g, "sum", d, bn, down);
    d.op = OCLNN_NODE_RELU;
    int r = add(g, "relu", d, sum, -1);
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CONV3D, d.channels = 6, d.kernel_d = 3, d.pad_d = 2, d.dilation_d = 2, d.groups = 2, d.bias = true;
    int c2 = add(g, "c2", d, r, -1);
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RELU;
    int r2 = add(g, "relu2", d, c2, -1);
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_AVG_POOL3D, d.kernel_d = d.kernel_h = d.kernel_w = 3, d.pad_d = d.pad_h = d.pad_w = 1;
    d.count_include_pad = false;
    int ap = add(g, "avg", d, r2, -1);
    d.op = OCLNN_NODE_MAX_POOL3D, d.kernel_d = 2, d.stride_d = 2, d.pad_d = 0;
    int mp = add(g, "max", d, ap, -1);
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ADAPTIVE_AVG_POOL3D, d.out_d = 2, d.out_h = 1, d.out_w = 2;
    int ad = add(g, "adaptive", d, mp, -1);
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_GLOBAL_MAX_POOL;
    add(g, "gmax", d, ad, -1);
    assert_ok(oclnn_graph_init_random(g, 19));
    /* 2-D nodes refuse 5-D values, 3-D nodes 4-D ones, naming the node */
    oclnn_shape in = {2, 3, 5 * 6, 7}, shapes[16];
    assert_ok(oclnn_graph_infer_shapes(g, in, shapes));
    assert_true(shapes[mp].h == 2 * 3 && shapes[mp].w == 4); /* (2, 6, 2, 3, 4): d 5 -> 2 */
    assert_true(shapes[ad].h == 2 && shapes[ad].w == 2);
    assert_status(oclnn_graph_infer_shapes(g, (oclnn_shape){2, 3, 31, 7}, shapes), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("depth (5)");
    size_t n = 2u * 3 * 30 * 7;
    float *xv = malloc(n * sizeof *xv), got[12], ref[12];
    assert_non_null(xv);
    for (size_t i = 0; i < n; i++) xv[i] = (float)sin(0.37 * (double)i);
    assert_ok(oclnn__ref_net(g, in, xv, ref));
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, in, &net));
    oclnn_net_layer_info li;
    assert_ok(oclnn_net_layer(net, 0, &li)); /* the first step: c1 with bn, the residual and relu */
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), xv, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), got, OCLNN_LAYOUT_NCHW));
    assert_close(got, ref, 12, 1e-5, 1e-4, "conv3d graph vs reference");
    size_t fused = 0;
    for (size_t k = 0; k < oclnn_net_layer_count(net); k++) {
        assert_ok(oclnn_net_layer(net, k, &li));
        fused += !strcmp(li.op, "conv3d+bn+add+relu");
    }
    assert_int_equal(fused, 1);
    oclnn_net_destroy(net);
    /* a 2-D conv on the 5-D value is refused at create */
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CONV, d.channels = 2;
    add(g, "conv2d", d, x, -1);
    assert_status(oclnn_net_create(ctx, g, in, &net), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("\"conv2d\" (conv) is a 2-D op but its input is 5-D");
    oclnn_graph_destroy(g);
    free(xv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_text1d),
        TEST_ALL_CFGS(test_vid3d),
        TEST_ALL_CFGS(test_same_gmax),
        TEST_ALL_CFGS(test_pool_same), /* issue 16 */
        TEST_ALL_CFGS(test_graph3d),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
