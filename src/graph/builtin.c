/* SPDX-License-Identifier: MIT */
/* torchvision's networks, node for node with torchvision's module names, so a torchvision
 * state_dict loads by name: ResNet 18/34/50/101/152, Wide ResNet-50-2, ResNeXt-50 32x4d
 * (torchvision.models.resnet), VGG-16 (configuration D, models.vgg) and GoogLeNet
 * (models.googlenet, without the auxiliary heads, which only run in training, and with
 * transform_input=False: the input is used as given) and Inception-v3 (models.inception_v3,
 * likewise without the auxiliary head and input transform; 299x299 input, at least 75x75). */
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "graph/graph.h"

typedef struct builder {
    oclnn_graph *g;
    oclnn_status st; /* first failure; later calls do nothing */
} builder;

static int add(builder *b, const char *name, const oclnn_node_desc *d, const int *in, size_t count) {
    int id = -1;
    if (b->st == OCLNN_OK) b->st = oclnn_graph_add(b->g, name, d, in, count, &id);
    return id;
}

static int conv(builder *b, const char *name, int src, uint32_t out, uint32_t kh, uint32_t kw, uint32_t stride,
                uint32_t ph, uint32_t pw, uint32_t groups, bool bias) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_CONV;
    d.channels = out;
    d.kernel_h = kh;
    d.kernel_w = kw;
    d.stride_h = d.stride_w = stride;
    d.pad_h = ph;
    d.pad_w = pw;
    d.groups = groups;
    d.bias = bias;
    return add(b, name, &d, &src, 1);
}

static int bn(builder *b, const char *name, int src, float eps) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_BATCHNORM;
    d.eps = eps;
    return add(b, name, &d, &src, 1);
}

static int relu(builder *b, const char *name, int src) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_RELU;
    return add(b, name, &d, &src, 1);
}

static int pool(builder *b, const char *name, oclnn_node_op op, int src, uint32_t k, uint32_t s, uint32_t p,
                bool ceil_mode) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = op;
    d.kernel_h = d.kernel_w = k;
    d.stride_h = d.stride_w = s;
    d.pad_h = d.pad_w = p;
    d.ceil_mode = ceil_mode;
    return add(b, name, &d, &src, 1);
}

static int adaptive(builder *b, const char *name, int src, uint32_t size) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_ADAPTIVE_AVG_POOL;
    d.out_h = d.out_w = size;
    return add(b, name, &d, &src, 1);
}

static int fc(builder *b, const char *name, int src, uint32_t out, uint32_t in_hw) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_FC;
    d.channels = out;
    d.kernel_h = d.kernel_w = in_hw;
    d.bias = true;
    return add(b, name, &d, &src, 1);
}

static int input(builder *b) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_INPUT;
    d.channels = 3;
    return add(b, "input", &d, NULL, 0);
}

/* ---- ResNet family ---- */

typedef struct resnet_cfg {
    const char *name;
    bool bottleneck;
    int blocks[4];
    uint32_t groups, width_per_group;
} resnet_cfg;

static const resnet_cfg resnets[] = {
    {"resnet18", false, {2, 2, 2, 2}, 1, 64},       {"resnet34", false, {3, 4, 6, 3}, 1, 64},
    {"resnet50", true, {3, 4, 6, 3}, 1, 64},        {"resnet101", true, {3, 4, 23, 3}, 1, 64},
    {"resnet152", true, {3, 8, 36, 3}, 1, 64},      {"wide_resnet50_2", true, {3, 4, 6, 3}, 1, 128},
    {"resnext50_32x4d", true, {3, 4, 6, 3}, 32, 4},
};

