/* SPDX-License-Identifier: MIT */
/* Implicit-GEMM 3-D convolution on OpenCL (issue 19): the GEMM engine (cl/gemm/xgemm.cl with
 * IMPLICIT 2) with the 2-D implicit GEMM's gather (conv2d_xgemm.c) generalised to 5-D:
 *
 *   C[g] (Kg x N*OD*OH*OW) = W[g] (Kg x Cg*T*R*S) * im2col3d(src)[g]
 *
 * the im2col-3d element gathered while the engine loads its B tiles (no im2col buffer), every
 * group in one launch (the group is the third launch dimension), and the epilogue (bias,
 * residual, ReLU, strided store into any layout or channel view) fused into the store: the output
 * (n, k, od, oh, ow) is the folded 4-D tensor's (n, k, od*OH + oh, ow), so the engine's 2-D
 * epilogue with P*Q = OD*OH*OW and Q = OW serves unchanged. Weights keep the user's (c, t, r, s)
 * order (the operator's parameter tensor, used in place) for a channels-first context and become
 * (t, r, s, c) for a channels-last one, so that neighbouring work-items gather neighbouring
 * addresses either way; any src layout computes right. src/ops checked that every input
 * coordinate fits an int (oclnn__conv3d_applies). */
#include <string.h>

#include "backend/nd.h"
#include "core/alloc.h"
#include "opencl/conv2d.h"
#include "opencl/layers.h"
#include "opencl/nd.h"

#define XGEMM_CL "gemm/xgemm.cl"

typedef struct nd_implicit {
    cl_kernel k;
    cl_mem w;           /* the (t, r, s, c) weights (KC_ORDER 1), or NULL: the parameter tensor */
    oclnn__cl_xgemm xg; /* the engine's tiles (launch shape) */
} nd_implicit;

oclnn_status oclnn__cl_conv3d_implicit_create(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                              const float *host_w, const oclnn__conv2d_tunables *tun,
                                              void **state) {
    nd_implicit *s = oclnn__calloc(ctx->allocator, 1, sizeof *s);
    if (!s) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the convolution");
    *state = s;
    const bool kc = ctx->layout == OCLNN_LAYOUT_NHWC; /* channels-last context: (t, r, s, c) */
    oclnn__cl_options o;
    memset(&o, 0, sizeof o);
    oclnn__cl_define_int(&o, "IMPLICIT", 2);
    oclnn__cl_define_int(&o, "KC_ORDER", kc);
    oclnn__cl_define_int(&o, "GATHER_K_FAST", kc);
    oclnn__cl_xgemm_config(tun, &s->xg, &o);
    OCLNN__TRY(oclnn__cl_kernel(ctx, XGEMM_CL, &o, "oclnn_xgemm", &s->k));
    if (!kc) return OCLNN_OK;
    const size_t taps = (size_t)pb->kt * pb->kr * pb->ks, per_k = taps * pb->cg,
                 wn = per_k * pb->k; /* within size_t: checked by src/ops */
    float *wk = oclnn__alloc(ctx->allocator, wn * sizeof *wk);
    if (!wk) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu weights", wn);
    for (size_t k = 0; k < pb->k; k++)
        for (size_t c = 0; c < pb->cg; c++)
            for (size_t t = 0; t < taps; t++)
                wk[k * per_k + t * pb->cg + c] = host_w[k * per_k + c * taps + t];
    oclnn_status st = oclnn__cl_conv_upload(ctx, wk, wn, &s->w);
    oclnn__free(ctx->allocator, wk);
    return st;
}

void oclnn__cl_conv3d_implicit_destroy(oclnn_context *ctx, void *state) {
    nd_implicit *s = state;
    if (!s) return;
    if (s->w) clReleaseMemObject(s->w);
    oclnn__free(ctx->allocator, s);
}

oclnn_status oclnn__cl_conv3d_implicit_run(oclnn_context *ctx, const oclnn__conv3d_problem *pb,
                                           void *state, const oclnn_tensor *weights,
                                           const oclnn_tensor *bias, const oclnn_tensor *src,
                                           oclnn_tensor *dst, const oclnn_tensor *residual) {
    const nd_implicit *s = state;
    oclnn__cl_epi epi = {
        .dst = oclnn__cl_mem(dst),
        .dst_off = (cl_uint)dst->offset,
        .dst_stride = oclnn__cl_strides(dst),
        .bias = oclnn__cl_mem_or_null(bias),
        .res = oclnn__cl_mem_or_null(residual),
        .res_off = residual ? (cl_uint)residual->offset : 0u,
        .flags = (bias ? 1u : 0u) | (residual ? 2u : 0u) |
                 (pb->act == OCLNN_ACTIVATION_RELU ? 4u : 0u),
    };
    epi.res_stride = residual ? oclnn__cl_strides(residual) : epi.dst_stride;
    cl_mem a = s->w ? s->w : oclnn__cl_mem(weights), b = oclnn__cl_mem(src);
    cl_uint a_off = s->w ? 0u : (cl_uint)weights->offset, zero = 0, b_off = (cl_uint)src->offset;
    cl_uint crs = pb->cg * pb->kt * pb->kr * pb->ks, a_grp = pb->kg * crs;
    cl_uint m = pb->kg, pq = pb->od * pb->oh * pb->ow, n = pb->n * pq, batches = pb->groups;
    cl_uint4 ss = oclnn__cl_strides(src), pad = {{pb->pad[0], pb->pad[1], pb->pad[2], 0}},
             geo = {{pq, pb->ow, OCLNN__GEMM_ROWS_CHANNELS, pb->groups}};
    cl_uint16 g3 = {{pb->d, pb->h, pb->w, pb->kt, pb->kr, pb->ks, pb->od, pb->oh, pb->ow,
                     pb->stride[0], pb->stride[1], pb->stride[2], pb->dil[0], pb->dil[1],
                     pb->dil[2], pb->cg}};
    cl_uint2 plain = {{0, 0}};
    oclnn__cl_arg args[32];
    size_t count = 0;
    args[count++] = OCLNN__ARG(a);
    args[count++] = OCLNN__ARG(a_off);
    args[count++] = OCLNN__ARG(zero); /* a_img: images are columns of one product */
    args[count++] = OCLNN__ARG(a_grp);
    args[count++] = OCLNN__ARG(crs); /* lda */
    args[count++] = OCLNN__ARG(b);
    args[count++] = OCLNN__ARG(b_off);
    args[count++] = OCLNN__ARG(ss);
    args[count++] = OCLNN__ARG(g3);
    args[count++] = OCLNN__ARG(pad);
    args[count++] = OCLNN__ARG(m);
    args[count++] = OCLNN__ARG(n);
    args[count++] = OCLNN__ARG(crs); /* K */
    args[count++] = OCLNN__ARG(batches);
    args[count++] = OCLNN__ARG(geo);
    args[count++] = OCLNN__ARG(plain);
    oclnn__cl_conv_epi_args(&epi, args, &count);
    OCLNN__TRY(oclnn__cl_set_args(s->k, count, args));
    size_t global[3], local[3];
    oclnn__cl_xgemm_shape(&s->xg, m, n, batches, global, local);
    return oclnn__cl_launch(ctx, s->k, 3, global, local);
}
