/* SPDX-License-Identifier: MIT */
/* Softmax over channels: checks, then the backend (no parameters to keep). */
#include "backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/layers.h"

oclnn_softmax_desc oclnn_softmax_desc_default(void) {
    oclnn_softmax_desc d = OCLNN_SOFTMAX_DESC_INIT;
    return d;
}

static void shape_destroy(oclnn_op *op) {
    oclnn__free(op->ctx->allocator, op->impl);
    op->impl = NULL;
}

oclnn_status oclnn_softmax_create(oclnn_context *ctx, const oclnn_softmax_desc *desc,
                                  oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_shape s = desc->shape;
    if (!s.n || !s.c || !s.h || !s.w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->shape (%u,%u,%u,%u) has a zero dimension",
                           s.n, s.c, s.h, s.w);
    oclnn_op *op;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_SOFTMAX, &op));
    oclnn_softmax_desc *d = oclnn__calloc(ctx->allocator, 1, sizeof *d);
    if (!d) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    *d = *desc;
    op->impl = d;
    op->impl_destroy = shape_destroy;
    op->algo = "softmax";
    *out = op;
    return OCLNN_OK;
}

oclnn_status oclnn_softmax_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_SOFTMAX, "op"));
    const oclnn_softmax_desc *d = op->impl;
    OCLNN__TRY(oclnn__check_run_tensor(op, src, "src", d->shape));
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", d->shape));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", true));
    oclnn_context *ctx = op->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->layers->softmax(src, dst);
    mtx_unlock(&ctx->lock);
    return st;
}
