/* SPDX-License-Identifier: MIT */
/* Direct, grouped and depthwise convolution for the GPU device class: each work-group stages the
 * input tile it needs (halo included) and the filter slice in local memory, CT input channels at
 * a time, then every work-item computes its output pixel from local memory only (the shape of
 * MIOpen's OpenCL direct convolutions: fixed work-groups, tiles with halo in LDS).
 *
 *   work-group (TX, TY): an output tile of TY rows x TX columns, one pixel per work-item
 *   input tile in local memory, per staged channel (TH x TW, halo included):
 *        TW = (TX - 1) * stride_w + (S - 1) * dil_w + 1
 *      +---------------------------+
 *      | rows y0 .. y0 + TH - 1    |  TH = (TY - 1) * stride_h + (R - 1) * dil_h + 1
 *      | cols x0 .. x0 + TW - 1    |  (outside the image: zeros, so no test in the inner loop)
 *      +---------------------------+
 *
 * oclnn_conv_direct_gpu: each work-item computes KPT output channels of its pixel (one vector of
 *   accumulators); the filter slice is KPT channels x CT input channels x R x S, read by every
 *   work-item at the same address (a broadcast). Weights are blocked at create exactly as for
 *   cl/conv/direct.cl with KB = KPT: w[g][kb][c][r][s][KPT] (channels past Kg zero), so one
 *   chunk's slice is contiguous and loads coalesce.
 * oclnn_conv_depthwise_gpu: each work-group computes DC consecutive output channels (which read
 *   the input channels k / Kg of those channels: at most DC of them) of its tile.
 *
 * Loads of the input tile walk the tile in the source's memory order (chan_inner: channels
 * innermost, NHWC), so consecutive work-items read consecutive addresses in both layouts.
 * Work-items past the output (partial tiles) take part in the loads and barriers and store
 * nothing. Local memory comes in as kernel arguments sized by the host (tile = (TH, TW)).
 *
 * Required defines: none (bias, residual, ReLU are runtime flags; see conv/epilogue.h).
 * Tunables: TX, TY work-group shape (default 16 x 8); KPT output channels per work-item (1, 2, 4,
 *   8 or 16; default 8); CT input channels per staged chunk (default 4); DC depthwise channels per
 *   work-group (default 4).
 * Index mapping: global (ceil(Q/TX)*TX, ceil(P/TY)*TY, N * G * ceil(Kg/KPT)) for direct,
 *   (.., .., N * ceil(K/DC)) for depthwise; local (TX, TY, 1). */
#include "conv/epilogue.h"

#ifndef TX
#define TX 16
#endif
#ifndef TY
#define TY 8
#endif
#ifndef KPT
#define KPT 8
#endif
#ifndef CT
#define CT 4
#endif
#ifndef DC
#define DC 4
#endif
#define WG (TX * TY)

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#if KPT == 1
#define WVEC float
#define WLOAD(p) (*(p))
#define WSTORE(v, p) (*(p) = (v))
#else
#define WVEC CAT(float, KPT)
#define WLOAD(p) CAT(vload, KPT)(0, (p))
#define WSTORE(v, p) CAT(vstore, KPT)((v), 0, (p))
#endif

/* Stages channels [c0, c0 + nc) of image n (channel index cbase + c) as tile[nc][TH][TW]; zeros
 * outside the image and for channels at or past climit. */
inline void stage_tile(local float *tile, uint nc, global const float *src, uint src_off,
                       uint4 ss, uint4 shape, uint n, uint cbase, uint climit, int y0, int x0,
                       uint TH, uint TW, uint chan_inner) {
    const uint lid = get_local_id(1) * TX + get_local_id(0), count = nc * TH * TW;
    for (uint i = lid; i < count; i += WG) {
        uint ct, y, x;
        if (chan_inner) {
            ct = i % nc;
            x = i / nc % TW;
            y = i / nc / TW;
        } else {
            x = i % TW;
            y = i / TW % TH;
            ct = i / TW / TH;
        }
        const int gy = y0 + (int)y, gx = x0 + (int)x;
        const uint c = cbase + ct;
        float v = 0.0f;
        if (c < climit && gy >= 0 && gy < (int)shape.z && gx >= 0 && gx < (int)shape.w)
            v = src[src_off + OCLNN_AT(ss, n, c, (uint)gy, (uint)gx)];
        tile[(ct * TH + y) * TW + x] = v;
    }
}

/* shape = (N, C, H, W); kern = (R, S, P, Q); conv = (sh, sw, dh, dw); grp = (G, Cg, Kg, blocks);
 * tile = (TH, TW, pad_top, pad_left) */
