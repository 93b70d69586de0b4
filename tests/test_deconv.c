/* SPDX-License-Identifier: MIT */
/* Transposed convolution (issue 18) on both backends, both layouts and the GPU class: PyTorch
 * golden outputs (tools/golden/upsample.py: the mask head's 2x2 stride 2, FCN's 4x4 stride 2
 * padding 1, output padding + dilation + groups, depthwise), network and odd shapes against the
 * double reference (batch > 1, groups, fused ReLU, views in the other layout), the graph node
 * (deconv + ReLU fused, then a resize) against the reference executor, and every validation
 * branch. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"
#include "ref/ref_net.h"
#include "support/gpuclass.h"
#include "support/layers.h"

/* A float sum of at most a few thousand products of O(1) values against double (reference) or
 * torch's float (golden, summed in another order). */
static const double ATOL = 1e-4, RTOL = 1e-4;

typedef struct deconv_case {
    const char *name;
    oclnn_deconv2d_desc d;
} deconv_case;

#define DECONV(n, c, h, w, k, kh, kw, sh, sw, ph, pw, oph, opw, dh, dw, g, act, bias)               \
    {{n, c, h, w}, k, kh, kw, sh, sw, ph, pw, oph, opw, dh, dw, g, act, bias, OCLNN_DECONV_ALGO_AUTO}

/* The golden cases of tools/golden/upsample.py, in its order. */
static const deconv_case GOLDEN[] = {
    {"mask_k2s2", DECONV(2, 8, 7, 7, 6, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, OCLNN_ACTIVATION_NONE, true)},
    {"fcn_k4s2p1", DECONV(1, 6, 5, 6, 4, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, OCLNN_ACTIVATION_NONE, true)},
    {"odd_g2", DECONV(3, 4, 5, 4, 6, 3, 2, 3, 2, 1, 0, 2, 1, 2, 1, 2, OCLNN_ACTIVATION_NONE, false)},
    {"depthwise_k3s1p1", DECONV(2, 5, 4, 4, 5, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 5, OCLNN_ACTIVATION_NONE, true)},
};

static const deconv_case SHAPES[] = {
    /* the mask head's 256 channels cut to 64 (valgrind runs this file on the C backend) */
    {"maskrcnn mask head 2x2/2 64->64 relu",
     DECONV(1, 64, 14, 14, 64, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, OCLNN_ACTIVATION_RELU, true)},
    {"fcn32 score upsample 4x4/2 p1 21->21",
     DECONV(1, 21, 16, 16, 21, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, OCLNN_ACTIVATION_NONE, false)},
    {"unet up 2x2/2 64->32 batch 2", DECONV(2, 64, 12, 12, 32, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, OCLNN_ACTIVATION_NONE, true)},
    {"small mask 2x2/2 relu", DECONV(2, 8, 5, 5, 8, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, OCLNN_ACTIVATION_RELU, true)},
    {"odd 3x5/3x2 p2,1 op1,1 dil 1,2 g3 batch 3",
     DECONV(3, 6, 5, 7, 9, 3, 5, 3, 2, 2, 1, 1, 1, 1, 2, 3, OCLNN_ACTIVATION_NONE, true)},
    {"k1 s1 (a 1x1 convolution's transpose) odd channels",
     DECONV(2, 7, 3, 5, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, OCLNN_ACTIVATION_RELU, false)},
    {"stride above kernel 2x2/3 op2", DECONV(1, 3, 4, 3, 2, 2, 2, 3, 3, 0, 0, 2, 2, 1, 1, 1, OCLNN_ACTIVATION_NONE, true)},
    {"depthwise 4x4/2 p1", DECONV(2, 4, 6, 5, 4, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 4, OCLNN_ACTIVATION_NONE, true)},
    {"1x1 input", DECONV(2, 3, 1, 1, 5, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 1, OCLNN_ACTIVATION_NONE, true)},
};

static size_t weight_count(const oclnn_deconv2d_desc *d) {
    return (size_t)d->input.c * (d->out_channels / d->groups) * d->kernel_h * d->kernel_w;
}

static double work_of(const oclnn_deconv2d_desc *d) {
    return (double)shape_count(d->input) * (d->out_channels / d->groups) * d->kernel_h * d->kernel_w;
}

/* Runs d on src (NCHW host) and compares dst with ref (NCHW). views: src and dst are channel
 * views, dst in the other layout. */
