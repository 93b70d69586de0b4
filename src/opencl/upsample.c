/* SPDX-License-Identifier: MIT */
/* Transposed convolution (cl/upsample/deconv.cl) and resize (cl/upsample/resize.c) on OpenCL
 * (issue 18). Both launch along dst's innermost axis with the work-group size the launch layer
 * picks for the kernel and device class (oclnn__cl_launch with no local size: 256 work-items on
 * GPUs, 64 on CPUs, balanced over the axes). The transposed convolution's KB (output channels
 * per work-item) is the largest of 4, 2, 1 that divides the channels per group, a compile-time
 * constant so the accumulators stay in registers. */
#include "backend/upsample.h"
#include "opencl/layers.h"

#define DECONV_CL "upsample/deconv.cl"
#define RESIZE_CL "upsample/resize.cl"

static bool chan_inner_of(const oclnn_tensor *t) {
    return t->stride[OCLNN__C] < t->stride[OCLNN__W];
}

/* AUTO: the GEMM (col2im) once a group has enough input channels for the GEMM engines to pay;
 * the direct gather for depthwise-like shapes (docs/UPSAMPLE.md has the measurements). */
static const char *cl_deconv2d_algorithm(oclnn_context *ctx, const oclnn_deconv2d_desc *d) {
    (void)ctx;
    if (d->algo == OCLNN_DECONV_ALGO_DIRECT) return "direct";
    if (d->algo == OCLNN_DECONV_ALGO_COL2IM) return "col2im";
    return d->input.c / d->groups >= 16 ? "col2im" : "direct";
}

static oclnn_status cl_col2im(const oclnn_deconv2d_desc *d, const oclnn_tensor *cols,
                              const oclnn_tensor *bias, oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    const oclnn_shape os = dst->shape;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, DECONV_CL, NULL, "oclnn_deconv2d_col2im", &k));
    cl_mem mc = oclnn__cl_mem(cols), md = oclnn__cl_mem(dst);
    cl_mem mb = bias ? oclnn__cl_mem(bias) : mc; /* unread without the flag */
    cl_uint coff = (cl_uint)cols->offset, doff = (cl_uint)dst->offset;
    cl_uint4 cs = oclnn__cl_strides(cols), ds = oclnn__cl_strides(dst);
    cl_uint2 in_hw = {{cols->shape.h, cols->shape.w}};
    cl_uint4 out_shape = oclnn__cl_shape(os);
    cl_uint flags = (bias ? 1u : 0u) | (d->activation == OCLNN_ACTIVATION_RELU ? 2u : 0u);
    cl_uint4 kern = {{d->kernel_h, d->kernel_w, d->groups, flags}};
    cl_uint4 conv = {{d->stride_h, d->stride_w, d->dilation_h, d->dilation_w}};
    cl_uint2 pad = {{d->pad_h, d->pad_w}};
    cl_uint chan_inner = chan_inner_of(dst);
    size_t global[3];
    if (chan_inner) {
        global[0] = os.c;
        global[1] = os.w;
        global[2] = (size_t)os.n * os.h;
    } else {
        global[0] = os.w;
        global[1] = os.h;
        global[2] = (size_t)os.n * os.c;
    }
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(mc), OCLNN__ARG(coff), OCLNN__ARG(cs), OCLNN__ARG(in_hw),
                              OCLNN__ARG(md), OCLNN__ARG(doff), OCLNN__ARG(ds),
                              OCLNN__ARG(out_shape), OCLNN__ARG(mb), OCLNN__ARG(kern),
                              OCLNN__ARG(conv), OCLNN__ARG(pad), OCLNN__ARG(chan_inner)));
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

static oclnn_status cl_deconv2d(const oclnn_deconv2d_desc *d, const char *algo,
                                const oclnn_tensor *src, const oclnn_tensor *w,
                                const oclnn_tensor *bias, oclnn_tensor *dst) {
    (void)algo;
    oclnn_context *ctx = dst->ctx;
    const oclnn_shape os = dst->shape;
    const uint32_t kg = os.c / d->groups;
    const uint32_t kb = kg % 4 == 0 ? 4 : kg % 2 == 0 ? 2 : 1;
    oclnn__cl_options opt = {0};
    oclnn__cl_define_int(&opt, "KB", kb);
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, DECONV_CL, &opt, "oclnn_deconv2d", &k));
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst), mw = oclnn__cl_mem(w);
    cl_mem mb = bias ? oclnn__cl_mem(bias) : mw; /* unread without the flag */
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst);
    cl_uint4 in_shape = oclnn__cl_shape(src->shape), out_shape = oclnn__cl_shape(os);
    cl_uint flags = (bias ? 1u : 0u) | (d->activation == OCLNN_ACTIVATION_RELU ? 2u : 0u);
    cl_uint4 kern = {{d->kernel_h, d->kernel_w, d->groups, flags}};
    cl_uint4 conv = {{d->stride_h, d->stride_w, d->dilation_h, d->dilation_w}};
    cl_uint2 pad = {{d->pad_h, d->pad_w}};
    cl_uint chan_inner = chan_inner_of(dst);
    const size_t blocks = os.c / kb;
    size_t global[3];
    if (chan_inner) {
        global[0] = blocks;
        global[1] = os.w;
        global[2] = (size_t)os.n * os.h;
    } else {
        global[0] = os.w;
        global[1] = os.h;
        global[2] = (size_t)os.n * blocks;
    }
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss),
                              OCLNN__ARG(in_shape), OCLNN__ARG(md), OCLNN__ARG(doff),
                              OCLNN__ARG(ds), OCLNN__ARG(out_shape), OCLNN__ARG(mw),
                              OCLNN__ARG(mb), OCLNN__ARG(kern), OCLNN__ARG(conv), OCLNN__ARG(pad),
                              OCLNN__ARG(chan_inner)));
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

static oclnn_status cl_resize(const oclnn__resize_plan *pl, const oclnn_tensor *src,
                              oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    const oclnn_shape os = dst->shape;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, RESIZE_CL, NULL, "oclnn_resize", &k));
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst);
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst), dims = oclnn__cl_shape(os);
    cl_uint2 in_hw = {{src->shape.h, src->shape.w}};
    cl_float2 scale = {{pl->scale_h, pl->scale_w}};
    cl_uint mode = pl->mode == OCLNN_RESIZE_NEAREST ? 0u : pl->align_corners ? 2u : 1u;
    cl_uint chan_inner = chan_inner_of(dst);
    size_t global[3];
    if (chan_inner) {
        global[0] = os.c;
        global[1] = os.w;
        global[2] = (size_t)os.n * os.h;
    } else {
        global[0] = os.w;
        global[1] = os.h;
        global[2] = (size_t)os.n * os.c;
    }
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss),
                              OCLNN__ARG(in_hw), OCLNN__ARG(md), OCLNN__ARG(doff), OCLNN__ARG(ds),
                              OCLNN__ARG(dims), OCLNN__ARG(scale), OCLNN__ARG(mode),
                              OCLNN__ARG(chan_inner)));
    return oclnn__cl_launch(ctx, k, 3, global, NULL);
}

const oclnn__upsample_family oclnn__upsample_opencl = {
    .deconv2d_algorithm = cl_deconv2d_algorithm,
    .deconv2d = cl_deconv2d,
    .col2im = cl_col2im,
    .resize = cl_resize,
};
