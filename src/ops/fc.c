/* SPDX-License-Identifier: MIT */
/* Fully connected: weights and bias copied into operator-owned tensors at create, where the
 * backend also picks its algorithm (its own kernel, or CLBlast on OpenCL GPUs). A src whose
 * samples are already contiguous in (c, h, w) order (dense NCHW, or any 1x1 plane with unit
 * channel stride) goes to the backend as is; any other (NHWC with a plane, views) is first
 * flattened into the context scratch with the strided copy. */
#include <string.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/reshape.h"
#include "ops/layers.h"

typedef struct fc_impl {
    oclnn_fc_desc desc;
    oclnn__param w, b;
    bool library; /* the backend runs a library GEMM (op->algo "clblast") */
} fc_impl;

oclnn_fc_desc oclnn_fc_desc_default(void) {
    oclnn_fc_desc d = OCLNN_FC_DESC_INIT;
    return d;
}

static void fc_destroy(oclnn_op *op) {
    fc_impl *f = op->impl;
    oclnn__param_fini(op->ctx, &f->w);
    oclnn__param_fini(op->ctx, &f->b);
    oclnn__free(op->ctx->allocator, f);
    op->impl = NULL;
}

oclnn_status oclnn_fc_create(oclnn_context *ctx, const oclnn_fc_desc *desc, const float *weights,
                             const float *bias, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_shape s = desc->input;
    if (!s.n || !s.c || !s.h || !s.w || !desc->out_features)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->input (%u,%u,%u,%u) or out_features (%u) is zero", s.n, s.c, s.h,
                           s.w, desc->out_features);
    if (!weights) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "weights is NULL");
    if (desc->has_bias != (bias != NULL))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "bias is %s but desc->has_bias is %s",
                           bias ? "given" : "NULL", desc->has_bias ? "true" : "false");
    uint64_t k = (uint64_t)s.c * s.h * s.w;
    if (k > UINT32_MAX || k * desc->out_features > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "a %u x %llu weight matrix is over 2^32 floats", desc->out_features,
                           (unsigned long long)k);
    oclnn_op *op;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_FC, &op));
    fc_impl *f = oclnn__calloc(ctx->allocator, 1, sizeof *f);
    if (!f) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    f->desc = *desc;
    op->impl = f;
    op->impl_destroy = fc_destroy;
    const oclnn__layers_backend *be = ctx->be->layers;
    op->algo = be->fc_algorithm ? be->fc_algorithm(ctx) : "gemm";
    f->library = strcmp(op->algo, "gemm") != 0;
    mtx_lock(&ctx->lock);
    oclnn_status st = oclnn__param_init(ctx, &f->w, (oclnn_shape){desc->out_features, (uint32_t)k, 1, 1},
                                        weights);
    if (st == OCLNN_OK && bias)
        st = oclnn__param_init(ctx, &f->b, (oclnn_shape){1, desc->out_features, 1, 1}, bias);
    mtx_unlock(&ctx->lock);
    if (st != OCLNN_OK) {
        oclnn__op_free(op);
        return st;
    }
    *out = op;
    return OCLNN_OK;
}

/* True when each sample of t is contiguous in (c, h, w) order and samples are K apart. */
static bool flat_rows(const oclnn_tensor *t) {
    const uint32_t d[4] = {t->shape.n, t->shape.c, t->shape.h, t->shape.w};
    size_t want = 1;
    for (int i = 3; i >= 0; i--) {
        if (d[i] > 1 && t->stride[i] != want) return false;
        want *= d[i];
    }
    return true;
}

oclnn_status oclnn_fc_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_FC, "op"));
    fc_impl *f = op->impl;
    const oclnn_shape is = f->desc.input;
    OCLNN__TRY(oclnn__check_run_tensor(op, src, "src", is));
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", (oclnn_shape){is.n, f->desc.out_features, 1, 1}));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    oclnn_context *ctx = op->ctx;
    const uint32_t K = is.c * is.h * is.w;
    oclnn_tensor x = *src;
    oclnn_status st = OCLNN_OK;
    mtx_lock(&ctx->lock);
    if (!flat_rows(src)) {
        oclnn__storage *scratch;
        size_t bytes;
        oclnn__shape_bytes(is, NULL, &bytes);
        st = oclnn__context_scratch(ctx, bytes, &scratch);
        if (st == OCLNN_OK) {
            x.storage = scratch;
            x.offset = 0;
            x.layout = OCLNN_LAYOUT_NCHW;
            x.is_view = false;
            oclnn__dense_strides(is, is.c, OCLNN_LAYOUT_NCHW, x.stride);
            st = ctx->be->tensor_copy(src, &x);
        }
    }
    if (st == OCLNN_OK) {
        x.shape = (oclnn_shape){is.n, K, 1, 1};
        x.layout = OCLNN_LAYOUT_NCHW;
        x.stride[OCLNN__N] = K;
        x.stride[OCLNN__C] = x.stride[OCLNN__H] = x.stride[OCLNN__W] = 1;
        st = ctx->be->layers->fc(&x, &f->w.t, f->desc.has_bias ? &f->b.t : NULL, dst, f->library);
    }
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn__fc_reshape(oclnn_op *op, oclnn_shape input, bool apply) {
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_FC, "op"));
    fc_impl *f = op->impl;
    oclnn_shape is = f->desc.input;
    if (input.c != is.c || input.h != is.h || input.w != is.w)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "a fully-connected layer's weights take %u x %u x %u inputs, not %u x %u x %u "
                           "(only the batch can change)", is.c, is.h, is.w, input.c, input.h, input.w);
    if (apply) f->desc.input.n = input.n;
    return OCLNN_OK;
}