static void build_resnet(builder *b, const resnet_cfg *cfg) {
    char n[OCLNN__NAME_MAX], m[32];
    int x = input(b);
    x = conv(b, "conv1", x, 64, 7, 7, 2, 3, 3, 1, false);
    x = bn(b, "bn1", x, 1e-5f);
    x = relu(b, "relu", x);
    x = pool(b, "maxpool", OCLNN_NODE_MAX_POOL, x, 3, 2, 1, false);
    uint32_t inplanes = 64, expansion = cfg->bottleneck ? 4 : 1;
    for (int layer = 0; layer < 4; layer++) {
        uint32_t planes = 64u << layer;
        for (int blk = 0; blk < cfg->blocks[layer]; blk++) {
            uint32_t stride = (layer > 0 && blk == 0) ? 2 : 1;
            snprintf(m, sizeof m, "layer%d.%d", layer + 1, blk);
            int identity = x, out;
#define NAME(suffix) (snprintf(n, sizeof n, "%s.%s", m, suffix), n)
            if (!cfg->bottleneck) {
                out = conv(b, NAME("conv1"), x, planes, 3, 3, stride, 1, 1, 1, false);
                out = bn(b, NAME("bn1"), out, 1e-5f);
                out = relu(b, NAME("relu1"), out);
                out = conv(b, NAME("conv2"), out, planes, 3, 3, 1, 1, 1, 1, false);
                out = bn(b, NAME("bn2"), out, 1e-5f);
            } else {
                uint32_t width = planes * cfg->width_per_group / 64 * cfg->groups;
                out = conv(b, NAME("conv1"), x, width, 1, 1, 1, 0, 0, 1, false);
                out = bn(b, NAME("bn1"), out, 1e-5f);
                out = relu(b, NAME("relu1"), out);
                out = conv(b, NAME("conv2"), out, width, 3, 3, stride, 1, 1, cfg->groups, false);
                out = bn(b, NAME("bn2"), out, 1e-5f);
                out = relu(b, NAME("relu2"), out);
                out = conv(b, NAME("conv3"), out, planes * 4, 1, 1, 1, 0, 0, 1, false);
                out = bn(b, NAME("bn3"), out, 1e-5f);
            }
            if (stride != 1 || inplanes != planes * expansion) {
                identity = conv(b, NAME("downsample.0"), x, planes * expansion, 1, 1, stride, 0, 0, 1, false);
                identity = bn(b, NAME("downsample.1"), identity, 1e-5f);
            }
            int pair[2] = {out, identity};
            out = add(b, NAME("add"), &(oclnn_node_desc){.op = OCLNN_NODE_ADD, .eps = 1e-5f}, pair, 2);
            x = relu(b, NAME("relu"), out);
#undef NAME
            inplanes = planes * expansion;
        }
    }
    x = adaptive(b, "avgpool", x, 1);
    fc(b, "fc", x, 1000, 1);
}

/* ---- VGG-16 (configuration D) ---- */

static void build_vgg16(builder *b) {
    static const int cfg[] = {64, 64, -1, 128, 128, -1, 256, 256, 256, -1, 512, 512, 512, -1, 512, 512, 512, -1};
    char n[OCLNN__NAME_MAX];
    int x = input(b), index = 0;
    for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
        if (cfg[i] < 0) {
            snprintf(n, sizeof n, "features.%d", index++);
            x = pool(b, n, OCLNN_NODE_MAX_POOL, x, 2, 2, 0, false);
        } else {
            snprintf(n, sizeof n, "features.%d", index++);
            x = conv(b, n, x, (uint32_t)cfg[i], 3, 3, 1, 1, 1, 1, true);
            snprintf(n, sizeof n, "features.%d", index++);
            x = relu(b, n, x);
        }
    }
    x = adaptive(b, "avgpool", x, 7);
    x = fc(b, "classifier.0", x, 4096, 7);
    x = relu(b, "classifier.1", x); /* classifier.2 and .5 are dropout: the identity at inference */
    x = fc(b, "classifier.3", x, 4096, 1);
    x = relu(b, "classifier.4", x);
    fc(b, "classifier.6", x, 1000, 1);
}

/* ---- GoogLeNet ---- */

/* BasicConv2d: conv (no bias) + batch norm (eps 0.001) + ReLU. */
static int basic_conv2(builder *b, const char *prefix, int x, uint32_t out, uint32_t kh, uint32_t kw,
                       uint32_t stride, uint32_t ph, uint32_t pw) {
    char n[OCLNN__NAME_MAX];
    snprintf(n, sizeof n, "%s.conv", prefix);
    x = conv(b, n, x, out, kh, kw, stride, ph, pw, 1, false);
    snprintf(n, sizeof n, "%s.bn", prefix);
    x = bn(b, n, x, 1e-3f);
    snprintf(n, sizeof n, "%s.relu", prefix);
    return relu(b, n, x);
}

