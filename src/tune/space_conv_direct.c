/* SPDX-License-Identifier: MIT */
/* The search spaces of the direct convolutions.
 *   conv_direct (cl/conv/direct.cl):     KB output channels per work-item (the vector width of
 *                                        the weights: 1, 2, 4, 8 or 16), QB output columns per
 *                                        work-item; KB * QB accumulators within 128 floats.
 *   conv_depthwise (cl/conv/depthwise.cl): QB output columns per work-item. */
#include "tune/space.h"

const oclnn__tune_space oclnn__tune_space_conv_direct = {
    "conv_direct", "conv/direct.cl", 2,
    {{"KB", {1, 2, 4, 8, 16}, 5, 4}, {"QB", {1, 2, 4, 8, 16}, 5, 8}}, 1,
    {{OCLNN__TUNE_PRODUCT_AT_MOST, 0, 1, -1, 128}}, NULL};

const oclnn__tune_space oclnn__tune_space_conv_depthwise = {
    "conv_depthwise", "conv/depthwise.cl", 1, {{"QB", {1, 2, 4, 8, 16, 32}, 6, 8}}, 0, {{0}}, NULL};
