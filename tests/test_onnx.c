/* SPDX-License-Identifier: MIT */
/* The ONNX loader: a small network exported from PyTorch (tools/make_onnx_test.py, opsets 17 and
 * 11) and one of activations and gates load, run on both backends and both layouts and match
 * PyTorch's float64 output and the reference executor; malformed, truncated and unsupported models are refused with a message
 * naming what is wrong, never a crash. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref_net.h"
#include "support/harness.h"

/* float32 through ~10 layers of small sums (at most 72 terms each) against float64: the outputs
 * are softmax probabilities in [0, 1], so an absolute 1e-4 is ~100x float32's rounding there. */
#define ONNX_ATOL 1e-4
#define ONNX_RTOL 1e-3

static const oclnn_shape INPUT = {2, 3, 12, 12};

static unsigned char *read_all(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* One exported model: file, its golden input and output, the input shape to run at (the file
 * leaves the batch symbolic) and the output's channels. */
typedef struct golden_model {
    const char *file, *x, *y;
    oclnn_shape input;
    uint32_t out_c;
} golden_model;

static void run_golden(void **state, const golden_model *gm) {
    oclnn_context *ctx = TEST_CTX(state);
    if (!ctx) return;
    oclnn_graph *g;
    oclnn_shape in;
    assert_ok(oclnn_graph_load_onnx(gm->file, &g, &in));
    assert_true(in.n == 0 && in.c == gm->input.c && in.h == gm->input.h && in.w == gm->input.w); /* the batch is symbolic */
    size_t xn, yn;
    float *x = load_golden(gm->x, &xn), *want = load_golden(gm->y, &yn);
    assert_int_equal(xn, (size_t)gm->input.n * gm->input.c * gm->input.h * gm->input.w);
    assert_int_equal(yn, (size_t)gm->input.n * gm->out_c);
    float *got = malloc(yn * sizeof *got), *ref = malloc(yn * sizeof *ref);
    assert_non_null(got);
    assert_non_null(ref);
    assert_ok(oclnn__ref_net(g, gm->input, x, ref));
    assert_close(ref, want, yn, ONNX_ATOL, ONNX_RTOL, "reference executor vs PyTorch");
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, gm->input, &net));
    oclnn_graph_destroy(g);
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    oclnn_shape os = oclnn_tensor_shape(oclnn_net_output(net));
    assert_true(os.n == gm->input.n && os.c == gm->out_c && os.h == 1 && os.w == 1);
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), got, OCLNN_LAYOUT_NCHW));
    char problem[96];
    snprintf(problem, sizeof problem, "%s (%s)", strrchr(gm->file, '/') + 1, TEST_CFG(state)->name);
    assert_close(got, want, yn, ONNX_ATOL, ONNX_RTOL, problem);
    oclnn_net_destroy(net);
    free(x);
    free(want);
    free(got);
    free(ref);
}

static void run_model(void **state, const char *file) {
    golden_model gm = {file, "onnx_small_x.bin", "onnx_small_y.bin", INPUT, 5};
    run_golden(state, &gm);
}

static void test_opset17(void **state) { run_model(state, OCLNN_TEST_DATA_DIR "/onnx_small.onnx"); }
static void test_opset11(void **state) { run_model(state, OCLNN_TEST_DATA_DIR "/onnx_small_op11.onnx"); }

/* HardSwish (opset 17) or HardSigmoid * x (opset 11), Clip as ReLU6, a squeeze-excite gate
 * (HardSigmoid, Mul by (n, c, 1, 1) with the gate first), SiLU (Sigmoid, Mul), Tanh, ReduceMean
 * over h and w, Sub/Div/Add/Mul by constants (per-channel normalization, scalars). Outputs are
 * logits of magnitude ~1, so the same absolute tolerance holds. */
