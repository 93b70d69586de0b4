/* SPDX-License-Identifier: MIT */
/* oclnn_devices() and the device-choice rules, kept pure so tests can feed them any list. */
#include "core/device.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/backend.h"
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

static double speed_score(const oclnn_device_info *d) {
    double clock = d->clock_mhz ? d->clock_mhz : 1000.0;
    double lanes = d->native_vector_width_float ? d->native_vector_width_float : 1.0;
    return (double)(d->compute_units ? d->compute_units : 1) * clock * (d->is_gpu ? 64.0 : lanes);
}

size_t oclnn__device_default(const oclnn_device_info *list, size_t count) {
    long best = -1;
    for (int pass = 0; pass < 2 && best < 0; pass++) {
        for (size_t i = 0; i < count; i++) {
            if (list[i].backend != OCLNN_BACKEND_OPENCL) continue;
            if (pass == 0 && !list[i].is_gpu) continue;
            if (best < 0 || speed_score(&list[i]) > speed_score(&list[best])) best = (long)i;
        }
    }
    if (best >= 0) return (size_t)best;
    for (size_t i = 0; i < count; i++)
        if (list[i].backend == OCLNN_BACKEND_CPU) return i;
    return 0;
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
    if (!request || !*request) return (long)oclnn__device_default(list, count);
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
    list[oclnn__device_default(list, total)].is_default = true;
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
