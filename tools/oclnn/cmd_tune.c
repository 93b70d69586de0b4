/* SPDX-License-Identifier: MIT */
/* `oclnn tune`: searches the compile-time parameters of each convolution kernel family on real
 * shapes, verifies every candidate against the double-precision reference before timing it,
 * keeps the fastest per (family, shape) in the device's tuning database, then measures NCHW
 * against NHWC on ResNet-50 and records the faster layout. Ends with a table of default vs tuned
 * time per shape, both measured end to end (AUTO algorithm choice, untuned context vs a context
 * that loaded the new database). See usage() for the options. The tool links the library's
 * internals for the database, the search spaces and the search (src/tune). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "core/device.h"
#include "core/file.h"
#include "ops/conv2d.h"
#include "ref/ref.h"
#include "tune/db.h"
#include "tune/problem.h"
#include "tune/search.h"
#include "tune/tune.h"
#include "tune_shapes.h"

#define MAX_SHAPES 64
/* Verification limits (max_rel_err of bench_errors), as `oclnn bench conv --verify`: float
 * rounding; Winograd F(4x4)'s transforms amplify it. */
#define VERIFY_REL 1e-3
#define VERIFY_REL_WINOGRAD4 1e-2
/* Each candidate is timed for about this long (median of 3 to 15 runs). */
#define TIME_TARGET_MS 300.0
/* The confirmation of a shape's results: rounds over all contenders, interleaved, each a median
 * of 3 runs; the median over rounds decides. */
#define CONFIRM_ROUNDS 7
/* NCHW and NHWC closer than this fraction: keep the device rule's layout. */
#define LAYOUT_MARGIN 0.03

static void usage(FILE *f) {
    fprintf(f,
            "usage: oclnn tune [--device D] [--net NAME | --conv SHAPE ... | --all-builtin]\n"
            "                  [--budget SECONDS] [--strategy exhaustive|random|anneal] [--db FILE]\n"
            "                  [--resume] [--kernels K,K...] [--layout nchw|nhwc] [--no-layout] [--check]\n"
            "                  [--seed N]\n\n"
            "Tunes the convolution kernels for one device and writes its tuning database, which\n"
            "every later context on that device loads. SHAPE is a problem string as oclnn prints\n"
            "them, e.g. n1c64h56w56k64r3s3pad1 (st, pad, dil, g default to 1, 0, 1, 1).\n"
            "  --net NAME       a built-in network's convolutions (resnet50); default: resnet50\n"
            "  --all-builtin    every built-in network\n"
            "  --budget S       total search time in seconds (default 600), shared by the shapes\n"
            "  --strategy S     search order within a budget (default anneal)\n"
            "  --db FILE        the database to write (default: the device's, as contexts load it)\n"
            "  --resume         keep (family, shape) pairs already in FILE; skip candidates that\n"
            "                   crashed the previous run\n"
            "  --kernels LIST   only these families (conv_im2col, conv_gemm1x1, conv_winograd2,\n"
            "                   conv_winograd4, conv_direct, conv_depthwise)\n"
            "  --layout L       the layout candidates are timed in (default: the device's)\n"
            "  --no-layout      do not measure NCHW against NHWC\n"
            "  --check          change nothing: only time default against tuned, end to end\n"
            "Progress goes to stderr; the summary table to stdout.\n");
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ---- shapes ------------------------------------------------------------------------------ */

typedef struct shape {
    char name[48];
    oclnn_conv2d_desc desc;
    oclnn__conv2d_problem pb;
    char problem[160];
    uint32_t count;
    /* host data, made on first use */
    float *src, *weights, *bias, *ref;
    size_t src_n, dst_n;
    oclnn_shape dst_shape;
} shape;

/* "n1c64h56w56k64r3s3pad1" -> desc (the printer's fields; missing optional ones get defaults). */
static bool parse_conv(const char *text, oclnn_conv2d_desc *d) {
    oclnn__problem p;
    char why[160];
    if (!oclnn__problem_parse(text, &p, why, sizeof why)) {
        fprintf(stderr, "oclnn tune: %s\n", why);
        return false;
    }
    *d = oclnn_conv2d_desc_default();
    d->has_bias = true;
    d->input.n = 1;
    bool have_c = false, have_h = false, have_w = false, have_k = false, have_r = false, have_s = false;
    for (size_t i = 0; i < p.n_fields; i++) {
        const oclnn__problem_field *f = &p.f[i];
        uint32_t a = f->v[0], b = f->count > 1 ? f->v[1] : a;
        if (!strcmp(f->name, "n")) d->input.n = a;
        else if (!strcmp(f->name, "c")) d->input.c = a, have_c = true;
        else if (!strcmp(f->name, "h")) d->input.h = a, have_h = true;
        else if (!strcmp(f->name, "w")) d->input.w = a, have_w = true;
        else if (!strcmp(f->name, "k")) d->out_channels = a, have_k = true;
        else if (!strcmp(f->name, "r")) d->kernel_h = a, have_r = true;
        else if (!strcmp(f->name, "s")) d->kernel_w = a, have_s = true;
        else if (!strcmp(f->name, "st")) d->stride_h = a, d->stride_w = b;
        else if (!strcmp(f->name, "dil")) d->dilation_h = a, d->dilation_w = b;
        else if (!strcmp(f->name, "g")) d->groups = a;
        else if (!strcmp(f->name, "pad") && (f->count == 1 || f->count == 4)) {
            d->padding.mode = OCLNN_PAD_EXPLICIT;
            d->padding.top = a;
            d->padding.bottom = f->count == 4 ? f->v[1] : a;
            d->padding.left = f->count == 4 ? f->v[2] : a;
            d->padding.right = f->count == 4 ? f->v[3] : a;
        } else {
            fprintf(stderr, "oclnn tune: %s: unknown field \"%s\"\n", text, f->name);
            return false;
        }
    }
    if (!have_c || !have_h || !have_w || !have_k || !have_r || !have_s) {
        fprintf(stderr, "oclnn tune: %s needs at least c, h, w, k, r and s\n", text);
        return false;
    }
    return true;
}

static bool add_shape(shape *list, size_t *n, const char *name, const oclnn_conv2d_desc *d, uint32_t count) {
    if (*n == MAX_SHAPES) {
        fprintf(stderr, "oclnn tune: more than %d shapes\n", MAX_SHAPES);
        return false;
    }
    shape *s = &list[*n];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->desc = *d;
    s->count = count;
    if (oclnn__conv2d_resolve(d, &s->pb) != OCLNN_OK) {
        fprintf(stderr, "oclnn tune: %s: %s\n", name, oclnn_last_error());
        return false;
    }
    oclnn__conv2d_problem_str(&s->pb, s->problem, sizeof s->problem);
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(list[i].problem, s->problem)) { /* the same layer twice: count it there */
            list[i].count += count;
            return true;
        }
    (*n)++;
    return true;
}