static void test_activations(void **state) {
    static const char *const files[] = {OCLNN_TEST_DATA_DIR "/onnx_act.onnx", OCLNN_TEST_DATA_DIR "/onnx_act_op11.onnx"};
    for (size_t i = 0; i < 2; i++) {
        golden_model gm = {files[i], "onnx_act_x.bin", "onnx_act_y.bin", {2, 3, 10, 10}, 5};
        run_golden(state, &gm);
    }
    /* GlobalMaxPool, then Sigmoid on the flattened (n, c) value (a hand-built model) */
    golden_model gm = {OCLNN_TEST_DATA_DIR "/onnx_gmax.onnx", "onnx_gmax_x.bin", "onnx_gmax_y.bin", {2, 3, 5, 4}, 3};
    run_golden(state, &gm);
}

/* issue 16: ShuffleNetV2's blocks (tools/make_onnx_test.py's Shuffle): torch.chunk as Slices
 * whose ends come from Shape arithmetic, the channel shuffle (Reshape to 5-D, Transpose,
 * Reshape back) in groups 2 and 3, and an uneven Split, at opsets 17 and 11, both backends and
 * layouts, against PyTorch's float64 output and the reference executor. The loaded graph holds
 * exactly two shuffles and four slices (the arithmetic folds away). Logits of magnitude ~1. */
static void test_shuffle(void **state) {
    static const char *const files[] = {OCLNN_TEST_DATA_DIR "/onnx_shuffle.onnx", OCLNN_TEST_DATA_DIR "/onnx_shuffle_op11.onnx"};
    for (size_t i = 0; i < 2; i++) {
        oclnn_graph *g;
        assert_ok(oclnn_graph_load_onnx(files[i], &g, NULL));
        int shuffles = 0, slices = 0;
        for (size_t k = 0; k < oclnn_graph_node_count(g); k++) {
            oclnn_node_info info;
            assert_ok(oclnn_graph_node(g, (int)k, &info));
            if (info.desc.op != OCLNN_NODE_CHANNEL_SHUFFLE) continue;
            if (info.desc.groups > 1) shuffles++, assert_true(info.desc.channel_start == 0);
            else slices++;
        }
        assert_int_equal(shuffles, 2);
        assert_int_equal(slices, 4);
        oclnn_graph_destroy(g);
        golden_model gm = {files[i], "onnx_shuffle_x.bin", "onnx_shuffle_y.bin", {2, 3, 8, 8}, 5};
        run_golden(state, &gm);
    }
}

/* issue 16 on issue 18's nodes (tools/make_onnx_test.py's Up and UpNearest): ConvTranspose
 * (stride 2, padding, output_padding, groups, bias; and 2x2 without bias) as deconv, Resize
 * bilinear half_pixel by a scale and align_corners to a size (from Shape/Slice/Concat), nearest
 * asymmetric/floor by a scale and to a size, at opsets 17 and 11, Upsample (opset 9) and the same
 * as an opset-10 Resize (whose defaults are Upsample's), against
 * PyTorch's float64 output on both backends and layouts. Outputs of magnitude ~0.5. */
static void test_upsample(void **state) {
    static const char *const files[] = {OCLNN_TEST_DATA_DIR "/onnx_up.onnx", OCLNN_TEST_DATA_DIR "/onnx_up_op11.onnx"};
    for (size_t i = 0; i < 2; i++) {
        golden_model gm = {files[i], "onnx_up_x.bin", "onnx_up_y.bin", {2, 3, 5, 5}, 5};
        run_golden(state, &gm);
    }
    golden_model gm = {OCLNN_TEST_DATA_DIR "/onnx_upsample_op9.onnx", "onnx_up_x.bin", "onnx_upsample_y.bin", {2, 3, 5, 5}, 5};
    run_golden(state, &gm);
    gm.file = OCLNN_TEST_DATA_DIR "/onnx_resize_op10.onnx"; /* the same as an opset-10 Resize */
    run_golden(state, &gm);
}

