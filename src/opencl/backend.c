/* SPDX-License-Identifier: MIT */
/* The OpenCL backend: context and queue, buffers, host transfers with layout conversion, strided
 * copies and fills, warm-up, and the table of op families. */
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/upsample.h"
#include "backend/detect.h"
#include "backend/nd.h"
#include "core/alloc.h"
#include "core/fault.h"
#include "core/log.h"
#include "backend/layers.h"
#include "opencl/clblast.h"
#include "opencl/opencl.h"
#include "opencl/transpose_gpu.h"
#include "backend/conv2d.h"
#include "opencl/registry.h"

#define COPY_CL "tensor/copy.cl"

static size_t cl_enumerate(oclnn_device_info *out, size_t cap) { return oclnn__cl_enumerate(out, cap); }

static void cl_context_fini(oclnn_context *ctx) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    if (!s) return;
    if (s->queue && !s->borrowed) clFinish(s->queue);
    oclnn__cl_programs_release(s);
    oclnn__cl_nms_release(s);
    oclnn__cl_rpn_release(s);
    if (s->queue) clReleaseCommandQueue(s->queue);
    if (s->context) {
        oclnn__clblast_release_programs(); /* CLBlast's cache holds programs of this context */
        clReleaseContext(s->context);
    }
    if (s->borrowed && s->device) clReleaseDevice(s->device);
    oclnn__free(ctx->allocator, s);
    ctx->impl = NULL;
}

static oclnn_status cl_context_init(oclnn_context *ctx) {
    if (!oclnn__cl_load()) return oclnn__fail(OCLNN_ERROR_NO_DEVICE, "no OpenCL library is available");
    oclnn__cl_state *s = oclnn__calloc(ctx->allocator, 1, sizeof *s);
    if (!s) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the OpenCL state");
    ctx->impl = s;
    if (!oclnn__cl_find(ctx->device.platform_index, ctx->device.device_index, &s->platform,
                        &s->device)) {
        cl_context_fini(ctx);
        return oclnn__fail(OCLNN_ERROR_NO_DEVICE, "OpenCL device %u:%u is gone",
                           ctx->device.platform_index, ctx->device.device_index);
    }
    cl_int err;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)s->platform, 0};
    s->context = clCreateContext(props, 1, &s->device, NULL, NULL, &err);
    if (err == CL_SUCCESS)
        s->queue = clCreateCommandQueue(s->context, s->device, CL_QUEUE_PROFILING_ENABLE, &err);
    if (err != CL_SUCCESS) {
        oclnn_status st = oclnn__cl_fail(err, s->context ? "clCreateCommandQueue" : "clCreateContext");
        cl_context_fini(ctx);
        return st;
    }
    return OCLNN_OK;
}

static oclnn_status cl_finish(oclnn_context *ctx) {
    OCLNN__CL_TRY(clFinish(oclnn__cl_state_of(ctx)->queue), "clFinish");
    return OCLNN_OK;
}

static oclnn_status cl_storage_alloc(oclnn_context *ctx, oclnn__storage *s) {
    if (s->bytes / sizeof(float) > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "%zu bytes is more than the OpenCL kernels index (2^32 floats)", s->bytes);
    cl_int err;
    cl_mem m = oclnn__fault_hit(OCLNN__FAULT_DEVICE_ALLOC)
                   ? (err = CL_MEM_OBJECT_ALLOCATION_FAILURE, NULL)
                   : clCreateBuffer(oclnn__cl_state_of(ctx)->context, CL_MEM_READ_WRITE, s->bytes,
                                    NULL, &err);
    if (err != CL_SUCCESS) {
        oclnn_status st = oclnn__cl_fail(err, "clCreateBuffer");
        oclnn__append_error(" (%zu bytes)", s->bytes);
        return st;
    }
    s->mem = m;
    return OCLNN_OK;
}

static void cl_storage_free(oclnn_context *ctx, oclnn__storage *s) {
    (void)ctx;
    if (s->mem) clReleaseMemObject((cl_mem)s->mem);
    s->mem = NULL;
}

static oclnn_status copy_kernel(oclnn_context *ctx, cl_mem src, size_t src_off, const size_t ss[4],
                                cl_mem dst, size_t dst_off, const size_t ds[4], oclnn_shape shape) {
    if (oclnn__cl_gpu_class(ctx)) { /* transposes through a local-memory tile */
        bool done;
        OCLNN__TRY(oclnn__cl_transpose_gpu(ctx, src, src_off, ss, dst, dst_off, ds, shape, &done));
        if (done) return OCLNN_OK;
    }
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, COPY_CL, NULL, "oclnn_tensor_copy", &k));
    cl_uint4 s_stride, d_stride, dims, order;
    for (int i = 0; i < 4; i++) {
        s_stride.s[i] = (cl_uint)ss[i];
        d_stride.s[i] = (cl_uint)ds[i];
    }
    size_t global[3];
    oclnn__cl_walk(shape, ds, &dims, &order, global);
    cl_uint so = (cl_uint)src_off, doff = (cl_uint)dst_off;
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(src), OCLNN__ARG(so), OCLNN__ARG(s_stride), OCLNN__ARG(dst),
                              OCLNN__ARG(doff), OCLNN__ARG(d_stride), OCLNN__ARG(dims),
                              OCLNN__ARG(order)));
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

