/* SPDX-License-Identifier: MIT */
/* Softmax over channels: checks, then the backend (no parameters to keep). */
#include "backend/backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/layers.h"

oclnn_softmax_desc oclnn_softmax_desc_default(void) {
    oclnn_softmax_desc d = OCLNN_SOFTMAX_DESC_INIT;
    return d;
}

oclnn_status oclnn_softmax_create(oclnn_context *ctx, const oclnn_softmax_desc *desc,
                                  oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    OCLNN__TRY(oclnn__check_shape(desc->shape, "desc->shape"));
    return oclnn__op_new_state(ctx, OCLNN__OP_SOFTMAX, desc, sizeof *desc, "softmax", out);
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
