/* SPDX-License-Identifier: MIT */
/* The tuner's search over one family's space for one problem. The measurement is injected (the
 * `oclnn tune` tool compiles, verifies and times a kernel; tests pass a fake), so the search
 * itself is deterministic for a given seed and testable without timing anything. */
#ifndef OCLNN_TUNE_SEARCH_H
#define OCLNN_TUNE_SEARCH_H

#include "tune/space.h"

typedef enum oclnn__tune_strategy {
    OCLNN__TUNE_EXHAUSTIVE = 0, /* every valid candidate, in order */
    OCLNN__TUNE_RANDOM = 1,     /* valid candidates in a seeded random order */
    OCLNN__TUNE_ANNEAL = 2      /* simulated annealing over neighbours (one parameter one step) */
} oclnn__tune_strategy;

typedef enum oclnn__tune_outcome {
    OCLNN__TUNE_MEASURED = 0, /* ran, verified, *ms set */
    OCLNN__TUNE_FAILED = 1,   /* did not compile or did not run: skipped */
    OCLNN__TUNE_WRONG = 2     /* ran but its output differs from the reference: rejected */
} oclnn__tune_outcome;

typedef struct oclnn__tune_job {
    const oclnn__tune_space *space;
    oclnn__tune_limits limits;  /* device constraints */
    oclnn__tune_strategy strategy;
    double budget_s;            /* stop starting new candidates after this long; <= 0: no limit */
    size_t max_evals;           /* stop after this many measurements; 0: no limit */
    uint64_t seed;
    oclnn__tune_outcome (*measure)(void *user, const oclnn__tune_values *v, double *ms);
    double (*clock)(void *user); /* seconds; NULL: the monotonic clock */
    /* Called after each measurement (NULL: none); `total` is the number of valid candidates. */
    void (*progress)(void *user, size_t done, size_t total, const oclnn__tune_values *v,
                     oclnn__tune_outcome outcome, double ms);
    void *user;
    /* The first candidate, the baseline the others are compared with: what the device runs
     * untuned (its class default, src/tune/defaults.c); NULL: the kernel defaults. */
    const oclnn__tune_values *start;
    /* Candidates measured right after the start, before the strategy's own (oclnn tune --quick:
     * what the shipped databases record for the problem); the annealing starts from the fastest
     * of the start and these. A seed outside the space or the device's limits is skipped. */
    const oclnn__tune_values *seeds;
    size_t n_seeds;
} oclnn__tune_job;

typedef struct oclnn__tune_result {
    bool found;               /* some candidate was measured */
    oclnn__tune_values best;  /* the fastest measured candidate */
    double best_ms;
    bool default_measured;    /* the first candidate (job->start, else the kernel defaults) ran and verified */
    double default_ms;
    size_t valid;             /* candidates meeting the constraints */
    size_t excluded;          /* candidates the constraints removed */
    size_t evaluated, failed, wrong;
    bool out_of_budget;       /* stopped by the budget or max_evals before the strategy ended */
} oclnn__tune_result;

/* Runs the search; false only when out of memory. */
bool oclnn__tune_search(const oclnn__tune_job *job, oclnn__tune_result *out);

/* "exhaustive" | "random" | "anneal"; false for anything else. */
bool oclnn__tune_strategy_parse(const char *text, oclnn__tune_strategy *out);

#endif
