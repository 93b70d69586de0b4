/* SPDX-License-Identifier: MIT */
/* Winograd F(2x2,3x3) transforms (Lavin & Gray): 4x4 input tiles, 2x2 output tiles, 16 GEMMs.
 * See conv/winograd.h for the data layout and index mapping. Required defines: none.
 * Tunables: none (one work-item per tile and channel). */
#define WINO_M 2
#define WINO_INPUT oclnn_conv_winograd2_input
#define WINO_OUTPUT oclnn_conv_winograd2_output

#define BT_APPLY(d, o)                                                                             \
    do {                                                                                           \
        (o)[0] = (d)[0] - (d)[2];                                                                  \
        (o)[1] = (d)[1] + (d)[2];                                                                  \
        (o)[2] = (d)[2] - (d)[1];                                                                  \
        (o)[3] = (d)[1] - (d)[3];                                                                  \
    } while (0)

#define AT_APPLY(d, o)                                                                             \
    do {                                                                                           \
        (o)[0] = (d)[0] + (d)[1] + (d)[2];                                                         \
        (o)[1] = (d)[1] - (d)[2] - (d)[3];                                                         \
    } while (0)

#include "conv/winograd.h"
