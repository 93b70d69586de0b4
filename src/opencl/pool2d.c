/* SPDX-License-Identifier: MIT */
/* Max/average pooling on OpenCL (cl/pool/pool.cl): one work-item per output element, launched
 * along dst's innermost axis (w, or c for NHWC). Global pooling in the GPU class is a work-group
 * reduction (reduce_gpu.c). */
#include <stdio.h>

#include "opencl/reduce_gpu.h"

#define POOL_CL "pool/pool.cl"

oclnn_status oclnn__cl_pool2d(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                              oclnn_tensor *dst, oclnn_tensor *argmax) {
    oclnn_context *ctx = dst->ctx;
    if (oclnn__cl_gpu_class(ctx) && oclnn__cl_pool_global_gpu_applies(d, src, dst, argmax))
        return oclnn__cl_pool_global_gpu(d, src, dst);
    const oclnn_shape os = dst->shape;
    const bool chan_inner = dst->stride[OCLNN__C] < dst->stride[OCLNN__W];
    char name[64];
    snprintf(name, sizeof name, "oclnn_pool2d_%s_%c",
             d->kind != OCLNN_POOL_MAX ? "avg" : argmax ? "max_argmax" : "max", chan_inner ? 'c' : 'w');
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, POOL_CL, NULL, name, &k));
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst), ma = oclnn__cl_mem_or_null(argmax);
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset;
    cl_uint aoff = argmax ? (cl_uint)argmax->offset : 0u;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst);
    cl_uint4 as = argmax ? oclnn__cl_strides(argmax) : ds, dims = oclnn__cl_shape(dst->shape);
    cl_uint2 in_hw = {{src->shape.h, src->shape.w}};
    cl_uint4 win = {{d->kernel_h, d->kernel_w, d->stride_h, d->stride_w}};
    cl_uint4 pad = {{d->pad_h, d->pad_w, d->pad_bottom, d->pad_right}}; /* resolved by the op */
    cl_int include_pad = d->count_include_pad;
    size_t global[3] = {chan_inner ? os.c : os.w, chan_inner ? os.w : os.h, chan_inner ? os.h : os.c};
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss), OCLNN__ARG(in_hw),
                              OCLNN__ARG(md), OCLNN__ARG(doff), OCLNN__ARG(ds), OCLNN__ARG(ma),
                              OCLNN__ARG(aoff), OCLNN__ARG(as), OCLNN__ARG(dims),
                              OCLNN__ARG(win), OCLNN__ARG(pad), OCLNN__ARG(include_pad)));
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}
