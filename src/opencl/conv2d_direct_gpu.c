/* SPDX-License-Identifier: MIT */
/* Direct, grouped and depthwise convolution for the GPU device class (cl/conv/direct_gpu.cl):
 * fixed (TX, TY) work-groups that stage the input tile with its halo and the filter slice in
 * local memory. Chosen by conv2d_direct.c when ctx->devclass is a GPU class and the tiles fit the
 * device's local memory; otherwise the CPU-shaped kernels run. Tunables: the conv_direct_gpu and
 * conv_depthwise_gpu spaces (src/tune/space_conv_direct_gpu.c), resolved by the plan. */
#include <string.h>

#include "opencl/conv2d.h"

#define DIRECT_GPU_CL "conv/direct_gpu.cl"

typedef struct tile_geo {
    cl_uint th, tw;      /* input tile rows and columns, halo included */
    size_t in_bytes, w_bytes;
} tile_geo;

static tile_geo geometry(const oclnn__cl_conv *cv) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    tile_geo t;
    t.th = (cv->ty - 1) * pb->stride_h + (pb->r - 1) * pb->dil_h + 1;
    t.tw = (cv->tx - 1) * pb->stride_w + (pb->s - 1) * pb->dil_w + 1;
    size_t rs = (size_t)pb->r * pb->s;
    t.in_bytes = (size_t)cv->ct * t.th * t.tw * sizeof(float);
    t.w_bytes = (cv->algo == OCLNN_CONV_ALGO_DEPTHWISE ? cv->ct * rs : cv->ct * rs * cv->kb) * sizeof(float);
    return t;
}

/* TX, TY, KPT (cv->kb), CT or DC (cv->ct) from the plan's tunables (the conv_direct_gpu or
 * conv_depthwise_gpu space, resolved by src/ops; false when the plan has another space), and the
 * build options for those that differ from the kernel's defaults. A KPT at its default shrinks to
 * the group's channel count: ResNeXt's Kg = 4 would otherwise compute half its block on zero
 * weights. */
static bool tunables(oclnn__cl_conv *cv, oclnn__cl_options *opts) {
    memset(opts, 0, sizeof *opts);
    cv->tx = cv->ty = cv->ct = 0;
    cv->kb = 1;
    for (size_t i = 0; i < cv->tun.n; i++) {
        const char *name = cv->tun.t[i].name;
        uint32_t value = cv->tun.t[i].value;
        if (!strcmp(name, "KPT") && value == cv->tun.t[i].def)
            while (value > 1 && value / 2 >= cv->pb.kg) value /= 2;
        if (value != cv->tun.t[i].def) oclnn__cl_define_int(opts, name, value);
        if (!strcmp(name, "TX")) cv->tx = value;
        else if (!strcmp(name, "TY")) cv->ty = value;
        else if (!strcmp(name, "KPT")) cv->kb = value;
        else if (!strcmp(name, "CT") || !strcmp(name, "DC")) cv->ct = value;
    }
    return cv->tx && cv->ty && cv->ct;
}

oclnn_status oclnn__cl_conv_direct_gpu_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w,
                                              bool *fits) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    oclnn__cl_options opts;
    *fits = false;
    if (!tunables(cv, &opts)) return OCLNN_OK;
    tile_geo t = geometry(cv);
    *fits = ctx->device.max_work_group_size >= (size_t)cv->tx * cv->ty &&
            t.in_bytes + t.w_bytes <= ctx->device.local_mem_bytes;
    if (!*fits) return OCLNN_OK;
    cv->gpu = true;
    if (cv->algo == OCLNN_CONV_ALGO_DEPTHWISE) {
        OCLNN__TRY(oclnn__cl_conv_upload(ctx, w, (size_t)pb->k * pb->r * pb->s, &cv->w));
        return oclnn__cl_kernel(ctx, DIRECT_GPU_CL, &opts, "oclnn_conv_depthwise_gpu", &cv->main);
    }
    OCLNN__TRY(oclnn__cl_conv_direct_upload(ctx, cv, w));
    return oclnn__cl_kernel(ctx, DIRECT_GPU_CL, &opts, "oclnn_conv_direct_gpu", &cv->main);
}

oclnn_status oclnn__cl_conv_direct_gpu_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                           const oclnn_tensor *src, oclnn_tensor *dst,
                                           const oclnn_tensor *res) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    const bool dw = cv->algo == OCLNN_CONV_ALGO_DEPTHWISE;
    tile_geo t = geometry(cv);
    oclnn__cl_epi epi;
    oclnn__cl_conv_epi(cv, dst, res, &epi);
    cl_mem s = oclnn__cl_mem(src), w = cv->w;
    cl_uint off = (cl_uint)src->offset;
    cl_uint4 stride = oclnn__cl_strides(src), shape = {{pb->n, pb->c, pb->h, pb->w}},
             kern = {{pb->r, pb->s, pb->p, pb->q}},
             conv = {{pb->stride_h, pb->stride_w, pb->dil_h, pb->dil_w}},
             tile = {{t.th, t.tw, pb->pad_top, pb->pad_left}}, grp;
    cl_uint chan_inner = src->stride[OCLNN__C] < src->stride[OCLNN__W];
    size_t global[3] = {pb->q, pb->p, 0}, local[3] = {cv->tx, cv->ty, 1};
    if (dw) {
        grp = (cl_uint4){{pb->k, pb->kg, 0, 0}};
        global[2] = (size_t)pb->n * ((pb->k + cv->ct - 1) / cv->ct);
    } else {
        cl_uint blocks = (pb->kg + cv->kb - 1) / cv->kb;
        grp = (cl_uint4){{pb->groups, pb->cg, pb->kg, blocks}};
        global[2] = (size_t)pb->n * pb->groups * blocks;
    }
    oclnn__cl_arg args[24];
    size_t n = 0;
    args[n++] = OCLNN__ARG(s);
    args[n++] = OCLNN__ARG(off);
    args[n++] = OCLNN__ARG(stride);
    args[n++] = OCLNN__ARG(shape);
    args[n++] = OCLNN__ARG(kern);
    args[n++] = OCLNN__ARG(conv);
    args[n++] = OCLNN__ARG(grp);
    args[n++] = OCLNN__ARG(tile);
    args[n++] = OCLNN__ARG(chan_inner);
    args[n++] = OCLNN__ARG(w);
    args[n++] = OCLNN__ARG_LOCAL(t.in_bytes);
    args[n++] = OCLNN__ARG_LOCAL(t.w_bytes);
    oclnn__cl_conv_epi_args(&epi, args, &n);
    OCLNN__TRY(oclnn__cl_set_args(cv->main, n, args));
    return oclnn__cl_launch(ctx, cv->main, 3, global, local);
}
