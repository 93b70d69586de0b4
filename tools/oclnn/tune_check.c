/* SPDX-License-Identifier: MIT */
/* What `oclnn tune` measures besides the searches (cmd_tune.c runs those): the untuned baseline
 * of every shape, the NCHW/NHWC step, and the end-to-end check of an untuned context against one
 * that loaded the new database, which pins back a shape the database made slower. */
#include <math.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/context.h"
#include "core/device.h"
#include "ops/conv2d.h"
#include "tune.h"
#include "tune/tune.h"
#include "tune_shapes.h"

/* Layout and end-to-end measurements time each configuration for about this long. */
#define TIME_TARGET_MS 300.0
/* NCHW and NHWC closer than this fraction: keep the device rule's layout. */
#define LAYOUT_MARGIN 0.03

oclnn_context *tune_context(const tune_options *o, const char *tuning_db) {
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

/* How the layout step times: each shape `rounds` times per layout, alternating, each round at
 * least min_runs runs or about target_ms; a shape is started only while its expected cost fits
 * before deadline_ms (0: no deadline). */
typedef struct layout_plan {
    int rounds, min_runs;
    double target_ms, deadline_ms;
} layout_plan;

/* Times shapes[order[0..n)] in NCHW and NHWC on a context with the database at db_path (count-
 * weighted sums to ms[]); returns how many shapes were timed, stopping at the deadline; *ok false
 * when a context or a run failed. */
static size_t measure_layout(const tune_options *o, const char *db_path, tune_item *shapes, const size_t *order,
                             size_t n, const layout_plan *p, double ms[2], bool *ok) {
    static const oclnn_layout layouts[2] = {OCLNN_LAYOUT_NCHW, OCLNN_LAYOUT_NHWC};
    ms[0] = ms[1] = 0;
    *ok = false;
    oclnn_context *ctx = tune_context(o, db_path);
    if (!ctx) return 0;
    *ok = true;
    size_t done = 0;
    double shape_ms = 2 * TUNE_EST_BUILD_MS; /* what one shape costs, learnt as they run */
    for (size_t k = 0; k < n && *ok; k++) {
        double t0 = oclnn__now_ms();
        if (p->deadline_ms > 0 && t0 + shape_ms + TUNE_FINISH_MS > p->deadline_ms) break;
        tune_item *s = &shapes[order ? order[k] : k];
        oclnn__tune_bench b[2];
        if (!tune_item_data(s, OCLNN_LAYOUT_NCHW, false) ||
            oclnn__tune_bench_make(ctx, &s->conv, OCLNN_CONV_ALGO_AUTO, layouts[0], &b[0]) != OCLNN_OK) {
            fprintf(stderr, "oclnn tune: layout measurement: %s\n", oclnn_last_error());
            *ok = false;
            break;
        }
        if (oclnn__tune_bench_make(ctx, &s->conv, OCLNN_CONV_ALGO_AUTO, layouts[1], &b[1]) != OCLNN_OK) {
            fprintf(stderr, "oclnn tune: layout measurement: %s\n", oclnn_last_error());
            oclnn__tune_bench_free(&b[0]);
            *ok = false;
            break;
        }
        double t[2][OCLNN__TUNE_CONFIRM_ROUNDS];
        int rounds = p->rounds < OCLNN__TUNE_CONFIRM_ROUNDS ? p->rounds : OCLNN__TUNE_CONFIRM_ROUNDS;
        for (int r = 0; r < rounds && *ok; r++)
            for (int l = 0; l < 2 && *ok; l++)
                *ok = (t[l][r] = oclnn__tune_bench_time(ctx, &b[l], p->min_runs, p->target_ms)) >= 0;
        oclnn__tune_bench_free(&b[0]);
        oclnn__tune_bench_free(&b[1]);
        if (!*ok) break;
        for (int l = 0; l < 2; l++) ms[l] += oclnn__tune_median(t[l], (size_t)rounds) * s->count;
        done++;
        shape_ms = oclnn__now_ms() - t0;
        fprintf(stderr, "\r  layout: %zu/%zu shapes, NCHW %.1f ms, NHWC %.1f ms   ", k + 1, n, ms[0], ms[1]);
    }
    fprintf(stderr, "\n");
    oclnn_context_destroy(ctx);
    return done;
}

oclnn_conv_algo tune_algo_by_name(const char *name) {
    for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++)
        if (!strcmp(oclnn_conv_algo_name((oclnn_conv_algo)a), name)) return (oclnn_conv_algo)a;
    return OCLNN_CONV_ALGO_AUTO;
}

