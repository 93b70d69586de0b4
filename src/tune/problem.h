/* SPDX-License-Identifier: MIT */
/* Canonical problem strings as the tuning database sees them. Each op family has one printer
 * (conv: oclnn__conv2d_problem_str, "n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1"); this is the one
 * parser, generic over benchdnn-style strings: a sequence of lowercase names, each followed by
 * one or more numbers separated by 'x' or ','. The parsed form gives the nearest-shape distance. */
#ifndef OCLNN_TUNE_PROBLEM_H
#define OCLNN_TUNE_PROBLEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCLNN__PROBLEM_MAX_FIELDS 16
#define OCLNN__PROBLEM_MAX_NUMBERS 4
#define OCLNN__PROBLEM_MAX_LEN 127

typedef struct oclnn__problem_field {
    char name[8];
    uint8_t count;
    uint32_t v[OCLNN__PROBLEM_MAX_NUMBERS];
} oclnn__problem_field;

typedef struct oclnn__problem {
    size_t n_fields;
    oclnn__problem_field f[OCLNN__PROBLEM_MAX_FIELDS];
} oclnn__problem;

/* False (with the reason in why) for anything that is not such a string, or is too long. */
bool oclnn__problem_parse(const char *text, oclnn__problem *out, char *why, size_t size);

/* How far apart two problems of one family are: the sum over their numbers of
 * weight * |ln(1 + a) - ln(1 + b)|, where the sizes n, c, h, w, k weigh 1 and every other field
 * (kernel size, stride, padding, dilation, groups: what changes the kernel's work pattern) weighs
 * 4. Problems with different field names or counts cannot stand in for each other: +infinity. */
double oclnn__problem_distance(const oclnn__problem *a, const oclnn__problem *b);

#endif
