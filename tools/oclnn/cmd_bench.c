/* SPDX-License-Identifier: MIT */
/* `oclnn bench <op> ...`: the table of bench subcommands and the shared option handling, timing
 * and output (see bench.h for the conventions). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bench.h"
#include "core/context.h"

typedef struct bench_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} bench_command;

static const bench_command commands[] = {
    /* one row per op; keep alphabetical */
    {"add", bench_add, "N,C,H,W [--relu]: residual add (+ ReLU)"},
    {"bn", bench_bn, "N,C,H,W [--training] [--eps E] [--momentum M]: batch norm"},
    {"concat", bench_concat, "N,C1,H,W N,C2,H,W ...: explicit depth concat"},
    {"conv", cmd_bench_conv, "2-D convolution: every algorithm, GFLOP/s, --verify"},
    {"fc", bench_fc, "N,IN OUT [--bias]: fully connected"},
    {"lrn", bench_lrn, "N,C,H,W [--size 5] [--alpha A] [--beta B] [--k K]: LRN across channels"},
    {"net", bench_net, "NAME [--batch N] [--size H[,W]] [--weights F] [--input F.npy] [--output F.npy]: a whole network"},
    {"nms", bench_nms, "non-maximum suppression (plain or per-class)"},
    {"pool", bench_pool,
     "N,C,H,W --max|--avg|--global [--window K|KH,KW] [--stride S] [--pad P] [--ceil] [--exclude-pad]"},
    {"roi_align", bench_roi_align, "RoIAlign (Mask R-CNN)"},
    {"roi_pool", bench_roi_pool, "RoI max pooling (Fast R-CNN)"},
    {"softmax", bench_softmax, "N,C,H,W: softmax over channels"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f) {
    fprintf(f, "usage: oclnn bench <op> [arguments] [common options]\n\nops:\n");
    for (size_t i = 0; commands[i].name; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n");
    bench_common_usage(f);
}

int cmd_bench(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? TOOL_USAGE : TOOL_OK;
    }
    for (size_t i = 0; commands[i].name; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "oclnn bench: unknown op \"%s\"\n\n", argv[1]);
    usage(stderr);
    return TOOL_USAGE;
}

void bench_common_init(bench_common *c) {
    memset(c, 0, sizeof *c);
    c->layout = OCLNN_LAYOUT_AUTO;
    c->iters = 10;
    c->warmup = 2;
}

void bench_common_usage(FILE *f) {
    fprintf(f, "common options:\n"
               "  --device D         \"cpu\", \"P:D\" or a name substring (default: OCLNN_DEVICE, then best)\n"
               "  --layout L         auto, nchw or nhwc (default auto: the device's layout)\n"
               "  --iters N          timed runs, median reported (default 10)\n"
               "  --warmup N         untimed runs first (default 2)\n"
               "  --verify           check against the double-precision reference; exit 1 on mismatch\n"
               "  --json             print a JSON array, one object per run\n");
}

static bool parse_int(const char *s, int lo, int hi, int *out) {
    if (!s || !*s) return false;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi) return false;
    *out = (int)v;
    return true;
}

int bench_common_arg(bench_common *c, int argc, char **argv, int *i) {
    const char *v;
    if (arg_flag(argv[*i], "--verify")) c->verify = true;
    else if (arg_flag(argv[*i], "--json")) c->json = true;
    else if (arg_value(argc, argv, i, "--device", &v)) {
        if (!v) goto missing;
        c->device = v;
    } else if (arg_value(argc, argv, i, "--layout", &v)) {
        if (!v) goto missing;
        if (!strcasecmp(v, "auto")) c->layout = OCLNN_LAYOUT_AUTO;
        else if (!strcasecmp(v, "nchw")) c->layout = OCLNN_LAYOUT_NCHW;
        else if (!strcasecmp(v, "nhwc")) c->layout = OCLNN_LAYOUT_NHWC;
        else {
            fprintf(stderr, "oclnn bench: --layout must be auto, nchw or nhwc, not \"%s\"\n", v);
            return -1;
        }
    } else if (arg_value(argc, argv, i, "--iters", &v)) {
        if (!parse_int(v, 1, 1000000, &c->iters)) {
            fprintf(stderr, "oclnn bench: --iters needs a number from 1 to 1000000\n");
            return -1;
        }
    } else if (arg_value(argc, argv, i, "--warmup", &v)) {
        if (!parse_int(v, 0, 1000000, &c->warmup)) {
            fprintf(stderr, "oclnn bench: --warmup needs a number from 0 to 1000000\n");
            return -1;
        }
    } else
        return 0;
    return 1;
missing:
    fprintf(stderr, "oclnn bench: %s needs a value\n", argv[*i]);
    return -1;
}

oclnn_context *bench_context(const bench_common *c) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = c->device;
    o.layout = c->layout;
    oclnn_context *ctx;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench: %s\n", oclnn_last_error());
        return NULL;
    }
    return ctx;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
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
    qsort(t, (size_t)c->iters, sizeof *t, cmp_double);
    double median = c->iters % 2 ? t[c->iters / 2] : 0.5 * (t[c->iters / 2 - 1] + t[c->iters / 2]);
    free(t);
    return median;
failed:
    fprintf(stderr, "oclnn bench: %s\n", oclnn_last_error());
    return -1;
}

void bench_errors(const float *got, const float *ref, size_t n, double *max_abs, double *max_rel) {
    double scale = 0, ma = 0, mr = 0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(ref[i]));
    double floor_ = scale > 0 ? 1e-3 * scale : 1e-30;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - ref[i]);
        if (isnan(got[i])) d = INFINITY;
        ma = fmax(ma, d);
        mr = fmax(mr, d / fmax(fabs(ref[i]), floor_));
    }
    *max_abs = ma;
    *max_rel = mr;
}

int parse_uints(const char *text, unsigned *out, int max) {
    int n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        if (*p < '0' || *p > '9' || n == max) return -1;
        unsigned long v = strtoul(p, &end, 10);
        if (v > 0xffffffffUL) return -1;
        out[n++] = (unsigned)v;
        if (*end == ',') p = end + 1;
        else if (*end == '\0') p = end;
        else return -1;
        if (*end == ',' && !*p) return -1;
    }
    return n;
}

bool parse_shape(const char *text, oclnn_shape *out) {
    unsigned v[4];
    if (parse_uints(text, v, 4) != 4 || !v[0] || !v[1] || !v[2] || !v[3]) return false;
    *out = (oclnn_shape){v[0], v[1], v[2], v[3]};
    return true;
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