/* issue 16: LeakyRelu (alpha 0.1), Elu (alpha 0.7), PRelu per channel and scalar (after a Sub of
 * a scalar), as ACTIVATION nodes with per-channel alphas (tools/make_onnx_test.py's Slope), at
 * opsets 17 and 11 against PyTorch's float64 output. Logits of magnitude ~1. */
static void test_slopes(void **state) {
    static const char *const files[] = {OCLNN_TEST_DATA_DIR "/onnx_slope.onnx", OCLNN_TEST_DATA_DIR "/onnx_slope_op11.onnx"};
    for (size_t i = 0; i < 2; i++) {
        golden_model gm = {files[i], "onnx_slope_x.bin", "onnx_slope_y.bin", {2, 3, 6, 6}, 5};
        run_golden(state, &gm);
    }
}

/* issue 16: zero Pads, asymmetric, folded into the Conv that reads them, asymmetric Conv pads, and
 * auto_pad SAME_UPPER with a stride and SAME_LOWER with an even kernel (tools/make_onnx_test.py's
 * padconv_models): the graph holds no Pad and four convs pad asymmetrically; against
 * PyTorch's float64 output at opsets 17 and 11. */
static void test_pad_conv(void **state) {
    static const char *const files[] = {OCLNN_TEST_DATA_DIR "/onnx_padconv.onnx", OCLNN_TEST_DATA_DIR "/onnx_padconv_op11.onnx"};
    for (size_t i = 0; i < 2; i++) {
        oclnn_graph *g;
        assert_ok(oclnn_graph_load_onnx(files[i], &g, NULL));
        int asym = 0;
        for (size_t k = 0; k < oclnn_graph_node_count(g); k++) {
            oclnn_node_info info;
            assert_ok(oclnn_graph_node(g, (int)k, &info));
            if (info.desc.op == OCLNN_NODE_CONV && info.desc.pad_asymmetric) {
                asym++;
                if (asym == 1) /* conv2: its pads 1 plus the Pad's top 2, left 1, bottom 1, right 0 */
                    assert_true(info.desc.pad_h == 3 && info.desc.pad_w == 2 && info.desc.pad_bottom == 2 &&
                                info.desc.pad_right == 1);
            }
        }
        assert_int_equal(asym, 4); /* conv2, conv3, and the SAME_UPPER and SAME_LOWER convs */
        oclnn_graph_destroy(g);
        golden_model gm = {files[i], "onnx_padconv_x.bin", "onnx_padconv_y.bin", {2, 3, 7, 6}, 5};
        run_golden(state, &gm);
    }
}

/* issue 16: LRN (size 5 with alpha 0.5, beta 0.75, bias 2; size 3 with ONNX's defaults), Sub and
 * Div of two tensors, a (n, c, 1, 1) mean broadcast in Sub, Div and Add on either side, and a
 * GlobalMaxPool head (tools/make_onnx_test.py's norm_models, built by hand), at opsets 17 and 11
 * on both backends and layouts against PyTorch's float64 output (onnxruntime agrees with it to
 * 1.4e-6) and the reference executor; the graph holds 2 LRN and 8 BINARY nodes. Outputs of
 * magnitude up to ~6, so ONNX_ATOL plus ONNX_RTOL. Then the net created for batch 1 is
 * reshaped to the golden batch of 2 (LRN re-created, broadcast steps sized by their outputs). */
