/* SPDX-License-Identifier: MIT */
/* Winograd F(2x2,3x3), F(4x4,3x3) and F(6x6,3x3) on OpenCL: filters transformed once at create (on the host,
 * in double) into U[alpha^2][K][C]; a run is the input transform kernel into V[alpha^2][C][T],
 * one batched GEMM (conv/gemm.cl, or the GEMM engine in the GPU classes; alpha^2 batches,
 * M = U * V into scratch) and the output transform kernel with the epilogue. Scratch:
 * alpha^2 * T * (C + K) floats.
 * With fewer tiles T than output channels (late ResNet layers at batch 1: T = 4 for 7x7) the
 * tiles become the GEMM's rows (V[xi][t][c] * U^T[xi][c][k]) so that the GEMM's vectorized
 * columns run over the channels instead of four tiles. */
#include "opencl/conv2d.h"

#include <stdio.h>

#include "core/alloc.h"
#include "opencl/gpu_class.h"

typedef struct geometry {
    cl_uint m, alpha, th, tw, tiles;
} geometry;

static geometry geom(const oclnn__cl_conv *cv) {
    geometry g;
    g.m = cv->algo == OCLNN_CONV_ALGO_WINOGRAD_2X2 ? 2 : cv->algo == OCLNN_CONV_ALGO_WINOGRAD_4X4 ? 4 : 6;
    g.alpha = g.m + 2;
    g.th = (cv->pb.p + g.m - 1) / g.m;
    g.tw = (cv->pb.q + g.m - 1) / g.m;
    g.tiles = cv->pb.n * g.th * g.tw;
    return g;
}

/* The GPU-class transforms: WT x WC (tiles x channels) work-groups of 256 items. */
#define GPU_WT 16u /* the kernels' WT and WC (cl/conv/winograd_gpu.h) */
#define GPU_WC 16u
static oclnn_status launch_gpu(oclnn_context *ctx, cl_kernel k, size_t tiles, size_t channels) {
    size_t global[2] = {(tiles + GPU_WT - 1) / GPU_WT * GPU_WT * GPU_WC, (channels + GPU_WC - 1) / GPU_WC};
    size_t local[2] = {GPU_WT * GPU_WC, 1};
    return oclnn__cl_launch(ctx, k, 2, global, local);
}

oclnn_status oclnn__cl_conv_winograd_workspace(const oclnn__cl_conv *cv, size_t *workspace) {
    geometry g = geom(cv);
    size_t scratch = (size_t)g.alpha * g.alpha * g.tiles * ((size_t)cv->pb.c + cv->pb.k);
    if (scratch > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "the Winograd buffers (%zu floats) exceed the kernels' 32-bit indexing", scratch);
    *workspace = scratch * sizeof(float);
    return OCLNN_OK;
}

oclnn_status oclnn__cl_conv_winograd_create(oclnn_context *ctx, oclnn__cl_conv *cv, const float *w,
                                            size_t *workspace) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    geometry g = geom(cv);
    size_t a2 = (size_t)g.alpha * g.alpha, un = a2 * pb->k * pb->c;
    OCLNN__TRY(oclnn__cl_conv_winograd_workspace(cv, workspace));
    float *u = oclnn__alloc(ctx->allocator, un * sizeof *u);
    if (!u) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the transformed filters");
    oclnn__conv2d_winograd_filter(pb, g.m, w, u);
    cv->wino_rows = g.tiles < pb->k;
    if (cv->wino_rows) { /* U^T: [xi][c][k] */
        float *ut = oclnn__alloc(ctx->allocator, un * sizeof *ut);
        if (!ut) {
            oclnn__free(ctx->allocator, u);
            return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the transformed filters");
        }
        size_t kc = (size_t)pb->k * pb->c;
        for (size_t x = 0; x < a2; x++)
            for (size_t k = 0; k < pb->k; k++)
                for (size_t c = 0; c < pb->c; c++) ut[x * kc + c * pb->k + k] = u[x * kc + k * pb->c + c];
        oclnn__free(ctx->allocator, u);
        u = ut;
    }
    oclnn_status st = oclnn__cl_conv_upload(ctx, u, un, &cv->w);
    oclnn__free(ctx->allocator, u);
    OCLNN__TRY(st);
    oclnn__cl_options gemm, own;
    oclnn__cl_conv_tunables(ctx, cv, &gemm, &own);
    /* The GPU class's transforms stage through local memory (cl/conv/winograd_gpu.h). */
    cv->gpu = oclnn__cl_gpu_class(ctx);
    char file[40], in[48], out[48];
    snprintf(file, sizeof file, "conv/winograd_f%ux3%s.cl", g.m, cv->gpu ? "_gpu" : "");
    snprintf(in, sizeof in, "oclnn_conv_winograd%u_input%s", g.m, cv->gpu ? "_gpu" : "");
    snprintf(out, sizeof out, "oclnn_conv_winograd%u_output%s", g.m, cv->gpu ? "_gpu" : "");
    OCLNN__TRY(oclnn__cl_kernel(ctx, file, cv->gpu ? NULL : &own, in, &cv->aux));
    OCLNN__TRY(oclnn__cl_kernel(ctx, file, cv->gpu ? NULL : &own, out, &cv->aux2));
    return oclnn__cl_conv_gemm_kernel(ctx, cv, &gemm);
}