/* Times every item's untuned AUTO briefly (the weights of --quick's order and of the budget's
 * plan). */
void tune_measure_baseline(const tune_options *o, oclnn_layout layout, tune_item *items, size_t n, baseline *out) {
    oclnn_context *plain = tune_context(o, "none");
    for (size_t i = 0; i < n; i++) {
        out[i] = (baseline){false, OCLNN_CONV_ALGO_AUTO, 0};
        oclnn__tune_bench b;
        if (!plain || !tune_item_data(&items[i], layout, false) ||
            oclnn__tune_bench_make(plain, &items[i].conv, OCLNN_CONV_ALGO_AUTO, layout, &b) != OCLNN_OK)
            continue;
        out[i].ms = oclnn__tune_bench_time(plain, &b, 3, 0);
        out[i].algo = tune_algo_by_name(oclnn_op_algorithm(b.op));
        out[i].ok = out[i].ms >= 0;
        oclnn__tune_bench_free(&b);
    }
    oclnn_context_destroy(plain);
}

/* The end-to-end check of one shape the database changed: two contexts, 7 rounds of a warm-up
 * and 3 runs, a build (`built`: the searches built its programs, a cache hit). */
double tune_e2e_ms(const baseline *b, bool built) {
    return 2.0 * OCLNN__TUNE_CONFIRM_ROUNDS * 4 * (b->ok ? b->ms : 0) + (built ? TUNE_EST_BUILD_MS / 4 : TUNE_EST_BUILD_MS);
}

/* The items heaviest first (untuned time x count; stable): --quick's order, and the end-to-end
 * check's, so that a budget running out leaves the lightest shapes unconfirmed. */
void tune_heaviest_first(const tune_item *items, const baseline *base, size_t n, size_t *order) {
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (size_t i = 1; i < n; i++) /* insertion sort */
        for (size_t k = i; k > 0; k--) {
            double wa = base[order[k - 1]].ms * items[order[k - 1]].count;
            double wb = base[order[k]].ms * items[order[k]].count;
            if (wa >= wb) break;
            size_t tmp = order[k];
            order[k] = order[k - 1], order[k - 1] = tmp;
        }
}


/* Pins `s`'s untuned choice in db: a conv_algo row with the untuned context's algorithm and an
 * exact row of its family with the values that context looked up (class or kernel defaults),
 * so that neither a tuned row nor a nearer shape's row moves it. The conv_algo row only when
 * the algorithm changed. */
static bool pin_default(oclnn_context *plain, oclnn__tune_db *db, const tune_item *s, oclnn_conv_algo algo,
                        bool algo_changed, double ms) {
    if (algo == OCLNN_CONV_ALGO_AUTO) return false;
    oclnn__tune_values a = {{(int32_t)algo}};
    if (algo_changed && !oclnn__tune_db_put(db, &oclnn__tune_space_conv_algo, s->problem, &a, ms)) return false;
    const oclnn__tune_space *sp = oclnn__conv2d_space_for(plain->devclass, algo);
    if (!sp) return true;
    oclnn__tune_values v = oclnn__tune_lookup(plain, sp, s->problem, NULL);
    return oclnn__tune_db_put(db, sp, s->problem, &v, ms);
}

/* Whether the database in `tuned` changes what AUTO builds for `s`: another algorithm, or other
 * parameters for it. *algo gets the untuned algorithm. */
