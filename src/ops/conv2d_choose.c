/* SPDX-License-Identifier: MIT */
/* The pure algorithm rules of conv2d: when each algorithm applies, and the heuristic behind
 * OCLNN_CONV_ALGO_AUTO. Both depend only on the problem and the device's capabilities, so the
 * table test in tests/test_conv2d.c pins them down. */
#include "ops/conv2d.h"

static bool is_3x3_unit(const oclnn__conv2d_problem *pb) {
    return pb->r == 3 && pb->s == 3 && pb->stride_h == 1 && pb->stride_w == 1 && pb->dil_h == 1 &&
           pb->dil_w == 1;
}

static bool is_1x1_unit(const oclnn__conv2d_problem *pb) {
    return pb->r == 1 && pb->s == 1 && pb->stride_h == 1 && pb->stride_w == 1 && !pb->pad_top &&
           !pb->pad_bottom && !pb->pad_left && !pb->pad_right;
}

const char *oclnn__conv2d_applies(const oclnn__conv2d_problem *pb, oclnn_conv_algo algo,
                                  const oclnn__conv2d_caps *caps) {
    switch (algo) {
    case OCLNN_CONV_ALGO_AUTO:
    case OCLNN_CONV_ALGO_DIRECT:
    case OCLNN_CONV_ALGO_IM2COL: return NULL;
    case OCLNN_CONV_ALGO_GEMM1X1:
        return is_1x1_unit(pb) ? NULL : "gemm1x1 needs a 1x1 kernel, stride 1 and no padding";
    case OCLNN_CONV_ALGO_WINOGRAD_2X2:
    case OCLNN_CONV_ALGO_WINOGRAD_4X4:
    case OCLNN_CONV_ALGO_WINOGRAD_6X6: /* issue 19 */
        if (!is_3x3_unit(pb)) return "Winograd needs a 3x3 kernel, stride 1 and dilation 1";
        if (pb->groups != 1) return "Winograd needs groups == 1";
        return NULL;
    case OCLNN_CONV_ALGO_DEPTHWISE:
        return pb->cg == 1 ? NULL : "depthwise needs groups == input channels";
    case OCLNN_CONV_ALGO_IMPLICIT_GEMM:
        return caps->backend == OCLNN_BACKEND_OPENCL
                   ? NULL
                   : "implicit-gemm is an OpenCL algorithm (the C backend has im2col and direct)";
    case OCLNN_CONV_ALGO_IM2COL_CLBLAST:
        if (caps->backend != OCLNN_BACKEND_OPENCL) return "CLBlast is an OpenCL library";
        return caps->clblast ? NULL : "libclblast.so.1 could not be loaded";
    }
    return "unknown algorithm";
}

/* issue 19: the accuracy guard (docs/WINOGRAD.md). F(6x6,3x3)'s error against the double
 * reference (tools/winograd_error.py, the C backend) grows with the input channels C: on the
 * ResNet-50 and VGG-16 3x3 layers max_rel stays within the 1e-2 bound
 * (OCLNN__TUNE_VERIFY_REL_WINOGRAD6) for every layer with C <= 128 (3.4e-3 to 9.3e-3), but exceeds
 * it on three of the five with C >= 256 (VGG-16 conv3_2, conv4_1, conv4_2: 1.07e-2 to 1.19e-2).
 * So AUTO takes winograd6 only with C <= 128. */
#define WINOGRAD6_AUTO_MAX_C 128

const char *oclnn__conv2d_auto_guard(const oclnn__conv2d_problem *pb, oclnn_conv_algo algo) {
    if (algo == OCLNN_CONV_ALGO_WINOGRAD_6X6 && pb->c > WINOGRAD6_AUTO_MAX_C)
        return "winograd6's measured error exceeds its bound with more than 128 input channels";
    return NULL;
}

