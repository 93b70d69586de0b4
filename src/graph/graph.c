/* SPDX-License-Identifier: MIT */
/* Building a graph: node validation with channel inference, parameter creation under PyTorch's
 * names, and the queries tools and reference executors use. */
#include "graph/graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/handle.h"
#include "core/status.h"

oclnn_node_desc oclnn_node_desc_default(void) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    return d;
}

const char *oclnn_node_op_name(oclnn_node_op op) {
    switch (op) {
    case OCLNN_NODE_INPUT: return "input";
    case OCLNN_NODE_CONV: return "conv";
    case OCLNN_NODE_BATCHNORM: return "batchnorm";
    case OCLNN_NODE_RELU: return "relu";
    case OCLNN_NODE_MAX_POOL: return "max_pool";
    case OCLNN_NODE_AVG_POOL: return "avg_pool";
    case OCLNN_NODE_ADAPTIVE_AVG_POOL: return "adaptive_avg_pool";
    case OCLNN_NODE_CONCAT: return "concat";
    case OCLNN_NODE_ADD: return "add";
    case OCLNN_NODE_FC: return "fc";
    case OCLNN_NODE_SOFTMAX: return "softmax";
    case OCLNN_NODE_ACTIVATION: return "activation";
    case OCLNN_NODE_MUL: return "mul";
    case OCLNN_NODE_GLOBAL_MAX_POOL: return "global_max_pool";
    case OCLNN_NODE_DECONV: return "deconv";
    case OCLNN_NODE_RESIZE: return "resize";
    case OCLNN_NODE_CHANNEL_SHUFFLE: return "channel_shuffle"; /* issue 16 */
    case OCLNN_NODE_CONV3D: return "conv3d"; /* issue 19 */
    case OCLNN_NODE_MAX_POOL3D: return "max_pool3d";
    case OCLNN_NODE_AVG_POOL3D: return "avg_pool3d";
    case OCLNN_NODE_ADAPTIVE_AVG_POOL3D: return "adaptive_avg_pool3d";
    case OCLNN_NODE_LRN: return "lrn";
    case OCLNN_NODE_BINARY: return "binary";
    }
    return "";
}

oclnn_status oclnn__graph_check(const oclnn_graph *g, const char *arg_name) {
    if (!g) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", arg_name);
    if (!oclnn__handle_live(g) || g->magic != OCLNN__MAGIC_GRAPH)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is not a live graph", arg_name);
    return OCLNN_OK;
}

oclnn_status oclnn_graph_create(oclnn_graph **out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    oclnn_graph *g = calloc(1, sizeof *g);
    if (!g) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the graph");
    if (!oclnn__handle_add(g)) {
        free(g);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot register the graph");
    }
    g->magic = OCLNN__MAGIC_GRAPH;
    *out = g;
    return OCLNN_OK;
}

static void free_node(oclnn__node *n) {
    free(n->inputs);
    for (size_t i = 0; i < n->param_count; i++) free(n->params[i].data);
}

void oclnn_graph_destroy(oclnn_graph *g) {
    if (!g || !oclnn__handle_live(g) || g->magic != OCLNN__MAGIC_GRAPH) return;
    oclnn__handle_remove(g);
    for (size_t i = 0; i < g->count; i++) free_node(&g->nodes[i]);
    free(g->nodes);
    g->magic = 0xdeadbeefu;
    free(g);
}

oclnn_status oclnn__node_add_param(oclnn__node *n, const char *suffix, oclnn__param_role role,
                                   uint32_t ndim, const uint64_t *dims, size_t fan_in) {
    oclnn__param *p = &n->params[n->param_count];
    char full[sizeof p->name];
    snprintf(full, sizeof full, "%s.%s", n->name, suffix);
    memset(p, 0, sizeof *p);
    memcpy(p->name, full, sizeof full);
    p->role = role;
    p->ndim = ndim;
    size_t count = 1;
    for (uint32_t i = 0; i < ndim; i++) {
        p->dims[i] = dims[i];
        if (!oclnn__mul_ok(count, (size_t)dims[i], &count) || count > ((size_t)1 << 34))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "parameter %s is too large", p->name);
    }
    p->count = count;
    p->fan_in = fan_in;
    p->data = calloc(count, sizeof(float));
    if (!p->data)
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate parameter %s (%zu floats)",
                           p->name, count);
    n->param_count++;
    return OCLNN_OK;
}

