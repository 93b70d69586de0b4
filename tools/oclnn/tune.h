/* SPDX-License-Identifier: MIT */
/* `oclnn tune` in the tool: its options and the list of problems it tunes (tune_args.c), each
 * with the host data and reference the search job (src/tune/job.h) verifies against. */
#ifndef OCLNN_TOOL_TUNE_H
#define OCLNN_TOOL_TUNE_H

#include "backend/problem.h"
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

#endif
