/* SPDX-License-Identifier: MIT */
/* `oclnn bench net NAME`: compiles a built-in network for the device, times whole runs (median),
 * profiles one run layer by layer, reports memory, and with --verify compares the output with
 * the reference executor (double accumulation, unfused). --input/--output exchange .npy files
 * with PyTorch (tools/export_weights.py writes matching ones). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "graph/fuse.h"
#include "npy.h"
#include "ref/ref_net.h"

/* Same bound as tests/test_net.c: float32 through tens of layers against a double reference. */
#define VERIFY_ATOL_FRACTION 2e-3

typedef struct net_args {
    const char *name, *weights, *input, *output;
    uint32_t batch, h, w, frames;
    uint64_t seed;
    bool find, save, size_given, batch_given;
} net_args;

static bool is_onnx(const char *name) {
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".onnx");
}

/* --batch N */
static const char *opt_batch(const char *v, void *dst) {
    net_args *a = dst;
    if (opt_count(v, &a->batch)) return "a whole number from 1 to 4294967295";
    a->batch_given = true;
    return NULL;
}

/* --size H or H,W */
static const char *opt_size(const char *v, void *dst) {
    net_args *a = dst;
    uint32_t hw[2];
    if (opt_pair(v, hw)) return "H or H,W, each at least 1";
    a->h = hw[0], a->w = hw[1], a->size_given = true;
    return NULL;
}

