/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's convolution state and the entry points of its algorithm files. */
#ifndef OCLNN_OPENCL_CONV2D_H
#define OCLNN_OPENCL_CONV2D_H

#include "backend/problem.h"
#include "opencl/opencl.h"

/* The GEMM engine's configuration (cl/gemm/xgemm.cl tunables); mwg == 0: not the engine. */
typedef struct oclnn__cl_xgemm {
    uint32_t mwg, nwg, kwg, mdimc, ndimc, db, vw;
} oclnn__cl_xgemm;

typedef struct oclnn__cl_conv {
    oclnn__conv2d_problem pb;
    oclnn_conv_algo algo;
    cl_mem w;    /* the algorithm's weight layout (see each file) */
    cl_mem wt;   /* gemm1x1: G x Cg x Kg, for sources whose pixels are rows (NHWC) */
    cl_mem bias; /* K floats, or NULL */
    cl_kernel main, aux, aux2;
    uint32_t kb;    /* direct: output channels per work-item (KB) */
    uint32_t qb;    /* direct, depthwise: output columns per work-item (QB) */
    uint32_t cb;    /* Winograd transforms: channels per work-item (CB) */
    uint32_t tm, tn; /* GEMM: rows and columns of C per work-item (TM, NV * VW) */
    bool wino_rows; /* Winograd: tiles are the GEMM's rows (few tiles), else its columns */
    oclnn__conv2d_tunables tun; /* the plan's tunables (oclnn__conv2d_op.tunables) */
    bool gpu;       /* the GPU-class kernels: direct, depthwise (conv2d_direct_gpu.c), im2col,
                     * Winograd transforms */
    uint32_t tx, ty, ct; /* GPU direct: work-group shape; CT (direct) or DC (depthwise) channels */
    oclnn__cl_xgemm xg; /* the GEMM engine's tiles when main is cl/gemm/xgemm.cl */
} oclnn__cl_conv;

/* The epilogue's kernel arguments (cl/conv/epilogue.h EPI_PARAMS), in order. */
typedef struct oclnn__cl_epi {
    cl_mem dst;
    cl_uint dst_off;
    cl_uint4 dst_stride;
    cl_mem bias, res;
    cl_uint res_off;
    cl_uint4 res_stride;
    cl_uint flags;
} oclnn__cl_epi;
void oclnn__cl_conv_epi(const oclnn__cl_conv *cv, oclnn_tensor *dst, const oclnn_tensor *res,
                        oclnn__cl_epi *e);
/* Appends the 8 epilogue arguments to args[*n]. */
void oclnn__cl_conv_epi_args(const oclnn__cl_epi *e, oclnn__cl_arg *args, size_t *n);

/* Sets cv's tunables (kb, qb, cb, tm, tn) from the plan's (cv->tun, resolved by src/ops through
 * the tuning lookup) and writes the build options that carry them: `gemm` for conv/gemm.cl (TM,
 * VW, NV), `own` for the algorithm's own program (KB, QB or CB). A value equal to the kernel's
 * default is left out, so an untuned op builds exactly the default program. ctx is unused. */
void oclnn__cl_conv_tunables(oclnn_context *ctx, oclnn__cl_conv *cv, oclnn__cl_options *gemm,
                             oclnn__cl_options *own);

/* A read-only buffer holding a copy of `count` host floats. */
oclnn_status oclnn__cl_conv_upload(oclnn_context *ctx, const float *host, size_t count, cl_mem *out);

/* The workspace of im2col (0 for gemm1x1) and of Winograd for cv->pb, or UNSUPPORTED beyond the
 * kernels' 32-bit indexing (create and the reshape clone, issue 16). Winograd's cv->wino_rows is
 * chosen once at create and kept by a clone: the run follows it, either way is correct. */
oclnn_status oclnn__cl_conv_gemm_workspace(const oclnn__cl_conv *cv, size_t *workspace);
oclnn_status oclnn__cl_conv_winograd_workspace(const oclnn__cl_conv *cv, size_t *workspace);

