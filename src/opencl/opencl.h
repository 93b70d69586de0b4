/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's shared state and helpers: per-context device objects, the program and
 * kernel cache, argument setting and launches. */
#ifndef OCLNN_OPENCL_OPENCL_H
#define OCLNN_OPENCL_OPENCL_H

#include "core/context.h"
#include "core/status.h"
#include "core/tensor.h"
#include "opencl/clapi.h"

typedef struct oclnn__cl_kernel_entry {
    char *name;
    cl_kernel kernel;
    size_t wg_max;      /* CL_KERNEL_WORK_GROUP_SIZE (0 until first launched) */
    size_t wg_multiple; /* CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE */
} oclnn__cl_kernel_entry;

typedef struct oclnn__cl_program_entry {
    char *key; /* path, '\n', options */
    cl_program program;
    oclnn__cl_kernel_entry *kernels;
    size_t n_kernels;
} oclnn__cl_program_entry;

typedef struct oclnn__cl_state {
    cl_platform_id platform;
    cl_device_id device;
    cl_context context;
    cl_command_queue queue;
    bool borrowed; /* context, device and queue are the caller's (oclnn_cl_context_create): the
                      queue is never finished at destroy, the device was retained */
    oclnn__cl_program_entry *programs;
    size_t n_programs, cap_programs;
    /* Kernel timing (launch.c): while `timing`, every launch keeps its profiling event. */
    bool timing;
    cl_event *events;
    size_t n_events, cap_events;
    cl_uint address_bits; /* CL_DEVICE_ADDRESS_BITS (launch.c), 0 until first asked */
    /* NMS's device buffers (nms.c; oclnn_nms has no op, so the context keeps them): boxes,
     * classes and the mask block, grown when a call needs more, released with the context. */
    cl_mem nms_buf[3];
    size_t nms_cap[3];
    /* Proposal generation's device buffers (rpn.c), kept likewise. */
    cl_mem rpn_buf[17];
    size_t rpn_cap[17];
} oclnn__cl_state;

/* Releases NMS's kept buffers (nms.c; the context's teardown). */
void oclnn__cl_nms_release(oclnn__cl_state *s);
/* Releases the proposals' kept buffers (rpn.c; the context's teardown). */
void oclnn__cl_rpn_release(oclnn__cl_state *s);

static inline oclnn__cl_state *oclnn__cl_state_of(const oclnn_context *ctx) {
    return (oclnn__cl_state *)ctx->impl;
}
static inline cl_mem oclnn__cl_mem(const oclnn_tensor *t) { return (cl_mem)t->storage->mem; }

/* Device enumeration (device.c). */
size_t oclnn__cl_enumerate(oclnn_device_info *out, size_t cap);
bool oclnn__cl_find(uint32_t platform_index, uint32_t device_index, cl_platform_id *platform,
                    cl_device_id *device);
/* The "P:D" indices of `device` in ICD order; false (indices UINT32_MAX) for a device the walk
 * does not list (a sub-device). */
bool oclnn__cl_locate(cl_device_id device, uint32_t *platform_index, uint32_t *device_index);
void oclnn__cl_describe(cl_platform_id p, cl_device_id d, oclnn_device_info *info);

/* Turns an OpenCL error into a status and message: "<what> failed: CL_NAME (code)".
 * Allocation failures map to OCLNN_ERROR_DEVICE_OUT_OF_MEMORY. */
oclnn_status oclnn__cl_fail(cl_int err, const char *what);
#define OCLNN__CL_TRY(call, what)                                                                 \
    do {                                                                                          \
        cl_int oclnn__err_ = (call);                                                              \
        if (oclnn__err_ != CL_SUCCESS) return oclnn__cl_fail(oclnn__err_, what);                  \
    } while (0)

/* Build options: defines appended in the order the caller gives them; callers keep a fixed order
 * so that equal configurations give equal cache keys. */
typedef struct oclnn__cl_options {
    char text[1024];
    size_t len;
    bool overflow;
} oclnn__cl_options;
void oclnn__cl_define_int(oclnn__cl_options *o, const char *name, long value);
void oclnn__cl_define_str(oclnn__cl_options *o, const char *name, const char *value);

/* The kernel `name` from program `path` (a file under cl/) built with `options`, compiled on
 * first use, from the disk cache when valid, and cached in the context. */
oclnn_status oclnn__cl_kernel(oclnn_context *ctx, const char *path, const oclnn__cl_options *options,
                              const char *name, cl_kernel *out);
oclnn_status oclnn__cl_program(oclnn_context *ctx, const char *path, const char *options,
                               cl_program *out);
void oclnn__cl_programs_release(oclnn__cl_state *s);


