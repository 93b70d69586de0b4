/* SPDX-License-Identifier: MIT */
/* `oclnn tune` in the tool: its options and the list of problems it tunes (tune_args.c), each
 * with the host data and reference the search job (src/tune/job.h) verifies against. */
#ifndef OCLNN_TOOL_TUNE_H
#define OCLNN_TOOL_TUNE_H

#include "backend/problem.h"
#include "ops/conv2d.h"
#include "tool.h"
#include "tune/job.h"

#define TUNE_MAX_ITEMS 64
#define TUNE_MAX_FILES 16

typedef struct tune_options {
    const char *device, *db, *kernels, *net;
    oclnn_layout layout; /* AUTO: the device's */
    bool all_builtin, resume, no_layout, check;
    bool quick;              /* --quick: 60 s, the heaviest shapes' untuned families, few candidates */
    bool json;               /* --json: the summary as one JSON object on stdout */
    bool merge;              /* --merge FILE...: merge databases into --out */
    const char *out;         /* --out FILE (--merge) */
    const char *class_key;   /* --class KEY (--merge): write a class database */
    double budget;
    oclnn__tune_strategy strategy;
    uint64_t seed;
} tune_options;

/* One problem to tune, weighted by how often its network has it. */
typedef struct tune_item {
    char name[48];
    oclnn_conv2d_desc desc;
    oclnn__conv2d_problem pb;
    char problem[OCLNN__CONV2D_PROBLEM_MAX];
    uint32_t count;
    /* host data, made on first use (tune_item_data) */
    float *src, *weights, *bias, *ref;
    oclnn__tune_conv conv; /* the job's view of the above */
} tune_item;

/* Parses the arguments into o, the problem list and (with --merge) the files; TOOL_OK, TOOL_HELP
 * or TOOL_USAGE. */
int tune_parse(int argc, char **argv, tune_options *o, tune_item *items, size_t *n, const char **files,
               size_t *n_files);
/* `oclnn tune --merge A B ... --out C` (cmd_tune_merge.c). */
int tune_merge(const tune_options *o, const char *const *files, size_t n_files);
/* Appends a problem (or adds count to the same problem already listed); false with a message. */
bool tune_add(tune_item *list, size_t *n, const char *name, const oclnn_conv2d_desc *d, uint32_t count);
/* True when --kernels lists `family` (or was not given). */
bool tune_family_wanted(const tune_options *o, const char *family);
/* Random data and, when need_ref, the reference output in `layout` (made once); false when out of
 * memory. */
bool tune_item_data(tune_item *s, oclnn_layout layout, bool need_ref);
void tune_item_free(tune_item *s);

/* Estimated build time of one program (PoCL, a loaded 2-core machine), for planning the budget. */
#define TUNE_EST_BUILD_MS 400.0
/* What closing takes after the end-to-end check (contexts, the database saved): kept free. */
#define TUNE_FINISH_MS 1000.0

/* What tune_check.c measures besides the searches. */
/* A context on --device with `tuning_db` ("none": no database); NULL after printing why. */
oclnn_context *tune_context(const tune_options *o, const char *tuning_db);

/* An item's untuned behaviour: AUTO on a context without a database. */
typedef struct baseline {
    bool ok;
    oclnn_conv_algo algo;
    double ms;
} baseline;

/* The algorithm named `name` (oclnn_conv_algo_name); AUTO when none is. */
oclnn_conv_algo tune_algo_by_name(const char *name);
/* Times every item's untuned AUTO briefly (the weights of --quick's order and of the budget's
 * plan). */
void tune_measure_baseline(const tune_options *o, oclnn_layout layout, tune_item *items, size_t n, baseline *out);
/* The end-to-end check of one shape the database changed: two contexts, 7 rounds of a warm-up
 * and 3 runs, a build (`built`: the searches built its programs, a cache hit). */
double tune_e2e_ms(const baseline *b, bool built);
/* The items heaviest first (untuned time x count; stable): --quick's order, and the end-to-end
 * check's, so that a budget running out leaves the lightest shapes unconfirmed. */
void tune_heaviest_first(const tune_item *items, const baseline *base, size_t n, size_t *order);

/* One row of the end-to-end check. */
typedef struct e2e_row {
    bool ok;
    char default_algo[24], tuned_algo[24];
    double default_ms, tuned_ms;
    bool changed;  /* the database changes the algorithm or its parameters (else one time for both) */
    bool reverted; /* the tuned database was slower here: the untuned choice is pinned */
} e2e_row;

/* The end-to-end check: AUTO on an untuned context against AUTO on one that loaded db_path,
 * interleaved, per shape whose configuration the database changes (an unchanged shape builds the
 * same program: its baseline time stands for both sides), heaviest first. With `db` (not
 * --check), a changed shape where the tuned side is not faster, or whose check would end past
 * deadline_ms, is pinned to its untuned choice and db saved. caps: the tuner's device class.
 * Rows go to out[n]; false when a context failed. */
bool tune_end_to_end(const tune_options *o, const oclnn__conv2d_caps *caps, const char *db_path, tune_item *shapes,
                     size_t n, const baseline *base, oclnn__tune_db *db, double deadline_ms, e2e_row *out,
                     oclnn_layout *lp_out, oclnn_layout *lt_out);
/* The end-to-end table (or its JSON members). */
void tune_print_end_to_end(const tune_options *o, const tune_item *shapes, size_t n, const e2e_row *rows,
                           oclnn_layout lp, oclnn_layout lt, bool check);
/* What the layout step measured: count-weighted sums of the shapes timed (NCHW, NHWC), how many
 * shapes, their share of the untuned time, and the layout recorded (AUTO: none). */
typedef struct tune_layout_result {
    double ms[2];
    size_t shapes;
    double covered;
    oclnn_layout chosen;
} tune_layout_result;
/* The NCHW/NHWC step: measured on ResNet-50 (weighted by layer count), whatever was tuned; the
 * faster layout is recorded in db and saved to path. */
void tune_choose_layout(const tune_options *o, const oclnn_device_info *dev, oclnn__tune_db *db, const char *path,
                        tune_layout_result *out);
/* --quick's layout step: each shape timed for about this long per round and layout, and the
 * share of the untuned time the shapes timed must reach for a layout to be recorded. */
#define QUICK_LAYOUT_TARGET_MS 20.0
#define QUICK_LAYOUT_COVER 0.5
/* --quick's layout step: `items` heaviest first (by base) until deadline_ms, briefly; records a
 * layout only when the shapes timed cover QUICK_LAYOUT_COVER of the untuned time. */
void tune_choose_layout_quick(const tune_options *o, const oclnn_device_info *dev, oclnn__tune_db *db,
                              const char *path, tune_item *items, const baseline *base, size_t n,
                              double deadline_ms, tune_layout_result *out);

#endif
