/* SPDX-License-Identifier: MIT */
/* Winograd F(6x6,3x3) transforms (issue 19): 8x8 input tiles, 6x6 output tiles, 64 GEMMs;
 * 5.06x fewer multiplications than direct (1.27x fewer than F(4x4)), at a larger rounding error.
 * Interpolation points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity, in that order (the filter
 * transform G is src/backend/winograd.c's G6); every coefficient is exact in binary floating
 * point. The even and odd halves share their sums, as in NNPACK's and oneDNN's F(6x6,3x3).
 * See conv/winograd.h for the data layout and index mapping. Required defines: none.
 * Tunables: CB (conv/winograd.h). */
#define WINO_M 6
#define WINO_INPUT oclnn_conv_winograd6_input
#define WINO_OUTPUT oclnn_conv_winograd6_output

/* BT rows: 0: d0 - d6 + 21/4 (d4 - d2); 1, 2: (d2 + d6 - 17/4 d4) +- (d1 + d5 - 17/4 d3);
 * 3, 4: (d2/4 - 5/4 d4 + d6) +- (d1/2 - 5/2 d3 + 2 d5); 5, 6: (4 d2 - 5 d4 + d6) +-
 * (2 d1 - 5/2 d3 + d5/2); 7: d7 - d1 + 21/4 (d3 - d5). */
#define BT_APPLY(d, o)                                                                             \
    do {                                                                                           \
        const float e1_ = (d)[2] + (d)[6] - 4.25f * (d)[4];                                       \
        const float o1_ = (d)[1] + (d)[5] - 4.25f * (d)[3];                                       \
        const float e3_ = 0.25f * (d)[2] - 1.25f * (d)[4] + (d)[6];                               \
        const float o3_ = 0.5f * (d)[1] - 2.5f * (d)[3] + 2.0f * (d)[5];                          \
        const float e5_ = 4.0f * (d)[2] - 5.0f * (d)[4] + (d)[6];                                 \
        const float o5_ = 2.0f * (d)[1] - 2.5f * (d)[3] + 0.5f * (d)[5];                          \
        (o)[0] = (d)[0] - (d)[6] + 5.25f * ((d)[4] - (d)[2]);                                     \
        (o)[1] = e1_ + o1_;                                                                        \
        (o)[2] = e1_ - o1_;                                                                        \
        (o)[3] = e3_ + o3_;                                                                        \
        (o)[4] = e3_ - o3_;                                                                        \
        (o)[5] = e5_ + o5_;                                                                        \
        (o)[6] = e5_ - o5_;                                                                        \
        (o)[7] = (d)[7] - (d)[1] + 5.25f * ((d)[3] - (d)[5]);                                     \
    } while (0)

/* AT row i: d0 [i == 0] + (d1 +- d2) + 2^i (d3 +- d4) + 2^-i (d5 +- d6) + d7 [i == 5], with +
 * for even i and - for odd. */
#define AT_APPLY(d, o)                                                                             \
    do {                                                                                           \
        const float a_ = (d)[1] + (d)[2], b_ = (d)[1] - (d)[2];                                   \
        const float c_ = (d)[3] + (d)[4], e_ = (d)[3] - (d)[4];                                   \
        const float f_ = (d)[5] + (d)[6], g_ = (d)[5] - (d)[6];                                   \
        (o)[0] = (d)[0] + a_ + c_ + f_;                                                            \
        (o)[1] = b_ + 2.0f * e_ + 0.5f * g_;                                                       \
        (o)[2] = a_ + 4.0f * c_ + 0.25f * f_;                                                      \
        (o)[3] = b_ + 8.0f * e_ + 0.125f * g_;                                                     \
        (o)[4] = a_ + 16.0f * c_ + 0.0625f * f_;                                                   \
        (o)[5] = b_ + 32.0f * e_ + 0.03125f * g_ + (d)[7];                                        \
    } while (0)

#include "conv/winograd.h"
