/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's detection entry points (gathered in its family table in detect.c). */
#ifndef OCLNN_OPENCL_DETECT_H
#define OCLNN_OPENCL_DETECT_H

#include "backend/detect.h"

oclnn_status oclnn__cl_roi_create(oclnn_op *op, const oclnn_roi_desc *desc);
oclnn_status oclnn__cl_roi_run(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                               oclnn_tensor *dst, oclnn_tensor *argmax);
oclnn_status oclnn__cl_nms(oclnn_context *ctx, const float *boxes, const int32_t *classes, size_t n,
                           float thr, size_t max_keep, uint8_t *keep);

#endif
