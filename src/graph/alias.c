/* SPDX-License-Identifier: MIT */
/* Aliases over a planned buffer (see alias.h): like a channel view, the alias shares its base's
 * reference-counted storage, but it has its own shape and dense strides. */
#include "graph/alias.h"

#include "core/alloc.h"
#include "core/handle.h"
#include "core/status.h"
#include "core/tensor.h"

oclnn_status oclnn__tensor_alias(oclnn_tensor *base, oclnn_shape shape, oclnn_layout layout,
                                 oclnn_tensor **out) {
    *out = NULL;
    size_t bytes;
    if (!oclnn__shape_bytes(shape, NULL, &bytes) || bytes > base->storage->bytes)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "an alias of n%uc%uh%uw%u does not fit its buffer of %zu bytes",
                           shape.n, shape.c, shape.h, shape.w, base->storage->bytes);
    oclnn_context *ctx = base->ctx;
    oclnn_tensor *t = oclnn__calloc(ctx->allocator, 1, sizeof *t);
    if (!t) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate a tensor object");
    *t = *base;
    t->shape = shape;
    t->layout = layout;
    t->offset = 0;
    t->is_view = false;
    oclnn__dense_strides(shape, shape.c, layout, t->stride);
    if (!oclnn__handle_add(t)) {
        oclnn__free(ctx->allocator, t);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot register a tensor object");
    }
    mtx_lock(&ctx->lock);
    t->storage->refs++;
    ctx->refs++;
    mtx_unlock(&ctx->lock);
    *out = t;
    return OCLNN_OK;
}
