/* SPDX-License-Identifier: MIT */
/* The C backend's table for the layers family, and its concat copy. */
#include "cpu/layers.h"

#include "cpu/cpu.h"

/* The strided copy already walks dst's layout with unit-stride rows. */
static oclnn_status cpu_concat_copy(const oclnn_tensor *src, oclnn_tensor *slice) {
    oclnn__cpu_copy_strided(src->shape, oclnn__cpu_cdata(src), src->stride, oclnn__cpu_data(slice),
                            slice->stride);
    return OCLNN_OK;
}

const oclnn__layers_backend oclnn__layers_cpu = {
    .eltwise = oclnn__cpu_eltwise,
    .concat_copy = cpu_concat_copy,
    .bn_train_stats = oclnn__cpu_bn_train_stats,
    .pool2d = oclnn__cpu_pool2d,
    .softmax = oclnn__cpu_softmax,
    .lrn = oclnn__cpu_lrn,
    .fc = oclnn__cpu_fc,
};
