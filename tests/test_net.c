/* SPDX-License-Identifier: MIT */
/* Whole networks end to end: ResNet-18 and GoogLeNet from torchvision (tools/golden/net.py) with
 * every weight set by oclnn's generator, in both backends and both layouts, against PyTorch's
 * float64 logits; plus fusion, concat-in-place and memory planning checks, repeat runs, compile
 * progress and compile errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fault.h"
#include "graph/fuse.h"
#include "ops/conv2d.h"
#include "tune/tune.h"
#include "support/harness.h"

#define MAX_FAULT_STEPS 120

/* PyTorch ran in float64; oclnn runs ~20 float32 layers (Winograd among them), each adding
 * relative error ~1e-6..1e-4 of the activations' magnitude. The logits reach |x| ~ 40, so errors
 * are measured against the output's largest magnitude: 2e-3 of it absolute, and 1e-2 relative. */
#define NET_ATOL_FRACTION 2e-3
#define NET_RTOL 1e-2

static const oclnn_shape INPUT = {2, 3, 64, 64};

static void run_golden(void **state, const char *name) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_graph *g;
    assert_ok(oclnn_graph_builtin(name, &g));
    assert_ok(oclnn_graph_init_random(g, 0));
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, INPUT, &net));
    oclnn_graph_destroy(g); /* the net does not need the graph */
    size_t in_n = (size_t)INPUT.n * INPUT.c * INPUT.h * INPUT.w;
    float *x = malloc(in_n * sizeof *x), *y = malloc(2000 * sizeof *y), *y2 = malloc(2000 * sizeof *y2);
    assert_ok(oclnn_random_uniform("input", 0, -1.0, 1.0, x, in_n));
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    oclnn_shape os = oclnn_tensor_shape(oclnn_net_output(net));
    assert_true(os.n == 2 && os.c == 1000 && os.h == 1 && os.w == 1);
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), y, OCLNN_LAYOUT_NCHW));
    char file[64];
    snprintf(file, sizeof file, "net_%s_n2h64w64.bin", name);
    size_t count = 0;
    float *ref = load_golden(file, &count);
    assert_non_null(ref);
    assert_int_equal(count, 2000);
    double scale = 0;
    for (size_t i = 0; i < count; i++) scale = fmax(scale, fabs(ref[i]));
    char problem[128];
    snprintf(problem, sizeof problem, "oclnn bench net %s --batch 2 --size 64 (%s)", name, TEST_CFG(state)->name);
    assert_close(y, ref, count, NET_ATOL_FRACTION * scale, NET_RTOL, problem);
    /* A second run (profiled) on the same input gives the same logits: no buffer is clobbered
     * between runs, and the input is not overwritten. */
    assert_ok(oclnn_net_run_profiled(net));
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), y2, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(y, y2, count * sizeof *y);
    /* Every layer has a name, an op, an algorithm and a time. */
    size_t layers = oclnn_net_layer_count(net);
    assert_true(layers > 10);
    bool residual = false, folded = false;
    double total = 0;
    for (size_t i = 0; i < layers; i++) {
        oclnn_net_layer_info li;
        assert_ok(oclnn_net_layer(net, i, &li));
        assert_true(strlen(li.name) > 0 && strlen(li.op) > 0);
        assert_true(li.ms >= 0);
        total += li.ms;
        residual |= !strcmp(li.op, "conv+bn+add+relu");
        folded |= !strcmp(li.op, "conv+bn+relu");
        assert_true(strcmp(li.op, "batchnorm") && strcmp(li.op, "relu")); /* all fused away */
        if (!strcmp(name, "googlenet")) assert_string_not_equal(li.op, "concat"); /* all in place */
    }
    assert_true(total > 0);
    assert_true(folded);
    assert_true(residual == !strcmp(name, "resnet18"));
    oclnn_net_layer_info li;
    assert_status(oclnn_net_layer(net, layers, &li), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("layer count");
    /* Memory: buffers shared by lifetime stay close to the live lower bound. */
    oclnn_net_memory_info mem;
    assert_ok(oclnn_net_memory(net, &mem));
    assert_true(mem.activations >= mem.activations_live);
    assert_true(mem.activations <= 3 * mem.activations_live / 2);
    assert_true(mem.peak == mem.activations + mem.io + mem.weights + mem.workspace);
    assert_true(mem.weights > 4000000);
    free(ref);
    free(x);
    free(y);
    free(y2);
    oclnn_net_destroy(net);
}

