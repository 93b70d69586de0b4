/* SPDX-License-Identifier: MIT */
/* `oclnn bench <op> ...`: the table of bench subcommands and the shared option handling, timing
 * and output (see bench.h for the conventions). */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "core/clock.h"
#include "core/context.h"
#include "tune/job.h"

typedef struct bench_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} bench_command;

static const bench_command commands[] = {
    /* one row per op; keep alphabetical */
    {"add", bench_add, "residual add (+ ReLU)"},
    {"bn", bench_bn, "batch normalization (inference or training)"},
    {"concat", bench_concat, "explicit depth concat"},
    {"conv", cmd_bench_conv, "2-D convolution: every algorithm, GFLOP/s, --verify"},
    {"conv1d", bench_conv1d, "1-D convolution (the 2-D one with a 1 x k window)"},
    {"conv3d", bench_conv3d, "3-D convolution: direct and im2col, GFLOP/s, --verify"},
    {"fc", bench_fc, "fully connected"},
    {"lrn", bench_lrn, "local response normalization across channels"},
    {"net", bench_net, "a built-in network (layer by layer), an ONNX model, a detector or a video net"},
    {"nms", bench_nms, "non-maximum suppression (plain or per-class)"},
    {"pool", bench_pool, "max, average or global average pooling"},
    {"roi_align", bench_roi_align, "RoIAlign (Mask R-CNN)"},
    {"roi_pool", bench_roi_pool, "RoI max pooling (Fast R-CNN)"},
    {"softmax", bench_softmax, "softmax over channels"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f) {
    fprintf(f, "usage: oclnn bench <op> [arguments] [options]\n\nops:\n");
    for (size_t i = 0; commands[i].name; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`oclnn bench <op> --help` lists an op's arguments. Every op takes these common options:\n");
    bench_common c;
    tool_opt rows[BENCH_COMMON_ROWS];
    bench_common_init(&c);
    bench_common_opts(&c, rows);
    tool_print_opts(f, rows);
    fprintf(f, "  %-20s %s\n", "--help", "print this, or with an op, the op's arguments");
}

int cmd_bench(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "oclnn bench: which op?\n\n");
        usage(stderr);
        return TOOL_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return TOOL_OK;
    }
    for (size_t i = 0; commands[i].name; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "oclnn bench: unknown %s \"%s\" (see `oclnn bench --help`)\n",
            argv[1][0] == '-' ? "option" : "op", argv[1]);
    return TOOL_USAGE;
}

void bench_common_init(bench_common *c) {
    memset(c, 0, sizeof *c);
    c->layout = OCLNN_LAYOUT_AUTO;
    c->iters = 10;
    c->warmup = 2;
}

static const char *parse_runs(const char *v, int lo, int *out) {
    char *end;
    long x = strtol(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || x < lo || x > 1000000)
        return lo ? "a whole number from 1 to 1000000" : "a whole number from 0 to 1000000";
    *out = (int)x;
    return NULL;
}
static const char *opt_iters(const char *v, void *dst) { return parse_runs(v, 1, dst); }
static const char *opt_warmup(const char *v, void *dst) { return parse_runs(v, 0, dst); }
static const char *opt_threads(const char *v, void *dst) {
    char *end;
    long x = strtol(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || x < 1 || x > 1024) return "a whole number from 1 to 1024";
    *(int *)dst = (int)x;
    return NULL;
}

void bench_common_opts(bench_common *c, tool_opt rows[BENCH_COMMON_ROWS]) {
    const tool_opt t[BENCH_COMMON_ROWS] = {
        {"device", "D", "\"cpu\", \"P:D\" or a name substring (default: OCLNN_DEVICE, then best)",
         opt_string, &c->device},
        {"layout", "L", "auto, nchw or nhwc (default auto: the device's layout)", opt_layout, &c->layout},
        {"threads", "N", "C backend worker threads (default: OCLNN_THREADS, then OpenMP's)", opt_threads,
         &c->threads},
        {"iters", "N", "timed runs, median reported (default 10)", opt_iters, &c->iters},
        {"warmup", "N", "untimed runs first (default 2)", opt_warmup, &c->warmup},
        {"verify", NULL, "check against the double-precision reference; exit 1 on mismatch", NULL, &c->verify},
        {"json", NULL, "print a JSON array, one object per run", NULL, &c->json},
        {NULL, NULL, NULL, NULL, NULL},
    };
    memcpy(rows, t, sizeof t);
}