static void test_norm_binary(void **state) {
    static const char *const files[] = {OCLNN_TEST_DATA_DIR "/onnx_norm.onnx", OCLNN_TEST_DATA_DIR "/onnx_norm_op11.onnx"};
    const oclnn_shape input = {2, 3, 6, 6};
    for (size_t i = 0; i < 2; i++) {
        oclnn_graph *g;
        assert_ok(oclnn_graph_load_onnx(files[i], &g, NULL));
        int lrn = 0, binary = 0;
        for (size_t k = 0; k < oclnn_graph_node_count(g); k++) {
            oclnn_node_info info;
            assert_ok(oclnn_graph_node(g, (int)k, &info));
            if (info.desc.op == OCLNN_NODE_LRN && info.desc.lrn_size == 5)
                assert_true(info.desc.lrn_alpha == 0.5f && info.desc.lrn_beta == 0.75f && info.desc.lrn_bias == 2.0f);
            lrn += info.desc.op == OCLNN_NODE_LRN;
            binary += info.desc.op == OCLNN_NODE_BINARY;
        }
        assert_int_equal(lrn, 2);
        assert_int_equal(binary, 8);
        golden_model gm = {files[i], "onnx_norm_x.bin", "onnx_norm_y.bin", input, 5};
        run_golden(state, &gm);
        oclnn_context *ctx = TEST_CTX(state);
        if (!ctx || i) {
            oclnn_graph_destroy(g);
            continue;
        }
        oclnn_net *net;
        assert_ok(oclnn_net_create(ctx, g, (oclnn_shape){1, 3, 6, 6}, &net));
        oclnn_graph_destroy(g);
        assert_ok(oclnn_net_reshape(net, 2, 6, 6));
        size_t xn, yn;
        float *x = load_golden("onnx_norm_x.bin", &xn), *want = load_golden("onnx_norm_y.bin", &yn), got[10];
        assert_int_equal(yn, 10);
        assert_ok(oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_net_run(net));
        assert_ok(oclnn_tensor_read(oclnn_net_output(net), got, OCLNN_LAYOUT_NCHW));
        assert_close(got, want, yn, ONNX_ATOL, ONNX_RTOL, "onnx_norm reshaped from batch 1 to 2");
        oclnn_net_destroy(net);
        free(x);
        free(want);
    }
}

/* issue 16: the graph nodes the ONNX LRN and two-tensor Sub/Div/Add map to, built through the
 * graph API: LRN (its parameters checked) and BINARY (ADD/SUB/MUL/DIV only; the output takes the
 * larger input's shape, either input may be (n, c, 1, 1), any other mismatch is refused). */
