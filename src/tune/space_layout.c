/* SPDX-License-Identifier: MIT */
/* The measured layout choice: one database row ("layout <network> NHWC=0|1 <ms>") records which
 * layout ran the network's convolutions faster on the device; OCLNN_LAYOUT_AUTO then follows it
 * (oclnn__device_layout_rule stays the fallback). The default here is only the parse default. */
#include "tune/space.h"

const oclnn__tune_space oclnn__tune_space_layout = {
    "layout", "(all conv kernels)", 1, {{"NHWC", {0, 1}, 2, 1}}, 0, {{0}}, NULL};
