/* SPDX-License-Identifier: MIT */
/* Shared pieces of the oclnn tool: the subcommand signature, the option tables every command
 * parses its arguments with (args.c, over getopt_long), value parsers and printing helpers. */
#ifndef OCLNN_TOOL_H
#define OCLNN_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "oclnn.h"

/* Exit codes: 0 success, 1 failure of the work (mismatch, device error), 2 usage error.
 * TOOL_HELP is internal: the parser printed --help, the command exits 0. */
enum { TOOL_OK = 0, TOOL_FAIL = 1, TOOL_USAGE = 2, TOOL_HELP = -1 };

int cmd_devices(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_detect(int argc, char **argv); /* cmd_detect.c (issue 18) */

/* A value parser: stores `value` into *dst and returns NULL, or returns what a value must be
 * ("a whole number from 1 to 4294967295") without storing anything. */
typedef const char *(*opt_parse_fn)(const char *value, void *dst);

/* One option, --NAME (a flag when `meta` is NULL: sets *(bool *)dst) or --NAME VALUE or
 * --NAME=VALUE (parse(VALUE, dst)). Tables end with a row whose name is NULL. */
typedef struct tool_opt {
    const char *name; /* without the dashes */
    const char *meta; /* the value's placeholder in --help, e.g. "N" or "H,W"; NULL for a flag */
    const char *help; /* one line, the default in parentheses */
    opt_parse_fn parse;
    void *dst;
} tool_opt;

/* A command's arguments: what --help prints and what tool_parse accepts. */
typedef struct tool_cmd {
    const char *name;      /* as typed, e.g. "bench conv" */
    const char *synopsis;  /* the positional arguments, e.g. "N,C,H,W K,C/G,R,S"; "" if none */
    const char *about;     /* what the command does and what its positionals mean */
    const tool_opt *opts;  /* the command's own options */
    const tool_opt *common; /* a second table (bench's common options), or NULL */
    int min_args, max_args; /* how many positional arguments it takes */
} tool_cmd;

#define TOOL_MAX_ARGS 16

/* Parses argv[1..argc-1] (getopt_long; options and positionals in any order, "--" ends the
 * options). Positionals are stored in order into args (at most TOOL_MAX_ARGS), their count in
 * *n_args. Returns TOOL_OK, TOOL_HELP after printing --help to stdout, or TOOL_USAGE after
 * printing an error that names the flag and the value to stderr. */
int tool_parse(const tool_cmd *cmd, int argc, char **argv, const char **args, int *n_args);
/* Prints the command's usage: synopsis, about text and every option with its help. */
void tool_usage(const tool_cmd *cmd, FILE *f);
/* Prints one table's options, one line each (as --help does). */
void tool_print_opts(FILE *f, const tool_opt *opts);
/* Prints "oclnn NAME: message (see `oclnn NAME --help`)" to stderr; returns TOOL_USAGE. */
int tool_usage_error(const tool_cmd *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* oclnn_last_error() without the "oclnn: " an internal helper's message starts with. */
const char *tool_last_error(void);

/* Value parsers (dst types in brackets). */
const char *opt_string(const char *v, void *dst);   /* [const char *] non-empty */
const char *opt_count(const char *v, void *dst);    /* [uint32_t] 1 .. UINT32_MAX */
const char *opt_uint(const char *v, void *dst);     /* [uint32_t] 0 .. UINT32_MAX */
const char *opt_int(const char *v, void *dst);      /* [int32_t] any */
const char *opt_u64(const char *v, void *dst);      /* [uint64_t] any */
const char *opt_float(const char *v, void *dst);    /* [float] finite */
const char *opt_positive(const char *v, void *dst); /* [double] finite, > 0 */
const char *opt_pair(const char *v, void *dst);     /* [uint32_t[2]] "A" or "A,B", each >= 1 */
const char *opt_pair0(const char *v, void *dst);    /* [uint32_t[2]] "A" or "A,B", each >= 0 */
const char *opt_shape(const char *v, void *dst);    /* [oclnn_shape] "N,C,H,W", each >= 1 */
const char *opt_layout(const char *v, void *dst);   /* [oclnn_layout] auto, nchw or nhwc */

/* Parses "A,B,C,D" into up to `max` unsigned values; returns how many, or -1 on a bad list. */
int parse_uints(const char *text, unsigned *out, int max);
/* Parses "N,C,H,W" into a shape (exactly four positive numbers). */
bool parse_shape(const char *text, oclnn_shape *out);

/* Progress of a long step on stderr: one line rewritten in place on a terminal, otherwise a line
 * at most once a second and one at the end ("compiling resnet50: 12/175 (layer2.0.conv1)"). */
typedef struct tool_progress {
    const char *label;
    bool tty;
    double last_ms;
} tool_progress;
void tool_progress_init(tool_progress *p, const char *label);
void tool_progress_show(tool_progress *p, size_t done, size_t total, const char *what);

/* Prints `s` as a JSON string literal (quotes and escapes included). */
void json_string(FILE *f, const char *s);
const char *layout_name(oclnn_layout l);

#endif
