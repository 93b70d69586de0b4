/* SPDX-License-Identifier: MIT */
/* `oclnn tune`: searches the compile-time parameters of each convolution kernel family on real
 * shapes, verifies every candidate against the double-precision reference before timing it,
 * keeps the fastest per (family, shape) in the device's tuning database, then measures NCHW
 * against NHWC on ResNet-50 and records the faster layout. Ends with a table of default vs tuned
 * time per shape, both measured end to end (AUTO algorithm choice, untuned context vs a context
 * that loaded the new database); a shape that the tuned database made slower there gets its
 * untuned choice pinned back (issue 14). The budget is wall-clock time for all of it:
 * references, compiles, searches, confirmations, the layout step and the end-to-end check.
 * `--quick` spends 60 s on the heaviest shapes first. The arguments and the problem list are in
 * tune_args.c; --merge is cmd_tune_merge.c; the search job (what is built, verified, timed and
 * recorded) is src/tune/job.c. This file runs the jobs in order and prints. */
#include <math.h>
#include <stdlib.h>
#include <threads.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/context.h"
#include "core/device.h"
#include "ops/conv2d.h"
#include "tune.h"
#include "tune/transfer.h"
#include "tune/tune.h"
#include "tune_shapes.h"

/* --quick: candidates per shape searched in one family, parameter neighbours of the best after
 * the known configurations of several families, and the time each candidate is timed for. */
#define QUICK_EVALS 6
#define QUICK_NEIGHBOURS 3
#define QUICK_TIME_TARGET_MS 60.0
/* --quick: a known configuration recorded this many times slower than the fastest known one of
 * the shape is not timed (e.g. conv1 on the CPU GEMM engine, 8x slower in the class database). */
#define QUICK_KNOWN_RATIO 2.0
/* --quick: a family whose search came out this many times slower than the shape's best is
 * dropped before the confirmation (which would time it 7 times more). */
#define QUICK_CONFIRM_RATIO 1.3
/* --quick: what its layout step is given (after the end-to-end check, at the end of the budget),
 * at most this share of the budget: on a 2-core PoCL CPU all 23 ResNet-50 shapes' NCHW builds
 * and brief timings take about 8 s, and the heaviest half of the time is 6 of them. */
#define QUICK_LAYOUT_MS 8000.0
#define QUICK_LAYOUT_SHARE 0.15

static double quick_layout_ms(const tune_options *o) {
    return o->quick && !o->no_layout ? fmin(QUICK_LAYOUT_MS, QUICK_LAYOUT_SHARE * o->budget * 1e3) : 0;
}

/* What applies on the tuner's device class (set by open_tuner): the families searched, the
 * heuristic that is the "default" everywhere. */
static oclnn__conv2d_caps tool_caps = {OCLNN_BACKEND_OPENCL, false, OCLNN__DEVCLASS_CPU};

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

/* The families that apply to an item on the tuner's device class, one algorithm per space (all
 * of them, not only those --kernels names: the confirmation compares every family with a row).
 * In a GPU class the direct and depthwise kernels are the _gpu families, and im2col, gemm1x1 and
 * implicit-gemm share conv_xgemm (searched once, under the heuristic's algorithm where it is one
 * of them). The heuristic's family comes first. */
static size_t families_of(const tune_item *s, oclnn__tune_family *out) {
    oclnn_conv_algo algos[OCLNN_CONV_ALGO_COUNT];
    const oclnn__tune_space *spaces[OCLNN_CONV_ALGO_COUNT];
    size_t n = oclnn__conv2d_tuned_families(&s->pb, &tool_caps, algos, spaces);
    for (size_t i = 0; i < n; i++) out[i] = (oclnn__tune_family){algos[i], spaces[i]};
    return n;
}

/* The wall clock of the whole run: every phase spends from one budget. */
typedef struct clock_plan {
    double start_ms, deadline_ms;
    double reserve_ms; /* what the steps after the searches are expected to take */
} clock_plan;

static double left_ms(const clock_plan *c) { return c->deadline_ms - oclnn__now_ms(); }

/* One job: a family of one item. --quick gives it the candidates to time first (the first is
 * the search's start: the class default of the family AUTO uses untuned, else a known
 * configuration) and a limit; its last job of an item may instead search the parameter
 * neighbours of the item's best so far (family and start set when it runs). */