static void shape_free(shape *s) {
    free(s->src), free(s->weights), free(s->bias), free(s->ref);
    s->src = s->weights = s->bias = s->ref = NULL;
}

/* Random data and, when `need_ref`, the reference output in `layout` (made once per shape). */
static bool shape_data(shape *s, oclnn_layout layout, bool need_ref) {
    if (s->ref || (s->src && !need_ref)) return true;
    const oclnn__conv2d_problem *pb = &s->pb;
    s->dst_shape = (oclnn_shape){pb->n, pb->k, pb->p, pb->q};
    s->src_n = (size_t)pb->n * pb->c * pb->h * pb->w;
    s->dst_n = (size_t)pb->n * pb->k * pb->p * pb->q;
    size_t wn = (size_t)pb->k * pb->cg * pb->r * pb->s;
    if (!s->src) {
        s->src = malloc(s->src_n * sizeof *s->src);
        s->weights = malloc(wn * sizeof *s->weights);
        s->bias = malloc(pb->k * sizeof *s->bias);
    }
    s->ref = need_ref ? malloc(s->dst_n * sizeof *s->ref) : NULL;
    if (!s->src || !s->weights || !s->bias || (need_ref && !s->ref)) {
        shape_free(s);
        return false;
    }
    uint32_t state = 12345u;
    float scale = 1.0f / sqrtf((float)(pb->cg * pb->r * pb->s));
    for (size_t i = 0; i < s->src_n; i++) {
        state = state * 1664525u + 1013904223u;
        s->src[i] = (float)(state >> 8) / 16777216.0f * 2.0f - 1.0f;
    }
    for (size_t i = 0; i < wn; i++) {
        state = state * 1664525u + 1013904223u;
        s->weights[i] = ((float)(state >> 8) / 16777216.0f * 2.0f - 1.0f) * scale;
    }
    for (size_t i = 0; i < pb->k; i++) s->bias[i] = 0.01f * (float)(i % 7);
    if (!need_ref) return true;
    fprintf(stderr, "  computing the reference for %s...\r", s->name);
    oclnn__ref_conv2d(&s->desc, s->src, layout, s->weights, s->bias, NULL, s->ref);
    fprintf(stderr, "%70s\r", "");
    return true;
}

/* ---- running one configuration ----------------------------------------------------------- */

typedef struct bench_op {
    oclnn_op *op;
    oclnn_tensor *src, *dst;
} bench_op;

static void bench_op_free(bench_op *b) {
    oclnn_op_destroy(b->op);
    oclnn_tensor_destroy(b->src);
    oclnn_tensor_destroy(b->dst);
    memset(b, 0, sizeof *b);
}

static oclnn_status bench_op_make(oclnn_context *ctx, shape *s, oclnn_conv_algo algo, oclnn_layout layout,
                                  bench_op *b) {
    memset(b, 0, sizeof *b);
    oclnn_conv2d_desc d = s->desc;
    d.algo = algo;
    oclnn_status st = oclnn_conv2d_create(ctx, &d, s->weights, s->bias, &b->op);
    if (st == OCLNN_OK) st = oclnn_tensor_create(ctx, d.input, layout, &b->src);
    if (st == OCLNN_OK) st = oclnn_tensor_create(ctx, s->dst_shape, layout, &b->dst);
    if (st == OCLNN_OK) st = oclnn_tensor_write(b->src, s->src, layout);
    if (st != OCLNN_OK) bench_op_free(b);
    return st;
}