static void check_deconv(oclnn_context *ctx, oclnn_layout layout, const oclnn_deconv2d_desc *d,
                         const float *src, const float *w, const float *b, const float *ref,
                         bool views, const char *name) {
    oclnn_shape os;
    assert_ok(oclnn_deconv2d_output_shape(d, &os));
    oclnn_op *op;
    assert_ok(oclnn_deconv2d_create(ctx, d, w, b, &op));
    if (d->algo != OCLNN_DECONV_ALGO_AUTO)
        assert_string_equal(oclnn_op_algorithm(op), d->algo == OCLNN_DECONV_ALGO_COL2IM ? "col2im" : "direct");
    oclnn_tensor *ts = make_tensor(ctx, d->input, layout, views, src);
    oclnn_tensor *td = make_tensor(ctx, os, views ? other_layout(layout) : layout, views, NULL);
    assert_ok(oclnn_deconv2d_run(op, ts, td));
    float *got = read_nchw(td);
    const oclnn_shape is = d->input;
    char line[320];
    snprintf(line, sizeof line, "%s: deconv n%uc%uh%uw%u k%u r%us%u stride %u,%u pad %u,%u opad %u,%u dil %u,%u g%u",
             name, is.n, is.c, is.h, is.w, d->out_channels, d->kernel_h, d->kernel_w, d->stride_h,
             d->stride_w, d->pad_h, d->pad_w, d->output_pad_h, d->output_pad_w, d->dilation_h,
             d->dilation_w, d->groups);
    if (!check_close(got, ref, shape_count(os), ATOL, RTOL, line)) fail_msg("%s", name);
    free(got);
    oclnn_tensor_destroy(ts);
    oclnn_tensor_destroy(td);
    oclnn_op_destroy(op);
}

static void test_deconv_golden(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    for (size_t i = 0; i < sizeof GOLDEN / sizeof *GOLDEN; i++) {
        const oclnn_deconv2d_desc *d = &GOLDEN[i].d;
        oclnn_shape os;
        assert_ok(oclnn_deconv2d_output_shape(d, &os));
        char file[96];
        snprintf(file, sizeof file, "deconv_%s_x.bin", GOLDEN[i].name);
        float *x = golden(file, shape_count(d->input));
        snprintf(file, sizeof file, "deconv_%s_w.bin", GOLDEN[i].name);
        float *w = golden(file, weight_count(d));
        float *b = NULL;
        if (d->has_bias) {
            snprintf(file, sizeof file, "deconv_%s_b.bin", GOLDEN[i].name);
            b = golden(file, d->out_channels);
        }
        snprintf(file, sizeof file, "deconv_%s_y.bin", GOLDEN[i].name);
        float *y = golden(file, shape_count(os));
        /* the reference agrees with torch too (its output size and its scatter) */
        float *r = malloc(shape_count(os) * sizeof *r);
        assert_non_null(r);
        oclnn__ref_deconv2d(d, x, OCLNN_LAYOUT_NCHW, w, b, r);
        if (!check_close(r, y, shape_count(os), ATOL, RTOL, GOLDEN[i].name)) fail_msg("reference");
        check_deconv(ctx, layout, d, x, w, b, y, i % 2 == 1, GOLDEN[i].name);
        free(x);
        free(w);
        free(b);
        free(y);
        free(r);
    }
}

static void test_deconv_shapes(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) {
        const oclnn_deconv2d_desc *d = &SHAPES[i].d;
        if (!test_runs(work_of(d))) continue;
        oclnn_shape os;
        assert_ok(oclnn_deconv2d_output_shape(d, &os));
        float *x = alloc_random(shape_count(d->input), (uint32_t)i + 1, -1, 1);
        float *w = alloc_random(weight_count(d), (uint32_t)i + 100, -0.5f, 0.5f);
        float *b = d->has_bias ? alloc_random(d->out_channels, (uint32_t)i + 200, -1, 1) : NULL;
        float *r = malloc(shape_count(os) * sizeof *r);
        assert_non_null(r);
        oclnn__ref_deconv2d(d, x, OCLNN_LAYOUT_NCHW, w, b, r);
        check_deconv(ctx, layout, d, x, w, b, r, i % 3 == 1, SHAPES[i].name);
        /* both algorithms of each backend (AUTO above took one of them) */
        for (int a = OCLNN_DECONV_ALGO_DIRECT; a <= OCLNN_DECONV_ALGO_COL2IM; a++) {
                oclnn_deconv2d_desc c = *d;
                c.algo = (oclnn_deconv_algo)a;
                check_deconv(ctx, layout, &c, x, w, b, r, (i + (size_t)a) % 3 == 2, SHAPES[i].name);
            }
        free(x);
        free(w);
        free(b);
        free(r);
    }
}

