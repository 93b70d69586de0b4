/* SPDX-License-Identifier: MIT */
/* The measured convolution algorithm: oclnn_conv2d_find records its winner for a problem as one
 * row ("conv_algo <problem> ALGO=<oclnn_conv_algo> <ms>") in the context's tuning database, and
 * OCLNN_CONV_ALGO_AUTO follows that row before anything else (src/ops/conv2d_tuned.c). It is
 * saved with the database like any row. The candidates are the oclnn_conv_algo values other
 * than AUTO (a new algorithm adds its value here); the default is only the parse default. */
#include "tune/space.h"

const oclnn__tune_space oclnn__tune_space_conv_algo = {
    "conv_algo", "(conv2d algorithm choice)", 1, {{"ALGO", {1, 2, 3, 4, 5, 6, 7, 8, 9 /* issue 19 */}, 9, 1}}, 0, {{0}},
    NULL};
