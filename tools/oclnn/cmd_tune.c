/* SPDX-License-Identifier: MIT */
/* `oclnn tune`: searches the compile-time parameters of each convolution kernel family on real
 * shapes, verifies every candidate against the double-precision reference before timing it,
 * keeps the fastest per (family, shape) in the device's tuning database, then measures NCHW
 * against NHWC on ResNet-50 and records the faster layout. Ends with a table of default vs tuned
 * time per shape, both measured end to end (AUTO algorithm choice, untuned context vs a context
 * that loaded the new database). The arguments and the problem list are in tune_args.c; the
 * search job (what is built, verified, timed and recorded) is src/tune/job.c. This file runs the
 * jobs in order and prints. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/device.h"
#include "ops/conv2d.h"
#include "tune.h"
#include "tune/tune.h"
#include "tune_shapes.h"

/* Layout and end-to-end measurements time each configuration for about this long. */
#define TIME_TARGET_MS 300.0
/* NCHW and NHWC closer than this fraction: keep the device rule's layout. */
#define LAYOUT_MARGIN 0.03

static oclnn_context *make_context(const tune_options *o, const char *tuning_db) {
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

/* What the tool shows while a job runs. */
typedef struct show {
    bool tty;
    size_t job, jobs;
    const char *family, *name;
    double best_ms;
} show;

static void show_note(void *user, oclnn__tune_outcome outcome, const char *text) {
    const show *s = user;
    if (outcome == OCLNN__TUNE_WRONG) fprintf(stderr, "\n    %s\n", text);
    else if (!s->tty) fprintf(stderr, "    %s\n", text);
}

static void show_progress(void *user, size_t done, size_t total, oclnn__tune_outcome outcome, double ms) {
    show *s = user;
    if (outcome == OCLNN__TUNE_MEASURED && (s->best_ms < 0 || ms < s->best_ms)) s->best_ms = ms;
    if (!s->tty) return;
    char bar[21];
    size_t fill = total ? done * 20 / total : 20;
    for (size_t i = 0; i < 20; i++) bar[i] = i < fill ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r[%2zu/%zu] %-14s %-28.28s [%s] %3zu/%-3zu best %8.3f ms   ", s->job, s->jobs, s->family,
            s->name, bar, done, total, s->best_ms);
}

/* The families that apply to an item on OpenCL (all of them, not only those --kernels names:
 * the confirmation compares every family with a row). */
static size_t families_of(const tune_item *s, oclnn__tune_family *out) {
    oclnn__conv2d_caps caps = {OCLNN_BACKEND_OPENCL, false, OCLNN__DEVCLASS_CPU}; /* what applies */
    size_t n = 0;
    for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++) {
        const oclnn__tune_space *sp = oclnn__conv2d_space((oclnn_conv_algo)a);
        if (sp && !oclnn__conv2d_applies(&s->pb, (oclnn_conv_algo)a, &caps))
            out[n++] = (oclnn__tune_family){(oclnn_conv_algo)a, sp};
    }
    return n;
}

/* One (family, shape) search; its best goes into the database (saved). */
static bool run_job(oclnn__tuner *t, show *sh, const tune_options *o, oclnn__tune_db *db, tune_item *s,
                    oclnn__tune_family f, size_t j, size_t n_jobs, double start, const oclnn__tune_limits *lim,
                    const char *path) {
    if (!tune_item_data(s, t->layout, true)) {
        fprintf(stderr, "oclnn tune: out of memory\n");
        return false;
    }
    *sh = (show){sh->tty, j + 1, n_jobs, f.space->family, s->name, -1};
    double left_s = o->budget - (oclnn__now_ms() - start) / 1e3;
    oclnn__tune_job job = {0};
    job.limits = *lim;
    job.strategy = o->strategy;
    job.budget_s = fmax(left_s / (double)(n_jobs - j), 1e-3);
    job.seed = o->seed + j;
    oclnn__tune_result r;
    char why[256];
    if (!oclnn__tune_conv_search(t, &s->conv, f, job, db, path, &r, why, sizeof why)) {
        fprintf(stderr, "oclnn tune: %s\n", why);
        return false;
    }
    if (sh->tty) fprintf(stderr, "\r%120s\r", "");
    char params[160] = "(no candidate ran)";
    if (r.found) oclnn__tune_values_str(f.space, &r.best, ' ', params, sizeof params);
    fprintf(stderr, "[%zu/%zu] %-14s %-30.30s default %8.3f  best %8.3f ms  %s  [%zu/%zu tried, %zu failed, %zu wrong%s]\n",
            j + 1, n_jobs, f.space->family, s->name, r.default_measured ? r.default_ms : NAN,
            r.found ? r.best_ms : NAN, params, r.evaluated, r.valid, r.failed, r.wrong,
            r.out_of_budget ? ", budget" : "");
    return true;
}

