/* SPDX-License-Identifier: MIT */
/* The algorithm rules of conv3d (issue 19): which algorithms each backend has, the one
 * OCLNN_CONV_ALGO_AUTO takes, and the tunables of the one that has some (implicit-gemm: the
 * GEMM engine's). The measurements behind the rule are in docs/ND.md. */
#include "ops/nd.h"

#include <stdint.h>

#include "core/status.h"
#include "tune/tune.h"

/* implicit-gemm's gather computes input coordinates as int: each axis's furthest tap must fit. */
static bool coords_fit(const oclnn__conv3d_problem *pb) {
    const uint32_t o[3] = {pb->od, pb->oh, pb->ow}, k[3] = {pb->kt, pb->kr, pb->ks};
    for (int a = 0; a < 3; a++)
        if ((uint64_t)(o[a] - 1) * pb->stride[a] + (uint64_t)(k[a] - 1) * pb->dil[a] > INT32_MAX)
            return false;
    return true;
}

const char *oclnn__conv3d_applies(const oclnn__conv3d_problem *pb, oclnn_backend_kind backend,
                                  oclnn_conv_algo algo) {
    switch (algo) {
    case OCLNN_CONV_ALGO_AUTO:
    case OCLNN_CONV_ALGO_DIRECT: return NULL;
    case OCLNN_CONV_ALGO_IM2COL:
        return backend == OCLNN_BACKEND_CPU
                   ? NULL
                   : "im2col-3d is the C backend's (OpenCL has direct and implicit-gemm)";
    case OCLNN_CONV_ALGO_IMPLICIT_GEMM:
        if (backend != OCLNN_BACKEND_OPENCL)
            return "implicit-gemm is an OpenCL algorithm (the C backend has direct and im2col, its "
                   "implicit GEMM)";
        return coords_fit(pb) ? NULL
                              : "implicit-gemm's strided, dilated window reaches past 2^31 along "
                                "an axis (direct has no such limit)";
    default: return "3-D convolution has direct, im2col (C backend) and implicit-gemm (OpenCL)";
    }
}

/* The CPU-class rule's threshold: output pixels (N*OD*OH*OW, the engine's GEMM columns) from
 * which implicit-gemm beats direct on PoCL. Below it the engine's 64-column tiles are mostly
 * padding and direct's one-work-item-per-output loop is as fast or faster (r3d_18's layer3 and
 * layer4 kinds, 98 and 16 pixels; docs/ND.md). */
#define CPU_IMPLICIT_MIN_PIXELS 256

/* AUTO:
 *  - C backend: im2col (the im2col-3d tiles packed straight into the GEMM's panels).
 *  - OpenCL, GPU classes: implicit-gemm. The direct kernel gives each work-item a serial
 *    Cg*T*R*S loop that reads one weight and one input per multiply-add from global memory (about
 *    4 bytes per FLOP under Oclgrind); the engine stages MWG x KWG weights and KWG x NWG gathered
 *    inputs in local memory and reuses each NWG resp. MWG times (0.1-0.3 bytes per FLOP on
 *    r3d_18's layer kinds, docs/ND.md).
 *  - OpenCL, where implicit-gemm does not apply (a window past 2^31): direct.
 *  - OpenCL, CPU class (PoCL): implicit-gemm from CPU_IMPLICIT_MIN_PIXELS output pixels, else
 *    direct: measured with `oclnn bench conv3d --algo all` on r3d_18's and r2plus1d_18's layer
 *    kinds in both layouts (docs/ND.md), implicit-gemm won every shape with 784 or more output
 *    pixels (1.15x to 15x), was even at 98 (0.93x, 1.17x) and lost at 16 (6-8x); 256 (four of
 *    the engine's 64-column tiles) lies between. */
oclnn_conv_algo oclnn__conv3d_choose(const oclnn__conv3d_problem *pb, oclnn_backend_kind backend,
                                     oclnn__devclass devclass) {
    if (backend == OCLNN_BACKEND_CPU) return OCLNN_CONV_ALGO_IM2COL;
    if (oclnn__conv3d_applies(pb, backend, OCLNN_CONV_ALGO_IMPLICIT_GEMM))
        return OCLNN_CONV_ALGO_DIRECT;
    if (oclnn__devclass_is_gpu(devclass)) return OCLNN_CONV_ALGO_IMPLICIT_GEMM;
    const uint64_t pixels = (uint64_t)pb->n * pb->od * pb->oh * pb->ow;
    return pixels >= CPU_IMPLICIT_MIN_PIXELS ? OCLNN_CONV_ALGO_IMPLICIT_GEMM
                                             : OCLNN_CONV_ALGO_DIRECT;
}

oclnn_status oclnn__conv3d_tunables(const oclnn_context *ctx, oclnn_conv_algo algo,
                                    oclnn__conv2d_tunables *tun) {
    tun->n = 0;
    if (algo != OCLNN_CONV_ALGO_IMPLICIT_GEMM) return OCLNN_OK;
    /* No per-problem rows for 3-D yet: the device class's engine tiles, else the kernel's. */
    const oclnn__tune_space *sp = &oclnn__tune_space_conv_xgemm;
    oclnn__tune_values v;
    if (!oclnn__tune_device_default(sp, &ctx->device, ctx->devclass, &v))
        v = oclnn__tune_defaults_of(sp);
    oclnn__tune_limits lim = oclnn__tune_limits_of(&ctx->device);
    char why[160];
    if (oclnn__tune_check(sp, &v, &lim, why, sizeof why))
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "implicit-gemm 3-D: the GEMM engine's tiles do not fit this device (%s)",
                           why);
    for (size_t i = 0; i < sp->n_params && i < OCLNN__CONV2D_MAX_TUNABLES; i++)
        tun->t[tun->n++] = (oclnn__conv2d_tunable){sp->params[i].name, (uint32_t)v.v[i],
                                                   (uint32_t)sp->params[i].def};
    return OCLNN_OK;
}
