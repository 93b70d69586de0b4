/* SPDX-License-Identifier: MIT */
/* Argument handling for every oclnn command: option tables parsed with getopt_long, --help
 * generated from the same tables, errors that name the flag and the value, and the value
 * parsers the tables use. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tool.h"

/* getopt_long codes: options are numbered from here (above every character). */
#define OPT_BASE 256
#define MAX_OPTS 64

static size_t count_opts(const tool_opt *t) {
    size_t n = 0;
    while (t && t[n].name) n++;
    return n;
}

/* Row `i` of the two tables seen as one. */
static const tool_opt *row(const tool_cmd *cmd, size_t i) {
    size_t n = count_opts(cmd->opts);
    return i < n ? &cmd->opts[i] : &cmd->common[i - n];
}

/* Help text wraps at this column, continuing under the text's start. */
#define HELP_WIDTH 100
#define HELP_INDENT 23

void tool_print_opts(FILE *f, const tool_opt *t) {
    for (; t && t->name; t++) {
        char head[64];
        snprintf(head, sizeof head, "--%s%s%s", t->name, t->meta ? " " : "", t->meta ? t->meta : "");
        int col = fprintf(f, "  %-20s", head);
        if (col > HELP_INDENT - 1) col = fprintf(f, "\n%*s", HELP_INDENT - 1, "") - 1;
        for (const char *p = t->help; *p;) {
            size_t word = strcspn(p, " ");
            if (col + 1 + (int)word > HELP_WIDTH) col = fprintf(f, "\n%*s", HELP_INDENT - 1, "") - 1;
            col += fprintf(f, " %.*s", (int)word, p);
            p += word;
            p += strspn(p, " ");
        }
        fputc('\n', f);
    }
}

void tool_usage(const tool_cmd *cmd, FILE *f) {
    fprintf(f, "usage: oclnn %s%s%s [options]\n\n%s\n", cmd->name, *cmd->synopsis ? " " : "",
            cmd->synopsis, cmd->about);
    if (count_opts(cmd->opts)) {
        fprintf(f, "\noptions:\n");
        tool_print_opts(f, cmd->opts);
    }
    if (count_opts(cmd->common)) {
        fprintf(f, "\ncommon options:\n");
        tool_print_opts(f, cmd->common);
    }
    fprintf(f, "  %-20s %s\n", "--help", "print this and exit");
}

int tool_usage_error(const tool_cmd *cmd, const char *fmt, ...) {
    fprintf(stderr, "oclnn %s: ", cmd->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see `oclnn %s --help`)\n", cmd->name);
    return TOOL_USAGE;
}

int tool_parse(const tool_cmd *cmd, int argc, char **argv, const char **args, int *n_args) {
    size_t n = count_opts(cmd->opts) + count_opts(cmd->common);
    if (n > MAX_OPTS) return tool_usage_error(cmd, "too many options in the table (internal)");
    struct option lo[MAX_OPTS + 2];
    for (size_t i = 0; i < n; i++) {
        const tool_opt *o = row(cmd, i);
        lo[i] = (struct option){o->name, o->meta ? required_argument : no_argument, NULL, OPT_BASE + (int)i};
    }
    lo[n] = (struct option){"help", no_argument, NULL, 'h'};
    lo[n + 1] = (struct option){NULL, 0, NULL, 0};
    *n_args = 0;
    opterr = 0; /* the messages below name the command */
    optind = 0; /* glibc and musl: start afresh */
    /* "-": positionals come back in order as code 1; ":": a missing value gives ':'. */
    for (int c; (c = getopt_long(argc, argv, "-:h", lo, NULL)) != -1;) {
        if (c == 'h') {
            tool_usage(cmd, stdout);
            return TOOL_HELP;
        } else if (c == 1) {
            if (*n_args == cmd->max_args || *n_args == TOOL_MAX_ARGS)
                return tool_usage_error(cmd, "unexpected argument \"%s\"", optarg);
            args[(*n_args)++] = optarg;
        } else if (c == ':') {
            const tool_opt *o = row(cmd, (size_t)(optopt - OPT_BASE));
            return tool_usage_error(cmd, "--%s needs a value (%s)", o->name, o->meta);
        } else if (c == '?') {
            if (optopt >= OPT_BASE)
                return tool_usage_error(cmd, "--%s takes no value (\"%s\")", row(cmd, (size_t)(optopt - OPT_BASE))->name,
                                        argv[optind - 1]);
            if (optopt) return tool_usage_error(cmd, "unknown option \"-%c\"", optopt);
            return tool_usage_error(cmd, "unknown option \"%s\"", argv[optind - 1]);
        } else {
            const tool_opt *o = row(cmd, (size_t)(c - OPT_BASE));
            if (!o->meta) {
                *(bool *)o->dst = true;
                continue;
            }
            const char *want = o->parse(optarg, o->dst);
            if (want) return tool_usage_error(cmd, "--%s \"%s\": expected %s", o->name, optarg, want);
        }
    }
    for (; optind < argc; optind++) { /* after "--" */
        if (*n_args == cmd->max_args || *n_args == TOOL_MAX_ARGS)
            return tool_usage_error(cmd, "unexpected argument \"%s\"", argv[optind]);
        args[(*n_args)++] = argv[optind];
    }
    if (*n_args < cmd->min_args)
        return tool_usage_error(cmd, "needs %s", *cmd->synopsis ? cmd->synopsis : "more arguments");
    return TOOL_OK;
}

