/* SPDX-License-Identifier: MIT */
/* The per-node step makers of the graph compiler (net.c): each creates its node's op through the
 * public op API; a convolution, a deconvolution and an add absorb the consumers fusion allows. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/context.h"
#include "core/handle.h"
#include "core/status.h"
#include "core/tensor.h"
#include "graph/alias.h"
#include "graph/fuse.h"
#include "graph/net.h"
#include "graph/net_compile.h"
#include "graph/plan.h"

static bool sole_consumer(const oclnn__compiler *c, int i, oclnn_node_op op) {
    return oclnn__fuse_sole_consumer(&c->fuse, i, op);
}

static const float *param(const oclnn__node *n, const char *suffix) {
    const oclnn__param *p = oclnn__node_param(n, suffix);
    return p ? p->data : NULL;
}

/* A convolution node's weights and bias (zeros without one) copied into *w and *b, with what the
 * step absorbs (fu) applied: the batch norm folded in, the absorbed nodes mapped to node i, the
 * residual's source, the label's suffixes and the step's position. 2-D and 3-D convolutions share
 * it (net_steps_nd.c). The caller frees *w and *b, also on failure. */
oclnn_status oclnn__net_conv_params(oclnn__compiler *c, int i, const oclnn__conv_fused *fu, oclnn__step *s, float **w,
                                    float **b) {
    const oclnn_allocator *al = c->net->ctx->allocator;
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn__param *wp = oclnn__node_param(n, "weight");
    uint32_t k = n->desc.channels;
    *w = oclnn__alloc(al, wp->count * sizeof **w);
    *b = oclnn__calloc(al, k, sizeof **b);
    if (!*w || !*b) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot copy the weights");
    memcpy(*w, wp->data, wp->count * sizeof **w);
    if (n->desc.bias) memcpy(*b, param(n, "bias"), k * sizeof **b);
    if (fu->bn >= 0) {
        const oclnn__node *bn = &c->g->nodes[fu->bn];
        oclnn__error_context("node \"%s\": ", bn->name);
        oclnn_status st = oclnn_batchnorm_fold(k, wp->count / k, param(bn, "weight"), param(bn, "bias"),
                                               param(bn, "running_mean"), param(bn, "running_var"),
                                               bn->desc.eps, *w, *b);
        oclnn__error_context("node \"%s\": ", n->name);
        if (st != OCLNN_OK) return st;
        c->net->rep[fu->bn] = i;
        strcat(s->label, "+bn");
    }
    if (fu->add >= 0) {
        const oclnn__node *add = &c->g->nodes[fu->add];
        int before = fu->bn >= 0 ? fu->bn : i;
        s->src[1] = add->inputs[0] == before ? add->inputs[1] : add->inputs[0];
        c->net->rep[fu->add] = i;
        strcat(s->label, "+add");
    }
    if (fu->relu >= 0) {
        c->net->rep[fu->relu] = i;
        strcat(s->label, "+relu");
    }
    s->position = fu->last;
    return OCLNN_OK;
}

static oclnn_status make_conv(oclnn__compiler *c, int i, oclnn__step *s) {
    const oclnn_allocator *al = c->net->ctx->allocator;
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn__param *wp = oclnn__node_param(n, "weight");
    uint32_t k = n->desc.channels;
    oclnn__conv_fused fu;
    oclnn__fuse_conv(&c->fuse, i, &fu);
    oclnn_conv2d_desc cd = oclnn__node_conv_desc(n, c->shapes[n->inputs[0]], &fu);
    strcpy(s->label, "conv");
    float *w = NULL, *b = NULL;
    oclnn_status st = oclnn__net_conv_params(c, i, &fu, s, &w, &b);
    if (st == OCLNN_OK) st = oclnn_conv2d_create(c->net->ctx, &cd, w, cd.has_bias ? b : NULL, &s->op);
    oclnn__free(al, w);
    oclnn__free(al, b);
    if (st != OCLNN_OK) return st;
    c->weight_floats += wp->count + (cd.has_bias ? k : 0);
    oclnn_shape o = c->shapes[i];
    s->flops = 2.0 * o.n * o.c * o.h * o.w * (double)(wp->count / k);
    return OCLNN_OK;
}

