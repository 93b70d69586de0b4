/* SPDX-License-Identifier: MIT */
/* RoIAlign and RoI pooling on OpenCL: uploads the host-built plan (src/ops/roi.c) into buffers
 * the op keeps and grows, and launches cl/roi/roi.cl, one work-item per (channel, RoI). RoIAlign
 * normally uploads fully expanded samples (offsets and weights per sample, shared by all
 * channels); a problem with too many samples falls back to the separable taps. */
#include "core/alloc.h"
#include "core/status.h"
#include "opencl/detect.h"
#include "opencl/opencl.h"

#define ROI_CL "roi/roi.cl"

/* RoIAlign expands the RoIs' samples on the host (oclnn__roi_expand) when they number at most
 * this many (32 bytes each); beyond, the kernel works from the separable taps. */
#define MAX_SAMPLES (1u << 20)

typedef struct cl_roi_op {
    oclnn__roi_op base; /* first: ops/roi.c reads the desc through op->impl */
    cl_kernel kernel, table_kernel;
    cl_mem items, taps, samples;
    size_t items_bytes, taps_bytes, samples_bytes;
} cl_roi_op;

static void roi_destroy(oclnn_op *op) {
    cl_roi_op *r = op->impl;
    if (r->items) clReleaseMemObject(r->items);
    if (r->taps) clReleaseMemObject(r->taps);
    if (r->samples) clReleaseMemObject(r->samples);
    oclnn__roi_op_fini(op->ctx->allocator, &r->base);
    oclnn__free(op->ctx->allocator, r);
    op->impl = NULL;
}

oclnn_status oclnn__cl_roi_create(oclnn_op *op, const oclnn_roi_desc *desc) {
    cl_roi_op *r = oclnn__calloc(op->ctx->allocator, 1, sizeof *r);
    if (!r) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the RoI operator");
    r->base.desc = *desc;
    op->impl = r;
    op->impl_destroy = roi_destroy;
    const bool align = desc->mode == OCLNN_ROI_ALIGN;
    op->algo = align ? "roi_align" : "roi_pool";
    OCLNN__TRY(oclnn__cl_kernel(op->ctx, ROI_CL, NULL, align ? "oclnn_roi_align" : "oclnn_roi_pool",
                                &r->kernel));
    if (align)
        OCLNN__TRY(
            oclnn__cl_kernel(op->ctx, ROI_CL, NULL, "oclnn_roi_align_table", &r->table_kernel));
    return OCLNN_OK;
}

/* Makes *buf hold at least `bytes` (grown by half again to spare reallocations) and writes data. */
static oclnn_status upload(oclnn_context *ctx, cl_mem *buf, size_t *cap, const void *data,
                           size_t bytes) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    if (*cap < bytes) {
        if (*buf) clReleaseMemObject(*buf);
        *buf = NULL;
        *cap = 0;
        size_t want = bytes + bytes / 2;
        cl_int err;
        *buf = clCreateBuffer(s->context, CL_MEM_READ_ONLY, want, NULL, &err);
        if (err != CL_SUCCESS) {
            *buf = NULL;
            return oclnn__cl_fail(err, "clCreateBuffer (RoI plan)");
        }
        *cap = want;
    }
    OCLNN__CL_TRY(clEnqueueWriteBuffer(s->queue, *buf, CL_TRUE, 0, bytes, data, 0, NULL, NULL),
                  "clEnqueueWriteBuffer (RoI plan)");
    return OCLNN_OK;
}

/* Samples of all RoIs for the table kernel: 0 when there would be too many or their offsets
 * would not fit int32 (then the taps kernel runs). */
static size_t count_samples(const oclnn__roi_plan *plan, const oclnn_roi_desc *d,
                            const oclnn_tensor *src) {
    if ((size_t)src->stride[OCLNN__H] * src->shape.h >= INT32_MAX ||
        (size_t)src->stride[OCLNN__W] * src->shape.w >= INT32_MAX)
        return 0;
    size_t total = 0;
    for (size_t i = 0; i < plan->num_rois; i++) {
        total += (size_t)d->pooled_h * d->pooled_w * (size_t)plan->items[i].grid_h *
                 (size_t)plan->items[i].grid_w;
        if (total > MAX_SAMPLES) return 0;
    }
    return total;
}

/* Expands every RoI's samples and uploads them with a copy of the items that records where
 * each RoI's samples start. */
