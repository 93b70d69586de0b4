/* SPDX-License-Identifier: MIT */
/* The GEMM engine for GPUs: C = A * B with work-group tiles staged in local memory and a register
 * tile per work-item, after CLBlast's Xgemm (its tunable names), with the convolution epilogue
 * (bias, residual, ReLU, strided NCHW/NHWC/view store; conv/epilogue.h) fused into the store.
 *
 *   C[z] (M x N) = A[z] (M x K, row stride lda) * B[z] (K x N)
 *
 *        <------------- N ------------->      one work-group: an MWG x NWG tile of C, K walked
 *      +--------+--------+--------+-----+     in steps of KWG, staged as
 *    ^ |  WG    |  WG    |  WG    | WG..|       As[KWG][MWG+PAD] (A's tile, transposed)
 *    | | (0,0)  | (1,0)  |        |     |<-MWG  Bs[KWG][NWG+PAD]
 *    M +--------+--------+--------+-----+     work-item (tx, ty) of NDIMC x MDIMC owns MWI x NWI
 *    | |        |        |        |     |     values of the tile:
 *    v +--------+--------+--------+-----+       rows ty + i*MDIMC, i < MWI = MWG/MDIMC
 *          NWG                                  cols tx + j*NDIMC, j < NWI = NWG/NDIMC
 * Neighbouring work-items (tx) own neighbouring columns, so they read neighbouring local-memory
 * words (no bank conflicts) and store neighbouring outputs (coalesced along N, the pixels).
 * The tile loads are spread over the whole work-group, the fast axis across work-items (coalesced
 * global reads); the PAD words per local row keep the transposed A stores conflict-free.
 *
 * B, by the compile-time IMPLICIT:
 *   0  a matrix: B[z] = b + b_off + img * b_img + grp * b_grp, row stride ldb.
 *   1  implicit-GEMM convolution: B is the im2col matrix of src, never written: element (k, n)
 *      is gathered while the tile is loaded: n = (image, p, q) over all images (N = images*P*Q),
 *      k = (c, r, s) (KC_ORDER 0: k = c*R*S + r*S + s, the user's weight order) or (r, s, c)
 *      (KC_ORDER 1: k = (r*S + s)*Cg + c, channels fastest, for channels-last sources), with
 *      zero padding; z is the group (all groups in one launch).
 *   2  implicit-GEMM 3-D convolution (issue 19): the same with n = (image, od, oh, ow) and
 *      k = (c, t, r, s) (KC_ORDER 0) or ((t*R + r)*S + s)*Cg + c (KC_ORDER 1) over the 5-D src
 *      stored as (n, c, d*h, w) (docs/ND.md); the epilogue is the 2-D one on that folded shape.
 *      Each work-group first decodes its NWG columns into local memory (NWG int4 more).
 * Where C goes (`geo.z`, runtime, as in conv/gemm.cl): 0 plain (c_plain = batch stride, ldc),
 *   1 m = output channel grp*M + m, n = pixel of image img + n / PQ; 2 the same with m and n
 *   swapped. Modes 1 and 2 go through the epilogue.
 *
 * Required defines: IMPLICIT (0, 1 or 2; default 0); with IMPLICIT 1 or 2, KC_ORDER (0 or 1) and
 *   GATHER_K_FAST (1: work-items next to each other load neighbouring k, for channels-last src).
 * Tunables (compile-time; `oclnn tune` searches them, src/tune/space_conv_xgemm.c):
 *   MWG    tile rows of C per work-group (16..128; default 64)
 *   NWG    tile columns of C per work-group (16..128; default 64)
 *   KWG    depth of a K step staged in local memory (8..32; default 16)
 *   MDIMC  work-items along M (8..32; default 8); MWI = MWG / MDIMC rows each
 *   NDIMC  work-items along N (8..32; default 16); NWI = NWG / NDIMC columns each
 *   DB     1: two local buffers, the next K step loaded while this one is used (one barrier per
 *          step instead of two); 0: one buffer (default 0)
 *   VW     floats per work-item per tile load: 1, 2 or 4, a vector load along k for A and along
 *          n for a plain B (default 1)
 *   PAD    local words after each tile row against bank conflicts (default 1)
 * The register tile MWI x NWI lives in fully unrolled private arrays with compile-time indices
 * (the search space keeps MWI*NWI <= 64 on GPUs, 255 registers per NVIDIA thread).
 * Index mapping: local (NDIMC, MDIMC, 1), global (ceil(N/NWG)*NDIMC, ceil(M/MWG)*MDIMC, batches);
 * the host passes that local size (the tile shape is fixed). Partial tiles at the M, N and K
 * edges load zeros and store nothing past M and N; a work-group past `batches` returns whole. */
