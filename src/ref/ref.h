/* SPDX-License-Identifier: MIT */
/* The reference implementations: deliberately simple loops that accumulate in double, on dense
 * host arrays in a stated layout. They are the tests' and `--verify`'s yardstick, never the
 * fallback (that is the C backend). Linked only by tests and tools (static lib oclnn_ref). */
#ifndef OCLNN_REF_REF_H
#define OCLNN_REF_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oclnn.h"

/* Offset of (n, c, h, w) in a dense array of `s` in `layout`. */
size_t oclnn__ref_index(oclnn_shape s, oclnn_layout layout, size_t n, size_t c, size_t h, size_t w);

/* dst (layout dl) = src (layout sl), both dense arrays of shape s. */
void oclnn__ref_convert_layout(oclnn_shape s, const float *src, oclnn_layout sl, float *dst,
                               oclnn_layout dl);

/* ---- layers (issue 4); all arrays dense in `layout`, per-channel arrays of s.c floats ---- */

/* dst = op(a, b) with scale/shift for OCLNN_ELTWISE_SCALE (shift NULL: 0); b NULL if unused. */
void oclnn__ref_eltwise(oclnn_shape s, oclnn_layout layout, oclnn_eltwise_op op, const float *a,
                        const float *b, const float *scale, const float *shift, float *dst);
/* Inference batch norm (gamma/beta NULL: 1/0). */
void oclnn__ref_batchnorm(oclnn_shape s, oclnn_layout layout, const float *src, const float *gamma,
                          const float *beta, const float *mean, const float *var, double eps,
                          float *dst);
/* Training batch norm: writes dst, batch_mean, batch_var (biased), and updates running_mean and
 * running_var in place (unbiased variance, momentum), as torch's batch_norm(training=True). */
void oclnn__ref_batchnorm_train(oclnn_shape s, oclnn_layout layout, const float *src,
                                const float *gamma, const float *beta, double eps, double momentum,
                                float *running_mean, float *running_var, float *batch_mean,
                                float *batch_var, float *dst);
/* Pooling output shape by PyTorch's rule (global kinds: 1x1; stride 0: the window). */
oclnn_shape oclnn__ref_pool2d_shape(const oclnn_pool2d_desc *d);
/* Pooling of d->input into dst (the output shape); argmax (max kinds) may be NULL. */
void oclnn__ref_pool2d(const oclnn_pool2d_desc *d, oclnn_layout layout, const float *src,
                       float *dst, float *argmax);
/* issue 16: dst[n, j] = src[n, start + (j % groups) * (count / groups) + j / groups] (the
 * desc's count channels; see oclnn_channel_shuffle_desc). */
void oclnn__ref_channel_shuffle(const oclnn_channel_shuffle_desc *d, oclnn_layout layout, const float *src, float *dst);
void oclnn__ref_softmax(oclnn_shape s, oclnn_layout layout, const float *src, float *dst);
void oclnn__ref_lrn(const oclnn_lrn_desc *d, oclnn_layout layout, const float *src, float *dst);
/* dst[n][o] = flatten(src)[n] . weights[o] + bias[o] (bias NULL: 0); dst is n x out dense. */
void oclnn__ref_fc(oclnn_shape in, oclnn_layout layout, const float *src, uint32_t out_features,
                   const float *weights, const float *bias, float *dst);
/* Detection (issue 5). Feature maps are dense arrays in `layout`; outputs are dense NCHW
 * (R, C, ph, pw); RoIs are R x 5 (batch, x1, y1, x2, y2). These follow torchvision's CPU kernels
 * sample by sample, written independently of the library's plan, and sum in double. */
void oclnn__ref_roi_align(oclnn_shape map, const float *src, oclnn_layout layout, const float *rois,
                          size_t num_rois, uint32_t ph, uint32_t pw, float scale, int sampling,
                          bool aligned, float *dst);
/* argmax may be NULL; it receives h * W + w of the maximum, -1 for an empty bin. */
void oclnn__ref_roi_pool(oclnn_shape map, const float *src, oclnn_layout layout, const float *rois,
                         size_t num_rois, uint32_t ph, uint32_t pw, float scale, float *dst,
                         float *argmax);
/* torchvision.ops.nms (classes NULL) or per-class batched NMS: kept indices by descending score,
 * ties by index; returns how many. */
size_t oclnn__ref_nms(const float *boxes, const float *scores, const int32_t *classes, size_t n,
                      double iou_threshold, uint32_t *keep);
/* Detection pipeline (issue 18), in double: image `image`'s proposals (objectness[l] and
 * deltas[l] dense NCHW (N, A, H, W) and (N, 4A, H, W) for maps[l] = {H, W}), and one image's
 * post-processed detections. Return how many were written (at most post_nms_top_n /
 * detections_per_image). */
size_t oclnn__ref_rpn_proposals(const oclnn_rpn_desc *d, const float *const *objectness,
                                const float *const *deltas, const uint32_t (*maps)[2],
                                uint32_t image, uint32_t num_images, oclnn_image_size size,
                                uint32_t padded_h, uint32_t padded_w, float *boxes, float *scores);
size_t oclnn__ref_detect_postprocess(const oclnn_detect_post_desc *d, const float *logits,
                                     const float *reg, uint32_t K, const float *proposals,
                                     size_t n, oclnn_image_size size, float *boxes, float *scores,
                                     int32_t *labels);
/* 2-D convolution of desc (padding resolved here independently of the library), accumulating in
 * double: dst = act(conv(src, weights) + bias + residual). src, residual and dst are dense arrays
 * in `layout`; weights are K x C/groups x R x S; bias and residual may be NULL. */
void oclnn__ref_conv2d(const oclnn_conv2d_desc *desc, const float *src, oclnn_layout layout,
                       const float *weights, const float *bias, const float *residual, float *dst);

/* ---- transposed convolution and resize (issue 18) ---- */
/* torch's conv_transpose2d, scattering each input pixel through the kernel and summing in double:
 * dst = act(deconv(src) + bias). weights C x K/groups x kh x kw; src, dst dense in layout. */
void oclnn__ref_deconv2d(const oclnn_deconv2d_desc *d, const float *src, oclnn_layout layout,
                         const float *weights, const float *bias, float *dst);
/* F.interpolate with d's mode; d->out_h/out_w must be set (the resolved size), d->scale_* as
 * given to torch (0: none). Follows ATen's CPU kernels' float index arithmetic. */
void oclnn__ref_resize(const oclnn_resize_desc *d, const float *src, oclnn_layout layout, float *dst);

/* ---- 3-D ops (issue 19); dense NCDHW arrays, sizes and padding resolved here ---- */

/* 3-D convolution of desc (accumulating in double): weights K x C/groups x T x R x S, bias K or
 * NULL, residual (the output's shape) or NULL; writes dst of the output shape. */
void oclnn__ref_conv3d(const oclnn_conv3d_desc *d, const float *src, const float *weights,
                       const float *bias, const float *residual, float *dst);
/* 3-D pooling of desc into dst; returns the output shape. */
oclnn_shape3d oclnn__ref_pool3d(const oclnn_pool3d_desc *d, const float *src, float *dst);

#endif
