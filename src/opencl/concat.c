/* SPDX-License-Identifier: MIT */
/* Concat on OpenCL: when src and the slice each hold a sample's (c, h, w) values back to back (NCHW
 * and its channel slices), each sample is one clEnqueueCopyBuffer, which the driver does at copy
 * bandwidth; other layouts go through the backend's strided copy kernel. */
#include "backend.h"
#include "opencl/layers.h"

/* True when t's c, h, w elements of one sample are contiguous in (c, h, w) order. */
static bool sample_contiguous(const oclnn_tensor *t) {
    const oclnn_shape s = t->shape;
    return (s.w == 1 || t->stride[OCLNN__W] == 1) && (s.h == 1 || t->stride[OCLNN__H] == s.w) &&
           (s.c == 1 || t->stride[OCLNN__C] == (size_t)s.h * s.w);
}

oclnn_status oclnn__cl_concat_copy(const oclnn_tensor *src, oclnn_tensor *slice) {
    oclnn_context *ctx = slice->ctx;
    if (!sample_contiguous(src) || !sample_contiguous(slice)) return ctx->be->tensor_copy(src, slice);
    const oclnn_shape s = src->shape;
    const size_t bytes = (size_t)s.c * s.h * s.w * sizeof(float);
    cl_command_queue q = oclnn__cl_state_of(ctx)->queue;
    for (size_t n = 0; n < s.n; n++) {
        size_t from = (src->offset + n * src->stride[OCLNN__N]) * sizeof(float);
        size_t to = (slice->offset + n * slice->stride[OCLNN__N]) * sizeof(float);
        OCLNN__CL_TRY(clEnqueueCopyBuffer(q, oclnn__cl_mem(src), oclnn__cl_mem(slice), from, to, bytes,
                                          0, NULL, NULL),
                      "clEnqueueCopyBuffer");
    }
    return OCLNN_OK;
}
