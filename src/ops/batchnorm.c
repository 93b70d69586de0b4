/* SPDX-License-Identifier: MIT */
/* Batch normalization. Inference folds the statistics into a per-channel scale and shift at
 * create (in double), then runs the element-wise SCALE kernel. Training runs the backend's
 * statistics pass (batch mean/variance, running update, scale and shift) before that same
 * kernel. Also the host-side fold of inference BN into a convolution's weights and bias. */
#include <math.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/reshape.h"
#include "ops/layers.h"

typedef struct bn_impl {
    oclnn_batchnorm_desc desc;
    oclnn__param scale, shift;               /* what the normalization applies */
    oclnn__param gamma, beta, rmean, rvar;   /* training only */
    oclnn__param bmean, bvar;                /* training only: the last run's statistics */
    bool trained;                            /* a training run happened */
} bn_impl;

oclnn_batchnorm_desc oclnn_batchnorm_desc_default(void) {
    oclnn_batchnorm_desc d = OCLNN_BATCHNORM_DESC_INIT;
    return d;
}

static void bn_destroy(oclnn_op *op) {
    bn_impl *b = op->impl;
    oclnn__param *all[] = {&b->scale, &b->shift, &b->gamma, &b->beta,
                           &b->rmean, &b->rvar,  &b->bmean, &b->bvar};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) oclnn__param_fini(op->ctx, all[i]);
    oclnn__free(op->ctx->allocator, b);
    op->impl = NULL;
}

static float at_or(const float *a, size_t i, float dflt) { return a ? a[i] : dflt; }

static oclnn_status check_var(const float *var, uint32_t c, const char *name) {
    if (!var) return OCLNN_OK;
    for (uint32_t i = 0; i < c; i++)
        if (!(var[i] >= 0.0f))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s[%u] (%g) is not a variance >= 0",
                               name, i, (double)var[i]);
    return OCLNN_OK;
}

/* Fills the params of a new operator (lock held). */
static oclnn_status bn_init(oclnn_context *ctx, bn_impl *b, const float *gamma, const float *beta,
                            const float *mean, const float *var, float *host) {
    const uint32_t C = b->desc.shape.c;
    const oclnn_shape ps = {1, C, 1, 1};
    if (!b->desc.training) {
        float *shift = host + C;
        for (uint32_t i = 0; i < C; i++) {
            double k = at_or(gamma, i, 1.0f) / sqrt((double)at_or(var, i, 1.0f) + b->desc.eps);
            host[i] = (float)k;
            shift[i] = (float)(at_or(beta, i, 0.0f) - at_or(mean, i, 0.0f) * k);
        }
        OCLNN__TRY(oclnn__param_init(ctx, &b->scale, ps, host));
        return oclnn__param_init(ctx, &b->shift, ps, shift);
    }
    const struct {
        oclnn__param *p;
        const float *src;
        float dflt;
    } init[] = {{&b->gamma, gamma, 1.0f}, {&b->beta, beta, 0.0f}, {&b->rmean, mean, 0.0f},
                {&b->rvar, var, 1.0f}};
    for (size_t j = 0; j < sizeof init / sizeof *init; j++) {
        for (uint32_t i = 0; i < C; i++) host[i] = at_or(init[j].src, i, init[j].dflt);
        OCLNN__TRY(oclnn__param_init(ctx, init[j].p, ps, host));
    }
    oclnn__param *rest[] = {&b->scale, &b->shift, &b->bmean, &b->bvar};
    for (size_t j = 0; j < sizeof rest / sizeof *rest; j++)
        OCLNN__TRY(oclnn__param_init(ctx, rest[j], ps, NULL));
    return OCLNN_OK;
}