static oclnn_status cl_tensor_write(oclnn_tensor *dst, const float *src, oclnn_layout layout) {
    oclnn_context *ctx = dst->ctx;
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    size_t bytes;
    oclnn__shape_bytes(dst->shape, NULL, &bytes);
    if (oclnn__tensor_is_dense(dst) && layout == dst->layout) {
        OCLNN__CL_TRY(clEnqueueWriteBuffer(s->queue, oclnn__cl_mem(dst), CL_TRUE, 0, bytes, src, 0,
                                           NULL, NULL),
                      "clEnqueueWriteBuffer");
        return OCLNN_OK;
    }
    oclnn__storage *stage;
    OCLNN__TRY(oclnn__context_scratch(ctx, bytes, &stage));
    OCLNN__CL_TRY(clEnqueueWriteBuffer(s->queue, (cl_mem)stage->mem, CL_TRUE, 0, bytes, src, 0, NULL,
                                       NULL),
                  "clEnqueueWriteBuffer");
    size_t ss[4];
    oclnn__dense_strides(dst->shape, dst->shape.c, layout, ss);
    return copy_kernel(ctx, (cl_mem)stage->mem, 0, ss, oclnn__cl_mem(dst), dst->offset, dst->stride,
                       dst->shape);
}

static oclnn_status cl_tensor_read(const oclnn_tensor *src, float *dst, oclnn_layout layout) {
    oclnn_context *ctx = src->ctx;
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    size_t bytes;
    oclnn__shape_bytes(src->shape, NULL, &bytes);
    cl_mem from = oclnn__cl_mem(src);
    if (!oclnn__tensor_is_dense(src) || layout != src->layout) {
        oclnn__storage *stage;
        OCLNN__TRY(oclnn__context_scratch(ctx, bytes, &stage));
        size_t ds[4];
        oclnn__dense_strides(src->shape, src->shape.c, layout, ds);
        OCLNN__TRY(copy_kernel(ctx, from, src->offset, src->stride, (cl_mem)stage->mem, 0, ds,
                               src->shape));
        from = (cl_mem)stage->mem;
    }
    OCLNN__CL_TRY(clEnqueueReadBuffer(s->queue, from, CL_TRUE, 0, bytes, dst, 0, NULL, NULL),
                  "clEnqueueReadBuffer");
    return OCLNN_OK;
}

static oclnn_status cl_tensor_copy(const oclnn_tensor *src, oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    if (oclnn__tensor_is_dense(src) && oclnn__tensor_is_dense(dst) && src->layout == dst->layout) {
        OCLNN__CL_TRY(clEnqueueCopyBuffer(oclnn__cl_state_of(ctx)->queue, oclnn__cl_mem(src),
                                          oclnn__cl_mem(dst), 0, 0, src->storage->bytes, 0, NULL, NULL),
                      "clEnqueueCopyBuffer");
        return OCLNN_OK;
    }
    return copy_kernel(ctx, oclnn__cl_mem(src), src->offset, src->stride, oclnn__cl_mem(dst),
                       dst->offset, dst->stride, src->shape);
}

static oclnn_status cl_tensor_fill(oclnn_tensor *t, float value) {
    oclnn_context *ctx = t->ctx;
    if (oclnn__tensor_is_dense(t)) {
        OCLNN__CL_TRY(clEnqueueFillBuffer(oclnn__cl_state_of(ctx)->queue, oclnn__cl_mem(t), &value,
                                          sizeof value, 0, t->storage->bytes, 0, NULL, NULL),
                      "clEnqueueFillBuffer");
        return OCLNN_OK;
    }
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, COPY_CL, NULL, "oclnn_tensor_fill", &k));
    cl_uint4 stride = oclnn__cl_strides(t), dims, order;
    size_t global[3];
    oclnn__cl_walk(t->shape, t->stride, &dims, &order, global);
    cl_uint off = (cl_uint)t->offset;
    cl_mem m = oclnn__cl_mem(t);
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(m), OCLNN__ARG(off), OCLNN__ARG(stride), OCLNN__ARG(dims),
                              OCLNN__ARG(order), OCLNN__ARG(value)));
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

/* Compiles every kernel file (not headers) with its default defines. */
static oclnn_status cl_warm_up(oclnn_context *ctx) {
    for (size_t i = 0; i < oclnn__cl_source_count; i++) {
        const char *path = oclnn__cl_sources[i].path;
        size_t n = strlen(path);
        if (n < 3 || strcmp(path + n - 3, ".cl") != 0) continue;
        cl_program prog;
        OCLNN__TRY(oclnn__cl_program(ctx, path, "", &prog));
    }
    return OCLNN_OK;
}

const oclnn__backend oclnn__backend_opencl = {
    .name = "opencl",
    .kind = OCLNN_BACKEND_OPENCL,
    .enumerate = cl_enumerate,
    .context_init = cl_context_init,
    .context_fini = cl_context_fini,
    .finish = cl_finish,
    .timing_begin = oclnn__cl_timing_begin,
    .timing_end = oclnn__cl_timing_end,
    .warm_up = cl_warm_up,
    .storage_alloc = cl_storage_alloc,
    .storage_free = cl_storage_free,
    .tensor_write = cl_tensor_write,
    .tensor_read = cl_tensor_read,
    .tensor_copy = cl_tensor_copy,
    .tensor_fill = cl_tensor_fill,
    .layers = &oclnn__layers_opencl,
    .detect = &oclnn__detect_opencl,
    .upsample = &oclnn__upsample_opencl, /* issue 18 */
    .nd = &oclnn__nd_opencl,
    .conv2d = &oclnn__conv2d_opencl,
};
