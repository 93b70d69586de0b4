/* SPDX-License-Identifier: MIT */
/* Helpers shared by the layers family's public functions: operator-owned parameter tensors,
 * channel slices as values, and the run-time tensor and aliasing checks. */
#include "ops/layers.h"

#include <string.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/op.h"
#include "core/status.h"

oclnn_status oclnn__param_init(oclnn_context *ctx, oclnn__param *p, oclnn_shape shape,
                               const float *host) {
    memset(p, 0, sizeof *p);
    size_t bytes;
    if (!oclnn__shape_bytes(shape, NULL, &bytes))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "a parameter of %u x %u floats is too large",
                           shape.n, shape.c);
    p->s.refs = 1;
    p->s.bytes = bytes;
    OCLNN__TRY(oclnn__storage_alloc(ctx, &p->s, "an operator parameter"));
    p->t.magic = OCLNN__MAGIC_TENSOR;
    p->t.ctx = ctx;
    p->t.shape = shape;
    p->t.layout = OCLNN_LAYOUT_NCHW;
    oclnn__dense_strides(shape, shape.c, OCLNN_LAYOUT_NCHW, p->t.stride);
    p->t.storage = &p->s;
    if (host) {
        oclnn__op_count_weight_copy();
        oclnn_status st = ctx->be->tensor_write(&p->t, host, OCLNN_LAYOUT_NCHW);
        if (st != OCLNN_OK) {
            oclnn__param_fini(ctx, p);
            return st;
        }
    }
    return OCLNN_OK;
}

void oclnn__param_fini(oclnn_context *ctx, oclnn__param *p) {
    if (p->s.mem) ctx->be->storage_free(ctx, &p->s);
    memset(p, 0, sizeof *p);
}

oclnn_tensor oclnn__channel_slice(const oclnn_tensor *t, uint32_t c0, uint32_t c) {
    oclnn_tensor v = *t;
    v.shape.c = c;
    v.offset = t->offset + (size_t)c0 * t->stride[OCLNN__C];
    v.is_view = true;
    return v;
}

oclnn_status oclnn__check_run_tensor(const oclnn_op *op, const oclnn_tensor *t, const char *name,
                                     oclnn_shape shape) {
    OCLNN__TRY(oclnn__tensor_check(t, name));
    if (t->ctx != op->ctx)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s belongs to another context than op",
                           name);
    if (!oclnn__shape_eq(t->shape, shape)) {
        char got[64], want[64];
        oclnn__shape_str(t->shape, got, sizeof got);
        oclnn__shape_str(shape, want, sizeof want);
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s shape %s differs from the expected %s",
                           name, got, want);
    }
    return OCLNN_OK;
}
