/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's table for the layers family. */
#include "opencl/layers.h"

const oclnn__layers_backend oclnn__layers_opencl = {
    .eltwise = oclnn__cl_eltwise,
    .concat_copy = oclnn__cl_concat_copy,
    .bn_train_stats = oclnn__cl_bn_train_stats,
    .pool2d = oclnn__cl_pool2d,
    .softmax = oclnn__cl_softmax,
    .lrn = oclnn__cl_lrn,
    .fc = oclnn__cl_fc,
    .fc_algorithm = oclnn__cl_fc_algorithm,
};
