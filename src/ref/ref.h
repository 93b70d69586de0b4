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

#endif
