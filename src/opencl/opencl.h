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
    oclnn__cl_program_entry *programs;
    size_t n_programs, cap_programs;
} oclnn__cl_state;

static inline oclnn__cl_state *oclnn__cl_state_of(const oclnn_context *ctx) {
    return (oclnn__cl_state *)ctx->impl;
}
static inline cl_mem oclnn__cl_mem(const oclnn_tensor *t) { return (cl_mem)t->storage->mem; }

/* Device enumeration (device.c). */
size_t oclnn__cl_enumerate(oclnn_device_info *out, size_t cap);
bool oclnn__cl_find(uint32_t platform_index, uint32_t device_index, cl_platform_id *platform,
                    cl_device_id *device);
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

/* Enqueues `k` over `global` (rounded up to a multiple of `local` when local is given). */
oclnn_status oclnn__cl_launch(oclnn_context *ctx, cl_kernel k, cl_uint dims, const size_t *global,
                              const size_t *local);

/* Launch shape for walking `shape` in the order of `stride` (largest first): dims are the sizes
 * in that order, order the permutation of (n, c, h, w), global = (inner, middle, outer fused).
 * Kernels that take (dims, order) launch over `global` (cl/tensor/copy.cl shows the decoding). */
void oclnn__cl_walk(oclnn_shape shape, const size_t stride[4], cl_uint4 *dims, cl_uint4 *order,
                    size_t global[3]);

/* Strides and shape as the uint4 arguments kernels take (n, c, h, w order). */
cl_uint4 oclnn__cl_strides(const oclnn_tensor *t);
cl_uint4 oclnn__cl_shape(oclnn_shape s);

#endif
