/* SPDX-License-Identifier: MIT */
/* The reference implementations: deliberately simple loops that accumulate in double, on dense
 * host arrays in a stated layout. They are the tests' and `--verify`'s yardstick, never the
 * fallback (that is the C backend). Linked only by tests and tools (static lib oclnn_ref). */
#ifndef OCLNN_REF_REF_H
#define OCLNN_REF_REF_H

#include <stddef.h>

#include "oclnn.h"

/* Offset of (n, c, h, w) in a dense array of `s` in `layout`. */
size_t oclnn__ref_index(oclnn_shape s, oclnn_layout layout, size_t n, size_t c, size_t h, size_t w);

/* dst (layout dl) = src (layout sl), both dense arrays of shape s. */
void oclnn__ref_convert_layout(oclnn_shape s, const float *src, oclnn_layout sl, float *dst,
                               oclnn_layout dl);

/* 2-D convolution of desc (padding resolved here independently of the library), accumulating in
 * double: dst = act(conv(src, weights) + bias + residual). src, residual and dst are dense arrays
 * in `layout`; weights are K x C/groups x R x S; bias and residual may be NULL. */
void oclnn__ref_conv2d(const oclnn_conv2d_desc *desc, const float *src, oclnn_layout layout,
                       const float *weights, const float *bias, const float *residual, float *dst);

#endif