int bench_parse(const tool_cmd *cmd, bench_common *c, int argc, char **argv, const char **args, int *n_args) {
    bench_common_init(c);
    tool_opt rows[BENCH_COMMON_ROWS];
    bench_common_opts(c, rows);
    tool_cmd full = *cmd;
    full.common = rows;
    return tool_parse(&full, argc, argv, args, n_args);
}

oclnn_context *bench_context(const bench_common *c) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = c->device;
    o.layout = c->layout;
    o.threads = (unsigned)c->threads;
    oclnn_context *ctx;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench: %s\n", oclnn_last_error());
        return NULL;
    }
    return ctx;
}

bool bench_save_tuning(oclnn_context *ctx) {
    if (oclnn_context_save_tuning(ctx, NULL) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench: --save: %s\n", oclnn_last_error());
        return false;
    }
    oclnn_tuning_info info;
    if (oclnn_context_tuning(ctx, &info) == OCLNN_OK) fprintf(stderr, "saved the find results to %s\n", info.path);
    return true;
}

double bench_time(oclnn_context *ctx, const bench_common *c, bench_fn run, void *arg) {
    for (int i = 0; i < c->warmup; i++)
        if (run(arg) != OCLNN_OK || oclnn_context_finish(ctx) != OCLNN_OK) goto failed;
    double *t = malloc((size_t)c->iters * sizeof *t);
    if (!t) return -1;
    for (int i = 0; i < c->iters; i++) {
        oclnn__context_timer_begin(ctx); /* device events where the backend has them */
        oclnn_status st = run(arg);
        if (oclnn__context_timer_end(ctx, &t[i]) != OCLNN_OK || st != OCLNN_OK) {
            free(t);
            goto failed;
        }
    }
    double median = oclnn__tune_median(t, (size_t)c->iters);
    free(t);
    return median;
failed:
    fprintf(stderr, "oclnn bench: %s\n", oclnn_last_error());
    return -1;
}

void bench_errors(const float *got, const float *ref, size_t n, double *max_abs, double *max_rel) {
    oclnn__tune_errors(got, ref, n, max_abs, max_rel); /* the measure the tuner verifies with */
}

void bench_json_begin(const bench_common *c) {
    if (c->json) printf("[");
}

void bench_json_end(const bench_common *c) {
    if (c->json) printf("\n]\n");
}

void bench_print(const bench_common *c, const bench_result *r, bool first) {
    if (c->json) {
        printf("%s\n  {\"op\": ", first ? "" : ",");
        json_string(stdout, r->op);
        printf(", \"algo\": ");
        json_string(stdout, r->algo);
        printf(", \"problem\": ");
        json_string(stdout, r->problem);
        printf(", \"ms\": %.4f", r->ms);
        if (r->gflops >= 0) printf(", \"gflops\": %.2f", r->gflops);
        if (r->gbps >= 0) printf(", \"gbps\": %.2f", r->gbps);
        if (r->verified)
            printf(", \"max_abs_err\": %.3g, \"max_rel_err\": %.3g, \"ok\": %s", r->max_abs_err,
                   r->max_rel_err, r->ok ? "true" : "false");
        printf("}");
        fflush(stdout);
        return;
    }
    printf("%-6s %-12s %-36s %10.3f ms", r->op, r->algo, r->problem, r->ms);
    if (r->gflops >= 0) printf(" %9.1f GFLOP/s", r->gflops);
    if (r->gbps >= 0) printf(" %8.1f GB/s", r->gbps);
    if (r->verified)
        printf("  max_abs %.2e max_rel %.2e %s", r->max_abs_err, r->max_rel_err, r->ok ? "ok" : "MISMATCH");
    printf("\n");
    fflush(stdout);
}
