/* SPDX-License-Identifier: MIT */
/* The convolution problem grammar (see problem.h): the printer, and the parser that reads the
 * printer's output and the short forms, checking every size the way oclnn__conv2d_resolve does. */
#include "backend/problem.h"

#include <stdio.h>
#include <string.h>

#include "core/status.h"

void oclnn__conv2d_problem_str(const oclnn__conv2d_problem *pb, char *buf, size_t size) {
    const char *suffix = pb->layout == OCLNN_LAYOUT_NCHW   ? "_nchw"
                         : pb->layout == OCLNN_LAYOUT_NHWC ? "_nhwc"
                                                           : "";
    snprintf(buf, size, "n%uc%uh%uw%uk%ur%us%ust%ux%upad%u,%u,%u,%udil%ux%ug%u%s", pb->n, pb->c,
             pb->h, pb->w, pb->k, pb->r, pb->s, pb->stride_h, pb->stride_w, pb->pad_top,
             pb->pad_bottom, pb->pad_left, pb->pad_right, pb->dil_h, pb->dil_w, pb->groups, suffix);
}

typedef struct cursor {
    const char *text; /* the whole string, for messages */
    const char *p;
} cursor;

static bool at(const cursor *c, const char *name) { return !strncmp(c->p, name, strlen(name)); }

/* Reads one decimal number into *v (must fit 32 bits). */
static oclnn_status number(cursor *c, const char *field, uint32_t *v) {
    if (*c->p < '0' || *c->p > '9')
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "problem \"%s\": %s needs a number at \"%s\"",
                           c->text, field, c->p);
    uint64_t x = 0;
    while (*c->p >= '0' && *c->p <= '9') {
        x = x * 10 + (uint64_t)(*c->p++ - '0');
        if (x > UINT32_MAX)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "problem \"%s\": %s is out of range",
                               c->text, field);
    }
    *v = (uint32_t)x;
    return OCLNN_OK;
}

/* Reads `name` followed by up to `max` numbers separated by `sep`; *count says how many. */
static oclnn_status field(cursor *c, const char *name, char sep, uint32_t *v, int max, int *count) {
    if (!at(c, name))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "problem \"%s\": expected \"%s\" at \"%s\"",
                           c->text, name, *c->p ? c->p : "the end");
    c->p += strlen(name);
    int n = 0;
    for (;;) {
        OCLNN__TRY(number(c, name, &v[n++]));
        if (*c->p != sep || n == max) break;
        c->p++;
    }
    if (*c->p == sep)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "problem \"%s\": %s takes at most %d numbers",
                           c->text, name, max);
    *count = n;
    return OCLNN_OK;
}

static oclnn_status one(cursor *c, const char *name, uint32_t *v) {
    int n = 0;
    return field(c, name, ',', v, 1, &n);
}

static oclnn_status pair(cursor *c, const char *name, uint32_t *a, uint32_t *b) {
    uint32_t v[2];
    int n = 0;
    OCLNN__TRY(field(c, name, 'x', v, 2, &n));
    if (n != 2)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "problem \"%s\": %s needs HxW", c->text, name);
    *a = v[0], *b = v[1];
    return OCLNN_OK;
}

/* Output size along one axis, as oclnn__conv2d_resolve computes it. */
static oclnn_status axis(const cursor *c, const char *name, uint32_t in, uint32_t k, uint32_t stride,
                         uint32_t dil, uint32_t lo, uint32_t hi, uint32_t *out) {
    uint64_t eff = (uint64_t)dil * (k - 1) + 1, padded = (uint64_t)in + lo + hi;
    if (eff > padded)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "problem \"%s\": the dilated kernel %s (%llu) is larger than the padded "
                           "input (%llu)",
                           c->text, name, (unsigned long long)eff, (unsigned long long)padded);
    *out = (uint32_t)((padded - eff) / stride + 1);
    return OCLNN_OK;
}

static oclnn_status derive(const cursor *c, oclnn__conv2d_problem *pb) {
    const struct {
        const char *name;
        uint32_t v;
    } sizes[] = {{"n", pb->n},        {"c", pb->c},        {"h", pb->h},     {"w", pb->w},
                 {"k", pb->k},        {"r", pb->r},        {"s", pb->s},     {"st", pb->stride_h},
                 {"st", pb->stride_w}, {"dil", pb->dil_h}, {"dil", pb->dil_w}, {"g", pb->groups}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (!sizes[i].v)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "problem \"%s\": %s must be positive",
                               c->text, sizes[i].name);
    if (pb->c % pb->groups || pb->k % pb->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "problem \"%s\": groups (%u) must divide c (%u) and k (%u)", c->text,
                           pb->groups, pb->c, pb->k);
    pb->cg = pb->c / pb->groups, pb->kg = pb->k / pb->groups;
    OCLNN__TRY(axis(c, "height", pb->h, pb->r, pb->stride_h, pb->dil_h, pb->pad_top, pb->pad_bottom,
                    &pb->p));
    return axis(c, "width", pb->w, pb->s, pb->stride_w, pb->dil_w, pb->pad_left, pb->pad_right,
                &pb->q);
}

static oclnn_status padding(cursor *c, oclnn__conv2d_problem *pb) {
    uint32_t v[4];
    int n = 0;
    OCLNN__TRY(field(c, "pad", ',', v, 4, &n));
    if (n == 3)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "problem \"%s\": pad takes 1 (all), 2 (H,W) or 4 (top,bottom,left,right) "
                           "numbers, not 3",
                           c->text);
    if (n == 1) pb->pad_top = pb->pad_bottom = pb->pad_left = pb->pad_right = v[0];
    else if (n == 2) pb->pad_top = pb->pad_bottom = v[0], pb->pad_left = pb->pad_right = v[1];
    else pb->pad_top = v[0], pb->pad_bottom = v[1], pb->pad_left = v[2], pb->pad_right = v[3];
    return OCLNN_OK;
}

oclnn_status oclnn__conv2d_problem_parse(const char *text, oclnn__conv2d_problem *pb) {
    memset(pb, 0, sizeof *pb);
    if (!text) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "problem is NULL");
    cursor c = {text, text};
    static const char *const names[] = {"n", "c", "h", "w", "k", "r", "s"};
    uint32_t *dst[] = {&pb->n, &pb->c, &pb->h, &pb->w, &pb->k, &pb->r, &pb->s};
    for (size_t i = 0; i < 7; i++) OCLNN__TRY(one(&c, names[i], dst[i]));
    pb->stride_h = pb->stride_w = pb->dil_h = pb->dil_w = pb->groups = 1;
    if (at(&c, "st")) OCLNN__TRY(pair(&c, "st", &pb->stride_h, &pb->stride_w));
    if (at(&c, "pad")) OCLNN__TRY(padding(&c, pb));
    if (at(&c, "dil")) OCLNN__TRY(pair(&c, "dil", &pb->dil_h, &pb->dil_w));
    if (at(&c, "g")) OCLNN__TRY(one(&c, "g", &pb->groups));
    if (!strcmp(c.p, "_nchw")) pb->layout = OCLNN_LAYOUT_NCHW;
    else if (!strcmp(c.p, "_nhwc")) pb->layout = OCLNN_LAYOUT_NHWC;
    else if (*c.p)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "problem \"%s\": unexpected \"%s\" (the order is n c h w k r s st pad "
                           "dil g, then _nchw or _nhwc)",
                           text, c.p);
    return derive(&c, pb);
}
