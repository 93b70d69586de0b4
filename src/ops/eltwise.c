/* SPDX-License-Identifier: MIT */
/* Element-wise operators: add (residual), add + ReLU, per-channel scale and shift, ReLU, ReLU6,
 * sigmoid, tanh, hard sigmoid, hard swish, leaky ReLU, ELU, and the two-operand add, product,
 * difference and quotient (same shape, or one operand per channel broadcast over h and w). The
 * per-channel arrays live in backend tensors owned by the operator. */
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
    return op == OCLNN_ELTWISE_ADD || op == OCLNN_ELTWISE_ADD_RELU || op == OCLNN_ELTWISE_MUL ||
           op == OCLNN_ELTWISE_SUB || op == OCLNN_ELTWISE_DIV; /* issue 16: SUB, DIV */
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
    if ((unsigned)desc->op > OCLNN_ELTWISE_DIV)
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

/* A broadcast operand (issue 16: of ADD, ADD_RELU, MUL, SUB, DIV; before it, MUL's b only):
 * t of (n, c, 1, 1) where the op's shape is not, read through zero h and w strides into *view
 * (backends take any strides). Returns whether t is one; a wrong shape is left to the callers'
 * full check. */
static bool broadcast(const eltwise_impl *e, const oclnn_tensor *t, oclnn_tensor *view) {
    oclnn_shape s = e->desc.shape;
    if (!is_binary(e->desc.op) || (s.h == 1 && s.w == 1) || oclnn__tensor_check(t, "t") != OCLNN_OK ||
        t->shape.h != 1 || t->shape.w != 1)
        return false;
    *view = *t;
    view->shape = s;
    view->stride[OCLNN__H] = view->stride[OCLNN__W] = 0;
    view->is_view = true;
    return true;
}

/* Checks a binary op's operand `t` (name `what`): the op's shape, or (n, c, 1, 1) to broadcast,
 * which then must not overlap dst at all; *use is the tensor the backend reads. */
static oclnn_status check_operand(oclnn_op *op, const oclnn_tensor *t, const char *what, oclnn_tensor *view,
                                  const oclnn_tensor *dst, const oclnn_tensor **use) {
    const eltwise_impl *e = op->impl;
    oclnn_shape s = e->desc.shape, gs = {s.n, s.c, 1, 1};
    *use = t;
    if (!broadcast(e, t, view)) return oclnn__check_run_tensor(op, t, what, s);
    OCLNN__TRY(oclnn__check_run_tensor(op, t, what, gs));
    OCLNN__TRY(oclnn__check_alias(t, what, dst, "dst", false));
    *use = view;
    return OCLNN_OK;
}

oclnn_status oclnn_eltwise_run(oclnn_op *op, const oclnn_tensor *a, const oclnn_tensor *b,
                               oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_ELTWISE, "op"));
    eltwise_impl *e = op->impl;
    oclnn_shape s = e->desc.shape;
    oclnn_tensor va, vb;
    const oclnn_tensor *ua = a, *ub = b;
    if (is_binary(e->desc.op)) {
        if (!b) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "b is NULL but the op reads a and b");
        OCLNN__TRY(check_operand(op, a, "a", &va, dst, &ua));
        OCLNN__TRY(check_operand(op, b, "b", &vb, dst, &ub));
        if (ua != a && ub != b)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "a and b are both (n, c, 1, 1) but the op's shape is "
                               "%ux%u: at most one operand is broadcast", s.h, s.w);
    } else {
        OCLNN__TRY(oclnn__check_run_tensor(op, a, "a", s));
        if (b) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "b must be NULL for a one-operand op");
    }
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", s));
    if (ua == a) OCLNN__TRY(oclnn__check_alias(a, "a", dst, "dst", true));
    if (b && ub == b) OCLNN__TRY(oclnn__check_alias(b, "b", dst, "dst", true));
    oclnn_context *ctx = op->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->layers->eltwise(e->desc.op, ua, ub, e->has_scale ? &e->scale.t : NULL,
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