/* ---- value parsers ---- */

static bool to_u64(const char *v, unsigned long long max, unsigned long long *out) {
    if (*v < '0' || *v > '9') return false; /* no sign, no blank */
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (*end || errno || x > max) return false;
    *out = x;
    return true;
}

const char *opt_string(const char *v, void *dst) {
    if (!*v) return "a non-empty value";
    *(const char **)dst = v;
    return NULL;
}

const char *opt_count(const char *v, void *dst) {
    unsigned long long x;
    if (!to_u64(v, UINT32_MAX, &x) || !x) return "a whole number from 1 to 4294967295";
    *(uint32_t *)dst = (uint32_t)x;
    return NULL;
}

const char *opt_uint(const char *v, void *dst) {
    unsigned long long x;
    if (!to_u64(v, UINT32_MAX, &x)) return "a whole number from 0 to 4294967295";
    *(uint32_t *)dst = (uint32_t)x;
    return NULL;
}

const char *opt_int(const char *v, void *dst) {
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!*v || *end || errno || x < INT32_MIN || x > INT32_MAX) return "a whole number";
    *(int32_t *)dst = (int32_t)x;
    return NULL;
}

const char *opt_u64(const char *v, void *dst) {
    unsigned long long x;
    if (!to_u64(v, UINT64_MAX, &x)) return "a whole number from 0 to 2^64-1";
    *(uint64_t *)dst = x;
    return NULL;
}

const char *opt_float(const char *v, void *dst) {
    char *end;
    double x = strtod(v, &end);
    if (!*v || *end || !isfinite(x) || fabs(x) > 3.4e38) return "a number";
    *(float *)dst = (float)x;
    return NULL;
}

const char *opt_positive(const char *v, void *dst) {
    char *end;
    double x = strtod(v, &end);
    if (!*v || *end || !isfinite(x) || !(x > 0)) return "a positive number";
    *(double *)dst = x;
    return NULL;
}

static const char *pair(const char *v, uint32_t *dst, unsigned lo) {
    unsigned x[2];
    int n = parse_uints(v, x, 2);
    if (n < 1 || x[0] < lo || (n == 2 && x[1] < lo)) return lo ? "A or A,B, each at least 1" : "A or A,B";
    dst[0] = x[0];
    dst[1] = n == 2 ? x[1] : x[0];
    return NULL;
}

const char *opt_pair(const char *v, void *dst) { return pair(v, dst, 1); }
const char *opt_pair0(const char *v, void *dst) { return pair(v, dst, 0); }

const char *opt_shape(const char *v, void *dst) {
    return parse_shape(v, dst) ? NULL : "N,C,H,W, each at least 1";
}

const char *opt_layout(const char *v, void *dst) {
    oclnn_layout *l = dst;
    if (!strcasecmp(v, "auto")) *l = OCLNN_LAYOUT_AUTO;
    else if (!strcasecmp(v, "nchw")) *l = OCLNN_LAYOUT_NCHW;
    else if (!strcasecmp(v, "nhwc")) *l = OCLNN_LAYOUT_NHWC;
    else return "auto, nchw or nhwc";
    return NULL;
}

int parse_uints(const char *text, unsigned *out, int max) {
    int n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        if (*p < '0' || *p > '9' || n == max) return -1;
        errno = 0;
        unsigned long v = strtoul(p, &end, 10);
        if (errno || v > 0xffffffffUL) return -1;
        out[n++] = (unsigned)v;
        if (*end == ',') p = end + 1;
        else if (*end == '\0') p = end;
        else return -1;
        if (*end == ',' && !*p) return -1;
    }
    return n;
}

bool parse_shape(const char *text, oclnn_shape *out) {
    unsigned v[4];
    if (parse_uints(text, v, 4) != 4 || !v[0] || !v[1] || !v[2] || !v[3]) return false;
    *out = (oclnn_shape){v[0], v[1], v[2], v[3]};
    return true;
}
