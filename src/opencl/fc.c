/* SPDX-License-Identifier: MIT */
/* Fully connected on OpenCL (cl/fc/linear.cl): one work-item per output feature and block of
 * FC_ROWS samples. */
#include "opencl/layers.h"

#define LINEAR_CL "fc/linear.cl"
#define FC_ROWS 4 /* the kernel's default ROWS */

oclnn_status oclnn__cl_fc(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                          oclnn_tensor *dst) {
    oclnn_context *ctx = dst->ctx;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, LINEAR_CL, NULL, "oclnn_fc", &k));
    cl_mem mx = oclnn__cl_mem(x), mw = oclnn__cl_mem(w), mb = oclnn__cl_mem_or_null(bias);
    cl_mem md = oclnn__cl_mem(dst);
    cl_uint doff = (cl_uint)dst->offset;
    cl_uint2 dstride = {{(cl_uint)dst->stride[OCLNN__N], (cl_uint)dst->stride[OCLNN__C]}};
    cl_uint N = x->shape.n, K = x->shape.c, O = w->shape.n;
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(mx), OCLNN__ARG(mw), OCLNN__ARG(mb), OCLNN__ARG(md),
                              OCLNN__ARG(doff), OCLNN__ARG(dstride), OCLNN__ARG(N), OCLNN__ARG(K),
                              OCLNN__ARG(O)));
    size_t global[2] = {O, (N + FC_ROWS - 1) / FC_ROWS};
    return oclnn__cl_launch(ctx, k, 2, global, NULL);
}