/* Median of runs filling about target_ms (min_runs..15 runs, after one warm-up); < 0 on failure. */
static double bench_op_time(oclnn_context *ctx, bench_op *b, int min_runs, double target_ms) {
    double t[15];
    int runs = 0, want = min_runs;
    if (oclnn_conv2d_run(b->op, b->src, b->dst, NULL) != OCLNN_OK || oclnn_context_finish(ctx) != OCLNN_OK)
        return -1;
    while (runs < want && runs < 15) {
        double t0 = now_ms();
        if (oclnn_conv2d_run(b->op, b->src, b->dst, NULL) != OCLNN_OK || oclnn_context_finish(ctx) != OCLNN_OK)
            return -1;
        t[runs++] = now_ms() - t0;
        if (runs == 1) want = (int)fmax(min_runs, fmin(15, target_ms / fmax(t[0], 1e-3)));
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    return runs % 2 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]);
}

/* ---- the tuning jobs --------------------------------------------------------------------- */

typedef struct tuner {
    oclnn_context *ctx;
    oclnn_layout layout;
    float *got;
    /* the job being searched */
    shape *s;
    oclnn_conv_algo algo;
    const oclnn__tune_space *sp;
    size_t job, jobs;
    double best_ms, default_ms;
    /* candidates that crashed a previous run (from the in-flight file) */
    char crashed[16][400];
    size_t n_crashed;
    char inflight[1100];
    bool tty;
} tuner;

static void write_inflight(const tuner *t, const char *line) {
    FILE *f = fopen(t->inflight, "w");
    if (!f) return;
    if (line) fprintf(f, "%s\n", line);
    fflush(f);
    fsync(fileno(f));
    fclose(f);
}

static oclnn__tune_outcome measure(void *user, const oclnn__tune_values *v, double *ms) {
    tuner *t = user;
    char params[160], line[400];
    oclnn__tune_values_str(t->sp, v, ',', params, sizeof params);
    snprintf(line, sizeof line, "%s %s %s", t->sp->family, t->s->problem, params);
    for (size_t i = 0; i < t->n_crashed; i++)
        if (!strcmp(t->crashed[i], line)) return OCLNN__TUNE_FAILED;
    write_inflight(t, line); /* if the kernel takes the process down, --resume skips it */
    oclnn__tune_outcome out = OCLNN__TUNE_FAILED;
    bench_op b;
    if (oclnn_tuning_override(t->ctx, t->sp->family, params) != OCLNN_OK ||
        bench_op_make(t->ctx, t->s, t->algo, t->layout, &b) != OCLNN_OK) {
        if (!t->tty) fprintf(stderr, "    %s: skipped (%s)\n", params, oclnn_last_error());
        goto done;
    }
    if (oclnn_conv2d_run(b.op, b.src, b.dst, NULL) != OCLNN_OK ||
        oclnn_tensor_read(b.dst, t->got, t->layout) != OCLNN_OK) {
        bench_op_free(&b);
        goto done;
    }
    double max_abs, max_rel;
    bench_errors(t->got, t->s->ref, t->s->dst_n, &max_abs, &max_rel);
    double limit = t->algo == OCLNN_CONV_ALGO_WINOGRAD_4X4 ? VERIFY_REL_WINOGRAD4 : VERIFY_REL;
    if (!(max_rel <= limit)) {
        fprintf(stderr, "\n    %s %s: wrong result (max rel error %.3g): rejected\n", t->sp->family, params,
                max_rel);
        out = OCLNN__TUNE_WRONG;
    } else {
        *ms = bench_op_time(t->ctx, &b, 3, TIME_TARGET_MS);
        out = *ms >= 0 ? OCLNN__TUNE_MEASURED : OCLNN__TUNE_FAILED;
    }
    bench_op_free(&b);
done:
    write_inflight(t, NULL);
    oclnn_tuning_override(t->ctx, t->sp->family, NULL);
    return out;
}

static void progress(void *user, size_t done, size_t total, const oclnn__tune_values *v,
                     oclnn__tune_outcome outcome, double ms) {
    tuner *t = user;
    (void)v;
    if (outcome == OCLNN__TUNE_MEASURED && (t->best_ms < 0 || ms < t->best_ms)) t->best_ms = ms;
    if (done == 1 && outcome == OCLNN__TUNE_MEASURED) t->default_ms = ms;
    if (!t->tty) return;
    char bar[21];
    size_t fill = total ? done * 20 / total : 20;
    for (size_t i = 0; i < 20; i++) bar[i] = i < fill ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r[%2zu/%zu] %-14s %-28.28s [%s] %3zu/%-3zu best %8.3f ms   ", t->job, t->jobs,
            t->sp->family, t->s->name, bar, done, total, t->best_ms);
}


/* ---- confirming a shape's results -------------------------------------------------------- */

/* A search compares candidates measured seconds apart; on a loaded machine the winner can be a
 * lucky sample, and times from different jobs are not comparable. So once a shape's families are
 * tuned, each family's tuned and default configurations are built together and timed in
 * interleaved rounds. A tuned configuration is kept only if it beats its default there, and the
 * rows get these comparable times (AUTO picks the family with the fastest row). */
typedef struct contender {
    const oclnn__tune_space *sp;
    oclnn_conv_algo algo;
    oclnn__tune_values v;
    bool is_default;
    bench_op b;
    double t[CONFIRM_ROUNDS], median;
} contender;

