/* SPDX-License-Identifier: MIT */
/* oclnn_devices() and the device-choice rules, kept pure so tests can feed them any list. */
#include "core/device.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/backend.h"
#include "core/devclass.h"
#include "core/status.h"

static bool contains_nocase(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    if (n == 0) return false;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) i++;
        if (i == n) return true;
    }
    return false;
}

oclnn_layout oclnn__device_layout_rule(const oclnn_device_info *info) {
    if (info->backend == OCLNN_BACKEND_OPENCL && info->is_gpu &&
        (contains_nocase(info->vendor, "nvidia") || contains_nocase(info->vendor, "advanced micro") ||
         contains_nocase(info->vendor, "amd")))
        return OCLNN_LAYOUT_NCHW;
    return OCLNN_LAYOUT_NHWC;
}

/* fp32 lanes per compute unit (what CL_DEVICE_MAX_COMPUTE_UNITS counts), by vendor:
 * - NVIDIA SM: 128 since Maxwell (GM10x), consumer Pascal, Ampere GA10x, Ada; 64 on GP100, Volta,
 *   Turing, GA100 and Hopper (CUDA C++ Programming Guide, "Arithmetic Instructions" throughput
 *   table: 32-bit floating-point add/multiply per clock per multiprocessor).
 * - AMD CU: 64 (GCN: 4 x SIMD16, AMD "GCN Architecture" whitepaper; RDNA: 2 x SIMD32, "RDNA
 *   Architecture" whitepaper).
 * - Intel EU: 8 (Gen9: 2 x SIMD4 FPUs, "The Compute Architecture of Intel Processor Graphics
 *   Gen9"); Xe: 16 per reported unit (Xe-LP/HPG whitepapers: 8-wide ALU pairs).
 * - Other GPUs: 32 (a middle guess). */
static const char *const NVIDIA_64_LANES[] = {"P100", "V100", "TITAN V", "A100", "A30", "H100",
                                              "H200", "H800", "RTX 20", "GTX 16", "T4", "Quadro RTX"};

double oclnn__device_lanes(const oclnn_device_info *d) {
    oclnn__devclass c;
    if (!oclnn__devclass_of(d, NULL, &c) || !oclnn__devclass_is_gpu(c))
        return d->native_vector_width_float ? d->native_vector_width_float : 1.0;
    switch (c) {
    case OCLNN__DEVCLASS_GPU_NVIDIA:
        for (size_t i = 0; i < sizeof NVIDIA_64_LANES / sizeof *NVIDIA_64_LANES; i++)
            if (contains_nocase(d->name, NVIDIA_64_LANES[i])) return 64.0;
        return 128.0;
    case OCLNN__DEVCLASS_GPU_AMD: return 64.0;
    case OCLNN__DEVCLASS_GPU_INTEL:
        return contains_nocase(d->name, "Xe") || contains_nocase(d->name, "Arc") ? 16.0 : 8.0;
    default: return 32.0;
    }
}

/* Peak fp32 lanes x MHz: a rough ranking, not a performance model. */
static double speed_score(const oclnn_device_info *d) {
    double clock = d->clock_mhz ? d->clock_mhz : 1000.0;
    return (double)(d->compute_units ? d->compute_units : 1) * clock * oclnn__device_lanes(d);
}

/* Discrete GPUs first, then by estimated speed. */
static bool gpu_better(const oclnn_device_info *a, const oclnn_device_info *b) {
    if (a->unified_memory != b->unified_memory) return !a->unified_memory;
    return speed_score(a) > speed_score(b);
}

size_t oclnn__device_default_why(const oclnn_device_info *list, size_t count,
                                 const bool *measured_faster, char *why, size_t why_size) {
    long best = -1;
    for (size_t i = 0; i < count; i++)
        if (list[i].backend == OCLNN_BACKEND_OPENCL && list[i].is_gpu &&
            (best < 0 || gpu_better(&list[i], &list[best])))
            best = (long)i;
    if (best >= 0) {
        const oclnn_device_info *d = &list[best];
        snprintf(why, why_size, "the fastest-looking %s GPU (%u units x %.0f lanes x %u MHz)",
                 d->unified_memory ? "integrated" : "discrete", d->compute_units,
                 oclnn__device_lanes(d), d->clock_mhz);
        return (size_t)best;
    }
    for (size_t i = 0; i < count; i++)
        if (list[i].backend == OCLNN_BACKEND_OPENCL && measured_faster && measured_faster[i]) {
            snprintf(why, why_size, "no GPU; the tuning database measured it faster than the C backend");
            return i;
        }
    for (size_t i = 0; i < count; i++)
        if (list[i].backend == OCLNN_BACKEND_CPU) {
            snprintf(why, why_size, "no GPU, and no tuning database measured an OpenCL device "
                                    "faster than the C backend");
            return i;
        }
    snprintf(why, why_size, "the only device");
    return 0;
}