/* The CPU class's rules (the C backend, PoCL), in order, with the measurements behind them
 * (docs/PERFORMANCE-conv.md):
 *  1. groups == channels: the depthwise kernels (a GEMM per channel would be 1 x R*S).
 *  2. other grouped convolutions: direct (ResNeXt's per-group GEMMs are 4 x 36 x P*Q; on its
 *     3x3 g32 layer direct measured 16-18 GFLOP/s on PoCL against 9-14 for im2col; on the C
 *     backend the register-blocked grouped kernels ran every ResNeXt-50 3x3 g32 layer 2-5x faster
 *     than im2col, NCHW too: docs/PERFORMANCE-conv.md, issue 15).
 *  3. 1x1, stride 1, unpadded: gemm1x1 (the input already is the GEMM operand).
 *  4. 3x3 stride 1 with at least 16 input and output channels: winograd4 (4x fewer
 *     multiplications; with fewer channels the transforms dominate) when there are at least 16
 *     of its 4x4 output tiles. With fewer (ResNet's 7x7 layers at batch 1: 4 tiles) the 36
 *     transformed K x C filter matrices are read for very little work, and winograd2 (16 tiles)
 *     measured faster on both backends: PoCL 134 vs 46 (winograd4) and 71 (im2col) GFLOP/s,
 *     C backend 245 vs 174 and 217 (docs/PERFORMANCE-conv.md).
 *  5. everything else: im2col + GEMM.
 * (issue 19) Neither class's heuristic picks winograd6: its measured error on large layers comes
 * within 10% of its bound at every channel count (docs/WINOGRAD.md); find and the tuner may, within
 * oclnn__conv2d_auto_guard. */
/* The GPU classes (OCLNN_DEVICE_CLASS=gpu runs them on PoCL), from the kernels' shapes rather
 * than measurements (no GPU was available when they were written; `oclnn tune` records measured
 * choices that override these):
 *  1. groups == channels: depthwise (a GEMM per channel would be 1 x R*S).
 *  2. other grouped convolutions: implicit-gemm (every group in one launch of the engine; direct
 *     gives each work-item a serial C*R*S loop with no reuse through local memory).
 *  3. 1x1, stride 1, unpadded: gemm1x1 (the engine on the input itself).
 *  4. 3x3 stride 1 with at least 64 input and output channels and at least 64 output tiles of
 *     4x4: winograd4 on the engine (2.25x fewer multiplications than F(2x2), 4x fewer than
 *     GEMM; its 36 batched products are K x C x tiles and need both sides wide enough to fill the
 *     engine's 64x64 work-group tiles); fewer tiles but at least 64 of 2x2: winograd2.
 *  5. everything else: implicit-gemm (no im2col buffer written and read back). */
static oclnn_conv_algo choose_gpu(const oclnn__conv2d_problem *pb) {
    if (pb->groups > 1 && pb->cg == 1) return OCLNN_CONV_ALGO_DEPTHWISE;
    if (pb->groups > 1) return OCLNN_CONV_ALGO_IMPLICIT_GEMM;
    if (is_1x1_unit(pb)) return OCLNN_CONV_ALGO_GEMM1X1;
    if (is_3x3_unit(pb) && pb->c >= 64 && pb->k >= 64) {
        uint64_t tiles4 = (uint64_t)pb->n * ((pb->p + 3) / 4) * ((pb->q + 3) / 4);
        uint64_t tiles2 = (uint64_t)pb->n * ((pb->p + 1) / 2) * ((pb->q + 1) / 2);
        if (tiles4 >= 64) return OCLNN_CONV_ALGO_WINOGRAD_4X4;
        if (tiles2 >= 64) return OCLNN_CONV_ALGO_WINOGRAD_2X2;
    }
    return OCLNN_CONV_ALGO_IMPLICIT_GEMM;
}

oclnn_conv_algo oclnn__conv2d_choose(const oclnn__conv2d_problem *pb,
                                     const oclnn__conv2d_caps *caps) {
    if (caps->backend == OCLNN_BACKEND_OPENCL && oclnn__devclass_is_gpu(caps->devclass))
        return choose_gpu(pb);
    if (pb->groups > 1 && pb->cg == 1) return OCLNN_CONV_ALGO_DEPTHWISE;
    if (pb->groups > 1) return OCLNN_CONV_ALGO_DIRECT;
    if (is_1x1_unit(pb)) return OCLNN_CONV_ALGO_GEMM1X1;
    if (is_3x3_unit(pb) && pb->c >= 16 && pb->k >= 16) {
        uint64_t tiles4 = (uint64_t)pb->n * ((pb->p + 3) / 4) * ((pb->q + 3) / 4);
        return tiles4 >= 16 ? OCLNN_CONV_ALGO_WINOGRAD_4X4 : OCLNN_CONV_ALGO_WINOGRAD_2X2;
    }
    return OCLNN_CONV_ALGO_IM2COL;
}