static bool confirm_shape(tuner *t, oclnn__tune_db *db, shape *s, const char *path, double *heuristic_ms,
                          double *chosen_ms, oclnn_conv_algo *chosen) {
    contender c[2 * OCLNN_CONV_ALGO_COUNT];
    size_t n = 0;
    oclnn__conv2d_caps caps = {OCLNN_BACKEND_OPENCL, false};
    oclnn_conv_algo heuristic = oclnn__conv2d_choose(&s->pb, &caps);
    for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++) {
        const oclnn__tune_space *sp = oclnn__conv2d_space((oclnn_conv_algo)a);
        const oclnn__tune_row *row = sp ? oclnn__tune_db_find(db, sp->family, s->problem) : NULL;
        if (!row && a != (int)heuristic) continue;
        if (!sp) continue;
        oclnn__tune_values def = oclnn__tune_defaults_of(sp);
        c[n++] = (contender){sp, (oclnn_conv_algo)a, def, true, {0}, {0}, 0};
        if (row && memcmp(&row->values, &def, sizeof def))
            c[n++] = (contender){sp, (oclnn_conv_algo)a, row->values, false, {0}, {0}, 0};
    }
    if (!shape_data(s, t->layout, false)) return false;
    size_t made = 0;
    bool ok = true;
    for (; made < n && ok; made++) {
        char params[160];
        oclnn__tune_values_str(c[made].sp, &c[made].v, ',', params, sizeof params);
        ok = oclnn_tuning_override(t->ctx, c[made].sp->family, params) == OCLNN_OK &&
             bench_op_make(t->ctx, s, c[made].algo, t->layout, &c[made].b) == OCLNN_OK;
        oclnn_tuning_override(t->ctx, c[made].sp->family, NULL);
    }
    for (int r = 0; r < CONFIRM_ROUNDS && ok; r++)
        for (size_t i = 0; i < n && ok; i++) ok = (c[i].t[r] = bench_op_time(t->ctx, &c[i].b, 3, 0)) >= 0;
    if (!ok) fprintf(stderr, "oclnn tune: confirming %s: %s\n", s->name, oclnn_last_error());
    for (size_t i = 0; i < made; i++) bench_op_free(&c[i].b);
    if (!ok) return false;
    for (size_t i = 0; i < n; i++) {
        qsort(c[i].t, CONFIRM_ROUNDS, sizeof *c[i].t, cmp_double);
        c[i].median = c[i].t[CONFIRM_ROUNDS / 2];
    }
    *heuristic_ms = NAN;
    *chosen_ms = INFINITY;
    double heuristic_kept = NAN;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].is_default) continue;
        const contender *keep = &c[i];
        if (i + 1 < n && !c[i + 1].is_default && c[i + 1].median < c[i].median) keep = &c[i + 1];
        if (c[i].algo == heuristic) *heuristic_ms = c[i].median, heuristic_kept = keep->median;
        if (keep->median < *chosen_ms) *chosen_ms = keep->median, *chosen = keep->algo;
        char params[160];
        oclnn__tune_values_str(keep->sp, &keep->v, ' ', params, sizeof params);
        /* Every contender's family gets its row (also the heuristic's, when it was not searched),
         * so that AUTO compares the same configurations as this table. */
        if (!oclnn__tune_db_put(db, keep->sp, s->problem, &keep->v, keep->median)) return false;
        fprintf(stderr, "  %-14s %-30.30s default %8.3f  tuned %8.3f ms  -> %s%s\n", keep->sp->family, s->name,
                c[i].median, i + 1 < n && !c[i + 1].is_default ? c[i + 1].median : c[i].median, params,
                keep == &c[i] ? " (default)" : "");
    }
    /* As the library decides (src/ops/conv2d_tuned.c): another algorithm only if clearly faster. */
    if (*chosen != heuristic && !(*chosen_ms <= heuristic_kept * (1.0 - OCLNN__TUNE_SWITCH_MARGIN)))
        *chosen = heuristic, *chosen_ms = heuristic_kept;
    char why[256];
    if (!oclnn__tune_db_save(db, path, why, sizeof why)) {
        fprintf(stderr, "oclnn tune: %s\n", why);
        return false;
    }
    return true;
}

/* ---- the command ------------------------------------------------------------------------- */

typedef struct options {
    const char *device, *db, *kernels, *net;
    oclnn_layout layout;
    bool all_builtin, resume, no_layout, check;
    double budget;
    oclnn__tune_strategy strategy;
    uint64_t seed;
} options;