static int parse(int argc, char **argv, net_args *a, bench_common *c) {
    memset(a, 0, sizeof *a);
    a->batch = 1;
    a->h = a->w = 224;
    a->frames = 16;
    char about[896];
    int len = snprintf(about, sizeof about, "Compiles a built-in network for the device, times whole runs (median), "
                       "profiles one run\nlayer by layer and reports memory. NAME is an ONNX model file (*.onnx) or one of:");
    for (const char *const *n = oclnn_graph_builtin_names(); *n && len > 0 && (size_t)len < sizeof about; n++)
        len += snprintf(about + len, sizeof about - (size_t)len, " %s", *n);
    for (const char *const *n = oclnn_detector_names(); *n && len > 0 && (size_t)len < sizeof about; n++)
        len += snprintf(about + len, sizeof about - (size_t)len, " %s", *n); /* per-stage profile */
    for (const char *const *n = oclnn_video_net_names(); *n && len > 0 && (size_t)len < sizeof about; n++)
        len += snprintf(about + len, sizeof about - (size_t)len, " %s", *n); /* whole runs of a clip */
    const tool_opt opts[] = {
        {"batch", "N", "images per run (default 1, or the ONNX model's; --input sets it)", opt_batch, a},
        {"size", "H[,W]", "input size (default 224, inception_v3 299; --input sets it)", opt_size, a},
        {"weights", "FILE", "PyTorch state_dict in .safetensors (tools/export_weights.py); default: seeded",
         opt_string, &a->weights},
        {"seed", "S", "seed of the generated weights and input (default 0)", opt_u64, &a->seed},
        {"frames", "T", "video nets: frames per clip (default 16; --size defaults to 112)", opt_count, &a->frames},
        {"input", "FILE", "input as float32 (N,3,H,W) .npy (default: seeded uniform [-1, 1))", opt_string,
         &a->input},
        {"output", "FILE", "write the output (N,classes) as .npy", opt_string, &a->output},
        {"find", NULL, "time every convolution algorithm per layer first (oclnn_conv2d_find)", NULL, &a->find},
        {"save", NULL, "with --find: save the results to the tuning database (OCLNN_TUNING_DB, else the "
                       "device's default file), for later runs", NULL, &a->save},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"bench net", "NAME|MODEL.onnx", about, opts, NULL, 1, 1};
    const char *args[1];
    int n_args;
    int rc = bench_parse(&cmd, c, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc;
    a->name = args[0];
    if (a->save && !a->find) return tool_usage_error(&cmd, "--save needs --find");
    if (!a->size_given && !strcmp(a->name, "inception_v3")) a->h = a->w = 299; /* its size */
    if (is_onnx(a->name) && a->weights) return tool_usage_error(&cmd, "--weights is for built-in nets (an ONNX model has its own)");
    return TOOL_OK;
}

/* Runs oclnn_conv2d_find on every convolution of g with the descriptor the compiled network
 * creates (fused bias, residual and ReLU included: src/graph/fuse.h), so the compile that follows
 * picks the fastest algorithm of each (the context's tuning state records them). */
static bool find_convs(oclnn_context *ctx, oclnn_graph *g, oclnn_shape input) {
    size_t n = oclnn_graph_node_count(g);
    oclnn_conv2d_desc *descs = malloc(n * sizeof *descs);
    bool ok = descs && oclnn__graph_conv_descs(g, input, descs) == OCLNN_OK;
    for (size_t i = 0; i < n && ok; i++) {
        if (!descs[i].out_channels) continue;
        oclnn_node_info ni;
        oclnn_graph_node(g, (int)i, &ni);
        size_t count;
        oclnn_conv2d_perf best;
        ok = oclnn_conv2d_find(ctx, &descs[i], &best, 1, &count) == OCLNN_OK;
        if (ok) fprintf(stderr, "find: %-28s %-10s %8.3f ms\n", ni.name, oclnn_conv_algo_name(best.algo), best.ms);
    }
    if (!ok) fprintf(stderr, "oclnn bench net: %s\n", descs ? oclnn_last_error() : "out of memory");
    free(descs);
    return ok;
}

static oclnn_status run_net(void *arg) { return oclnn_net_run(arg); }

static void show_progress(void *user, size_t done, size_t total, const char *what) {
    tool_progress_show(user, done, total, what);
}

static size_t elems(oclnn_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

static void print_layers(const bench_common *c, oclnn_net *net, double total_ms) {
    size_t n = oclnn_net_layer_count(net);
    if (!c->json) printf("%-28s %-18s %-18s %-12s %9s %9s %6s\n", "layer", "op", "output", "algo", "ms", "GFLOP/s", "share");
    for (size_t i = 0; i < n; i++) {
        oclnn_net_layer_info li;
        oclnn_net_layer(net, i, &li);
        char shape[64];
        snprintf(shape, sizeof shape, "n%uc%uh%uw%u", li.shape.n, li.shape.c, li.shape.h, li.shape.w);
        double gflops = li.flops > 0 && li.ms > 0 ? li.flops / li.ms / 1e6 : -1;
        if (c->json) {
            printf("%s\n    {\"name\": ", i ? "," : "");
            json_string(stdout, li.name);
            printf(", \"op\": ");
            json_string(stdout, li.op);
            printf(", \"algo\": ");
            json_string(stdout, li.algo);
            printf(", \"shape\": [%u, %u, %u, %u], \"ms\": %.4f", li.shape.n, li.shape.c, li.shape.h, li.shape.w,
                   li.ms);
            if (gflops >= 0) printf(", \"gflops\": %.2f", gflops);
            printf("}");
        } else {
            printf("%-28s %-18s %-18s %-12s %9.3f ", li.name, li.op, shape, li.algo, li.ms);
            if (gflops >= 0) printf("%9.1f", gflops);
            else printf("%9s", "-");
            printf(" %5.1f%%\n", total_ms > 0 ? 100.0 * li.ms / total_ms : 0.0);
        }
    }
}

/* What a run measured, for print_report. */
typedef struct net_report {
    oclnn_shape shape;
    double median, max_abs, max_rel, scale;
    bool ok;
    size_t unused; /* tensors in the weights file the net did not use */
} net_report;

/* The per-layer table and the summary (text or JSON) on stdout. */
static void print_report(const net_args *a, const bench_common *c, oclnn_context *ctx, const oclnn_device_info *dev,
                         oclnn_net *net, const net_report *r) {
    double total = 0, gflop = 0;
    for (size_t i = 0; i < oclnn_net_layer_count(net); i++) {
        oclnn_net_layer_info li;
        oclnn_net_layer(net, i, &li);
        total += li.ms;
        gflop += li.flops / 1e9;
    }
    oclnn_net_memory_info mem;
    oclnn_net_memory(net, &mem);
    double ips = r->shape.n / (r->median / 1e3);
    if (c->json) {
        printf("{\"net\": ");
        json_string(stdout, a->name);
        printf(", \"batch\": %u, \"input\": [%u, %u, %u, %u], \"device\": ", r->shape.n, r->shape.n, r->shape.c, r->shape.h, r->shape.w);
        json_string(stdout, dev->name);
        printf(", \"backend\": \"%s\", \"layout\": \"%s\", \"weights\": ", dev->backend == OCLNN_BACKEND_CPU ? "cpu" : "opencl",
               layout_name(oclnn_context_layout(ctx)));
        json_string(stdout, a->weights ? a->weights : is_onnx(a->name) ? "model" : "random");
        printf(", \"iters\": %d, \"median_ms\": %.4f, \"images_per_s\": %.3f, \"gflop\": %.4f, \"gflops\": %.2f, "
               "\"peak_device_bytes\": %zu, \"memory\": {\"activations\": %zu, \"activations_live\": %zu, \"io\": %zu, "
               "\"weights\": %zu, \"workspace\": %zu}, \"profiled_total_ms\": %.4f",
               c->iters, r->median, ips, gflop, gflop / (r->median / 1e3), mem.peak, mem.activations, mem.activations_live,
               mem.io, mem.weights, mem.workspace, total);
        if (c->verify)
            printf(", \"max_abs_err\": %.3g, \"max_rel_err\": %.3g, \"ok\": %s", r->max_abs, r->max_rel, r->ok ? "true" : "false");
        printf(", \"layers\": [");
        print_layers(c, net, total);
        printf("\n  ]}\n");
    } else {
        print_layers(c, net, total);
        printf("\n%s on %s (%s), input n%uc%uh%uw%u, weights %s\n", a->name, dev->name, layout_name(oclnn_context_layout(ctx)),
               r->shape.n, r->shape.c, r->shape.h, r->shape.w,
               a->weights ? a->weights : is_onnx(a->name) ? "from the model" : "random (seeded)");
        printf("latency     %.3f ms median of %d runs (%.3f ms summed over layers when profiled)\n", r->median, c->iters,
               total);
        printf("throughput  %.2f images/s, %.1f GFLOP/s (%.3f GFLOP per run)\n", ips, gflop / (r->median / 1e3), gflop);
        printf("memory      %.1f MiB peak: activations %.1f MiB (live lower bound %.1f), input+output %.1f, "
               "weights %.1f, workspace %.1f\n",
               mem.peak / 1048576.0, mem.activations / 1048576.0, mem.activations_live / 1048576.0, mem.io / 1048576.0,
               mem.weights / 1048576.0, mem.workspace / 1048576.0);
        if (a->weights && r->unused) printf("weights     %zu tensors in the file are not used by the net\n", r->unused);
        if (c->verify)
            printf("verify      max abs error %.3g (bound %.3g = %g x max|ref| %.3g), max rel error %.3g: %s\n", r->max_abs,
                   VERIFY_ATOL_FRACTION * r->scale, VERIFY_ATOL_FRACTION, r->scale, r->max_rel, r->ok ? "ok" : "MISMATCH");
    }
}

int bench_net(int argc, char **argv) {
    net_args a;
    bench_common c;
    int rc = parse(argc, argv, &a, &c);
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;
    rc = TOOL_FAIL;
    oclnn_graph *g = NULL;
    oclnn_context *ctx = NULL;
    oclnn_net *net = NULL;
    float *x = NULL, *y = NULL, *ref = NULL;
    npy_array in = {0};
    char err[512];
    oclnn_shape model = {0, 3, 0, 0}; /* an ONNX model's input; 0: chosen here */
    size_t unused = 0;
    if (bench_is_video(a.name)) /* a clip of --batch x 3 x --frames x --size (default 1x3x16x112x112) */
        return bench_video(a.name, a.weights, a.seed, a.batch, a.frames, a.size_given ? a.h : 112,
                           a.size_given ? a.w : 112, &c);
    if (bench_is_detector(a.name)) /* an image of --size (default 480x640) */
        return bench_detector(a.name, a.weights, a.seed, a.size_given ? a.h : 480, a.size_given ? a.w : 640, &c);
    if (is_onnx(a.name)) {
        if (oclnn_graph_load_onnx(a.name, &g, &model)) {
            fprintf(stderr, "oclnn bench net: %s\n", oclnn_last_error());
            goto done;
        }
    } else if (oclnn_graph_builtin(a.name, &g) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench net: %s\n", oclnn_last_error());
        return TOOL_USAGE;
    } else if (a.weights ? oclnn_graph_load_safetensors(g, a.weights, &unused) : oclnn_graph_init_random(g, a.seed)) {
        fprintf(stderr, "oclnn bench net: %s\n", oclnn_last_error());
        goto done;
    }
    if ((model.n && a.batch_given && a.batch != model.n) || (model.h && a.size_given && (a.h != model.h || a.w != model.w))) {
        fprintf(stderr, "oclnn bench net: the model fixes its input to n%uc%uh%uw%u (0: free)\n", model.n, model.c, model.h,
                model.w);
        goto done;
    }
    oclnn_shape shape = {model.n ? model.n : a.batch, model.c, model.h ? model.h : a.h, model.w ? model.w : a.w};
    if (a.input) {
        if (!npy_read(a.input, &in, err, sizeof err)) {
            fprintf(stderr, "oclnn bench net: %s\n", err);
            goto done;
        }
        oclnn_node_info in0; /* issue 19: a 5-D input's depth */
        if (!npy_fold4(&in, oclnn_graph_node(g, 0, &in0) == OCLNN_OK ? in0.desc.depth : 0) ||
            in.ndim != 4 || in.shape[1] != model.c || !in.shape[0] || !in.shape[2] || !in.shape[3] ||
            in.shape[0] > 65535 || in.shape[2] > 65535 || in.shape[3] > 65535 || (model.n && in.shape[0] != model.n) ||
            (model.h && in.shape[2] != model.h) || (model.w && in.shape[3] != model.w)) {
            fprintf(stderr, "oclnn bench net: %s must hold an (N, %u, H, W) array the model accepts\n", a.input, model.c);
            goto done;
        }
        shape = (oclnn_shape){(uint32_t)in.shape[0], model.c, (uint32_t)in.shape[2], (uint32_t)in.shape[3]};
        x = in.data;
        in.data = NULL;
    } else {
        x = malloc(elems(shape) * sizeof *x);
        if (!x || oclnn_random_uniform("input", a.seed, -1.0, 1.0, x, elems(shape))) {
            fprintf(stderr, "oclnn bench net: out of memory\n");
            goto done;
        }
    }
    if (!(ctx = bench_context(&c))) goto done;
    oclnn_device_info dev;
    oclnn_context_device(ctx, &dev);
    if (a.find && !find_convs(ctx, g, shape)) goto done;
    if (a.save && !bench_save_tuning(ctx)) goto done;
    fprintf(stderr, "compiling %s for n%uc%uh%uw%u on %s...\n", a.name, shape.n, shape.c, shape.h, shape.w, dev.name);
    char label[96];
    snprintf(label, sizeof label, "compiling %s: node", a.name);
    tool_progress progress;
    tool_progress_init(&progress, label);
    if (oclnn_net_create_progress(ctx, g, shape, show_progress, &progress, &net) ||
        oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW)) {
        fprintf(stderr, "oclnn bench net: %s\n", oclnn_last_error());
        goto done;
    }
    double median = bench_time(ctx, &c, run_net, net);
    if (median < 0) goto done;
    if (oclnn_net_run_profiled(net)) {
        fprintf(stderr, "oclnn bench net: %s\n", oclnn_last_error());
        goto done;
    }
    oclnn_shape os = oclnn_tensor_shape(oclnn_net_output(net));
    size_t on = elems(os);
    y = malloc(on * sizeof *y);
    if (!y || oclnn_tensor_read(oclnn_net_output(net), y, OCLNN_LAYOUT_NCHW)) {
        fprintf(stderr, "oclnn bench net: %s\n", y ? oclnn_last_error() : "out of memory");
        goto done;
    }
    if (a.output) {
        uint64_t dims[4] = {os.n, os.c, os.h, os.w};
        if (!npy_write(a.output, y, os.h == 1 && os.w == 1 ? 2 : 4, dims, err, sizeof err)) {
            fprintf(stderr, "oclnn bench net: %s\n", err);
            goto done;
        }
    }
    double max_abs = 0, max_rel = 0, scale = 0;
    bool ok = true;
    if (c.verify) {
        fprintf(stderr, "verifying with the reference executor...\n");
        ref = malloc(on * sizeof *ref);
        if (!ref || oclnn__ref_net(g, shape, x, ref)) {
            fprintf(stderr, "oclnn bench net: reference run failed: %s\n", ref ? oclnn_last_error() : "out of memory");
            goto done;
        }
        bench_errors(y, ref, on, &max_abs, &max_rel);
        for (size_t i = 0; i < on; i++) scale = fmax(scale, fabs(ref[i]));
        ok = max_abs <= VERIFY_ATOL_FRACTION * scale;
    }
    net_report rep = {shape, median, max_abs, max_rel, scale, ok, unused};
    print_report(&a, &c, ctx, &dev, net, &rep);
    rc = ok ? TOOL_OK : TOOL_FAIL;
done:
    oclnn_net_destroy(net);
    oclnn_context_destroy(ctx);
    oclnn_graph_destroy(g);
    free(x);
    free(y);
    free(ref);
    free(in.data);
    return rc;
}
