/* SPDX-License-Identifier: MIT */
/* Interop tensors (include/oclnn_cl.h): tensors over the caller's cl_mem, the cl_mem of a tensor,
 * non-blocking transfers ordered by events, and host-visible tensors with map/unmap. Transfers
 * that need a layout change stage through the context's scratch buffer; the queue is in-order,
 * so a later op reusing the scratch runs after the transfer. */
#include "backend/backend.h"
#include "core/alloc.h"
#include "opencl/interop.h"

static oclnn_status check_layout(oclnn_layout l, const char *name) {
    if (l == OCLNN_LAYOUT_AUTO || l == OCLNN_LAYOUT_NCHW || l == OCLNN_LAYOUT_NHWC) return OCLNN_OK;
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s (%d) is not a valid layout", name, (int)l);
}

/* Dense strides in its own layout, at any offset: one contiguous byte range. */
static bool contiguous(const oclnn_tensor *t) {
    size_t s[4];
    oclnn__dense_strides(t->shape, t->shape.c, t->layout, s);
    return s[0] == t->stride[0] && s[1] == t->stride[1] && s[2] == t->stride[2] &&
           s[3] == t->stride[3];
}

static size_t tensor_bytes(const oclnn_tensor *t) {
    size_t bytes = 0;
    oclnn__shape_bytes(t->shape, NULL, &bytes);
    return bytes;
}

oclnn_status oclnn_cl_tensor_wrap(oclnn_context *ctx, cl_mem mem, size_t offset_bytes,
                                  oclnn_shape shape, oclnn_layout layout, oclnn_tensor **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    OCLNN__TRY(oclnn__interop_need_opencl(ctx, "oclnn_cl_tensor_wrap"));
    if (!mem) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "mem is NULL");
    OCLNN__TRY(check_layout(layout, "layout"));
    OCLNN__TRY(oclnn__check_shape(shape, "shape"));
    if (offset_bytes % sizeof(float))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "offset_bytes (%zu) is not a multiple of sizeof(float)", offset_bytes);
    size_t elems, bytes;
    oclnn__shape_bytes(shape, &elems, &bytes);
    size_t size = 0;
    cl_context owner = NULL;
    OCLNN__CL_TRY(clGetMemObjectInfo(mem, CL_MEM_SIZE, sizeof size, &size, NULL),
                  "clGetMemObjectInfo(mem, CL_MEM_SIZE)");
    OCLNN__CL_TRY(clGetMemObjectInfo(mem, CL_MEM_CONTEXT, sizeof owner, &owner, NULL),
                  "clGetMemObjectInfo(mem, CL_MEM_CONTEXT)");
    if (owner != oclnn__cl_state_of(ctx)->context)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "mem belongs to another cl_context");
    if (offset_bytes > size || bytes > size - offset_bytes)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "mem holds %zu bytes, fewer than offset_bytes (%zu) + the shape's %zu",
                           size, offset_bytes, bytes);
    if (offset_bytes / sizeof(float) + elems > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "offset_bytes + the shape reach past 2^32 floats, which kernels index");
    OCLNN__CL_TRY(clRetainMemObject(mem), "clRetainMemObject(mem)");
    oclnn_status st = oclnn__tensor_over(ctx, shape, layout, mem, offset_bytes + bytes,
                                         offset_bytes / sizeof(float), out);
    if (st != OCLNN_OK) clReleaseMemObject(mem);
    return st;
}

oclnn_status oclnn_cl_tensor_mem(const oclnn_tensor *t, cl_mem *mem, size_t *offset_bytes) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__tensor_check(t, "t"));
    OCLNN__TRY(oclnn__interop_need_opencl(t->ctx, "oclnn_cl_tensor_mem"));
    if (mem) *mem = oclnn__cl_mem(t);
    if (offset_bytes) *offset_bytes = t->offset * sizeof(float);
    return OCLNN_OK;
}

