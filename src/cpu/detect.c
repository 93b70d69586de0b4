/* SPDX-License-Identifier: MIT */
/* The C backend's detection family table. */
#include "cpu/detect.h"

const oclnn__detect_family oclnn__detect_cpu = {
    .roi_create = oclnn__cpu_roi_create,
    .roi_run = oclnn__cpu_roi_run,
    .nms = oclnn__cpu_nms,
};