static int basic_conv(builder *b, const char *prefix, int x, uint32_t out, uint32_t k, uint32_t stride,
                      uint32_t pad) {
    return basic_conv2(b, prefix, x, out, k, k, stride, pad, pad);
}

static int cat(builder *b, const char *name, const int *in, size_t count) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_CONCAT;
    return add(b, name, &d, in, count);
}

static int inception(builder *b, const char *p, int x, uint32_t ch1, uint32_t ch3r, uint32_t ch3, uint32_t ch5r,
                     uint32_t ch5, uint32_t pool_proj) {
    char n[OCLNN__NAME_MAX];
    int br[4];
#define NAME(suffix) (snprintf(n, sizeof n, "%s.%s", p, suffix), n)
    br[0] = basic_conv(b, NAME("branch1"), x, ch1, 1, 1, 0);
    br[1] = basic_conv(b, NAME("branch2.0"), x, ch3r, 1, 1, 0);
    br[1] = basic_conv(b, NAME("branch2.1"), br[1], ch3, 3, 1, 1);
    br[2] = basic_conv(b, NAME("branch3.0"), x, ch5r, 1, 1, 0);
    br[2] = basic_conv(b, NAME("branch3.1"), br[2], ch5, 3, 1, 1); /* torchvision uses 3x3 here */
    br[3] = pool(b, NAME("branch4.0"), OCLNN_NODE_MAX_POOL, x, 3, 1, 1, true);
    br[3] = basic_conv(b, NAME("branch4.1"), br[3], pool_proj, 1, 1, 0);
    return cat(b, NAME("cat"), br, 4);
#undef NAME
}

static void build_googlenet(builder *b) {
    int x = input(b);
    x = basic_conv(b, "conv1", x, 64, 7, 2, 3);
    x = pool(b, "maxpool1", OCLNN_NODE_MAX_POOL, x, 3, 2, 0, true);
    x = basic_conv(b, "conv2", x, 64, 1, 1, 0);
    x = basic_conv(b, "conv3", x, 192, 3, 1, 1);
    x = pool(b, "maxpool2", OCLNN_NODE_MAX_POOL, x, 3, 2, 0, true);
    x = inception(b, "inception3a", x, 64, 96, 128, 16, 32, 32);
    x = inception(b, "inception3b", x, 128, 128, 192, 32, 96, 64);
    x = pool(b, "maxpool3", OCLNN_NODE_MAX_POOL, x, 3, 2, 0, true);
    x = inception(b, "inception4a", x, 192, 96, 208, 16, 48, 64);
    x = inception(b, "inception4b", x, 160, 112, 224, 24, 64, 64);
    x = inception(b, "inception4c", x, 128, 128, 256, 24, 64, 64);
    x = inception(b, "inception4d", x, 112, 144, 288, 32, 64, 64);
    x = inception(b, "inception4e", x, 256, 160, 320, 32, 128, 128);
    x = pool(b, "maxpool4", OCLNN_NODE_MAX_POOL, x, 2, 2, 0, true);
    x = inception(b, "inception5a", x, 256, 160, 320, 32, 128, 128);
    x = inception(b, "inception5b", x, 384, 192, 384, 48, 128, 128);
    x = adaptive(b, "avgpool", x, 1);
    fc(b, "fc", x, 1000, 1); /* dropout before it is the identity at inference */
}

/* ---- Inception-v3 (torchvision's Inception3, aux_logits=False, transform_input=False) ---- */

#define NAME(suffix) (snprintf(n, sizeof n, "%s.%s", p, suffix), n)

/* avg_pool2d(x, 3, stride 1, padding 1), count_include_pad as PyTorch's default. */
static int avg3(builder *b, const char *name, int x) {
    return pool(b, name, OCLNN_NODE_AVG_POOL, x, 3, 1, 1, false);
}