static bool family_wanted(const options *o, const char *family) {
    if (!o->kernels) return true;
    size_t n = strlen(family);
    for (const char *p = o->kernels; (p = strstr(p, family)) != NULL; p += n)
        if ((p == o->kernels || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return true;
    return false;
}

static oclnn_context *make_context(const options *o, const char *tuning_db) {
    oclnn_context_options co = oclnn_context_options_default();
    co.device = o->device;
    co.tuning_db = tuning_db;
    oclnn_context *ctx;
    if (oclnn_context_create(&co, &ctx) != OCLNN_OK) {
        fprintf(stderr, "oclnn tune: %s\n", oclnn_last_error());
        return NULL;
    }
    return ctx;
}

/* Reads the in-flight file a crashed run left behind (a regular file of at most 64 KiB: a FIFO
 * or device there is ignored, never waited on). */
static void load_crashed(tuner *t) {
    void *data;
    size_t size;
    char why[512];
    if (oclnn__file_read(t->inflight, (size_t)64 << 10, 0, &data, &size, why, sizeof why) != OCLNN__FILE_OK)
        return;
    for (char *line = data, *next; line && t->n_crashed < 16; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (!line[0]) continue;
        fprintf(stderr, "oclnn tune: the previous run stopped inside \"%s\": skipping it\n", line);
        snprintf(t->crashed[t->n_crashed++], sizeof t->crashed[0], "%s", line);
    }
    free(data);
}

typedef struct job_result {
    double default_ms, tuned_ms;
    bool measured;
} job_result;

static int parse_args(int argc, char **argv, options *o, shape *shapes, size_t *n_shapes) {
    memset(o, 0, sizeof *o);
    o->budget = 600;
    o->strategy = OCLNN__TUNE_ANNEAL;
    o->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *v = "";
        if (arg_flag(argv[i], "--help") || arg_flag(argv[i], "-h")) {
            usage(stdout);
            return -1;
        } else if (arg_flag(argv[i], "--all-builtin")) o->all_builtin = true;
        else if (arg_flag(argv[i], "--resume")) o->resume = true;
        else if (arg_flag(argv[i], "--no-layout")) o->no_layout = true;
        else if (arg_flag(argv[i], "--check")) o->check = true;
        else if (arg_value(argc, argv, &i, "--device", &v)) o->device = v;
        else if (arg_value(argc, argv, &i, "--db", &v)) o->db = v;
        else if (arg_value(argc, argv, &i, "--net", &v)) o->net = v;
        else if (arg_value(argc, argv, &i, "--kernels", &v)) o->kernels = v;
        else if (arg_value(argc, argv, &i, "--conv", &v)) {
            oclnn_conv2d_desc d;
            if (v && (!parse_conv(v, &d) || !add_shape(shapes, n_shapes, v, &d, 1))) return TOOL_USAGE;
        } else if (arg_value(argc, argv, &i, "--budget", &v)) {
            char *end;
            if (v && (o->budget = strtod(v, &end), *end || !(o->budget > 0))) {
                fprintf(stderr, "oclnn tune: --budget needs a positive number of seconds\n");
                return TOOL_USAGE;
            }
        } else if (arg_value(argc, argv, &i, "--strategy", &v)) {
            if (v && !oclnn__tune_strategy_parse(v, &o->strategy)) {
                fprintf(stderr, "oclnn tune: unknown --strategy \"%s\" (exhaustive, random, anneal)\n", v);
                return TOOL_USAGE;
            }
        } else if (arg_value(argc, argv, &i, "--layout", &v)) {
            if (v && !strcasecmp(v, "nchw")) o->layout = OCLNN_LAYOUT_NCHW;
            else if (v && !strcasecmp(v, "nhwc")) o->layout = OCLNN_LAYOUT_NHWC;
            else if (v) {
                fprintf(stderr, "oclnn tune: unknown --layout \"%s\" (nchw, nhwc)\n", v);
                return TOOL_USAGE;
            }
        } else if (arg_value(argc, argv, &i, "--seed", &v)) {
            char *end;
            if (v && (o->seed = strtoull(v, &end, 10), *end)) {
                fprintf(stderr, "oclnn tune: --seed needs a number\n");
                return TOOL_USAGE;
            }
        } else {
            fprintf(stderr, "oclnn tune: unknown option \"%s\"\n", argv[i]);
            usage(stderr);
            return TOOL_USAGE;
        }
        if (!v) {
            fprintf(stderr, "oclnn tune: %s needs a value\n", argv[i]);
            return TOOL_USAGE;
        }
    }
    if (o->kernels) {
        for (const char *p = o->kernels; *p;) {
            size_t n = strcspn(p, ",");
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), p);
            const oclnn__tune_space *sp = oclnn__tune_space_find(name);
            if (!sp || sp == &oclnn__tune_space_layout) {
                fprintf(stderr, "oclnn tune: --kernels: unknown kernel family \"%s\"\n", name);
                return TOOL_USAGE;
            }
            p += n + (p[n] == ',');
        }
    }
    size_t n_nets;
    const tune_net *nets = tune_nets(&n_nets);
    if (o->net && !tune_net_find(o->net)) {
        fprintf(stderr, "oclnn tune: unknown network \"%s\" (built in:", o->net);
        for (size_t i = 0; i < n_nets; i++) fprintf(stderr, " %s", nets[i].name);
        fprintf(stderr, ")\n");
        return TOOL_USAGE;
    }
    if (!o->net && !o->all_builtin && *n_shapes == 0) o->net = "resnet50";
    for (size_t i = 0; i < n_nets; i++) {
        if (!o->all_builtin && !(o->net && !strcmp(o->net, nets[i].name))) continue;
        for (size_t j = 0; j < nets[i].count; j++) {
            char name[48];
            snprintf(name, sizeof name, "%s:%s", nets[i].name, nets[i].shapes[j].name);
            oclnn_conv2d_desc d = tune_shape_desc(&nets[i].shapes[j]);
            if (!add_shape(shapes, n_shapes, name, &d, nets[i].shapes[j].count)) return TOOL_USAGE;
        }
    }
    return 0;
}

/* NCHW vs NHWC: the network's convolutions (weighted by count) with the tuned database loaded,
 * alternating layouts shape by shape so that load changes hit both alike. */
