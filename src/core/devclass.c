/* SPDX-License-Identifier: MIT */
/* The device-class rule (see devclass.h): vendor strings for GPUs, the override for tests. */
#include "core/devclass.h"

#include <string.h>
#include <strings.h>

const char *oclnn__devclass_name(oclnn__devclass c) {
    switch (c) {
    case OCLNN__DEVCLASS_CPU: return "cpu";
    case OCLNN__DEVCLASS_GPU_NVIDIA: return "gpu-nvidia";
    case OCLNN__DEVCLASS_GPU_AMD: return "gpu-amd";
    case OCLNN__DEVCLASS_GPU_INTEL: return "gpu-intel";
    case OCLNN__DEVCLASS_GPU_OTHER: return "gpu";
    case OCLNN__DEVCLASS_COUNT: break;
    }
    return "?";
}

static bool contains(const char *haystack, const char *needle) {
    size_t n = strlen(needle);
    for (const char *p = haystack; *p; p++)
        if (!strncasecmp(p, needle, n)) return true;
    return false;
}

static oclnn__devclass gpu_vendor(const oclnn_device_info *info) {
    if (contains(info->vendor, "nvidia") || contains(info->platform_name, "nvidia"))
        return OCLNN__DEVCLASS_GPU_NVIDIA;
    if (contains(info->vendor, "advanced micro devices") || contains(info->vendor, "amd") ||
        contains(info->platform_name, "amd"))
        return OCLNN__DEVCLASS_GPU_AMD;
    if (contains(info->vendor, "intel") || contains(info->platform_name, "intel"))
        return OCLNN__DEVCLASS_GPU_INTEL;
    return OCLNN__DEVCLASS_GPU_OTHER;
}

bool oclnn__devclass_of(const oclnn_device_info *info, const char *override, oclnn__devclass *out) {
    if (info->backend == OCLNN_BACKEND_CPU) {
        *out = OCLNN__DEVCLASS_CPU;
        return !override || !*override || !strcasecmp(override, "cpu") ||
               !strncasecmp(override, "gpu", 3) || !strcasecmp(override, "nvidia") ||
               !strcasecmp(override, "amd") || !strcasecmp(override, "intel");
    }
    if (!override || !*override) {
        *out = info->is_gpu || info->is_accelerator ? gpu_vendor(info) : OCLNN__DEVCLASS_CPU;
        return true;
    }
    static const struct {
        const char *name;
        oclnn__devclass c;
    } names[] = {{"cpu", OCLNN__DEVCLASS_CPU},           {"gpu", OCLNN__DEVCLASS_GPU_OTHER},
                 {"nvidia", OCLNN__DEVCLASS_GPU_NVIDIA}, {"gpu-nvidia", OCLNN__DEVCLASS_GPU_NVIDIA},
                 {"amd", OCLNN__DEVCLASS_GPU_AMD},       {"gpu-amd", OCLNN__DEVCLASS_GPU_AMD},
                 {"intel", OCLNN__DEVCLASS_GPU_INTEL},   {"gpu-intel", OCLNN__DEVCLASS_GPU_INTEL}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(override, names[i].name)) {
            *out = names[i].c;
            return true;
        }
    return false;
}
