/* SPDX-License-Identifier: MIT */
/* The public conv2d calls: descriptor validation with messages, padding and output size, overflow
 * checks, the algorithm choice (explicit, remembered find result, or heuristic), run-time tensor
 * checks, and oclnn_conv2d_find, which records its winner in the context's tuning state. Everything that depends on the
 * device is behind ctx->be->conv2d. */
#include "ops/conv2d.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/status.h"
#include "ops/reshape.h"
#include "tune/tune.h"

static const char *const ALGO_NAMES[OCLNN_CONV_ALGO_COUNT] = {
    "auto", "direct", "im2col", "gemm1x1", "winograd2", "winograd4", "depthwise", "im2col-clblast",
    "implicit-gemm",
    "winograd6" /* issue 19 */};

const char *oclnn_conv_algo_name(oclnn_conv_algo algo) {
    return (unsigned)algo < OCLNN_CONV_ALGO_COUNT ? ALGO_NAMES[algo] : "";
}

oclnn_conv2d_desc oclnn_conv2d_desc_default(void) {
    oclnn_conv2d_desc d = OCLNN_CONV2D_DESC_INIT;
    return d;
}

/* Output size along one axis, or 0 with a message when the kernel does not fit. */
static oclnn_status axis(const char *name, uint32_t in, uint32_t k, uint32_t stride, uint32_t dil,
                         oclnn_pad_mode mode, uint32_t *pad_lo, uint32_t *pad_hi, uint32_t *out) {
    uint64_t eff = (uint64_t)dil * (k - 1) + 1;
    if (mode == OCLNN_PAD_SAME) {
        uint64_t o = ((uint64_t)in + stride - 1) / stride;
        uint64_t need = (o - 1) * stride + eff;
        uint64_t total = need > in ? need - in : 0;
        if (total > UINT32_MAX)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "same padding along %s overflows", name);
        *pad_lo = (uint32_t)(total / 2);
        *pad_hi = (uint32_t)(total - total / 2);
    } else if (mode == OCLNN_PAD_VALID) {
        *pad_lo = *pad_hi = 0;
    }
    uint64_t padded = (uint64_t)in + *pad_lo + *pad_hi;
    if (eff > padded)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "the dilated kernel %s (%llu) is larger than the padded input %s (%llu)",
                           name, (unsigned long long)eff, name, (unsigned long long)padded);
    uint64_t o = (padded - eff) / stride + 1;
    if (o > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "output %s (%llu) overflows", name,
                           (unsigned long long)o);
    *out = (uint32_t)o;
    return OCLNN_OK;
}