/* Checks the desc of node `n` against its inputs and sets out_channels and the parameters. */
/* A convolution node: checks its sizes against input channels c and adds its parameters. */
static oclnn_status make_conv_node(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    if (!d->channels || !d->kernel_h || !d->kernel_w || !d->stride_h || !d->stride_w ||
        !d->dilation_h || !d->dilation_w || !d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": channels (%u), kernel (%ux%u), stride (%ux%u), dilation (%ux%u) and "
                           "groups (%u) must be positive", n->name, d->channels, d->kernel_h, d->kernel_w,
                           d->stride_h, d->stride_w, d->dilation_h, d->dilation_w, d->groups);
    if (c % d->groups || d->channels % d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": groups (%u) must divide input channels (%u) and channels (%u)",
                           n->name, d->groups, c, d->channels);
    size_t fan_in = (size_t)(c / d->groups) * d->kernel_h * d->kernel_w;
    uint64_t wd[4] = {d->channels, c / d->groups, d->kernel_h, d->kernel_w};
    OCLNN__TRY(oclnn__node_add_param(n, "weight", OCLNN__PARAM_CONV_WEIGHT, 4, wd, fan_in));
    if (d->bias) OCLNN__TRY(oclnn__node_add_param(n, "bias", OCLNN__PARAM_FAN_IN_BIAS, 1, wd, fan_in));
    n->out_channels = d->channels;
    return OCLNN_OK;
}

/* A transposed-convolution node (issue 18): torch's ConvTranspose2d weight is
 * C x channels/groups x kh x kw, and its init's fan-in is weight.size(1) * kh * kw. */
static oclnn_status make_deconv_node(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    if (!d->channels || !d->kernel_h || !d->kernel_w || !d->stride_h || !d->stride_w ||
        !d->dilation_h || !d->dilation_w || !d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": channels (%u), kernel (%ux%u), stride (%ux%u), dilation (%ux%u) and "
                           "groups (%u) must be positive", n->name, d->channels, d->kernel_h, d->kernel_w,
                           d->stride_h, d->stride_w, d->dilation_h, d->dilation_w, d->groups);
    if (c % d->groups || d->channels % d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": groups (%u) must divide input channels (%u) and channels (%u)",
                           n->name, d->groups, c, d->channels);
    if ((d->output_pad_h >= d->stride_h && d->output_pad_h >= d->dilation_h) ||
        (d->output_pad_w >= d->stride_w && d->output_pad_w >= d->dilation_w))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": output_pad (%u,%u) must be below the stride or the dilation",
                           n->name, d->output_pad_h, d->output_pad_w);
    size_t fan_in = (size_t)(d->channels / d->groups) * d->kernel_h * d->kernel_w;
    uint64_t wd[4] = {c, d->channels / d->groups, d->kernel_h, d->kernel_w};
    OCLNN__TRY(oclnn__node_add_param(n, "weight", OCLNN__PARAM_CONV_WEIGHT, 4, wd, fan_in));
    uint64_t bd[1] = {d->channels};
    if (d->bias) OCLNN__TRY(oclnn__node_add_param(n, "bias", OCLNN__PARAM_FAN_IN_BIAS, 1, bd, fan_in));
    n->out_channels = d->channels;
    return OCLNN_OK;
}

/* A resize node (issue 18): a mode, and a scale or a size per axis. */
static oclnn_status make_resize_node(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    if ((unsigned)d->resize_mode > OCLNN_RESIZE_BILINEAR)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": resize_mode (%d) is not an oclnn_resize_mode",
                           n->name, (int)d->resize_mode);
    if (d->align_corners && d->resize_mode != OCLNN_RESIZE_BILINEAR)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": align_corners is for bilinear only", n->name);
    if (!(d->scale_h >= 0 && d->scale_h <= 1e9 && d->scale_w >= 0 && d->scale_w <= 1e9))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": scale (%g, %g) must be finite and >= 0",
                           n->name, d->scale_h, d->scale_w);
    if ((d->scale_h == 0 && !d->out_h) || (d->scale_w == 0 && !d->out_w))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": each axis needs a scale or an output size (out_h %u, out_w %u)", n->name,
                           d->out_h, d->out_w);
    n->out_channels = c;
    return OCLNN_OK;
}

