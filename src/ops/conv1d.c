/* SPDX-License-Identifier: MIT */
/* 1-D convolution and pooling (issue 19): the 2-D ops with a 1 x k window on (n, c, 1, l)
 * tensors. A 1-D operator is the 2-D operator itself (its kind, algorithm and state), so every
 * 2-D algorithm, tuning entry and fusion applies unchanged; the 1-D entry points translate the
 * descriptor and check that what they run is a 1-D problem. */
#include "backend/conv2d.h"
#include "core/status.h"
#include "ops/layers.h"

oclnn_conv1d_desc oclnn_conv1d_desc_default(void) {
    oclnn_conv1d_desc d = OCLNN_CONV1D_DESC_INIT;
    return d;
}

oclnn_pool1d_desc oclnn_pool1d_desc_default(void) {
    oclnn_pool1d_desc d = OCLNN_POOL1D_DESC_INIT;
    return d;
}

oclnn_status oclnn_tensor_create1d(oclnn_context *ctx, oclnn_shape1d shape, oclnn_layout layout,
                                   oclnn_tensor **out) {
    OCLNN__ENTER();
    return oclnn_tensor_create(ctx, (oclnn_shape){shape.n, shape.c, 1, shape.l}, layout, out);
}

static oclnn_status to2d(const oclnn_conv1d_desc *d, oclnn_conv2d_desc *c) {
    if (!d) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    *c = oclnn_conv2d_desc_default();
    c->input = (oclnn_shape){d->input.n, d->input.c, 1, d->input.l};
    c->out_channels = d->out_channels;
    c->kernel_h = 1;
    c->kernel_w = d->kernel;
    c->stride_h = 1;
    c->stride_w = d->stride;
    c->dilation_h = 1;
    c->dilation_w = d->dilation;
    c->groups = d->groups;
    c->padding = (oclnn_padding){d->pad_mode, 0, 0, d->pad_left, d->pad_right};
    c->activation = d->activation;
    c->has_bias = d->has_bias;
    c->fuse_residual = d->fuse_residual;
    c->algo = d->algo;
    return OCLNN_OK;
}

oclnn_status oclnn_conv1d_output_shape(const oclnn_conv1d_desc *desc, oclnn_shape1d *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_conv2d_desc c;
    OCLNN__TRY(to2d(desc, &c));
    oclnn_shape s;
    OCLNN__TRY(oclnn_conv2d_output_shape(&c, &s));
    *out = (oclnn_shape1d){s.n, s.c, s.w};
    return OCLNN_OK;
}

oclnn_status oclnn_conv1d_create(oclnn_context *ctx, const oclnn_conv1d_desc *desc,
                                 const float *weights, const float *bias, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    oclnn_conv2d_desc c;
    OCLNN__TRY(to2d(desc, &c));
    /* K x C/groups x kernel is K x C/groups x 1 x kernel: the same floats */
    return oclnn_conv2d_create(ctx, &c, weights, bias, out);
}

oclnn_status oclnn_conv1d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                              const oclnn_tensor *residual) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_CONV2D, "op"));
    const oclnn__conv2d_problem *pb = &((const oclnn__conv2d_op *)op->impl)->pb;
    if (pb->h != 1 || pb->r != 1)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "op is a 2-D convolution (h %u, kernel %ux%u), not a 1-D one", pb->h,
                           pb->r, pb->s);
    return oclnn_conv2d_run(op, src, dst, residual);
}

static oclnn_status pool_to2d(const oclnn_pool1d_desc *d, oclnn_pool2d_desc *p) {
    if (!d) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    *p = oclnn_pool2d_desc_default();
    p->input = (oclnn_shape){d->input.n, d->input.c, 1, d->input.l};
    p->kind = d->kind;
    p->kernel_h = 1;
    p->kernel_w = d->kernel;
    p->stride_h = 1;
    p->stride_w = d->stride;
    p->pad_h = 0;
    p->pad_w = d->pad;
    p->ceil_mode = d->ceil_mode;
    p->count_include_pad = d->count_include_pad;
    return OCLNN_OK;
}

oclnn_status oclnn_pool1d_output_shape(const oclnn_pool1d_desc *desc, oclnn_shape1d *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_pool2d_desc p;
    OCLNN__TRY(pool_to2d(desc, &p));
    oclnn_shape s;
    OCLNN__TRY(oclnn_pool2d_output_shape(&p, &s));
    *out = (oclnn_shape1d){s.n, s.c, s.w};
    return OCLNN_OK;
}

oclnn_status oclnn_pool1d_create(oclnn_context *ctx, const oclnn_pool1d_desc *desc,
                                 oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    oclnn_pool2d_desc p;
    OCLNN__TRY(pool_to2d(desc, &p));
    return oclnn_pool2d_create(ctx, &p, out);
}

oclnn_status oclnn_pool1d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_POOL2D, "op"));
    const oclnn_pool2d_desc *d = op->impl; /* pool2d's state starts with its resolved desc */
    if (d->input.h != 1)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "op is a 2-D pooling (h %u), not a 1-D one", d->input.h);
    return oclnn_pool2d_run(op, src, dst, NULL);
}