oclnn_status oclnn__conv2d_resolve(const oclnn_conv2d_desc *d, oclnn__conv2d_problem *pb) {
    memset(pb, 0, sizeof *pb);
    if (!d) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    oclnn_shape in = d->input;
    OCLNN__TRY(oclnn__check_shape(in, "desc->input"));
    if (!d->out_channels) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->out_channels is 0");
    if (!d->kernel_h || !d->kernel_w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->kernel_h/kernel_w (%u, %u) must be positive",
                           d->kernel_h, d->kernel_w);
    if (!d->stride_h || !d->stride_w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->stride_h/stride_w (%u, %u) must be positive",
                           d->stride_h, d->stride_w);
    if (!d->dilation_h || !d->dilation_w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->dilation_h/dilation_w (%u, %u) must be positive", d->dilation_h,
                           d->dilation_w);
    if (!d->groups) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->groups is 0");
    if (in.c % d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->groups (%u) must divide input channels (%u)",
                           d->groups, in.c);
    if (d->out_channels % d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->groups (%u) must divide desc->out_channels (%u)", d->groups,
                           d->out_channels);
    oclnn_pad_mode mode = d->padding.mode;
    if (mode != OCLNN_PAD_EXPLICIT && mode != OCLNN_PAD_SAME && mode != OCLNN_PAD_VALID)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->padding.mode (%d) is not a padding mode",
                           (int)mode);
    if (d->activation != OCLNN_ACTIVATION_NONE && d->activation != OCLNN_ACTIVATION_RELU)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->activation (%d) is not an activation",
                           (int)d->activation);
    if ((unsigned)d->algo >= OCLNN_CONV_ALGO_COUNT)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->algo (%d) is not an algorithm",
                           (int)d->algo);
    pb->n = in.n, pb->c = in.c, pb->h = in.h, pb->w = in.w;
    pb->k = d->out_channels, pb->r = d->kernel_h, pb->s = d->kernel_w;
    pb->stride_h = d->stride_h, pb->stride_w = d->stride_w;
    pb->dil_h = d->dilation_h, pb->dil_w = d->dilation_w;
    pb->groups = d->groups, pb->cg = in.c / d->groups, pb->kg = d->out_channels / d->groups;
    pb->act = d->activation, pb->has_bias = d->has_bias, pb->residual = d->fuse_residual;
    if (mode == OCLNN_PAD_EXPLICIT) {
        pb->pad_top = d->padding.top, pb->pad_bottom = d->padding.bottom;
        pb->pad_left = d->padding.left, pb->pad_right = d->padding.right;
    }
    OCLNN__TRY(axis("height", in.h, d->kernel_h, d->stride_h, d->dilation_h, mode, &pb->pad_top,
                    &pb->pad_bottom, &pb->p));
    OCLNN__TRY(axis("width", in.w, d->kernel_w, d->stride_w, d->dilation_w, mode, &pb->pad_left,
                    &pb->pad_right, &pb->q));
    size_t elems;
    oclnn_shape out = {in.n, d->out_channels, pb->p, pb->q};
    if (!oclnn__shape_bytes(in, NULL, &elems) || !oclnn__shape_bytes(out, NULL, &elems))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "tensor sizes of this problem overflow size_t");
    size_t wcount;
    if (!oclnn__mul_ok((size_t)pb->k * pb->cg, (size_t)pb->r * pb->s, &wcount) ||
        !oclnn__mul_ok(wcount, sizeof(float), &wcount))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the weights' size (%u x %u x %u x %u) overflows",
                           pb->k, pb->cg, pb->r, pb->s);
    return OCLNN_OK;
}

oclnn_status oclnn_conv2d_output_shape(const oclnn_conv2d_desc *desc, oclnn_shape *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn__conv2d_problem pb;
    OCLNN__TRY(oclnn__conv2d_resolve(desc, &pb));
    *out = (oclnn_shape){pb.n, pb.k, pb.p, pb.q};
    return OCLNN_OK;
}

/* ---- create and run ---- */

static void conv_destroy(oclnn_op *op) {
    oclnn__conv2d_op *cop = op->impl;
    if (!cop) return;
    if (cop->row) cop->row->destroy(op->ctx, cop->state);
    oclnn__free(op->ctx->allocator, cop);
    op->impl = NULL;
}

static oclnn_status family(oclnn_context *ctx, const oclnn__conv2d_family **f) {
    *f = ctx->be->conv2d;
    if (!*f)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the %s backend has no convolution", ctx->be->name);
    return OCLNN_OK;
}

/* The plan's tunables: the algorithm's search space on ctx resolved once through the tuning lookup
 * (override, exact, nearest, device class, kernel default). Algorithms without a space get none. */
static void plan_tunables(const oclnn_context *ctx, oclnn__conv2d_op *cop) {
    const oclnn__tune_space *sp = oclnn__conv2d_space_of(ctx, cop->algo);
    cop->tunables.n = 0;
    if (!sp) return;
    oclnn__tune_values v = oclnn__tune_lookup(ctx, sp, cop->problem, NULL);
    for (size_t i = 0; i < sp->n_params && i < OCLNN__CONV2D_MAX_TUNABLES; i++)
        cop->tunables.t[cop->tunables.n++] =
            (oclnn__conv2d_tunable){sp->params[i].name, (uint32_t)v.v[i], (uint32_t)sp->params[i].def};
}

/* The plan: the algorithm (explicit, or for AUTO the tuning database's: a find result, the
 * fastest tuned algorithm, else the heuristic), the backend's row
 * for it, its tunables and the problem string. Called with the context locked. */
