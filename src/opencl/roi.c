/* SPDX-License-Identifier: MIT */
/* RoIAlign and RoI pooling on OpenCL: uploads the host-built plan (src/ops/roi.c) into buffers
 * the op keeps and grows, and launches cl/roi/roi.cl, one work-item per (channel, RoI). */
#include "core/alloc.h"
#include "core/status.h"
#include "opencl/detect.h"
#include "opencl/opencl.h"

#define ROI_CL "roi/roi.cl"

typedef struct cl_roi_op {
    oclnn__roi_op base; /* first: ops/roi.c reads the desc through op->impl */
    cl_kernel kernel;
    cl_mem items, taps;
    size_t items_bytes, taps_bytes;
} cl_roi_op;

static void roi_destroy(oclnn_op *op) {
    cl_roi_op *r = op->impl;
    if (r->items) clReleaseMemObject(r->items);
    if (r->taps) clReleaseMemObject(r->taps);
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
    return oclnn__cl_kernel(op->ctx, ROI_CL, NULL, align ? "oclnn_roi_align" : "oclnn_roi_pool",
                            &r->kernel);
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

oclnn_status oclnn__cl_roi_run(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                               oclnn_tensor *dst, oclnn_tensor *argmax) {
    oclnn_context *ctx = op->ctx;
    cl_roi_op *r = op->impl;
    const oclnn_roi_desc *d = &r->base.desc;
    OCLNN__TRY(upload(ctx, &r->items, &r->items_bytes, plan->items,
                      plan->num_rois * sizeof *plan->items));
    OCLNN__TRY(upload(ctx, &r->taps, &r->taps_bytes, plan->taps,
                      (plan->num_taps ? plan->num_taps : 1) * sizeof *plan->taps));
    cl_mem in = oclnn__cl_mem(src), out = oclnn__cl_mem(dst);
    cl_uint src_off = (cl_uint)src->offset, dst_off = (cl_uint)dst->offset;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst);
    cl_uint C = src->shape.c, PH = d->pooled_h, PW = d->pooled_w;
    size_t global[2] = {C, plan->num_rois};
    if (d->mode == OCLNN_ROI_ALIGN) {
        OCLNN__TRY(oclnn__cl_args(r->kernel, OCLNN__ARG(in), OCLNN__ARG(src_off), OCLNN__ARG(ss),
                                  OCLNN__ARG(out), OCLNN__ARG(dst_off), OCLNN__ARG(ds),
                                  OCLNN__ARG(r->items), OCLNN__ARG(r->taps), OCLNN__ARG(C),
                                  OCLNN__ARG(PH), OCLNN__ARG(PW)));
    } else {
        cl_uint W = src->shape.w, has_argmax = argmax != NULL;
        cl_mem am = argmax ? oclnn__cl_mem(argmax) : out;
        cl_uint am_off = argmax ? (cl_uint)argmax->offset : dst_off;
        cl_uint4 as = argmax ? oclnn__cl_strides(argmax) : ds;
        OCLNN__TRY(oclnn__cl_args(r->kernel, OCLNN__ARG(in), OCLNN__ARG(src_off), OCLNN__ARG(ss),
                                  OCLNN__ARG(W), OCLNN__ARG(out), OCLNN__ARG(dst_off), OCLNN__ARG(ds),
                                  OCLNN__ARG(am), OCLNN__ARG(am_off), OCLNN__ARG(as),
                                  OCLNN__ARG(has_argmax), OCLNN__ARG(r->items), OCLNN__ARG(r->taps),
                                  OCLNN__ARG(C), OCLNN__ARG(PH), OCLNN__ARG(PW)));
    }
    return oclnn__cl_launch(ctx, r->kernel, 2, global, NULL);
}
