/* SPDX-License-Identifier: MIT */
/* Concat on OpenCL: when src and the slice each hold a sample's (c, h, w) values back to back (NCHW
 * and its channel slices), each sample is one clEnqueueCopyBuffer, which the driver does at copy
 * bandwidth. When both hold each pixel's channels back to back with pixels evenly spaced (NHWC
 * and its slices), one 2-D copy kernel (cl/tensor/concat.cl) moves all pixels. Anything else goes
 * through the backend's strided copy kernel. */
#include "backend/backend.h"
#include "opencl/layers.h"

/* True when t's c, h, w elements of one sample are contiguous in (c, h, w) order. */
static bool sample_contiguous(const oclnn_tensor *t) {
    const oclnn_shape s = t->shape;
    return (s.w == 1 || t->stride[OCLNN__W] == 1) && (s.h == 1 || t->stride[OCLNN__H] == s.w) &&
           (s.c == 1 || t->stride[OCLNN__C] == (size_t)s.h * s.w);
}

#define CONCAT_CL "tensor/concat.cl"

/* True when t's pixels (n, h, w) are evenly spaced, `*step` apart, each with its channels back to
 * back. */
static bool pixel_rows(const oclnn_tensor *t, size_t *step) {
    const oclnn_shape s = t->shape;
    const size_t sw = t->stride[OCLNN__W];
    if (s.c > 1 && t->stride[OCLNN__C] != 1) return false;
    if (s.h > 1 && t->stride[OCLNN__H] != s.w * sw) return false;
    if (s.n > 1 && t->stride[OCLNN__N] != (size_t)s.h * s.w * sw) return false;
    *step = sw;
    return true;
}

static oclnn_status copy2d(const oclnn_tensor *src, size_t src_row, oclnn_tensor *dst,
                           size_t dst_row) {
    oclnn_context *ctx = dst->ctx;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, CONCAT_CL, NULL, "oclnn_concat_copy2d", &k));
    const oclnn_shape s = src->shape;
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst);
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset;
    cl_uint srow = (cl_uint)src_row, drow = (cl_uint)dst_row, len = s.c;
    cl_uint rows = (cl_uint)((size_t)s.n * s.h * s.w);
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(srow), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(drow), OCLNN__ARG(len), OCLNN__ARG(rows)));
    size_t global[2] = {len, rows};
    return oclnn__cl_launch(ctx, k, 2, global, NULL);
}

oclnn_status oclnn__cl_concat_copy(const oclnn_tensor *src, oclnn_tensor *slice) {
    oclnn_context *ctx = slice->ctx;
    size_t src_row, dst_row;
    if (!sample_contiguous(src) || !sample_contiguous(slice)) {
        if (pixel_rows(src, &src_row) && pixel_rows(slice, &dst_row))
            return copy2d(src, src_row, slice, dst_row);
        return ctx->be->tensor_copy(src, slice);
    }
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
