/* SPDX-License-Identifier: MIT */
/* Element-wise ops on OpenCL (cl/tensor/eltwise.cl): a row kernel when every operand is dense in
 * one layout, the strided kernel otherwise (views, mixed layouts). */
#include <stdio.h>

#include "opencl/layers.h"

#define ELTWISE_CL "tensor/eltwise.cl"

static const char *op_name(oclnn_eltwise_op op) {
    switch (op) {
    case OCLNN_ELTWISE_ADD: return "add";
    case OCLNN_ELTWISE_ADD_RELU: return "add_relu";
    case OCLNN_ELTWISE_SCALE: return "scale";
    case OCLNN_ELTWISE_RELU: return "relu";
    case OCLNN_ELTWISE_RELU6: return "relu6";
    case OCLNN_ELTWISE_SIGMOID: return "sigmoid";
    case OCLNN_ELTWISE_TANH: return "tanh";
    case OCLNN_ELTWISE_HARDSIGMOID: return "hardsigmoid";
    case OCLNN_ELTWISE_HARDSWISH: return "hardswish";
    case OCLNN_ELTWISE_MUL: return "mul";
    case OCLNN_ELTWISE_LEAKY_RELU: return "leaky_relu"; /* issue 16 */
    case OCLNN_ELTWISE_ELU: return "elu";
    case OCLNN_ELTWISE_SUB: return "sub";
    case OCLNN_ELTWISE_DIV: return "div";
    }
    return "add";
}

static bool dense_like(const oclnn_tensor *t, const oclnn_tensor *dst) {
    return !t || (oclnn__tensor_is_dense(t) && t->layout == dst->layout);
}

/* t's strides in the order `order` (outermost first), as the strided kernel takes them. */
static cl_uint4 permuted(const oclnn_tensor *t, cl_uint4 order) {
    cl_uint4 s;
    for (int i = 0; i < 4; i++) s.s[i] = (cl_uint)t->stride[order.s[i]];
    return s;
}

oclnn_status oclnn__cl_eltwise(oclnn_eltwise_op op, const oclnn_tensor *a, const oclnn_tensor *b,
                               const oclnn_tensor *scale, const oclnn_tensor *shift,
                               oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    cl_mem ma = oclnn__cl_mem(a), mb = oclnn__cl_mem_or_null(b);
    cl_mem ms = oclnn__cl_mem_or_null(scale), mt = oclnn__cl_mem_or_null(shift);
    cl_mem md = oclnn__cl_mem(dst);
    char name[64];
    cl_kernel k;
    const oclnn_shape s = dst->shape;
    if (oclnn__tensor_is_dense(dst) && dense_like(a, dst) && dense_like(b, dst)) {
        cl_int chan_inner = dst->layout == OCLNN_LAYOUT_NHWC;
        cl_uint inner = chan_inner ? s.c : s.h * s.w;
        const bool by4 = inner % 4 == 0;
        snprintf(name, sizeof name, "oclnn_eltwise_%s_rows%s", op_name(op), by4 ? "4" : "");
        OCLNN__TRY(oclnn__cl_kernel(ctx, ELTWISE_CL, NULL, name, &k));
        cl_uint mid = chan_inner ? s.n * s.h * s.w : s.c, outer = chan_inner ? 1u : s.n;
        OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ma), OCLNN__ARG(mb), OCLNN__ARG(ms), OCLNN__ARG(mt),
                                  OCLNN__ARG(md), OCLNN__ARG(inner), OCLNN__ARG(mid),
                                  OCLNN__ARG(outer), OCLNN__ARG(chan_inner)));
        size_t global[3] = {by4 ? inner / 4 : inner, mid, outer};
        return oclnn__cl_launch(ctx, k, 3, global, NULL);
    }
    snprintf(name, sizeof name, "oclnn_eltwise_%s_strided", op_name(op));
    OCLNN__TRY(oclnn__cl_kernel(ctx, ELTWISE_CL, NULL, name, &k));
    cl_uint4 dims, order;
    size_t global[3];
    oclnn__cl_walk(s, dst->stride, &dims, &order, global);
    cl_uint4 as = permuted(a, order), bs = b ? permuted(b, order) : as, ds = permuted(dst, order);
    cl_uint aoff = (cl_uint)a->offset, boff = b ? (cl_uint)b->offset : 0u;
    cl_uint doff = (cl_uint)dst->offset;
    cl_int cpos = 0;
    for (int i = 0; i < 4; i++)
        if (order.s[i] == OCLNN__C) cpos = i;
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ma), OCLNN__ARG(aoff), OCLNN__ARG(as), OCLNN__ARG(mb),
                              OCLNN__ARG(boff), OCLNN__ARG(bs), OCLNN__ARG(ms), OCLNN__ARG(mt),
                              OCLNN__ARG(md), OCLNN__ARG(doff), OCLNN__ARG(ds), OCLNN__ARG(dims),
                              OCLNN__ARG(cpos)));
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}
