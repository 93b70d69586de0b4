/* SPDX-License-Identifier: MIT */
/* Winograd input and output transforms for the GPU device class, included after a
 * winograd_f?x3.cl (which gives WINO_M, ALPHA, BT_APPLY, AT_APPLY and the CPU-shaped kernels).
 * Same data and arguments as conv/winograd.h; what changes is who touches which address.
 *
 * A work-group handles WT tiles x WC channels (one (tile, channel) patch per work-item) and
 * passes the transformed values through local memory, one row of the ALPHA x ALPHA patch at a
 * time, so that each global access is made by the work-item whose neighbours touch the
 * neighbouring addresses:
 *
 *   input:  read src    item (t, c) with c fastest when channels are innermost (NHWC), else t
 *           stage[j][c][t] (WT + 1 columns: no bank conflicts on either side)
 *           write V     item (t, c) with t fastest when V's tiles are unit stride, else c
 *   output: read M      with t or k fastest as M's unit stride; stage; transform; store dst
 *           with k fastest when dst's channels are innermost, else t
 *
 * The CPU-shaped kernels fix one mapping per launch, so one side of each transform is strided
 * in two of the four (layout, GEMM orientation) cases.
 * Required defines: none. Tunables: none (WT = WC = 16: a 256-item work-group, every GPU's).
 * Index mapping: global (ceil(T/WT) * WT * WC, ceil(C/WC)) for the input, (.., ceil(K/WC)) for
 * the output; local (WT * WC, 1). */
#define WT 16
#define WC 16

#define CAT2_(a, b) a##b
#define CAT2(a, b) CAT2_(a, b)

/* shape = (N, C, H, W); tiles = (tiles_h, tiles_w, T, src channels innermost); pad = (pt, pl);
 * vs = (xi, c, t) strides of V */
kernel __attribute__((reqd_work_group_size(WT * WC, 1, 1))) void
CAT2(WINO_INPUT, _gpu)(global const float *src, uint src_off, uint4 src_stride, uint4 shape,
                       uint4 tiles, uint2 pad, global float *v, uint v_off, uint4 vs) {
    local float stage[ALPHA][WC][WT + 1];
    const uint lid = get_local_id(0), t0 = get_group_id(0) * WT, c0 = get_group_id(1) * WC;
    const uint lt = tiles.w ? lid / WC : lid % WT, lc = tiles.w ? lid % WC : lid / WT;
    const uint wt = vs.z == 1 ? lid % WT : lid / WC, wc = vs.z == 1 ? lid / WT : lid % WC;
    const uint t = t0 + lt, c = c0 + lc;
    const bool valid = t < tiles.z && c < shape.y;
    const uint img = t / (tiles.x * tiles.y), ty = t / tiles.y % tiles.x, tx = t % tiles.y;
    const int y0 = (int)(ty * WINO_M) - (int)pad.x, x0 = (int)(tx * WINO_M) - (int)pad.y;
    const global float *plane = src + src_off + img * src_stride.x + c * src_stride.y;
    float d[ALPHA][ALPHA], tmp[ALPHA][ALPHA];
#pragma unroll
    for (int i = 0; i < ALPHA; i++)
#pragma unroll
        for (int j = 0; j < ALPHA; j++) {
            const int y = y0 + i, x = x0 + j;
            d[j][i] = valid && y >= 0 && y < (int)shape.z && x >= 0 && x < (int)shape.w
                          ? plane[(uint)y * src_stride.z + (uint)x * src_stride.w]
                          : 0.0f;
        }
#pragma unroll
    for (int j = 0; j < ALPHA; j++) BT_APPLY(d[j], tmp[j]);
    const bool wvalid = t0 + wt < tiles.z && c0 + wc < shape.y;
    global float *out = v + v_off + (c0 + wc) * vs.y + (t0 + wt) * vs.z;
#pragma unroll
    for (int i = 0; i < ALPHA; i++) {
        float row[ALPHA], o[ALPHA];
#pragma unroll
        for (int j = 0; j < ALPHA; j++) row[j] = tmp[j][i];
        BT_APPLY(row, o);
        barrier(CLK_LOCAL_MEM_FENCE); /* the previous row is written out */
#pragma unroll
        for (int j = 0; j < ALPHA; j++) stage[j][lc][lt] = o[j];
        barrier(CLK_LOCAL_MEM_FENCE);
        if (wvalid) {
#pragma unroll
            for (int j = 0; j < ALPHA; j++) out[(i * ALPHA + j) * vs.x] = stage[j][wc][wt];
        }
    }
}

/* misc = (K, P, Q, 0); tiles as for the input (tiles.w: dst channels innermost); ms = (xi, k, t)
 * strides of M */
kernel __attribute__((reqd_work_group_size(WT * WC, 1, 1))) void
CAT2(WINO_OUTPUT, _gpu)(global const float *m, uint m_off, uint4 misc, uint4 tiles, uint4 ms,
                        EPI_PARAMS) {
    local float stage[ALPHA][WC][WT + 1];
    const uint lid = get_local_id(0), t0 = get_group_id(0) * WT, k0 = get_group_id(1) * WC;
    const uint rt = ms.z == 1 ? lid % WT : lid / WC, rk = ms.z == 1 ? lid / WT : lid % WC;
    const uint lt = tiles.w ? lid / WC : lid % WT, lk = tiles.w ? lid % WC : lid / WT;
    const bool rvalid = t0 + rt < tiles.z && k0 + rk < misc.x;
    const global float *in = m + m_off + (k0 + rk) * ms.y + (t0 + rt) * ms.z;
    float mm[ALPHA][ALPHA];
#pragma unroll
    for (int i = 0; i < ALPHA; i++) {
        barrier(CLK_LOCAL_MEM_FENCE); /* the previous row is read */
#pragma unroll
        for (int j = 0; j < ALPHA; j++) stage[j][rk][rt] = rvalid ? in[(i * ALPHA + j) * ms.x] : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (int j = 0; j < ALPHA; j++) mm[i][j] = stage[j][lk][lt];
    }
    const uint t = t0 + lt, k = k0 + lk;
    if (t >= tiles.z || k >= misc.x) return;
    const uint img = t / (tiles.x * tiles.y), ty = t / tiles.y % tiles.x, tx = t % tiles.y;
    float tmp[ALPHA][WINO_M]; /* tmp[j][i] = (AT * M[.][j])[i] */
#pragma unroll
    for (int j = 0; j < ALPHA; j++) {
        float col[ALPHA];
#pragma unroll
        for (int i = 0; i < ALPHA; i++) col[i] = mm[i][j];
        AT_APPLY(col, tmp[j]);
    }
#pragma unroll
    for (int i = 0; i < WINO_M; i++) {
        const uint p = ty * WINO_M + i;
        float row[ALPHA], o[WINO_M];
#pragma unroll
        for (int j = 0; j < ALPHA; j++) row[j] = tmp[j][i];
        AT_APPLY(row, o);
#pragma unroll
        for (int j = 0; j < WINO_M; j++) {
            const uint q = tx * WINO_M + j;
            if (p < misc.y && q < misc.z) epi_store(EPI_ARGS, img, k, p, q, o[j]);
        }
    }
}
