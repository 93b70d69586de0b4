/* SPDX-License-Identifier: MIT */
/* The tuner's work on one convolution problem: what `oclnn tune` compiles, verifies, times and
 * records. The caller (the tool) picks the problems and their families, makes the host data and
 * the double-precision reference, and prints; these functions build candidates through the
 * public API with tuning overrides, time them and write the results into a tuning database.
 *
 *   oclnn__tune_conv_search   one family's search on one problem (oclnn__tune_search with a
 *                             measurement that verifies each candidate first); its best is
 *                             recorded
 *   oclnn__tune_conv_confirm  every searched family's tuned and default configurations timed
 *                             together in interleaved rounds; the comparable times are recorded
 *   oclnn__tune_bench_*       one configuration built and timed (also the tool's end-to-end
 *                             and layout measurements) */
#ifndef OCLNN_TUNE_JOB_H
#define OCLNN_TUNE_JOB_H

#include "oclnn.h"
#include "tune/db.h"
#include "tune/search.h"

/* The largest relative error a candidate may show against the reference (as bench_errors
 * measures it: against max(|ref|, 1e-3 max|ref|)): float rounding for most algorithms; Winograd
 * F(4x4)'s transforms amplify it (tests/test_conv2d.c measures and bounds it). `oclnn bench conv
 * --verify` applies the same limits. */
#define OCLNN__TUNE_VERIFY_REL 1e-3
#define OCLNN__TUNE_VERIFY_REL_WINOGRAD4 1e-2
/* issue 19: F(6x6,3x3), the accuracy guard's bound (docs/WINOGRAD.md): the tuner rejects a
 * winograd6 candidate beyond it, as AUTO never takes winograd6 where its measured error does. */
#define OCLNN__TUNE_VERIFY_REL_WINOGRAD6 1e-2
double oclnn__tune_verify_limit(oclnn_conv_algo algo);

/* Worst errors of got against ref: max |got-ref| and max |got-ref| / max(|ref|, 1e-3 max|ref|). */
void oclnn__tune_errors(const float *got, const float *ref, size_t n, double *max_abs, double *max_rel);

/* One problem with its host data, all in the tuner's layout. */
typedef struct oclnn__tune_conv {
    const char *name;                 /* for messages, e.g. "resnet50:res2a_branch2b" */
    const char *problem;              /* its canonical string: the database key */
    oclnn_conv2d_desc desc;
    oclnn_shape dst_shape;
    const float *src, *weights, *bias; /* weights K x C/G x R x S; bias K floats or NULL */
    const float *ref;                 /* the expected output; NULL when only timing */
} oclnn__tune_conv;

/* One family to tune: the algorithm and its search space. */
typedef struct oclnn__tune_family {
    oclnn_conv_algo algo;
    const oclnn__tune_space *space;
} oclnn__tune_family;

/* The session: a context without a database (candidates come by override) and its layout. */
typedef struct oclnn__tuner {
    oclnn_context *ctx;
    oclnn_layout layout;
    /* The file naming the candidate being run, so that a run the kernel takes down can be
     * resumed without it (""): none. Candidates listed in `crashed` are skipped. */
    char inflight[1100];
    char crashed[16][400];
    size_t n_crashed;
    /* Messages about a candidate: skipped (FAILED: did not build or run) or rejected (WRONG);
     * NULL: none. */
    void (*note)(void *user, oclnn__tune_outcome outcome, const char *text);
    /* Called after each candidate of a search (NULL: none). */
    void (*progress)(void *user, size_t done, size_t total, oclnn__tune_outcome outcome, double ms);
    void *user;
    /* A confirmation times a family other than the heuristic's only at its database row, not also
     * at its default (oclnn tune --quick: the row was verified in the search, and the default of a
     * family the device does not use untuned would cost a build and decides nothing). */
    bool confirm_rows_only;
    /* Each candidate is timed for about this long (0: 300 ms). */
    double time_target_ms;
    /* internal: the search under way */
    const oclnn__tune_conv *conv;
    oclnn__tune_family family;
    float *got;
    size_t got_n;
} oclnn__tuner;

/* Reads the in-flight file a crashed run left behind into t->crashed; returns how many. */
size_t oclnn__tuner_load_crashed(oclnn__tuner *t);
void oclnn__tuner_free(oclnn__tuner *t);

/* Searches `f` on `conv` (its ref must be set) with `job`'s strategy, budget, seed and limits
 * (its space, measure, progress and user are filled here), then records the best in db and
 * saves it to path. False with the reason in why (out of memory, the file cannot be written). */
bool oclnn__tune_conv_search(oclnn__tuner *t, const oclnn__tune_conv *conv, oclnn__tune_family f,
                             oclnn__tune_job job, oclnn__tune_db *db, const char *path,
                             oclnn__tune_result *r, char *why, size_t size);

/* Confirmation rounds: each median is of 3 runs; the median over rounds decides. */
#define OCLNN__TUNE_CONFIRM_ROUNDS 7

/* One family's outcome in a confirmation. */
typedef struct oclnn__tune_confirmed {
    oclnn__tune_family family;
    double default_ms, tuned_ms; /* tuned_ms = default_ms when the database had no other values */
    oclnn__tune_values kept;     /* what was recorded: the tuned values if faster, else the default */
    bool kept_default;
} oclnn__tune_confirmed;

/* A search compares candidates measured seconds apart; on a loaded machine the winner can be a
 * lucky sample, and times from different jobs are not comparable. So once a problem's families
 * are tuned, each family's tuned and default configurations are built together and timed in
 * interleaved rounds. A tuned configuration is kept only if it beats its default there, and the
 * rows get these comparable times (AUTO picks the family with the fastest row).
 * families: the applicable families; those with a row in db take part, and `heuristic` (AUTO's
 * choice without a database) always does. out receives one entry per family taking part
 * (*n_out), *chosen what AUTO will pick from the new rows, *heuristic_ms and *chosen_ms their
 * times. Saves db to path. False with the reason in why. */
bool oclnn__tune_conv_confirm(oclnn__tuner *t, const oclnn__tune_conv *conv, const oclnn__tune_family *families,
                              size_t n_families, oclnn_conv_algo heuristic, oclnn__tune_db *db, const char *path,
                              oclnn__tune_confirmed *out, size_t *n_out, oclnn_conv_algo *chosen,
                              double *heuristic_ms, double *chosen_ms, char *why, size_t size);

/* One configuration built on a context: the op and its tensors, src written. */
typedef struct oclnn__tune_bench {
    oclnn_op *op;
    oclnn_tensor *src, *dst;
} oclnn__tune_bench;

oclnn_status oclnn__tune_bench_make(oclnn_context *ctx, const oclnn__tune_conv *conv, oclnn_conv_algo algo,
                                    oclnn_layout layout, oclnn__tune_bench *b);
/* Median of runs filling about target_ms (min_runs..15 runs, after one warm-up); < 0 on failure. */
double oclnn__tune_bench_time(oclnn_context *ctx, oclnn__tune_bench *b, int min_runs, double target_ms);
void oclnn__tune_bench_free(oclnn__tune_bench *b);

/* The median of n values (sorts them). */
double oclnn__tune_median(double *v, size_t n);

#endif
