/* SPDX-License-Identifier: MIT */
/* What is already known before a quick tune (issue 14): the shipped databases of the device
 * (its own file in the lookup folders, and its class database), and from them `oclnn tune
 * --quick`'s candidates for one problem: the configuration each family is recorded with for that
 * problem or its nearest shape (the lookup chain's rule, oclnn__tune_db_answer). A quick tune
 * times these, so that it can switch algorithms with tuned parameters, as a full tune does,
 * instead of only nudging the parameters of the family AUTO uses untuned. */
#ifndef OCLNN_TUNE_TRANSFER_H
#define OCLNN_TUNE_TRANSFER_H

#include "tune/job.h"

/* The databases found for a device: its own file, then its class database (those that exist). */
typedef struct oclnn__tune_known {
    oclnn__tune_db dbs[2];
    char paths[2][1024];
    size_t n;
} oclnn__tune_known;

/* Loads what the lookup folders hold for `dev` in class `cls` (oclnn__tune_locate_level);
 * returns how many databases were found (0: k is empty). Free k. */
size_t oclnn__tune_known_load(const oclnn_device_info *dev, oclnn__devclass cls, oclnn__tune_known *k);
void oclnn__tune_known_free(oclnn__tune_known *k);

/* One candidate of a quick tune. */
typedef struct oclnn__tune_seed {
    oclnn__tune_family family;
    oclnn__tune_values values;
    bool transferred; /* from a known database; else the untuned family's class default */
    bool exact;       /* transferred from a row for this very problem (else the nearest shape's) */
    double known_ms;  /* the row's time (comparable only between exact rows of one problem) */
} oclnn__tune_seed;

/* The most candidates oclnn__tune_quick_seeds returns. */
#define OCLNN__TUNE_MAX_SEEDS (1 + 2 * OCLNN_CONV_ALGO_COUNT)

/* --quick's candidates for `problem`, in order: the class default of `untuned` (the family AUTO
 * uses untuned: what the device runs now, the baseline) when it is among `families`, then for
 * each of `families` the configuration each known database answers with (exact rows first,
 * fastest recorded first, then nearest-shape rows), duplicates dropped. A row that its database
 * records more than max_ratio times slower than the fastest row of its own shape is left out
 * (the shipped tune found that family hopeless there; 0: keep all). Without known databases:
 * the class default only. Returns the count (at most OCLNN__TUNE_MAX_SEEDS). */
size_t oclnn__tune_quick_seeds(const oclnn__tune_known *k, const oclnn_device_info *dev, oclnn__devclass cls,
                               const char *problem, const oclnn__tune_family *families, size_t n_families,
                               oclnn_conv_algo untuned, double max_ratio, oclnn__tune_seed *out);

#endif
