/* SPDX-License-Identifier: MIT */
/* The OpenCL backend's table for the layers family, and the launch-shape helper its strided
 * kernels share. */
#include "opencl/layers.h"

void oclnn__cl_walk(oclnn_shape shape, const size_t stride[4], cl_uint4 *dims, cl_uint4 *order,
                    size_t global[3]) {
    const uint32_t sizes[4] = {shape.n, shape.c, shape.h, shape.w};
    int o[4] = {0, 1, 2, 3};
    for (int i = 1; i < 4; i++)
        for (int j = i; j > 0 && stride[o[j]] > stride[o[j - 1]]; j--) {
            int t = o[j];
            o[j] = o[j - 1];
            o[j - 1] = t;
        }
    for (int i = 0; i < 4; i++) {
        order->s[i] = (cl_uint)o[i];
        dims->s[i] = sizes[o[i]];
    }
    global[0] = dims->s[3];
    global[1] = dims->s[2];
    global[2] = (size_t)dims->s[0] * dims->s[1];
}

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
