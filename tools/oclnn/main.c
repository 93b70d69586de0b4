/* SPDX-License-Identifier: MIT */
/* oclnn: the command-line tool (devices, bench, run, tune). Progress goes to stderr, results to stdout. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "tool.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"bench", cmd_bench, "time an op (or a network) on a device, optionally verified"},
    {"detect", cmd_detect, "find objects in an image with a built-in detector (Faster R-CNN)"},
    {"devices", cmd_devices, "list OpenCL devices and the C backend, with capabilities"},
    {"run", cmd_run, "run an ONNX model on a .npy input"},
    {"tune", cmd_tune, "tune the kernels for a device and write its tuning database"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: oclnn <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`oclnn <command> --help` describes a command. oclnn %s\n", oclnn_version_string());
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return TOOL_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return TOOL_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("oclnn %s\n", oclnn_version_string());
        return TOOL_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "oclnn: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return TOOL_USAGE;
}