/* Per algorithm: create (weights re-laid out and uploaded, kernels fetched) and run. */
oclnn_status oclnn__cl_conv_gemm_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w,
                                        size_t *workspace);
oclnn_status oclnn__cl_conv_gemm_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                     const oclnn_tensor *src, oclnn_tensor *dst, const oclnn_tensor *res);
oclnn_status oclnn__cl_conv_direct_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w);
oclnn_status oclnn__cl_conv_direct_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                       const oclnn_tensor *src, oclnn_tensor *dst, const oclnn_tensor *res);
/* Direct weights blocked as w[g][kb][c][r][s][KB] with KB = cv->kb, uploaded to cv->w. */
oclnn_status oclnn__cl_conv_direct_upload(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w);
/* The GPU-class direct and depthwise kernels (conv2d_direct_gpu.c): create sets cv->gpu and
 * *fits, or leaves both false (and creates nothing) when the tunables' tiles do not fit the
 * device's local memory or work-group limit. */
oclnn_status oclnn__cl_conv_direct_gpu_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w,
                                              bool *fits);
oclnn_status oclnn__cl_conv_direct_gpu_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                           const oclnn_tensor *src, oclnn_tensor *dst,
                                           const oclnn_tensor *res);
oclnn_status oclnn__cl_conv_winograd_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w,
                                            size_t *workspace);
oclnn_status oclnn__cl_conv_winograd_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                         const oclnn_tensor *src, oclnn_tensor *dst,
                                         const oclnn_tensor *res);

/* The GEMM engine (conv2d_xgemm.c). The GEMM kernel of im2col, gemm1x1 and Winograd: the engine
 * (gemm/xgemm.cl, tunables into cv->xg) in the GPU classes, else conv/gemm.cl built with `gemm`;
 * into cv->main. */
oclnn_status oclnn__cl_conv_gemm_kernel(oclnn_context *ctx, oclnn__cl_conv *cv,
                                        const oclnn__cl_options *gemm);
/* The engine's configuration from resolved tunables (conv_xgemm's when they are the engine's, else
 * the kernel defaults) into *xg, and the defines that differ from the defaults into `o`. */
void oclnn__cl_xgemm_config(const oclnn__conv2d_tunables *tun, oclnn__cl_xgemm *xg,
                            oclnn__cl_options *o);
/* The engine's launch: local (NDIMC, MDIMC, 1), global the tiles of an m x n product. */
void oclnn__cl_xgemm_shape(const oclnn__cl_xgemm *xg, cl_uint m, cl_uint n, cl_uint batches,
                           size_t global[3], size_t local[3]);
/* Implicit-GEMM convolution on the engine (any kernel, stride, padding, dilation, groups). */
oclnn_status oclnn__cl_conv_implicit_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w);
oclnn_status oclnn__cl_conv_implicit_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                         const oclnn_tensor *src, oclnn_tensor *dst,
                                         const oclnn_tensor *res);

/* GEMM launch (cl/conv/gemm.cl or the engine, by g->xg): see the kernels for the parameters. */
typedef struct oclnn__cl_gemm {
    cl_mem a, b;
    cl_uint a_off, a_img, a_grp, lda, b_off, b_img, b_grp, ldb;
    cl_uint m, n, k, batches;
    cl_uint4 geo;    /* (P*Q, Q, mode, groups) */
    cl_uint2 plain;  /* MODE_PLAIN: (batch stride, ldc) of C in epi.dst */
    cl_uint tm, tn;  /* the program's TM and NV * VW (oclnn__cl_conv.tm, tn) */
    oclnn__cl_xgemm xg; /* set (oclnn__cl_conv.xg) when the kernel is the GEMM engine */
} oclnn__cl_gemm;
enum { OCLNN__GEMM_PLAIN = 0, OCLNN__GEMM_ROWS_CHANNELS = 1, OCLNN__GEMM_COLS_CHANNELS = 2 };
oclnn_status oclnn__cl_gemm_launch(oclnn_context *ctx, cl_kernel k, const oclnn__cl_gemm *g,
                                   const oclnn__cl_epi *epi);

#endif
