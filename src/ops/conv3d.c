/* SPDX-License-Identifier: MIT */
/* 3-D convolution (issue 19): the descriptor checks, the output-size rule, the parameters (kept
 * as operator-owned backend tensors) and the run-time checks; the backend's nd table computes. */
#include <stdio.h>

#include "backend/backend.h"
#include "backend/nd.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/nd.h"

typedef struct conv3d_impl {
    oclnn__conv3d_problem pb;
    oclnn_conv_algo algo;
    oclnn__param weights, bias;
    void *state; /* the backend's */
} conv3d_impl;

static const char *const AXIS[3] = {"d", "h", "w"};

oclnn_conv3d_desc oclnn_conv3d_desc_default(void) {
    oclnn_conv3d_desc d = OCLNN_CONV3D_DESC_INIT;
    return d;
}

/* Checks desc and fills pb (layout-free; run checks the tensors). */
static oclnn_status resolve(const oclnn_conv3d_desc *desc, oclnn__conv3d_problem *pb) {
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    const oclnn_shape3d in = desc->input;
    OCLNN__TRY(oclnn__check_input3d(in));
    if (!desc->groups) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->groups is 0");
    if (!desc->out_channels || desc->out_channels % desc->groups || in.c % desc->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->groups (%u) must divide the input channels (%u) and "
                           "desc->out_channels (%u, non-zero)",
                           desc->groups, in.c, desc->out_channels);
    if ((unsigned)desc->activation > OCLNN_ACTIVATION_RELU)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->activation (%d) is not valid",
                           (int)desc->activation);
    const uint32_t isz[3] = {in.d, in.h, in.w};
    uint32_t osz[3];
    for (int a = 0; a < 3; a++) {
        if (!desc->kernel[a] || !desc->stride[a] || !desc->dilation[a])
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "desc->kernel, stride and dilation along %s (%u, %u, %u) must be "
                               "non-zero",
                               AXIS[a], desc->kernel[a], desc->stride[a], desc->dilation[a]);
        int64_t span = (int64_t)isz[a] + 2 * (int64_t)desc->pad[a] -
                       (int64_t)desc->dilation[a] * (desc->kernel[a] - 1) - 1;
        if (span < 0)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "the dilated kernel along %s (%u, dilation %u) is larger than the "
                               "padded input (%u + 2 * %u): the output is empty",
                               AXIS[a], desc->kernel[a], desc->dilation[a], isz[a], desc->pad[a]);
        osz[a] = (uint32_t)(span / desc->stride[a] + 1);
    }
    oclnn_shape3d o = {in.n, desc->out_channels, osz[0], osz[1], osz[2]};
    oclnn_shape s4;
    if (!oclnn__shape3d_fold(o, &s4))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the output's d * h overflows 32 bits");
    OCLNN__TRY(oclnn__check_shape(s4, "the output (folded to n, k, d*h, w)"));
    uint64_t taps = (uint64_t)desc->kernel[0] * desc->kernel[1] * desc->kernel[2];
    uint64_t wcount = taps * (in.c / desc->groups);
    if (taps > UINT32_MAX || wcount > UINT32_MAX ||
        (uint64_t)desc->out_channels * wcount > SIZE_MAX / sizeof(float))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "the weights (%u x %u x %u x %u x %u) are too large", desc->out_channels,
                           in.c / desc->groups, desc->kernel[0], desc->kernel[1], desc->kernel[2]);
    for (int a = 0; a < 3; a++)
        if ((uint64_t)desc->dilation[a] * (desc->kernel[a] - 1) + 1 > UINT32_MAX ||
            (uint64_t)osz[a] * desc->stride[a] > UINT32_MAX)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "the window along %s exceeds 32-bit coordinates", AXIS[a]);
    *pb = (oclnn__conv3d_problem){.n = in.n,
                                  .c = in.c,
                                  .d = in.d,
                                  .h = in.h,
                                  .w = in.w,
                                  .k = desc->out_channels,
                                  .kt = desc->kernel[0],
                                  .kr = desc->kernel[1],
                                  .ks = desc->kernel[2],
                                  .od = osz[0],
                                  .oh = osz[1],
                                  .ow = osz[2],
                                  .groups = desc->groups,
                                  .cg = in.c / desc->groups,
                                  .kg = desc->out_channels / desc->groups,
                                  .act = desc->activation,
                                  .has_bias = desc->has_bias,
                                  .residual = desc->fuse_residual};
    for (int a = 0; a < 3; a++) {
        pb->stride[a] = desc->stride[a];
        pb->dil[a] = desc->dilation[a];
        pb->pad[a] = desc->pad[a];
    }
    return OCLNN_OK;
}

