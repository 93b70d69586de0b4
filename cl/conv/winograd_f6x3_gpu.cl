/* SPDX-License-Identifier: MIT */
/* Winograd F(6x6,3x3) transforms for the GPU device class (issue 19): the CPU-shaped file's
 * transforms (BT_APPLY, AT_APPLY) with the local-memory staged kernels of conv/winograd_gpu.h,
 * oclnn_conv_winograd6_input_gpu and oclnn_conv_winograd6_output_gpu.
 * Required defines: none. Tunables: none. */
#include "conv/winograd_f6x3.cl"
#include "conv/winograd_gpu.h"