#include "conv/epilogue.h"

#ifndef IMPLICIT
#define IMPLICIT 0
#endif
#ifndef KC_ORDER
#define KC_ORDER 0
#endif
#ifndef GATHER_K_FAST
#define GATHER_K_FAST 0
#endif
#ifndef MWG
#define MWG 64
#endif
#ifndef NWG
#define NWG 64
#endif
#ifndef KWG
#define KWG 16
#endif
#ifndef MDIMC
#define MDIMC 8
#endif
#ifndef NDIMC
#define NDIMC 16
#endif
#ifndef DB
#define DB 0
#endif
#ifndef PAD
#define PAD 1
#endif
#ifndef VW
#define VW 1
#endif

#define MWI (MWG / MDIMC)
#define NWI (NWG / NDIMC)
#define WGS (MDIMC * NDIMC)
#define ALD (MWG + PAD) /* local row lengths */
#define BLD (NWG + PAD)
#define A_TILE (KWG * ALD)
#define B_TILE (KWG * BLD)
#define NBUF (DB + 1)

#if MWG % MDIMC != 0 || NWG % NDIMC != 0 || KWG % VW != 0 || NWG % VW != 0
#error "MWG must be a multiple of MDIMC, NWG of NDIMC and of VW, KWG of VW"
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define VECW CAT(float, VW)
#define VLOADW CAT(vload, VW)
#define VSTOREW CAT(vstore, VW)

#define MODE_PLAIN 0u
#define MODE_ROWS_CHANNELS 1u
#define MODE_COLS_CHANNELS 2u

#if IMPLICIT == 1
/* The im2col element (k, n) of group grp, or 0 in the padding. cv: (stride h, w, dilation h, w);
 * kern: (R, S, P, Q); pad: (top, left, Cg, 0); shape: src (N, C, H, W). */
static inline float gather(global const float *src, uint4 ss, uint4 shape, uint4 kern, uint4 cv, uint4 pad,
                    uint grp, uint k, uint n) {
    const uint rs_n = kern.x * kern.y, pq = kern.z * kern.w;
#if KC_ORDER
    const uint c = k % pad.z, rs = k / pad.z;
#else
    const uint c = k / rs_n, rs = k % rs_n;
#endif
    const uint img = n / pq, px = n % pq;
    const int h = (int)((px / kern.w) * cv.x + (rs / kern.y) * cv.z) - (int)pad.x;
    const int w = (int)((px % kern.w) * cv.y + (rs % kern.y) * cv.w) - (int)pad.y;
    if (h < 0 || w < 0 || h >= (int)shape.z || w >= (int)shape.w) return 0.0f;
    return src[OCLNN_AT(ss, img, grp * pad.z + c, (uint)h, (uint)w)];
}
#define B_PARAMS                                                                                   \
    global const float *b, uint b_off, uint4 ss, uint4 shape, uint4 kern, uint4 cv, uint4 pad
#define B_AT(k, n) gather(b + b_off, ss, shape, kern, cv, pad, grp, (k), (n))
#elif IMPLICIT == 2
/* The 3-D gather. g: (D, H, W, T, R, S, OD, OH, OW, stride d, h, w, dilation d, h, w, Cg); pd:
 * padding (d, h, w, -); ss: the strides of the folded src (n, c, d*h, w). A work-group decodes
 * its NWG columns n = (image, od, oh, ow) once (cols3d: the window's corner z, y, x in the
 * input and, as bits, the offset of its image and group), so a gather decodes only k. */
