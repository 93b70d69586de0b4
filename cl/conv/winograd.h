/* SPDX-License-Identifier: MIT */
/* The Winograd F(m x m, 3x3) input and output transforms, shared by winograd_f2x3.cl,
 * winograd_f4x3.cl and winograd_f6x3.cl, which define before including this file:
 *   WINO_M        output tile size m; ALPHA = m + 2 is the input tile size
 *   BT_APPLY(d,o) o[0..ALPHA) = BT * d[0..ALPHA) (d, o: float arrays with stride 1)
 *   AT_APPLY(d,o) o[0..M) = AT * d[0..ALPHA)
 *   WINO_INPUT, WINO_OUTPUT  the kernel names
 *
 * Data (T = N * tiles_h * tiles_w tiles, tile t = (img * tiles_h + ty) * tiles_w + tx):
 *   V[xi][c][t]  = (BT d B)[xi], d the ALPHA x ALPHA input patch at (ty*m - pt, tx*m - pl)
 *   M[xi][k][t]  = sum_c U[xi][k][c] V[xi][c][t]   (the batched GEMM in gemm.cl)
 *   dst          = AT M A per tile, cropped to P x Q, through the epilogue
 * V and M are addressed with strides (xi, channel, tile) given by the host, so the GEMM can take
 * tiles as columns (many tiles) or as rows (few tiles: V[xi][t][c], M[xi][t][k]).
 * Index mapping: input global (T, ceil(C/CB)); output global (T, ceil(K/CB)); the two swap when
 * tiles.w is set (channels-last tensors). */
#include "conv/epilogue.h"

#define ALPHA (WINO_M + 2)

/* shape = (N, C, H, W); tiles = (tiles_h, tiles_w, T, channels along dimension 0); pad = (pt, pl) */
#ifndef CB
#define CB 4 /* channels per work-item (tunable: 1..8); amortizes the tile's index arithmetic */
#endif

/* vs = (xi, c, t) strides of V */
kernel void WINO_INPUT(global const float *src, uint src_off, uint4 src_stride, uint4 shape,
                       uint4 tiles, uint2 pad, global float *v, uint v_off, uint4 vs) {
    /* tiles.w: channel blocks run along global dimension 0 (for channels-last sources, so that
     * neighbouring work-items read neighbouring memory), else tiles do */
    const uint t = get_global_id(tiles.w ? 1 : 0), c0 = get_global_id(tiles.w ? 0 : 1) * CB;
    if (t >= tiles.z || c0 >= shape.y) return;
    const uint img = t / (tiles.x * tiles.y), ty = t / tiles.y % tiles.x, tx = t % tiles.y;
    const int y0 = (int)(ty * WINO_M) - (int)pad.x, x0 = (int)(tx * WINO_M) - (int)pad.y;
    const uint cn = min((uint)CB, shape.y - c0);
    for (uint cc = 0; cc < cn; cc++) {
        const uint c = c0 + cc;
        const global float *plane = src + src_off + img * src_stride.x + c * src_stride.y;
        float d[ALPHA][ALPHA], tmp[ALPHA][ALPHA];
        for (int i = 0; i < ALPHA; i++)
            for (int j = 0; j < ALPHA; j++) {
                const int y = y0 + i, x = x0 + j;
                d[j][i] = y >= 0 && y < (int)shape.z && x >= 0 && x < (int)shape.w
                              ? plane[(uint)y * src_stride.z + (uint)x * src_stride.w]
                              : 0.0f;
            }
        /* columns: tmp[j] = BT * d[.][j]  (d is stored transposed: d[j] is column j) */
        for (int j = 0; j < ALPHA; j++) BT_APPLY(d[j], tmp[j]);
        /* rows: out[i][.] = BT * tmp[.][i] */
        global float *out = v + v_off + c * vs.y + t * vs.z;
        for (int i = 0; i < ALPHA; i++) {
            float row[ALPHA], o[ALPHA];
            for (int j = 0; j < ALPHA; j++) row[j] = tmp[j][i];
            BT_APPLY(row, o);
            for (int j = 0; j < ALPHA; j++) out[(i * ALPHA + j) * vs.x] = o[j];
        }
    }
}

/* misc = (K, P, Q, 0); tiles as for the input; ms = (xi, k, t) strides of M */
kernel void WINO_OUTPUT(global const float *m, uint m_off, uint4 misc, uint4 tiles, uint4 ms,
                        EPI_PARAMS) {
    const uint t = get_global_id(tiles.w ? 1 : 0), k0 = get_global_id(tiles.w ? 0 : 1) * CB;
    if (t >= tiles.z || k0 >= misc.x) return;
    const uint img = t / (tiles.x * tiles.y), ty = t / tiles.y % tiles.x, tx = t % tiles.y;
    const uint kn = min((uint)CB, misc.x - k0);
    for (uint kk = 0; kk < kn; kk++) {
        const uint k = k0 + kk;
        const global float *in = m + m_off + k * ms.y + t * ms.z;
        float tmp[ALPHA][WINO_M]; /* tmp[j][i] = (AT * M[.][j])[i] */
        for (int j = 0; j < ALPHA; j++) {
            float col[ALPHA];
            for (int i = 0; i < ALPHA; i++) col[i] = in[(i * ALPHA + j) * ms.x];
            AT_APPLY(col, tmp[j]);
        }
        for (int i = 0; i < WINO_M; i++) {
            const uint p = ty * WINO_M + i;
            if (p >= misc.y) break;
            float row[ALPHA], o[WINO_M];
            for (int j = 0; j < ALPHA; j++) row[j] = tmp[j][i];
            AT_APPLY(row, o);
            for (int j = 0; j < WINO_M; j++) {
                const uint q = tx * WINO_M + j;
                if (q < misc.z) epi_store(EPI_ARGS, img, k, p, q, o[j]);
            }
        }
    }
}
