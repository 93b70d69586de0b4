/* SPDX-License-Identifier: MIT */
/* The generic parser of canonical problem strings and the nearest-shape distance. */
#include "tune/problem.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

bool oclnn__problem_parse(const char *text, oclnn__problem *out, char *why, size_t size) {
    memset(out, 0, sizeof *out);
    if (strlen(text) > OCLNN__PROBLEM_MAX_LEN) {
        snprintf(why, size, "problem string longer than %d characters", OCLNN__PROBLEM_MAX_LEN);
        return false;
    }
    const char *p = text;
    if (!*p) {
        snprintf(why, size, "empty problem string");
        return false;
    }
    while (*p) {
        if (out->n_fields == OCLNN__PROBLEM_MAX_FIELDS) {
            snprintf(why, size, "problem \"%s\" has too many fields", text);
            return false;
        }
        oclnn__problem_field *f = &out->f[out->n_fields++];
        size_t n = 0;
        while (p[n] >= 'a' && p[n] <= 'z') n++;
        if (n == 0 || n >= sizeof f->name) {
            snprintf(why, size, "problem \"%s\": expected a field name at \"%.12s\"", text, p);
            return false;
        }
        memcpy(f->name, p, n);
        p += n;
        for (;;) {
            if (*p < '0' || *p > '9') {
                snprintf(why, size, "problem \"%s\": field %s needs a number", text, f->name);
                return false;
            }
            if (f->count == OCLNN__PROBLEM_MAX_NUMBERS) {
                snprintf(why, size, "problem \"%s\": field %s has too many numbers", text, f->name);
                return false;
            }
            uint64_t v = 0;
            while (*p >= '0' && *p <= '9') {
                v = v * 10 + (uint64_t)(*p++ - '0');
                if (v > UINT32_MAX) {
                    snprintf(why, size, "problem \"%s\": field %s is out of range", text, f->name);
                    return false;
                }
            }
            f->v[f->count++] = (uint32_t)v;
            if ((*p == 'x' || *p == ',') && p[1] >= '0' && p[1] <= '9') p++;
            else break;
        }
    }
    return true;
}

static bool is_size(const char *name) {
    return !strcmp(name, "n") || !strcmp(name, "c") || !strcmp(name, "h") || !strcmp(name, "w") ||
           !strcmp(name, "k");
}

double oclnn__problem_distance(const oclnn__problem *a, const oclnn__problem *b) {
    if (a->n_fields != b->n_fields) return INFINITY;
    double d = 0.0;
    for (size_t i = 0; i < a->n_fields; i++) {
        const oclnn__problem_field *x = &a->f[i], *y = &b->f[i];
        if (strcmp(x->name, y->name) || x->count != y->count) return INFINITY;
        double weight = is_size(x->name) ? 1.0 : 4.0;
        for (size_t j = 0; j < x->count; j++)
            d += weight * fabs(log1p((double)x->v[j]) - log1p((double)y->v[j]));
    }
    return d;
}
