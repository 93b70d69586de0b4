/* SPDX-License-Identifier: MIT */
/* The default device's measured input (issue 12): with no GPU, an OpenCL device (PoCL on the
 * CPU) is the default only when its tuning database and the C backend's measured the same
 * convolution problems and the OpenCL device's best times add up lower. core/device.c asks
 * through a hook (core uses nothing above it); this file registers the hook when the library
 * loads, and CMake keeps it linked into static builds (oclnn__tune_faster_anchor). */
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "tune/faster.h"

int oclnn__tune_faster_anchor;

typedef struct best {
    const char *problem;
    double ms;
} best;

static int by_problem(const void *a, const void *b) {
    return strcmp(((const best *)a)->problem, ((const best *)b)->problem);
}

/* The convolution rows of db as (problem, fastest ms), sorted by problem, one per problem. */
static size_t bests(const oclnn__tune_db *db, best *out) {
    size_t n = 0;
    for (size_t i = 0; i < db->n_rows; i++) {
        const oclnn__tune_row *r = &db->rows[i];
        if (!r->space || strncmp(r->space->family, "conv_", 5) || !(r->ms > 0)) continue;
        out[n++] = (best){r->problem, r->ms};
    }
    qsort(out, n, sizeof *out, by_problem);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && !strcmp(out[m - 1].problem, out[i].problem)) {
            if (out[i].ms < out[m - 1].ms) out[m - 1].ms = out[i].ms;
        } else {
            out[m++] = out[i];
        }
    }
    return m;
}

bool oclnn__tune_db_faster(const oclnn__tune_db *a, const oclnn__tune_db *b, size_t *common) {
    *common = 0;
    best *x = malloc((a->n_rows + 1) * sizeof *x), *y = malloc((b->n_rows + 1) * sizeof *y);
    double sa = 0, sb = 0;
    if (x && y) {
        size_t nx = bests(a, x), ny = bests(b, y), i = 0, j = 0;
        while (i < nx && j < ny) {
            int c = strcmp(x[i].problem, y[j].problem);
            if (c < 0) i++;
            else if (c > 0) j++;
            else {
                sa += x[i++].ms;
                sb += y[j++].ms;
                ++*common;
            }
        }
    }
    free(x);
    free(y);
    return *common > 0 && sa < sb;
}

/* The hook: loads both devices' databases from their default paths. */
static bool measured_faster(const oclnn_device_info *cl, const oclnn_device_info *cpu) {
    char pa[4096], pb[4096], why[256];
    if (!oclnn__tune_default_path(cl->name, pa, sizeof pa) ||
        !oclnn__tune_default_path(cpu->name, pb, sizeof pb))
        return false;
    oclnn__tune_db a, b;
    bool faster = false;
    if (oclnn__tune_db_load(pa, cl, NULL, &a, why, sizeof why) == OCLNN__TUNE_LOADED) {
        if (oclnn__tune_db_load(pb, cpu, NULL, &b, why, sizeof why) == OCLNN__TUNE_LOADED) {
            size_t common;
            faster = oclnn__tune_db_faster(&a, &b, &common);
        }
        oclnn__tune_db_free(&b);
    }
    oclnn__tune_db_free(&a);
    return faster;
}

__attribute__((constructor)) static void register_hook(void) {
    oclnn__device_set_measured(measured_faster);
}