static oclnn_status upload_samples(oclnn_context *ctx, cl_roi_op *r, const oclnn__roi_plan *plan,
                                   const oclnn_tensor *src, size_t total) {
    const oclnn_roi_desc *d = &r->base.desc;
    const oclnn_allocator *a = ctx->allocator;
    oclnn__roi_item *items = oclnn__calloc(a, plan->num_rois, sizeof *items);
    oclnn__roi_sample *samples = oclnn__calloc(a, total ? total : 1, sizeof *samples);
    oclnn_status st = OCLNN_OK;
    if (!items || !samples) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu RoIAlign samples", total);
    } else {
        size_t at = 0;
        for (size_t i = 0; i < plan->num_rois; i++) {
            items[i] = plan->items[i];
            items[i].first_sample = (uint32_t)at;
            oclnn__roi_expand(&items[i], plan->taps, d->pooled_h, d->pooled_w,
                              src->stride[OCLNN__H], src->stride[OCLNN__W], samples + at);
            at += (size_t)d->pooled_h * d->pooled_w * (size_t)items[i].grid_h *
                  (size_t)items[i].grid_w;
        }
        st = upload(ctx, &r->items, &r->items_bytes, items, plan->num_rois * sizeof *items);
        if (st == OCLNN_OK)
            st = upload(ctx, &r->samples, &r->samples_bytes, samples,
                        (total ? total : 1) * sizeof *samples);
    }
    oclnn__free(a, items);
    oclnn__free(a, samples);
    return st;
}

oclnn_status oclnn__cl_roi_run(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                               oclnn_tensor *dst, oclnn_tensor *argmax) {
    oclnn_context *ctx = op->ctx;
    cl_roi_op *r = op->impl;
    const oclnn_roi_desc *d = &r->base.desc;
    const size_t total = d->mode == OCLNN_ROI_ALIGN ? count_samples(plan, d, src) : 0;
    if (total) {
        OCLNN__TRY(upload_samples(ctx, r, plan, src, total));
        cl_mem in = oclnn__cl_mem(src), out = oclnn__cl_mem(dst);
        cl_uint src_off = (cl_uint)src->offset, dst_off = (cl_uint)dst->offset;
        cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst);
        cl_uint C = src->shape.c, PH = d->pooled_h, PW = d->pooled_w, R = (cl_uint)plan->num_rois;
        size_t global[2] = {C, plan->num_rois};
        OCLNN__TRY(oclnn__cl_args(r->table_kernel, OCLNN__ARG(in), OCLNN__ARG(src_off),
                                  OCLNN__ARG(ss), OCLNN__ARG(out), OCLNN__ARG(dst_off),
                                  OCLNN__ARG(ds), OCLNN__ARG(r->items), OCLNN__ARG(r->samples),
                                  OCLNN__ARG(C), OCLNN__ARG(PH), OCLNN__ARG(PW), OCLNN__ARG(R)));
        return oclnn__cl_launch(ctx, r->table_kernel, 2, global, NULL);
    }
    OCLNN__TRY(upload(ctx, &r->items, &r->items_bytes, plan->items,
                      plan->num_rois * sizeof *plan->items));
    OCLNN__TRY(upload(ctx, &r->taps, &r->taps_bytes, plan->taps,
                      (plan->num_taps ? plan->num_taps : 1) * sizeof *plan->taps));
    cl_mem in = oclnn__cl_mem(src), out = oclnn__cl_mem(dst);
    cl_uint src_off = (cl_uint)src->offset, dst_off = (cl_uint)dst->offset;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst);
    cl_uint C = src->shape.c, PH = d->pooled_h, PW = d->pooled_w, R = (cl_uint)plan->num_rois;
    size_t global[2] = {C, plan->num_rois};
    if (d->mode == OCLNN_ROI_ALIGN) {
        OCLNN__TRY(oclnn__cl_args(r->kernel, OCLNN__ARG(in), OCLNN__ARG(src_off), OCLNN__ARG(ss),
                                  OCLNN__ARG(out), OCLNN__ARG(dst_off), OCLNN__ARG(ds),
                                  OCLNN__ARG(r->items), OCLNN__ARG(r->taps), OCLNN__ARG(C),
                                  OCLNN__ARG(PH), OCLNN__ARG(PW), OCLNN__ARG(R)));
    } else {
        cl_uint W = src->shape.w, has_argmax = argmax != NULL;
        cl_mem am = argmax ? oclnn__cl_mem(argmax) : out;
        cl_uint am_off = argmax ? (cl_uint)argmax->offset : dst_off;
        cl_uint4 as = argmax ? oclnn__cl_strides(argmax) : ds;
        OCLNN__TRY(oclnn__cl_args(
            r->kernel, OCLNN__ARG(in), OCLNN__ARG(src_off), OCLNN__ARG(ss), OCLNN__ARG(W),
            OCLNN__ARG(out), OCLNN__ARG(dst_off), OCLNN__ARG(ds), OCLNN__ARG(am),
            OCLNN__ARG(am_off), OCLNN__ARG(as), OCLNN__ARG(has_argmax), OCLNN__ARG(r->items),
            OCLNN__ARG(r->taps), OCLNN__ARG(C), OCLNN__ARG(PH), OCLNN__ARG(PW), OCLNN__ARG(R)));
    }
    return oclnn__cl_launch(ctx, r->kernel, 2, global, NULL);
}
