/* SPDX-License-Identifier: MIT */
/* GPU-class layout transposes (cl/tensor/transpose_gpu.cl): a strided copy whose source and
 * destination have different unit-stride axes (NCHW <-> NHWC, host staging in the other layout)
 * goes through a 32 x 32 local-memory tile so that reads and writes both coalesce. The axes are
 * described as (extent, source stride, destination stride); (h, w) become one axis when both
 * tensors lay their rows back to back. */
#include "opencl/transpose_gpu.h"

#define TRANSPOSE_CL "tensor/transpose_gpu.cl"
#define TILE 32u /* the kernel's TILE and ROWS */
#define ROWS 8u

typedef struct axis {
    size_t len, ss, ds;
} axis;

/* The axis of axes[0..n) with the smallest stride (source or destination), among those longer
 * than 1 and not `skip`; -1 if none. */
static int inner_axis(const axis *axes, int n, bool dst_side, int skip) {
    int best = -1;
    for (int i = 0; i < n; i++) {
        size_t st = dst_side ? axes[i].ds : axes[i].ss;
        if (i == skip || axes[i].len < 2) continue;
        if (best < 0 || st < (dst_side ? axes[best].ds : axes[best].ss)) best = i;
    }
    return best;
}

oclnn_status oclnn__cl_transpose_gpu(oclnn_context *ctx, cl_mem src, size_t src_off, const size_t ss[4],
                                     cl_mem dst, size_t dst_off, const size_t ds[4], oclnn_shape shape,
                                     bool *done) {
    *done = false;
    const size_t len[4] = {shape.n, shape.c, shape.h, shape.w};
    axis axes[4];
    int n = 0;
    for (int i = 0; i < 4; i++) {
        if (i == 2 && ss[2] == len[3] * ss[3] && ds[2] == len[3] * ds[3]) {
            axes[n++] = (axis){len[2] * len[3], ss[3], ds[3]}; /* (h, w) as one axis */
            break;
        }
        axes[n++] = (axis){len[i], ss[i], ds[i]};
    }
    int a = inner_axis(axes, n, false, -1);
    int b = inner_axis(axes, n, true, -1);
    if (a < 0 || b < 0 || a == b) return OCLNN_OK; /* not a transpose: the plain copy serves */
    cl_uint4 dims = {{(cl_uint)axes[a].len, (cl_uint)axes[b].len, 1, 1}};
    cl_uint4 s = {{(cl_uint)axes[a].ss, (cl_uint)axes[b].ss, 0, 0}};
    cl_uint4 d = {{(cl_uint)axes[a].ds, (cl_uint)axes[b].ds, 0, 0}};
    for (int i = 0, m = 2; i < n; i++) {
        if (i == a || i == b) continue;
        dims.s[m] = (cl_uint)axes[i].len;
        s.s[m] = (cl_uint)axes[i].ss;
        d.s[m] = (cl_uint)axes[i].ds;
        m++;
    }
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, TRANSPOSE_CL, NULL, "oclnn_tensor_transpose", &k));
    cl_uint so = (cl_uint)src_off, doff = (cl_uint)dst_off;
    OCLNN__TRY(oclnn__cl_args(k, OCLNN__ARG(src), OCLNN__ARG(so), OCLNN__ARG(s), OCLNN__ARG(dst),
                              OCLNN__ARG(doff), OCLNN__ARG(d), OCLNN__ARG(dims)));
    size_t global[3] = {(dims.s[0] + TILE - 1) / TILE * TILE, (dims.s[1] + TILE - 1) / TILE * ROWS,
                        (size_t)dims.s[2] * dims.s[3]};
    size_t local[3] = {TILE, ROWS, 1};
    *done = true;
    return oclnn__cl_launch(ctx, k, 3, global, local);
}
