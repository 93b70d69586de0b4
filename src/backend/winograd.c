/* SPDX-License-Identifier: MIT */
/* The Winograd filter transform, shared by both backends since it runs once on the host at
 * create: U[xi][k][c] = (G g G^T)[xi] for each 3x3 filter g, computed in double (Lavin & Gray's G
 * for F(2x2,3x3) and F(4x4,3x3); for F(6x6,3x3) the Toom-Cook G of the points 0, 1, -1, 2, -2,
 * 1/2, -1/2 and infinity, row x = (1, p, p^2) / prod_{q != p} (p - q)). */
#include "backend/conv2d.h"

static const double G2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
static const double G4[6][3] = {{1.0 / 4, 0, 0},
                                {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                {0, 0, 1}};
static const double G6[8][3] = {{1, 0, 0},
                                {-2.0 / 9, -2.0 / 9, -2.0 / 9},
                                {-2.0 / 9, 2.0 / 9, -2.0 / 9},
                                {1.0 / 90, 1.0 / 45, 2.0 / 45},
                                {1.0 / 90, -1.0 / 45, 2.0 / 45},
                                {32.0 / 45, 16.0 / 45, 8.0 / 45},
                                {32.0 / 45, -16.0 / 45, 8.0 / 45},
                                {0, 0, 1}};

static double gcoef(uint32_t m, size_t i, size_t l) {
    return m == 2 ? G2[i][l] : m == 4 ? G4[i][l] : G6[i][l];
}

void oclnn__conv2d_winograd_filter(const oclnn__conv2d_problem *pb, uint32_t m, const float *w,
                                   float *u) {
    const size_t alpha = m + 2, kc = (size_t)pb->k * pb->c;
    for (size_t k = 0; k < pb->k; k++)
        for (size_t c = 0; c < pb->c; c++) {
            const float *g = w + (k * pb->c + c) * 9;
            double t[8][3];
            for (size_t i = 0; i < alpha; i++)
                for (size_t j = 0; j < 3; j++) {
                    double a = 0;
                    for (size_t l = 0; l < 3; l++) a += gcoef(m, i, l) * g[l * 3 + j];
                    t[i][j] = a;
                }
            for (size_t i = 0; i < alpha; i++)
                for (size_t j = 0; j < alpha; j++) {
                    double a = 0;
                    for (size_t l = 0; l < 3; l++) a += t[i][l] * gcoef(m, j, l);
                    u[(i * alpha + j) * kc + k * pb->c + c] = (float)a;
                }
        }
}