static bool config_changed(const oclnn__conv2d_caps *tool_caps, oclnn_context *plain, oclnn_context *tuned, const tune_item *s, oclnn_conv_algo *algo,
                           bool *algo_changed) {
    oclnn__conv2d_caps caps = *tool_caps;
    mtx_lock(&plain->lock);
    oclnn_conv_algo a = oclnn__conv2d_choose_tuned(plain, &s->pb, &caps);
    mtx_unlock(&plain->lock);
    mtx_lock(&tuned->lock);
    oclnn_conv_algo b = oclnn__conv2d_choose_tuned(tuned, &s->pb, &caps);
    mtx_unlock(&tuned->lock);
    *algo = a;
    *algo_changed = a != b;
    if (a != b) return true;
    const oclnn__tune_space *sp = oclnn__conv2d_space_for(plain->devclass, a);
    if (!sp) return false;
    oclnn__tune_values va = oclnn__tune_lookup(plain, sp, s->problem, NULL);
    oclnn__tune_values vb = oclnn__tune_lookup(tuned, sp, s->problem, NULL);
    return memcmp(&va, &vb, sizeof va) != 0;
}

/* The end-to-end check: AUTO on an untuned context against AUTO on one that loaded db_path,
 * interleaved, per shape whose configuration the database changes (an unchanged shape builds the
 * same program: its baseline time stands for both sides). With `db` (not --check), a changed
 * shape where the tuned side is not faster is pinned to its untuned choice and db saved. Rows go
 * to out[n]; false when a context failed. */
bool tune_end_to_end(const tune_options *o, const oclnn__conv2d_caps *caps, const char *db_path, tune_item *shapes, size_t n, const baseline *base,
                       oclnn__tune_db *db, double deadline_ms, e2e_row *out, oclnn_layout *lp_out,
                       oclnn_layout *lt_out) {
    oclnn_context *plain = tune_context(o, "none"), *tuned = tune_context(o, db_path);
    if (!plain || !tuned) {
        oclnn_context_destroy(plain);
        oclnn_context_destroy(tuned);
        return false;
    }
    oclnn_layout lp = oclnn_context_layout(plain), lt = oclnn_context_layout(tuned);
    *lp_out = lp, *lt_out = lt;
    size_t pinned = 0;
    static size_t order[TUNE_MAX_ITEMS];
    for (size_t i = 0; i < n; i++) order[i] = i;
    if (base) tune_heaviest_first(shapes, base, n, order);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        tune_item *s = &shapes[i];
        e2e_row *e = &out[i];
        memset(e, 0, sizeof *e);
        oclnn_conv_algo untuned = OCLNN_CONV_ALGO_AUTO;
        bool algo_changed = false;
        e->changed = lp != lt || config_changed(caps, plain, tuned, s, &untuned, &algo_changed);
        if (!e->changed && base && base[i].ok) {
            e->ok = true;
            e->default_ms = e->tuned_ms = base[i].ms;
            snprintf(e->default_algo, sizeof e->default_algo, "%s", oclnn_conv_algo_name(base[i].algo));
            snprintf(e->tuned_algo, sizeof e->tuned_algo, "%s", oclnn_conv_algo_name(base[i].algo));
            continue;
        }
        /* A change whose check would end past the budget cannot be confirmed: it is not kept
         * (with a database to pin in; --check times everything). */
        if (db && deadline_ms > 0 && base && base[i].ok && oclnn__now_ms() + tune_e2e_ms(&base[i], false) + TUNE_FINISH_MS > deadline_ms &&
            lp == lt) {
            e->ok = true;
            e->default_ms = e->tuned_ms = base[i].ms;
            snprintf(e->default_algo, sizeof e->default_algo, "%s", oclnn_conv_algo_name(base[i].algo));
            snprintf(e->tuned_algo, sizeof e->tuned_algo, "(unconfirmed)");
            e->reverted = pin_default(plain, db, s, base[i].algo, algo_changed, base[i].ms);
            pinned += e->reverted;
            continue;
        }
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
        e->default_ms = oclnn__tune_median(ta, OCLNN__TUNE_CONFIRM_ROUNDS);
        e->tuned_ms = oclnn__tune_median(tb, OCLNN__TUNE_CONFIRM_ROUNDS);
        snprintf(e->default_algo, sizeof e->default_algo, "%s", oclnn_op_algorithm(a.op));
        snprintf(e->tuned_algo, sizeof e->tuned_algo, "%s", oclnn_op_algorithm(b.op));
        e->ok = e->default_ms > 0 && e->tuned_ms > 0;
        /* Kept only if faster end to end; a layout change is the layout step's business. */
        if (db && e->ok && lp == lt && !(e->tuned_ms < e->default_ms)) {
            e->reverted = pin_default(plain, db, s, tune_algo_by_name(e->default_algo),
                                      strcmp(e->default_algo, e->tuned_algo) != 0, e->default_ms);
            pinned += e->reverted;
        }
        oclnn__tune_bench_free(&a);
        oclnn__tune_bench_free(&b);
        if (!o->json && isatty(2)) fprintf(stderr, "\r  end to end: %zu/%zu shapes   ", k + 1, n);
    }
    if (!o->json && isatty(2)) fprintf(stderr, "\r%40s\r", "");
    if (pinned) {
        char why[256];
        if (!oclnn__tune_db_save(db, db_path, why, sizeof why)) fprintf(stderr, "oclnn tune: %s\n", why);
    }
    oclnn_context_destroy(plain);
    oclnn_context_destroy(tuned);
    return true;
}

