/* SPDX-License-Identifier: MIT */
/* The layer graphs of torchvision's fasterrcnn_resnet50_fpn, with torchvision's parameter names:
 * the backbone (ResNet-50 body as IntermediateLayerGetter, then FeaturePyramidNetwork with
 * LastLevelMaxPool) as one graph whose five pyramid levels are kept outputs, the RPN head
 * (shared by the levels: one graph compiled per level) and the box head (TwoMLPHead +
 * FastRCNNPredictor) over the pooled RoIs as the batch; for Mask R-CNN, the mask head
 * (MaskRCNNHeads + MaskRCNNPredictor) over the 14x14 pooled detections as the batch. */
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "graph/detector.h"

typedef struct builder {
    oclnn_graph *g;
    oclnn_status st; /* first failure; later calls do nothing */
} builder;

static int add(builder *b, const char *name, const oclnn_node_desc *d, const int *in, size_t count) {
    int id = -1;
    if (b->st == OCLNN_OK) b->st = oclnn_graph_add(b->g, name, d, in, count, &id);
    return id;
}

static int conv(builder *b, const char *name, int src, uint32_t out, uint32_t k, uint32_t stride, uint32_t pad,
                bool bias) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_CONV;
    d.channels = out;
    d.kernel_h = d.kernel_w = k;
    d.stride_h = d.stride_w = stride;
    d.pad_h = d.pad_w = pad;
    d.bias = bias;
    return add(b, name, &d, &src, 1);
}

static int simple(builder *b, const char *name, oclnn_node_op op, int src) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = op;
    return add(b, name, &d, &src, 1);
}

static int bn(builder *b, const char *name, int src) { return simple(b, name, OCLNN_NODE_BATCHNORM, src); }
static int relu(builder *b, const char *name, int src) { return simple(b, name, OCLNN_NODE_RELU, src); }

static int max_pool(builder *b, const char *name, int src, uint32_t k, uint32_t s, uint32_t p) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_MAX_POOL;
    d.kernel_h = d.kernel_w = k;
    d.stride_h = d.stride_w = s;
    d.pad_h = d.pad_w = p;
    return add(b, name, &d, &src, 1);
}

static int sum(builder *b, const char *name, int x, int y) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_ADD;
    int pair[2] = {x, y};
    return add(b, name, &d, pair, 2);
}

static int input(builder *b, uint32_t channels) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_INPUT;
    d.channels = channels;
    return add(b, "input", &d, NULL, 0);
}

static int fc(builder *b, const char *name, int src, uint32_t out, uint32_t in_hw) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_FC;
    d.channels = out;
    d.kernel_h = d.kernel_w = in_hw;
    d.bias = true;
    return add(b, name, &d, &src, 1);
}

/* F.interpolate(x, size=2x, mode="nearest"): the pyramid's sizes are exact halves because the
 * batch is padded to a multiple of 32. */
static int upsample2x(builder *b, const char *name, int src) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_RESIZE;
    d.resize_mode = OCLNN_RESIZE_NEAREST;
    d.scale_h = d.scale_w = 2.0; /* the same source pixels as size = 2x: exact halves */
    return add(b, name, &d, &src, 1);
}

static oclnn_status finish(builder *b, oclnn_graph **out) {
    if (b->st != OCLNN_OK) {
        oclnn_graph_destroy(b->g);
        return b->st;
    }
    *out = b->g;
    return OCLNN_OK;
}

