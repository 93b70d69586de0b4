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
#include <unistd.h>

#include "bench.h"
#include "core/clock.h"
#include "core/device.h"
#include "ops/conv2d.h"
#include "ref/ref.h"
#include "tune/db.h"
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
        double t0 = oclnn__now_ms();
        if (oclnn_conv2d_run(b->op, b->src, b->dst, NULL) != OCLNN_OK || oclnn_context_finish(ctx) != OCLNN_OK)
            return -1;
        t[runs++] = oclnn__now_ms() - t0;
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

/* Reads the in-flight file a crashed run left behind. */
static void load_crashed(tuner *t) {
    FILE *f = fopen(t->inflight, "r");
    if (!f) return;
    char line[400];
    while (t->n_crashed < 16 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0]) continue;
        fprintf(stderr, "oclnn tune: the previous run stopped inside \"%s\": skipping it\n", line);
        snprintf(t->crashed[t->n_crashed++], sizeof t->crashed[0], "%s", line);
    }
    fclose(f);
}

typedef struct job_result {
    double default_ms, tuned_ms;
    bool measured;
} job_result;

typedef struct conv_list {
    const char *text[MAX_SHAPES];
    size_t n;
} conv_list;

static const char *opt_conv(const char *v, void *dst) {
    conv_list *l = dst;
    if (l->n == MAX_SHAPES) return "at most 64 --conv shapes";
    l->text[l->n++] = v;
    return NULL;
}

static const char *opt_strategy(const char *v, void *dst) {
    return oclnn__tune_strategy_parse(v, dst) ? NULL : "exhaustive, random or anneal";
}

static const char *opt_tune_layout(const char *v, void *dst) {
    oclnn_layout l;
    if (opt_layout(v, &l) || l == OCLNN_LAYOUT_AUTO) return "nchw or nhwc";
    *(oclnn_layout *)dst = l;
    return NULL;
}

static int parse_args(int argc, char **argv, options *o, shape *shapes, size_t *n_shapes) {
    memset(o, 0, sizeof *o);
    o->budget = 600;
    o->strategy = OCLNN__TUNE_ANNEAL;
    o->seed = 1;
    static conv_list convs;
    const tool_opt opts[] = {
        {"device", "D", "\"P:D\" or a name substring (default: OCLNN_DEVICE, then best)", opt_string, &o->device},
        {"net", "NAME", "a built-in network's convolutions (default: resnet50)", opt_string, &o->net},
        {"conv", "PROBLEM", "one convolution as bench prints it, e.g. n1c64h56w56k64r3s3pad1 (repeatable)",
         opt_conv, &convs},
        {"all-builtin", NULL, "every built-in network", NULL, &o->all_builtin},
        {"budget", "SECONDS", "total search time, shared by the shapes (default 600)", opt_positive, &o->budget},
        {"strategy", "S", "exhaustive, random or anneal: the search order (default anneal)", opt_strategy,
         &o->strategy},
        {"db", "FILE", "the database to write (default: the device's, as contexts load it)", opt_string, &o->db},
        {"resume", NULL, "keep (family, shape) pairs already in FILE; skip candidates that crashed before", NULL,
         &o->resume},
        {"kernels", "K,K...", "only these families (conv_im2col, conv_gemm1x1, conv_winograd2, conv_winograd4, "
                              "conv_direct, conv_depthwise)", opt_string, &o->kernels},
        {"layout", "L", "nchw or nhwc: the layout candidates are timed in (default: the device's)",
         opt_tune_layout, &o->layout},
        {"no-layout", NULL, "do not measure NCHW against NHWC", NULL, &o->no_layout},
        {"check", NULL, "change nothing: only time default against tuned, end to end", NULL, &o->check},
        {"seed", "N", "seed of the random and anneal strategies (default 1)", opt_u64, &o->seed},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {
        "tune", "",
        "Tunes the convolution kernels for one device and writes its tuning database, which every\n"
        "later context on that device loads. PROBLEM is a problem string as oclnn prints them:\n"
        "  n<N>c<C>h<H>w<W>k<K>r<R>s<S>[st<SH>x<SW>][pad<T>,<B>,<L>,<R>][dil<DH>x<DW>][g<G>][_nchw|_nhwc]\n"
        "e.g. n1c64h56w56k64r3s3pad1 (st, pad, dil and g default to 1x1, 0, 1x1 and 1; pad also takes\n"
        "H,W; a layout suffix acts as --layout). Progress goes to stderr; the summary table to stdout.",
        opts, NULL, 0, 0};
    const char *args[1];
    int n_args;
    int rc = tool_parse(&cmd, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc;
    for (size_t i = 0; i < convs.n; i++) {
        oclnn__conv2d_problem pb;
        if (oclnn__conv2d_problem_parse(convs.text[i], &pb) != OCLNN_OK)
            return tool_usage_error(&cmd, "--conv: %s", tool_last_error());
        if (pb.layout != OCLNN_LAYOUT_AUTO) { /* a layout suffix says what --layout does */
            if (o->layout != OCLNN_LAYOUT_AUTO && o->layout != pb.layout)
                return tool_usage_error(&cmd, "--conv \"%s\": the layout suffix contradicts --layout or another "
                                        "--conv", convs.text[i]);
            o->layout = pb.layout;
        }
        oclnn_conv2d_desc d = conv_desc_of(&pb);
        d.has_bias = true; /* as after batch-norm folding */
        if (!add_shape(shapes, n_shapes, convs.text[i], &d, 1)) return TOOL_USAGE;
    }
    if (o->kernels) {
        for (const char *p = o->kernels; *p;) {
            size_t n = strcspn(p, ",");
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), p);
            const oclnn__tune_space *sp = oclnn__tune_space_find(name);
            if (!sp || sp == &oclnn__tune_space_layout) {
                return tool_usage_error(&cmd, "--kernels \"%s\": unknown kernel family \"%s\"", o->kernels, name);
            }
            p += n + (p[n] == ',');
        }
    }
    size_t n_nets;
    const tune_net *nets = tune_nets(&n_nets);
    if (o->net && !tune_net_find(o->net)) {
        fprintf(stderr, "oclnn tune: --net \"%s\": unknown network (built in:", o->net);
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
    double left_s = o->budget - (oclnn__now_ms() - start) / 1e3;
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
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;

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
    double start = oclnn__now_ms();
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
    fprintf(stderr, "oclnn tune: %zu entries in %s (%.0f s)\n", db.n_rows, path, (oclnn__now_ms() - start) / 1e3);
    oclnn__tune_db_free(&db);
    for (size_t i = 0; i < n_shapes; i++) shape_free(&shapes[i]);
    return status;
}
