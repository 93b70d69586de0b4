/* SPDX-License-Identifier: MIT */
/* The generic side of the search spaces: the table of families, candidate enumeration, the
 * constraint checks shared by the tuner and the database loader, and NAME=value text. */
#include "tune/space.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const oclnn__tune_space *const SPACES[] = {
    &oclnn__tune_space_conv_im2col,    &oclnn__tune_space_conv_gemm1x1,
    &oclnn__tune_space_conv_winograd2, &oclnn__tune_space_conv_winograd4,
    &oclnn__tune_space_conv_direct,    &oclnn__tune_space_conv_depthwise,
    &oclnn__tune_space_layout,         &oclnn__tune_space_conv_algo,
    &oclnn__tune_space_conv_direct_gpu, &oclnn__tune_space_conv_depthwise_gpu,
    &oclnn__tune_space_conv_xgemm,
    &oclnn__tune_space_conv_winograd6, /* issue 19 */
};

const oclnn__tune_space *const *oclnn__tune_spaces(size_t *count) {
    *count = sizeof SPACES / sizeof *SPACES;
    return SPACES;
}

const oclnn__tune_space *oclnn__tune_space_find(const char *family) {
    for (size_t i = 0; i < sizeof SPACES / sizeof *SPACES; i++)
        if (!strcmp(SPACES[i]->family, family)) return SPACES[i];
    return NULL;
}

int oclnn__tune_param_index(const oclnn__tune_space *sp, const char *name) {
    for (size_t i = 0; i < sp->n_params; i++)
        if (!strcmp(sp->params[i].name, name)) return (int)i;
    return -1;
}

oclnn__tune_values oclnn__tune_defaults_of(const oclnn__tune_space *sp) {
    oclnn__tune_values v = {{0}};
    for (size_t i = 0; i < sp->n_params; i++) v.v[i] = sp->params[i].def;
    return v;
}

static int value_pos(const oclnn__tune_param *p, int32_t value) {
    for (int i = 0; i < p->n_values; i++)
        if (p->values[i] == value) return i;
    return -1;
}

static int64_t at(const oclnn__tune_values *v, int index) { return index < 0 ? 1 : v->v[index]; }

const char *oclnn__tune_check(const oclnn__tune_space *sp, const oclnn__tune_values *v,
                              const oclnn__tune_limits *lim, char *why, size_t size) {
    for (size_t i = 0; i < sp->n_params; i++)
        if (value_pos(&sp->params[i], v->v[i]) < 0) {
            char list[96] = "";
            for (int j = 0; j < sp->params[i].n_values; j++) {
                size_t n = strlen(list);
                snprintf(list + n, sizeof list - n, "%s%d", j ? "," : "", (int)sp->params[i].values[j]);
            }
            snprintf(why, size, "%s=%d is not one of %s for %s", sp->params[i].name, (int)v->v[i], list,
                     sp->family);
            return why;
        }
    for (size_t i = 0; i < sp->n_constraints; i++) {
        const oclnn__tune_constraint *c = &sp->constraints[i];
        int64_t a = at(v, c->a), b = at(v, c->b), cc = at(v, c->c);
        switch (c->rule) {
        case OCLNN__TUNE_PRODUCT_AT_MOST:
            if (a * b * cc > c->limit) {
                snprintf(why, size, "%s: the register tile (%lld values) exceeds %lld", sp->family,
                         (long long)(a * b * cc), (long long)c->limit);
                return why;
            }
            break;
        case OCLNN__TUNE_MULTIPLE_OF:
            if (b == 0 || a % b != 0) {
                snprintf(why, size, "%s: %s=%lld is not a multiple of %s=%lld", sp->family,
                         sp->params[c->a].name, (long long)a, sp->params[c->b].name, (long long)b);
                return why;
            }
            break;
        case OCLNN__TUNE_WORK_GROUP:
            if (lim && (uint64_t)(a * b * cc) > lim->max_work_group_size) {
                snprintf(why, size, "%s: work-group %lld exceeds the device's %zu", sp->family,
                         (long long)(a * b * cc), lim->max_work_group_size);
                return why;
            }
            break;
        case OCLNN__TUNE_LOCAL_MEM:
            if (lim && (uint64_t)(a * b * c->limit) > lim->local_mem_bytes) {
                snprintf(why, size, "%s: %lld bytes of local memory exceed the device's %llu",
                         sp->family, (long long)(a * b * c->limit),
                         (unsigned long long)lim->local_mem_bytes);
                return why;
            }
            break;
        }
    }
    return sp->check ? sp->check(v, lim, why, size) : NULL;
}

size_t oclnn__tune_space_size(const oclnn__tune_space *sp) {
    size_t n = 1;
    for (size_t i = 0; i < sp->n_params; i++) n *= sp->params[i].n_values;
    return n;
}

oclnn__tune_values oclnn__tune_candidate(const oclnn__tune_space *sp, size_t index) {
    oclnn__tune_values v = {{0}};
    for (size_t i = 0; i < sp->n_params; i++) {
        v.v[i] = sp->params[i].values[index % sp->params[i].n_values];
        index /= sp->params[i].n_values;
    }
    return v;
}

size_t oclnn__tune_ordinal(const oclnn__tune_space *sp, const oclnn__tune_values *v) {
    size_t index = 0, scale = 1;
    for (size_t i = 0; i < sp->n_params; i++) {
        int pos = value_pos(&sp->params[i], v->v[i]);
        if (pos < 0) return SIZE_MAX;
        index += (size_t)pos * scale;
        scale *= sp->params[i].n_values;
    }
    return index;
}

void oclnn__tune_values_str(const oclnn__tune_space *sp, const oclnn__tune_values *v, char sep,
                            char *buf, size_t size) {
    size_t used = 0;
    const char between[2] = {sep, '\0'};
    buf[0] = '\0';
    for (size_t i = 0; i < sp->n_params && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s=%d", i ? between : "",
                         sp->params[i].name, (int)v->v[i]);
        if (n < 0) break;
        used += (size_t)n;
    }
}

const char *oclnn__tune_values_parse(const oclnn__tune_space *sp, const char *text,
                                     oclnn__tune_values *v, uint32_t *given, char *why, size_t size) {
    *given = 0;
    const char *p = text;
    for (;;) {
        while (*p == ',' || *p == ' ' || *p == '\t') p++;
        if (!*p) break;
        char name[16];
        size_t n = 0;
        while (isalnum((unsigned char)p[n]) || p[n] == '_') n++;
        if (n == 0 || n >= sizeof name || p[n] != '=') {
            snprintf(why, size, "expected NAME=value at \"%.20s\"", p);
            return why;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        int index = oclnn__tune_param_index(sp, name);
        if (index < 0) {
            snprintf(why, size, "%s has no parameter %s", sp->family, name);
            return why;
        }
        p += n + 1;
        char *end;
        long value = strtol(p, &end, 10);
        if (end == p || value < INT32_MIN || value > INT32_MAX ||
            (*end && *end != ',' && *end != ' ' && *end != '\t')) {
            snprintf(why, size, "%s needs an integer value at \"%.20s\"", name, p);
            return why;
        }
        if (*given & (1u << index)) {
            snprintf(why, size, "%s is given twice", name);
            return why;
        }
        *given |= 1u << index;
        v->v[index] = (int32_t)value;
        p = end;
    }
    return NULL;
}
