/* SPDX-License-Identifier: MIT */
/* A quick tune's candidates from the shipped databases (see transfer.h). */
#include "tune/transfer.h"

#include <math.h>
#include <string.h>

#include "tune/tune.h"

size_t oclnn__tune_known_load(const oclnn_device_info *dev, oclnn__devclass cls, oclnn__tune_known *k) {
    memset(k, 0, sizeof *k);
    static const oclnn__tune_level levels[2] = {OCLNN__TUNE_LEVEL_DEVICE, OCLNN__TUNE_LEVEL_CLASS};
    for (size_t i = 0; i < 2; i++) {
        if (oclnn__tune_locate_level(dev, cls, levels[i], &k->dbs[k->n], k->paths[k->n], sizeof k->paths[0])) k->n++;
        else oclnn__tune_db_free(&k->dbs[k->n]);
    }
    return k->n;
}

void oclnn__tune_known_free(oclnn__tune_known *k) {
    for (size_t i = 0; i < k->n; i++) oclnn__tune_db_free(&k->dbs[i]);
    k->n = 0;
}

static bool seen(const oclnn__tune_seed *s, size_t n, const oclnn__tune_seed *c) {
    for (size_t i = 0; i < n; i++)
        if (s[i].family.space == c->family.space && !memcmp(&s[i].values, &c->values, sizeof c->values)) return true;
    return false;
}

/* The fastest row of any family that `db` records for `problem` (the row's own shape). */
static double fastest_of(const oclnn__tune_db *db, const char *problem) {
    double ms = INFINITY;
    for (size_t i = 0; i < db->n_rows; i++)
        if (!strcmp(db->rows[i].problem, problem)) ms = fmin(ms, db->rows[i].ms);
    return ms;
}

/* Exact rows before nearest ones, then the faster recorded first. */
static bool before(const oclnn__tune_seed *a, const oclnn__tune_seed *b) {
    if (a->exact != b->exact) return a->exact;
    return a->exact && a->known_ms < b->known_ms;
}

/* Appends the transferred candidates (every known database's answer for every family), sorted;
 * a row its own database records max_ratio times slower than another family on its shape is
 * left out. */
static size_t transferred(const oclnn__tune_known *k, const char *problem, const oclnn__tune_family *families,
                          size_t n_families, double max_ratio, oclnn__tune_seed *out, size_t n) {
    size_t first = n;
    for (size_t f = 0; f < n_families; f++)
        for (size_t d = 0; d < k->n && n < OCLNN__TUNE_MAX_SEEDS; d++) {
            const oclnn__tune_row *row = oclnn__tune_db_answer(&k->dbs[d], families[f].space->family, problem);
            if (!row || (max_ratio > 0 && row->ms > max_ratio * fastest_of(&k->dbs[d], row->problem))) continue;
            oclnn__tune_seed c = {families[f], row->values, true, !strcmp(row->problem, problem), row->ms};
            if (seen(out, n, &c)) continue;
            size_t at = n++; /* insertion sort: stable */
            for (; at > first && before(&c, &out[at - 1]); at--) out[at] = out[at - 1];
            out[at] = c;
        }
    return n;
}

size_t oclnn__tune_quick_seeds(const oclnn__tune_known *k, const oclnn_device_info *dev, oclnn__devclass cls,
                               const char *problem, const oclnn__tune_family *families, size_t n_families,
                               oclnn_conv_algo untuned, double max_ratio, oclnn__tune_seed *out) {
    size_t n = 0;
    for (size_t f = 0; f < n_families && !n; f++) {
        if (families[f].algo != untuned) continue;
        out[n] = (oclnn__tune_seed){families[f], oclnn__tune_defaults_of(families[f].space), false, false, 0};
        oclnn__tune_device_default(families[f].space, dev, cls, &out[n].values);
        n++;
    }
    return transferred(k, problem, families, n_families, max_ratio, out, n);
}
