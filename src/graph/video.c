/* SPDX-License-Identifier: MIT */
/* torchvision's video classifiers (torchvision.models.video: r3d_18, mc3_18, r2plus1d_18;
 * issue 19) as a fixed chain of oclnn ops, parameters by torchvision's state_dict names.
 *
 * Every batch norm (eval mode) is folded into the convolution before it at create, so each
 * torchvision conv + BN (+ ReLU) is one 3-D convolution with bias and fused ReLU, and each
 * block's conv2 + BN + residual add + ReLU is one convolution fused with its residual. The
 * architecture (torchvision/models/video/resnet.py):
 *   stem    r3d/mc3: conv 3x7x7 /(1,2,2) pad (1,3,3), 3 -> 64, BN, ReLU            (stem.0, stem.1)
 *           r2plus1d: conv 1x7x7 /(1,2,2) pad (0,3,3), 3 -> 45, BN, ReLU,
 *                     conv 3x1x1 pad (1,0,0), 45 -> 64, BN, ReLU          (stem.0, .1, .3, .4)
 *   layer1..4: two BasicBlocks each, 64/128/256/512 planes, stride 1/2/2/2 in the first block;
 *     block: conv1 = builder(in, planes, stride) + BN + ReLU (conv1.0, conv1.1); conv2 =
 *     builder(planes, planes) + BN (conv2.0, conv2.1); residual = x or downsample (1x1x1 conv
 *     with the builder's stride + BN: downsample.0, downsample.1); out = ReLU(conv2 + residual).
 *     builders: Conv3DSimple 3x3x3 pad 1 stride (s,s,s); Conv3DNoTemporal 1x3x3 pad (0,1,1)
 *     stride (1,s,s) (mc3_18's layers 2-4); Conv2Plus1D (r2plus1d_18): conv 1x3x3 /(1,s,s)
 *     pad (0,1,1) in -> mid, BN, ReLU, conv 3x1x1 /(s,1,1) pad (1,0,0) mid -> out, with
 *     mid = in * out * 27 / (in * 9 + 3 * out) from the block's in and out channels, in both of
 *     its convs (names .0.0, .0.1, .0.3).
 *   head: adaptive average pool to 1x1x1, flatten, fc 512 -> classes (fc.weight, fc.bias). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/safetensors.h"
#include "core/status.h"

#define VIDEO_MAX_STEPS 64
#define BN_EPS 1e-5

typedef enum arch_kind { ARCH_R3D, ARCH_MC3, ARCH_R2PLUS1D } arch_kind;

typedef struct step {
    oclnn_op *op;
    enum { STEP_CONV, STEP_POOL, STEP_FC } kind;
    oclnn_tensor *src, *dst, *res;
} step;

struct oclnn_video_net {
    oclnn_context *ctx;
    step steps[VIDEO_MAX_STEPS];
    size_t n_steps;
    oclnn_tensor *tensors[VIDEO_MAX_STEPS + 1];
    size_t n_tensors;
    oclnn_tensor *input, *output;
};

typedef struct builder {
    oclnn_video_net *net;
    oclnn__safetensors *st; /* NULL: the generator */
    const char *path;
    uint64_t seed;
    oclnn_status status; /* first failure; later calls do nothing */
} builder;

/* The floats of parameter `name` of shape dims[0..ndim) (malloc'd): from the file, which must
 * hold it with exactly that shape, or from oclnn_random_uniform(name, seed, lo, hi). NULL on
 * failure (b->status set). */
static float *param(builder *b, const char *name, uint32_t ndim, const uint64_t *dims, double lo,
                    double hi) {
    size_t count = 1;
    for (uint32_t i = 0; i < ndim; i++) count *= (size_t)dims[i];
    if (b->status != OCLNN_OK) return NULL;
    float *p = malloc(count * sizeof *p);
    if (!p) {
        b->status = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate parameter %s", name);
        return NULL;
    }
    if (!b->st) {
        b->status = oclnn_random_uniform(name, b->seed, lo, hi, p, count);
    } else {
        const oclnn__st_tensor *t = oclnn__safetensors_find(b->st, name);
        bool same = t && t->ndim == ndim;
        for (uint32_t i = 0; same && i < ndim; i++) same = t->shape[i] == dims[i];
        if (!same) {
            b->status = oclnn__fail(OCLNN_ERROR_BAD_FILE,
                                    "%s: parameter \"%s\" is %s (expected %u dimensions, %zu "
                                    "floats)",
                                    b->path, name, t ? "of another shape" : "missing", ndim, count);
        } else {
            memcpy(p, t->data, count * sizeof *p); /* little-endian F32, checked by the reader */
        }
    }
    if (b->status != OCLNN_OK) {
        free(p);
        return NULL;
    }
    return p;
}