static void test_lrn_binary_nodes(void **state) {
    (void)state;
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.channels = 4;
    int x, l, p, b[4];
    assert_ok(oclnn_graph_add(g, "x", &d, NULL, 0, &x));
    d.op = OCLNN_NODE_LRN;
    d.lrn_size = 0;
    assert_status(oclnn_graph_add(g, "lrn", &d, &x, 1, &l), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("lrn_size is 0");
    d.lrn_size = 3;
    d.lrn_bias = 0.0f;
    assert_status(oclnn_graph_add(g, "lrn", &d, &x, 1, &l), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("bias finite and > 0");
    d.lrn_bias = 1.0f;
    assert_ok(oclnn_graph_add(g, "lrn", &d, &x, 1, &l));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ADAPTIVE_AVG_POOL;
    assert_ok(oclnn_graph_add(g, "pool", &d, &l, 1, &p)); /* (n, 4, 1, 1) */
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_BINARY;
    d.eltwise = OCLNN_ELTWISE_RELU;
    int ab[2] = {p, l};
    assert_status(oclnn_graph_add(g, "bad", &d, ab, 2, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not ADD, SUB, MUL or DIV");
    static const oclnn_eltwise_op ops[] = {OCLNN_ELTWISE_SUB, OCLNN_ELTWISE_DIV, OCLNN_ELTWISE_ADD, OCLNN_ELTWISE_MUL};
    for (int i = 0; i < 4; i++) {
        static const char *const names[] = {"sub", "div", "add", "mul"};
        d.eltwise = ops[i];
        assert_ok(oclnn_graph_add(g, names[i], &d, i % 2 ? (int[2]){l, p} : ab, 2, &b[i]));
    }
    oclnn_shape shapes[9];
    assert_ok(oclnn_graph_infer_shapes(g, (oclnn_shape){2, 4, 5, 3}, shapes));
    for (int i = 0; i < 4; i++) assert_true(shapes[b[i]].n == 2 && shapes[b[i]].h == 5 && shapes[b[i]].w == 3);
    assert_string_equal(oclnn_node_op_name(OCLNN_NODE_LRN), "lrn");
    assert_string_equal(oclnn_node_op_name(OCLNN_NODE_BINARY), "binary");
    oclnn_node_desc pd = oclnn_node_desc_default();
    pd.op = OCLNN_NODE_MAX_POOL;
    pd.kernel_h = pd.kernel_w = 2;
    int mismatch[2] = {b[0], 0};
    assert_ok(oclnn_graph_add(g, "half", &pd, &x, 1, &mismatch[1])); /* (2, 4, 2, 1) */
    assert_ok(oclnn_graph_add(g, "mismatch", &d, mismatch, 2, NULL));
    assert_status(oclnn_graph_infer_shapes(g, (oclnn_shape){2, 4, 5, 3}, shapes), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("one of them be (n, c, 1, 1)");
    oclnn_graph_destroy(g);
}

/* Reshape as a flatten, MatMul + Add as one fc, Gemm with transB 0, Identity, Dropout, Softmax
 * (a hand-built model, tools/make_onnx_test.py) against numpy's float64 output. */
static void test_linear(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    if (!ctx) return;
    oclnn_graph *g;
    assert_ok(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_linear.onnx", &g, NULL));
    assert_int_equal(oclnn_graph_node_count(g), 6); /* input, conv, fc, relu, fc, softmax */
    size_t xn, yn;
    float *x = load_golden("onnx_linear_x.bin", &xn), *want = load_golden("onnx_linear_y.bin", &yn);
    assert_int_equal(xn, 64);
    assert_int_equal(yn, 8);
    oclnn_net *net;
    float got[8];
    assert_ok(oclnn_net_create(ctx, g, (oclnn_shape){2, 2, 4, 4}, &net));
    oclnn_graph_destroy(g);
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), got, OCLNN_LAYOUT_NCHW));
    assert_close(got, want, yn, ONNX_ATOL, ONNX_RTOL, TEST_CFG(state)->name);
    oclnn_net_destroy(net);
    free(x);
    free(want);
}

/* From memory gives the same graph; every truncation is refused without a crash or a leak. */
static void test_memory_and_truncated(void **state) {
    (void)state;
    size_t size;
    unsigned char *buf = read_all(OCLNN_TEST_DATA_DIR "/onnx_small.onnx", &size);
    oclnn_graph *g = NULL;
    oclnn_shape in;
    assert_ok(oclnn_graph_load_onnx_memory(buf, size, &g, &in));
    size_t nodes = oclnn_graph_node_count(g);
    assert_true(nodes > 10);
    oclnn_graph_destroy(g);
    size_t refused = 0;
    for (size_t cut = 0; cut < size; cut += 7) {
        oclnn_status st = oclnn_graph_load_onnx_memory(buf, cut, &g, NULL);
        if (st == OCLNN_OK) oclnn_graph_destroy(g);
        else refused++, assert_null(g);
    }
    assert_true(refused > size / 7 / 2);
    /* Flipped bytes: refused or loaded, never a crash. */
    for (size_t i = 0; i < size; i += 13) {
        buf[i] ^= 0xA5;
        if (oclnn_graph_load_onnx_memory(buf, size, &g, NULL) == OCLNN_OK) oclnn_graph_destroy(g);
        buf[i] ^= 0xA5;
    }
    free(buf);
}

/* External data inside the model's folder: read at its offset; from memory it is refused. */
static void test_external(void **state) {
    (void)state;
    oclnn_graph *g;
    oclnn_shape in;
    assert_ok(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_external.onnx", &g, &in));
    assert_true(in.n == 0 && in.c == 2 && in.h == 4 && in.w == 4);
    float *w;
    size_t count;
    assert_ok(oclnn_graph_param(g, "conv.weight", &w, &count));
    assert_int_equal(count, 36);
    for (size_t i = 0; i < count; i++) assert_true(w[i] == (float)i / 36.0f);
    oclnn_graph_destroy(g);
    size_t size;
    unsigned char *buf = read_all(OCLNN_TEST_DATA_DIR "/onnx_external.onnx", &size);
    assert_status(oclnn_graph_load_onnx_memory(buf, size, &g, NULL), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("external data");
    free(buf);
}

static void test_errors(void **state) {
    (void)state;
    oclnn_graph *g;
    assert_status(oclnn_graph_load_onnx(NULL, &g, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("path");
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_small.onnx", NULL, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("out");
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/no_such.onnx", &g, NULL), OCLNN_ERROR_IO);
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR, &g, NULL), OCLNN_ERROR_BAD_FILE); /* not a regular file */
    assert_status(oclnn_graph_load_onnx_memory(NULL, 4, &g, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_graph_load_onnx_memory("", 0, &g, NULL), OCLNN_ERROR_BAD_FILE);
    assert_status(oclnn_graph_load_onnx_memory("\xff\xff\xff", 3, &g, NULL), OCLNN_ERROR_BAD_FILE);
    assert_error_mentions("not an ONNX model");
    /* Nesting deeper than any model needs (field 7 of ModelProto is the graph, 1 of GraphProto a
     * node, 5 of NodeProto an attribute, 6 of AttributeProto a graph, ...): refused up front. */
    unsigned char deep[400];
    size_t len = 0;
    static const unsigned char path[] = {0x3a, 0x0a, 0x2a, 0x32}; /* graph, node, attribute, g */
    for (int level = 0; level < 96; level++) deep[len++] = path[level == 0 ? 0 : 1 + (level - 1) % 3], deep[len++] = 0;
    assert_status(oclnn_graph_load_onnx_memory(deep, len, &g, NULL), OCLNN_ERROR_BAD_FILE);
    /* Models oclnn cannot run are refused naming the node, the op and what is missing. */
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_refused_op.onnx", &g, NULL), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("Erf");
    assert_error_mentions("\"erf\"");
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_refused_pads.onnx", &g, NULL), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("\"pool\" (MaxPool)");
    assert_error_mentions("ceil_mode with asymmetric pads"); /* asymmetric pads alone: issue 16 */
    /* issue 16: Resize modes oclnn does not compute, a Transpose other than the channel shuffle's */
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_refused_cubic.onnx", &g, NULL), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("\"up\" (Resize)");
    assert_error_mentions("attribute mode \"cubic\"");
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_refused_nearest.onnx", &g, NULL), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("coordinate_transformation_mode \"half_pixel\" with mode nearest");
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_refused_transpose.onnx", &g, NULL), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("\"tr\" (Transpose)");
    assert_error_mentions("channel shuffle");
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_refused_lrn.onnx", &g, NULL), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("\"lrn_even\" (LRN)"); /* issue 16: ONNX's even window is not torch's */
    assert_error_mentions("even size 4");
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_escape.onnx", &g, NULL), OCLNN_ERROR_BAD_FILE);
    assert_error_mentions("leaves the model's folder");
    assert_status(oclnn_graph_load_onnx(OCLNN_TEST_DATA_DIR "/onnx_dangling.onnx", &g, NULL), OCLNN_ERROR_BAD_FILE);
    assert_error_mentions("dangling");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_opset17),
        TEST_ALL_CFGS(test_opset11),
        TEST_ALL_CFGS(test_linear),
        TEST_ALL_CFGS(test_activations),
        TEST_ALL_CFGS(test_shuffle), /* issue 16 */
        TEST_ALL_CFGS(test_upsample),
        TEST_ALL_CFGS(test_slopes),
        TEST_ALL_CFGS(test_pad_conv),
        TEST_ALL_CFGS(test_norm_binary), /* issue 16 */
        cmocka_unit_test(test_lrn_binary_nodes),
        cmocka_unit_test(test_memory_and_truncated),
        cmocka_unit_test(test_external),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
