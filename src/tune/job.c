/* SPDX-License-Identifier: MIT */
/* The tuner's work on one convolution problem (see job.h): candidates are built through the
 * public API under tuning overrides, verified against the caller's reference, timed, and
 * recorded in the database. */
#include "tune/job.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/file.h"
#include "tune/tune.h"

/* Each candidate of a search is timed for about this long (median of 3 to 15 runs). */
#define TIME_TARGET_MS 300.0
#define MAX_RUNS 15

double oclnn__tune_verify_limit(oclnn_conv_algo algo) {
    if (algo == OCLNN_CONV_ALGO_WINOGRAD_6X6) return OCLNN__TUNE_VERIFY_REL_WINOGRAD6; /* issue 19 */
    return algo == OCLNN_CONV_ALGO_WINOGRAD_4X4 ? OCLNN__TUNE_VERIFY_REL_WINOGRAD4 : OCLNN__TUNE_VERIFY_REL;
}

void oclnn__tune_errors(const float *got, const float *ref, size_t n, double *max_abs, double *max_rel) {
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

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double oclnn__tune_median(double *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* ---- one configuration ---- */

void oclnn__tune_bench_free(oclnn__tune_bench *b) {
    oclnn_op_destroy(b->op);
    oclnn_tensor_destroy(b->src);
    oclnn_tensor_destroy(b->dst);
    memset(b, 0, sizeof *b);
}

oclnn_status oclnn__tune_bench_make(oclnn_context *ctx, const oclnn__tune_conv *conv, oclnn_conv_algo algo,
                                    oclnn_layout layout, oclnn__tune_bench *b) {
    memset(b, 0, sizeof *b);
    oclnn_conv2d_desc d = conv->desc;
    d.algo = algo;
    oclnn_status st = oclnn_conv2d_create(ctx, &d, conv->weights, conv->bias, &b->op);
    if (st == OCLNN_OK) st = oclnn_tensor_create(ctx, d.input, layout, &b->src);
    if (st == OCLNN_OK) st = oclnn_tensor_create(ctx, conv->dst_shape, layout, &b->dst);
    if (st == OCLNN_OK) st = oclnn_tensor_write(b->src, conv->src, layout);
    if (st != OCLNN_OK) oclnn__tune_bench_free(b);
    return st;
}

static oclnn_status run_once(oclnn_context *ctx, oclnn__tune_bench *b) {
    oclnn_status st = oclnn_conv2d_run(b->op, b->src, b->dst, NULL);
    return st == OCLNN_OK ? oclnn_context_finish(ctx) : st;
}

double oclnn__tune_bench_time(oclnn_context *ctx, oclnn__tune_bench *b, int min_runs, double target_ms) {
    double t[MAX_RUNS];
    int runs = 0, want = min_runs;
    if (run_once(ctx, b) != OCLNN_OK) return -1;
    while (runs < want && runs < MAX_RUNS) {
        oclnn__context_timer_begin(ctx); /* kernel time from profiling events */
        oclnn_status st = oclnn_conv2d_run(b->op, b->src, b->dst, NULL);
        if (oclnn__context_timer_end(ctx, &t[runs]) != OCLNN_OK || st != OCLNN_OK) return -1;
        runs++;
        if (runs == 1) want = (int)fmax(min_runs, fmin(MAX_RUNS, target_ms / fmax(t[0], 1e-3)));
    }
    return oclnn__tune_median(t, (size_t)runs);
}

/* ---- crash recovery ---- */

static void write_inflight(const oclnn__tuner *t, const char *line) {
    if (!t->inflight[0]) return;
    FILE *f = fopen(t->inflight, "w");
    if (!f) return;
    if (line) fprintf(f, "%s\n", line);
    fflush(f);
    fsync(fileno(f));
    fclose(f);
}

size_t oclnn__tuner_load_crashed(oclnn__tuner *t) {
    /* a regular file of at most 64 KiB: a FIFO or device there is ignored, never waited on */
    void *data;
    size_t size;
    char why[512];
    if (!t->inflight[0] ||
        oclnn__file_read(t->inflight, (size_t)64 << 10, 0, &data, &size, why, sizeof why) != OCLNN__FILE_OK)
        return 0;
    for (char *line = data, *next; line && t->n_crashed < sizeof t->crashed / sizeof t->crashed[0];
         line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (line[0]) snprintf(t->crashed[t->n_crashed++], sizeof t->crashed[0], "%s", line);
    }
    free(data);
    return t->n_crashed;
}

void oclnn__tuner_free(oclnn__tuner *t) {
    free(t->got);
    t->got = NULL;
    t->got_n = 0;
}

static void note(const oclnn__tuner *t, oclnn__tune_outcome outcome, const char *fmt, ...) {
    if (!t->note) return;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    t->note(t->user, outcome, text);
}

/* ---- the search ---- */

/* The search's measurement: build the candidate under its override, check its output against the
 * reference, then time it. */
static oclnn__tune_outcome measure(void *user, const oclnn__tune_values *v, double *ms) {
    oclnn__tuner *t = user;
    const oclnn__tune_space *sp = t->family.space;
    char params[160], line[sizeof t->crashed[0]];
    oclnn__tune_values_str(sp, v, ',', params, sizeof params);
    snprintf(line, sizeof line, "%s %s %s", sp->family, t->conv->problem, params);
    for (size_t i = 0; i < t->n_crashed; i++)
        if (!strcmp(t->crashed[i], line)) return OCLNN__TUNE_FAILED;
    write_inflight(t, line); /* if the kernel takes the process down, a resumed run skips it */
    oclnn__tune_outcome out = OCLNN__TUNE_FAILED;
    oclnn__tune_bench b;
    if (oclnn_tuning_override(t->ctx, sp->family, params) != OCLNN_OK ||
        oclnn__tune_bench_make(t->ctx, t->conv, t->family.algo, t->layout, &b) != OCLNN_OK) {
        note(t, OCLNN__TUNE_FAILED, "%s: skipped (%s)", params, oclnn_last_error());
        goto done;
    }
    size_t n = oclnn_tensor_elements(b.dst);
    if (n > t->got_n) {
        float *got = realloc(t->got, n * sizeof *got);
        if (!got) goto free_bench;
        t->got = got, t->got_n = n;
    }
    if (run_once(t->ctx, &b) != OCLNN_OK || oclnn_tensor_read(b.dst, t->got, t->layout) != OCLNN_OK) goto free_bench;
    double max_abs, max_rel;
    oclnn__tune_errors(t->got, t->conv->ref, n, &max_abs, &max_rel);
    if (!(max_rel <= oclnn__tune_verify_limit(t->family.algo))) {
        note(t, OCLNN__TUNE_WRONG, "%s %s: wrong result (max rel error %.3g): rejected", sp->family, params, max_rel);
        out = OCLNN__TUNE_WRONG;
    } else {
        *ms = oclnn__tune_bench_time(t->ctx, &b, 3, t->time_target_ms > 0 ? t->time_target_ms : TIME_TARGET_MS);
        out = *ms >= 0 ? OCLNN__TUNE_MEASURED : OCLNN__TUNE_FAILED;
    }
free_bench:
    oclnn__tune_bench_free(&b);
done:
    write_inflight(t, NULL);
    oclnn_tuning_override(t->ctx, sp->family, NULL);
    return out;
}

static void search_progress(void *user, size_t done, size_t total, const oclnn__tune_values *v,
                            oclnn__tune_outcome outcome, double ms) {
    oclnn__tuner *t = user;
    (void)v;
    if (t->progress) t->progress(t->user, done, total, outcome, ms);
}

bool oclnn__tune_conv_search(oclnn__tuner *t, const oclnn__tune_conv *conv, oclnn__tune_family f,
                             oclnn__tune_job job, oclnn__tune_db *db, const char *path,
                             oclnn__tune_result *r, char *why, size_t size) {
    t->conv = conv;
    t->family = f;
    job.space = f.space;
    job.measure = measure;
    job.progress = search_progress;
    job.user = t;
    oclnn__tune_values start; /* the baseline is what the untuned device runs: its class default */
    if (!job.start && oclnn__tune_device_default(f.space, &t->ctx->device, t->ctx->devclass, &start))
        job.start = &start;
    if (!oclnn__tune_search(&job, r)) return snprintf(why, size, "out of memory"), false;
    if (!r->found) return true;
    if (!oclnn__tune_db_put(db, f.space, conv->problem, &r->best, r->best_ms))
        return snprintf(why, size, "out of memory"), false;
    return oclnn__tune_db_save(db, path, why, size);
}

/* ---- the confirmation ---- */

typedef struct contender {
    oclnn__tune_family f;
    oclnn__tune_values v;
    bool is_default;
    oclnn__tune_bench b;
    double t[OCLNN__TUNE_CONFIRM_ROUNDS], median;
} contender;

/* Builds every contender (each under its override), then times them in interleaved rounds. */
static bool time_contenders(oclnn__tuner *t, const oclnn__tune_conv *conv, contender *c, size_t n) {
    size_t made = 0;
    bool ok = true;
    for (; made < n && ok; made++) {
        char params[160];
        oclnn__tune_values_str(c[made].f.space, &c[made].v, ',', params, sizeof params);
        ok = oclnn_tuning_override(t->ctx, c[made].f.space->family, params) == OCLNN_OK &&
             oclnn__tune_bench_make(t->ctx, conv, c[made].f.algo, t->layout, &c[made].b) == OCLNN_OK;
        oclnn_tuning_override(t->ctx, c[made].f.space->family, NULL);
    }
    for (int r = 0; r < OCLNN__TUNE_CONFIRM_ROUNDS && ok; r++)
        for (size_t i = 0; i < n && ok; i++) ok = (c[i].t[r] = oclnn__tune_bench_time(t->ctx, &c[i].b, 3, 0)) >= 0;
    for (size_t i = 0; i < made; i++) oclnn__tune_bench_free(&c[i].b);
    for (size_t i = 0; i < n && ok; i++) c[i].median = oclnn__tune_median(c[i].t, OCLNN__TUNE_CONFIRM_ROUNDS);
    return ok;
}

bool oclnn__tune_conv_confirm(oclnn__tuner *t, const oclnn__tune_conv *conv, const oclnn__tune_family *families,
                              size_t n_families, oclnn_conv_algo heuristic, oclnn__tune_db *db, const char *path,
                              oclnn__tune_confirmed *out, size_t *n_out, oclnn_conv_algo *chosen,
                              double *heuristic_ms, double *chosen_ms, char *why, size_t size) {
    contender c[2 * OCLNN_CONV_ALGO_COUNT];
    size_t n = 0;
    for (size_t i = 0; i < n_families && n + 2 <= sizeof c / sizeof *c; i++) {
        const oclnn__tune_space *sp = families[i].space;
        const oclnn__tune_row *row = oclnn__tune_db_find(db, sp->family, conv->problem);
        if (!row && families[i].algo != heuristic) continue;
        /* "default": what the tuner's context (no database) uses: the class default, else the
         * kernel's */
        oclnn__tune_values def = oclnn__tune_lookup(t->ctx, sp, conv->problem, NULL);
        if (t->confirm_rows_only && row && families[i].algo != heuristic) def = row->values;
        c[n++] = (contender){families[i], def, true, {0}, {0}, 0};
        if (row && memcmp(&row->values, &def, sizeof def))
            c[n++] = (contender){families[i], row->values, false, {0}, {0}, 0};
    }
    *n_out = 0;
    if (!time_contenders(t, conv, c, n)) {
        snprintf(why, size, "confirming %s: %s", conv->name, oclnn_last_error());
        return false;
    }
    *heuristic_ms = NAN;
    *chosen_ms = INFINITY;
    *chosen = heuristic;
    double heuristic_kept = NAN;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].is_default) continue;
        bool tuned = i + 1 < n && !c[i + 1].is_default;
        const contender *keep = tuned && c[i + 1].median < c[i].median ? &c[i + 1] : &c[i];
        if (c[i].f.algo == heuristic) *heuristic_ms = c[i].median, heuristic_kept = keep->median;
        if (keep->median < *chosen_ms) *chosen_ms = keep->median, *chosen = keep->f.algo;
        /* Every contender's family gets its row (also the heuristic's, when it was not searched),
         * so that AUTO compares the same configurations as the confirmation did. */
        if (!oclnn__tune_db_put(db, keep->f.space, conv->problem, &keep->v, keep->median))
            return snprintf(why, size, "out of memory"), false;
        out[(*n_out)++] = (oclnn__tune_confirmed){c[i].f, c[i].median, tuned ? c[i + 1].median : c[i].median,
                                                  keep->v, keep == &c[i]};
    }
    /* As the library decides (oclnn__conv2d_choose_tuned): another algorithm only if clearly faster. */
    if (*chosen != heuristic && !(*chosen_ms <= heuristic_kept * (1.0 - OCLNN__TUNE_SWITCH_MARGIN)))
        *chosen = heuristic, *chosen_ms = heuristic_kept;
    return oclnn__tune_db_save(db, path, why, size);
}