static int inception_a(builder *b, const char *p, int x, uint32_t pool_features) {
    char n[OCLNN__NAME_MAX];
    int br[4], t;
    br[0] = basic_conv(b, NAME("branch1x1"), x, 64, 1, 1, 0);
    t = basic_conv(b, NAME("branch5x5_1"), x, 48, 1, 1, 0);
    br[1] = basic_conv(b, NAME("branch5x5_2"), t, 64, 5, 1, 2);
    t = basic_conv(b, NAME("branch3x3dbl_1"), x, 64, 1, 1, 0);
    t = basic_conv(b, NAME("branch3x3dbl_2"), t, 96, 3, 1, 1);
    br[2] = basic_conv(b, NAME("branch3x3dbl_3"), t, 96, 3, 1, 1);
    t = avg3(b, NAME("avg_pool"), x);
    br[3] = basic_conv(b, NAME("branch_pool"), t, pool_features, 1, 1, 0);
    return cat(b, NAME("cat"), br, 4);
}

static int inception_b(builder *b, const char *p, int x) {
    char n[OCLNN__NAME_MAX];
    int br[3], t;
    br[0] = basic_conv(b, NAME("branch3x3"), x, 384, 3, 2, 0);
    t = basic_conv(b, NAME("branch3x3dbl_1"), x, 64, 1, 1, 0);
    t = basic_conv(b, NAME("branch3x3dbl_2"), t, 96, 3, 1, 1);
    br[1] = basic_conv(b, NAME("branch3x3dbl_3"), t, 96, 3, 2, 0);
    br[2] = pool(b, NAME("max_pool"), OCLNN_NODE_MAX_POOL, x, 3, 2, 0, false);
    return cat(b, NAME("cat"), br, 3);
}

static int inception_c(builder *b, const char *p, int x, uint32_t c7) {
    char n[OCLNN__NAME_MAX];
    int br[4], t;
    br[0] = basic_conv(b, NAME("branch1x1"), x, 192, 1, 1, 0);
    t = basic_conv(b, NAME("branch7x7_1"), x, c7, 1, 1, 0);
    t = basic_conv2(b, NAME("branch7x7_2"), t, c7, 1, 7, 1, 0, 3);
    br[1] = basic_conv2(b, NAME("branch7x7_3"), t, 192, 7, 1, 1, 3, 0);
    t = basic_conv(b, NAME("branch7x7dbl_1"), x, c7, 1, 1, 0);
    t = basic_conv2(b, NAME("branch7x7dbl_2"), t, c7, 7, 1, 1, 3, 0);
    t = basic_conv2(b, NAME("branch7x7dbl_3"), t, c7, 1, 7, 1, 0, 3);
    t = basic_conv2(b, NAME("branch7x7dbl_4"), t, c7, 7, 1, 1, 3, 0);
    br[2] = basic_conv2(b, NAME("branch7x7dbl_5"), t, 192, 1, 7, 1, 0, 3);
    t = avg3(b, NAME("avg_pool"), x);
    br[3] = basic_conv(b, NAME("branch_pool"), t, 192, 1, 1, 0);
    return cat(b, NAME("cat"), br, 4);
}

static int inception_d(builder *b, const char *p, int x) {
    char n[OCLNN__NAME_MAX];
    int br[3], t;
    t = basic_conv(b, NAME("branch3x3_1"), x, 192, 1, 1, 0);
    br[0] = basic_conv(b, NAME("branch3x3_2"), t, 320, 3, 2, 0);
    t = basic_conv(b, NAME("branch7x7x3_1"), x, 192, 1, 1, 0);
    t = basic_conv2(b, NAME("branch7x7x3_2"), t, 192, 1, 7, 1, 0, 3);
    t = basic_conv2(b, NAME("branch7x7x3_3"), t, 192, 7, 1, 1, 3, 0);
    br[1] = basic_conv(b, NAME("branch7x7x3_4"), t, 192, 3, 2, 0);
    br[2] = pool(b, NAME("max_pool"), OCLNN_NODE_MAX_POOL, x, 3, 2, 0, false);
    return cat(b, NAME("cat"), br, 3);
}

