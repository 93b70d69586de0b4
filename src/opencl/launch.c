/* SPDX-License-Identifier: MIT */
/* The launch layer: every kernel launch of the OpenCL backend goes through oclnn__cl_launch, which
 * gives it an explicit work-group size (the caller's, else one chosen per kernel and device from
 * the kernel's CL_KERNEL_WORK_GROUP_SIZE and preferred multiple, the device's per-dimension
 * CL_DEVICE_MAX_WORK_ITEM_SIZES and the device class's target), rounds the global size up to it,
 * and, while timing is on, keeps each launch's profiling event. Kernels guard their ids. */
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "opencl/opencl.h"

size_t oclnn__cl_target_group(oclnn__devclass c) { return oclnn__devclass_is_gpu(c) ? 256 : 64; }

static size_t div_up(size_t a, size_t b) { return (a + b - 1) / b; }

/* One axis: at most `cap` work-items, as few groups as possible, balanced across them, rounded
 * up to `multiple` when the axis is at least that long (and that still fits the cap). */
static size_t axis_local(size_t global, size_t cap, size_t multiple) {
    if (cap <= 1 || global <= 1) return 1;
    size_t groups = div_up(global, cap);
    size_t l = div_up(global, groups);
    if (multiple > 1 && l >= multiple) {
        size_t rounded = div_up(l, multiple) * multiple;
        if (rounded <= cap) l = rounded;
    }
    return l < cap ? l : cap;
}

void oclnn__cl_local_size(const oclnn__cl_launch_limits *lim, cl_uint dims, const size_t *global,
                          size_t *local) {
    size_t budget = lim->target < lim->wg_max ? lim->target : lim->wg_max;
    if (budget == 0) budget = 1;
    for (cl_uint i = 0; i < dims; i++) {
        size_t cap = budget < lim->item_max[i] ? budget : lim->item_max[i];
        local[i] = axis_local(global[i], cap, i == 0 ? lim->wg_multiple : 1);
        budget /= local[i];
    }
}

/* The kernel's cache entry (holds its queried limits). */
static oclnn__cl_kernel_entry *entry_of(oclnn__cl_state *s, cl_kernel k) {
    for (size_t i = 0; i < s->n_programs; i++)
        for (size_t j = 0; j < s->programs[i].n_kernels; j++)
            if (s->programs[i].kernels[j].kernel == k) return &s->programs[i].kernels[j];
    return NULL;
}

static oclnn_status limits_of(oclnn_context *ctx, cl_kernel k, oclnn__cl_launch_limits *lim) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    oclnn__cl_kernel_entry *e = entry_of(s, k);
    size_t wg_max = e ? e->wg_max : 0, multiple = e ? e->wg_multiple : 0;
    if (wg_max == 0) {
        OCLNN__CL_TRY(clGetKernelWorkGroupInfo(k, s->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof wg_max,
                                               &wg_max, NULL),
                      "clGetKernelWorkGroupInfo(CL_KERNEL_WORK_GROUP_SIZE)");
        if (clGetKernelWorkGroupInfo(k, s->device, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
                                     sizeof multiple, &multiple, NULL) != CL_SUCCESS)
            multiple = 1;
        if (wg_max == 0) wg_max = 1;
        if (multiple == 0) multiple = 1;
        if (e) e->wg_max = wg_max, e->wg_multiple = multiple;
    }
    lim->wg_max = wg_max;
    lim->wg_multiple = multiple;
    for (int i = 0; i < 3; i++)
        lim->item_max[i] = ctx->device.max_work_item_sizes[i] ? ctx->device.max_work_item_sizes[i] : 1;
    lim->target = oclnn__cl_target_group(ctx->devclass);
    return OCLNN_OK;
}

static oclnn_status keep_event(oclnn__cl_state *s, cl_event ev) {
    if (s->n_events == s->cap_events) {
        size_t cap = s->cap_events ? s->cap_events * 2 : 64;
        cl_event *p = realloc(s->events, cap * sizeof *p);
        if (!p) {
            clReleaseEvent(ev);
            return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot keep the kernel timing events");
        }
        s->events = p;
        s->cap_events = cap;
    }
    s->events[s->n_events++] = ev;
    return OCLNN_OK;
}

cl_uint oclnn__cl_launch_excess(cl_uint dims, const size_t *global, const size_t *local,
                                cl_uint address_bits, bool gpu, uint64_t *limit, bool *groups) {
    const uint64_t size_max = address_bits >= 64 || address_bits == 0
                                  ? (uint64_t)SIZE_MAX
                                  : ((uint64_t)1 << address_bits) - 1;
    for (cl_uint i = 0; i < dims; i++) {
        uint64_t l = local[i] ? local[i] : 1, n = ((uint64_t)global[i] + l - 1) / l;
        *groups = false;
        *limit = size_max;
        if ((uint64_t)global[i] > size_max || n > size_max / l) return i + 1;
        *groups = true;
        *limit = OCLNN__CL_GPU_GROUPS_12;
        if (gpu && i > 0 && n > OCLNN__CL_GPU_GROUPS_12) return i + 1;
    }
    *groups = false;
    *limit = 0;
    return 0;
}

