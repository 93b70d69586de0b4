/* SPDX-License-Identifier: MIT */
/* Batched SGEMM for convolutions, register-tiled for CPU-like OpenCL devices (no local memory):
 * each work-item keeps a TM x (NV*VW) block of C in vector registers and streams A and B once.
 *
 *   C[z] (M x N) = A[z] (M x K, row stride lda) * B[z] (K x N, row stride ldb)
 *   z = img * groups + grp;  A[z] = a + a_off + img * a_img + grp * a_grp (same for B)
 *
 *          N ---------->                      work-item (x, y):
 *   M  +----+----+----+                        rows    y*TM .. y*TM+TM-1
 *   |  | wi | wi |    |   <- TM rows            columns x*TN .. x*TN+TN-1, TN = NV*VW
 *   v  +----+----+----+
 *
 * Where C goes (`mode`, runtime):
 *   MODE_PLAIN          C[z][m][n] at c_off + z * c_stride.x + m * c_stride.y + n (scratch)
 *   MODE_ROWS_CHANNELS  m is output channel grp*M + m, n is pixel n of image img + n / PQ
 *   MODE_COLS_CHANNELS  n is output channel grp*N + n, m is pixel m of image img + m / PQ
 *   The last two go through the epilogue (bias, residual, ReLU, strided store).
 *
 * Required defines: none. Tunables (compile-time):
 *   TM  rows per work-item (default 8; 4..16)
 *   VW  vector width along N (default 16; 4, 8 or 16)
 *   NV  vectors per row (default 1; TN = NV*VW columns per work-item)
 * On PoCL (2-core AVX-512 CPU) TM=8, TN=16 with the runtime's work-group size measured best:
 * ~80 GFLOP/s on ResNet im2col GEMMs; TN=32 and 16 rows were 10-60% slower. 
 * Index mapping: global (ceil(N/TN), ceil(M/TM), batches), each guarded (the launch rounds up).
 * Full tiles load B with vloadVW; the right edge loads element by element. Rows past M are
 * clamped (computed, not stored). */
#include "conv/epilogue.h"

#ifndef TM
#define TM 8
#endif
#ifndef VW
#define VW 16
#endif
#ifndef NV
#define NV 1
#endif
#define TN (NV * VW)

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define VEC CAT(float, VW)
#define VLOAD CAT(vload, VW)
#define VSTORE CAT(vstore, VW)

#define MODE_PLAIN 0u
#define MODE_ROWS_CHANNELS 1u
#define MODE_COLS_CHANNELS 2u

/* geo = (P*Q, Q, mode, groups) */
kernel void oclnn_conv_gemm(global const float *a, uint a_off, uint a_img, uint a_grp, uint lda,
                            global const float *b, uint b_off, uint b_img, uint b_grp, uint ldb,
                            uint M, uint N, uint K, uint batches, uint4 geo, uint2 c_plain,
                            EPI_PARAMS) {
    const uint n0 = get_global_id(0) * TN, m0 = get_global_id(1) * TM, z = get_global_id(2);
    if (m0 >= M || n0 >= N || z >= batches) return;
    const uint groups = geo.w, img = z / groups, grp = z % groups;
    a += a_off + img * a_img + grp * a_grp;
    b += b_off + img * b_img + grp * b_grp;
    const global float *arow[TM];
    for (uint i = 0; i < TM; i++) arow[i] = a + min(m0 + i, M - 1) * lda;
    VEC acc[TM][NV];
    for (uint i = 0; i < TM; i++)
        for (uint j = 0; j < NV; j++) acc[i][j] = (VEC)(0.0f);
    const global float *bp = b + n0;
    if (n0 + TN <= N) {
        for (uint k = 0; k < K; k++, bp += ldb) {
            VEC bv[NV];
            for (uint j = 0; j < NV; j++) bv[j] = VLOAD(0, bp + j * VW);
            for (uint i = 0; i < TM; i++) {
                const float av = arow[i][k];
                for (uint j = 0; j < NV; j++) acc[i][j] = fma((VEC)(av), bv[j], acc[i][j]);
            }
        }
    } else {
        for (uint k = 0; k < K; k++, bp += ldb) {
            VEC bv[NV];
            for (uint j = 0; j < NV; j++) {
                float t[VW];
                for (uint e = 0; e < VW; e++) t[e] = n0 + j * VW + e < N ? bp[j * VW + e] : 0.0f;
                bv[j] = VLOAD(0, t);
            }
            for (uint i = 0; i < TM; i++) {
                const float av = arow[i][k];
                for (uint j = 0; j < NV; j++) acc[i][j] = fma((VEC)(av), bv[j], acc[i][j]);
            }
        }
    }
    const uint pq = geo.x, qw = geo.y, mode = geo.z;
    for (uint i = 0; i < TM; i++) {
        const uint m = m0 + i;
        if (m >= M) break;
        for (uint j = 0; j < NV; j++) {
            float t[VW];
            VSTORE(acc[i][j], 0, t);
            for (uint e = 0; e < VW; e++) {
                const uint n = n0 + j * VW + e;
                if (n >= N) break;
                if (mode == MODE_PLAIN) {
                    dst[dst_off + z * c_plain.x + m * c_plain.y + n] = t[e];
                } else if (mode == MODE_ROWS_CHANNELS) {
                    const uint px = n % pq;
                    epi_store(EPI_ARGS, img + n / pq, grp * M + m, px / qw, px % qw, t[e]);
                } else {
                    const uint px = m % pq;
                    epi_store(EPI_ARGS, img + m / pq, grp * N + n, px / qw, px % qw, t[e]);
                }
            }
        }
    }
}

/* The epilogue alone, for products computed elsewhere (CLBlast): src is the plain matrix
 * [groups][Kg][N*P*Q] (row stride ld); global (N*P*Q, Kg, groups). geo = (P*Q, Q, Kg, groups). */
kernel void oclnn_conv_epilogue(global const float *src, uint src_off, uint ld, uint count, uint4 geo,
                                EPI_PARAMS) {
    const uint n = get_global_id(0), m = get_global_id(1), grp = get_global_id(2);
    if (n >= count || m >= geo.z || grp >= geo.w) return;
    const uint px = n % geo.x;
    const float v = src[src_off + (grp * geo.z + m) * ld + n];
    epi_store(EPI_ARGS, n / geo.x, grp * geo.z + m, px / geo.y, px % geo.y, v);
}