/* The node's input count, and the input first and only once. */
static oclnn_status check_inputs(const oclnn_graph *g, const oclnn__node *n) {
    const oclnn_node_desc *d = &n->desc;
    size_t want = d->op == OCLNN_NODE_INPUT                                                           ? 0
                  : d->op == OCLNN_NODE_ADD || d->op == OCLNN_NODE_MUL || d->op == OCLNN_NODE_BINARY ? 2
                                                                                                     : 1;
    if (d->op == OCLNN_NODE_CONCAT) {
        if (n->input_count < 2)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": concat needs 2 or more inputs, not %zu",
                               n->name, n->input_count);
    } else if (n->input_count != want) {
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": %s takes %zu input(s), not %zu", n->name,
                           oclnn_node_op_name(d->op), want, n->input_count);
    }
    if (d->op == OCLNN_NODE_INPUT && g->count != 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": the input must be the first node and only one",
                           n->name);
    if (d->op != OCLNN_NODE_INPUT && g->count == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": the first node must be an input", n->name);
    return OCLNN_OK;
}

static oclnn_status make_batchnorm_node(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    if (!(d->eps > 0))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": eps (%g) must be positive", n->name,
                           (double)d->eps);
    uint64_t cd[1] = {c};
    OCLNN__TRY(oclnn__node_add_param(n, "weight", OCLNN__PARAM_BN_SCALE, 1, cd, 0));
    OCLNN__TRY(oclnn__node_add_param(n, "bias", OCLNN__PARAM_BN_SHIFT, 1, cd, 0));
    OCLNN__TRY(oclnn__node_add_param(n, "running_mean", OCLNN__PARAM_BN_SHIFT, 1, cd, 0));
    OCLNN__TRY(oclnn__node_add_param(n, "running_var", OCLNN__PARAM_BN_SCALE, 1, cd, 0));
    n->out_channels = c;
    return OCLNN_OK;
}

/* MAX_POOL and AVG_POOL. */
static oclnn_status make_pool_node(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    if (!d->kernel_h || !d->kernel_w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": kernel (%ux%u) has a zero size", n->name,
                           d->kernel_h, d->kernel_w);
    if (d->pad_h > d->kernel_h / 2 || d->pad_w > d->kernel_w / 2 ||
        (d->pad_asymmetric && (d->pad_bottom > d->kernel_h / 2 || d->pad_right > d->kernel_w / 2)))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": padding (%u,%u; bottom/right %u,%u) is more than half the kernel (%ux%u)",
                           n->name, d->pad_h, d->pad_w, d->pad_asymmetric ? d->pad_bottom : d->pad_h,
                           d->pad_asymmetric ? d->pad_right : d->pad_w, d->kernel_h, d->kernel_w);
    n->out_channels = c;
    return OCLNN_OK;
}

static oclnn_status make_concat_node(const oclnn_graph *g, oclnn__node *n) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n->input_count; i++) sum += g->nodes[n->inputs[i]].out_channels;
    if (sum > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": %llu channels in all", n->name,
                           (unsigned long long)sum);
    n->out_channels = (uint32_t)sum;
    return OCLNN_OK;
}

/* ADD and MUL: two inputs of the same channels. */
static oclnn_status make_binary_node(const oclnn_graph *g, oclnn__node *n, uint32_t c) {
    uint32_t c2 = g->nodes[n->inputs[1]].out_channels;
    if (c != c2)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": inputs have %u and %u channels", n->name,
                           c, c2);
    n->out_channels = c;
    return OCLNN_OK;
}

static oclnn_status make_fc_node(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    if (!d->channels)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": channels (out_features) is 0", n->name);
    if (!d->kernel_h || !d->kernel_w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": kernel (%ux%u), the input's "
                           "spatial size, has a zero size", n->name, d->kernel_h, d->kernel_w);
    size_t in = (size_t)c * d->kernel_h * d->kernel_w;
    uint64_t wd[2] = {d->channels, in};
    OCLNN__TRY(oclnn__node_add_param(n, "weight", OCLNN__PARAM_FAN_IN_BIAS, 2, wd, in));
    if (d->bias) OCLNN__TRY(oclnn__node_add_param(n, "bias", OCLNN__PARAM_FAN_IN_BIAS, 1, wd, in));
    n->out_channels = d->channels;
    return OCLNN_OK;
}