typedef struct work {
    size_t item;
    oclnn__tune_family family;
    oclnn__tune_values seeds[3];
    size_t n_seeds, n_transferred, max_evals; /* max_evals 0: no limit */
    bool neighbours;
} work;

/* One (family, shape) search; its best goes into the database (saved). */
static bool run_job(oclnn__tuner *t, show *sh, const tune_options *o, oclnn__tune_db *db, tune_item *s,
                    const work *w, size_t j, size_t n_jobs, double budget_s, const oclnn__tune_limits *lim,
                    const char *path, oclnn__tune_result *r) {
    oclnn__tune_family f = w->family;
    if (!tune_item_data(s, t->layout, true)) {
        fprintf(stderr, "oclnn tune: out of memory\n");
        return false;
    }
    *sh = (show){sh->tty, j + 1, n_jobs, f.space->family, s->name, -1};
    oclnn__tune_job job = {0};
    job.limits = *lim;
    job.strategy = o->strategy;
    job.budget_s = fmax(budget_s, 1e-3);
    job.max_evals = w->max_evals;
    job.seed = o->seed + j;
    if (w->n_seeds) {
        job.start = &w->seeds[0];
        job.seeds = w->seeds + 1;
        job.n_seeds = w->n_seeds - 1;
    }
    char why[256];
    if (!oclnn__tune_conv_search(t, &s->conv, f, job, db, path, r, why, sizeof why)) {
        fprintf(stderr, "oclnn tune: %s\n", why);
        return false;
    }
    if (sh->tty) fprintf(stderr, "\r%120s\r", "");
    char params[160] = "(no candidate ran)";
    if (r->found) oclnn__tune_values_str(f.space, &r->best, ' ', params, sizeof params);
    /* the first candidate: the default, a known configuration (--quick), or the best so far */
    const char *first = w->neighbours ? "start" : w->n_transferred == w->n_seeds && w->n_seeds ? "known" : "default";
    fprintf(stderr, "[%zu/%zu] %-14s %-30.30s %-7s %8.3f  best %8.3f ms  %s  [%zu/%zu tried, %zu failed, %zu wrong%s]\n",
            j + 1, n_jobs, f.space->family, s->name, first, r->default_measured ? r->default_ms : NAN,
            r->found ? r->best_ms : NAN, params, r->evaluated, r->valid, r->failed, r->wrong,
            r->out_of_budget ? ", budget" : "");
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
    oclnn__conv2d_caps caps = tool_caps;
    oclnn__tune_confirmed out[OCLNN_CONV_ALGO_COUNT];
    char why[256];
    oclnn_conv_algo heuristic = oclnn__conv2d_choose(&s->pb, &caps);
    if (!oclnn__tune_conv_confirm(t, &s->conv, fams, n_fams, heuristic, db, path, out,
                                  &n_out, chosen, heuristic_ms, chosen_ms, why, sizeof why)) {
        fprintf(stderr, "oclnn tune: %s\n", why);
        return false;
    }
    for (size_t i = 0; i < n_out; i++) {
        char params[160];
        oclnn__tune_values_str(out[i].family.space, &out[i].kept, ' ', params, sizeof params);
        /* --quick times another family at its row only: that row is what is kept */
        bool row_only = t->confirm_rows_only && out[i].family.algo != heuristic;
        fprintf(stderr, "  %-14s %-30.30s %-7s %8.3f  tuned %8.3f ms  -> %s%s\n", out[i].family.space->family,
                s->name, row_only ? "row" : "default", out[i].default_ms, out[i].tuned_ms, params,
                out[i].kept_default && !row_only ? " (default)" : "");
    }
    return true;
}


/* --quick's jobs for item i: its candidates (oclnn__tune_quick_seeds: the untuned family's class
 * default, then every family's known configuration), one job per family in that order; then the
 * parameter neighbours of the best. A single family searches its own neighbours (QUICK_EVALS in
 * all: without known databases, the untuned family's search, as before). *transferred counts the
 * known candidates listed. */
