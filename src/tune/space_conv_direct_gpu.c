/* SPDX-License-Identifier: MIT */
/* The search spaces of the GPU-class direct convolutions (cl/conv/direct_gpu.cl), whose defaults
 * are the GPU class's (the kernels run only there):
 *   conv_direct_gpu:    TX x TY work-group (output columns x rows; at most 32 x 8 = 256 items,
 *                       which every GPU offers), KPT output channels per work-item (the
 *                       accumulator vector: 1, 2, 4, 8 or 16), CT input channels per staged chunk.
 *   conv_depthwise_gpu: TX x TY as above, DC channels per work-group.
 * Local memory depends on the problem (the tile's halo grows with stride, kernel and dilation),
 * so the host checks it per problem and falls back to the CPU-shaped kernels when a tile does not
 * fit (src/opencl/conv2d_direct_gpu.c). */
#include "tune/space.h"

const oclnn__tune_space oclnn__tune_space_conv_direct_gpu = {
    "conv_direct_gpu", "conv/direct_gpu.cl", 4,
    {{"TX", {8, 16, 32}, 3, 16}, {"TY", {2, 4, 8}, 3, 8}, {"KPT", {1, 2, 4, 8, 16}, 5, 8},
     {"CT", {1, 2, 4, 8}, 4, 4}},
    0, {{0}}, NULL};

const oclnn__tune_space oclnn__tune_space_conv_depthwise_gpu = {
    "conv_depthwise_gpu", "conv/direct_gpu.cl", 3,
    {{"TX", {8, 16, 32}, 3, 16}, {"TY", {2, 4, 8}, 3, 8}, {"DC", {1, 2, 4, 8}, 4, 4}},
    0, {{0}}, NULL};
