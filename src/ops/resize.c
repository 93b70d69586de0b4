/* SPDX-License-Identifier: MIT */
/* Resize (torch.nn.functional.interpolate, nearest and bilinear): the descriptor checks, the
 * output size (floor(in * scale_factor) in double, as torch's Python side computes it) and the
 * coordinate scales in float (ATen's area_pixel_compute_scale<float>), resolved once at create. */
#include <math.h>

#include "backend/backend.h"
#include "backend/upsample.h"
#include "core/alloc.h"
#include "core/status.h"
#include "ops/layers.h"

typedef struct resize_impl {
    oclnn_resize_desc desc;
    oclnn_shape out;
    oclnn__resize_plan plan;
} resize_impl;

oclnn_resize_desc oclnn_resize_desc_default(void) {
    oclnn_resize_desc d = OCLNN_RESIZE_DESC_INIT;
    return d;
}

/* One axis: the output size and torch's float scale. */
static oclnn_status axis(const char *name, uint32_t in, uint32_t out_given, double scale,
                         bool align_corners, uint32_t *out, float *coord_scale) {
    if (!(scale >= 0) || isinf(scale))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->scale_%s (%g) must be finite and >= 0",
                           name, scale);
    double o = out_given;
    if (!out_given) {
        if (scale == 0)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "desc->out_%s and desc->scale_%s are both 0: give a size or a scale",
                               name, name);
        o = floor((double)in * scale);
        if (o < 1 || o > UINT32_MAX)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "the output size floor(%u * %g) = %.0f is not in 1 to 2^32 - 1", in,
                               scale, o);
    }
    *out = (uint32_t)o;
    if (align_corners)
        *coord_scale = *out > 1 ? (float)(in - 1) / (float)(*out - 1) : 0.0f;
    else
        *coord_scale = scale > 0 ? (float)(1.0 / scale) : (float)in / (float)*out;
    return OCLNN_OK;
}

static oclnn_status resolve(const oclnn_resize_desc *d, oclnn_shape *out, oclnn__resize_plan *plan) {
    if (!d) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    OCLNN__TRY(oclnn__check_shape(d->input, "desc->input"));
    if ((unsigned)d->mode > OCLNN_RESIZE_BILINEAR)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->mode (%d) is not an oclnn_resize_mode",
                           (int)d->mode);
    if (d->align_corners && d->mode == OCLNN_RESIZE_NEAREST)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->align_corners is for bilinear only (torch refuses it for nearest)");
    oclnn_shape o = d->input;
    plan->mode = d->mode;
    plan->align_corners = d->align_corners;
    OCLNN__TRY(axis("h", d->input.h, d->out_h, d->scale_h, d->align_corners, &o.h, &plan->scale_h));
    OCLNN__TRY(axis("w", d->input.w, d->out_w, d->scale_w, d->align_corners, &o.w, &plan->scale_w));
    OCLNN__TRY(oclnn__check_shape(o, "the output"));
    size_t ne_in, ne_out;
    oclnn__shape_bytes(d->input, &ne_in, NULL);
    oclnn__shape_bytes(o, &ne_out, NULL);
    if (ne_in >= ((size_t)1 << 31) || ne_out >= ((size_t)1 << 31))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "input or output of 2^31 elements or more (%zu, %zu)", ne_in, ne_out);
    *out = o;
    return OCLNN_OK;
}

oclnn_status oclnn_resize_output_shape(const oclnn_resize_desc *desc, oclnn_shape *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn__resize_plan plan;
    return resolve(desc, out, &plan);
}

oclnn_status oclnn_resize_create(oclnn_context *ctx, const oclnn_resize_desc *desc, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    resize_impl r = {0};
    OCLNN__TRY(resolve(desc, &r.out, &r.plan));
    r.desc = *desc;
    return oclnn__op_new_state(ctx, OCLNN__OP_RESIZE, &r, sizeof r,
                               desc->mode == OCLNN_RESIZE_NEAREST ? "nearest" : "bilinear", out);
}

oclnn_status oclnn_resize_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_RESIZE, "op"));
    resize_impl *r = op->impl;
    OCLNN__TRY(oclnn__check_run_tensor(op, src, "src", r->desc.input));
    OCLNN__TRY(oclnn__check_run_tensor(op, dst, "dst", r->out));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    oclnn_context *ctx = op->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->upsample->resize(&r->plan, src, dst);
    mtx_unlock(&ctx->lock);
    return st;
}
