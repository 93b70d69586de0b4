/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's detection entry points (gathered in its family table in detect.c). */
#ifndef OCLNN_OPENCL_DETECT_H
#define OCLNN_OPENCL_DETECT_H

#include "backend/detect.h"

oclnn_status oclnn__cl_roi_create(oclnn_op *op, const oclnn_roi_desc *desc);
oclnn_status oclnn__cl_roi_run(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                               oclnn_tensor *dst, oclnn_tensor *argmax);
/* Rows of the NMS mask per block for n boxes: the block stays within 64 MiB and the device's
 * largest allocation (max_alloc_bytes; 0 = unknown). 0 when not even one row fits. Pure. */
size_t oclnn__cl_nms_block_rows(size_t n, uint64_t max_alloc_bytes);
oclnn_status oclnn__cl_nms(oclnn_context *ctx, const float *boxes, const int32_t *classes, size_t n,
                           float thr, size_t max_keep, uint8_t *keep);
oclnn_status oclnn__cl_rpn_proposals(oclnn_context *ctx, const oclnn__rpn_problem *p, float *boxes,
                                     float *scores, size_t *counts);

#endif