static oclnn_status make_activation_node(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    switch (d->eltwise) {
    case OCLNN_ELTWISE_RELU:
    case OCLNN_ELTWISE_RELU6:
    case OCLNN_ELTWISE_SIGMOID:
    case OCLNN_ELTWISE_TANH:
    case OCLNN_ELTWISE_HARDSIGMOID:
    case OCLNN_ELTWISE_HARDSWISH: n->out_channels = c; return OCLNN_OK;
    case OCLNN_ELTWISE_LEAKY_RELU: /* issue 16: one alpha per channel */
    case OCLNN_ELTWISE_ELU: {
        uint64_t cd[1] = {c};
        OCLNN__TRY(oclnn__node_add_param(n, "weight", OCLNN__PARAM_BN_SCALE, 1, cd, 0));
        n->out_channels = c;
        return OCLNN_OK;
    }
    case OCLNN_ELTWISE_ADD:
    case OCLNN_ELTWISE_ADD_RELU:
    case OCLNN_ELTWISE_SCALE:
    case OCLNN_ELTWISE_MUL:
    case OCLNN_ELTWISE_SUB:
    case OCLNN_ELTWISE_DIV: break;
    }
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": eltwise (%d) is not a one-operand activation",
                       n->name, (int)d->eltwise);
}

static oclnn_status check_and_make(const oclnn_graph *g, oclnn__node *n) {
    const oclnn_node_desc *d = &n->desc;
    OCLNN__TRY(check_inputs(g, n));
    uint32_t c = n->input_count ? g->nodes[n->inputs[0]].out_channels : 0;
    switch (d->op) {
    case OCLNN_NODE_INPUT:
        if (!d->channels) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": channels is 0", n->name);
        n->out_channels = d->channels;
        return OCLNN_OK;
    case OCLNN_NODE_CONV: return make_conv_node(n, c);
    case OCLNN_NODE_BATCHNORM: return make_batchnorm_node(n, c);
    case OCLNN_NODE_MAX_POOL:
    case OCLNN_NODE_AVG_POOL: return make_pool_node(n, c);
    case OCLNN_NODE_ADAPTIVE_AVG_POOL:
        if (!d->out_h || !d->out_w)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": output size (%ux%u) has a zero size",
                               n->name, d->out_h, d->out_w);
        n->out_channels = c;
        return OCLNN_OK;
    case OCLNN_NODE_CONCAT: return make_concat_node(g, n);
    case OCLNN_NODE_ADD: return make_binary_node(g, n, c);
    case OCLNN_NODE_FC: return make_fc_node(n, c);
    case OCLNN_NODE_RELU:
    case OCLNN_NODE_SOFTMAX:
    case OCLNN_NODE_GLOBAL_MAX_POOL:
        n->out_channels = c;
        return OCLNN_OK;
    case OCLNN_NODE_ACTIVATION: return make_activation_node(n, c);
    case OCLNN_NODE_MUL: return make_binary_node(g, n, c);
    case OCLNN_NODE_DECONV: return make_deconv_node(n, c);
    case OCLNN_NODE_RESIZE: return make_resize_node(n, c);
    case OCLNN_NODE_CHANNEL_SHUFFLE: /* issue 16 */
        if (!d->channels || !d->groups || d->channels % d->groups || (uint64_t)d->channel_start + d->channels > c)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "node \"%s\": channels %u from %u in groups of %u do not fit %u input channels", n->name,
                               d->channels, d->channel_start, d->groups, c);
        n->out_channels = d->channels;
        return OCLNN_OK;
    case OCLNN_NODE_CONV3D: /* issue 19 */
    case OCLNN_NODE_MAX_POOL3D:
    case OCLNN_NODE_AVG_POOL3D:
    case OCLNN_NODE_ADAPTIVE_AVG_POOL3D: return oclnn__graph_make_nd(n, c);
    case OCLNN_NODE_LRN: return oclnn__make_lrn_node(n, c); /* issue 16 */
    case OCLNN_NODE_BINARY: return oclnn__make_binary_node(g, n, c);
    }
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": desc->op (%d) is not a node operation", n->name,
                       (int)d->op);
}