oclnn_status oclnn__detector_backbone_graph(oclnn_graph **out, int levels[OCLNN__FPN_LEVELS]) {
    builder b = {NULL, OCLNN_OK};
    OCLNN__TRY(oclnn_graph_create(&b.g));
    char n[OCLNN__NAME_MAX], m[48];
    static const int blocks[4] = {3, 4, 6, 3};
    int x = input(&b, 3), c[4];
    x = conv(&b, "backbone.body.conv1", x, 64, 7, 2, 3, false);
    x = bn(&b, "backbone.body.bn1", x);
    x = relu(&b, "backbone.body.relu", x);
    x = max_pool(&b, "backbone.body.maxpool", x, 3, 2, 1);
    uint32_t inplanes = 64;
    for (int layer = 0; layer < 4; layer++) {
        uint32_t planes = 64u << layer;
        for (int blk = 0; blk < blocks[layer]; blk++) {
            uint32_t stride = (layer > 0 && blk == 0) ? 2 : 1;
            snprintf(m, sizeof m, "backbone.body.layer%d.%d", layer + 1, blk);
#define NAME(suffix) (snprintf(n, sizeof n, "%s.%s", m, suffix), n)
            int identity = x;
            int y = conv(&b, NAME("conv1"), x, planes, 1, 1, 0, false);
            y = bn(&b, NAME("bn1"), y);
            y = relu(&b, NAME("relu1"), y);
            y = conv(&b, NAME("conv2"), y, planes, 3, stride, 1, false); /* stride on the 3x3 (v1.5) */
            y = bn(&b, NAME("bn2"), y);
            y = relu(&b, NAME("relu2"), y);
            y = conv(&b, NAME("conv3"), y, planes * 4, 1, 1, 0, false);
            y = bn(&b, NAME("bn3"), y);
            if (stride != 1 || inplanes != planes * 4) {
                identity = conv(&b, NAME("downsample.0"), x, planes * 4, 1, stride, 0, false);
                identity = bn(&b, NAME("downsample.1"), identity);
            }
            y = sum(&b, NAME("add"), y, identity);
            x = relu(&b, NAME("relu"), y);
#undef NAME
            inplanes = planes * 4;
        }
        c[layer] = x;
    }
    /* FeaturePyramidNetwork: laterals top-down, each level's 3x3 output conv. */
    int inner[4], result[4];
    for (int l = 3; l >= 0; l--) {
        snprintf(n, sizeof n, "backbone.fpn.inner_blocks.%d.0", l);
        inner[l] = conv(&b, n, c[l], OCLNN__FPN_CHANNELS, 1, 1, 0, true);
        if (l < 3) {
            snprintf(n, sizeof n, "backbone.fpn.upsample.%d", l);
            int up = upsample2x(&b, n, inner[l + 1]);
            snprintf(n, sizeof n, "backbone.fpn.add.%d", l);
            inner[l] = sum(&b, n, inner[l], up);
        }
    }
    for (int l = 0; l < 4; l++) {
        snprintf(n, sizeof n, "backbone.fpn.layer_blocks.%d.0", l);
        result[l] = conv(&b, n, inner[l], OCLNN__FPN_CHANNELS, 3, 1, 1, true);
        levels[l] = result[l];
    }
    /* LastLevelMaxPool: max_pool2d(P5, kernel 1, stride 2). It is the last node (the output). */
    levels[4] = max_pool(&b, "backbone.fpn.extra_blocks", result[3], 1, 2, 0);
    return finish(&b, out);
}

oclnn_status oclnn__detector_rpn_graph(oclnn_graph **out, uint32_t anchors, int *cls) {
    builder b = {NULL, OCLNN_OK};
    OCLNN__TRY(oclnn_graph_create(&b.g));
    int x = input(&b, OCLNN__FPN_CHANNELS);
    x = conv(&b, "rpn.head.conv.0.0", x, OCLNN__FPN_CHANNELS, 3, 1, 1, true);
    x = relu(&b, "rpn.head.conv.0.1", x);
    *cls = conv(&b, "rpn.head.cls_logits", x, anchors, 1, 1, 0, true);
    conv(&b, "rpn.head.bbox_pred", x, anchors * 4, 1, 1, 0, true); /* the output */
    return finish(&b, out);
}

oclnn_status oclnn__detector_box_graph(oclnn_graph **out, uint32_t num_classes, int *cls) {
    builder b = {NULL, OCLNN_OK};
    OCLNN__TRY(oclnn_graph_create(&b.g));
    int x = input(&b, OCLNN__FPN_CHANNELS);
    x = fc(&b, "roi_heads.box_head.fc6", x, OCLNN__BOX_HEAD_DIM, OCLNN__BOX_POOL);
    x = relu(&b, "roi_heads.box_head.relu6", x);
    x = fc(&b, "roi_heads.box_head.fc7", x, OCLNN__BOX_HEAD_DIM, 1);
    x = relu(&b, "roi_heads.box_head.relu7", x);
    *cls = fc(&b, "roi_heads.box_predictor.cls_score", x, num_classes, 1);
    fc(&b, "roi_heads.box_predictor.bbox_pred", x, num_classes * 4, 1); /* the output */
    return finish(&b, out);
}

/* torchvision 0.14's MaskRCNNHeads is a Sequential of Conv2dNormActivation (conv "i.0", ReLU
 * "i.1"); releases before 0.13 named the convolutions mask_fcn1..4. */
oclnn_status oclnn__detector_mask_graph(oclnn_graph **out, uint32_t num_classes) {
    builder b = {NULL, OCLNN_OK};
    OCLNN__TRY(oclnn_graph_create(&b.g));
    char n[OCLNN__NAME_MAX];
    int x = input(&b, OCLNN__FPN_CHANNELS);
    for (int i = 0; i < 4; i++) {
        snprintf(n, sizeof n, "roi_heads.mask_head.%d.0", i);
        x = conv(&b, n, x, OCLNN__FPN_CHANNELS, 3, 1, 1, true);
        snprintf(n, sizeof n, "roi_heads.mask_head.%d.1", i);
        x = relu(&b, n, x);
    }
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_DECONV;
    d.channels = OCLNN__FPN_CHANNELS;
    d.kernel_h = d.kernel_w = 2;
    d.stride_h = d.stride_w = 2;
    d.pad_h = d.pad_w = 0;
    d.bias = true;
    x = add(&b, "roi_heads.mask_predictor.conv5_mask", &d, &x, 1);
    x = relu(&b, "roi_heads.mask_predictor.relu", x);
    conv(&b, "roi_heads.mask_predictor.mask_fcn_logits", x, num_classes, 1, 1, 0, true); /* the output */
    return finish(&b, out);
}