/* Confirms an item's families in interleaved rounds (src/tune/job.h) and prints what was kept. */
static bool confirm(oclnn__tuner *t, oclnn__tune_db *db, tune_item *s, const char *path, double *heuristic_ms,
                    double *chosen_ms, oclnn_conv_algo *chosen) {
    if (!tune_item_data(s, t->layout, false)) {
        fprintf(stderr, "oclnn tune: out of memory\n");
        return false;
    }
    oclnn__tune_family fams[OCLNN_CONV_ALGO_COUNT];
    size_t n_fams = families_of(s, fams), n_out;
    oclnn__conv2d_caps caps = {OCLNN_BACKEND_OPENCL, false, OCLNN__DEVCLASS_CPU}; /* what applies */
    oclnn__tune_confirmed out[OCLNN_CONV_ALGO_COUNT];
    char why[256];
    if (!oclnn__tune_conv_confirm(t, &s->conv, fams, n_fams, oclnn__conv2d_choose(&s->pb, &caps), db, path, out,
                                  &n_out, chosen, heuristic_ms, chosen_ms, why, sizeof why)) {
        fprintf(stderr, "oclnn tune: %s\n", why);
        return false;
    }
    for (size_t i = 0; i < n_out; i++) {
        char params[160];
        oclnn__tune_values_str(out[i].family.space, &out[i].kept, ' ', params, sizeof params);
        fprintf(stderr, "  %-14s %-30.30s default %8.3f  tuned %8.3f ms  -> %s%s\n", out[i].family.space->family,
                s->name, out[i].default_ms, out[i].tuned_ms, params, out[i].kept_default ? " (default)" : "");
    }
    return true;
}

