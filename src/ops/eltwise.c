/* SPDX-License-Identifier: MIT */
/* Element-wise operators: add (residual), add + ReLU, per-channel scale and shift, ReLU, ReLU6,
 * sigmoid, tanh, hard sigmoid, hard swish, and a product (same shape, or a per-channel gate). The per-channel arrays live in backend tensors owned by the operator. */
#include <stdlib.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/reshape.h"
#include "ops/layers.h"

typedef struct eltwise_impl {
    oclnn_eltwise_desc desc;
    oclnn__param scale, shift;
    bool has_scale, has_shift;
} eltwise_impl;

oclnn_eltwise_desc oclnn_eltwise_desc_default(void) {
    oclnn_eltwise_desc d = OCLNN_ELTWISE_DESC_INIT;
    return d;
}

static bool is_binary(oclnn_eltwise_op op) {
    return op == OCLNN_ELTWISE_ADD || op == OCLNN_ELTWISE_ADD_RELU || op == OCLNN_ELTWISE_MUL;
}

static void eltwise_destroy(oclnn_op *op) {
    eltwise_impl *e = op->impl;
    oclnn__param_fini(op->ctx, &e->scale);
    oclnn__param_fini(op->ctx, &e->shift);
    oclnn__free(op->ctx->allocator, e);
    op->impl = NULL;
}

oclnn_status oclnn_eltwise_create(oclnn_context *ctx, const oclnn_eltwise_desc *desc,
                                  const float *scale, const float *shift, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    OCLNN__TRY(oclnn__check_shape(desc->shape, "desc->shape"));
    oclnn_shape s = desc->shape;
    if ((unsigned)desc->op > OCLNN_ELTWISE_ELU)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->op (%d) is not an oclnn_eltwise_op",
                           (int)desc->op);
    const bool slopes = desc->op == OCLNN_ELTWISE_LEAKY_RELU || desc->op == OCLNN_ELTWISE_ELU; /* issue 16 */
    if ((desc->op == OCLNN_ELTWISE_SCALE || slopes) && !scale)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "scale is NULL but desc->op (%d) reads it", (int)desc->op);
    if (slopes && shift)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "shift is for OCLNN_ELTWISE_SCALE only (desc->op is %d)",
                           (int)desc->op);
    if (desc->op != OCLNN_ELTWISE_SCALE && !slopes && (scale || shift))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "scale and shift are for OCLNN_ELTWISE_SCALE only (desc->op is %d)",
                           (int)desc->op);
    oclnn_op *op;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_ELTWISE, &op));
    eltwise_impl *e = oclnn__calloc(ctx->allocator, 1, sizeof *e);
    if (!e) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    e->desc = *desc;
    op->impl = e;
    op->impl_destroy = eltwise_destroy;
    op->algo = "eltwise";
    oclnn_shape ps = {1, s.c, 1, 1};
    oclnn_status st = OCLNN_OK;
    mtx_lock(&ctx->lock);
    if (scale) {
        st = oclnn__param_init(ctx, &e->scale, ps, scale);
        e->has_scale = st == OCLNN_OK;
    }
    if (st == OCLNN_OK && scale) {
        /* the kernels always read a shift: zeros when the caller gave none */
        const float *t = shift;
        float *zeros = NULL;
        if (!t) t = zeros = oclnn__calloc(ctx->allocator, s.c, sizeof *zeros);
        st = t ? oclnn__param_init(ctx, &e->shift, ps, t)
               : oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %u floats", s.c);
        e->has_shift = st == OCLNN_OK;
        oclnn__free(ctx->allocator, zeros);
    }
    mtx_unlock(&ctx->lock);
    if (st != OCLNN_OK) {
        oclnn__op_free(op);
        return st;
    }
    *out = op;
    return OCLNN_OK;
}

oclnn_status oclnn_eltwise_run(oclnn_op *op, const oclnn_tensor *a, const oclnn_tensor *b,
                               oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_ELTWISE, "op"));
    eltwise_impl *e = op->impl;
    oclnn_shape s = e->desc.shape;
    OCLNN__TRY(oclnn__check_run_tensor(op, a, "a", s));
    /* MUL's gate: b of (n, c, 1, 1) read through zero h and w strides (backends take any strides) */
    oclnn_tensor gate;
    oclnn_shape gs = {s.n, s.c, 1, 1};
    if (is_binary(e->desc.op)) {
        if (!b) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "b is NULL but the op reads a and b");
        if (e->desc.op == OCLNN_ELTWISE_MUL && (s.h != 1 || s.w != 1) &&
            oclnn__tensor_check(b, "b") == OCLNN_OK && b->shape.h == 1 && b->shape.w == 1) {
            OCLNN__TRY(oclnn__check_run_tensor(op, b, "b", gs));
            gate = *b;
            gate.shape = s;
            gate.stride[OCLNN__H] = gate.stride[OCLNN__W] = 0;
            gate.is_view = true;
            OCLNN__TRY(oclnn__check_alias(b, "b", dst, "dst", false));
            b = &gate;
        } else {
            OCLNN__TRY(oclnn__check_run_tensor(op, b, "b", s));
        }
    } else if (b) {
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "b must be NULL for a one-operand op");
    }
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", s));
    OCLNN__TRY(oclnn__check_alias(a, "a", dst, "dst", true));
    if (b && b != &gate) OCLNN__TRY(oclnn__check_alias(b, "b", dst, "dst", true));
    oclnn_context *ctx = op->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->layers->eltwise(e->desc.op, a, b, e->has_scale ? &e->scale.t : NULL,
                                               e->has_shift ? &e->shift.t : NULL, dst);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn__eltwise_reshape(oclnn_op *op, oclnn_shape shape, bool apply) {
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_ELTWISE, "op"));
    eltwise_impl *e = op->impl;
    if (shape.c != e->desc.shape.c)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the element-wise op has %u channels, not %u",
                           e->desc.shape.c, shape.c);
    if (apply) e->desc.shape = shape;
    return OCLNN_OK;
}