/* The kernel's name for messages. */
static void kernel_name(cl_kernel k, char *buf, size_t n) {
    if (clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, n, buf, NULL) != CL_SUCCESS) snprintf(buf, n, "?");
    buf[n - 1] = 0;
}

static oclnn_status check_extent(oclnn_context *ctx, cl_kernel k, cl_uint dims, const size_t *global,
                                 const size_t *local) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    if (!s->address_bits &&
        clGetDeviceInfo(s->device, CL_DEVICE_ADDRESS_BITS, sizeof s->address_bits, &s->address_bits,
                        NULL) != CL_SUCCESS)
        s->address_bits = 32; /* the smaller of the two the standard allows */
    uint64_t limit;
    bool groups;
    cl_uint bad = oclnn__cl_launch_excess(dims, global, local, s->address_bits, ctx->device.is_gpu,
                                          &limit, &groups);
    if (!bad) return OCLNN_OK;
    char name[128];
    kernel_name(k, name, sizeof name);
    if (groups)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "kernel %s: launch dimension %u needs %zu work-groups of %zu, more than "
                           "the %llu a GPU allows in dimensions 1 and 2 (the problem is too large "
                           "for this device)",
                           name, bad - 1, (global[bad - 1] + local[bad - 1] - 1) / local[bad - 1],
                           local[bad - 1], (unsigned long long)limit);
    return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                       "kernel %s: launch dimension %u needs %zu work-items, more than the device's "
                       "%u-bit size_t allows (%llu; the problem is too large for this device)",
                       name, bad - 1, global[bad - 1], s->address_bits, (unsigned long long)limit);
}

oclnn_status oclnn__cl_launch(oclnn_context *ctx, cl_kernel k, cl_uint dims, const size_t *global,
                              const size_t *local) {
    size_t g[3], l[3];
    for (cl_uint i = 0; i < dims; i++)
        if (global[i] == 0) return OCLNN_OK; /* nothing to do */
    if (local) {
        for (cl_uint i = 0; i < dims; i++) l[i] = local[i] ? local[i] : 1;
    } else {
        oclnn__cl_launch_limits lim;
        OCLNN__TRY(limits_of(ctx, k, &lim));
        oclnn__cl_local_size(&lim, dims, global, l);
    }
    OCLNN__TRY(check_extent(ctx, k, dims, global, l));
    for (cl_uint i = 0; i < dims; i++) g[i] = div_up(global[i], l[i]) * l[i];
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    cl_event ev = NULL;
    OCLNN__CL_TRY(clEnqueueNDRangeKernel(s->queue, k, dims, NULL, g, l, 0, NULL, s->timing ? &ev : NULL),
                  "clEnqueueNDRangeKernel");
    return ev ? keep_event(s, ev) : OCLNN_OK;
}

cl_event *oclnn__cl_timing_slot(oclnn_context *ctx, cl_event *slot) {
    *slot = NULL;
    return oclnn__cl_state_of(ctx)->timing ? slot : NULL;
}

oclnn_status oclnn__cl_timing_keep(oclnn_context *ctx, cl_event ev) {
    return ev ? keep_event(oclnn__cl_state_of(ctx), ev) : OCLNN_OK;
}

static void drop_events(oclnn__cl_state *s) {
    for (size_t i = 0; i < s->n_events; i++) clReleaseEvent(s->events[i]);
    free(s->events);
    s->events = NULL;
    s->n_events = s->cap_events = 0;
}

void oclnn__cl_timing_begin(oclnn_context *ctx) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    drop_events(s);
    s->timing = true;
}

oclnn_status oclnn__cl_timing_end(oclnn_context *ctx, double *ms) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    s->timing = false;
    *ms = 0;
    cl_int err = clFinish(s->queue);
    for (size_t i = 0; i < s->n_events && err == CL_SUCCESS; i++) {
        cl_ulong t0 = 0, t1 = 0;
        err = clGetEventProfilingInfo(s->events[i], CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL);
        if (err == CL_SUCCESS)
            err = clGetEventProfilingInfo(s->events[i], CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL);
        if (err == CL_SUCCESS && t1 > t0) *ms += (double)(t1 - t0) / 1e6;
    }
    drop_events(s);
    if (err != CL_SUCCESS) return oclnn__cl_fail(err, "kernel timing (clGetEventProfilingInfo)");
    return OCLNN_OK;
}
