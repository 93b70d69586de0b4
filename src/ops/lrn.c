/* SPDX-License-Identifier: MIT */
/* Local response normalization across channels: checks, then the backend. */
#include "backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/layers.h"

oclnn_lrn_desc oclnn_lrn_desc_default(void) {
    oclnn_lrn_desc d = OCLNN_LRN_DESC_INIT;
    return d;
}

static void lrn_destroy(oclnn_op *op) {
    oclnn__free(op->ctx->allocator, op->impl);
    op->impl = NULL;
}

oclnn_status oclnn_lrn_create(oclnn_context *ctx, const oclnn_lrn_desc *desc, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_shape s = desc->shape;
    if (!s.n || !s.c || !s.h || !s.w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->shape (%u,%u,%u,%u) has a zero dimension",
                           s.n, s.c, s.h, s.w);
    if (!desc->size) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->size is 0");
    if (!(desc->k > 0.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->k (%g) must be > 0", (double)desc->k);
    if (!(desc->beta >= 0.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->beta (%g) must be >= 0",
                           (double)desc->beta);
    if (!(desc->alpha >= 0.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->alpha (%g) must be >= 0",
                           (double)desc->alpha);
    oclnn_op *op;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_LRN, &op));
    oclnn_lrn_desc *d = oclnn__calloc(ctx->allocator, 1, sizeof *d);
    if (!d) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    *d = *desc;
    op->impl = d;
    op->impl_destroy = lrn_destroy;
    op->algo = "lrn";
    *out = op;
    return OCLNN_OK;
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