static inline int4 column3d(uint4 ss, uint16 g, uint4 pd, uint grp, uint n) {
    const uint ox = n % g.s8, n1 = n / g.s8, oy = n1 % g.s7, n2 = n1 / g.s7;
    const uint oz = n2 % g.s6, img = n2 / g.s6;
    return (int4)((int)(oz * g.s9) - (int)pd.x, (int)(oy * g.sa) - (int)pd.y,
                  (int)(ox * g.sb) - (int)pd.z, as_int(img * ss.x + grp * g.sf * ss.y));
}
/* The im2col-3d element (k, column col), or 0 in the padding. */
static inline float gather3d(global const float *src, uint4 ss, uint16 g, int4 col, uint k) {
#if KC_ORDER
    const uint c = k % g.sf, trs = k / g.sf;
#else
    const uint taps = g.s3 * g.s4 * g.s5, c = k / taps, trs = k % taps;
#endif
    const uint s = trs % g.s5, tr = trs / g.s5, r = tr % g.s4, t = tr / g.s4;
    const int z = col.x + (int)(t * g.sc), y = col.y + (int)(r * g.sd), x = col.z + (int)(s * g.se);
    if (z < 0 || y < 0 || x < 0 || z >= (int)g.s0 || y >= (int)g.s1 || x >= (int)g.s2) return 0.0f;
    return src[as_uint(col.w) + c * ss.y + ((uint)z * g.s1 + (uint)y) * ss.z + (uint)x * ss.w];
}
#define B_PARAMS global const float *b, uint b_off, uint4 ss, uint16 g3, uint4 pad3
#define B_AT(k, n) gather3d(b + b_off, ss, g3, cols3d[(n) - n0], (k))
#else
#define B_PARAMS global const float *b, uint b_off, uint b_img, uint b_grp, uint ldb
#define B_AT(k, n) bz[(k) * ldb + (n)]
#endif

/* Stages A's and B's KWG-deep tiles starting at k0 into as/bs (zeros past M, N and K). Each
 * work-item moves VW neighbouring floats at a time (one vector load where the run is inside the
 * matrix): along k for A (its rows are contiguous in k), along n for a plain B; the implicit
 * B's gather is element by element. */
#if VW == 1
#define LOAD_A(as, k0)                                                                             \
    for (uint e = lid; e < MWG * KWG; e += WGS) {                                                  \
        const uint kk = e % KWG, mm = e / KWG; /* k fastest: A's rows are contiguous in k */       \
        const uint m = m0 + mm, k = (k0) + kk;                                                     \
        (as)[kk * ALD + mm] = m < M && k < K ? az[m * lda + k] : 0.0f;                             \
    }
#else
#if VW == 2
#define STORE_A_T(as, kk, mm, v)                                                                   \
    ((as)[(kk)*ALD + (mm)] = (v).s0, (as)[((kk) + 1) * ALD + (mm)] = (v).s1)
#elif VW == 4
#define STORE_A_T(as, kk, mm, v)                                                                   \
    ((as)[(kk)*ALD + (mm)] = (v).s0, (as)[((kk) + 1) * ALD + (mm)] = (v).s1,                       \
     (as)[((kk) + 2) * ALD + (mm)] = (v).s2, (as)[((kk) + 3) * ALD + (mm)] = (v).s3)
#else
#error "VW must be 1, 2 or 4"
#endif
#define LOAD_A(as, k0)                                                                             \
    for (uint e = lid; e < MWG * KWG / VW; e += WGS) {                                             \
        const uint kk = e % (KWG / VW) * VW, mm = e / (KWG / VW);                                  \
        const uint m = m0 + mm, k = (k0) + kk;                                                     \
        if (m < M && k + VW <= K) {                                                                \
            const VECW v = VLOADW(0, az + m * lda + k);                                            \
            STORE_A_T(as, kk, mm, v);                                                              \
        } else {                                                                                   \
            for (uint x = 0; x < VW; x++)                                                          \
                (as)[(kk + x) * ALD + mm] = m < M && k + x < K ? az[m * lda + k + x] : 0.0f;       \
        }                                                                                          \
    }
#endif

#if IMPLICIT || VW == 1
#define LOAD_B(bs, k0)                                                                             \
    for (uint e = lid; e < NWG * KWG; e += WGS) {                                                  \
        const uint kk = GATHER_K_FAST ? e % KWG : e / NWG;                                         \
        const uint nn = GATHER_K_FAST ? e / KWG : e % NWG;                                         \
        const uint n = n0 + nn, k = (k0) + kk;                                                     \
        (bs)[kk * BLD + nn] = n < N && k < K ? B_AT(k, n) : 0.0f;                                  \
    }