static void test_resnet18(void **state) { run_golden(state, "resnet18"); }
static void test_googlenet(void **state) { run_golden(state, "googlenet"); }

static void test_net_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_graph *g;
    assert_ok(oclnn_graph_builtin("googlenet", &g));
    oclnn_net *net = (oclnn_net *)g; /* garbage that must be replaced by NULL */
    assert_status(oclnn_net_create(ctx, g, (oclnn_shape){1, 3, 8, 8}, &net), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("oclnn_net_create: node \"maxpool2\"");
    assert_null(net);
    assert_status(oclnn_net_create(ctx, g, (oclnn_shape){1, 1, 64, 64}, &net), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("1 channels");
    assert_status(oclnn_net_create(NULL, g, INPUT, &net), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("ctx");
    assert_status(oclnn_net_create(ctx, NULL, INPUT, &net), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("g is NULL");
    assert_status(oclnn_net_run(NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_null(oclnn_net_input(NULL));
    assert_int_equal(oclnn_net_layer_count(NULL), 0);
    oclnn_net_destroy(NULL);
    oclnn_graph_destroy(g);
}

/* A hand-built graph exercising what the networks do not: a standalone batch norm, ReLU and
 * add, average pooling, a nested concat, an input read twice by a concat (copied), softmax. */
static oclnn_graph *small_graph(void) {
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    int x, a, b, c, e, cat1, cat2;
    d.op = OCLNN_NODE_INPUT;
    d.channels = 3;
    assert_ok(oclnn_graph_add(g, "input", &d, NULL, 0, &x));
    d.op = OCLNN_NODE_BATCHNORM;
    assert_ok(oclnn_graph_add(g, "bn", &d, &x, 1, &a));
    d.op = OCLNN_NODE_RELU;
    assert_ok(oclnn_graph_add(g, "relu", &d, &a, 1, &b));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_AVG_POOL;
    d.kernel_h = d.kernel_w = 3;
    d.stride_h = d.stride_w = 1;
    d.pad_h = d.pad_w = 1;
    d.count_include_pad = false;
    assert_ok(oclnn_graph_add(g, "avg", &d, &x, 1, &c));
    int pair[2] = {b, c};
    d.op = OCLNN_NODE_ADD;
    assert_ok(oclnn_graph_add(g, "add", &d, pair, 2, &e));
    int in1[3] = {e, x, b};
    d.op = OCLNN_NODE_CONCAT;
    assert_ok(oclnn_graph_add(g, "cat1", &d, in1, 3, &cat1));
    int in2[2] = {cat1, c};
    assert_ok(oclnn_graph_add(g, "cat2", &d, in2, 2, &cat2));
    d.op = OCLNN_NODE_SOFTMAX;
    assert_ok(oclnn_graph_add(g, "softmax", &d, &cat2, 1, NULL));
    assert_ok(oclnn_graph_init_random(g, 3));
    return g;
}

static void test_small_graph(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_graph *g = small_graph();
    oclnn_shape s = {2, 3, 5, 6};
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, s, &net));
    size_t n = 2 * 3 * 5 * 6, hw = 30;
    float *in = alloc_random(n, 11, -2, 2), *out = malloc(5 * n * sizeof *out), *ref = malloc(5 * n * sizeof *ref);
    assert_ok(oclnn_tensor_write(oclnn_net_input(net), in, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(net));
    assert_ok(oclnn_tensor_read(oclnn_net_output(net), out, OCLNN_LAYOUT_NCHW));
    /* The same computation in plain double loops. */
    float *gm, *bt, *mu, *var;
    size_t cnt;
    assert_ok(oclnn_graph_param(g, "bn.weight", &gm, &cnt));
    assert_ok(oclnn_graph_param(g, "bn.bias", &bt, &cnt));
    assert_ok(oclnn_graph_param(g, "bn.running_mean", &mu, &cnt));
    assert_ok(oclnn_graph_param(g, "bn.running_var", &var, &cnt));
    for (size_t i = 0; i < 2; i++) {
        double cat[15][30];
        for (size_t ch = 0; ch < 3; ch++)
            for (size_t y = 0; y < 5; y++)
                for (size_t xx = 0; xx < 6; xx++) {
                    const float *p = in + (i * 3 + ch) * hw;
                    double v = p[y * 6 + xx];
                    double r = fmax(0, (v - mu[ch]) / sqrt(var[ch] + 1e-5) * gm[ch] + bt[ch]);
                    double sum = 0;
                    int k = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++) {
                            int yy = (int)y + dy, xq = (int)xx + dx;
                            if (yy < 0 || yy >= 5 || xq < 0 || xq >= 6) continue;
                            sum += p[yy * 6 + xq];
                            k++;
                        }
                    double avg = sum / k;
                    size_t o = y * 6 + xx;
                    cat[ch][o] = r + avg;
                    cat[3 + ch][o] = v;
                    cat[6 + ch][o] = r;
                    cat[9 + ch][o] = avg;
                }
        for (size_t o = 0; o < hw; o++) {
            double m = -INFINITY, z = 0;
            for (size_t ch = 0; ch < 12; ch++) m = fmax(m, cat[ch][o]);
            for (size_t ch = 0; ch < 12; ch++) z += exp(cat[ch][o] - m);
            for (size_t ch = 0; ch < 12; ch++) ref[(i * 12 + ch) * hw + o] = (float)(exp(cat[ch][o] - m) / z);
        }
    }
    assert_close(out, ref, 2 * 12 * hw, 1e-5, 1e-4, "small graph");
    /* cat1 copies x and b (both read elsewhere) while add writes its slice in place; cat2 copies
     * avg (also read by add) while cat1 is itself a view of cat2: two concat layers remain. */
    size_t concats = 0;
    for (size_t i = 0; i < oclnn_net_layer_count(net); i++) {
        oclnn_net_layer_info li;
        assert_ok(oclnn_net_layer(net, i, &li));
        concats += !strcmp(li.op, "concat");
    }
    assert_int_equal(concats, 2);
    assert_status(oclnn_net_layer(net, 0, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("info is NULL");
    assert_status(oclnn_net_memory(net, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("info is NULL");
    free(in);
    free(out);
    free(ref);
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
}

/* oclnn_net_create_progress reports each compiled node in order, ending at the total. */
typedef struct progress_log {
    size_t calls, last_done, total;
    bool ordered, named;
} progress_log;

static void record_progress(void *user, size_t done, size_t total, const char *what) {
    progress_log *p = user;
    p->ordered = p->ordered && done > p->last_done && done <= total && (!p->calls || total == p->total);
    p->named = p->named && what && *what;
    p->calls++;
    p->last_done = done;
    p->total = total;
}

static void test_net_progress(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_graph *g = small_graph();
    oclnn_net *net;
    progress_log log = {0, 0, 0, true, true};
    assert_ok(oclnn_net_create_progress(ctx, g, (oclnn_shape){1, 3, 5, 6}, record_progress, &log, &net));
    assert_true(log.ordered);
    assert_true(log.named);
    assert_true(log.calls >= 2);
    assert_int_equal(log.last_done, log.total);
    assert_int_equal(log.total, oclnn_graph_node_count(g) - 1); /* every node but the input */
    oclnn_net_destroy(net);
    assert_ok(oclnn_net_create_progress(ctx, g, (oclnn_shape){1, 3, 5, 6}, NULL, NULL, &net));
    oclnn_net_destroy(net);
    assert_status(oclnn_net_create_progress(ctx, g, (oclnn_shape){1, 1, 5, 6}, record_progress, &log, &net),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("oclnn_net_create_progress: ");
    oclnn_graph_destroy(g);
}

/* Every host and device allocation of a compile fails in turn: each failure is a clean
 * out-of-memory status with a message and no net, nothing leaks (the sanitizer and valgrind runs
 * check), and the context still compiles and runs the net afterwards. */
static void test_net_faults(void **state) {
#if OCLNN__FAULT_INJECTION_ENABLED
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_graph *g = small_graph();
    oclnn_shape s = {2, 3, 5, 6};
    for (int kind = 0; kind < 2; kind++) {
        int failures = 0;
        for (unsigned long n = 1; n <= MAX_FAULT_STEPS; n++) {
            oclnn_net *net = (oclnn_net *)g;
            oclnn__fault_arm((oclnn__fault_kind)kind, n, false);
            oclnn_status st = oclnn_net_create(ctx, g, s, &net);
            oclnn__fault_arm((oclnn__fault_kind)kind, 0, false);
            if (st == OCLNN_OK) {
                oclnn_net_destroy(net);
                continue;
            }
            failures++;
            if (st != OCLNN_ERROR_OUT_OF_MEMORY && st != OCLNN_ERROR_DEVICE_OUT_OF_MEMORY)
                fail_msg("allocation %lu (%s): status %d: %s", n, kind ? "device" : "host", (int)st, oclnn_last_error());
            assert_null(net);
            assert_error_mentions("oclnn_net_create: ");
            /* named once: the nested public call (tensor, conv, pool, ...) adds no name of its own */
            if (strstr(oclnn_last_error() + strlen("oclnn_net_create: "), "oclnn_"))
                fail_msg("named twice: %s", oclnn_last_error());
        }
        assert_true(failures > 0 || kind == 1); /* the C backend's device memory is host memory */
    }
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, s, &net));
    assert_ok(oclnn_net_run(net));
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
#else
    (void)state;
    skip();
#endif
}

/* conv -> bn -> relu -> conv -> bn -> add -> relu -> conv(bias) -> relu: every fusion kind. */
static oclnn_graph *fused_graph(void) {
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    int x, c1, b1, r1, c2, b2, add, r2, c3;
    d.op = OCLNN_NODE_INPUT;
    d.channels = 16;
    assert_ok(oclnn_graph_add(g, "input", &d, NULL, 0, &x));
    oclnn_node_desc conv = oclnn_node_desc_default();
    conv.op = OCLNN_NODE_CONV;
    conv.channels = 16;
    conv.kernel_h = conv.kernel_w = 3;
    conv.pad_h = conv.pad_w = 1;
    oclnn_node_desc bn = oclnn_node_desc_default(), relu = oclnn_node_desc_default();
    bn.op = OCLNN_NODE_BATCHNORM;
    relu.op = OCLNN_NODE_RELU;
    assert_ok(oclnn_graph_add(g, "conv1", &conv, &x, 1, &c1));
    assert_ok(oclnn_graph_add(g, "bn1", &bn, &c1, 1, &b1));
    assert_ok(oclnn_graph_add(g, "relu1", &relu, &b1, 1, &r1));
    assert_ok(oclnn_graph_add(g, "conv2", &conv, &r1, 1, &c2));
    assert_ok(oclnn_graph_add(g, "bn2", &bn, &c2, 1, &b2));
    oclnn_node_desc a = oclnn_node_desc_default();
    a.op = OCLNN_NODE_ADD;
    int pair[2] = {b2, r1};
    assert_ok(oclnn_graph_add(g, "add", &a, pair, 2, &add));
    assert_ok(oclnn_graph_add(g, "relu2", &relu, &add, 1, &r2));
    conv.kernel_h = conv.kernel_w = 1;
    conv.pad_h = conv.pad_w = 0;
    conv.bias = true;
    assert_ok(oclnn_graph_add(g, "conv3", &conv, &r2, 1, &c3));
    assert_ok(oclnn_graph_add(g, "relu3", &relu, &c3, 1, NULL));
    assert_ok(oclnn_graph_init_random(g, 5));
    return g;
}

/* Checks every conv layer of a net compiled from g: its fusion matches the descriptor of
 * oclnn__graph_conv_descs and its algorithm is want[node] (the node's name gives its index). */
static void check_conv_layers(oclnn_context *ctx, oclnn_graph *g, oclnn_shape in,
                              const oclnn_conv2d_desc *descs, const oclnn_conv_algo *want) {
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, in, &net));
    size_t fused = 0, n = oclnn_graph_node_count(g);
    for (size_t k = 0; k < oclnn_net_layer_count(net); k++) {
        oclnn_net_layer_info li;
        assert_ok(oclnn_net_layer(net, k, &li));
        if (strncmp(li.op, "conv", 4)) continue;
        size_t i = 0;
        oclnn_node_info ni;
        for (; i < n; i++) {
            assert_ok(oclnn_graph_node(g, (int)i, &ni));
            if (!strcmp(ni.name, li.name)) break;
        }
        assert_true(i < n);
        assert_int_equal(descs[i].fuse_residual, strstr(li.op, "+add") != NULL);
        assert_int_equal(descs[i].activation == OCLNN_ACTIVATION_RELU, strstr(li.op, "+relu") != NULL);
        assert_int_equal(descs[i].has_bias, true);
        fused += descs[i].fuse_residual || descs[i].activation == OCLNN_ACTIVATION_RELU;
        assert_string_equal(li.algo, oclnn_conv_algo_name(want[i]));
    }
    assert_int_equal(fused, 3);
    oclnn_net_destroy(net);
}

/* `oclnn bench net --find`, then a plain run: the fused convolutions run the algorithms find
 * chose, on a context of its own (find's results stay in its tuning state). Then each problem's
 * recorded result is replaced by "direct" (never the heuristic for these dense convolutions):
 * a recompiled net follows it, so the match above is not the heuristic agreeing by chance. */
static void test_find_then_run(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    o.tuning_db = "none";
    oclnn_context *ctx;
    assert_ok(oclnn_context_create(&o, &ctx));
    oclnn_graph *g = fused_graph();
    oclnn_shape in = {1, 16, 8, 8};
    size_t n = oclnn_graph_node_count(g);
    oclnn_conv2d_desc *descs = malloc(n * sizeof *descs);
    oclnn_conv_algo *want = calloc(n, sizeof *want);
    char (*keys)[OCLNN__CONV2D_PROBLEM_MAX] = calloc(n, sizeof *keys);
    assert_ok(oclnn__graph_conv_descs(g, in, descs));
    for (size_t i = 0; i < n; i++) {
        if (!descs[i].out_channels) continue;
        oclnn__conv2d_problem pb;
        assert_ok(oclnn__conv2d_resolve(&descs[i], &pb));
        oclnn__conv2d_problem_str(&pb, keys[i], sizeof keys[i]);
        oclnn_conv2d_perf best;
        size_t count;
        assert_ok(oclnn_conv2d_find(ctx, &descs[i], &best, 1, &count));
        /* one problem, one result: conv1 and conv2 share theirs, and the last find stands */
        for (size_t j = 0; j <= i; j++)
            if (!strcmp(keys[j], keys[i])) want[j] = best.algo;
    }
    check_conv_layers(ctx, g, in, descs, want);
    for (size_t i = 0; i < n; i++) {
        if (!descs[i].out_channels) continue;
        oclnn__conv2d_problem pb;
        assert_ok(oclnn__conv2d_resolve(&descs[i], &pb));
        const char *key = keys[i];
        assert_int_not_equal(oclnn__conv2d_choose(&pb, &(oclnn__conv2d_caps){OCLNN_BACKEND_CPU, false, OCLNN__DEVCLASS_CPU}),
                             OCLNN_CONV_ALGO_DIRECT);
        oclnn__tune_values v = {{OCLNN_CONV_ALGO_DIRECT}};
        assert_ok(oclnn__tune_record(ctx, &oclnn__tune_space_conv_algo, key, &v, 1.0));
        want[i] = OCLNN_CONV_ALGO_DIRECT;
    }
    check_conv_layers(ctx, g, in, descs, want);
    free(keys);
    free(descs);
    free(want);
    oclnn_graph_destroy(g);
    oclnn_context_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_resnet18),
        TEST_ALL_CFGS(test_googlenet),
        TEST_ALL_CFGS(test_small_graph),
        TEST_ALL_CFGS(test_net_errors),
        TEST_ALL_CFGS(test_net_progress),
        TEST_ALL_CFGS(test_net_faults),
        cmocka_unit_test(test_find_then_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
