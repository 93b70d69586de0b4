/* SPDX-License-Identifier: MIT */
/* Whether one device's tuning database measured it faster than another's (src/tune/faster.c),
 * the default device's measured input. */
#ifndef OCLNN_TUNE_FASTER_H
#define OCLNN_TUNE_FASTER_H

#include "tune/db.h"

/* True when a and b share convolution problems (rows of the conv_* families, each problem's
 * fastest row) and a's times over them add up lower than b's; *common gets how many. Pure. */
bool oclnn__tune_db_faster(const oclnn__tune_db *a, const oclnn__tune_db *b, size_t *common);

#endif