/* The end-to-end table (or its JSON members). */
void tune_print_end_to_end(const tune_options *o, const tune_item *shapes, size_t n, const e2e_row *rows,
                             oclnn_layout lp, oclnn_layout lt, bool check) {
    double total_default = 0, total_tuned = 0, total_kept = 0;
    size_t reverted = 0;
    if (o->json) printf("  \"end_to_end\": [");
    else
        printf("\nend to end, AUTO on an untuned context vs one that loaded the database (interleaved):\n"
               "%-34s %5s  %-12s %10s  %-12s %10s %8s\n", "shape", "count", "default", "ms", "tuned", "ms",
               "speedup");
    for (size_t i = 0, k = 0; i < n; i++) {
        const e2e_row *e = &rows[i];
        if (!e->ok) continue;
        total_default += e->default_ms * shapes[i].count;
        total_tuned += e->tuned_ms * shapes[i].count;
        total_kept += (e->reverted ? e->default_ms : e->tuned_ms) * shapes[i].count;
        reverted += e->reverted;
        if (o->json) {
            printf("%s\n    {\"shape\": ", k++ ? "," : "");
            json_string(stdout, shapes[i].name);
            printf(", \"problem\": ");
            json_string(stdout, shapes[i].problem);
            printf(", \"count\": %u, \"default_algo\": \"%s\", \"default_ms\": %.4f, \"tuned_algo\": \"%s\", "
                   "\"tuned_ms\": %.4f, \"changed\": %s, \"kept\": %s}",
                   shapes[i].count, e->default_algo, e->default_ms, e->tuned_algo, e->tuned_ms,
                   e->changed ? "true" : "false", e->reverted ? "false" : "true");
        } else
            printf("%-34.34s %5u  %-12s %10.3f  %-12s %10.3f %7.2fx%s\n", shapes[i].name, shapes[i].count,
                   e->default_algo, e->default_ms, e->tuned_algo, e->tuned_ms, e->default_ms / e->tuned_ms,
                   e->reverted ? "  reverted" : e->changed ? "" : "  (unchanged)");
    }
    if (o->json) {
        printf("\n  ],\n  \"default_layout\": \"%s\", \"tuned_layout\": \"%s\", \"total_default_ms\": %.4f, "
               "\"total_tuned_ms\": %.4f, \"speedup\": %.4f, \"reverted\": %zu, \"total_kept_ms\": %.4f,\n",
               layout_name(lp), layout_name(lt), total_default, total_tuned,
               total_tuned > 0 ? total_default / total_tuned : 0, reverted, total_kept);
        return;
    }
    printf("%-34s %5s  %-12s %10.3f  %-12s %10.3f %7.2fx\n", "total (weighted by count)", "", layout_name(lp),
           total_default, layout_name(lt), total_tuned, total_default / total_tuned);
    if (!check && reverted)
        printf("%zu shape(s) not faster with the tuned database: their untuned choice is pinned in it\n"
               "(expected total with those at their default times: %.3f ms, %.2fx)\n",
               reverted, total_kept, total_default / total_kept);
    fflush(stdout);
}

/* Records the faster layout of ms[] (NCHW, NHWC) in db and saves it: a difference within
 * LAYOUT_MARGIN is noise on a shared machine, and the device rule's layout stays (the row still
 * records that it was measured). */