static oclnn_tensor *tensor(builder *b, oclnn_shape3d s) {
    if (b->status != OCLNN_OK) return NULL;
    if (b->net->n_tensors == VIDEO_MAX_STEPS + 1) {
        b->status = oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "too many tensors in the network");
        return NULL;
    }
    oclnn_tensor *t = NULL;
    b->status = oclnn_tensor_create3d(b->net->ctx, s, OCLNN_LAYOUT_AUTO, &t);
    if (b->status == OCLNN_OK) b->net->tensors[b->net->n_tensors++] = t;
    return t;
}

static void push(builder *b, oclnn_op *op, int kind, oclnn_tensor *src, oclnn_tensor *dst,
                 oclnn_tensor *res) {
    if (b->net->n_steps == VIDEO_MAX_STEPS) {
        oclnn_op_destroy(op);
        b->status = oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "too many steps in the network");
        return;
    }
    b->net->steps[b->net->n_steps++] = (step){op, kind, src, dst, res};
}

/* conv `cname` + batch norm `bname` (folded) [+ residual] [+ ReLU] on src; returns dst. */
static oclnn_tensor *conv_bn(builder *b, const char *cname, const char *bname, oclnn_tensor *src,
                             uint32_t out, const uint32_t k[3], const uint32_t s[3],
                             const uint32_t p[3], bool relu, oclnn_tensor *res) {
    if (b->status != OCLNN_OK) return NULL;
    oclnn_conv3d_desc d = oclnn_conv3d_desc_default();
    d.input = oclnn_tensor_shape3d(src);
    d.out_channels = out;
    memcpy(d.kernel, k, sizeof d.kernel);
    memcpy(d.stride, s, sizeof d.stride);
    memcpy(d.pad, p, sizeof d.pad);
    d.activation = relu ? OCLNN_ACTIVATION_RELU : OCLNN_ACTIVATION_NONE;
    d.has_bias = true;
    d.fuse_residual = res != NULL;
    const size_t per_k = (size_t)d.input.c * k[0] * k[1] * k[2];
    char name[128];
    snprintf(name, sizeof name, "%s.weight", cname);
    double bound = sqrt(6.0 / (double)per_k);
    const uint64_t wdims[5] = {out, d.input.c, k[0], k[1], k[2]};
    float *w = param(b, name, 5, wdims, -bound, bound);
    float *bn[4] = {NULL, NULL, NULL, NULL};
    static const char *const field[4] = {"weight", "bias", "running_mean", "running_var"};
    static const double lo[4] = {0.5, -0.1, -0.1, 0.5}, hi[4] = {1.5, 0.1, 0.1, 1.5};
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "%s.%s", bname, field[i]);
        const uint64_t cdims[1] = {out};
        bn[i] = param(b, name, 1, cdims, lo[i], hi[i]);
    }
    float *bias = b->status == OCLNN_OK ? malloc(out * sizeof *bias) : NULL;
    if (b->status == OCLNN_OK && !bias)
        b->status = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate a bias");
    oclnn_tensor *dst = NULL;
    if (b->status == OCLNN_OK) {
        for (uint32_t o = 0; o < out; o++) {
            double scale = bn[0][o] / sqrt((double)bn[3][o] + BN_EPS);
            for (size_t i = 0; i < per_k; i++) w[o * per_k + i] = (float)(w[o * per_k + i] * scale);
            bias[o] = (float)(bn[1][o] - bn[2][o] * scale);
        }
        oclnn_shape3d os;
        oclnn_op *op = NULL;
        b->status = oclnn_conv3d_output_shape(&d, &os);
        if (b->status == OCLNN_OK) dst = tensor(b, os);
        if (b->status == OCLNN_OK) b->status = oclnn_conv3d_create(b->net->ctx, &d, w, bias, &op);
        if (b->status == OCLNN_OK) push(b, op, STEP_CONV, src, dst, res);
    }
    free(w);
    free(bias);
    for (int i = 0; i < 4; i++) free(bn[i]);
    return b->status == OCLNN_OK ? dst : NULL;
}

/* The block's builder conv `prefix` (conv1.0 or conv2.0) [+ BN `bnname`]: Conv2Plus1D expands
 * into its two convs with the inner batch norm. */
