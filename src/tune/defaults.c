/* SPDX-License-Identifier: MIT */
/* Device-class defaults: what an untuned device of a class gets before the kernels' own defaults
 * (which were measured on PoCL, a CPU device). Readable heuristics, one function per class
 * (as ACL's ClGemmDefaultConfig* and CLBlast's vendor/architecture fallbacks):
 *  - CPU devices: the GEMM's vector width follows the native float vector width (16 with
 *    AVX-512, 8 with AVX2, 4 with SSE/NEON); the register tile stays TM=8 x one vector.
 *  - GPUs: small per-thread tiles (TM=4, VW=4) leave registers for occupancy; direct and
 *    depthwise compute 4 columns per work-item; Winograd transforms do one channel per item.
 * The GPU values are not measured here (only PoCL is on this machine): `oclnn tune` replaces them. */
#include <string.h>

#include "tune/tune.h"

static bool is(const oclnn__tune_space *sp, const oclnn__tune_space *want) { return sp == want; }

static bool gemm_like(const oclnn__tune_space *sp) {
    return is(sp, &oclnn__tune_space_conv_im2col) || is(sp, &oclnn__tune_space_conv_gemm1x1) ||
           is(sp, &oclnn__tune_space_conv_winograd2) || is(sp, &oclnn__tune_space_conv_winograd4);
}

static void set(const oclnn__tune_space *sp, oclnn__tune_values *v, const char *name, int32_t value) {
    int i = oclnn__tune_param_index(sp, name);
    if (i >= 0) v->v[i] = value;
}

static bool cpu_default(const oclnn__tune_space *sp, const oclnn_device_info *dev, oclnn__tune_values *v) {
    if (!gemm_like(sp)) return false;
    uint32_t lanes = dev->native_vector_width_float;
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

bool oclnn__tune_device_default(const oclnn__tune_space *sp, const oclnn_device_info *dev,
                                oclnn__tune_values *out) {
    if (dev->backend != OCLNN_BACKEND_OPENCL) return false;
    oclnn__tune_values v = oclnn__tune_defaults_of(sp);
    bool have = dev->is_gpu ? gpu_default(sp, &v) : dev->is_cpu ? cpu_default(sp, dev, &v) : false;
    char why[160];
    oclnn__tune_limits lim = oclnn__tune_limits_of(dev);
    if (!have || oclnn__tune_check(sp, &v, &lim, why, sizeof why)) return false;
    *out = v;
    return true;
}
