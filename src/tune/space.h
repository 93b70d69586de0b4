/* SPDX-License-Identifier: MIT */
/* Search spaces as data (CLBlast's tuner definitions): for each tunable kernel family, the
 * compile-time parameters with their candidate values and defaults, and the constraints a
 * candidate must meet on a device. The tuner enumerates a space; the library validates every
 * tuning-database row and every override against the same space before trusting it. */
#ifndef OCLNN_TUNE_SPACE_H
#define OCLNN_TUNE_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oclnn.h"

#define OCLNN__TUNE_MAX_PARAMS 8
#define OCLNN__TUNE_MAX_VALUES 12 /* issue 19: was 8; conv_algo has 9 (winograd6) */
#define OCLNN__TUNE_MAX_CONSTRAINTS 4

typedef struct oclnn__tune_param {
    const char *name;  /* the kernel's define, e.g. "TM" */
    int32_t values[OCLNN__TUNE_MAX_VALUES]; /* candidates, ascending */
    uint8_t n_values;
    int32_t def;       /* the kernel's default (one of the candidates) */
} oclnn__tune_param;

typedef enum oclnn__tune_rule {
    OCLNN__TUNE_PRODUCT_AT_MOST, /* v[a] * v[b] * v[c] <= limit (a register-tile budget) */
    OCLNN__TUNE_MULTIPLE_OF,     /* v[a] % v[b] == 0 */
    OCLNN__TUNE_WORK_GROUP,      /* v[a] * v[b] * v[c] <= the device's largest work-group */
    OCLNN__TUNE_LOCAL_MEM        /* v[a] * v[b] * limit bytes <= the device's local memory */
} oclnn__tune_rule;

typedef struct oclnn__tune_constraint {
    oclnn__tune_rule rule;
    int8_t a, b, c; /* parameter indices; -1 = absent (counts as 1) */
    int64_t limit;
} oclnn__tune_constraint;

struct oclnn__tune_values;
struct oclnn__tune_limits;

typedef struct oclnn__tune_space {
    const char *family;  /* database key: "conv_im2col", ... */
    const char *program; /* the .cl file whose defines these are (documentation, logs) */
    size_t n_params;
    oclnn__tune_param params[OCLNN__TUNE_MAX_PARAMS];
    size_t n_constraints;
    oclnn__tune_constraint constraints[OCLNN__TUNE_MAX_CONSTRAINTS];
    /* What the rules cannot say (NULL: nothing): NULL when `v` holds (on `lim`; NULL lim: device
     * limits not checked), else the reason written into why[size]. */
    const char *(*check)(const struct oclnn__tune_values *v, const struct oclnn__tune_limits *lim,
                         char *why, size_t size);
} oclnn__tune_space;

/* What a constraint needs of the device. */
typedef struct oclnn__tune_limits {
    size_t max_work_group_size;
    uint64_t local_mem_bytes;
} oclnn__tune_limits;

/* One candidate: a value per parameter, in the space's order. */
typedef struct oclnn__tune_values {
    int32_t v[OCLNN__TUNE_MAX_PARAMS];
} oclnn__tune_values;

/* The spaces, one per file (space_<family>.c), and the table of all of them. */
extern const oclnn__tune_space oclnn__tune_space_conv_im2col, oclnn__tune_space_conv_gemm1x1,
    oclnn__tune_space_conv_winograd2, oclnn__tune_space_conv_winograd4,
    oclnn__tune_space_conv_direct, oclnn__tune_space_conv_depthwise, oclnn__tune_space_layout,
    oclnn__tune_space_conv_algo, oclnn__tune_space_conv_xgemm;
/* issue 19: Winograd F(6x6,3x3) (space_conv_gemm.c) */
extern const oclnn__tune_space oclnn__tune_space_conv_winograd6;
/* The GPU class's direct and depthwise kernels (space_conv_direct_gpu.c). */
extern const oclnn__tune_space oclnn__tune_space_conv_direct_gpu, oclnn__tune_space_conv_depthwise_gpu;
const oclnn__tune_space *const *oclnn__tune_spaces(size_t *count);
/* The space of `family`, or NULL. */
const oclnn__tune_space *oclnn__tune_space_find(const char *family);

/* Local memory the GEMM engine's tiles take for a conv_xgemm candidate (space_conv_xgemm.c). */
uint64_t oclnn__xgemm_local_bytes(const oclnn__tune_values *v);

/* The parameter index of `name` in `sp`, or -1. */
int oclnn__tune_param_index(const oclnn__tune_space *sp, const char *name);
/* The kernel defaults of every parameter. */
oclnn__tune_values oclnn__tune_defaults_of(const oclnn__tune_space *sp);
/* NULL when every value is a candidate and every constraint holds on `lim` (NULL lim: device
 * constraints are not checked), else the reason, written into why[size]. */
const char *oclnn__tune_check(const oclnn__tune_space *sp, const oclnn__tune_values *v,
                              const oclnn__tune_limits *lim, char *why, size_t size);
/* Number of points of the cartesian product (before constraints). */
size_t oclnn__tune_space_size(const oclnn__tune_space *sp);
/* The candidate with ordinal `index` in [0, size) (mixed-radix, first parameter fastest). */
oclnn__tune_values oclnn__tune_candidate(const oclnn__tune_space *sp, size_t index);
/* The ordinal of `v`, or SIZE_MAX if a value is not a candidate. */
size_t oclnn__tune_ordinal(const oclnn__tune_space *sp, const oclnn__tune_values *v);

/* "TM=8 VW=16 NV=1" (separator between pairs: `sep`). */
void oclnn__tune_values_str(const oclnn__tune_space *sp, const oclnn__tune_values *v, char sep,
                            char *buf, size_t size);
/* Parses "TM=8,VW=16" (separators: ',' or spaces) onto `v` (which holds the values of names not
 * given); `given` gets a bit per parameter named. NULL on success, else the reason in why. */
const char *oclnn__tune_values_parse(const oclnn__tune_space *sp, const char *text,
                                     oclnn__tune_values *v, uint32_t *given, char *why, size_t size);

#endif
