/* SPDX-License-Identifier: MIT */
/* 2-D transposed convolution (torch.nn.ConvTranspose2d): the descriptor checks, torch's output
 * size and output_padding rule, weights and bias copied into operator-owned tensors, and the
 * backend's algorithm chosen once at create. */
#include <string.h>

#include "backend/backend.h"
#include "backend/upsample.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/layers.h"
#include "ops/reshape.h"

typedef struct deconv_impl {
    oclnn_deconv2d_desc desc;
    oclnn_shape out;
    oclnn__param w, b;
    /* "col2im" on a backend with a col2im entry: the GEMM is a 1x1 convolution op (groups as d)
     * from src to cols = (N, K * R * S, H, W), then the backend's col2im */
    oclnn_op *gemm;
    oclnn_tensor *cols;
    bool borrowed; /* issue 16: w and b belong to another operator (oclnn__deconv2d_reshape) */
} deconv_impl;

oclnn_deconv2d_desc oclnn_deconv2d_desc_default(void) {
    oclnn_deconv2d_desc d = OCLNN_DECONV2D_DESC_INIT;
    return d;
}

/* torch's size: (in - 1) * stride - 2 * pad + dilation * (k - 1) + output_pad + 1, in int64
 * (every term is below 2^64 / 4); <= 0 is empty. */
static int64_t out_size(uint32_t in, uint32_t k, uint32_t s, uint32_t p, uint32_t op, uint32_t dil) {
    return ((int64_t)in - 1) * s - 2 * (int64_t)p + (int64_t)dil * (k - 1) + op + 1;
}

static oclnn_status resolve(const oclnn_deconv2d_desc *d, oclnn_shape *out) {
    if (!d) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    OCLNN__TRY(oclnn__check_shape(d->input, "desc->input"));
    if (!d->out_channels || !d->kernel_h || !d->kernel_w || !d->stride_h || !d->stride_w ||
        !d->dilation_h || !d->dilation_w || !d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->out_channels (%u), kernel (%ux%u), stride (%ux%u), dilation "
                           "(%ux%u) and groups (%u) must be positive",
                           d->out_channels, d->kernel_h, d->kernel_w, d->stride_h, d->stride_w,
                           d->dilation_h, d->dilation_w, d->groups);
    if (d->input.c % d->groups || d->out_channels % d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->groups (%u) must divide the input channels (%u) and out_channels "
                           "(%u)",
                           d->groups, d->input.c, d->out_channels);
    if ((d->output_pad_h >= d->stride_h && d->output_pad_h >= d->dilation_h) ||
        (d->output_pad_w >= d->stride_w && d->output_pad_w >= d->dilation_w))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->output_pad (%u,%u) must be below the stride (%u,%u) or the "
                           "dilation (%u,%u)",
                           d->output_pad_h, d->output_pad_w, d->stride_h, d->stride_w,
                           d->dilation_h, d->dilation_w);
    if ((unsigned)d->activation > OCLNN_ACTIVATION_RELU)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->activation (%d) is not an oclnn_activation", (int)d->activation);
    if ((unsigned)d->algo > OCLNN_DECONV_ALGO_COL2IM)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->algo (%d) is not an oclnn_deconv_algo",
                           (int)d->algo);
    int64_t oh = out_size(d->input.h, d->kernel_h, d->stride_h, d->pad_h, d->output_pad_h, d->dilation_h);
    int64_t ow = out_size(d->input.w, d->kernel_w, d->stride_w, d->pad_w, d->output_pad_w, d->dilation_w);
    if (oh <= 0 || ow <= 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "the output (%lldx%lld) is empty: padding (%u,%u) removes more than the "
                           "%ux%u input spreads to",
                           (long long)oh, (long long)ow, d->pad_h, d->pad_w, d->input.h, d->input.w);
    if (oh > UINT32_MAX || ow > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the output (%lldx%lld) is over 2^32 per side",
                           (long long)oh, (long long)ow);
    oclnn_shape o = {d->input.n, d->out_channels, (uint32_t)oh, (uint32_t)ow};
    OCLNN__TRY(oclnn__check_shape(o, "the output"));
    /* the kernels index in 32 bits: every tensor (and the weights) below 2^31 elements */
    size_t ne_in, ne_out;
    oclnn__shape_bytes(d->input, &ne_in, NULL);
    oclnn__shape_bytes(o, &ne_out, NULL);
    uint64_t ne_w = (uint64_t)d->input.c * (d->out_channels / d->groups) * d->kernel_h * d->kernel_w;
    if (ne_in >= ((size_t)1 << 31) || ne_out >= ((size_t)1 << 31) || ne_w >= ((uint64_t)1 << 31))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "input, output or weights of 2^31 elements or more (%zu, %zu, %llu)",
                           ne_in, ne_out, (unsigned long long)ne_w);
    *out = o;
    return OCLNN_OK;
}

