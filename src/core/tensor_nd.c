/* SPDX-License-Identifier: MIT */
/* 5-D tensors (issue 19): stored as the 4-D tensor (n, c, d * h, w) of the same layout, with the
 * depth kept beside the shape so that 3-D ops can check and unfold it. */
#include "core/handle.h"
#include "core/status.h"
#include "core/tensor.h"

bool oclnn__shape3d_fold(oclnn_shape3d s, oclnn_shape *out) {
    uint64_t dh = (uint64_t)s.d * s.h;
    if (dh > UINT32_MAX) return false;
    *out = (oclnn_shape){s.n, s.c, (uint32_t)dh, s.w};
    return true;
}

oclnn_shape3d oclnn__tensor_shape3d(const oclnn_tensor *t) {
    uint32_t d = t->depth ? t->depth : 1;
    return (oclnn_shape3d){t->shape.n, t->shape.c, d, t->shape.h / d, t->shape.w};
}

oclnn_status oclnn_tensor_create3d(oclnn_context *ctx, oclnn_shape3d shape, oclnn_layout layout,
                                   oclnn_tensor **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    if (!shape.n || !shape.c || !shape.d || !shape.h || !shape.w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "shape (%u,%u,%u,%u,%u) has a zero dimension", shape.n, shape.c, shape.d,
                           shape.h, shape.w);
    oclnn_shape s4;
    if (!oclnn__shape3d_fold(shape, &s4))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "shape (%u,%u,%u,%u,%u) is too large: d * h overflows 32 bits", shape.n,
                           shape.c, shape.d, shape.h, shape.w);
    OCLNN__TRY(oclnn_tensor_create(ctx, s4, layout, out));
    (*out)->depth = shape.d;
    return OCLNN_OK;
}

oclnn_shape3d oclnn_tensor_shape3d(const oclnn_tensor *t) {
    OCLNN__ENTER();
    oclnn_shape3d zero = {0, 0, 0, 0, 0};
    return oclnn__tensor_check(t, "t") == OCLNN_OK ? oclnn__tensor_shape3d(t) : zero;
}