static oclnn_status write_async(oclnn_tensor *dst, const float *src, oclnn_layout layout) {
    oclnn_context *ctx = dst->ctx;
    cl_command_queue q = oclnn__cl_state_of(ctx)->queue;
    size_t bytes = tensor_bytes(dst);
    if (contiguous(dst) && layout == dst->layout) {
        OCLNN__CL_TRY(clEnqueueWriteBuffer(q, oclnn__cl_mem(dst), CL_FALSE,
                                           dst->offset * sizeof(float), bytes, src, 0, NULL, NULL),
                      "clEnqueueWriteBuffer");
        return OCLNN_OK;
    }
    oclnn__storage *scratch;
    OCLNN__TRY(oclnn__context_scratch(ctx, bytes, &scratch));
    oclnn_tensor tmp = {.magic = OCLNN__MAGIC_TENSOR, .ctx = ctx, .shape = dst->shape,
                        .layout = layout, .storage = scratch};
    oclnn__dense_strides(dst->shape, dst->shape.c, layout, tmp.stride);
    OCLNN__CL_TRY(clEnqueueWriteBuffer(q, (cl_mem)scratch->mem, CL_FALSE, 0, bytes, src, 0, NULL,
                                       NULL),
                  "clEnqueueWriteBuffer");
    return ctx->be->tensor_copy(&tmp, dst);
}

static oclnn_status read_async(const oclnn_tensor *src, float *dst, oclnn_layout layout) {
    oclnn_context *ctx = src->ctx;
    cl_command_queue q = oclnn__cl_state_of(ctx)->queue;
    size_t bytes = tensor_bytes(src);
    if (contiguous(src) && layout == src->layout) {
        OCLNN__CL_TRY(clEnqueueReadBuffer(q, oclnn__cl_mem(src), CL_FALSE,
                                          src->offset * sizeof(float), bytes, dst, 0, NULL, NULL),
                      "clEnqueueReadBuffer");
        return OCLNN_OK;
    }
    oclnn__storage *scratch;
    OCLNN__TRY(oclnn__context_scratch(ctx, bytes, &scratch));
    oclnn_tensor tmp = {.magic = OCLNN__MAGIC_TENSOR, .ctx = ctx, .shape = src->shape,
                        .layout = layout, .storage = scratch};
    oclnn__dense_strides(src->shape, src->shape.c, layout, tmp.stride);
    OCLNN__TRY(ctx->be->tensor_copy(src, &tmp));
    OCLNN__CL_TRY(clEnqueueReadBuffer(q, (cl_mem)scratch->mem, CL_FALSE, 0, bytes, dst, 0, NULL,
                                      NULL),
                  "clEnqueueReadBuffer");
    return OCLNN_OK;
}

oclnn_status oclnn_cl_tensor_write(oclnn_tensor *dst, const float *src, oclnn_layout src_layout,
                                   cl_uint n_wait, const cl_event *wait_list, cl_event *event) {
    OCLNN__ENTER();
    if (event) *event = NULL;
    OCLNN__TRY(oclnn__tensor_check(dst, "dst"));
    if (!src) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "src is NULL");
    OCLNN__TRY(check_layout(src_layout, "src_layout"));
    oclnn_layout layout = src_layout == OCLNN_LAYOUT_AUTO ? dst->layout : src_layout;
    oclnn_context *ctx = dst->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = oclnn__interop_wait(ctx, n_wait, wait_list);
    if (st == OCLNN_OK)
        st = ctx->be->kind == OCLNN_BACKEND_OPENCL ? write_async(dst, src, layout)
                                                   : ctx->be->tensor_write(dst, src, layout);
    if (st == OCLNN_OK) st = oclnn__interop_marker(ctx, event);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_cl_tensor_read(const oclnn_tensor *src, float *dst, oclnn_layout dst_layout,
                                  cl_uint n_wait, const cl_event *wait_list, cl_event *event) {
    OCLNN__ENTER();
    if (event) *event = NULL;
    OCLNN__TRY(oclnn__tensor_check(src, "src"));
    if (!dst) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "dst is NULL");
    OCLNN__TRY(check_layout(dst_layout, "dst_layout"));
    oclnn_layout layout = dst_layout == OCLNN_LAYOUT_AUTO ? src->layout : dst_layout;
    oclnn_context *ctx = src->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = oclnn__interop_wait(ctx, n_wait, wait_list);
    if (st == OCLNN_OK)
        st = ctx->be->kind == OCLNN_BACKEND_OPENCL ? read_async(src, dst, layout)
                                                   : ctx->be->tensor_read(src, dst, layout);
    if (st == OCLNN_OK) st = oclnn__interop_marker(ctx, event);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_cl_tensor_create_host_visible(oclnn_context *ctx, oclnn_shape shape,
                                                 oclnn_layout layout, oclnn_tensor **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (ctx->be->kind != OCLNN_BACKEND_OPENCL) return oclnn_tensor_create(ctx, shape, layout, out);
    OCLNN__TRY(check_layout(layout, "layout"));
    OCLNN__TRY(oclnn__check_shape(shape, "shape"));
    size_t elems, bytes;
    oclnn__shape_bytes(shape, &elems, &bytes);
    if (elems > UINT32_MAX || (ctx->device.max_alloc_bytes && bytes > ctx->device.max_alloc_bytes))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "shape needs %zu bytes, more than the device allocates or kernels index",
                           bytes);
    cl_int err;
    cl_mem mem = clCreateBuffer(oclnn__cl_state_of(ctx)->context,
                                CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, bytes, NULL, &err);
    if (err != CL_SUCCESS) return oclnn__cl_fail(err, "clCreateBuffer(CL_MEM_ALLOC_HOST_PTR)");
    oclnn_status st = oclnn__tensor_over(ctx, shape, layout, mem, bytes, 0, out);
    if (st != OCLNN_OK) clReleaseMemObject(mem);
    return st;
}

