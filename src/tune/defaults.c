/* SPDX-License-Identifier: MIT */
/* Device-class defaults: what an untuned device of a class gets before the kernels' own defaults
 * (which were measured on PoCL, a CPU device). Readable heuristics, one function per class
 * (as ACL's ClGemmDefaultConfig* and CLBlast's vendor/architecture fallbacks):
 *  - CPU devices: the GEMM's vector width follows the native float vector width (16 with
 *    AVX-512, 8 with AVX2, 4 with SSE/NEON); the register tile stays TM=8 x one vector. With
 *    AVX-512 the direct kernel takes KB=16 QB=8 (measured, see cpu_default).
 *  - GPUs: small per-thread tiles (TM=4, VW=4) leave registers for occupancy; direct and
 *    depthwise compute 4 columns per work-item; Winograd transforms do one channel per item.
 *  - the GEMM engine (conv_xgemm): CLBlast's per-vendor Xgemm defaults (XGEMM_DEFAULTS below);
 *    the CPU class keeps the kernel's defaults.
 * The class is ctx->devclass (OCLNN_DEVICE_CLASS=gpu gives PoCL the GPU values). The GPU values
 * are not measured here (only PoCL is on this machine): `oclnn tune` replaces them. */
#include <string.h>

#include "tune/tune.h"

static bool is(const oclnn__tune_space *sp, const oclnn__tune_space *want) { return sp == want; }

static bool gemm_like(const oclnn__tune_space *sp) {
    return is(sp, &oclnn__tune_space_conv_im2col) || is(sp, &oclnn__tune_space_conv_gemm1x1) ||
           is(sp, &oclnn__tune_space_conv_winograd2) || is(sp, &oclnn__tune_space_conv_winograd4) ||
           is(sp, &oclnn__tune_space_conv_winograd6); /* issue 19 */
}

static void set(const oclnn__tune_space *sp, oclnn__tune_values *v, const char *name, int32_t value) {
    int i = oclnn__tune_param_index(sp, name);
    if (i >= 0) v->v[i] = value;
}

static bool cpu_default(const oclnn__tune_space *sp, const oclnn_device_info *dev, oclnn__tune_values *v) {
    uint32_t lanes = dev->native_vector_width_float;
    if (is(sp, &oclnn__tune_space_conv_direct) && lanes >= 16) {
        /* AVX-512 (cpu-avx512): 16 output channels x 8 columns per work-item won 20 of the 22
         * direct-convolution shapes of the built-in networks in a 900 s tune on PoCL 3.1 on an
         * AMD EPYC (Zen, AVX-512; tools/tuning/pthread-skylake-avx512-amd-epyc.txt), e.g.
         * ResNet-50's 7x7 stem. Narrower CPUs (AVX2: not at hand here) keep the kernel's
         * default until measured. */
        set(sp, v, "KB", 16);
        set(sp, v, "QB", 8);
        return true;
    }
    if (!gemm_like(sp)) return false;
    set(sp, v, "VW", lanes >= 16 ? 16 : lanes >= 8 ? 8 : 4);
    return true;
}

static bool gpu_default(const oclnn__tune_space *sp, oclnn__tune_values *v) {
    if (gemm_like(sp)) {
        set(sp, v, "TM", 4);
        set(sp, v, "VW", 4);
        set(sp, v, "NV", 1);
        set(sp, v, "CB", 1);
        return true;
    }
    if (is(sp, &oclnn__tune_space_conv_direct)) {
        set(sp, v, "KB", 4);
        set(sp, v, "QB", 4);
        return true;
    }
    if (is(sp, &oclnn__tune_space_conv_depthwise)) {
        set(sp, v, "QB", 4);
        return true;
    }
    return false;
}

/* The GEMM engine's work-group tiles per GPU class, from CLBlast's tuned database
 * (src/database/kernels/xgemm/xgemm_32.hpp, single precision): the NVIDIA row is its newest
 * architecture's default (SM6.1: KWG 32, MDIMC 16, MWG 64, NDIMC 8, NWG 64, VWM 4, VWN 4), the
 * AMD and Intel rows their vendors' defaults (the same values), the other-GPU row its
 * device-type-wide default (KWG 32, MDIMC 8, MWG 32, NDIMC 16, NWG 32, VWM 4, VWN 2). VW, one
 * vector width for both operands' tile loads here, takes the smaller of VWM and VWN. CLBlast's C
 * is column-major, so its M axis (MWG, MDIMC: the unit-stride one) is this engine's N axis
 * (pixels) and vice versa. */
typedef struct xgemm_default {
    oclnn__devclass cls;
    int32_t mwg, nwg, kwg, mdimc, ndimc, vw;
} xgemm_default;

static const xgemm_default XGEMM_DEFAULTS[] = {
    {OCLNN__DEVCLASS_GPU_NVIDIA, 64, 64, 32, 8, 16, 4},
    {OCLNN__DEVCLASS_GPU_AMD, 64, 64, 32, 8, 16, 4},
    {OCLNN__DEVCLASS_GPU_INTEL, 64, 64, 32, 8, 16, 4},
    {OCLNN__DEVCLASS_GPU_OTHER, 32, 32, 32, 16, 8, 2},
};

static bool xgemm_class_default(const oclnn__tune_space *sp, oclnn__devclass cls,
                                oclnn__tune_values *v) {
    if (!is(sp, &oclnn__tune_space_conv_xgemm)) return false;
    for (size_t i = 0; i < sizeof XGEMM_DEFAULTS / sizeof *XGEMM_DEFAULTS; i++) {
        const xgemm_default *d = &XGEMM_DEFAULTS[i];
        if (d->cls != cls) continue;
        set(sp, v, "MWG", d->mwg);
        set(sp, v, "NWG", d->nwg);
        set(sp, v, "KWG", d->kwg);
        set(sp, v, "MDIMC", d->mdimc);
        set(sp, v, "NDIMC", d->ndimc);
        set(sp, v, "DB", 0);
        set(sp, v, "VW", d->vw);
        return true;
    }
    return false;
}

bool oclnn__tune_device_default(const oclnn__tune_space *sp, const oclnn_device_info *dev,
                                oclnn__devclass cls, oclnn__tune_values *out) {
    if (dev->backend != OCLNN_BACKEND_OPENCL) return false;
    oclnn__tune_values v = oclnn__tune_defaults_of(sp);
    bool have = oclnn__devclass_is_gpu(cls)
                    ? xgemm_class_default(sp, cls, &v) || gpu_default(sp, &v)
                    : cpu_default(sp, dev, &v);
    char why[160];
    oclnn__tune_limits lim = oclnn__tune_limits_of(dev);
    if (!have || oclnn__tune_check(sp, &v, &lim, why, sizeof why)) return false;
    *out = v;
    return true;
}