static bool measure_layout(const tune_options *o, const char *db_path, tune_item *shapes, size_t n, double ms[2]) {
    oclnn_context *ctx = make_context(o, db_path);
    if (!ctx) return false;
    static const oclnn_layout layouts[2] = {OCLNN_LAYOUT_NCHW, OCLNN_LAYOUT_NHWC};
    ms[0] = ms[1] = 0;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        if (!tune_item_data(&shapes[i], OCLNN_LAYOUT_NCHW, false)) {
            ok = false;
            break;
        }
        for (int l = 0; l < 2 && ok; l++) {
            oclnn__tune_bench b;
            if (oclnn__tune_bench_make(ctx, &shapes[i].conv, OCLNN_CONV_ALGO_AUTO, layouts[l], &b) != OCLNN_OK) {
                fprintf(stderr, "oclnn tune: layout measurement: %s\n", oclnn_last_error());
                ok = false;
                break;
            }
            double t = oclnn__tune_bench_time(ctx, &b, 5, TIME_TARGET_MS);
            oclnn__tune_bench_free(&b);
            if (t < 0) ok = false;
            ms[l] += t * shapes[i].count;
        }
        fprintf(stderr, "\r  layout: %zu/%zu shapes, NCHW %.1f ms, NHWC %.1f ms   ", i + 1, n, ms[0], ms[1]);
    }
    fprintf(stderr, "\n");
    oclnn_context_destroy(ctx);
    return ok;
}
static void summary(const tune_options *o, const char *db_path, tune_item *shapes, size_t n) {
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
        tune_item *s = &shapes[i];
        if (!tune_item_data(s, lp, false)) continue;
        oclnn__tune_bench a, b;
        if (oclnn__tune_bench_make(plain, &s->conv, OCLNN_CONV_ALGO_AUTO, lp, &a) != OCLNN_OK) continue;
        if (oclnn__tune_bench_make(tuned, &s->conv, OCLNN_CONV_ALGO_AUTO, lt, &b) != OCLNN_OK) {
            oclnn__tune_bench_free(&a);
            continue;
        }
        /* Interleaved: A B A B A B, medians of each. */
        double ta[OCLNN__TUNE_CONFIRM_ROUNDS], tb[OCLNN__TUNE_CONFIRM_ROUNDS];
        for (int r = 0; r < OCLNN__TUNE_CONFIRM_ROUNDS; r++) {
            ta[r] = oclnn__tune_bench_time(plain, &a, 3, 0);
            tb[r] = oclnn__tune_bench_time(tuned, &b, 3, 0);
        }
        double ma = oclnn__tune_median(ta, OCLNN__TUNE_CONFIRM_ROUNDS);
        double mb = oclnn__tune_median(tb, OCLNN__TUNE_CONFIRM_ROUNDS);
        printf("%-34.34s %5u  %-12s %10.3f  %-12s %10.3f %7.2fx\n", s->name, s->count, oclnn_op_algorithm(a.op), ma,
               oclnn_op_algorithm(b.op), mb, ma / mb);
        fflush(stdout);
        total_default += ma * s->count;
        total_tuned += mb * s->count;
        oclnn__tune_bench_free(&a);
        oclnn__tune_bench_free(&b);
    }
    printf("%-34s %5s  %-12s %10.3f  %-12s %10.3f %7.2fx\n", "total (weighted by count)", "", layout_name(lp),
           total_default, layout_name(lt), total_tuned, total_default / total_tuned);
    oclnn_context_destroy(plain);
    oclnn_context_destroy(tuned);
}

/* The NCHW/NHWC step: measured on ResNet-50 (weighted by layer count), whatever was tuned. */
static void choose_layout(const tune_options *o, const oclnn_device_info *dev, oclnn__tune_db *db,
                          const char *path) {
    static tune_item net[TUNE_MAX_ITEMS];
    size_t n_net = 0;
    const tune_net *rn = tune_net_find("resnet50");
    for (size_t i = 0; i < rn->count; i++) {
        oclnn_conv2d_desc d = tune_shape_desc(&rn->shapes[i]);
        tune_add(net, &n_net, rn->shapes[i].name, &d, rn->shapes[i].count);
    }
    double ms[2];
    if (measure_layout(o, path, net, n_net, ms)) {
        /* A difference within LAYOUT_MARGIN is noise on a shared machine: the device rule's
         * layout stays (the row still records that it was measured). */
        bool close = fabs(ms[0] - ms[1]) < LAYOUT_MARGIN * fmax(ms[0], ms[1]);
        bool nhwc = close ? oclnn__device_layout_rule(dev) == OCLNN_LAYOUT_NHWC : ms[1] < ms[0];
        oclnn__tune_values v = {{nhwc ? 1 : 0}};
        char why[256];
        oclnn__tune_db_put(db, &oclnn__tune_space_layout, "resnet50", &v, fmin(ms[0], ms[1]));
        if (!oclnn__tune_db_save(db, path, why, sizeof why)) fprintf(stderr, "oclnn tune: %s\n", why);
        printf("\nlayout (ResNet-50 convolutions, tuned): NCHW %.1f ms, NHWC %.1f ms -> %s%s\n", ms[0], ms[1],
               nhwc ? "NHWC" : "NCHW", close ? " (within 3%: the device rule)" : "");
    }
    for (size_t i = 0; i < n_net; i++) tune_item_free(&net[i]);
}

/* One job: a family of one item. */
typedef struct work {
    size_t item;
    oclnn__tune_family family;
} work;

