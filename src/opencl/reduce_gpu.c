/* SPDX-License-Identifier: MIT */
/* GPU-class reductions: batch-norm statistics (cl/norm/batchnorm.cl oclnn_bn_train_stats_gpu),
 * global pooling (cl/pool/global_gpu.cl), softmax (cl/norm/softmax_gpu.cl) and FC as a GEMV
 * (cl/fc/gemv_gpu.cl). Each launches fixed work-groups of RED_WG items that end in a local-memory
 * tree; for channel-innermost tensors a group covers RED_CW channels so that its rows read
 * neighbouring addresses. */
#include "opencl/reduce_gpu.h"

#define RED_WG OCLNN__CL_GPU_GROUP /* the kernels' default GWG / WG (256) */
#define RED_CW 32u  /* channels per work-group when channels are innermost */
/* Softmax needs this many channels before one work-group per position pays (fewer leave most
 * of the group idle; the per-position kernel of channel.cl then serves). */
#define SOFTMAX_MIN_CHANNELS 64u
/* FC batches up to this size run as a GEMV (the kernel's NB = 4 samples per work-group, so each
 * weight is read at most twice); larger batches are a GEMM. */
#define FC_GEMV_MAX_BATCH 8u
#define FC_NB 4u /* the kernel's default NB */

static bool chan_inner(const oclnn_tensor *t) {
    return t->stride[OCLNN__C] < t->stride[OCLNN__W] && t->shape.c > 1;
}

/* The element step along a plane whose rows are back to back, else 0 (kernels then index by
 * row and column). */
static cl_uint plane_step(const oclnn_tensor *t) {
    return t->stride[OCLNN__H] == (size_t)t->shape.w * t->stride[OCLNN__W] ? (cl_uint)t->stride[OCLNN__W]
                                                                           : 0u;
}

oclnn_status oclnn__cl_bn_train_stats_gpu(const oclnn_tensor *src, float eps, float momentum,
                                          const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                          oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                          oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                          oclnn_tensor *scale, oclnn_tensor *shift) {
    oclnn_context *ctx = src->ctx;
    cl_mem mx = oclnn__cl_mem(src), mg = oclnn__cl_mem(gamma), mb = oclnn__cl_mem(beta);
    cl_mem mrm = oclnn__cl_mem(running_mean), mrv = oclnn__cl_mem(running_var);
    cl_mem mbm = oclnn__cl_mem(batch_mean), mbv = oclnn__cl_mem(batch_var);
    cl_mem mks = oclnn__cl_mem(scale), mkt = oclnn__cl_mem(shift);
    cl_uint off = (cl_uint)src->offset, hw_step = plane_step(src), cols = chan_inner(src) ? RED_CW : 1u;
    cl_uint4 xs = oclnn__cl_strides(src), shape = oclnn__cl_shape(src->shape);
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, "norm/batchnorm.cl", NULL, "oclnn_bn_train_stats_gpu", &k));
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(mx), OCLNN__ARG(off), OCLNN__ARG(xs), OCLNN__ARG(shape),
                              OCLNN__ARG(hw_step), OCLNN__ARG(cols), OCLNN__ARG(eps),
                              OCLNN__ARG(momentum), OCLNN__ARG(mg), OCLNN__ARG(mb), OCLNN__ARG(mrm),
                              OCLNN__ARG(mrv), OCLNN__ARG(mbm), OCLNN__ARG(mbv), OCLNN__ARG(mks),
                              OCLNN__ARG(mkt)));
    size_t global = (size_t)((src->shape.c + cols - 1) / cols) * RED_WG, local = RED_WG;
    return oclnn__cl_launch(ctx, k, 1, &global, &local);
}

bool oclnn__cl_pool_global_gpu_applies(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                                       const oclnn_tensor *dst, const oclnn_tensor *argmax) {
    return !argmax && d->kernel_h == src->shape.h && d->kernel_w == src->shape.w && d->pad_h == 0 &&
           d->pad_w == 0 && dst->shape.h == 1 && dst->shape.w == 1;
}

oclnn_status oclnn__cl_pool_global_gpu(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                                       oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, "pool/global_gpu.cl", NULL, "oclnn_pool_global_gpu", &k));
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst);
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset, hw_step = plane_step(src);
    cl_uint cols = chan_inner(src) ? RED_CW : 1u, is_max = d->kind == OCLNN_POOL_MAX;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst), shape = oclnn__cl_shape(src->shape);
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss), OCLNN__ARG(shape),
                              OCLNN__ARG(hw_step), OCLNN__ARG(cols), OCLNN__ARG(is_max), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(ds)));
    size_t groups = (size_t)src->shape.n * ((src->shape.c + cols - 1) / cols);
    size_t global = groups * RED_WG, local = RED_WG;
    return oclnn__cl_launch(ctx, k, 1, &global, &local);
}

bool oclnn__cl_softmax_gpu_applies(const oclnn_tensor *src) {
    return src->shape.c >= SOFTMAX_MIN_CHANNELS;
}

oclnn_status oclnn__cl_softmax_gpu(const oclnn_tensor *src, oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, "norm/softmax_gpu.cl", NULL, "oclnn_softmax_gpu", &k));
    cl_mem ms = oclnn__cl_mem(src), md = oclnn__cl_mem(dst);
    cl_uint soff = (cl_uint)src->offset, doff = (cl_uint)dst->offset;
    cl_uint4 ss = oclnn__cl_strides(src), ds = oclnn__cl_strides(dst), shape = oclnn__cl_shape(src->shape);
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(ms), OCLNN__ARG(soff), OCLNN__ARG(ss), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(ds), OCLNN__ARG(shape)));
    size_t global = (size_t)src->shape.n * src->shape.h * src->shape.w * RED_WG, local = RED_WG;
    return oclnn__cl_launch(ctx, k, 1, &global, &local);
}

bool oclnn__cl_fc_gemv_gpu_applies(const oclnn_tensor *x) { return x->shape.n <= FC_GEMV_MAX_BATCH; }

oclnn_status oclnn__cl_fc_gemv_gpu(const oclnn_tensor *x, const oclnn_tensor *w,
                                   const oclnn_tensor *bias, oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, "fc/gemv_gpu.cl", NULL, "oclnn_fc_gemv_gpu", &k));
    cl_mem mx = oclnn__cl_mem(x), mw = oclnn__cl_mem(w), md = oclnn__cl_mem(dst);
    cl_mem mb = oclnn__cl_mem_or_null(bias);
    cl_uint N = x->shape.n, K = x->shape.c, O = w->shape.n, doff = (cl_uint)dst->offset;
    cl_uint2 dstride = {{(cl_uint)dst->stride[OCLNN__N], (cl_uint)dst->stride[OCLNN__C]}};
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(mx), OCLNN__ARG(mw), OCLNN__ARG(mb), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(dstride), OCLNN__ARG(N), OCLNN__ARG(K),
                              OCLNN__ARG(O)));
    size_t global[2] = {(size_t)O * RED_WG, (N + FC_NB - 1) / FC_NB}, local[2] = {RED_WG, 1};
    return oclnn__cl_launch(ctx, k, 2, global, local);
}