/* torch's size rule, and the output padding that picks one of the sizes a strided convolution
 * maps to the same input. */
static void test_deconv_output_sizes(void **state) {
    (void)state;
    oclnn_deconv2d_desc d = oclnn_deconv2d_desc_default();
    d.input = (oclnn_shape){1, 256, 14, 14};
    d.out_channels = 256;
    d.kernel_h = d.kernel_w = 2;
    d.stride_h = d.stride_w = 2;
    oclnn_shape os;
    assert_ok(oclnn_deconv2d_output_shape(&d, &os));
    assert_true(os.n == 1 && os.c == 256 && os.h == 28 && os.w == 28);
    d.kernel_h = d.kernel_w = 3;
    d.pad_h = d.pad_w = 1;
    d.output_pad_h = 1;
    assert_ok(oclnn_deconv2d_output_shape(&d, &os));
    assert_true(os.h == 28 && os.w == 27); /* (14-1)*2 - 2 + 2 + op + 1 */
    d.dilation_w = 3;
    assert_ok(oclnn_deconv2d_output_shape(&d, &os));
    assert_int_equal(os.w, 31);
}

static void test_deconv_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_deconv2d_desc good = oclnn_deconv2d_desc_default();
    good.input = (oclnn_shape){1, 4, 3, 3};
    good.out_channels = 2;
    good.kernel_h = good.kernel_w = 2;
    good.stride_h = good.stride_w = 2;
    float w[4 * 2 * 2 * 2] = {0}, b[2] = {0};
    oclnn_op *op = (oclnn_op *)1;
    oclnn_shape os;
    assert_status(oclnn_deconv2d_create(ctx, NULL, w, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc is NULL");
    assert_null(op);
    assert_status(oclnn_deconv2d_output_shape(&good, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("out is NULL");
    assert_status(oclnn_deconv2d_create(ctx, &good, NULL, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("weights");
    assert_status(oclnn_deconv2d_create(ctx, &good, w, b, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("has_bias");
    oclnn_deconv2d_desc d = good;
    d.input.h = 0;
    assert_status(oclnn_deconv2d_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->input");
    d = good;
    d.stride_w = 0;
    assert_status(oclnn_deconv2d_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("must be positive");
    d = good;
    d.groups = 3;
    assert_status(oclnn_deconv2d_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("groups");
    d = good;
    d.output_pad_h = 2;
    assert_status(oclnn_deconv2d_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("output_pad");
    d = good;
    d.pad_h = 5;
    assert_status(oclnn_deconv2d_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("empty");
    d = good;
    d.activation = (oclnn_activation)7;
    assert_status(oclnn_deconv2d_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("activation");
    d = good;
    d.algo = (oclnn_deconv_algo)9;
    assert_status(oclnn_deconv2d_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("algo");
    d = good;
    d.input = (oclnn_shape){1, 1, 65536, 65536};
    d.out_channels = 1;
    assert_status(oclnn_deconv2d_output_shape(&d, &os), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("2^31");
    d = good; /* the columns of K * kh * kw channels pass 2^31 elements where the output does not */
    d.input = (oclnn_shape){1, 1, 2048, 2048}; /* output 64 x 2051^2, columns 64 x 16 x 2048^2 */
    d.out_channels = 64;
    d.kernel_h = d.kernel_w = 4;
    d.stride_h = d.stride_w = 1;
    d.algo = OCLNN_DECONV_ALGO_COL2IM;
    if (cfg->backend == OCLNN_BACKEND_OPENCL) {
        float *big = calloc(64 * 16, sizeof *big);
        assert_non_null(big);
        assert_status(oclnn_deconv2d_create(ctx, &d, big, NULL, &op), OCLNN_ERROR_UNSUPPORTED);
        assert_error_mentions("col2im");
        free(big);
    }
    /* run-time checks: shapes, aliasing, kinds */
    assert_ok(oclnn_deconv2d_create(ctx, &good, w, NULL, &op));
    assert_ok(oclnn_deconv2d_output_shape(&good, &os));
    oclnn_tensor *src, *dst, *wrong;
    assert_ok(oclnn_tensor_create(ctx, good.input, cfg->layout, &src));
    assert_ok(oclnn_tensor_create(ctx, os, cfg->layout, &dst));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 2, 5, 6}, cfg->layout, &wrong));
    assert_status(oclnn_deconv2d_run(op, src, wrong), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst shape");
    assert_status(oclnn_deconv2d_run(op, dst, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src shape");
    assert_status(oclnn_deconv2d_run(NULL, src, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("op is NULL");
    assert_status(oclnn_resize_run(op, src, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("another kind");
    assert_ok(oclnn_deconv2d_run(op, src, dst));
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(wrong);
    oclnn_op_destroy(op);
}

/* input -> deconv (2x2/2) -> relu (fused) -> resize (bilinear x2) -> deconv 4x4/2 p1 groups 2,
 * as a net against the reference executor. */
static void test_upsample_graph(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_INPUT;
    d.channels = 4;
    int id, in;
    assert_ok(oclnn_graph_add(g, "x", &d, NULL, 0, &in));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_DECONV;
    d.channels = 6;
    d.kernel_h = d.kernel_w = d.stride_h = d.stride_w = 2;
    d.bias = true;
    assert_ok(oclnn_graph_add(g, "up", &d, &in, 1, &id));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RELU;
    assert_ok(oclnn_graph_add(g, "relu", &d, &id, 1, &id));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RESIZE;
    d.resize_mode = OCLNN_RESIZE_BILINEAR;
    d.scale_h = d.scale_w = 2.0;
    assert_ok(oclnn_graph_add(g, "interp", &d, &id, 1, &id));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_DECONV;
    d.channels = 4;
    d.kernel_h = d.kernel_w = 4;
    d.stride_h = d.stride_w = 2;
    d.pad_h = d.pad_w = 1;
    d.groups = 2;
    assert_ok(oclnn_graph_add(g, "up2", &d, &id, 1, &id));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RESIZE;
    d.out_h = 9;
    d.out_w = 11;
    assert_ok(oclnn_graph_add(g, "shrink", &d, &id, 1, &id));
    assert_string_equal(oclnn_node_op_name(OCLNN_NODE_DECONV), "deconv");
    assert_string_equal(oclnn_node_op_name(OCLNN_NODE_RESIZE), "resize");
    assert_ok(oclnn_graph_init_random(g, 18));
    float *p;
    size_t count;
    assert_ok(oclnn_graph_param(g, "up.weight", &p, &count));
    assert_int_equal(count, 4 * 6 * 2 * 2); /* torch's (in, out / groups, kh, kw) */
    assert_ok(oclnn_graph_param(g, "up2.weight", &p, &count));
    assert_int_equal(count, 6 * 2 * 4 * 4);
    oclnn_shape input = {2, 4, 3, 5}, shapes[6];
    assert_ok(oclnn_graph_infer_shapes(g, input, shapes));
    assert_true(shapes[1].h == 6 && shapes[1].w == 10 && shapes[3].h == 12 && shapes[3].w == 20);
    assert_true(shapes[4].c == 4 && shapes[4].h == 24 && shapes[4].w == 40);
    assert_true(shapes[5].h == 9 && shapes[5].w == 11);
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, input, &net));
    float *x = alloc_random(shape_count(input), 5, -1, 1);
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    float *got = read_nchw(oclnn_net_output(net));
    float *ref = malloc(shape_count(shapes[5]) * sizeof *ref);
    assert_non_null(ref);
    assert_ok(oclnn__ref_net(g, input, x, ref));
    assert_close(got, ref, shape_count(shapes[5]), ATOL, RTOL, "deconv/resize graph");
    oclnn_net_layer_info li;
    assert_ok(oclnn_net_layer(net, 0, &li));
    assert_string_equal(li.op, "deconv+relu");
    free(x);
    free(got);
    free(ref);
    oclnn_net_destroy(net);
    /* node validation */
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_DECONV;
    d.channels = 3;
    d.groups = 2;
    assert_status(oclnn_graph_add(g, "bad", &d, &in, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("groups");
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RESIZE;
    d.out_h = 0;
    assert_status(oclnn_graph_add(g, "bad", &d, &in, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("scale or an output size");
    d.out_h = 3;
    d.align_corners = true;
    assert_status(oclnn_graph_add(g, "bad", &d, &in, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("align_corners");
    oclnn_graph_destroy(g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_deconv_golden),
        TEST_GPU_CFGS(test_deconv_golden),
        TEST_ALL_CFGS(test_deconv_shapes),
        TEST_GPU_CFGS(test_deconv_shapes),
        TEST_ALL_CFGS(test_deconv_errors),
        TEST_ALL_CFGS(test_upsample_graph),
        cmocka_unit_test(test_deconv_output_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