/* The pooling descriptor of a pooling node (adaptive average pooling as a plain or global one). */
oclnn_pool2d_desc oclnn__net_pool_desc(const oclnn_node_desc *d, oclnn_shape in, oclnn_shape o) {
    oclnn_pool2d_desc pd = OCLNN_POOL2D_DESC_INIT;
    pd.input = in;
    if (d->op == OCLNN_NODE_GLOBAL_MAX_POOL) {
        pd.kind = OCLNN_POOL_GLOBAL_MAX;
    } else if (d->op == OCLNN_NODE_ADAPTIVE_AVG_POOL) {
        if (o.h == 1 && o.w == 1) {
            pd.kind = OCLNN_POOL_GLOBAL_AVG;
        } else {
            pd.kind = OCLNN_POOL_AVG;
            pd.kernel_h = pd.stride_h = in.h / o.h;
            pd.kernel_w = pd.stride_w = in.w / o.w;
        }
    } else {
        pd.kind = d->op == OCLNN_NODE_MAX_POOL ? OCLNN_POOL_MAX : OCLNN_POOL_AVG;
        pd.kernel_h = d->kernel_h;
        pd.kernel_w = d->kernel_w;
        pd.stride_h = d->stride_h;
        pd.stride_w = d->stride_w;
        pd.pad_h = d->pad_h;
        pd.pad_w = d->pad_w;
        pd.ceil_mode = d->ceil_mode;
        pd.count_include_pad = d->count_include_pad;
        pd.pad_asymmetric = d->pad_asymmetric; /* issue 16 */
        pd.pad_bottom = d->pad_bottom;
        pd.pad_right = d->pad_right;
    }
    return pd;
}

/* The step label of an ACTIVATION node. */
static const char *eltwise_label(oclnn_eltwise_op op) {
    switch (op) {
    case OCLNN_ELTWISE_RELU: return "relu";
    case OCLNN_ELTWISE_RELU6: return "relu6";
    case OCLNN_ELTWISE_SIGMOID: return "sigmoid";
    case OCLNN_ELTWISE_TANH: return "tanh";
    case OCLNN_ELTWISE_HARDSIGMOID: return "hardsigmoid";
    case OCLNN_ELTWISE_HARDSWISH: return "hardswish";
    case OCLNN_ELTWISE_LEAKY_RELU: return "leaky_relu"; /* issue 16 */
    case OCLNN_ELTWISE_ELU: return "elu";
    case OCLNN_ELTWISE_ADD:
    case OCLNN_ELTWISE_ADD_RELU:
    case OCLNN_ELTWISE_SCALE:
    case OCLNN_ELTWISE_MUL:
    case OCLNN_ELTWISE_SUB:
    case OCLNN_ELTWISE_DIV: break;
    }
    return "activation";
}

/* A transposed convolution (issue 18), absorbing a ReLU that is its only consumer. */
static oclnn_status make_deconv(oclnn__compiler *c, int i, oclnn__step *s) {
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn_node_desc *d = &n->desc;
    oclnn_shape in = c->shapes[n->inputs[0]];
    oclnn_deconv2d_desc dd = OCLNN_DECONV2D_DESC_INIT;
    dd.input = in;
    dd.out_channels = d->channels;
    dd.kernel_h = d->kernel_h;
    dd.kernel_w = d->kernel_w;
    dd.stride_h = d->stride_h;
    dd.stride_w = d->stride_w;
    dd.pad_h = d->pad_h;
    dd.pad_w = d->pad_w;
    dd.output_pad_h = d->output_pad_h;
    dd.output_pad_w = d->output_pad_w;
    dd.dilation_h = d->dilation_h;
    dd.dilation_w = d->dilation_w;
    dd.groups = d->groups;
    dd.has_bias = d->bias;
    if (sole_consumer(c, i, OCLNN_NODE_RELU)) {
        int j = c->consumer[i];
        dd.activation = OCLNN_ACTIVATION_RELU;
        c->absorbed[j] = true;
        c->net->rep[j] = i;
        s->position = j;
        strcpy(s->label, "deconv+relu");
    }
    const oclnn__param *wp = oclnn__node_param(n, "weight");
    OCLNN__TRY(oclnn_deconv2d_create(c->net->ctx, &dd, wp->data, d->bias ? param(n, "bias") : NULL, &s->op));
    c->weight_floats += wp->count + (d->bias ? d->channels : 0);
    s->flops = 2.0 * in.n * (double)wp->count * in.h * in.w;
    return OCLNN_OK;
}

static oclnn_status make_batchnorm(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape in) {
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn_node_desc *d = &n->desc;
    s->kind = OCLNN__STEP_BATCHNORM;
    oclnn_batchnorm_desc bd = OCLNN_BATCHNORM_DESC_INIT;
    bd.shape = in;
    bd.eps = d->eps;
    oclnn_status st = oclnn_batchnorm_create(c->net->ctx, &bd, param(n, "weight"), param(n, "bias"),
                                             param(n, "running_mean"), param(n, "running_var"), &s->op);
    c->weight_floats += 4u * in.c;
    return st;
}