static bool measure_layout(const options *o, const char *db_path, shape *shapes, size_t n, double ms[2]) {
    oclnn_context *ctx = make_context(o, db_path);
    if (!ctx) return false;
    static const oclnn_layout layouts[2] = {OCLNN_LAYOUT_NCHW, OCLNN_LAYOUT_NHWC};
    ms[0] = ms[1] = 0;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        if (!shape_data(&shapes[i], OCLNN_LAYOUT_NCHW, false)) {
            ok = false;
            break;
        }
        for (int l = 0; l < 2 && ok; l++) {
            bench_op b;
            if (bench_op_make(ctx, &shapes[i], OCLNN_CONV_ALGO_AUTO, layouts[l], &b) != OCLNN_OK) {
                fprintf(stderr, "oclnn tune: layout measurement: %s\n", oclnn_last_error());
                ok = false;
                break;
            }
            double t = bench_op_time(ctx, &b, 5, TIME_TARGET_MS);
            bench_op_free(&b);
            if (t < 0) ok = false;
            ms[l] += t * shapes[i].count;
        }
        fprintf(stderr, "\r  layout: %zu/%zu shapes, NCHW %.1f ms, NHWC %.1f ms   ", i + 1, n, ms[0], ms[1]);
    }
    fprintf(stderr, "\n");
    oclnn_context_destroy(ctx);
    return ok;
}

/* The end-to-end summary: AUTO on an untuned context vs AUTO on one that loaded the database. */
static void summary(const options *o, const char *db_path, shape *shapes, size_t n) {
    oclnn_context *plain = make_context(o, "none"), *tuned = make_context(o, db_path);
    if (!plain || !tuned) {
        oclnn_context_destroy(plain);
        oclnn_context_destroy(tuned);
        return;
    }
    oclnn_layout lp = oclnn_context_layout(plain), lt = oclnn_context_layout(tuned);
    printf("\nend to end, AUTO on an untuned context vs one that loaded the database (interleaved):\n"
           "%-34s %5s  %-12s %10s  %-12s %10s %8s\n", "shape", "count", "default", "ms", "tuned", "ms", "speedup");
    double total_default = 0, total_tuned = 0;
    for (size_t i = 0; i < n; i++) {
        shape *s = &shapes[i];
        if (!shape_data(s, lp, false)) continue;
        bench_op a, b;
        if (bench_op_make(plain, s, OCLNN_CONV_ALGO_AUTO, lp, &a) != OCLNN_OK) continue;
        if (bench_op_make(tuned, s, OCLNN_CONV_ALGO_AUTO, lt, &b) != OCLNN_OK) {
            bench_op_free(&a);
            continue;
        }
        /* Interleaved: A B A B A B, medians of each. */
        double ta[CONFIRM_ROUNDS], tb[CONFIRM_ROUNDS];
        for (int r = 0; r < CONFIRM_ROUNDS; r++) {
            ta[r] = bench_op_time(plain, &a, 3, 0);
            tb[r] = bench_op_time(tuned, &b, 3, 0);
        }
        qsort(ta, CONFIRM_ROUNDS, sizeof *ta, cmp_double);
        qsort(tb, CONFIRM_ROUNDS, sizeof *tb, cmp_double);
        printf("%-34.34s %5u  %-12s %10.3f  %-12s %10.3f %7.2fx\n", s->name, s->count,
               oclnn_op_algorithm(a.op), ta[CONFIRM_ROUNDS / 2], oclnn_op_algorithm(b.op), tb[CONFIRM_ROUNDS / 2],
               ta[CONFIRM_ROUNDS / 2] / tb[CONFIRM_ROUNDS / 2]);
        fflush(stdout);
        total_default += ta[CONFIRM_ROUNDS / 2] * s->count;
        total_tuned += tb[CONFIRM_ROUNDS / 2] * s->count;
        bench_op_free(&a);
        bench_op_free(&b);
    }
    printf("%-34s %5s  %-12s %10.3f  %-12s %10.3f %7.2fx\n", "total (weighted by count)", "", layout_name(lp),
           total_default, layout_name(lt), total_tuned, total_default / total_tuned);
    oclnn_context_destroy(plain);
    oclnn_context_destroy(tuned);
}


/* One (family, shape) search; its best goes into the database (saved). */
static bool run_job(tuner *t, const options *o, oclnn__tune_db *db, shape *s, oclnn_conv_algo algo, size_t j,
                    size_t n_jobs, double start, const oclnn__tune_limits *lim, const char *path) {
    if (!shape_data(s, t->layout, true)) return false;
    t->s = s;
    t->algo = algo;
    t->sp = oclnn__conv2d_space(algo);
    t->job = j + 1;
    t->jobs = n_jobs;
    t->best_ms = t->default_ms = -1;
    double left_s = o->budget - (now_ms() - start) / 1e3;
    oclnn__tune_job job = {0};
    job.space = t->sp;
    job.limits = *lim;
    job.strategy = o->strategy;
    job.budget_s = fmax(left_s / (double)(n_jobs - j), 1e-3);
    job.seed = o->seed + j;
    job.measure = measure;
    job.progress = progress;
    job.user = t;
    oclnn__tune_result r;
    if (!oclnn__tune_search(&job, &r)) return false;
    if (t->tty) fprintf(stderr, "\r%120s\r", "");
    char params[160] = "(no candidate ran)";
    if (r.found) {
        char why[256];
        oclnn__tune_values_str(t->sp, &r.best, ' ', params, sizeof params);
        if (!oclnn__tune_db_put(db, t->sp, s->problem, &r.best, r.best_ms)) return false;
        if (!oclnn__tune_db_save(db, path, why, sizeof why)) {
            fprintf(stderr, "oclnn tune: %s\n", why);
            return false;
        }
    }
    fprintf(stderr, "[%zu/%zu] %-14s %-30.30s default %8.3f  best %8.3f ms  %s  [%zu/%zu tried, %zu failed, %zu wrong%s]\n",
            j + 1, n_jobs, t->sp->family, s->name, r.default_measured ? r.default_ms : NAN,
            r.found ? r.best_ms : NAN, params, r.evaluated, r.valid, r.failed, r.wrong,
            r.out_of_budget ? ", budget" : "");
    return true;
}

