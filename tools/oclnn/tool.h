/* SPDX-License-Identifier: MIT */
/* Shared pieces of the oclnn tool: the subcommand signature, argument and JSON helpers. */
#ifndef OCLNN_TOOL_H
#define OCLNN_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "oclnn.h"

/* Exit codes: 0 success, 1 failure of the work (mismatch, device error), 2 usage error. */
enum { TOOL_OK = 0, TOOL_FAIL = 1, TOOL_USAGE = 2 };

int cmd_devices(int argc, char **argv);
int cmd_tune(int argc, char **argv);

/* Prints `s` as a JSON string literal (quotes and escapes included). */
void json_string(FILE *f, const char *s);
/* True when `arg` equals `name`; with a value ("--x V" or "--x=V") stores it in *value. */
bool arg_flag(const char *arg, const char *name);
bool arg_value(int argc, char **argv, int *i, const char *name, const char **value);
const char *layout_name(oclnn_layout l);

#endif