oclnn_status oclnn_graph_add(oclnn_graph *g, const char *name, const oclnn_node_desc *desc,
                             const int *inputs, size_t count, int *id) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__graph_check(g, "g"));
    if (!name) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "name is NULL");
    size_t len = strlen(name);
    if (len == 0 || len >= OCLNN__NAME_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "name \"%.40s\" must have 1 to %d characters", name,
                           OCLNN__NAME_MAX - 1);
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (count && !inputs) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "inputs is NULL with count %zu", count);
    if (count > 4096) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "count (%zu) is too large", count);
    for (size_t i = 0; i < count; i++)
        if (inputs[i] < 0 || (size_t)inputs[i] >= g->count)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "inputs[%zu] (%d) is not an earlier node id (0 to %zu)", i,
                               inputs[i], g->count ? g->count - 1 : 0);
    for (size_t i = 0; i < g->count; i++)
        if (!strcmp(g->nodes[i].name, name))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "name \"%s\" is already used by node %zu", name, i);
    if (g->count == g->cap) {
        size_t nc = g->cap ? 2 * g->cap : 64;
        oclnn__node *nn = realloc(g->nodes, nc * sizeof *nn);
        if (!nn) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot grow the graph");
        g->nodes = nn;
        g->cap = nc;
    }
    oclnn__node *n = &g->nodes[g->count];
    memset(n, 0, sizeof *n);
    memcpy(n->name, name, len + 1);
    n->desc = *desc;
    n->input_count = count;
    n->inputs = malloc((count ? count : 1) * sizeof *n->inputs);
    if (!n->inputs) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the node");
    if (count) memcpy(n->inputs, inputs, count * sizeof *inputs);
    oclnn_status st = check_and_make(g, n);
    if (st != OCLNN_OK) {
        free_node(n);
        return st;
    }
    if (id) *id = (int)g->count;
    g->count++;
    return OCLNN_OK;
}

size_t oclnn_graph_node_count(const oclnn_graph *g) {
    OCLNN__ENTER();
    return oclnn__graph_check(g, "g") == OCLNN_OK ? g->count : 0;
}

oclnn_status oclnn_graph_node(const oclnn_graph *g, int id, oclnn_node_info *info) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__graph_check(g, "g"));
    if (!info) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "info is NULL");
    if (id < 0 || (size_t)id >= g->count)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "id (%d) is not a node (0 to %zu)", id, g->count);
    const oclnn__node *n = &g->nodes[id];
    info->name = n->name;
    info->desc = n->desc;
    info->inputs = n->inputs;
    info->input_count = n->input_count;
    info->out_channels = n->out_channels;
    return OCLNN_OK;
}

const oclnn__param *oclnn__node_param(const oclnn__node *n, const char *suffix) {
    size_t len = strlen(n->name);
    for (size_t i = 0; i < n->param_count; i++)
        if (!strcmp(n->params[i].name + len + 1, suffix)) return &n->params[i];
    return NULL;
}

oclnn_status oclnn_graph_param(oclnn_graph *g, const char *name, float **data, size_t *count) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__graph_check(g, "g"));
    if (!name || !data || !count)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", !name ? "name" : !data ? "data" : "count");
    for (size_t i = 0; i < g->count; i++)
        for (size_t k = 0; k < g->nodes[i].param_count; k++)
            if (!strcmp(g->nodes[i].params[k].name, name)) {
                *data = g->nodes[i].params[k].data;
                *count = g->nodes[i].params[k].count;
                return OCLNN_OK;
            }
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the graph has no parameter \"%s\"", name);
}

size_t oclnn_graph_param_floats(const oclnn_graph *g) {
    OCLNN__ENTER();
    if (oclnn__graph_check(g, "g") != OCLNN_OK) return 0;
    size_t total = 0;
    for (size_t i = 0; i < g->count; i++)
        for (size_t k = 0; k < g->nodes[i].param_count; k++) total += g->nodes[i].params[k].count;
    return total;
}
