/* SPDX-License-Identifier: MIT */
/* `oclnn bench <op>`: shared conventions. Every bench subcommand accepts the common options
 * (--device D, --layout auto|nchw|nhwc, --threads N, --iters N, --warmup N, --verify, --json), times its op as
 * the median of the iterations after a warm-up (oclnn_context_finish after each run), prints a
 * line per algorithm or a JSON array with one object per run, and with --verify exits 1 on
 * mismatch against the double-precision reference. Progress goes to stderr. */
#ifndef OCLNN_TOOL_BENCH_H
#define OCLNN_TOOL_BENCH_H

#include "tool.h"

typedef struct bench_common {
    const char *device; /* NULL: default device */
    oclnn_layout layout;
    int iters, warmup;
    int threads; /* C backend threads; 0: OCLNN_THREADS, then OpenMP's default */
    bool verify, json;
} bench_common;

/* The common options as a table for tool_parse (dst pointers into c); ends with a NULL row. */
enum { BENCH_COMMON_ROWS = 8 };
void bench_common_opts(bench_common *c, tool_opt rows[BENCH_COMMON_ROWS]);
void bench_common_init(bench_common *c);
/* bench_common_init, then tool_parse with cmd's options plus the common ones. */
int bench_parse(const tool_cmd *cmd, bench_common *c, int argc, char **argv, const char **args, int *n_args);
/* Creates the context for c->device / c->layout; prints the error and returns NULL on failure. */
oclnn_context *bench_context(const bench_common *c);
/* --save: oclnn_context_save_tuning to the context's database file, saying where on stderr;
 * prints the error and returns false on failure. */
bool bench_save_tuning(oclnn_context *ctx);

/* Times `run(arg)` c->iters times after c->warmup runs, waiting for the device after each (kernel
 * time from profiling events on OpenCL, wall clock on the C backend); returns the median in ms, or a negative value when run()
 * failed (message printed). */
typedef oclnn_status (*bench_fn)(void *arg);
double bench_time(oclnn_context *ctx, const bench_common *c, bench_fn run, void *arg);

/* Worst errors of `got` against `ref`: max |got-ref| and max |got-ref| / max(|ref|, 1e-3 * max|ref|). */
void bench_errors(const float *got, const float *ref, size_t n, double *max_abs, double *max_rel);

/* Result printing: a text line, or one JSON object in an array (bench_json_begin/end). */
typedef struct bench_result {
    const char *op;    /* "conv", "pool", ... */
    const char *algo;  /* algorithm name */
    const char *problem; /* canonical problem string */
    double ms, gflops, gbps; /* gflops / gbps < 0: not applicable */
    bool verified;
    double max_abs_err, max_rel_err;
    bool ok;
} bench_result;
void bench_json_begin(const bench_common *c);
void bench_print(const bench_common *c, const bench_result *r, bool first);
void bench_json_end(const bench_common *c);

/* Subcommands: one function per op, registered in cmd_bench.c's table. */
int cmd_bench(int argc, char **argv);
/* The layers of issue 4 (bench_layers.c). */
int bench_add(int argc, char **argv);
int bench_bn(int argc, char **argv);
int bench_concat(int argc, char **argv);
int bench_fc(int argc, char **argv);
int bench_lrn(int argc, char **argv);
int bench_net(int argc, char **argv);
int bench_pool(int argc, char **argv);
int bench_softmax(int argc, char **argv);
/* bench_detect.c */
int bench_nms(int argc, char **argv);
int bench_roi_align(int argc, char **argv);
int bench_roi_pool(int argc, char **argv);
int cmd_bench_conv(int argc, char **argv);
/* bench_nd.c (issue 19) */
int bench_conv1d(int argc, char **argv);
int bench_conv3d(int argc, char **argv);
/* `bench net` on a video network (r3d_18, mc3_18, r2plus1d_18): whole runs of a seeded clip. */
bool bench_is_video(const char *name);
int bench_video(const char *name, const char *weights, uint64_t seed, uint32_t batch, uint32_t frames,
                uint32_t h, uint32_t w, const bench_common *c);
/* cmd_detect.c (issue 18): `bench net` on a detector: whole runs and the per-stage profile. */
bool bench_is_detector(const char *name);
int bench_detector(const char *name, const char *weights, uint64_t seed, uint32_t h, uint32_t w,
                   const bench_common *c);
/* The largest max_rel_err (bench_errors) --verify accepts from the convolution algorithm named
 * `algo` (oclnn_op_algorithm of the op that ran). */
double conv_verify_limit(const char *algo);
/* The descriptor of a parsed problem string (src/backend/problem.h): no bias, no activation. */
struct oclnn__conv2d_problem;
oclnn_conv2d_desc conv_desc_of(const struct oclnn__conv2d_problem *pb);

#endif