static int inception_e(builder *b, const char *p, int x) {
    char n[OCLNN__NAME_MAX];
    int br[4], t, pair[2];
    br[0] = basic_conv(b, NAME("branch1x1"), x, 320, 1, 1, 0);
    t = basic_conv(b, NAME("branch3x3_1"), x, 384, 1, 1, 0);
    pair[0] = basic_conv2(b, NAME("branch3x3_2a"), t, 384, 1, 3, 1, 0, 1);
    pair[1] = basic_conv2(b, NAME("branch3x3_2b"), t, 384, 3, 1, 1, 1, 0);
    br[1] = cat(b, NAME("branch3x3_cat"), pair, 2);
    t = basic_conv(b, NAME("branch3x3dbl_1"), x, 448, 1, 1, 0);
    t = basic_conv(b, NAME("branch3x3dbl_2"), t, 384, 3, 1, 1);
    pair[0] = basic_conv2(b, NAME("branch3x3dbl_3a"), t, 384, 1, 3, 1, 0, 1);
    pair[1] = basic_conv2(b, NAME("branch3x3dbl_3b"), t, 384, 3, 1, 1, 1, 0);
    br[2] = cat(b, NAME("branch3x3dbl_cat"), pair, 2);
    t = avg3(b, NAME("avg_pool"), x);
    br[3] = basic_conv(b, NAME("branch_pool"), t, 192, 1, 1, 0);
    return cat(b, NAME("cat"), br, 4);
}

#undef NAME

static void build_inception_v3(builder *b) {
    int x = input(b);
    x = basic_conv(b, "Conv2d_1a_3x3", x, 32, 3, 2, 0);
    x = basic_conv(b, "Conv2d_2a_3x3", x, 32, 3, 1, 0);
    x = basic_conv(b, "Conv2d_2b_3x3", x, 64, 3, 1, 1);
    x = pool(b, "maxpool1", OCLNN_NODE_MAX_POOL, x, 3, 2, 0, false);
    x = basic_conv(b, "Conv2d_3b_1x1", x, 80, 1, 1, 0);
    x = basic_conv(b, "Conv2d_4a_3x3", x, 192, 3, 1, 0);
    x = pool(b, "maxpool2", OCLNN_NODE_MAX_POOL, x, 3, 2, 0, false);
    x = inception_a(b, "Mixed_5b", x, 32);
    x = inception_a(b, "Mixed_5c", x, 64);
    x = inception_a(b, "Mixed_5d", x, 64);
    x = inception_b(b, "Mixed_6a", x);
    x = inception_c(b, "Mixed_6b", x, 128);
    x = inception_c(b, "Mixed_6c", x, 160);
    x = inception_c(b, "Mixed_6d", x, 160);
    x = inception_c(b, "Mixed_6e", x, 192);
    x = inception_d(b, "Mixed_7a", x);
    x = inception_e(b, "Mixed_7b", x);
    x = inception_e(b, "Mixed_7c", x);
    x = adaptive(b, "avgpool", x, 1);
    fc(b, "fc", x, 1000, 1); /* dropout before it is the identity at inference */
}

static const char *const names[] = {"resnet18",  "resnet34",        "resnet50",        "resnet101",
                                    "resnet152", "wide_resnet50_2", "resnext50_32x4d", "vgg16",
                                    "googlenet", "inception_v3", NULL};

const char *const *oclnn_graph_builtin_names(void) { return names; }

oclnn_status oclnn_graph_builtin(const char *name, oclnn_graph **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    if (!name || !out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", !name ? "name" : "out");
    const resnet_cfg *rc = NULL;
    for (size_t i = 0; i < sizeof resnets / sizeof resnets[0]; i++)
        if (!strcmp(name, resnets[i].name)) rc = &resnets[i];
    if (!rc && strcmp(name, "vgg16") && strcmp(name, "googlenet") && strcmp(name, "inception_v3"))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "unknown network \"%s\" (known: resnet18, resnet34, resnet50, resnet101, resnet152, "
                           "wide_resnet50_2, resnext50_32x4d, vgg16, googlenet, inception_v3)", name);
    builder b = {NULL, OCLNN_OK};
    OCLNN__TRY(oclnn_graph_create(&b.g));
    if (rc) build_resnet(&b, rc);
    else if (!strcmp(name, "vgg16")) build_vgg16(&b);
    else if (!strcmp(name, "googlenet")) build_googlenet(&b);
    else build_inception_v3(&b);
    if (b.st != OCLNN_OK) {
        /* Only memory can fail here; keep the message of the failing add. */
        oclnn_graph_destroy(b.g);
        return b.st;
    }
    *out = b.g;
    return OCLNN_OK;
}
