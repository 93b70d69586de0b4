/* SPDX-License-Identifier: MIT */
/* The explicit depth concatenation: each input is copied into its channel slice of dst by the
 * backend (block copies where the slice is contiguous per sample, else the strided copy). The zero-copy path
 * needs no operator: producers write into oclnn_tensor_view_channels of the output. */
#include <stdio.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/layers.h"

typedef struct concat_impl {
    size_t count;
    oclnn_shape out;
    oclnn_shape inputs[]; /* count */
} concat_impl;

static oclnn_status concat_shape(const oclnn_shape *inputs, size_t count, oclnn_shape *out) {
    if (!inputs) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "inputs is NULL");
    if (!count) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "count is 0");
    uint64_t c = 0;
    for (size_t i = 0; i < count; i++) {
        oclnn_shape s = inputs[i];
        char name[32];
        snprintf(name, sizeof name, "inputs[%zu]", i);
        OCLNN__TRY(oclnn__check_shape(s, name));
        if (s.n != inputs[0].n || s.h != inputs[0].h || s.w != inputs[0].w)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "inputs[%zu] has n,h,w %u,%u,%u but inputs[0] has %u,%u,%u", i, s.n,
                               s.h, s.w, inputs[0].n, inputs[0].h, inputs[0].w);
        c += s.c;
    }
    if (c > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%llu channels in total is too many",
                           (unsigned long long)c);
    *out = (oclnn_shape){inputs[0].n, (uint32_t)c, inputs[0].h, inputs[0].w};
    return OCLNN_OK;
}

oclnn_status oclnn_concat_output_shape(const oclnn_shape *inputs, size_t count, oclnn_shape *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    return concat_shape(inputs, count, out);
}

oclnn_status oclnn_concat_create(oclnn_context *ctx, const oclnn_shape *inputs, size_t count,
                                 oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn_shape os;
    OCLNN__TRY(concat_shape(inputs, count, &os));
    oclnn_op *op;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_CONCAT, &op));
    concat_impl *c = oclnn__calloc(ctx->allocator, 1, sizeof *c + count * sizeof *inputs);
    if (!c) {
        oclnn__op_free(op);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the operator state");
    }
    c->count = count;
    c->out = os;
    for (size_t i = 0; i < count; i++) c->inputs[i] = inputs[i];
    op->impl = c;
    op->impl_destroy = oclnn__op_free_state;
    op->algo = "copy";
    *out = op;
    return OCLNN_OK;
}

/* A src that already is its slice of dst (a branch that wrote through a view) needs no copy. */
static bool in_place(const oclnn_tensor *src, const oclnn_tensor *slice) {
    if (src->storage != slice->storage || src->offset != slice->offset) return false;
    for (int i = 0; i < 4; i++)
        if (src->stride[i] != slice->stride[i]) return false;
    return true;
}

oclnn_status oclnn_concat_run(oclnn_op *op, const oclnn_tensor *const *srcs, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_CONCAT, "op"));
    concat_impl *c = op->impl;
    if (!srcs) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "srcs is NULL");
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", c->out));
    for (size_t i = 0, c0 = 0; i < c->count; c0 += c->inputs[i].c, i++) {
        char name[32];
        snprintf(name, sizeof name, "srcs[%zu]", i);
        OCLNN__TRY(oclnn__check_run_tensor(op, srcs[i], name, c->inputs[i]));
        oclnn_tensor slice = oclnn__channel_slice(dst, (uint32_t)c0, c->inputs[i].c);
        if (!in_place(srcs[i], &slice)) OCLNN__TRY(oclnn__check_alias(srcs[i], name, dst, "dst", false));
    }
    oclnn_context *ctx = op->ctx;
    oclnn_status st = OCLNN_OK;
    uint32_t c0 = 0;
    mtx_lock(&ctx->lock);
    for (size_t i = 0; i < c->count && st == OCLNN_OK; i++) {
        oclnn_tensor slice = oclnn__channel_slice(dst, c0, c->inputs[i].c);
        if (!in_place(srcs[i], &slice)) st = ctx->be->layers->concat_copy(srcs[i], &slice);
        c0 += c->inputs[i].c;
    }
    mtx_unlock(&ctx->lock);
    return st;
}

/* ---- issue 16: channel shuffle and channel slices ---------------------------------------- */

oclnn_channel_shuffle_desc oclnn_channel_shuffle_desc_default(void) {
    oclnn_channel_shuffle_desc d = OCLNN_CHANNEL_SHUFFLE_DESC_INIT;
    return d;
}

static oclnn_status shuffle_check(const oclnn_channel_shuffle_desc *d) {
    OCLNN__TRY(oclnn__check_shape(d->input, "desc->input"));
    if (!d->count) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->count is 0");
    if ((uint64_t)d->start + d->count > d->input.c)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->start (%u) + desc->count (%u) exceeds the %u input channels",
                           d->start, d->count, d->input.c);
    if (!d->groups || d->count % d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->groups (%u) does not divide desc->count (%u)", d->groups,
                           d->count);
    return OCLNN_OK;
}

oclnn_status oclnn_channel_shuffle_create(oclnn_context *ctx, const oclnn_channel_shuffle_desc *desc, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    OCLNN__TRY(shuffle_check(desc));
    return oclnn__op_new_state(ctx, OCLNN__OP_CHANNEL_SHUFFLE, desc, sizeof *desc, desc->groups > 1 ? "shuffle" : "slice",
                               out);
}

/* Group q of the input (count / groups channels from start + q * count / groups) goes to the
 * output channels q, q + groups, q + 2 * groups, ...: a view of dst with its channel stride
 * multiplied by groups, filled by the backend's strided copy. */
oclnn_status oclnn_channel_shuffle_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_CHANNEL_SHUFFLE, "op"));
    const oclnn_channel_shuffle_desc *d = op->impl;
    oclnn_shape os = d->input;
    os.c = d->count;
    OCLNN__TRY(oclnn__check_run_tensor(op, src, "src", d->input));
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", os));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    const uint32_t per = d->count / d->groups;
    oclnn_context *ctx = op->ctx;
    oclnn_status st = OCLNN_OK;
    mtx_lock(&ctx->lock);
    for (uint32_t q = 0; q < d->groups && st == OCLNN_OK; q++) {
        oclnn_tensor from = oclnn__channel_slice(src, d->start + q * per, per);
        oclnn_tensor to = oclnn__channel_slice(dst, q, per);
        to.stride[OCLNN__C] = dst->stride[OCLNN__C] * d->groups;
        st = ctx->be->layers->concat_copy(&from, &to);
    }
    mtx_unlock(&ctx->lock);
    return st;
}
