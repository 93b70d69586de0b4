/* SPDX-License-Identifier: MIT */
/* Prints the size of every public struct the Python package declares (python/oclnn/_capi.py),
 * one "ctypes_name size" line each, so its tests catch a field added in C but not in Python. */
#include <stdio.h>

#include "oclnn.h"

#define SIZE(py, c) printf("%s %zu\n", py, sizeof(c))

int main(void) {
    SIZE("Shape", oclnn_shape);
    SIZE("DeviceInfo", oclnn_device_info);
    SIZE("ContextOptions", oclnn_context_options);
    SIZE("Padding", oclnn_padding);
    SIZE("Conv2dDesc", oclnn_conv2d_desc);
    SIZE("BatchnormDesc", oclnn_batchnorm_desc);
    SIZE("EltwiseDesc", oclnn_eltwise_desc);
    SIZE("FcDesc", oclnn_fc_desc);
    SIZE("SoftmaxDesc", oclnn_softmax_desc);
    SIZE("LrnDesc", oclnn_lrn_desc);
    SIZE("Pool2dDesc", oclnn_pool2d_desc);
    SIZE("RoiDesc", oclnn_roi_desc);
    SIZE("NmsDesc", oclnn_nms_desc);
    SIZE("NodeDesc", oclnn_node_desc);
    SIZE("NetLayerInfo", oclnn_net_layer_info);
    SIZE("NetMemoryInfo", oclnn_net_memory_info);
    return 0;
}
