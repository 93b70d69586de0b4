/* SPDX-License-Identifier: MIT */
/* Exhaustive, random and annealing searches over a space (see search.h). The starting candidate
 * (the device class's default, what the untuned device runs, else the kernel defaults) is always
 * measured first: it is the baseline every speedup is reported against, and a search cut short
 * by its budget still has an answer no worse than the default. */
#include "tune/search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

static double monotonic_s(void *user) {
    (void)user;
    return oclnn__now_ms() / 1e3;
}

static uint64_t next_random(uint64_t *s) { /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

bool oclnn__tune_strategy_parse(const char *text, oclnn__tune_strategy *out) {
    static const char *const names[] = {"exhaustive", "random", "anneal"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(text, names[i])) {
            *out = (oclnn__tune_strategy)i;
            return true;
        }
    return false;
}

typedef struct search {
    const oclnn__tune_job *job;
    oclnn__tune_result *r;
    double (*clock)(void *);
    double start;
    /* per ordinal: 0 unvisited, 1 measured, 2 failed or wrong; ms when measured */
    uint8_t *state;
    double *ms;
    bool stop;
} search;

static bool out_of_budget(search *s) {
    const oclnn__tune_job *j = s->job;
    if (j->max_evals && s->r->evaluated >= j->max_evals) return true;
    return j->budget_s > 0 && s->clock(j->user) - s->start >= j->budget_s;
}

/* Measures candidate `ord` once (later calls return the cached result); false when it failed. */
static bool visit(search *s, size_t ord, double *ms) {
    if (s->state[ord]) {
        *ms = s->ms[ord];
        return s->state[ord] == 1;
    }
    if (s->r->evaluated > 0 && out_of_budget(s)) {
        s->stop = s->r->out_of_budget = true;
        return false;
    }
    const oclnn__tune_job *j = s->job;
    oclnn__tune_values v = oclnn__tune_candidate(j->space, ord);
    double t = 0;
    oclnn__tune_outcome o = j->measure(j->user, &v, &t);
    s->r->evaluated++;
    if (o == OCLNN__TUNE_MEASURED && !(t >= 0 && isfinite(t))) o = OCLNN__TUNE_FAILED;
    if (o == OCLNN__TUNE_FAILED) s->r->failed++;
    if (o == OCLNN__TUNE_WRONG) s->r->wrong++;
    s->state[ord] = o == OCLNN__TUNE_MEASURED ? 1 : 2;
    s->ms[ord] = t;
    if (o == OCLNN__TUNE_MEASURED && (!s->r->found || t < s->r->best_ms)) {
        s->r->found = true;
        s->r->best = v;
        s->r->best_ms = t;
    }
    if (j->progress) j->progress(j->user, s->r->evaluated, s->r->valid, &v, o, t);
    *ms = t;
    return o == OCLNN__TUNE_MEASURED;
}

static void run_list(search *s, const size_t *order, size_t n) {
    double ms;
    for (size_t i = 0; i < n && !s->stop; i++) visit(s, order[i], &ms);
}

/* A random valid neighbour of `ord`: one parameter moved one candidate up or down. */
static size_t neighbour(search *s, size_t ord, const bool *valid, uint64_t *rng) {
    const oclnn__tune_space *sp = s->job->space;
    for (int tries = 0; tries < 64; tries++) {
        size_t p = (size_t)(next_random(rng) % sp->n_params);
        size_t scale = 1;
        for (size_t i = 0; i < p; i++) scale *= sp->params[i].n_values;
        size_t pos = ord / scale % sp->params[p].n_values;
        bool up = next_random(rng) & 1;
        if (up && pos + 1 < sp->params[p].n_values && valid[ord + scale]) return ord + scale;
        if (!up && pos > 0 && valid[ord - scale]) return ord - scale;
    }
    return SIZE_MAX;
}

static void anneal(search *s, size_t start, const bool *valid, uint64_t *rng) {
    double cur_ms;
    size_t cur = start;
    if (!visit(s, cur, &cur_ms)) cur_ms = INFINITY;
    size_t unvisited_steps = 0;
    for (size_t step = 0; !s->stop && unvisited_steps < 200 && s->r->evaluated < s->r->valid; step++) {
        size_t next = neighbour(s, cur, valid, rng);
        if (next == SIZE_MAX || !valid[next]) {
            unvisited_steps++;
            continue;
        }
        bool fresh = s->state[next] == 0;
        unvisited_steps = fresh ? 0 : unvisited_steps + 1;
        double ms;
        if (!visit(s, next, &ms)) continue;
        /* Temperature falls from 0.3 to 0.01 (relative slowdown accepted with probability 1/e). */
        double progress = s->r->valid ? (double)s->r->evaluated / (double)s->r->valid : 1.0;
        double temp = 0.3 * pow(0.01 / 0.3, progress > 1 ? 1 : progress);
        double worse = isfinite(cur_ms) ? (ms - cur_ms) / cur_ms : -1.0;
        double u = (double)(next_random(rng) >> 11) / 9007199254740992.0;
        if (worse <= 0 || u < exp(-worse / temp)) {
            cur = next;
            cur_ms = ms;
        }
    }
    /* A neighbourhood exhausted early leaves budget: finish with the unvisited in random order. */
}

/* Measures the job's seeds in order; returns the fastest measured of `start` (an ordinal or
 * SIZE_MAX) and them. */
static size_t visit_seeds(search *s, const bool *valid, size_t start) {
    const oclnn__tune_job *j = s->job;
    double best_ms = start != SIZE_MAX && s->state[start] == 1 ? s->ms[start] : INFINITY, ms;
    for (size_t i = 0; i < j->n_seeds && !s->stop; i++) {
        size_t ord = oclnn__tune_ordinal(j->space, &j->seeds[i]);
        if (ord == SIZE_MAX || !valid[ord] || !visit(s, ord, &ms)) continue;
        if (ms < best_ms || start == SIZE_MAX) best_ms = ms, start = ord;
    }
    return start;
}

bool oclnn__tune_search(const oclnn__tune_job *job, oclnn__tune_result *out) {
    memset(out, 0, sizeof *out);
    const oclnn__tune_space *sp = job->space;
    size_t total = oclnn__tune_space_size(sp);
    search s = {job, out, job->clock ? job->clock : monotonic_s, 0, NULL, NULL, false};
    s.start = s.clock(job->user);
    s.state = calloc(total, 1);
    s.ms = calloc(total, sizeof *s.ms);
    bool *valid = calloc(total, sizeof *valid);
    size_t *order = calloc(total, sizeof *order);
    if (!s.state || !s.ms || !valid || !order) {
        free(s.state), free(s.ms), free(valid), free(order);
        return false;
    }
    oclnn__tune_values def = job->start ? *job->start : oclnn__tune_defaults_of(sp);
    size_t def_ord = oclnn__tune_ordinal(sp, &def), n = 0;
    char why[160];
    for (size_t i = 0; i < total; i++) {
        oclnn__tune_values v = oclnn__tune_candidate(sp, i);
        valid[i] = oclnn__tune_check(sp, &v, &job->limits, why, sizeof why) == NULL;
        if (!valid[i]) out->excluded++;
        else if (i != def_ord) order[n++] = i;
    }
    out->valid = total - out->excluded;
    uint64_t rng = job->seed ? job->seed : 0x9E3779B97F4A7C15ULL;
    size_t start = def_ord != SIZE_MAX && valid[def_ord] ? def_ord : SIZE_MAX;
    if (start != SIZE_MAX) {
        double ms;
        out->default_measured = visit(&s, def_ord, &ms);
        out->default_ms = ms;
    }
    start = visit_seeds(&s, valid, start);
    if (job->strategy != OCLNN__TUNE_EXHAUSTIVE)
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)(next_random(&rng) % i);
            size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
    if (job->strategy == OCLNN__TUNE_ANNEAL && n > 0) anneal(&s, start != SIZE_MAX ? start : order[0], valid, &rng);
    run_list(&s, order, n);
    free(s.state), free(s.ms), free(valid), free(order);
    return true;
}