/* Every wanted family of every item, minus (with --resume) those the database has. */
static size_t list_jobs(const tune_options *o, tune_item *items, size_t n_items, const oclnn__tune_db *db,
                        work *jobs, size_t *skipped) {
    size_t n = 0;
    *skipped = 0;
    for (size_t i = 0; i < n_items; i++) {
        oclnn__tune_family fams[OCLNN_CONV_ALGO_COUNT];
        size_t n_fams = families_of(&items[i], fams);
        for (size_t f = 0; f < n_fams; f++) {
            if (!tune_family_wanted(o, fams[f].space->family)) continue;
            if (o->resume && oclnn__tune_db_find(db, fams[f].space->family, items[i].problem)) {
                ++*skipped;
                continue;
            }
            jobs[n++] = (work){i, fams[f]};
        }
    }
    return n;
}

/* Per item: heuristic with default parameters vs the fastest tuned family, as confirmed. */
typedef struct confirmed_row {
    double heuristic_ms, chosen_ms;
    oclnn_conv_algo chosen;
} confirmed_row;

static void print_confirmed(oclnn_layout layout, const tune_item *items, const confirmed_row *rows, size_t n) {
    oclnn__conv2d_caps caps = {OCLNN_BACKEND_OPENCL, false, OCLNN__DEVCLASS_CPU}; /* what applies */
    double total_heuristic = 0, total_chosen = 0;
    printf("per shape, interleaved in one context (%s): heuristic with default parameters vs the\n"
           "fastest tuned family\n%-34s %5s  %-10s %10s  %-10s %10s %8s\n",
           layout_name(layout), "shape", "count", "default", "ms", "tuned", "ms", "speedup");
    for (size_t i = 0; i < n; i++) {
        const confirmed_row *c = &rows[i];
        printf("%-34.34s %5u  %-10s %10.3f  %-10s %10.3f %7.2fx\n", items[i].name, items[i].count,
               oclnn_conv_algo_name(oclnn__conv2d_choose(&items[i].pb, &caps)), c->heuristic_ms,
               oclnn_conv_algo_name(c->chosen), c->chosen_ms, c->heuristic_ms / c->chosen_ms);
        total_heuristic += c->heuristic_ms * items[i].count;
        total_chosen += c->chosen_ms * items[i].count;
    }
    printf("%-34s %5s  %-10s %10.3f  %-10s %10.3f %7.2fx\n", "total (weighted by count)", "", "", total_heuristic,
           "", total_chosen, total_heuristic / total_chosen);
    fflush(stdout);
}

/* The search and confirmation of every item, in order; false after a failure (printed). */
static bool tune_all(oclnn__tuner *t, show *sh, const tune_options *o, tune_item *items, size_t n_items,
                     oclnn__tune_db *db, const oclnn__tune_limits *lim, const char *path, const char *device) {
    static work jobs[TUNE_MAX_ITEMS * OCLNN_CONV_ALGO_COUNT];
    static confirmed_row rows[TUNE_MAX_ITEMS];
    size_t skipped, n_jobs = list_jobs(o, items, n_items, db, jobs, &skipped), j = 0, i = 0;
    fprintf(stderr, "oclnn tune: %s: %zu shapes, %zu kernel jobs (%zu already tuned), budget %.0f s, %s layout\n"
                    "  database %s\n",
            device, n_items, n_jobs, skipped, o->budget, layout_name(t->layout), path);
    double start = oclnn__now_ms();
    bool ok = true;
    printf("\n");
    for (; i < n_items && ok; i++) {
        for (; j < n_jobs && jobs[j].item == i && ok; j++)
            ok = run_job(t, sh, o, db, &items[i], jobs[j].family, j, n_jobs, start, lim, path);
        ok = ok && confirm(t, db, &items[i], path, &rows[i].heuristic_ms, &rows[i].chosen_ms, &rows[i].chosen);
    }
    size_t n_rows = ok ? i : i - 1;
    if (n_rows) print_confirmed(t->layout, items, rows, n_rows);
    return ok;
}