/* Kernel arguments: oclnn__cl_args(k, 3, OCLNN__ARG(buf), OCLNN__ARG(n), ...). */
typedef struct oclnn__cl_arg {
    size_t size;
    const void *value;
} oclnn__cl_arg;
#define OCLNN__ARG(x) ((oclnn__cl_arg){sizeof(x), &(x)})
#define OCLNN__ARG_LOCAL(bytes) ((oclnn__cl_arg){(bytes), NULL})
oclnn_status oclnn__cl_set_args(cl_kernel k, size_t count, const oclnn__cl_arg *args);
#define oclnn__cl_args(k, ...)                                                                    \
    oclnn__cl_set_args((k), sizeof((oclnn__cl_arg[]){__VA_ARGS__}) / sizeof(oclnn__cl_arg),       \
                       (oclnn__cl_arg[]){__VA_ARGS__})

/* The launch layer (launch.c). Enqueues `k` over `global` with an explicit work-group size:
 * `local` when given (kernels that need a fixed shape: reductions, the GEMM engine's tiles), else
 * one chosen for (kernel, device) by oclnn__cl_local_size. Each global size is rounded up to a
 * multiple of the local size, so every kernel guards its ids against the real extents. The long,
 * unit-stride axis goes in dimension 0 (callers' contract; neighbouring work-items then touch
 * neighbouring addresses). */
oclnn_status oclnn__cl_launch(oclnn_context *ctx, cl_kernel k, cl_uint dims, const size_t *global,
                              const size_t *local);

/* What the local-size rule needs to know of a kernel on a device. */
typedef struct oclnn__cl_launch_limits {
    size_t wg_max;           /* CL_KERNEL_WORK_GROUP_SIZE */
    size_t wg_multiple;      /* CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE (1 if unknown) */
    size_t item_max[3];      /* CL_DEVICE_MAX_WORK_ITEM_SIZES */
    size_t target;           /* the device class's work-group size (oclnn__cl_target_group) */
} oclnn__cl_launch_limits;

/* The local size for `global` (pure, table-tested in tests/test_launch.c): dimension 0 first, up
 * to the target, in as few groups as possible and balanced so that rounding wastes less than one
 * group's worth; a multiple of wg_multiple when the axis is at least that long; the other
 * dimensions share what is left of the target. Never exceeds wg_max or item_max. */
void oclnn__cl_local_size(const oclnn__cl_launch_limits *lim, cl_uint dims, const size_t *global,
                          size_t *local);

/* Launch extents (issue 12): a global size must fit the device's size_t (2^address_bits - 1
 * work-items per dimension, rounded up to the local size), and on GPU-type devices dimensions 1
 * and 2 take at most OCLNN__CL_GPU_GROUPS_12 work-groups each (CUDA's grid limit, which NVIDIA's
 * OpenCL inherits; dimension 0 allows 2^31 - 1). Returns 0 when `global` rounded up to `local`
 * fits, else 1 + the first dimension that does not, with that dimension's limit in *limit (in
 * work-items for the size_t bound, in work-groups for the GPU bound) and *groups set when the
 * bound is the GPU's. Pure, table-tested in tests/test_launch.c. */
#define OCLNN__CL_GPU_GROUPS_12 65535u
cl_uint oclnn__cl_launch_excess(cl_uint dims, const size_t *global, const size_t *local,
                                cl_uint address_bits, bool gpu, uint64_t *limit, bool *groups);

/* The work-group size a device class aims for: 256 on GPUs (8 warps of 32, 4 wavefronts of 64;
 * CLBlast's and MIOpen's common choice), 64 on CPUs (PoCL runs a group as one vectorized loop;
 * bigger groups only add rounding waste on small extents). */
size_t oclnn__cl_target_group(oclnn__devclass c);

/* Kernel timing from profiling events (the queue has profiling enabled): begin starts keeping the
 * events of every launch; end waits for the queue and returns the sum of their (END - START)
 * times in milliseconds, then stops. Tuning and benchmarks time kernels with this, not with the
 * wall clock, which would add host overhead and queue latency. */
void oclnn__cl_timing_begin(oclnn_context *ctx);
/* For work enqueued outside oclnn__cl_launch (CLBlast): the event pointer to pass (slot, cleared,
 * while timing; else NULL), and keeping what it received (no-op for NULL). */
cl_event *oclnn__cl_timing_slot(oclnn_context *ctx, cl_event *slot);
oclnn_status oclnn__cl_timing_keep(oclnn_context *ctx, cl_event ev);
oclnn_status oclnn__cl_timing_end(oclnn_context *ctx, double *ms);

/* Launch shape for walking `shape` in the order of `stride` (largest first): dims are the sizes
 * in that order, order the permutation of (n, c, h, w), global = (inner, middle, outer fused).
 * Kernels that take (dims, order) launch over `global` (cl/tensor/copy.cl shows the decoding). */
void oclnn__cl_walk(oclnn_shape shape, const size_t stride[4], cl_uint4 *dims, cl_uint4 *order,
                    size_t global[3]);

/* Strides and shape as the uint4 arguments kernels take (n, c, h, w order). */
cl_uint4 oclnn__cl_strides(const oclnn_tensor *t);
cl_uint4 oclnn__cl_shape(oclnn_shape s);

#endif