static oclnn__device_measured_fn measured_fn;

void oclnn__device_set_measured(oclnn__device_measured_fn fn) { measured_fn = fn; }

size_t oclnn__device_default_measured(const oclnn_device_info *list, size_t count, char *why,
                                      size_t why_size) {
    bool *faster = NULL;
    const oclnn_device_info *cpu = NULL;
    bool gpu = false;
    for (size_t i = 0; i < count; i++) {
        if (list[i].backend == OCLNN_BACKEND_CPU) cpu = &list[i];
        if (list[i].backend == OCLNN_BACKEND_OPENCL && list[i].is_gpu) gpu = true;
    }
    if (measured_fn && cpu && !gpu && (faster = calloc(count ? count : 1, sizeof *faster)))
        for (size_t i = 0; i < count; i++)
            faster[i] = list[i].backend == OCLNN_BACKEND_OPENCL && measured_fn(&list[i], cpu);
    size_t def = oclnn__device_default_why(list, count, faster, why, why_size);
    free(faster);
    return def;
}

size_t oclnn__device_default(const oclnn_device_info *list, size_t count) {
    char why[128];
    return oclnn__device_default_why(list, count, NULL, why, sizeof why);
}

static bool parse_indices(const char *s, unsigned *p, unsigned *d) {
    char *end;
    if (!isdigit((unsigned char)*s)) return false;
    unsigned long a = strtoul(s, &end, 10);
    if (*end != ':' || !isdigit((unsigned char)end[1])) return false;
    unsigned long b = strtoul(end + 1, &end, 10);
    if (*end != '\0' || a > 0xffff || b > 0xffff) return false;
    *p = (unsigned)a;
    *d = (unsigned)b;
    return true;
}

long oclnn__device_choose(const oclnn_device_info *list, size_t count, const char *request) {
    if (count == 0) return -1;
    if (!request || !*request) {
        char why[128];
        return (long)oclnn__device_default_measured(list, count, why, sizeof why);
    }
    if (!strcasecmp(request, "cpu") || !strcasecmp(request, "c")) {
        for (size_t i = 0; i < count; i++)
            if (list[i].backend == OCLNN_BACKEND_CPU) return (long)i;
        return -1;
    }
    unsigned p, d;
    if (parse_indices(request, &p, &d)) {
        for (size_t i = 0; i < count; i++)
            if (list[i].backend == OCLNN_BACKEND_OPENCL && list[i].platform_index == p &&
                list[i].device_index == d)
                return (long)i;
        return -1;
    }
    for (size_t i = 0; i < count; i++)
        if (list[i].backend == OCLNN_BACKEND_OPENCL && contains_nocase(list[i].name, request))
            return (long)i;
    for (size_t i = 0; i < count; i++)
        if (list[i].backend == OCLNN_BACKEND_OPENCL && contains_nocase(list[i].platform_name, request))
            return (long)i;
    return -1;
}

oclnn_status oclnn__device_list(oclnn_device_info **out, size_t *count) {
    size_t n_cl = oclnn__backend_opencl.enumerate(NULL, 0);
    size_t n_cpu = oclnn__backend_cpu.enumerate(NULL, 0);
    oclnn_device_info *list = calloc(n_cl + n_cpu, sizeof *list);
    if (!list) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the device list");
    size_t got = oclnn__backend_opencl.enumerate(list, n_cl);
    if (got < n_cl) n_cl = got; /* devices vanished between the two calls */
    oclnn__backend_cpu.enumerate(list + n_cl, n_cpu);
    size_t total = n_cl + n_cpu;
    for (size_t i = 0; i < total; i++) list[i].layout = oclnn__device_layout_rule(&list[i]);
    char why[sizeof list->default_reason];
    size_t def = oclnn__device_default_measured(list, total, why, sizeof why);
    list[def].is_default = true;
    memcpy(list[def].default_reason, why, sizeof why);
    *out = list;
    *count = total;
    return OCLNN_OK;
}

oclnn_status oclnn_devices(oclnn_device_info *infos, size_t capacity, size_t *count) {
    OCLNN__ENTER();
    if (!count) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "count is NULL");
    if (!infos && capacity > 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "infos is NULL but capacity is %zu", capacity);
    oclnn_device_info *list;
    size_t n;
    OCLNN__TRY(oclnn__device_list(&list, &n));
    if (infos) memcpy(infos, list, (n < capacity ? n : capacity) * sizeof *list);
    *count = n;
    free(list);
    return OCLNN_OK;
}