/* The tuner's context, its device and the database path; false after printing why. */
static int open_tuner(const tune_options *o, oclnn__tuner *t, oclnn_device_info *dev, char *path, size_t size) {
    t->ctx = make_context(o, "none"); /* candidates are set by override; nothing else interferes */
    if (!t->ctx) return TOOL_FAIL;
    oclnn_context_device(t->ctx, dev);
    if (dev->backend != OCLNN_BACKEND_OPENCL) {
        fprintf(stderr, "oclnn tune: \"%s\" is the C backend, which has no tunable kernels\n", dev->name);
        return TOOL_FAIL;
    }
    t->layout = o->layout ? o->layout : oclnn_context_layout(t->ctx);
    if (o->db) snprintf(path, size, "%s", o->db);
    else if (!oclnn__tune_default_path(dev->name, path, size)) {
        fprintf(stderr, "oclnn tune: no XDG_DATA_HOME or HOME to put the database in; use --db\n");
        return TOOL_USAGE;
    }
    snprintf(t->inflight, sizeof t->inflight, "%s.inflight", path);
    return TOOL_OK;
}

/* Keeps the command line in the database's note. */
static void set_note(oclnn__tune_db *db, int argc, char **argv) {
    int used = snprintf(db->note, sizeof db->note, "oclnn tune");
    for (int i = 1; i < argc && used > 0 && (size_t)used < sizeof db->note; i++)
        used += snprintf(db->note + used, sizeof db->note - (size_t)used, " %s", argv[i]);
}

int cmd_tune(int argc, char **argv) {
    static tune_item items[TUNE_MAX_ITEMS];
    size_t n_items = 0;
    tune_options o;
    int rc = tune_parse(argc, argv, &o, items, &n_items);
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;
    show sh = {isatty(2), 0, 0, "", "", -1};
    oclnn__tuner t = {0};
    t.note = show_note;
    t.progress = show_progress;
    t.user = &sh;
    oclnn_device_info dev;
    char path[1024];
    rc = open_tuner(&o, &t, &dev, path, sizeof path);
    /* Existing rows are kept (rows of shapes not tuned now stay); with --resume the pairs they
     * cover are not searched again. */
    oclnn__tune_db db;
    oclnn__tune_limits lim = oclnn__tune_limits_of(&dev);
    char why[256];
    oclnn__tune_load loaded = OCLNN__TUNE_MISSING;
    bool have_db = rc == TOOL_OK;
    if (have_db) loaded = oclnn__tune_db_load(path, &dev, &lim, &db, why, sizeof why);
    if (rc == TOOL_OK && (loaded == OCLNN__TUNE_STALE || loaded == OCLNN__TUNE_CORRUPT))
        fprintf(stderr, "oclnn tune: starting a new database: %s\n", why);
    if (rc == TOOL_OK && o.check) {
        if (loaded != OCLNN__TUNE_LOADED) {
            fprintf(stderr, "oclnn tune --check: %s is not a usable database (%s)\n", path,
                    loaded == OCLNN__TUNE_MISSING ? "missing" : why);
            rc = TOOL_FAIL;
        } else
            summary(&o, path, items, n_items);
    } else if (rc == TOOL_OK) {
        if (o.resume)
            for (size_t i = 0, n = oclnn__tuner_load_crashed(&t); i < n; i++)
                fprintf(stderr, "oclnn tune: the previous run stopped inside \"%s\": skipping it\n", t.crashed[i]);
        set_note(&db, argc, argv);
        double start = oclnn__now_ms();
        if (!tune_all(&t, &sh, &o, items, n_items, &db, &lim, path, dev.name)) rc = TOOL_FAIL;
        remove(t.inflight);
        oclnn_context_destroy(t.ctx);
        t.ctx = NULL;
        if (rc == TOOL_OK && !db.n_rows) {
            fprintf(stderr, "oclnn tune: nothing was tuned\n");
            rc = TOOL_FAIL;
        }
        if (rc == TOOL_OK && !o.no_layout) choose_layout(&o, &dev, &db, path);
        if (rc == TOOL_OK) summary(&o, path, items, n_items);
        fprintf(stderr, "oclnn tune: %zu entries in %s (%.0f s)\n", db.n_rows, path, (oclnn__now_ms() - start) / 1e3);
    }
    if (have_db) oclnn__tune_db_free(&db);
    oclnn_context_destroy(t.ctx);
    oclnn__tuner_free(&t);
    for (size_t i = 0; i < n_items; i++) tune_item_free(&items[i]);
    return rc;
}