oclnn_status oclnn_cl_tensor_map(oclnn_tensor *t, unsigned flags, float **ptr) {
    OCLNN__ENTER();
    if (ptr) *ptr = NULL;
    OCLNN__TRY(oclnn__tensor_check(t, "t"));
    if (!ptr) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "ptr is NULL");
    if (!flags || (flags & ~(OCLNN_MAP_READ | OCLNN_MAP_WRITE)))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "flags (0x%x) is not OCLNN_MAP_READ and/or OCLNN_MAP_WRITE", flags);
    if (t->is_view || !contiguous(t))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "t is a view: map its parent");
    oclnn_context *ctx = t->ctx;
    if (ctx->be->kind != OCLNN_BACKEND_OPENCL) {
        *ptr = (float *)t->storage->mem + t->offset;
        return OCLNN_OK;
    }
    cl_map_flags mf = ((flags & OCLNN_MAP_READ) ? CL_MAP_READ : 0) |
                      ((flags & OCLNN_MAP_WRITE) ? CL_MAP_WRITE : 0);
    cl_int err;
    mtx_lock(&ctx->lock);
    void *p = clEnqueueMapBuffer(oclnn__cl_state_of(ctx)->queue, oclnn__cl_mem(t), CL_TRUE, mf,
                                 t->offset * sizeof(float), tensor_bytes(t), 0, NULL, NULL, &err);
    mtx_unlock(&ctx->lock);
    if (err != CL_SUCCESS) return oclnn__cl_fail(err, "clEnqueueMapBuffer");
    *ptr = p;
    return OCLNN_OK;
}

oclnn_status oclnn_cl_tensor_unmap(oclnn_tensor *t, float *ptr) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__tensor_check(t, "t"));
    if (!ptr) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "ptr is NULL");
    oclnn_context *ctx = t->ctx;
    if (ctx->be->kind != OCLNN_BACKEND_OPENCL) {
        if (ptr != (float *)t->storage->mem + t->offset)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "ptr is not t's mapping");
        return OCLNN_OK;
    }
    mtx_lock(&ctx->lock);
    cl_command_queue q = oclnn__cl_state_of(ctx)->queue;
    cl_int err = clEnqueueUnmapMemObject(q, oclnn__cl_mem(t), ptr, 0, NULL, NULL);
    if (err == CL_SUCCESS) clFlush(q);
    mtx_unlock(&ctx->lock);
    if (err != CL_SUCCESS) return oclnn__cl_fail(err, "clEnqueueUnmapMemObject");
    return OCLNN_OK;
}