oclnn_status oclnn_conv3d_output_shape(const oclnn_conv3d_desc *desc, oclnn_shape3d *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn__conv3d_problem pb;
    OCLNN__TRY(resolve(desc, &pb));
    *out = (oclnn_shape3d){pb.n, pb.k, pb.od, pb.oh, pb.ow};
    return OCLNN_OK;
}

static void conv3d_destroy(oclnn_op *op) {
    conv3d_impl *c = op->impl;
    oclnn_context *ctx = op->ctx;
    if (c->state) ctx->be->nd->conv3d_destroy(ctx, c->state);
    oclnn__param_fini(ctx, &c->weights);
    oclnn__param_fini(ctx, &c->bias);
    oclnn__free(ctx->allocator, c);
    op->impl = NULL;
}

oclnn_status oclnn_conv3d_create(oclnn_context *ctx, const oclnn_conv3d_desc *desc,
                                 const float *weights, const float *bias, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn__conv3d_problem pb;
    OCLNN__TRY(resolve(desc, &pb));
    if (!weights) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "weights is NULL");
    if (pb.has_bias != (bias != NULL))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           pb.has_bias ? "desc->has_bias is set but bias is NULL"
                                       : "bias is given but desc->has_bias is not set");
    const oclnn__nd_family *nd = ctx->be->nd;
    oclnn_conv_algo algo = desc->algo;
    const char *why = oclnn__conv3d_applies(&pb, ctx->device.backend, algo);
    if (why)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "desc->algo %d (%s): %s", (int)algo,
                           oclnn_conv_algo_name(algo), why);
    if (algo == OCLNN_CONV_ALGO_AUTO)
        algo = oclnn__conv3d_choose(&pb, ctx->device.backend, ctx->devclass);
    oclnn__conv2d_tunables tun;
    oclnn_status tst = oclnn__conv3d_tunables(ctx, algo, &tun);
    if (tst == OCLNN_ERROR_UNSUPPORTED && desc->algo == OCLNN_CONV_ALGO_AUTO)
        algo = OCLNN_CONV_ALGO_DIRECT, tun.n = 0; /* the engine's tiles do not fit the device */
    else if (tst != OCLNN_OK)
        return tst;
    oclnn_op *op = NULL;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_CONV3D, &op));
    conv3d_impl *c = oclnn__calloc(ctx->allocator, 1, sizeof *c);
    if (!c) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    c->pb = pb;
    c->algo = algo;
    op->impl = c;
    op->impl_destroy = conv3d_destroy;
    op->algo = oclnn_conv_algo_name(algo);
    const uint32_t per_k = pb.cg * pb.kt * pb.kr * pb.ks; /* fits: checked in resolve */
    mtx_lock(&ctx->lock);
    oclnn_status st =
        oclnn__param_init(ctx, &c->weights, (oclnn_shape){pb.k, per_k, 1, 1}, weights);
    if (st == OCLNN_OK && bias)
        st = oclnn__param_init(ctx, &c->bias, (oclnn_shape){1, pb.k, 1, 1}, bias);
    if (st == OCLNN_OK)
        st = nd->conv3d_create(ctx, &c->pb, algo, &c->weights.t, weights, &tun, &c->state,
                               &op->workspace_bytes);
    mtx_unlock(&ctx->lock);
    if (st != OCLNN_OK) {
        oclnn__op_free(op);
        return st;
    }
    *out = op;
    return OCLNN_OK;
}

oclnn_status oclnn_conv3d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                              const oclnn_tensor *residual) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_CONV3D, "op"));
    conv3d_impl *c = op->impl;
    const oclnn__conv3d_problem *pb = &c->pb;
    OCLNN__TRY(oclnn__check_run_tensor3d(op, src, "src",
                                         (oclnn_shape3d){pb->n, pb->c, pb->d, pb->h, pb->w}));
    const oclnn_shape3d os = {pb->n, pb->k, pb->od, pb->oh, pb->ow};
    OCLNN__TRY(oclnn__check_run_tensor3d(op, dst, "dst", os));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    if (pb->residual != (residual != NULL))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           pb->residual ? "the op fuses a residual but residual is NULL"
                                        : "residual is given but the op fuses none");
    if (residual) {
        OCLNN__TRY(oclnn__check_run_tensor3d(op, residual, "residual", os));
        OCLNN__TRY(oclnn__check_alias(residual, "residual", dst, "dst", true));
    }
    oclnn_context *ctx = op->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->nd->conv3d_run(ctx, pb, c->algo, c->state, &c->weights.t,
                                              pb->has_bias ? &c->bias.t : NULL, src, dst, residual);
    mtx_unlock(&ctx->lock);
    return st;
}