static oclnn_tensor *builder_conv(builder *b, arch_kind arch, int layer, const char *prefix,
                                  const char *bnname, oclnn_tensor *src, uint32_t block_in,
                                  uint32_t out, uint32_t stride, bool relu, oclnn_tensor *res) {
    char n1[96], n2[96];
    if (arch == ARCH_R2PLUS1D) {
        /* torchvision computes one midplanes per block, from the block's input and output
         * channels, and uses it in both convs */
        const uint32_t mid = block_in * out * 27 / (block_in * 9 + 3 * out);
        const uint32_t k1[3] = {1, 3, 3}, s1[3] = {1, stride, stride}, p1[3] = {0, 1, 1};
        const uint32_t k2[3] = {3, 1, 1}, s2[3] = {stride, 1, 1}, p2[3] = {1, 0, 0};
        snprintf(n1, sizeof n1, "%s.0", prefix);
        snprintf(n2, sizeof n2, "%s.1", prefix);
        oclnn_tensor *t = conv_bn(b, n1, n2, src, mid, k1, s1, p1, true, NULL);
        snprintf(n1, sizeof n1, "%s.3", prefix);
        return conv_bn(b, n1, bnname, t, out, k2, s2, p2, relu, res);
    }
    const bool spatial_only = arch == ARCH_MC3 && layer > 1;
    const uint32_t k[3] = {spatial_only ? 1u : 3u, 3, 3};
    const uint32_t s[3] = {spatial_only ? 1u : stride, stride, stride};
    const uint32_t p[3] = {spatial_only ? 0u : 1u, 1, 1};
    return conv_bn(b, prefix, bnname, src, out, k, s, p, relu, res);
}

static void build(builder *b, arch_kind arch) {
    oclnn_video_net *net = b->net;
    oclnn_tensor *x = net->input;
    if (arch == ARCH_R2PLUS1D) {
        const uint32_t k1[3] = {1, 7, 7}, s1[3] = {1, 2, 2}, p1[3] = {0, 3, 3};
        const uint32_t k2[3] = {3, 1, 1}, s2[3] = {1, 1, 1}, p2[3] = {1, 0, 0};
        x = conv_bn(b, "stem.0", "stem.1", x, 45, k1, s1, p1, true, NULL);
        x = conv_bn(b, "stem.3", "stem.4", x, 64, k2, s2, p2, true, NULL);
    } else {
        const uint32_t k[3] = {3, 7, 7}, s[3] = {1, 2, 2}, p[3] = {1, 3, 3};
        x = conv_bn(b, "stem.0", "stem.1", x, 64, k, s, p, true, NULL);
    }
    uint32_t in = 64;
    for (int layer = 1; layer <= 4; layer++) {
        const uint32_t planes = 64u << (layer - 1);
        for (int blk = 0; blk < 2; blk++) {
            const uint32_t stride = layer > 1 && blk == 0 ? 2 : 1;
            char pre[64], c1[96], c1bn[96], c2[96], c2bn[96];
            snprintf(pre, sizeof pre, "layer%d.%d", layer, blk);
            oclnn_tensor *res = x;
            if (stride != 1 || in != planes) {
                const bool spatial_only = arch == ARCH_MC3 && layer > 1;
                const uint32_t k[3] = {1, 1, 1}, p[3] = {0, 0, 0};
                const uint32_t s[3] = {spatial_only ? 1u : stride, stride, stride};
                snprintf(c1, sizeof c1, "%s.downsample.0", pre);
                snprintf(c1bn, sizeof c1bn, "%s.downsample.1", pre);
                res = conv_bn(b, c1, c1bn, x, planes, k, s, p, false, NULL);
            }
            snprintf(c1, sizeof c1, "%s.conv1.0", pre);
            snprintf(c1bn, sizeof c1bn, "%s.conv1.1", pre);
            snprintf(c2, sizeof c2, "%s.conv2.0", pre);
            snprintf(c2bn, sizeof c2bn, "%s.conv2.1", pre);
            oclnn_tensor *h =
                builder_conv(b, arch, layer, c1, c1bn, x, in, planes, stride, true, NULL);
            x = builder_conv(b, arch, layer, c2, c2bn, h, in, planes, 1, true, res);
            in = planes;
        }
    }
    if (b->status != OCLNN_OK) return;
    /* head: adaptive average pool to 1x1x1, then fc */
    oclnn_pool3d_desc pd = oclnn_pool3d_desc_default();
    pd.input = oclnn_tensor_shape3d(x);
    pd.kind = OCLNN_POOL_GLOBAL_AVG;
    oclnn_op *op = NULL;
    oclnn_tensor *pooled = tensor(b, (oclnn_shape3d){pd.input.n, pd.input.c, 1, 1, 1});
    if (b->status == OCLNN_OK) b->status = oclnn_pool3d_create(net->ctx, &pd, &op);
    if (b->status != OCLNN_OK) return;
    push(b, op, STEP_POOL, x, pooled, NULL);
    uint32_t classes = 400;
    if (b->st) {
        const oclnn__st_tensor *t = oclnn__safetensors_find(b->st, "fc.bias");
        if (t && t->ndim == 1 && t->elements && t->elements <= UINT32_MAX)
            classes = (uint32_t)t->elements;
    }
    const double bound = 1.0 / sqrt(512.0);
    const uint64_t fdims[2] = {classes, 512};
    float *w = param(b, "fc.weight", 2, fdims, -bound, bound);
    float *bias = param(b, "fc.bias", 1, fdims, -bound, bound);
    oclnn_fc_desc fd = oclnn_fc_desc_default();
    fd.input = (oclnn_shape){pd.input.n, 512, 1, 1};
    fd.out_features = classes;
    fd.has_bias = true;
    oclnn_tensor *out = tensor(b, (oclnn_shape3d){pd.input.n, classes, 1, 1, 1});
    if (b->status == OCLNN_OK) b->status = oclnn_fc_create(net->ctx, &fd, w, bias, &op);
    if (b->status == OCLNN_OK) {
        push(b, op, STEP_FC, pooled, out, NULL);
        net->output = out;
    }
    free(w);
    free(bias);
}