/* RELU and ADD; an add absorbs a ReLU that is its only consumer. */
static oclnn_status make_relu_add(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape in) {
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn_node_desc *d = &n->desc;
    s->kind = OCLNN__STEP_ELTWISE;
    oclnn_eltwise_desc ed = OCLNN_ELTWISE_DESC_INIT;
    ed.shape = in;
    ed.op = d->op == OCLNN_NODE_RELU ? OCLNN_ELTWISE_RELU : OCLNN_ELTWISE_ADD;
    if (d->op == OCLNN_NODE_ADD) {
        s->src[1] = n->inputs[1];
        if (sole_consumer(c, i, OCLNN_NODE_RELU)) {
            int j = c->consumer[i];
            ed.op = OCLNN_ELTWISE_ADD_RELU;
            c->absorbed[j] = true;
            c->net->rep[j] = i;
            s->position = j;
            strcpy(s->label, "add+relu");
        }
    }
    return oclnn_eltwise_create(c->net->ctx, &ed, NULL, NULL, &s->op);
}

/* ACTIVATION and MUL. */
static oclnn_status make_activation_mul(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape in) {
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn_node_desc *d = &n->desc;
    s->kind = OCLNN__STEP_ELTWISE;
    oclnn_eltwise_desc ed = OCLNN_ELTWISE_DESC_INIT;
    ed.shape = in;
    ed.op = d->op == OCLNN_NODE_MUL ? OCLNN_ELTWISE_MUL : d->eltwise;
    if (d->op == OCLNN_NODE_MUL) s->src[1] = n->inputs[1];
    snprintf(s->label, sizeof s->label, "%s", d->op == OCLNN_NODE_MUL ? "mul" : eltwise_label(d->eltwise));
    /* issue 16: LEAKY_RELU and ELU read their per-channel alphas */
    const bool slopes = d->op == OCLNN_NODE_ACTIVATION &&
                        (d->eltwise == OCLNN_ELTWISE_LEAKY_RELU || d->eltwise == OCLNN_ELTWISE_ELU);
    oclnn_status st = oclnn_eltwise_create(c->net->ctx, &ed, slopes ? param(n, "weight") : NULL, NULL, &s->op);
    if (slopes) c->weight_floats += in.c;
    return st;
}

