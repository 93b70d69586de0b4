/* SPDX-License-Identifier: MIT */
/* The upsampling family's contract (issue 18): transposed convolution and resize. src/ops/
 * deconv2d.c and src/ops/resize.c validate the user's arguments and resolve the sizes; a backend
 * fills one oclnn__upsample_family table of stateless entry points that take checked tensors. */
#ifndef OCLNN_BACKEND_UPSAMPLE_H
#define OCLNN_BACKEND_UPSAMPLE_H

#include "core/op.h"
#include "core/tensor.h"

/* A resize with its sizes and coordinate scales resolved (torch's area_pixel_compute_scale, in
 * float as torch computes it): src = dst * scale (nearest: floor, clamped; bilinear with
 * align_corners), or max((dst + 0.5) * scale - 0.5, 0) (bilinear without). */
typedef struct oclnn__resize_plan {
    oclnn_resize_mode mode;
    bool align_corners;
    float scale_h, scale_w;
} oclnn__resize_plan;

typedef struct oclnn__upsample_family {
    /* The algorithm name the backend runs for d ("direct", "col2im"), or NULL when it has none
     * for d->algo (the op then reports UNSUPPORTED). */
    const char *(*deconv2d_algorithm)(oclnn_context *ctx, const oclnn_deconv2d_desc *d);
    /* dst = act(conv_transpose(src, w) + bias). w: dense NCHW (C, K/groups, kh, kw); bias dense
     * (1, K, 1, 1) or NULL; src and dst in any layout or views, shapes checked. algo is the name
     * deconv2d_algorithm returned. */
    oclnn_status (*deconv2d)(const oclnn_deconv2d_desc *d, const char *algo,
                             const oclnn_tensor *src, const oclnn_tensor *w,
                             const oclnn_tensor *bias, oclnn_tensor *dst);
    /* The second half of "col2im" where the backend leaves the GEMM to the ops layer (NULL: the
     * backend's deconv2d does all of it). cols = (N, K * R * S, H, W), channel (k * R + r) * S + s
     * holding each input pixel's contribution to tap (r, s) of output channel k (a 1x1
     * convolution of src, run by src/ops/deconv2d.c); dst = act(sum of each output pixel's taps
     * + bias). */
    oclnn_status (*col2im)(const oclnn_deconv2d_desc *d, const oclnn_tensor *cols,
                           const oclnn_tensor *bias, oclnn_tensor *dst);
    /* dst = resize(src) by plan; shapes checked, any layouts or views. */
    oclnn_status (*resize)(const oclnn__resize_plan *plan, const oclnn_tensor *src,
                           oclnn_tensor *dst);
} oclnn__upsample_family;

extern const oclnn__upsample_family oclnn__upsample_opencl;
extern const oclnn__upsample_family oclnn__upsample_cpu;

#endif
