/* SPDX-License-Identifier: MIT */
/* The C backend's table for the layers family. */
#include "cpu/layers.h"

const oclnn__layers_backend oclnn__layers_cpu = {
    .eltwise = oclnn__cpu_eltwise,
    .bn_train_stats = oclnn__cpu_bn_train_stats,
    .pool2d = oclnn__cpu_pool2d,
    .softmax = oclnn__cpu_softmax,
    .lrn = oclnn__cpu_lrn,
    .fc = oclnn__cpu_fc,
};