static void record_layout(const tune_options *o, const oclnn_device_info *dev, oclnn__tune_db *db, const char *path,
                          const double ms[2], const char *what, tune_layout_result *out) {
    bool close = fabs(ms[0] - ms[1]) < LAYOUT_MARGIN * fmax(ms[0], ms[1]);
    bool nhwc = close ? oclnn__device_layout_rule(dev) == OCLNN_LAYOUT_NHWC : ms[1] < ms[0];
    oclnn__tune_values v = {{nhwc ? 1 : 0}};
    char why[256];
    oclnn__tune_db_put(db, &oclnn__tune_space_layout, "resnet50", &v, fmin(ms[0], ms[1]));
    if (!oclnn__tune_db_save(db, path, why, sizeof why)) fprintf(stderr, "oclnn tune: %s\n", why);
    out->chosen = nhwc ? OCLNN_LAYOUT_NHWC : OCLNN_LAYOUT_NCHW;
    if (!o->json)
        printf("\nlayout (%s, tuned): NCHW %.1f ms, NHWC %.1f ms -> %s%s\n", what, ms[0], ms[1],
               nhwc ? "NHWC" : "NCHW", close ? " (within 3%: the device rule)" : "");
}

/* The NCHW/NHWC step: measured on ResNet-50 (weighted by layer count), whatever was tuned. */
void tune_choose_layout(const tune_options *o, const oclnn_device_info *dev, oclnn__tune_db *db,
                        const char *path, tune_layout_result *out) {
    static tune_item net[TUNE_MAX_ITEMS];
    size_t n_net = 0;
    const tune_net *rn = tune_net_find("resnet50");
    for (size_t i = 0; i < rn->count; i++) {
        oclnn_conv2d_desc d = tune_shape_desc(&rn->shapes[i]);
        tune_add(net, &n_net, rn->shapes[i].name, &d, rn->shapes[i].count);
    }
    memset(out, 0, sizeof *out);
    const layout_plan plan = {1, 5, TIME_TARGET_MS, 0};
    bool ok;
    out->shapes = measure_layout(o, path, net, NULL, n_net, &plan, out->ms, &ok);
    out->covered = 1.0;
    if (ok && out->shapes == n_net) record_layout(o, dev, db, path, out->ms, "ResNet-50 convolutions", out);
    for (size_t i = 0; i < n_net; i++) tune_item_free(&net[i]);
}

/* --quick's NCHW/NHWC step: the tuned shapes heaviest first, each timed briefly (3 alternating
 * rounds of 2 runs), until deadline_ms. A layout is recorded only when the shapes timed make up
 * QUICK_LAYOUT_COVER of the untuned time: a few light shapes say little about a network. */
void tune_choose_layout_quick(const tune_options *o, const oclnn_device_info *dev, oclnn__tune_db *db,
                              const char *path, tune_item *items, const baseline *base, size_t n,
                              double deadline_ms, tune_layout_result *out) {
    static size_t order[TUNE_MAX_ITEMS];
    memset(out, 0, sizeof *out);
    tune_heaviest_first(items, base, n, order);
    const layout_plan plan = {3, 2, QUICK_LAYOUT_TARGET_MS, deadline_ms};
    bool ok;
    out->shapes = measure_layout(o, path, items, order, n, &plan, out->ms, &ok);
    double all = 0, timed = 0;
    for (size_t k = 0; k < n; k++) {
        double w = base[order[k]].ok ? base[order[k]].ms * items[order[k]].count : 0;
        all += w;
        if (k < out->shapes) timed += w;
    }
    out->covered = all > 0 ? timed / all : 0;
    if (!ok) return;
    if (out->covered < QUICK_LAYOUT_COVER) {
        fprintf(stderr, "oclnn tune: layout not decided: the %zu shape(s) timed before the deadline are %.0f%% of "
                        "the untuned time (%.0f%% needed); the device rule's layout stays\n",
                out->shapes, 100 * out->covered, 100 * QUICK_LAYOUT_COVER);
        return;
    }
    char what[64];
    snprintf(what, sizeof what, "the %zu heaviest shapes, %.0f%% of the time", out->shapes, 100 * out->covered);
    record_layout(o, dev, db, path, out->ms, what, out);
}
