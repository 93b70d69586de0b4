/* SPDX-License-Identifier: MIT */
/* Common operator lifetime and queries. */
#include "core/op.h"

#include <stdatomic.h>
#include <string.h>

#include "core/alloc.h"
#include "core/handle.h"
#include "core/status.h"

oclnn_status oclnn__op_new(oclnn_context *ctx, oclnn__op_kind kind, oclnn_op **out) {
    oclnn_op *op = oclnn__calloc(ctx->allocator, 1, sizeof *op);
    if (!op) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator");
    if (!oclnn__handle_add(op)) {
        oclnn__free(ctx->allocator, op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot register the operator");
    }
    op->magic = OCLNN__MAGIC_OP;
    op->ctx = ctx;
    op->kind = kind;
    op->algo = "";
    oclnn__context_retain(ctx);
    *out = op;
    return OCLNN_OK;
}

static atomic_size_t weight_copies;

void oclnn__op_count_weight_copy(void) { atomic_fetch_add(&weight_copies, 1); }

size_t oclnn__op_weight_copies(void) { return atomic_load(&weight_copies); }

void oclnn__op_free_state(oclnn_op *op) {
    oclnn__free(op->ctx->allocator, op->impl);
    op->impl = NULL;
}

oclnn_status oclnn__op_new_state(oclnn_context *ctx, oclnn__op_kind kind, const void *state,
                                 size_t size, const char *algo, oclnn_op **out) {
    oclnn_op *op = NULL;
    OCLNN__TRY(oclnn__op_new(ctx, kind, &op));
    op->impl = oclnn__alloc(ctx->allocator, size);
    if (!op->impl) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    memcpy(op->impl, state, size);
    op->impl_destroy = oclnn__op_free_state;
    op->algo = algo;
    *out = op;
    return OCLNN_OK;
}

void oclnn__op_free(oclnn_op *op) {
    if (!op) return;
    oclnn_context *ctx = op->ctx;
    if (op->impl_destroy) {
        mtx_lock(&ctx->lock);
        op->impl_destroy(op);
        mtx_unlock(&ctx->lock);
    }
    oclnn__handle_remove(op);
    op->magic = OCLNN__MAGIC_DEAD;
    oclnn__free(ctx->allocator, op);
    oclnn__context_release(ctx);
}

/* A registered handle that is an operator (registration first: a freed one is never read). */
static bool live(const oclnn_op *op) {
    return op && oclnn__handle_live(op) && op->magic == OCLNN__MAGIC_OP;
}

oclnn_status oclnn__op_check(const oclnn_op *op, oclnn__op_kind kind, const char *arg_name) {
    if (!op) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", arg_name);
    if (!live(op))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is not a live operator", arg_name);
    if (op->kind != kind)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is an operator of another kind", arg_name);
    if (op->ctx->magic != OCLNN__MAGIC_CONTEXT || !op->ctx->alive)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s belongs to a destroyed context", arg_name);
    return OCLNN_OK;
}

void oclnn_op_destroy(oclnn_op *op) {
    /* No OCLNN__ENTER: a destroy cannot fail, so it leaves the last error message alone. */
    if (!live(op)) return;
    oclnn__op_free(op);
}

const char *oclnn_op_algorithm(const oclnn_op *op) {
    OCLNN__ENTER();
    if (!live(op)) {
        oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "op is not a live operator");
        return "";
    }
    return op->algo;
}

size_t oclnn_op_workspace_size(const oclnn_op *op) {
    OCLNN__ENTER();
    if (!live(op)) {
        oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "op is not a live operator");
        return 0;
    }
    return op->workspace_bytes;
}