oclnn_status oclnn_deconv2d_output_shape(const oclnn_deconv2d_desc *desc, oclnn_shape *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    return resolve(desc, out);
}

/* The GEMM half of "col2im": a 1x1 convolution with groups whose output channel
 * (k * R + r) * S + s (k = g * Kg + kk) has the weights w[g * Cg + c][kk][r][s], c < Cg, and the
 * tensor it writes (the context's layout). */
static oclnn_status check_cols(const oclnn_deconv2d_desc *d, size_t cols_c) {
    if (cols_c > UINT32_MAX || (size_t)d->input.n * cols_c * d->input.h * d->input.w >= ((size_t)1 << 31))
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "col2im's columns (%zu channels of %ux%u, batch %u) pass 2^31 elements; "
                           "use the direct algorithm",
                           cols_c, d->input.h, d->input.w, d->input.n);
    return OCLNN_OK;
}

static oclnn_status make_gemm(oclnn_context *ctx, const oclnn_deconv2d_desc *d, const float *w,
                              deconv_impl *p) {
    const size_t G = d->groups, Cg = d->input.c / G, Kg = d->out_channels / G;
    const size_t RS = (size_t)d->kernel_h * d->kernel_w, cols_c = (size_t)d->out_channels * RS;
    OCLNN__TRY(check_cols(d, cols_c));
    float *cw = oclnn__alloc(ctx->allocator, cols_c * Cg * sizeof *cw);
    if (!cw) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the GEMM weights");
    for (size_t g = 0; g < G; g++)
        for (size_t kk = 0; kk < Kg; kk++)
            for (size_t t = 0; t < RS; t++)
                for (size_t c = 0; c < Cg; c++)
                    cw[(((g * Kg + kk) * RS + t) * Cg) + c] = w[((g * Cg + c) * Kg + kk) * RS + t];
    oclnn_conv2d_desc cd = oclnn_conv2d_desc_default();
    cd.input = d->input;
    cd.out_channels = (uint32_t)cols_c;
    cd.kernel_h = cd.kernel_w = 1;
    cd.groups = d->groups;
    oclnn_status st = oclnn_conv2d_create(ctx, &cd, cw, NULL, &p->gemm);
    oclnn__free(ctx->allocator, cw);
    if (st != OCLNN_OK) return st;
    oclnn_shape cs = {d->input.n, (uint32_t)cols_c, d->input.h, d->input.w};
    return oclnn_tensor_create(ctx, cs, oclnn_context_layout(ctx), &p->cols);
}

static void deconv_destroy(oclnn_op *op) {
    deconv_impl *p = op->impl;
    if (p->gemm || p->cols) {
        /* impl_destroy runs under the context lock, which the public destroys take themselves */
        mtx_unlock(&op->ctx->lock);
        oclnn_op_destroy(p->gemm);
        oclnn_tensor_destroy(p->cols);
        mtx_lock(&op->ctx->lock);
    }
    if (!p->borrowed) {
        oclnn__param_fini(op->ctx, &p->w);
        oclnn__param_fini(op->ctx, &p->b);
    }
    oclnn__free(op->ctx->allocator, p);
    op->impl = NULL;
}