oclnn_status oclnn__cl_conv_winograd_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                         const oclnn_tensor *src, oclnn_tensor *dst,
                                         const oclnn_tensor *res) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    geometry g = geom(cv);
    cl_uint a2 = g.alpha * g.alpha, T = g.tiles;
    oclnn__storage *scratch;
    OCLNN__TRY(oclnn__context_scratch(ctx, (size_t)a2 * T * ((size_t)pb->c + pb->k) * sizeof(float), &scratch));
    cl_mem buf = scratch->mem;
    cl_uint v_off = 0, m_off = a2 * pb->c * T;

    cl_mem s = oclnn__cl_mem(src);
    cl_uint off = (cl_uint)src->offset;
    const bool src_cl = src->stride[OCLNN__C] == 1, dst_cl = dst->stride[OCLNN__C] == 1;
    cl_uint4 stride = oclnn__cl_strides(src), shape = {{pb->n, pb->c, pb->h, pb->w}},
             tiles = {{g.th, g.tw, T, src_cl}}, tiles_out = {{g.th, g.tw, T, dst_cl}};
    cl_uint2 pad = {{pb->pad_top, pb->pad_left}};
    cl_uint C = pb->c, K = pb->k;
    cl_uint4 vs = cv->wino_rows ? (cl_uint4){{T * C, 1, C, 0}} : (cl_uint4){{C * T, T, 1, 0}};
    cl_uint4 ms = cv->wino_rows ? (cl_uint4){{T * K, 1, K, 0}} : (cl_uint4){{K * T, T, 1, 0}};
    OCLNN__TRY(oclnn__cl_args(cv->aux, OCLNN__ARG(s), OCLNN__ARG(off), OCLNN__ARG(stride), OCLNN__ARG(shape),
                              OCLNN__ARG(tiles), OCLNN__ARG(pad), OCLNN__ARG(buf), OCLNN__ARG(v_off),
                              OCLNN__ARG(vs)));
    size_t gin[2] = {T, (pb->c + cv->cb - 1) / cv->cb};
    if (src_cl) gin[0] = gin[1], gin[1] = T;
    if (cv->gpu) OCLNN__TRY(launch_gpu(ctx, cv->aux, T, pb->c));
    else OCLNN__TRY(oclnn__cl_launch(ctx, cv->aux, 2, gin, NULL));

    oclnn__cl_gemm gm = {0};
    if (cv->wino_rows) {
        gm.a = buf, gm.a_off = v_off, gm.a_img = T * C, gm.lda = C;
        gm.b = cv->w, gm.b_img = C * K, gm.ldb = K;
        gm.m = T, gm.n = K, gm.plain = (cl_uint2){{T * K, K}};
    } else {
        gm.a = cv->w, gm.a_img = K * C, gm.lda = C;
        gm.b = buf, gm.b_off = v_off, gm.b_img = C * T, gm.ldb = T;
        gm.m = K, gm.n = T, gm.plain = (cl_uint2){{K * T, T}};
    }
    gm.k = C, gm.batches = a2;
    gm.tm = cv->tm, gm.tn = cv->tn, gm.xg = cv->xg;
    gm.geo = (cl_uint4){{1, 1, OCLNN__GEMM_PLAIN, 1}};
    oclnn__cl_epi plain = {0};
    plain.dst = buf;
    plain.dst_off = m_off;
    OCLNN__TRY(oclnn__cl_gemm_launch(ctx, cv->main, &gm, &plain));

    oclnn__cl_epi epi;
    oclnn__cl_conv_epi(cv, dst, res, &epi);
    cl_uint4 misc = {{pb->k, pb->p, pb->q, 0}};
    oclnn__cl_arg args[16];
    size_t n = 0;
    args[n++] = OCLNN__ARG(buf);
    args[n++] = OCLNN__ARG(m_off);
    args[n++] = OCLNN__ARG(misc);
    args[n++] = OCLNN__ARG(tiles_out);
    args[n++] = OCLNN__ARG(ms);
    oclnn__cl_conv_epi_args(&epi, args, &n);
    OCLNN__TRY(oclnn__cl_set_args(cv->aux2, n, args));
    size_t gout[2] = {T, (pb->k + cv->cb - 1) / cv->cb};
    if (dst_cl) gout[0] = gout[1], gout[1] = T;
    if (cv->gpu) return launch_gpu(ctx, cv->aux2, T, pb->k);
    return oclnn__cl_launch(ctx, cv->aux2, 2, gout, NULL);
}
