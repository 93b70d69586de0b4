/* SPDX-License-Identifier: MIT */
/* Element-wise ops on OpenCL (cl/tensor/eltwise.cl): a flat kernel when every operand is dense
 * in one layout, the strided kernel otherwise (views, mixed layouts). */
#include "opencl/layers.h"

#define ELTWISE_CL "tensor/eltwise.cl"

static bool dense_like(const oclnn_tensor *t, const oclnn_tensor *dst) {
    return !t || (oclnn__tensor_is_dense(t) && t->layout == dst->layout);
}

oclnn_status oclnn__cl_eltwise(oclnn_eltwise_op op, const oclnn_tensor *a, const oclnn_tensor *b,
                               const oclnn_tensor *scale, const oclnn_tensor *shift,
                               oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    cl_mem ma = oclnn__cl_mem(a), mb = oclnn__cl_mem_or_null(b);
    cl_mem ms = oclnn__cl_mem_or_null(scale), mt = oclnn__cl_mem_or_null(shift);
    cl_mem md = oclnn__cl_mem(dst);
    cl_int cop = (cl_int)op;
    cl_kernel k;
    if (oclnn__tensor_is_dense(dst) && dense_like(a, dst) && dense_like(b, dst)) {
        OCLNN__TRY(oclnn__cl_kernel(ctx, ELTWISE_CL, NULL, "oclnn_eltwise_flat", &k));
        oclnn_shape s = dst->shape;
        cl_uint count = (cl_uint)((size_t)s.n * s.c * s.h * s.w);
        cl_uint cdiv = dst->layout == OCLNN_LAYOUT_NHWC ? 1u : s.h * s.w, channels = s.c;
        OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ma), OCLNN__ARG(mb), OCLNN__ARG(ms), OCLNN__ARG(mt),
                                  OCLNN__ARG(md), OCLNN__ARG(count), OCLNN__ARG(cdiv),
                                  OCLNN__ARG(channels), OCLNN__ARG(cop)));
        size_t global = count;
        return oclnn__cl_launch(ctx, k, 1, &global, NULL);
    }
    OCLNN__TRY(oclnn__cl_kernel(ctx, ELTWISE_CL, NULL, "oclnn_eltwise_strided", &k));
    cl_uint4 as = oclnn__cl_strides(a), bs = b ? oclnn__cl_strides(b) : as;
    cl_uint4 ds = oclnn__cl_strides(dst), dims, order;
    cl_uint aoff = (cl_uint)a->offset, boff = b ? (cl_uint)b->offset : 0u;
    cl_uint doff = (cl_uint)dst->offset;
    size_t global[3];
    oclnn__cl_walk(dst->shape, dst->stride, &dims, &order, global);
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ma), OCLNN__ARG(aoff), OCLNN__ARG(as), OCLNN__ARG(mb),
                              OCLNN__ARG(boff), OCLNN__ARG(bs), OCLNN__ARG(ms), OCLNN__ARG(mt),
                              OCLNN__ARG(md), OCLNN__ARG(doff), OCLNN__ARG(ds), OCLNN__ARG(dims),
                              OCLNN__ARG(order), OCLNN__ARG(cop)));
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}
