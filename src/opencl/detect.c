/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's detection family table. */
#include "opencl/detect.h"

const oclnn__detect_family oclnn__detect_opencl = {
    .roi_create = oclnn__cl_roi_create,
    .roi_run = oclnn__cl_roi_run,
    .nms = oclnn__cl_nms,
    .rpn_proposals = oclnn__cl_rpn_proposals,
};