oclnn_status oclnn_deconv2d_create(oclnn_context *ctx, const oclnn_deconv2d_desc *desc,
                                   const float *weights, const float *bias, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_shape os;
    OCLNN__TRY(resolve(desc, &os));
    if (!weights) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "weights is NULL");
    if (desc->has_bias != (bias != NULL))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "bias is %s but desc->has_bias is %s",
                           bias ? "given" : "NULL", desc->has_bias ? "true" : "false");
    const oclnn__upsample_family *be = ctx->be->upsample;
    const char *algo = be ? be->deconv2d_algorithm(ctx, desc) : NULL;
    if (!algo)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "the %s backend has no %s transposed convolution", ctx->be->name,
                           desc->algo == OCLNN_DECONV_ALGO_COL2IM   ? "col2im"
                           : desc->algo == OCLNN_DECONV_ALGO_DIRECT ? "direct"
                                                                    : "(any)");
    oclnn_op *op;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_DECONV2D, &op));
    deconv_impl *p = oclnn__calloc(ctx->allocator, 1, sizeof *p);
    if (!p) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    p->desc = *desc;
    p->out = os;
    op->impl = p;
    op->impl_destroy = deconv_destroy;
    op->algo = algo;
    const uint32_t kg = desc->out_channels / desc->groups;
    if (!strcmp(algo, "col2im") && be->col2im) {
        oclnn_status st = make_gemm(ctx, desc, weights, p);
        if (st != OCLNN_OK) {
            oclnn__op_free(op);
            return st;
        }
    }
    mtx_lock(&ctx->lock);
    oclnn_status st = oclnn__param_init(
        ctx, &p->w, (oclnn_shape){desc->input.c, kg, desc->kernel_h, desc->kernel_w}, weights);
    if (st == OCLNN_OK && bias)
        st = oclnn__param_init(ctx, &p->b, (oclnn_shape){1, desc->out_channels, 1, 1}, bias);
    mtx_unlock(&ctx->lock);
    if (st != OCLNN_OK) {
        oclnn__op_free(op);
        return st;
    }
    *out = op;
    return OCLNN_OK;
}

oclnn_status oclnn_deconv2d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_DECONV2D, "op"));
    deconv_impl *p = op->impl;
    OCLNN__TRY(oclnn__check_run_tensor(op, src, "src", p->desc.input));
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", p->out));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    oclnn_context *ctx = op->ctx;
    const oclnn_tensor *bias = p->desc.has_bias ? &p->b.t : NULL;
    if (p->gemm) {
        OCLNN__TRY(oclnn_conv2d_run(p->gemm, src, p->cols, NULL));
        mtx_lock(&ctx->lock);
        oclnn_status st = ctx->be->upsample->col2im(&p->desc, p->cols, bias, dst);
        mtx_unlock(&ctx->lock);
        return st;
    }
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->upsample->deconv2d(&p->desc, op->algo, src, &p->w.t, bias, dst);
    mtx_unlock(&ctx->lock);
    return st;
}

/* issue 16: op for a new input, its weights (parameter tensors and the GEMM's) shared with op;
 * the new operator borrows the parameters until oclnn__deconv2d_take. */
oclnn_status oclnn__deconv2d_reshape(const oclnn_op *op, oclnn_shape input, oclnn_op **out) {
    *out = NULL;
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_DECONV2D, "op"));
    const deconv_impl *old = op->impl;
    if (input.c != old->desc.input.c)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the input has %u channels but the transposed "
                           "convolution's weights take %u", input.c, old->desc.input.c);
    oclnn_deconv2d_desc d = old->desc;
    d.input = input;
    oclnn_shape os;
    OCLNN__TRY(resolve(&d, &os));
    const size_t cols_c = (size_t)d.out_channels * d.kernel_h * d.kernel_w;
    if (old->gemm) OCLNN__TRY(check_cols(&d, cols_c));
    oclnn_context *ctx = op->ctx;
    oclnn_op *nop;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_DECONV2D, &nop));
    deconv_impl *p = oclnn__alloc(ctx->allocator, sizeof *p);
    if (!p) {
        oclnn__op_free(nop);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    *p = *old;
    p->desc = d;
    p->out = os;
    p->gemm = NULL;
    p->cols = NULL;
    p->w.t.storage = &p->w.s;
    p->b.t.storage = &p->b.s;
    p->borrowed = true;
    nop->impl = p;
    nop->impl_destroy = deconv_destroy;
    nop->algo = op->algo;
    oclnn_status st = OCLNN_OK;
    if (old->gemm) {
        st = oclnn__conv2d_reshape(old->gemm, input, &p->gemm);
        oclnn_shape cs = {input.n, (uint32_t)cols_c, input.h, input.w};
        if (st == OCLNN_OK) st = oclnn_tensor_create(ctx, cs, oclnn_context_layout(ctx), &p->cols);
    }
    if (st != OCLNN_OK) {
        oclnn__op_free(nop);
        return st;
    }
    *out = nop;
    return OCLNN_OK;
}

void oclnn__deconv2d_take(oclnn_op *to, oclnn_op *from) {
    ((deconv_impl *)from->impl)->borrowed = true;
    ((deconv_impl *)to->impl)->borrowed = false;
}
