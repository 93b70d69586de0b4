/* SPDX-License-Identifier: MIT */
/* OpenCL platform and device enumeration, and the capabilities kernels and heuristics read. */
#include "opencl/opencl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLATFORMS 16
#define MAX_DEVICES 32

/* Reads a string property, truncating it to the buffer (drivers refuse a short buffer). */
static void get_string(cl_device_id d, cl_device_info what, char *buf, size_t size) {
    buf[0] = '\0';
    size_t need = 0;
    if (clGetDeviceInfo(d, what, 0, NULL, &need) != CL_SUCCESS || need == 0) return;
    char *all = malloc(need + 1);
    if (!all) return;
    if (clGetDeviceInfo(d, what, need, all, NULL) == CL_SUCCESS) {
        all[need] = '\0';
        snprintf(buf, size, "%s", all);
    }
    free(all);
}

static uint64_t get_u64(cl_device_id d, cl_device_info what) {
    cl_ulong v = 0;
    return clGetDeviceInfo(d, what, sizeof v, &v, NULL) == CL_SUCCESS ? v : 0;
}

static uint32_t get_u32(cl_device_id d, cl_device_info what) {
    cl_uint v = 0;
    return clGetDeviceInfo(d, what, sizeof v, &v, NULL) == CL_SUCCESS ? v : 0;
}

static bool has_extension(cl_device_id d, const char *ext) {
    size_t size = 0;
    if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, 0, NULL, &size) != CL_SUCCESS || size == 0)
        return false;
    char *all = malloc(size + 1);
    if (!all) return false;
    bool found = false;
    if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, size, all, NULL) == CL_SUCCESS) {
        all[size] = '\0';
        size_t n = strlen(ext);
        for (const char *p = strstr(all, ext); p && !found; p = strstr(p + 1, ext))
            found = (p == all || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0');
    }
    free(all);
    return found;
}

void oclnn__cl_describe(cl_platform_id p, cl_device_id d, oclnn_device_info *info) {
    memset(info, 0, sizeof *info);
    info->backend = OCLNN_BACKEND_OPENCL;
    size_t need = 0;
    if (clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof info->platform_name - 1, info->platform_name,
                          &need) != CL_SUCCESS)
        info->platform_name[0] = '\0';
    get_string(d, CL_DEVICE_NAME, info->name, sizeof info->name);
    get_string(d, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    get_string(d, CL_DRIVER_VERSION, info->driver_version, sizeof info->driver_version);
    get_string(d, CL_DEVICE_VERSION, info->device_version, sizeof info->device_version);
    cl_device_type type = 0;
    clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    info->is_gpu = (type & CL_DEVICE_TYPE_GPU) != 0;
    info->is_cpu = (type & CL_DEVICE_TYPE_CPU) != 0;
    info->is_accelerator = (type & CL_DEVICE_TYPE_ACCELERATOR) != 0;
    info->compute_units = get_u32(d, CL_DEVICE_MAX_COMPUTE_UNITS);
    info->clock_mhz = get_u32(d, CL_DEVICE_MAX_CLOCK_FREQUENCY);
    info->global_mem_bytes = get_u64(d, CL_DEVICE_GLOBAL_MEM_SIZE);
    info->local_mem_bytes = get_u64(d, CL_DEVICE_LOCAL_MEM_SIZE);
    info->max_alloc_bytes = get_u64(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    size_t wg = 0;
    clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, NULL);
    info->max_work_group_size = wg;
    size_t items[3] = {0, 0, 0};
    clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof items, items, NULL);
    memcpy(info->max_work_item_sizes, items, sizeof items);
    info->preferred_vector_width_float = get_u32(d, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT);
    info->native_vector_width_float = get_u32(d, CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT);
    cl_device_fp_config fp64 = 0;
    clGetDeviceInfo(d, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL);
    info->fp64 = fp64 != 0;
    info->fp16 = has_extension(d, "cl_khr_fp16");
    cl_bool images = CL_FALSE;
    clGetDeviceInfo(d, CL_DEVICE_IMAGE_SUPPORT, sizeof images, &images, NULL);
    info->images = images == CL_TRUE;
    info->subgroups = has_extension(d, "cl_khr_subgroups") || has_extension(d, "cl_intel_subgroups");
}

/* Walks platforms and devices in ICD order, calling `visit` for each; stops when it returns true. */
static void walk(bool (*visit)(cl_platform_id, cl_device_id, uint32_t, uint32_t, void *), void *arg) {
    if (!oclnn__cl_load()) return;
    cl_platform_id platforms[MAX_PLATFORMS];
    cl_uint np = 0;
    if (clGetPlatformIDs(MAX_PLATFORMS, platforms, &np) != CL_SUCCESS) return;
    if (np > MAX_PLATFORMS) np = MAX_PLATFORMS;
    for (cl_uint p = 0; p < np; p++) {
        cl_device_id devices[MAX_DEVICES];
        cl_uint nd = 0;
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, devices, &nd) != CL_SUCCESS)
            continue;
        if (nd > MAX_DEVICES) nd = MAX_DEVICES;
        for (cl_uint d = 0; d < nd; d++)
            if (visit(platforms[p], devices[d], p, d, arg)) return;
    }
}

struct enum_state {
    oclnn_device_info *out;
    size_t cap, count;
};

static bool enum_visit(cl_platform_id p, cl_device_id d, uint32_t pi, uint32_t di, void *arg) {
    struct enum_state *s = arg;
    cl_bool available = CL_FALSE;
    clGetDeviceInfo(d, CL_DEVICE_AVAILABLE, sizeof available, &available, NULL);
    if (!available) return false;
    if (s->out && s->count < s->cap) {
        oclnn__cl_describe(p, d, &s->out[s->count]);
        s->out[s->count].platform_index = pi;
        s->out[s->count].device_index = di;
    }
    s->count++;
    return false;
}

size_t oclnn__cl_enumerate(oclnn_device_info *out, size_t cap) {
    struct enum_state s = {out, cap, 0};
    walk(enum_visit, &s);
    return s.count;
}

struct find_state {
    uint32_t pi, di;
    cl_platform_id platform;
    cl_device_id device;
};

static bool find_visit(cl_platform_id p, cl_device_id d, uint32_t pi, uint32_t di, void *arg) {
    struct find_state *s = arg;
    if (pi != s->pi || di != s->di) return false;
    s->platform = p;
    s->device = d;
    return true;
}

bool oclnn__cl_find(uint32_t platform_index, uint32_t device_index, cl_platform_id *platform,
                    cl_device_id *device) {
    struct find_state s = {platform_index, device_index, NULL, NULL};
    walk(find_visit, &s);
    *platform = s.platform;
    *device = s.device;
    return s.device != NULL;
}

static bool locate_visit(cl_platform_id p, cl_device_id d, uint32_t pi, uint32_t di, void *arg) {
    (void)p;
    struct find_state *s = arg;
    if (d != s->device) return false;
    s->pi = pi;
    s->di = di;
    return true;
}

bool oclnn__cl_locate(cl_device_id device, uint32_t *platform_index, uint32_t *device_index) {
    struct find_state s = {UINT32_MAX, UINT32_MAX, NULL, device};
    walk(locate_visit, &s);
    *platform_index = s.pi;
    *device_index = s.di;
    return s.pi != UINT32_MAX;
}