static size_t list_quick_jobs(const oclnn__tuner *t, const oclnn__tune_known *known, const tune_item *s, size_t i,
                              const oclnn__tune_family *fams, size_t n_fams, oclnn_conv_algo untuned, work *jobs,
                              size_t *transferred) {
    oclnn__tune_seed seeds[OCLNN__TUNE_MAX_SEEDS];
    size_t n_seeds = oclnn__tune_quick_seeds(known, &t->ctx->device, tool_caps.devclass, s->problem, fams, n_fams,
                                             untuned, QUICK_KNOWN_RATIO, seeds);
    size_t n = 0;
    if (!n_seeds) { /* no baseline and nothing known: each family's own short search */
        for (size_t f = 0; f < n_fams; f++) jobs[n++] = (work){i, fams[f], {{{0}}}, 0, 0, QUICK_EVALS, false};
        return n;
    }
    for (size_t k = 0; k < n_seeds; k++) {
        size_t at = 0;
        while (at < n && jobs[at].family.space != seeds[k].family.space) at++;
        if (at == n) jobs[n++] = (work){i, seeds[k].family, {{{0}}}, 0, 0, 0, false};
        work *w = &jobs[at];
        if (w->n_seeds == sizeof w->seeds / sizeof *w->seeds) continue;
        w->seeds[w->n_seeds++] = seeds[k].values;
        w->n_transferred += seeds[k].transferred;
        *transferred += seeds[k].transferred;
    }
    for (size_t k = 0; k < n; k++) jobs[k].max_evals = n == 1 ? QUICK_EVALS : jobs[k].n_seeds;
    if (n > 1) jobs[n++] = (work){i, jobs[0].family, {{{0}}}, 0, 0, 1 + QUICK_NEIGHBOURS, true};
    return n;
}

/* Every wanted family of every item in `order`, minus (with --resume) those the database has.
 * --quick: list_quick_jobs (known: the shipped databases, may be empty). */
static size_t list_jobs(const oclnn__tuner *t, const tune_options *o, tune_item *items, const size_t *order,
                        size_t n_items, const baseline *base, const oclnn__tune_db *db,
                        const oclnn__tune_known *known, work *jobs, size_t *skipped, size_t *transferred) {
    size_t n = 0;
    *skipped = *transferred = 0;
    for (size_t k = 0; k < n_items; k++) {
        size_t i = order[k];
        oclnn__tune_family all[OCLNN_CONV_ALGO_COUNT], fams[OCLNN_CONV_ALGO_COUNT];
        size_t n_all = families_of(&items[i], all), n_fams = 0;
        for (size_t f = 0; f < n_all; f++) {
            if (!tune_family_wanted(o, all[f].space->family)) continue;
            if (o->resume && oclnn__tune_db_find(db, all[f].space->family, items[i].problem)) {
                ++*skipped;
                continue;
            }
            fams[n_fams++] = all[f];
        }
        if (o->quick) {
            n += list_quick_jobs(t, known, &items[i], i, fams, n_fams, base[i].ok ? base[i].algo : OCLNN_CONV_ALGO_AUTO,
                                 jobs + n, transferred);
            continue;
        }
        for (size_t f = 0; f < n_fams; f++) jobs[n++] = (work){i, fams[f], {{{0}}}, 0, 0, 0, false};
    }
    return n;
}

/* Per item: heuristic with default parameters vs the fastest tuned family, as confirmed. */
typedef struct confirmed_row {
    bool done;
    double heuristic_ms, chosen_ms;
    oclnn_conv_algo chosen;
} confirmed_row;