static oclnn_status plan(oclnn_context *ctx, const oclnn__conv2d_family *f, oclnn_conv_algo algo,
                         oclnn__conv2d_op *cop) {
    oclnn__conv2d_caps caps;
    f->caps(ctx, &caps);
    caps.devclass = ctx->devclass;
    oclnn__conv2d_problem_str(&cop->pb, cop->problem, sizeof cop->problem);
    if (algo == OCLNN_CONV_ALGO_AUTO) algo = oclnn__conv2d_choose_tuned(ctx, &cop->pb, &caps);
    const char *why = oclnn__conv2d_applies(&cop->pb, algo, &caps);
    const oclnn__conv2d_row *row = oclnn__conv2d_row_of(f, algo);
    if (!why && !row) why = "the backend lacks it";
    if (!why && row->applies) why = row->applies(ctx, &cop->pb);
    if (why)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "algorithm %s does not apply to %s on %s: %s",
                           oclnn_conv_algo_name(algo), cop->problem, ctx->be->name, why);
    cop->algo = algo;
    cop->row = row;
    plan_tunables(ctx, cop);
    return OCLNN_OK;
}

/* The largest workspace, im2col's c*r*s*p*q floats, must be representable before a backend
 * sizes it (its size is then checked against the device's memory after create). */
static oclnn_status check_workspace(const oclnn__conv2d_problem *pb, oclnn_conv_algo algo) {
    if (algo != OCLNN_CONV_ALGO_IM2COL && algo != OCLNN_CONV_ALGO_IM2COL_CLBLAST &&
        algo != OCLNN_CONV_ALGO_GEMM1X1)
        return OCLNN_OK;
    size_t b = pb->c;
    if (oclnn__mul_ok(b, pb->r, &b) && oclnn__mul_ok(b, pb->s, &b) && oclnn__mul_ok(b, pb->p, &b) &&
        oclnn__mul_ok(b, pb->q, &b) && oclnn__mul_ok(b, sizeof(float), &b))
        return OCLNN_OK;
    return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                       "algorithm %s needs a workspace of %u x %u x %u x %u x %u floats, which "
                       "overflows size_t", oclnn_conv_algo_name(algo), pb->c, pb->r, pb->s, pb->p, pb->q);
}

/* Creates the op for a resolved problem and one algorithm (AUTO resolved by plan). `*fits` is
 * false when the algorithm was refused for its size alone: its workspace larger than the device's
 * largest allocation or memory, its own buffers (transformed weights) refused by the device
 * (DEVICE_OUT_OF_MEMORY from create), or beyond its kernels' indexing (UNSUPPORTED from create).
 * The context is not locked. */
static oclnn_status create_one(oclnn_context *ctx, const oclnn__conv2d_family *f,
                               const oclnn__conv2d_problem *pb, oclnn_conv_algo algo,
                               const float *weights, const float *bias, bool *fits, oclnn_op **out) {
    *fits = true;
    oclnn_status st = check_workspace(pb, algo);
    if (st != OCLNN_OK) {
        *fits = false;
        return st;
    }
    oclnn_op *op;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_CONV2D, &op));
    oclnn__conv2d_op *cop = oclnn__calloc(ctx->allocator, 1, sizeof *cop);
    if (!cop) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution state");
    }
    cop->pb = *pb;
    op->impl = cop;
    op->impl_destroy = conv_destroy;
    mtx_lock(&ctx->lock);
    st = plan(ctx, f, algo, cop);
    if (st == OCLNN_OK) {
        st = cop->row->create(ctx, cop, weights, bias, &op->workspace_bytes);
        if (st == OCLNN_ERROR_UNSUPPORTED || st == OCLNN_ERROR_DEVICE_OUT_OF_MEMORY) *fits = false;
    }
    mtx_unlock(&ctx->lock);
    if (st == OCLNN_OK) {
        st = oclnn__check_storage_bytes(ctx, op->workspace_bytes, "the workspace");
        if (st != OCLNN_OK) *fits = false;
    }
    if (st != OCLNN_OK) {
        oclnn__op_free(op);
        return st;
    }
    op->algo = oclnn_conv_algo_name(cop->algo);
    *out = op;
    return OCLNN_OK;
}

/* AUTO's fallbacks when its choice does not fit the device (issue 12): the algorithms whose
 * workspace is smallest, the tiled GEMM engine (no workspace) and direct (none). */
static const oclnn_conv_algo FALLBACKS[] = {OCLNN_CONV_ALGO_IMPLICIT_GEMM, OCLNN_CONV_ALGO_DIRECT};

/* Creates the op for a resolved problem; `algo` may be AUTO. An explicit algorithm that does not
 * fit fails; AUTO's choice that does not fit gives way to the first fallback that applies and
 * fits, and when none does the error names the first refusal. The context is not locked. */