#else
#define LOAD_B(bs, k0)                                                                             \
    for (uint e = lid; e < NWG * KWG / VW; e += WGS) {                                             \
        const uint nn = e % (NWG / VW) * VW, kk = e / (NWG / VW);                                  \
        const uint n = n0 + nn, k = (k0) + kk;                                                     \
        if (k < K && n + VW <= N) {                                                                \
            VSTOREW(VLOADW(0, bz + k * ldb + n), 0, (bs) + kk * BLD + nn);                         \
        } else {                                                                                   \
            for (uint x = 0; x < VW; x++)                                                          \
                (bs)[kk * BLD + nn + x] = k < K && n + x < N ? bz[k * ldb + n + x] : 0.0f;         \
        }                                                                                          \
    }
#endif

#define LOAD_TILES(as, bs, k0)                                                                     \
    do {                                                                                           \
        LOAD_A(as, k0)                                                                             \
        LOAD_B(bs, k0)                                                                             \
    } while (0)

kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1))) void
oclnn_xgemm(global const float *a, uint a_off, uint a_img, uint a_grp, uint lda, B_PARAMS, uint M,
            uint N, uint K, uint batches, uint4 geo, uint2 c_plain, EPI_PARAMS) {
    local float alm[NBUF * A_TILE];
    local float blm[NBUF * B_TILE];
#if IMPLICIT == 2
    local int4 cols3d[NWG]; /* the tile's decoded columns (column3d) */
#endif
    const uint tx = get_local_id(0), ty = get_local_id(1), lid = ty * NDIMC + tx;
    const uint n0 = get_group_id(0) * NWG, m0 = get_group_id(1) * MWG, z = get_group_id(2);
    if (z >= batches) return; /* the whole work-group: no barrier is skipped by part of it */
    const uint groups = geo.w, img = z / groups, grp = z % groups;
#if IMPLICIT == 2
    for (uint j = lid; j < NWG; j += WGS) cols3d[j] = column3d(ss, g3, pad3, grp, n0 + j);
    barrier(CLK_LOCAL_MEM_FENCE);
#endif
    global const float *az = a + a_off + img * a_img + grp * a_grp;
#if !IMPLICIT
    global const float *bz = b + b_off + img * b_img + grp * b_grp;
#endif

    float acc[MWI][NWI];
#pragma unroll
    for (uint i = 0; i < MWI; i++)
#pragma unroll
        for (uint j = 0; j < NWI; j++) acc[i][j] = 0.0f;

    const uint steps = (K + KWG - 1) / KWG;
#if DB
    LOAD_TILES(alm, blm, 0u);
    barrier(CLK_LOCAL_MEM_FENCE);
#endif
    for (uint t = 0; t < steps; t++) {
#if DB
        local const float *as = alm + (t & 1) * A_TILE, *bs = blm + (t & 1) * B_TILE;
        if (t + 1 < steps)
            LOAD_TILES(alm + ((t + 1) & 1) * A_TILE, blm + ((t + 1) & 1) * B_TILE, (t + 1) * KWG);
#else
        local const float *as = alm, *bs = blm;
        LOAD_TILES(alm, blm, t * KWG);
        barrier(CLK_LOCAL_MEM_FENCE);
#endif
        for (uint kk = 0; kk < KWG; kk++) {
            float ar[MWI], br[NWI];
#pragma unroll
            for (uint i = 0; i < MWI; i++) ar[i] = as[kk * ALD + ty + i * MDIMC];
#pragma unroll
            for (uint j = 0; j < NWI; j++) br[j] = bs[kk * BLD + tx + j * NDIMC];
#pragma unroll
            for (uint i = 0; i < MWI; i++)
#pragma unroll
                for (uint j = 0; j < NWI; j++) acc[i][j] = fma(ar[i], br[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE); /* DB: the next tile is in; else: this one is done with */
    }

    const uint pq = geo.x, qw = geo.y, mode = geo.z;
#pragma unroll
    for (uint i = 0; i < MWI; i++) {
        const uint m = m0 + ty + i * MDIMC;
#pragma unroll
        for (uint j = 0; j < NWI; j++) {
            const uint n = n0 + tx + j * NDIMC;
            if (m >= M || n >= N) continue;
            if (mode == MODE_PLAIN) {
                dst[dst_off + z * c_plain.x + m * c_plain.y + n] = acc[i][j];
            } else if (mode == MODE_ROWS_CHANNELS) {
                const uint px = n % pq;
                epi_store(EPI_ARGS, img + n / pq, grp * M + m, px / qw, px % qw, acc[i][j]);
            } else {
                const uint px = m % pq;
                epi_store(EPI_ARGS, img + m / pq, grp * N + n, px / qw, px % qw, acc[i][j]);
            }
        }
    }
}
