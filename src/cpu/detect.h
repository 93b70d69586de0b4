/* SPDX-License-Identifier: MIT */
/* The C backend's detection entry points (gathered in its family table in detect.c). */
#ifndef OCLNN_CPU_DETECT_H
#define OCLNN_CPU_DETECT_H

#include "backend/detect.h"

oclnn_status oclnn__cpu_roi_create(oclnn_op *op, const oclnn_roi_desc *desc);
oclnn_status oclnn__cpu_roi_run(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                                oclnn_tensor *dst, oclnn_tensor *argmax);
oclnn_status oclnn__cpu_nms(oclnn_context *ctx, const float *boxes, const int32_t *classes,
                            size_t n, float thr, size_t max_keep, uint8_t *keep);
oclnn_status oclnn__cpu_rpn_proposals(oclnn_context *ctx, const oclnn__rpn_problem *p,
                                      float *boxes, float *scores, size_t *counts);

#endif
