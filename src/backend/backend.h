/* SPDX-License-Identifier: MIT */
/* The dispatch table a backend fills. The public functions in src/core and src/ops validate the
 * user's arguments, then call through ctx->be; backends never re-validate user input and never
 * include each other's headers. Each op family adds one pointer to its own table of entry points
 * (declared in src/ops/<family>.h); NULL means the backend lacks the family. */
#ifndef OCLNN_BACKEND_BACKEND_H
#define OCLNN_BACKEND_BACKEND_H

#include "core/context.h"
#include "core/tensor.h"

typedef struct oclnn__backend {
    const char *name; /* "opencl", "cpu" */
    oclnn_backend_kind kind;

    /* Lists the devices this backend offers; returns how many exist, fills at most cap. */
    size_t (*enumerate)(oclnn_device_info *out, size_t cap);

    /* Sets ctx->impl for the device in ctx->device; frees it in fini. */
    oclnn_status (*context_init)(oclnn_context *ctx);
    void (*context_fini)(oclnn_context *ctx);
    oclnn_status (*finish)(oclnn_context *ctx);
    /* Kernel timing from device events (NULL: the backend has none; callers use the wall clock):
     * begin starts recording launches, end waits and returns their summed time in ms. */
    void (*timing_begin)(oclnn_context *ctx);
    oclnn_status (*timing_end)(oclnn_context *ctx, double *ms);
    oclnn_status (*warm_up)(oclnn_context *ctx);

    /* Storage: s->bytes is set by the caller; alloc fills s->mem. */
    oclnn_status (*storage_alloc)(oclnn_context *ctx, oclnn__storage *s);
    void (*storage_free)(oclnn_context *ctx, oclnn__storage *s);

    /* Whole-tensor transfers; the tensor may be a strided view, host data is dense in `layout`. */
    oclnn_status (*tensor_write)(oclnn_tensor *dst, const float *src, oclnn_layout layout);
    oclnn_status (*tensor_read)(const oclnn_tensor *src, float *dst, oclnn_layout layout);
    oclnn_status (*tensor_copy)(const oclnn_tensor *src, oclnn_tensor *dst);
    oclnn_status (*tensor_fill)(oclnn_tensor *t, float value);

    /* Op families, one table each (declared in src/ops/<family>.h). */
    const struct oclnn__conv2d_family *conv2d;  /* convolution */
    const struct oclnn__layers_backend *layers; /* BN, pooling, element-wise, concat, FC, softmax, LRN */
    const struct oclnn__detect_family *detect;  /* RoI ops and NMS */
    /* issue 18 */
    const struct oclnn__upsample_family *upsample; /* transposed convolution, resize */
    /* issue 19: 3-D convolution and pooling (src/backend/nd.h) */
    const struct oclnn__nd_family *nd;
} oclnn__backend;

extern const oclnn__backend oclnn__backend_opencl;
extern const oclnn__backend oclnn__backend_cpu;

/* The OpenCL backend's context starter for oclnn_cl_context_create (an oclnn__context_starter):
 * arg is void *[3] = {cl_context, cl_device_id, cl_command_queue}, the caller's, retained. */
oclnn_status oclnn__opencl_start_borrowed(oclnn_context *ctx, const oclnn_context_options *opt,
                                          const char *devclass, void *arg);

#endif