const char *const *oclnn_video_net_names(void) {
    static const char *const names[] = {"r3d_18", "mc3_18", "r2plus1d_18", NULL};
    return names;
}

oclnn_status oclnn_video_net_create(oclnn_context *ctx, const char *arch, const char *weights,
                                    uint64_t seed, oclnn_shape3d input, oclnn_video_net **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    if (!ctx) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "ctx is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (!arch) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "arch is NULL");
    arch_kind kind;
    if (!strcmp(arch, "r3d_18"))
        kind = ARCH_R3D;
    else if (!strcmp(arch, "mc3_18"))
        kind = ARCH_MC3;
    else if (!strcmp(arch, "r2plus1d_18"))
        kind = ARCH_R2PLUS1D;
    else
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "arch \"%s\" is not a video network (r3d_18, mc3_18, r2plus1d_18)",
                           arch);
    if (input.c != 3)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "input.c (%u) must be 3 (RGB)", input.c);
    oclnn_video_net *net = calloc(1, sizeof *net);
    if (!net) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the network");
    net->ctx = ctx;
    builder b = {.net = net, .path = weights, .seed = seed, .status = OCLNN_OK};
    if (weights) b.status = oclnn__safetensors_read(weights, &b.st);
    if (b.status == OCLNN_OK) net->input = tensor(&b, input);
    if (b.status == OCLNN_OK) build(&b, kind);
    if (b.st) oclnn__safetensors_free(b.st);
    if (b.status != OCLNN_OK) {
        oclnn_status st = b.status;
        oclnn_video_net_destroy(net);
        return st;
    }
    *out = net;
    return OCLNN_OK;
}

oclnn_tensor *oclnn_video_net_input(oclnn_video_net *net) { return net ? net->input : NULL; }
oclnn_tensor *oclnn_video_net_output(oclnn_video_net *net) { return net ? net->output : NULL; }

oclnn_status oclnn_video_net_run(oclnn_video_net *net) {
    OCLNN__ENTER();
    if (!net) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "net is NULL");
    for (size_t i = 0; i < net->n_steps; i++) {
        const step *s = &net->steps[i];
        oclnn_status st = s->kind == STEP_CONV   ? oclnn_conv3d_run(s->op, s->src, s->dst, s->res)
                          : s->kind == STEP_POOL ? oclnn_pool3d_run(s->op, s->src, s->dst)
                                                 : oclnn_fc_run(s->op, s->src, s->dst);
        if (st != OCLNN_OK) return st;
    }
    return OCLNN_OK;
}

void oclnn_video_net_destroy(oclnn_video_net *net) {
    if (!net) return;
    for (size_t i = 0; i < net->n_steps; i++) oclnn_op_destroy(net->steps[i].op);
    for (size_t i = 0; i < net->n_tensors; i++) oclnn_tensor_destroy(net->tensors[i]);
    free(net);
}