oclnn_status oclnn__conv2d_create_op(oclnn_context *ctx, const oclnn__conv2d_problem *pb, oclnn_conv_algo algo,
                                     const float *weights, const float *bias, oclnn_op **out) {
    const oclnn__conv2d_family *f;
    OCLNN__TRY(family(ctx, &f));
    bool fits;
    oclnn_status st = create_one(ctx, f, pb, algo, weights, bias, &fits, out);
    if (st == OCLNN_OK || fits || algo != OCLNN_CONV_ALGO_AUTO) {
        if (st == OCLNN_OK)
            oclnn__log(OCLNN__LOG_INFO, "conv2d %s on %s: %s",
                       ((const oclnn__conv2d_op *)(*out)->impl)->problem, ctx->be->name, (*out)->algo);
        return st;
    }
    char first[512];
    snprintf(first, sizeof first, "%s", oclnn_last_error());
    oclnn__conv2d_caps caps;
    f->caps(ctx, &caps);
    caps.devclass = ctx->devclass;
    for (size_t i = 0; i < sizeof FALLBACKS / sizeof *FALLBACKS; i++) {
        oclnn_conv_algo a = FALLBACKS[i];
        if (oclnn__conv2d_applies(pb, a, &caps) || !oclnn__conv2d_row_of(f, a)) continue;
        bool fits_a;
        oclnn_status st_a = create_one(ctx, f, pb, a, weights, bias, &fits_a, out);
        if (st_a == OCLNN_OK) {
            oclnn__log(OCLNN__LOG_INFO, "conv2d %s on %s: %s (AUTO's choice does not fit: %s)",
                       ((const oclnn__conv2d_op *)(*out)->impl)->problem, ctx->be->name,
                       (*out)->algo, first);
            return OCLNN_OK;
        }
        if (fits_a) return st_a; /* failed for another reason: report it */
    }
    return oclnn__fail(st, "no convolution algorithm fits the device: %s; the fallbacks "
                           "(implicit-gemm, direct) do not fit either", first);
}

oclnn_status oclnn_conv2d_create(oclnn_context *ctx, const oclnn_conv2d_desc *desc,
                                 const float *weights_kcrs, const float *bias, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn__conv2d_problem pb;
    OCLNN__TRY(oclnn__conv2d_resolve(desc, &pb));
    if (!weights_kcrs) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "weights_kcrs is NULL");
    if (pb.has_bias && !bias)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "bias is NULL but desc->has_bias is set");
    if (!pb.has_bias && bias)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "bias is given but desc->has_bias is false");
    if (desc->algo == OCLNN_CONV_ALGO_AUTO && (ctx->flags & OCLNN_FLAG_TUNE_ON_FIRST_USE))
        oclnn__conv2d_first_use(ctx, &pb); /* never fails the create: the choice below stands */
    return oclnn__conv2d_create_op(ctx, &pb, desc->algo, weights_kcrs, bias, out);
}

static oclnn_status check_shape(const oclnn_tensor *t, const char *name, oclnn_shape want) {
    if (oclnn__shape_eq(t->shape, want)) return OCLNN_OK;
    char a[64], b[64];
    oclnn__shape_str(t->shape, a, sizeof a);
    oclnn__shape_str(want, b, sizeof b);
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s shape %s does not match the operator's %s",
                       name, a, b);
}

/* The aliasing rule (include/oclnn.h): dst must not overlap src; residual may be dst itself
 * (every algorithm adds it in place) but must not partly overlap it. */
static oclnn_status check_aliasing(const oclnn_tensor *src, const oclnn_tensor *dst,
                                   const oclnn_tensor *residual) {
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    if (residual) OCLNN__TRY(oclnn__check_alias(residual, "residual", dst, "dst", true));
    return OCLNN_OK;
}

