/* SPDX-License-Identifier: MIT */
/* ResNet-50 v1.5 (torchvision; stride on the 3x3 of each first bottleneck) at batch 1, 224x224:
 * its 23 unique convolutions, 53 in all (benchdnn's shapes_resnet_50 lists the same layers). */
#include <string.h>

#include "tune_shapes.h"

static const tune_shape RESNET50[] = {
    {"conv1", 1, 3, 224, 224, 64, 7, 7, 2, 3, 1},
    {"res2_1x1_reduce_first", 1, 64, 56, 56, 64, 1, 1, 1, 0, 1},
    {"res2_3x3", 1, 64, 56, 56, 64, 3, 3, 1, 1, 3},
    {"res2_1x1_expand", 1, 64, 56, 56, 256, 1, 1, 1, 0, 4},
    {"res2_1x1_reduce", 1, 256, 56, 56, 64, 1, 1, 1, 0, 2},
    {"res3a_1x1_reduce", 1, 256, 56, 56, 128, 1, 1, 1, 0, 1},
    {"res3a_3x3_s2", 1, 128, 56, 56, 128, 3, 3, 2, 1, 1},
    {"res3_1x1_expand", 1, 128, 28, 28, 512, 1, 1, 1, 0, 4},
    {"res3a_proj_s2", 1, 256, 56, 56, 512, 1, 1, 2, 0, 1},
    {"res3_1x1_reduce", 1, 512, 28, 28, 128, 1, 1, 1, 0, 3},
    {"res3_3x3", 1, 128, 28, 28, 128, 3, 3, 1, 1, 3},
    {"res4a_1x1_reduce", 1, 512, 28, 28, 256, 1, 1, 1, 0, 1},
    {"res4a_3x3_s2", 1, 256, 28, 28, 256, 3, 3, 2, 1, 1},
    {"res4_1x1_expand", 1, 256, 14, 14, 1024, 1, 1, 1, 0, 6},
    {"res4a_proj_s2", 1, 512, 28, 28, 1024, 1, 1, 2, 0, 1},
    {"res4_1x1_reduce", 1, 1024, 14, 14, 256, 1, 1, 1, 0, 5},
    {"res4_3x3", 1, 256, 14, 14, 256, 3, 3, 1, 1, 5},
    {"res5a_1x1_reduce", 1, 1024, 14, 14, 512, 1, 1, 1, 0, 1},
    {"res5a_3x3_s2", 1, 512, 14, 14, 512, 3, 3, 2, 1, 1},
    {"res5_1x1_expand", 1, 512, 7, 7, 2048, 1, 1, 1, 0, 3},
    {"res5a_proj_s2", 1, 1024, 14, 14, 2048, 1, 1, 2, 0, 1},
    {"res5_1x1_reduce", 1, 2048, 7, 7, 512, 1, 1, 1, 0, 2},
    {"res5_3x3", 1, 512, 7, 7, 512, 3, 3, 1, 1, 2},
};

static const tune_net NETS[] = {
    {"resnet50", RESNET50, sizeof RESNET50 / sizeof *RESNET50},
};

const tune_net *tune_nets(size_t *count) {
    *count = sizeof NETS / sizeof *NETS;
    return NETS;
}

const tune_net *tune_net_find(const char *name) {
    for (size_t i = 0; i < sizeof NETS / sizeof *NETS; i++)
        if (!strcmp(NETS[i].name, name)) return &NETS[i];
    return NULL;
}

oclnn_conv2d_desc tune_shape_desc(const tune_shape *s) {
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){s->n, s->c, s->h, s->w};
    d.out_channels = s->k;
    d.kernel_h = s->r, d.kernel_w = s->s;
    d.stride_h = d.stride_w = s->stride;
    d.padding = (oclnn_padding){OCLNN_PAD_EXPLICIT, s->pad, s->pad, s->pad, s->pad};
    d.has_bias = true;
    return d;
}
