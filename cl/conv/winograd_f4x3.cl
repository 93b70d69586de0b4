/* SPDX-License-Identifier: MIT */
/* Winograd F(4x4,3x3) transforms (Lavin & Gray): 6x6 input tiles, 4x4 output tiles, 36 GEMMs;
 * 4x fewer multiplications than direct, at a larger rounding error (coefficients up to 8).
 * See conv/winograd.h for the data layout and index mapping. Required defines: none.
 * Tunables: none (one work-item per tile and channel). */
#define WINO_M 4
#define WINO_INPUT oclnn_conv_winograd4_input
#define WINO_OUTPUT oclnn_conv_winograd4_output

#define BT_APPLY(d, o)                                                                             \
    do {                                                                                           \
        (o)[0] = 4.0f * (d)[0] - 5.0f * (d)[2] + (d)[4];                                          \
        (o)[1] = -4.0f * ((d)[1] + (d)[2]) + (d)[3] + (d)[4];                                     \
        (o)[2] = 4.0f * ((d)[1] - (d)[2]) - (d)[3] + (d)[4];                                      \
        (o)[3] = 2.0f * ((d)[3] - (d)[1]) - (d)[2] + (d)[4];                                      \
        (o)[4] = 2.0f * ((d)[1] - (d)[3]) - (d)[2] + (d)[4];                                      \
        (o)[5] = 4.0f * (d)[1] - 5.0f * (d)[3] + (d)[5];                                          \
    } while (0)

#define AT_APPLY(d, o)                                                                             \
    do {                                                                                           \
        (o)[0] = (d)[0] + (d)[1] + (d)[2] + (d)[3] + (d)[4];                                      \
        (o)[1] = (d)[1] - (d)[2] + 2.0f * ((d)[3] - (d)[4]);                                      \
        (o)[2] = (d)[1] + (d)[2] + 4.0f * ((d)[3] + (d)[4]);                                      \
        (o)[3] = (d)[1] - (d)[2] + 8.0f * ((d)[3] - (d)[4]) + (d)[5];                             \
    } while (0)

#include "conv/winograd.h"