oclnn_status oclnn_batchnorm_create(oclnn_context *ctx, const oclnn_batchnorm_desc *desc,
                                    const float *gamma, const float *beta,
                                    const float *running_mean, const float *running_var,
                                    oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    OCLNN__TRY(oclnn__check_shape(desc->shape, "desc->shape"));
    oclnn_shape s = desc->shape;
    if (!(desc->eps > 0.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->eps (%g) must be > 0", (double)desc->eps);
    if (!(desc->momentum >= 0.0f && desc->momentum <= 1.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->momentum (%g) must be in [0, 1]",
                           (double)desc->momentum);
    if (desc->training && (size_t)s.n * s.h * s.w < 2)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "training needs more than 1 value per channel (n*h*w is 1)");
    OCLNN__TRY(check_var(running_var, s.c, "running_var"));
    float *host = malloc(2 * (size_t)s.c * sizeof *host);
    if (!host) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %u channels", s.c);
    oclnn_op *op = NULL;
    oclnn_status st = oclnn__op_new(ctx, OCLNN__OP_BATCHNORM, &op);
    bn_impl *b = NULL;
    if (st == OCLNN_OK) {
        b = oclnn__calloc(ctx->allocator, 1, sizeof *b);
        if (!b) st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    if (st == OCLNN_OK) {
        b->desc = *desc;
        op->impl = b;
        op->impl_destroy = bn_destroy;
        op->algo = desc->training ? "batchnorm-train" : "batchnorm-infer";
        mtx_lock(&ctx->lock);
        st = bn_init(ctx, b, gamma, beta, running_mean, running_var, host);
        mtx_unlock(&ctx->lock);
    }
    free(host);
    if (st != OCLNN_OK) {
        oclnn__op_free(op);
        return st;
    }
    *out = op;
    return OCLNN_OK;
}

oclnn_status oclnn_batchnorm_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_BATCHNORM, "op"));
    bn_impl *b = op->impl;
    OCLNN__TRY(oclnn__check_run_tensor(op, src, "src", b->desc.shape));
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", b->desc.shape));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", true));
    oclnn_context *ctx = op->ctx;
    const oclnn__layers_backend *be = ctx->be->layers;
    oclnn_status st = OCLNN_OK;
    mtx_lock(&ctx->lock);
    if (b->desc.training) {
        st = be->bn_train_stats(src, b->desc.eps, b->desc.momentum, &b->gamma.t, &b->beta.t,
                                &b->rmean.t, &b->rvar.t, &b->bmean.t, &b->bvar.t, &b->scale.t,
                                &b->shift.t);
        if (st == OCLNN_OK) b->trained = true;
    }
    if (st == OCLNN_OK)
        st = be->eltwise(OCLNN_ELTWISE_SCALE, src, NULL, &b->scale.t, &b->shift.t, dst);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_batchnorm_stats(oclnn_op *op, float *running_mean, float *running_var,
                                   float *batch_mean, float *batch_var) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_BATCHNORM, "op"));
    bn_impl *b = op->impl;
    if ((batch_mean || batch_var) && !b->trained)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           b->desc.training ? "no batch statistics yet: run the operator first"
                                            : "an inference operator has no batch statistics");
    if (!b->desc.training) {
        if (running_mean || running_var)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "an inference operator keeps no running statistics (they are folded "
                               "into its scale and shift)");
        return OCLNN_OK;
    }
    oclnn_context *ctx = op->ctx;
    const struct {
        float *dst;
        oclnn__param *p;
    } reads[] = {{running_mean, &b->rmean}, {running_var, &b->rvar}, {batch_mean, &b->bmean},
                 {batch_var, &b->bvar}};
    oclnn_status st = OCLNN_OK;
    mtx_lock(&ctx->lock);
    for (size_t i = 0; i < 4 && st == OCLNN_OK; i++)
        if (reads[i].dst) st = ctx->be->tensor_read(&reads[i].p->t, reads[i].dst, OCLNN_LAYOUT_NCHW);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_batchnorm_fold(uint32_t channels, size_t weights_per_channel,
                                  const float *gamma, const float *beta, const float *mean,
                                  const float *var, float eps, float *weights, float *bias) {
    OCLNN__ENTER();
    if (!channels || !weights_per_channel)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "channels (%u) and weights_per_channel (%zu) must be > 0", channels,
                           weights_per_channel);
    if (!mean || !var || !weights || !bias)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !mean ? "mean" : !var ? "var" : !weights ? "weights" : "bias");
    if (!(eps > 0.0f)) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "eps (%g) must be > 0", (double)eps);
    OCLNN__TRY(check_var(var, channels, "var"));
    for (uint32_t k = 0; k < channels; k++) {
        double s = at_or(gamma, k, 1.0f) / sqrt((double)var[k] + eps);
        float *w = weights + (size_t)k * weights_per_channel;
        for (size_t i = 0; i < weights_per_channel; i++) w[i] = (float)(w[i] * s);
        bias[k] = (float)(((double)bias[k] - mean[k]) * s + at_or(beta, k, 0.0f));
    }
    return OCLNN_OK;
}

oclnn_status oclnn__batchnorm_reshape(oclnn_op *op, oclnn_shape shape, bool apply) {
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_BATCHNORM, "op"));
    bn_impl *b = op->impl;
    if (b->desc.training)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "a training batch norm keeps its shape");
    if (shape.c != b->desc.shape.c)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the batch norm has %u channels, not %u",
                           b->desc.shape.c, shape.c);
    if (apply) b->desc.shape = shape;
    return OCLNN_OK;
}