typedef struct confirmed_row {
    size_t shape;
    double heuristic_ms, chosen_ms;
    oclnn_conv_algo chosen;
} confirmed_row;

int cmd_tune(int argc, char **argv) {
    static confirmed_row confirmed[MAX_SHAPES];
    size_t n_confirmed = 0;
    static shape shapes[MAX_SHAPES];
    size_t n_shapes = 0;
    options o;
    int rc = parse_args(argc, argv, &o, shapes, &n_shapes);
    if (rc) return rc < 0 ? TOOL_OK : rc;

    tuner t;
    memset(&t, 0, sizeof t);
    t.tty = isatty(2);
    t.ctx = make_context(&o, "none"); /* candidates are set by override; nothing else interferes */
    if (!t.ctx) return TOOL_FAIL;
    oclnn_device_info dev;
    oclnn_context_device(t.ctx, &dev);
    if (dev.backend != OCLNN_BACKEND_OPENCL) {
        fprintf(stderr, "oclnn tune: \"%s\" is the C backend, which has no tunable kernels\n", dev.name);
        oclnn_context_destroy(t.ctx);
        return TOOL_FAIL;
    }
    t.layout = o.layout ? o.layout : oclnn_context_layout(t.ctx);
    char path[1024];
    bool check_only = o.check;
    if (o.db) snprintf(path, sizeof path, "%s", o.db);
    else if (!oclnn__tune_default_path(dev.name, path, sizeof path)) {
        fprintf(stderr, "oclnn tune: no XDG_DATA_HOME or HOME to put the database in; use --db\n");
        oclnn_context_destroy(t.ctx);
        return TOOL_USAGE;
    }
    snprintf(t.inflight, sizeof t.inflight, "%s.inflight", path);

    /* Existing rows are kept (rows of shapes not tuned now stay); with --resume the pairs they
     * cover are not searched again. */
    oclnn__tune_db db;
    oclnn__tune_limits lim = oclnn__tune_limits_of(&dev);
    char why[256];
    oclnn__tune_load loaded = oclnn__tune_db_load(path, &dev, &lim, &db, why, sizeof why);
    if (loaded == OCLNN__TUNE_STALE || loaded == OCLNN__TUNE_CORRUPT)
        fprintf(stderr, "oclnn tune: starting a new database: %s\n", why);
    if (check_only) {
        oclnn_context_destroy(t.ctx);
        oclnn__tune_db_free(&db);
        if (loaded != OCLNN__TUNE_LOADED) {
            fprintf(stderr, "oclnn tune --check: %s is not a usable database (%s)\n", path,
                    loaded == OCLNN__TUNE_MISSING ? "missing" : why);
            return TOOL_FAIL;
        }
        summary(&o, path, shapes, n_shapes);
        for (size_t i = 0; i < n_shapes; i++) shape_free(&shapes[i]);
        return TOOL_OK;
    }
    if (o.resume) load_crashed(&t);
    char note[512];
    int used = snprintf(note, sizeof note, "oclnn tune");
    for (int i = 1; i < argc && used > 0 && (size_t)used < sizeof note; i++)
        used += snprintf(note + used, sizeof note - (size_t)used, " %s", argv[i]);
    snprintf(db.note, sizeof db.note, "%s", note);

    /* The jobs: every applicable tunable family of every shape. */
    oclnn__conv2d_caps caps = {OCLNN_BACKEND_OPENCL, false};
    typedef struct work { size_t shape; oclnn_conv_algo algo; } work;
    static work jobs[MAX_SHAPES * OCLNN_CONV_ALGO_COUNT];
    size_t n_jobs = 0, skipped = 0;
    for (size_t i = 0; i < n_shapes; i++)
        for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++) {
            const oclnn__tune_space *sp = oclnn__conv2d_space((oclnn_conv_algo)a);
            if (!sp || !family_wanted(&o, sp->family) || oclnn__conv2d_applies(&shapes[i].pb, (oclnn_conv_algo)a, &caps))
                continue;
            if (o.resume && oclnn__tune_db_find(&db, sp->family, shapes[i].problem)) {
                skipped++;
                continue;
            }
            jobs[n_jobs++] = (work){i, (oclnn_conv_algo)a};
        }
    fprintf(stderr, "oclnn tune: %s: %zu shapes, %zu kernel jobs (%zu already tuned), budget %.0f s, %s layout\n"
                    "  database %s\n",
            dev.name, n_shapes, n_jobs, skipped, o.budget, layout_name(t.layout), path);
    size_t out_n = 0;
    for (size_t i = 0; i < n_shapes; i++) {
        oclnn__conv2d_problem *pb = &shapes[i].pb;
        size_t dn = (size_t)pb->n * pb->k * pb->p * pb->q;
        if (dn > out_n) out_n = dn;
    }
    t.got = malloc((out_n ? out_n : 1) * sizeof *t.got);
    double start = now_ms();
    int status = TOOL_OK;
    printf("\n");
    size_t j = 0;
    double total_heuristic = 0, total_chosen = 0;
    for (size_t i = 0; i < n_shapes && status == TOOL_OK && t.got; i++) {
        for (; j < n_jobs && jobs[j].shape == i; j++) {
            if (!run_job(&t, &o, &db, &shapes[i], jobs[j].algo, j, n_jobs, start, &lim, path)) {
                status = TOOL_FAIL;
                break;
            }
        }
        double h, c;
        oclnn_conv_algo chosen = OCLNN_CONV_ALGO_AUTO;
        if (status == TOOL_OK && !confirm_shape(&t, &db, &shapes[i], path, &h, &c, &chosen)) status = TOOL_FAIL;
        if (status == TOOL_OK) {
            confirmed[n_confirmed++] = (confirmed_row){i, h, c, chosen};
            total_heuristic += h * shapes[i].count;
            total_chosen += c * shapes[i].count;
        }
    }
    if (n_confirmed) {
        oclnn__conv2d_caps caps0 = {OCLNN_BACKEND_OPENCL, false};
        printf("per shape, interleaved in one context (%s): heuristic with default parameters vs the\n"
               "fastest tuned family\n%-34s %5s  %-10s %10s  %-10s %10s %8s\n",
               layout_name(t.layout), "shape", "count", "default", "ms", "tuned", "ms", "speedup");
        for (size_t i = 0; i < n_confirmed; i++) {
            const confirmed_row *c = &confirmed[i];
            printf("%-34.34s %5u  %-10s %10.3f  %-10s %10.3f %7.2fx\n", shapes[c->shape].name, shapes[c->shape].count,
                   oclnn_conv_algo_name(oclnn__conv2d_choose(&shapes[c->shape].pb, &caps0)), c->heuristic_ms,
                   oclnn_conv_algo_name(c->chosen), c->chosen_ms, c->heuristic_ms / c->chosen_ms);
        }
        printf("%-34s %5s  %-10s %10.3f  %-10s %10.3f %7.2fx\n", "total (weighted by count)", "", "", total_heuristic,
               "", total_chosen, total_heuristic / total_chosen);
        fflush(stdout);
    }
    remove(t.inflight);
    oclnn_context_destroy(t.ctx);
    free(t.got);
    if (status == TOOL_OK && !db.n_rows) {
        fprintf(stderr, "oclnn tune: nothing was tuned\n");
        status = TOOL_FAIL;
    }
    if (status == TOOL_OK && !o.no_layout) {
        /* The layout is measured on ResNet-50 (weighted by layer count), whatever was tuned. */
        static shape net[MAX_SHAPES];
        size_t n_net = 0;
        const tune_net *rn = tune_net_find("resnet50");
        for (size_t i = 0; i < rn->count; i++) {
            oclnn_conv2d_desc d = tune_shape_desc(&rn->shapes[i]);
            add_shape(net, &n_net, rn->shapes[i].name, &d, rn->shapes[i].count);
        }
        double ms[2];
        if (measure_layout(&o, path, net, n_net, ms)) {
            /* A difference within LAYOUT_MARGIN is noise on a shared machine: the device rule's
             * layout stays (the row still records that it was measured). */
            bool rule_nhwc = oclnn__device_layout_rule(&dev) == OCLNN_LAYOUT_NHWC;
            bool nhwc = fabs(ms[0] - ms[1]) < LAYOUT_MARGIN * fmax(ms[0], ms[1]) ? rule_nhwc : ms[1] < ms[0];
            oclnn__tune_values v = {{nhwc ? 1 : 0}};
            oclnn__tune_db_put(&db, &oclnn__tune_space_layout, "resnet50", &v, fmin(ms[0], ms[1]));
            if (!oclnn__tune_db_save(&db, path, why, sizeof why)) fprintf(stderr, "oclnn tune: %s\n", why);
            printf("\nlayout (ResNet-50 convolutions, tuned): NCHW %.1f ms, NHWC %.1f ms -> %s%s\n", ms[0], ms[1],
                   v.v[0] ? "NHWC" : "NCHW",
                   fabs(ms[0] - ms[1]) < LAYOUT_MARGIN * fmax(ms[0], ms[1]) ? " (within 3%: the device rule)" : "");
        }
        for (size_t i = 0; i < n_net; i++) shape_free(&net[i]);
    }
    if (status == TOOL_OK) summary(&o, path, shapes, n_shapes);
    fprintf(stderr, "oclnn tune: %zu entries in %s (%.0f s)\n", db.n_rows, path, (now_ms() - start) / 1e3);
    oclnn__tune_db_free(&db);
    for (size_t i = 0; i < n_shapes; i++) shape_free(&shapes[i]);
    return status;
}
