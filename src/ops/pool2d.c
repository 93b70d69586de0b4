/* SPDX-License-Identifier: MIT */
/* 2-D pooling: the descriptor checks and PyTorch's output-size rule; global kinds become a
 * window over the whole plane before the backend sees them. */
#include "backend/backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/layers.h"

typedef struct pool_impl {
    oclnn_pool2d_desc desc; /* resolved: strides set, global kinds as MAX/AVG windows */
    oclnn_shape out;
    bool is_max;
} pool_impl;

/* Largest plane whose flat indices are exact in float (argmax). */
#define ARGMAX_PLANE_LIMIT (1u << 24)

oclnn_pool2d_desc oclnn_pool2d_desc_default(void) {
    oclnn_pool2d_desc d = OCLNN_POOL2D_DESC_INIT;
    return d;
}

/* PyTorch's pooling_output_shape with dilation 1, padding `pad` before and `pad_end` after. */
static uint32_t out_size(uint32_t in, uint32_t k, uint32_t pad, uint32_t pad_end, uint32_t stride, bool ceil_mode) {
    int64_t span = (int64_t)in + pad + pad_end - k;
    if (span < 0) return 0;
    int64_t o = (span + (ceil_mode ? stride - 1 : 0)) / stride + 1;
    if (ceil_mode && (o - 1) * stride >= (int64_t)in + pad) o--;
    return (uint32_t)o;
}

static oclnn_status resolve(const oclnn_pool2d_desc *in, oclnn_pool2d_desc *d, oclnn_shape *out) {
    if (!in) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    *d = *in;
    OCLNN__TRY(oclnn__check_shape(d->input, "desc->input"));
    oclnn_shape s = d->input;
    if ((unsigned)d->kind > OCLNN_POOL_GLOBAL_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->kind (%d) is not an oclnn_pool_kind",
                           (int)d->kind);
    if (d->kind == OCLNN_POOL_GLOBAL_AVG || d->kind == OCLNN_POOL_GLOBAL_MAX) {
        d->kind = d->kind == OCLNN_POOL_GLOBAL_MAX ? OCLNN_POOL_MAX : OCLNN_POOL_AVG;
        d->kernel_h = d->stride_h = s.h;
        d->kernel_w = d->stride_w = s.w;
        d->pad_h = d->pad_w = 0;
        d->pad_asymmetric = false;
        d->ceil_mode = false;
        d->count_include_pad = true;
    }
    if (!d->kernel_h || !d->kernel_w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "window %ux%u has a zero size",
                           d->kernel_h, d->kernel_w);
    if (!d->stride_h) d->stride_h = d->kernel_h;
    if (!d->stride_w) d->stride_w = d->kernel_w;
    /* resolved: the backends read the bottom/right padding from pad_bottom/pad_right (issue 16) */
    bool asym = d->pad_asymmetric;
    if (!asym) d->pad_bottom = d->pad_h, d->pad_right = d->pad_w;
    d->pad_asymmetric = true;
    if (d->pad_h > d->kernel_h / 2 || d->pad_w > d->kernel_w / 2 || d->pad_bottom > d->kernel_h / 2 ||
        d->pad_right > d->kernel_w / 2)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "padding %u,%u%s must be at most half the window %ux%u",
                           d->pad_h, d->pad_w, asym ? " or bottom/right padding" : "", d->kernel_h, d->kernel_w);
    uint32_t oh = out_size(s.h, d->kernel_h, d->pad_h, d->pad_bottom, d->stride_h, d->ceil_mode);
    uint32_t ow = out_size(s.w, d->kernel_w, d->pad_w, d->pad_right, d->stride_w, d->ceil_mode);
    if (!oh || !ow)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "window %ux%u with padding %u,%u is larger than the input %ux%u: the "
                           "output is empty",
                           d->kernel_h, d->kernel_w, d->pad_h, d->pad_w, s.h, s.w);
    *out = (oclnn_shape){s.n, s.c, oh, ow};
    return OCLNN_OK;
}

oclnn_status oclnn_pool2d_output_shape(const oclnn_pool2d_desc *desc, oclnn_shape *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_pool2d_desc d;
    return resolve(desc, &d, out);
}

oclnn_status oclnn_pool2d_create(oclnn_context *ctx, const oclnn_pool2d_desc *desc, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_pool2d_desc d;
    oclnn_shape os;
    OCLNN__TRY(resolve(desc, &d, &os));
    pool_impl p = {.desc = d, .out = os, .is_max = d.kind == OCLNN_POOL_MAX};
    return oclnn__op_new_state(ctx, OCLNN__OP_POOL2D, &p, sizeof p, p.is_max ? "max" : "avg", out);
}

oclnn_status oclnn_pool2d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                              oclnn_tensor *argmax) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_POOL2D, "op"));
    pool_impl *p = op->impl;
    OCLNN__TRY(oclnn__check_run_tensor(op, src, "src", p->desc.input));
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", p->out));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    if (argmax) {
        if (!p->is_max)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "argmax is for max pooling only");
        if ((size_t)p->desc.input.h * p->desc.input.w > ARGMAX_PLANE_LIMIT)
            return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                               "argmax needs input planes of at most 2^24 elements (got %ux%u)",
                               p->desc.input.h, p->desc.input.w);
        OCLNN__TRY(oclnn__check_run_tensor(op, argmax, "argmax", p->out));
        OCLNN__TRY(oclnn__check_alias(src, "src", argmax, "argmax", false));
        OCLNN__TRY(oclnn__check_alias(dst, "dst", argmax, "argmax", false));
    }
    oclnn_context *ctx = op->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->layers->pool2d(&p->desc, src, dst, argmax);
    mtx_unlock(&ctx->lock);
    return st;
}
