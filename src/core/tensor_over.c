/* SPDX-License-Identifier: MIT */
/* Tensors over memory the backend did not allocate for them: the interop's wrapped cl_mem and
 * host-visible buffers. The storage takes over one reference to `mem`, which the backend's
 * storage_free drops when the last tensor on it goes. */
#include "core/tensor.h"

#include "core/alloc.h"
#include "core/status.h"

oclnn_status oclnn__tensor_over(oclnn_context *ctx, oclnn_shape shape, oclnn_layout layout,
                                void *mem, size_t storage_bytes, size_t offset,
                                oclnn_tensor **out) {
    oclnn_tensor *t = oclnn__calloc(ctx->allocator, 1, sizeof *t);
    oclnn__storage *s = oclnn__calloc(ctx->allocator, 1, sizeof *s);
    if (!t || !s) {
        oclnn__free(ctx->allocator, t);
        oclnn__free(ctx->allocator, s);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the tensor object");
    }
    s->refs = 1;
    s->bytes = storage_bytes;
    s->mem = mem;
    t->magic = OCLNN__MAGIC_TENSOR;
    t->ctx = ctx;
    t->shape = shape;
    t->layout = layout == OCLNN_LAYOUT_AUTO ? ctx->layout : layout;
    t->offset = offset;
    oclnn__dense_strides(shape, shape.c, t->layout, t->stride);
    t->storage = s;
    oclnn__context_retain(ctx);
    *out = t;
    return OCLNN_OK;
}