oclnn_status oclnn__conv2d_run_op(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                                  const oclnn_tensor *residual) {
    oclnn_context *ctx = op->ctx;
    const oclnn__conv2d_op *cop = op->impl;
    mtx_lock(&ctx->lock);
    oclnn_status st = cop->row->run(ctx, cop, src, dst, residual);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_conv2d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                              const oclnn_tensor *residual) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_CONV2D, "op"));
    OCLNN__TRY(oclnn__tensor_check(src, "src"));
    OCLNN__TRY(oclnn__tensor_check(dst, "dst"));
    const oclnn__conv2d_problem *pb = &((const oclnn__conv2d_op *)op->impl)->pb;
    if (src->ctx != op->ctx)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "src belongs to another context than op");
    if (dst->ctx != op->ctx)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "dst belongs to another context than op");
    OCLNN__TRY(check_shape(src, "src", (oclnn_shape){pb->n, pb->c, pb->h, pb->w}));
    oclnn_shape out = {pb->n, pb->k, pb->p, pb->q};
    OCLNN__TRY(check_shape(dst, "dst", out));
    if (pb->residual) {
        if (!residual)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "residual is NULL but the operator fuses a residual");
        OCLNN__TRY(oclnn__tensor_check(residual, "residual"));
        if (residual->ctx != op->ctx)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "residual belongs to another context than op");
        OCLNN__TRY(check_shape(residual, "residual", out));
    } else if (residual) {
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "residual is given but the operator was created without fuse_residual");
    }
    OCLNN__TRY(check_aliasing(src, dst, residual));
    return oclnn__conv2d_run_op(op, src, dst, residual);
}


/* issue 16 (oclnn_net_reshape): the operator for a new input size, same algorithm and tunables,
 * its backend state a clone of op's that shares the weights (nothing copied or uploaded). */
oclnn_status oclnn__conv2d_reshape(const oclnn_op *op, oclnn_shape input, oclnn_op **out) {
    *out = NULL;
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_CONV2D, "op"));
    oclnn_context *ctx = op->ctx;
    const oclnn__conv2d_op *old = op->impl;
    const oclnn__conv2d_problem *o = &old->pb;
    if (input.c != o->c)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "the input has %u channels but the convolution's weights take %u", input.c, o->c);
    oclnn_conv2d_desc d = OCLNN_CONV2D_DESC_INIT;
    d.input = input;
    d.out_channels = o->k, d.kernel_h = o->r, d.kernel_w = o->s;
    d.stride_h = o->stride_h, d.stride_w = o->stride_w, d.dilation_h = o->dil_h, d.dilation_w = o->dil_w;
    d.groups = o->groups;
    d.padding = (oclnn_padding){OCLNN_PAD_EXPLICIT, o->pad_top, o->pad_bottom, o->pad_left, o->pad_right};
    d.activation = o->act, d.has_bias = o->has_bias, d.fuse_residual = o->residual;
    oclnn__conv2d_problem pb;
    OCLNN__TRY(oclnn__conv2d_resolve(&d, &pb));
    pb.layout = o->layout;
    const oclnn__conv2d_family *f;
    OCLNN__TRY(family(ctx, &f));
    oclnn__conv2d_caps caps;
    f->caps(ctx, &caps);
    caps.devclass = ctx->devclass;
    const char *why = oclnn__conv2d_applies(&pb, old->algo, &caps);
    if (!why && old->row->applies) why = old->row->applies(ctx, &pb);
    if (!why && !f->clone) why = "the backend cannot share a convolution's weights";
    if (why)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "algorithm %s, chosen at create, does not apply to "
                           "the new size: %s", oclnn_conv_algo_name(old->algo), why);
    OCLNN__TRY(check_workspace(&pb, old->algo));
    oclnn_op *nop;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_CONV2D, &nop));
    oclnn__conv2d_op *cop = oclnn__calloc(ctx->allocator, 1, sizeof *cop);
    if (!cop) {
        oclnn__op_free(nop);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution state");
    }
    *cop = *old;
    cop->pb = pb;
    cop->state = NULL;
    oclnn__conv2d_problem_str(&pb, cop->problem, sizeof cop->problem);
    nop->impl = cop;
    nop->impl_destroy = conv_destroy;
    nop->algo = op->algo;
    mtx_lock(&ctx->lock);
    oclnn_status st = f->clone(ctx, old->state, cop, &nop->workspace_bytes);
    mtx_unlock(&ctx->lock);
    if (st == OCLNN_OK) st = oclnn__check_storage_bytes(ctx, nop->workspace_bytes, "the workspace");
    if (st != OCLNN_OK) {
        oclnn__op_free(nop);
        return st;
    }
    *out = nop;
    return OCLNN_OK;
}
