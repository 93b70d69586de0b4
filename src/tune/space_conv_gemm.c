/* SPDX-License-Identifier: MIT */
/* The search spaces of the GEMM-based convolutions (cl/conv/gemm.cl, cl/conv/winograd.h): im2col,
 * gemm1x1 and the Winograd products all run oclnn_conv_gemm, each tuned on its own shapes.
 *   TM  rows of C per work-item; VW vector width along N; NV vectors per row (TN = NV * VW)
 *   CB  channels per Winograd transform work-item
 * The accumulators (TM * NV * VW floats) must fit a register budget of 256 floats: beyond that
 * every compiler spills (an AVX-512 core has 32 x 16 float registers, a GPU thread far fewer). */
#include "tune/space.h"

#define GEMM_PARAMS                                                                                \
    {"TM", {2, 4, 8, 12, 16}, 5, 8}, {"VW", {4, 8, 16}, 3, 16}, { "NV", {1, 2}, 2, 1 }
#define GEMM_REGISTERS {OCLNN__TUNE_PRODUCT_AT_MOST, 0, 1, 2, 256}

const oclnn__tune_space oclnn__tune_space_conv_im2col = {
    "conv_im2col", "conv/gemm.cl", 3, {GEMM_PARAMS}, 1, {GEMM_REGISTERS}, NULL};

const oclnn__tune_space oclnn__tune_space_conv_gemm1x1 = {
    "conv_gemm1x1", "conv/gemm.cl", 3, {GEMM_PARAMS}, 1, {GEMM_REGISTERS}, NULL};

const oclnn__tune_space oclnn__tune_space_conv_winograd2 = {
    "conv_winograd2", "conv/winograd_f2x3.cl + conv/gemm.cl", 4,
    {GEMM_PARAMS, {"CB", {1, 2, 4, 8}, 4, 4}}, 1, {GEMM_REGISTERS}, NULL};

const oclnn__tune_space oclnn__tune_space_conv_winograd4 = {
    "conv_winograd4", "conv/winograd_f4x3.cl + conv/gemm.cl", 4,
    {GEMM_PARAMS, {"CB", {1, 2, 4, 8}, 4, 4}}, 1, {GEMM_REGISTERS}, NULL};

/* issue 19: Winograd F(6x6,3x3) */
const oclnn__tune_space oclnn__tune_space_conv_winograd6 = {
    "conv_winograd6", "conv/winograd_f6x3.cl + conv/gemm.cl", 4,
    {GEMM_PARAMS, {"CB", {1, 2, 4, 8}, 4, 4}}, 1, {GEMM_REGISTERS}, NULL};
