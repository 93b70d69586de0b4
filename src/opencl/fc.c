/* SPDX-License-Identifier: MIT */
/* Fully connected on OpenCL. Two algorithms, chosen at create:
 *   "gemm": cl/fc/linear.cl, one work-item per output feature and block of FC_ROWS samples;
 *   "clblast": CLBlastSgemm (dlopen'd) plus a bias kernel. CLBlast's kernels are tuned for GPUs;
 *   on PoCL (CPU) it measured 2-6x slower than "gemm" (docs/PERFORMANCE-layers.md), so by default
 *   it is used on GPUs only. OCLNN_CLBLAST=1 asks for it wherever it loads, =0 never. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "opencl/clblast.h"
#include "opencl/reduce_gpu.h"

#define LINEAR_CL "fc/linear.cl"
#define FC_ROWS 4 /* the kernel's default ROWS */

const char *oclnn__cl_fc_algorithm(oclnn_context *ctx) {
    const char *want = getenv("OCLNN_CLBLAST");
    bool use = want && *want ? strcmp(want, "0") != 0 : ctx->device.is_gpu;
    return use && oclnn__clblast_available() ? "clblast" : "gemm";
}

static oclnn_status add_bias(oclnn_context *ctx, const oclnn_tensor *bias, oclnn_tensor *dst) {
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, LINEAR_CL, NULL, "oclnn_fc_bias", &k));
    cl_mem mb = oclnn__cl_mem(bias), md = oclnn__cl_mem(dst);
    cl_uint doff = (cl_uint)dst->offset, N = dst->shape.n, O = dst->shape.c;
    cl_uint2 dstride = {{(cl_uint)dst->stride[OCLNN__N], (cl_uint)dst->stride[OCLNN__C]}};
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(mb), OCLNN__ARG(md), OCLNN__ARG(doff), OCLNN__ARG(dstride),
                              OCLNN__ARG(N), OCLNN__ARG(O)));
    size_t global[2] = {O, N};
    return oclnn__cl_launch(ctx, k, 2, global, NULL);
}

oclnn_status oclnn__cl_fc(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                          oclnn_tensor *dst, bool library) {
    oclnn_context *ctx = dst->ctx;
    cl_mem mx = oclnn__cl_mem(x), mw = oclnn__cl_mem(w), md = oclnn__cl_mem(dst);
    cl_uint N = x->shape.n, K = x->shape.c, O = w->shape.n;
    if (library && dst->stride[OCLNN__C] == 1) {
        /* dst rows are the n stride apart with unit channel stride: C = X W^T directly. Should
         * CLBlast refuse (a device its kernels do not build on), the own kernel takes over. */
        cl_event ev;
        int st = oclnn__clblast_sgemm(oclnn__cl_state_of(ctx)->queue, true, N, O, K, mx, x->offset, K,
                                      mw, w->offset, K, md, dst->offset, dst->stride[OCLNN__N],
                                      oclnn__cl_timing_slot(ctx, &ev));
        if (st == 0) {
            OCLNN__TRY(oclnn__cl_timing_keep(ctx, ev));
            return bias ? add_bias(ctx, bias, dst) : OCLNN_OK;
        }
        oclnn__log(OCLNN__LOG_INFO, "CLBlastSgemm %ux%ux%u failed with status %d; using oclnn's FC kernel",
                   N, O, K, st);
    }
    if (oclnn__cl_gpu_class(ctx) && oclnn__cl_fc_gemv_gpu_applies(x))
        return oclnn__cl_fc_gemv_gpu(x, w, bias, dst);
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, LINEAR_CL, NULL, "oclnn_fc", &k));
    cl_mem mb = oclnn__cl_mem_or_null(bias);
    cl_uint doff = (cl_uint)dst->offset;
    cl_uint2 dstride = {{(cl_uint)dst->stride[OCLNN__N], (cl_uint)dst->stride[OCLNN__C]}};
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(mx), OCLNN__ARG(mw), OCLNN__ARG(mb), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(dstride), OCLNN__ARG(N), OCLNN__ARG(K),
                              OCLNN__ARG(O)));
    size_t global[2] = {O, (N + FC_ROWS - 1) / FC_ROWS};
    return oclnn__cl_launch(ctx, k, 2, global, NULL);
}