static oclnn_status make_concat(oclnn__compiler *c, int i, oclnn__step *s) {
    const oclnn_allocator *al = c->net->ctx->allocator;
    const oclnn__node *n = &c->g->nodes[i];
    s->kind = OCLNN__STEP_CONCAT;
    s->src[0] = -1; /* its sources are all in srcs */
    s->nsrcs = n->input_count;
    s->srcs = oclnn__alloc(al, n->input_count * sizeof *s->srcs);
    oclnn_shape *ins = oclnn__alloc(al, n->input_count * sizeof *ins);
    if (!s->srcs || !ins) {
        oclnn__free(al, ins);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    for (size_t k = 0; k < n->input_count; k++) {
        s->srcs[k] = n->inputs[k];
        ins[k] = c->shapes[n->inputs[k]];
    }
    oclnn_status st = oclnn_concat_create(c->net->ctx, ins, n->input_count, &s->op);
    oclnn__free(al, ins);
    return st;
}

static oclnn_status make_fc(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape in) {
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn_node_desc *d = &n->desc;
    s->kind = OCLNN__STEP_FC;
    oclnn_fc_desc fd = OCLNN_FC_DESC_INIT;
    fd.input = in;
    fd.out_features = d->channels;
    fd.has_bias = d->bias;
    oclnn_status st = oclnn_fc_create(c->net->ctx, &fd, param(n, "weight"), d->bias ? param(n, "bias") : NULL, &s->op);
    size_t in_features = (size_t)in.c * in.h * in.w;
    c->weight_floats += (size_t)d->channels * in_features + (d->bias ? d->channels : 0);
    s->flops = 2.0 * in.n * d->channels * (double)in_features;
    return st;
}

oclnn_resize_desc oclnn__net_resize_desc(const oclnn_node_desc *d, oclnn_shape in) {
    oclnn_resize_desc rd = OCLNN_RESIZE_DESC_INIT;
    rd.input = in;
    rd.mode = d->resize_mode;
    rd.align_corners = d->align_corners;
    rd.scale_h = d->scale_h;
    rd.scale_w = d->scale_w;
    rd.out_h = d->scale_h > 0 ? 0 : d->out_h;
    rd.out_w = d->scale_w > 0 ? 0 : d->out_w;
    return rd;
}

static oclnn_status make_resize(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape in) {
    s->kind = OCLNN__STEP_RESIZE;
    oclnn_resize_desc rd = oclnn__net_resize_desc(&c->g->nodes[i].desc, in);
    return oclnn_resize_create(c->net->ctx, &rd, &s->op);
}

/* issue 16 */
oclnn_channel_shuffle_desc oclnn__net_shuffle_desc(const oclnn_node_desc *d, oclnn_shape in) {
    oclnn_channel_shuffle_desc sd = OCLNN_CHANNEL_SHUFFLE_DESC_INIT;
    sd.input = in;
    sd.start = d->channel_start;
    sd.count = d->channels;
    sd.groups = d->groups;
    return sd;
}

static oclnn_status make_channel_shuffle(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape in) {
    const oclnn_node_desc *d = &c->g->nodes[i].desc;
    s->kind = OCLNN__STEP_CHANNEL_SHUFFLE;
    oclnn_channel_shuffle_desc sd = oclnn__net_shuffle_desc(d, in);
    snprintf(s->label, sizeof s->label, "%s", d->groups > 1 ? "shuffle" : "slice");
    return oclnn_channel_shuffle_create(c->net->ctx, &sd, &s->op);
}

oclnn_status oclnn__net_make_step(oclnn__compiler *c, int i, oclnn__step *s) {
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn_node_desc *d = &n->desc;
    oclnn_context *ctx = c->net->ctx;
    oclnn_shape in = n->input_count ? c->shapes[n->inputs[0]] : c->shapes[i], o = c->shapes[i];
    oclnn_status st = OCLNN_OK;
    s->node = s->position = i;
    s->dst = i;
    s->src[0] = n->input_count ? n->inputs[0] : -1;
    s->src[1] = -1;
    snprintf(s->label, sizeof s->label, "%s", oclnn_node_op_name(d->op));
    if (oclnn__node_is_3d(d->op) || (d->op == OCLNN_NODE_GLOBAL_MAX_POOL && c->depths[n->inputs[0]]))
        return oclnn__net_make_step_nd(c, i, s); /* issue 19 */
    switch (d->op) {
    case OCLNN_NODE_INPUT: return OCLNN_OK;
    case OCLNN_NODE_CONV: s->kind = OCLNN__STEP_CONV; return make_conv(c, i, s);
    case OCLNN_NODE_BATCHNORM: return make_batchnorm(c, i, s, in);
    case OCLNN_NODE_RELU:
    case OCLNN_NODE_ADD: return make_relu_add(c, i, s, in);
    case OCLNN_NODE_ACTIVATION:
    case OCLNN_NODE_MUL: return make_activation_mul(c, i, s, in);
    case OCLNN_NODE_MAX_POOL:
    case OCLNN_NODE_AVG_POOL:
    case OCLNN_NODE_ADAPTIVE_AVG_POOL:
    case OCLNN_NODE_GLOBAL_MAX_POOL: {
        s->kind = OCLNN__STEP_POOL;
        oclnn_pool2d_desc pd = oclnn__net_pool_desc(d, in, o);
        st = oclnn_pool2d_create(ctx, &pd, &s->op);
        break;
    }
    case OCLNN_NODE_CONCAT: return make_concat(c, i, s);
    case OCLNN_NODE_FC: return make_fc(c, i, s, in);
    case OCLNN_NODE_SOFTMAX: {
        s->kind = OCLNN__STEP_SOFTMAX;
        oclnn_softmax_desc sd = OCLNN_SOFTMAX_DESC_INIT;
        sd.shape = in;
        st = oclnn_softmax_create(ctx, &sd, &s->op);
        break;
    }
    case OCLNN_NODE_DECONV: s->kind = OCLNN__STEP_DECONV; return make_deconv(c, i, s);
    case OCLNN_NODE_RESIZE: return make_resize(c, i, s, in);
    case OCLNN_NODE_CHANNEL_SHUFFLE: return make_channel_shuffle(c, i, s, in); /* issue 16 */
    case OCLNN_NODE_CONV3D: /* issue 19: above */
    case OCLNN_NODE_MAX_POOL3D:
    case OCLNN_NODE_AVG_POOL3D:
    case OCLNN_NODE_ADAPTIVE_AVG_POOL3D: break;
    case OCLNN_NODE_LRN:
    case OCLNN_NODE_BINARY: return oclnn__net_make_lrn_binary(c, i, s, in, o); /* issue 16 */
    }
    return st;
}