kernel __attribute__((reqd_work_group_size(TX, TY, 1))) void
oclnn_conv_direct_gpu(global const float *src, uint src_off, uint4 src_stride, uint4 shape,
                      uint4 kern, uint4 conv, uint4 grp, uint4 tile, uint chan_inner,
                      global const float *w, local float *in_tile, local float *w_tile,
                      EPI_PARAMS) {
    const uint lx = get_local_id(0), ly = get_local_id(1), lid = ly * TX + lx;
    const uint q = get_group_id(0) * TX + lx, p = get_group_id(1) * TY + ly, z = get_group_id(2);
    const uint G = grp.x, Cg = grp.y, Kg = grp.z, blocks = grp.w;
    const uint n = z / (G * blocks), g = z / blocks % G, kb = z % blocks;
    const uint R = kern.x, S = kern.y, TH = tile.x, TW = tile.y, RSK = R * S * KPT;
    const int y0 = (int)(get_group_id(1) * TY * conv.x) - (int)tile.z;
    const int x0 = (int)(get_group_id(0) * TX * conv.y) - (int)tile.w;
    const global float *wg = w + (size_t)(g * blocks + kb) * Cg * RSK;
    /* this work-item's top-left tap in the tile */
    const uint base = ly * conv.x * TW + lx * conv.y;
    WVEC acc = (WVEC)(0.0f);
    for (uint c0 = 0; c0 < Cg; c0 += CT) {
        barrier(CLK_LOCAL_MEM_FENCE); /* the previous chunk is consumed */
        stage_tile(in_tile, CT, src, src_off, src_stride, shape, n, g * Cg + c0, g * Cg + Cg, y0,
                   x0, TH, TW, chan_inner);
        const uint valid = min((uint)CT, Cg - c0) * RSK;
        const global float *wc = wg + (size_t)c0 * RSK;
        for (uint i = lid; i < CT * RSK; i += WG) w_tile[i] = i < valid ? wc[i] : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint ct = 0; ct < CT; ct++) {
            const local float *row = in_tile + ct * TH * TW + base;
            const local float *wt = w_tile + ct * RSK;
            for (uint r = 0; r < R; r++, row += conv.z * TW)
                for (uint s = 0; s < S; s++, wt += KPT)
                    acc = fma((WVEC)(row[s * conv.w]), WLOAD(wt), acc);
        }
    }
    if (p >= kern.z || q >= kern.w) return;
    float out[KPT];
    WSTORE(acc, out);
#pragma unroll
    for (uint i = 0; i < KPT; i++) {
        const uint kk = kb * KPT + i;
        if (kk < Kg) epi_store(EPI_ARGS, n, g * Kg + kk, p, q, out[i]);
    }
}

/* shape = (N, C, H, W); kern = (R, S, P, Q); conv = (sh, sw, dh, dw); misc = (K, Kg, 0, 0);
 * tile = (TH, TW, pad_top, pad_left). Weights: w[k][r][s]. */
kernel __attribute__((reqd_work_group_size(TX, TY, 1))) void
oclnn_conv_depthwise_gpu(global const float *src, uint src_off, uint4 src_stride, uint4 shape,
                         uint4 kern, uint4 conv, uint4 misc, uint4 tile, uint chan_inner,
                         global const float *w, local float *in_tile, local float *w_tile,
                         EPI_PARAMS) {
    const uint lx = get_local_id(0), ly = get_local_id(1), lid = ly * TX + lx;
    const uint q = get_group_id(0) * TX + lx, p = get_group_id(1) * TY + ly;
    const uint K = misc.x, Kg = misc.y, kblocks = (K + DC - 1) / DC;
    const uint n = get_group_id(2) / kblocks, k0 = get_group_id(2) % kblocks * DC;
    const uint R = kern.x, S = kern.y, RS = R * S, TH = tile.x, TW = tile.y;
    const uint cin0 = k0 / Kg, nin = (min(k0 + DC, K) - 1) / Kg - cin0 + 1;
    const int y0 = (int)(get_group_id(1) * TY * conv.x) - (int)tile.z;
    const int x0 = (int)(get_group_id(0) * TX * conv.y) - (int)tile.w;
    stage_tile(in_tile, nin, src, src_off, src_stride, shape, n, cin0, shape.y, y0, x0, TH, TW,
               chan_inner);
    const uint valid = (min(k0 + DC, K) - k0) * RS;
    for (uint i = lid; i < DC * RS; i += WG) w_tile[i] = i < valid ? w[k0 * RS + i] : 0.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (p >= kern.z || q >= kern.w) return;
    const uint base = ly * conv.x * TW + lx * conv.y;
#pragma unroll
    for (uint i = 0; i < DC; i++) {
        const uint k = k0 + i;
        if (k >= K) break;
        const local float *row = in_tile + (k / Kg - cin0) * TH * TW + base;
        const local float *wt = w_tile + i * RS;
        float acc = 0.0f;
        for (uint r = 0; r < R; r++, row += conv.z * TW)
            for (uint s = 0; s < S; s++) acc = fma(row[s * conv.w], wt[r * S + s], acc);
        epi_store(EPI_ARGS, n, k, p, q, acc);
    }
}
