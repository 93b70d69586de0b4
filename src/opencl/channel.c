/* SPDX-License-Identifier: MIT */
/* Softmax and LRN on OpenCL (cl/norm/channel.cl): softmax with one work-item per (n, h, w)
 * position, LRN with one per element along dst's innermost axis. */
#include "opencl/reduce_gpu.h"

#define CHANNEL_CL "norm/channel.cl"

static oclnn_status launch(const oclnn_tensor *src, oclnn_tensor *dst, const char *name,
                           const oclnn_lrn_desc *lrn) {
    oclnn_context *ctx = dst->ctx;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, CHANNEL_CL, NULL, name, &k));
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst);
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst);
    cl_uint4 shape = oclnn__cl_shape(src->shape);
    if (lrn) {
        cl_float4 params = {{lrn->alpha / (float)lrn->size, lrn->beta, lrn->k,
                             lrn->beta == 0.75f ? 1.0f : 0.0f}};
        cl_int2 window = {{(cl_int)(lrn->size / 2), (cl_int)((lrn->size - 1) / 2)}};
        const oclnn_shape s = src->shape;
        cl_int chan_inner = dst->stride[OCLNN__C] < dst->stride[OCLNN__W];
        OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss), OCLNN__ARG(md),
                                  OCLNN__ARG(doff), OCLNN__ARG(ds), OCLNN__ARG(shape),
                                  OCLNN__ARG(params), OCLNN__ARG(window), OCLNN__ARG(chan_inner)));
        size_t global[3] = {chan_inner ? s.c : s.w, chan_inner ? s.w : s.h,
                            (size_t)s.n * (chan_inner ? s.h : s.c)};
        return oclnn__cl_launch(ctx, k, 3, global, NULL);
    }
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(ds), OCLNN__ARG(shape)));
    size_t global[3] = {src->shape.w, src->shape.h, src->shape.n};
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

oclnn_status oclnn__cl_softmax(const oclnn_tensor *src, oclnn_tensor *dst) {
    if (oclnn__cl_gpu_class(dst->ctx) && oclnn__cl_softmax_gpu_applies(src))
        return oclnn__cl_softmax_gpu(src, dst);
    return launch(src, dst, "oclnn_softmax", NULL);
}

oclnn_status oclnn__cl_lrn(const oclnn_lrn_desc *d, const oclnn_tensor *src, oclnn_tensor *dst) {
    return launch(src, dst, "oclnn_lrn", d);
}