static void print_confirmed(oclnn_layout layout, const tune_item *items, const confirmed_row *rows, size_t n) {
    oclnn__conv2d_caps caps = tool_caps;
    size_t done = 0;
    for (size_t i = 0; i < n; i++) done += rows[i].done;
    if (!done) return;
    double total_heuristic = 0, total_chosen = 0;
    printf("per shape, interleaved in one context (%s): heuristic with default parameters vs the\n"
           "fastest tuned family\n%-34s %5s  %-10s %10s  %-10s %10s %8s\n",
           layout_name(layout), "shape", "count", "default", "ms", "tuned", "ms", "speedup");
    for (size_t i = 0; i < n; i++) {
        const confirmed_row *c = &rows[i];
        if (!c->done) continue;
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

/* What the end-to-end check and the layout step are expected to take (planning only). --quick
 * reaches only some shapes: tune_all adds each shape's check when its searches start. */
static double final_steps_ms(const tune_options *o, const baseline *base, size_t n) {
    double ms = 1000.0, sum = 0;
    if (o->quick) return ms + quick_layout_ms(o);
    for (size_t i = 0; i < n; i++) sum += base[i].ok ? base[i].ms : 0;
    for (size_t i = 0; i < n; i++) ms += tune_e2e_ms(&base[i], false);
    if (!o->no_layout) ms += 2.0 * ((double)n * 300.0 + 6 * sum) + (double)n * TUNE_EST_BUILD_MS;
    return ms;
}

/* A confirmation's expected cost: default and tuned of each searched family, 7 rounds of 4 runs
 * (--quick: each family's row only, built in its search, and the heuristic's default). */
static double confirm_ms(const tune_options *o, const baseline *b, size_t families) {
    double run_ms = OCLNN__TUNE_CONFIRM_ROUNDS * 4 * (b->ok ? b->ms : 10.0);
    if (o->quick) return (double)(families + 1) * run_ms + (double)families * TUNE_EST_BUILD_MS / 4;
    return (double)families * (2.0 * run_ms + TUNE_EST_BUILD_MS);
}

/* --quick: what the items after job j are expected to take (their known candidates, reference,
 * confirmation and end-to-end check): a neighbour job runs only when time is left for them. */
static double later_items_ms(const tune_options *o, const work *jobs, size_t j, size_t n_jobs, const baseline *base,
                             double cand_ms, double ref_ms) {
    double ms = 0;
    for (size_t k = j + 1; k < n_jobs; k++) {
        if (jobs[k].item == jobs[j].item || jobs[k].neighbours) continue;
        const baseline *b = &base[jobs[k].item];
        bool first = jobs[k - 1].item != jobs[k].item;
        ms += (double)jobs[k].n_seeds * cand_ms + confirm_ms(o, b, 1) + (first ? ref_ms + tune_e2e_ms(b, true) : 0);
    }
    return ms;
}

/* What a job of item `i` reserves for the confirmations of items not started yet: a full tune
 * plans every item; --quick takes the heaviest first and reserves only for the one under way. */
static double confirm_reserve(const tune_options *o, const baseline *base, const work *w) {
    return o->quick || w->neighbours ? 0 : confirm_ms(o, &base[w->item], 1);
}

/* What --quick took from the shipped databases: how many were found, the known candidates
 * listed, and those timed. */
typedef struct quick_stats {
    size_t known, listed, timed;
    char paths[2][1024]; /* the databases found */
} quick_stats;

/* The fastest a shape's searches found so far (--quick's neighbour job starts there). */
typedef struct item_best {
    bool found;
    oclnn__tune_family family;
    oclnn__tune_values values;
    double ms;
} item_best;

/* Runs jobs[j] (a neighbour job from *best); counts the known candidates it timed, and keeps *best. */
static bool run_work(oclnn__tuner *t, show *sh, const tune_options *o, oclnn__tune_db *db, tune_item *items,
                     const work *jobs, size_t j, size_t n_jobs, double budget_s, const oclnn__tune_limits *lim,
                     const char *path, item_best *best, quick_stats *qs, size_t *evaluated) {
    work w = jobs[j];
    *evaluated = 0;
    if (w.neighbours) {
        if (!best->found) return true;
        w.family = best->family;
        w.seeds[0] = best->values;
        w.n_seeds = 1;
    }
    oclnn__tune_result r;
    if (!run_job(t, sh, o, db, &items[w.item], &w, j, n_jobs, budget_s, lim, path, &r)) return false;
    *evaluated = r.evaluated;
    /* the known candidates come after the default, when there is one */
    size_t before = w.n_seeds - w.n_transferred;
    qs->timed += r.evaluated > before ? (r.evaluated < w.n_seeds ? r.evaluated : w.n_seeds) - before : 0;
    if (r.found && (!best->found || r.best_ms < best->ms)) *best = (item_best){true, w.family, r.best, r.best_ms};
    return true;
}

/* --quick: drops the rows of the families jobs[first, end) searched for item s whose best was
 * QUICK_CONFIRM_RATIO times slower than the shape's best (not the heuristic's: its default is
 * the confirmation's baseline), and saves db when it changed. */
static void drop_losers(oclnn__tune_db *db, const char *path, const tune_item *s, const work *jobs, size_t first,
                        size_t end, const item_best *best) {
    oclnn__conv2d_caps caps = tool_caps;
    oclnn_conv_algo heuristic = oclnn__conv2d_choose(&s->pb, &caps);
    bool dropped = false;
    for (size_t k = first; k < end && best->found; k++) {
        const char *family = jobs[k].family.space->family;
        const oclnn__tune_row *row = oclnn__tune_db_find(db, family, s->problem);
        if (jobs[k].neighbours || jobs[k].family.algo == heuristic || !row) continue;
        if (row->ms > QUICK_CONFIRM_RATIO * best->ms) dropped |= oclnn__tune_db_remove(db, family, s->problem);
    }
    char why[256];
    if (dropped && !oclnn__tune_db_save(db, path, why, sizeof why)) fprintf(stderr, "oclnn tune: %s\n", why);
}

/* The search and confirmation of every item, in order (--quick: heaviest first); false after a
 * failure (printed). The searches stop when what is left of the budget is what the remaining
 * steps need. */
static bool tune_all(oclnn__tuner *t, show *sh, const tune_options *o, tune_item *items, size_t n_items,
                     const baseline *base, oclnn__tune_db *db, const oclnn__tune_limits *lim, const char *path,
                     const char *device, clock_plan *clk, size_t *n_skipped_budget, quick_stats *qs) {
    static work jobs[TUNE_MAX_ITEMS * (OCLNN_CONV_ALGO_COUNT + 1)];
    static confirmed_row rows[TUNE_MAX_ITEMS];
    static size_t order[TUNE_MAX_ITEMS];
    memset(rows, 0, sizeof rows);
    for (size_t i = 0; i < n_items; i++) order[i] = i;
    if (o->quick) tune_heaviest_first(items, base, n_items, order);
    oclnn__tune_known known = {0};
    if (o->quick) qs->known = oclnn__tune_known_load(&t->ctx->device, tool_caps.devclass, &known);
    memcpy(qs->paths, known.paths, sizeof qs->paths);
    size_t skipped, n_jobs = list_jobs(t, o, items, order, n_items, base, db, &known, jobs, &skipped, &qs->listed);
    oclnn__tune_known_free(&known);
    char class_key[32];
    oclnn__tune_class_key(&t->ctx->device, tool_caps.devclass, class_key, sizeof class_key);
    fprintf(stderr, "oclnn tune: %s (class %s): %zu shapes, %zu kernel jobs (%zu already tuned), budget %.0f s "
                    "wall clock, %s layout\n  database %s\n",
            device, class_key, n_items, n_jobs, skipped, o->budget,
            layout_name(t->layout), path);
    if (o->quick)
        fprintf(stderr, "  %zu known configuration(s) to try from %zu shipped database(s) of this device and class%s\n",
                qs->listed, qs->known, qs->known ? ":" : " (none in the lookup folders: docs/TUNING.md, \"Lookup\")");
    for (size_t k = 0; k < qs->known; k++) fprintf(stderr, "    %s\n", qs->paths[k]);
    bool ok = true;
    *n_skipped_budget = 0;
    /* What the confirmations of the items not reached yet will take. */
    double confirm_left = 0;
    for (size_t j = 0; j < n_jobs; j++) confirm_left += confirm_reserve(o, base, &jobs[j]);
    size_t j = 0;
    /* What one candidate costs here (build, check, timing), learnt from the jobs that ran: on a
     * loaded machine a build takes seconds, and a search stops only between candidates. */
    double cand_ms = 2 * TUNE_EST_BUILD_MS, ref_ms = 0; /* and the reference of one item, learnt */
    for (size_t k = 0; k < n_items && ok; k++) {
        size_t i = order[k];
        size_t ran = 0, first = j;
        item_best best = {0};
        for (; j < n_jobs && jobs[j].item == i && ok; j++) {
            confirm_left -= confirm_reserve(o, base, &jobs[j]);
            double search_left = left_ms(clk) - clk->reserve_ms - confirm_left - confirm_ms(o, &base[i], j - first + 1) -
                                 (ran ? 0 : ref_ms);
            /* The job's share: the rest of the search time over the jobs left (the first
             * candidate, the default, always runs once a job starts). --quick's jobs stop after
             * QUICK_EVALS candidates: each may take what is left, heaviest shapes first. */
            double share = o->quick ? search_left : search_left / (double)(n_jobs - j);
            if (jobs[j].neighbours) share -= later_items_ms(o, jobs, j, n_jobs, base, cand_ms, ref_ms);
            if (share < 2 * cand_ms && j > 0) { /* the first job always runs: a result, late */
                ++*n_skipped_budget;
                continue;
            }
            double t0 = oclnn__now_ms();
            if (!ran && !(ok = tune_item_data(&items[i], t->layout, true))) {
                fprintf(stderr, "oclnn tune: out of memory\n");
                break;
            }
            if (!ran) ref_ms = oclnn__now_ms() - t0, t0 = oclnn__now_ms();
            if (!ran && o->quick) clk->reserve_ms += tune_e2e_ms(&base[i], true);
            size_t evaluated = 0;
            /* the last candidate may start just before the job's time is up */
            ok = run_work(t, sh, o, db, items, jobs, j, n_jobs, (share - cand_ms) / 1e3, lim, path, &best, qs,
                          &evaluated);
            if (evaluated) cand_ms = 0.5 * cand_ms + 0.5 * (oclnn__now_ms() - t0) / (double)evaluated;
            ran++;
        }
        if (!ran || !ok) continue;
        if (o->quick) drop_losers(db, path, &items[i], jobs, first, j, &best);
        if (left_ms(clk) < clk->reserve_ms + confirm_left) {
            fprintf(stderr, "  %s: not confirmed (budget); the end-to-end check still decides\n", items[i].name);
            continue;
        }
        ok = confirm(t, db, &items[i], path, &rows[i].heuristic_ms, &rows[i].chosen_ms, &rows[i].chosen);
        rows[i].done = ok;
    }
    if (*n_skipped_budget)
        fprintf(stderr, "oclnn tune: %zu job(s) not started: the budget was spent\n", *n_skipped_budget);
    if (!o->json) print_confirmed(t->layout, items, rows, n_items);
    return ok;
}

/* The tuner's context, its device and the database path; false after printing why. */
static int open_tuner(const tune_options *o, oclnn__tuner *t, oclnn_device_info *dev, char *path, size_t size) {
    t->ctx = tune_context(o, "none"); /* candidates are set by override; nothing else interferes */
    if (!t->ctx) return TOOL_FAIL;
    oclnn_context_device(t->ctx, dev);
    if (dev->backend != OCLNN_BACKEND_OPENCL) {
        fprintf(stderr, "oclnn tune: \"%s\" is the C backend, which has no tunable kernels\n", dev->name);
        return TOOL_FAIL;
    }
    t->layout = o->layout ? o->layout : oclnn_context_layout(t->ctx);
    tool_caps.devclass = t->ctx->devclass;
    if (o->quick) t->time_target_ms = QUICK_TIME_TARGET_MS;
    t->confirm_rows_only = o->quick;
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
    static baseline base[TUNE_MAX_ITEMS];
    static e2e_row e2e[TUNE_MAX_ITEMS];
    clock_plan clk = {oclnn__now_ms(), 0, 0};
    size_t n_items = 0;
    tune_options o;
    const char *files[TUNE_MAX_FILES];
    size_t n_files = 0;
    int rc = tune_parse(argc, argv, &o, items, &n_items, files, &n_files);
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;
    if (o.merge) return tune_merge(&o, files, n_files);
    clk.deadline_ms = clk.start_ms + o.budget * 1e3;
    show sh = {isatty(2) && !o.json, 0, 0, "", "", -1};
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
    oclnn_layout lp = OCLNN_LAYOUT_AUTO, lt = OCLNN_LAYOUT_AUTO;
    if (rc == TOOL_OK && o.json) {
        printf("{\n  \"device\": ");
        json_string(stdout, dev.name);
        char key[32];
        oclnn__tune_class_key(&dev, tool_caps.devclass, key, sizeof key);
        printf(", \"class\": \"%s\", \"database\": ", key);
        json_string(stdout, path);
        printf(",\n  \"mode\": \"%s\", \"budget_s\": %.1f,\n", o.check ? "check" : o.quick ? "quick" : "full",
               o.budget);
    }
    bool e2e_ok = false;
    size_t not_started = 0;
    quick_stats qs = {0, 0, 0, {"", ""}};
    tune_layout_result lr = {{0, 0}, 0, 0, OCLNN_LAYOUT_AUTO};
    if (rc == TOOL_OK && o.check) {
        if (loaded != OCLNN__TUNE_LOADED) {
            fprintf(stderr, "oclnn tune --check: %s is not a usable database (%s)\n", path,
                    loaded == OCLNN__TUNE_MISSING ? "missing" : why);
            rc = TOOL_FAIL;
        } else if ((e2e_ok = tune_end_to_end(&o, &tool_caps, path, items, n_items, NULL, NULL, 0, e2e, &lp, &lt)))
            tune_print_end_to_end(&o, items, n_items, e2e, lp, lt, true);
    } else if (rc == TOOL_OK) {
        if (o.resume)
            for (size_t i = 0, n = oclnn__tuner_load_crashed(&t); i < n; i++)
                fprintf(stderr, "oclnn tune: the previous run stopped inside \"%s\": skipping it\n", t.crashed[i]);
        set_note(&db, argc, argv);
        tune_measure_baseline(&o, t.layout, items, n_items, base);
        clk.reserve_ms = final_steps_ms(&o, base, n_items);
        fprintf(stderr, "oclnn tune: untuned baseline measured at %.1f s; %.1f s kept for the steps after the "
                        "searches\n", (oclnn__now_ms() - clk.start_ms) / 1e3, clk.reserve_ms / 1e3);
        if (!tune_all(&t, &sh, &o, items, n_items, base, &db, &lim, path, dev.name, &clk, &not_started, &qs))
            rc = TOOL_FAIL;
        remove(t.inflight);
        oclnn_context_destroy(t.ctx);
        t.ctx = NULL;
        if (rc == TOOL_OK && !db.n_rows) {
            fprintf(stderr, "oclnn tune: nothing was tuned\n");
            rc = TOOL_FAIL;
        }
        fprintf(stderr, "oclnn tune: searches and confirmations done at %.1f s\n", (oclnn__now_ms() - clk.start_ms) / 1e3);
        /* The full tune decides the layout first (its check then times every shape in both);
         * --quick checks its rows in the device rule's layout, then decides the layout in the
         * time kept for it. */
        bool layout_first = !o.no_layout && !o.quick, layout_last = !o.no_layout && o.quick;
        double e2e_deadline = clk.deadline_ms - quick_layout_ms(&o);
        if (rc == TOOL_OK && layout_first) tune_choose_layout(&o, &dev, &db, path, &lr);
        if (rc == TOOL_OK && (e2e_ok = tune_end_to_end(&o, &tool_caps, path, items, n_items, base, &db, e2e_deadline, e2e, &lp, &lt)))
            tune_print_end_to_end(&o, items, n_items, e2e, lp, lt, false);
        if (rc == TOOL_OK && layout_last)
            tune_choose_layout_quick(&o, &dev, &db, path, items, base, n_items, clk.deadline_ms, &lr);
        fprintf(stderr, "oclnn tune: %zu entries in %s (%.1f s wall clock, budget %.0f s)\n", db.n_rows, path,
                (oclnn__now_ms() - clk.start_ms) / 1e3, o.budget);
    }
    if (o.json && have_db) {
        if (!e2e_ok) printf("  \"end_to_end\": [],\n");
        if (o.quick) {
            printf("  \"known_databases\": [");
            for (size_t k = 0; k < qs.known; k++) {
                printf("%s", k ? ", " : "");
                json_string(stdout, qs.paths[k]);
            }
            printf("], \"known_candidates\": %zu, \"known_candidates_timed\": %zu,\n", qs.listed, qs.timed);
        }
        if (lr.shapes)
            printf("  \"layout_step\": {\"shapes\": %zu, \"covered\": %.3f, \"nchw_ms\": %.4f, \"nhwc_ms\": %.4f, "
                   "\"chosen\": \"%s\"},\n",
                   lr.shapes, lr.covered, lr.ms[0], lr.ms[1],
                   lr.chosen == OCLNN_LAYOUT_AUTO ? "none" : layout_name(lr.chosen));
        printf("  \"entries\": %zu, \"jobs_not_started\": %zu, \"wall_s\": %.2f, \"ok\": %s\n}\n", db.n_rows,
               not_started, (oclnn__now_ms() - clk.start_ms) / 1e3, rc == TOOL_OK ? "true" : "false");
    }
    if (have_db) oclnn__tune_db_free(&db);
    oclnn_context_destroy(t.ctx);
    oclnn__tuner_free(&t);
    for (size_t i = 0; i < n_items; i++) tune_item_free(&items[i]);
    return rc;
}
