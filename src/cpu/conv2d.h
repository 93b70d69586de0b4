/* SPDX-License-Identifier: MIT */
/* The C backend's convolution state and the entry points of its algorithm files. */
#ifndef OCLNN_CPU_CONV2D_H
#define OCLNN_CPU_CONV2D_H

#include "core/context.h"
#include "core/tensor.h"
#include "backend/problem.h"
#include "cpu/cpu.h"

typedef struct oclnn__cpu_conv {
    oclnn__conv2d_problem pb;
    oclnn_conv_algo algo;
    float *w;    /* K x (Cg*R*S), the user's layout: GEMM rows = channels, direct, depthwise */
    float *wt;   /* G x (R*S*Cg) x Kg: GEMM columns = channels (NHWC destinations), groups > 1 */
    float *wpk;  /* groups == 1: (R*S*C) x K packed for gk (NHWC destinations; cpu/gemm.h) */
    const struct oclnn__gemm_kernel *gk; /* the GEMM microkernel wpk and u are packed for */
    float *wp;   /* dense direct: R x S x C x K, for NHWC (one output pixel's K channels) */
    float *bias; /* K, or NULL */
    float *u;    /* Winograd: alpha^2 x (C x K) transformed filters, each packed for gk */
    uint32_t m;  /* Winograd output tile (2, 4 or 6) */
    size_t *shares; /* issue 16: states sharing the arrays above (reshape clones); the last frees */
} oclnn__cpu_conv;

/* GEMM algorithms' weights for NHWC destinations: packed for the GEMM microkernel when groups == 1,
 * else cv->wt. */
oclnn_status oclnn__cpu_conv_gemm_prepare(oclnn_context *ctx, oclnn__cpu_conv *cv, const float *weights);

/* dst = act(dst + bias + residual) over the whole tensor (after a GEMM wrote the raw sums). */
void oclnn__cpu_conv_epilogue(const oclnn__cpu_conv *cv, const oclnn_tensor *residual, oclnn_tensor *dst);

/* The algorithms. Each writes the finished result (bias, residual, activation applied). */
oclnn_status oclnn__cpu_conv_gemm(oclnn_context *ctx, const oclnn__cpu_conv *cv, const oclnn_tensor *src,
                                  oclnn_tensor *dst, const oclnn_tensor *residual);
void oclnn__cpu_conv_direct(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                            const oclnn_tensor *residual);
/* Grouped channels-last, register-blocked (cpu/conv2d_grouped.c): false, nothing written, when the
 * problem or the tensors do not fit its kernels. */
bool oclnn__cpu_conv_grouped(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                             const oclnn_tensor *residual);
/* Whether the grouped kernels take the diagonal form, whose weights (cv->wp) are
 * oclnn__cpu_grouped_pack's layout rather than R x S x Cg x K. */
bool oclnn__cpu_grouped_diag(const oclnn__conv2d_problem *pb);
void oclnn__cpu_grouped_pack(const oclnn__conv2d_problem *pb, const float *weights, float *wp);
void oclnn__cpu_conv_depthwise(const oclnn__cpu_conv *cv, const oclnn_tensor *src, oclnn_tensor *dst,
                               const oclnn_tensor *residual);
/* Winograd F(m x m, 3x3): filter transform at create, the rest at run. */
oclnn_status oclnn__cpu_winograd_prepare(oclnn_context *ctx, oclnn__cpu_conv *cv);
/* Bytes of workspace a run needs with `threads` threads and a channels-last (cl) source or not. */
size_t oclnn__cpu_winograd_workspace(const oclnn__cpu_conv *cv, bool cl, size_t threads);
oclnn_status oclnn__cpu_conv_winograd(oclnn_context *ctx, const oclnn__cpu_conv *cv,
                                      const oclnn_tensor *src, oclnn_tensor *dst,
                                      const oclnn_tensor *residual);

#endif
