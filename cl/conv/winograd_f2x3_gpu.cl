/* SPDX-License-Identifier: MIT */
/* Winograd F(2x2,3x3) transforms for the GPU device class: the CPU-shaped file's transforms
 * (BT_APPLY, AT_APPLY) with the local-memory staged kernels of conv/winograd_gpu.h,
 * oclnn_conv_winograd2_input_gpu and oclnn_conv_winograd2_output_gpu.
 * Required defines: none. Tunables: none. */
#include "conv/winograd_f2x3.cl"
#include "conv/winograd_gpu.h"
