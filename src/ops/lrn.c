/* SPDX-License-Identifier: MIT */
/* Local response normalization across channels: checks, then the backend. */
#include "backend/backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/layers.h"

oclnn_lrn_desc oclnn_lrn_desc_default(void) {
    oclnn_lrn_desc d = OCLNN_LRN_DESC_INIT;
    return d;
}

oclnn_status oclnn_lrn_create(oclnn_context *ctx, const oclnn_lrn_desc *desc, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    OCLNN__TRY(oclnn__check_shape(desc->shape, "desc->shape"));
    if (!desc->size) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->size is 0");
    if (!(desc->k > 0.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->k (%g) must be > 0", (double)desc->k);
    if (!(desc->beta >= 0.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->beta (%g) must be >= 0",
                           (double)desc->beta);
    if (!(desc->alpha >= 0.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->alpha (%g) must be >= 0",
                           (double)desc->alpha);
    return oclnn__op_new_state(ctx, OCLNN__OP_LRN, desc, sizeof *desc, "lrn", out);
}

oclnn_status oclnn_lrn_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_LRN, "op"));
    const oclnn_lrn_desc *d = op->impl;
    OCLNN__TRY(oclnn__check_run_tensor(op, src, "src", d->shape));
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", d->shape));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    oclnn_context *ctx = op->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->layers->lrn(d, src, dst);
    mtx_unlock(&ctx->lock);
    return st;
}
