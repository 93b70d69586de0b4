/* SPDX-License-Identifier: MIT */
/* Shape inference for a graph and an input shape, with PyTorch's output-size rules; each error
 * names the node. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"
#include "graph/graph.h"

/* PyTorch's pooling size: floor or ceil, and in ceil mode the last window must start inside the
 * input or the left padding. Returns 0 when the input is too small. */
static uint32_t pool_size(uint32_t in, uint32_t k, uint32_t s, uint32_t p, uint32_t p_end, bool ceil_mode) {
    if ((uint64_t)in + p + p_end < k) return 0;
    uint64_t span = (uint64_t)in + p + p_end - k;
    uint64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (out - 1) * s >= (uint64_t)in + p) out--;
    return (uint32_t)out;
}

static uint32_t conv_size(uint32_t in, uint32_t k, uint32_t s, uint32_t p, uint32_t dil) {
    uint64_t eff = (uint64_t)dil * (k - 1) + 1;
    if ((uint64_t)in + 2u * p < eff) return 0;
    return (uint32_t)(((uint64_t)in + 2u * p - eff) / s + 1);
}

/* torch's ConvTranspose2d size; 0 when empty or past 32 bits. */
static uint32_t deconv_size(uint32_t in, uint32_t k, uint32_t s, uint32_t p, uint32_t op, uint32_t dil) {
    int64_t o = ((int64_t)in - 1) * s - 2 * (int64_t)p + (int64_t)dil * (k - 1) + op + 1;
    return o > 0 && o <= UINT32_MAX ? (uint32_t)o : 0;
}

/* F.interpolate's size: floor(in * scale) when a scale is given, else the size; 0 if unusable. */
static uint32_t resize_size(uint32_t in, double scale, uint32_t size) {
    if (scale <= 0) return size;
    double o = floor((double)in * scale);
    return o >= 1 && o <= UINT32_MAX ? (uint32_t)o : 0;
}

static oclnn_status too_small(const oclnn__node *n, oclnn_shape in) {
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                       "node \"%s\" (%s): input of %ux%u pixels is too small for kernel %ux%u, padding %u,%u",
                       n->name, oclnn_node_op_name(n->desc.op), in.h, in.w, n->desc.kernel_h, n->desc.kernel_w,
                       n->desc.pad_h, n->desc.pad_w);
}

/* CONV's output size, with asymmetric padding (issue 16). */
static oclnn_status conv_shape(const oclnn__node *n, oclnn_shape in, oclnn_shape *o) {
    const oclnn_node_desc *d = &n->desc;
    o->h = conv_size(in.h, d->kernel_h, d->stride_h, d->pad_h, d->dilation_h);
    o->w = conv_size(in.w, d->kernel_w, d->stride_w, d->pad_w, d->dilation_w);
    if (d->pad_asymmetric) { /* issue 16: top + bottom, left + right */
        uint64_t ph = (uint64_t)d->pad_h + d->pad_bottom, pw = (uint64_t)d->pad_w + d->pad_right;
        o->h = ph <= UINT32_MAX - in.h ? conv_size((uint32_t)(in.h + ph), d->kernel_h, d->stride_h, 0, d->dilation_h) : 0;
        o->w = pw <= UINT32_MAX - in.w ? conv_size((uint32_t)(in.w + pw), d->kernel_w, d->stride_w, 0, d->dilation_w) : 0;
    }
    if (!o->h || !o->w) return too_small(n, in);
    return OCLNN_OK;
}

/* CONCAT: every input of input 0's batch and spatial size. */
static oclnn_status check_concat(const oclnn_graph *g, const oclnn__node *n, oclnn_shape in,
                                 const oclnn_shape *shapes) {
    for (size_t k = 1; k < n->input_count; k++) {
        oclnn_shape s = shapes[n->inputs[k]];
        if (s.n != in.n || s.h != in.h || s.w != in.w)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "node \"%s\": concat input %zu (\"%s\") is %ux%u (batch %u) but input 0 is %ux%u "
                               "(batch %u)", n->name, k, g->nodes[n->inputs[k]].name, s.h, s.w, s.n, in.h,
                               in.w, in.n);
    }
    return OCLNN_OK;
}

static oclnn_status check_add(const oclnn_graph *g, const oclnn__node *n, oclnn_shape in,
                              const oclnn_shape *shapes) {
    oclnn_shape s = shapes[n->inputs[1]];
    if (s.n != in.n || s.c != in.c || s.h != in.h || s.w != in.w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": add inputs differ: n%uc%uh%uw%u (\"%s\") and n%uc%uh%uw%u (\"%s\")",
                           n->name, in.n, in.c, in.h, in.w, g->nodes[n->inputs[0]].name, s.n, s.c, s.h, s.w,
                           g->nodes[n->inputs[1]].name);
    return OCLNN_OK;
}

static oclnn_status check_mul(const oclnn_graph *g, const oclnn__node *n, oclnn_shape in,
                              const oclnn_shape *shapes) {
    oclnn_shape s = shapes[n->inputs[1]];
    if (s.n != in.n || s.c != in.c || !((s.h == in.h && s.w == in.w) || (s.h == 1 && s.w == 1)))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": mul of n%uc%uh%uw%u (\"%s\") by n%uc%uh%uw%u (\"%s\"): the second "
                           "must have the first's shape or be (n, c, 1, 1)",
                           n->name, in.n, in.c, in.h, in.w, g->nodes[n->inputs[0]].name, s.n, s.c, s.h, s.w,
                           g->nodes[n->inputs[1]].name);
    return OCLNN_OK;
}

static oclnn_status deconv_shape(const oclnn__node *n, oclnn_shape in, oclnn_shape *o) {
    const oclnn_node_desc *d = &n->desc;
    o->h = deconv_size(in.h, d->kernel_h, d->stride_h, d->pad_h, d->output_pad_h, d->dilation_h);
    o->w = deconv_size(in.w, d->kernel_w, d->stride_w, d->pad_w, d->output_pad_w, d->dilation_w);
    if (!o->h || !o->w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\" (deconv): input of %ux%u pixels with padding %u,%u gives an "
                           "empty or too large output", n->name, in.h, in.w, d->pad_h, d->pad_w);
    return OCLNN_OK;
}

static oclnn_status resize_shape(const oclnn__node *n, oclnn_shape in, oclnn_shape *o) {
    const oclnn_node_desc *d = &n->desc;
    o->h = resize_size(in.h, d->scale_h, d->out_h);
    o->w = resize_size(in.w, d->scale_w, d->out_w);
    if (!o->h || !o->w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\" (resize): %ux%u scaled by %g,%g is empty or too large", n->name,
                           in.h, in.w, d->scale_h, d->scale_w);
    return OCLNN_OK;
}

/* issue 19: the depth of node i's value (0: 4-D) from its inputs' depths, checking that 2-D
 * spatial nodes read 4-D values and that two-input nodes read values of one depth. */
static oclnn_status infer_depth(const oclnn__node *n, oclnn_shape in, const oclnn_shape *shapes,
                                uint32_t *depths, oclnn_shape *o, uint32_t *dout) {
    const oclnn_node_desc *d = &n->desc;
    uint32_t din = n->input_count ? depths[n->inputs[0]] : 0;
    *dout = din;
    if (oclnn__node_is_3d(d->op) || (d->op == OCLNN_NODE_GLOBAL_MAX_POOL && din))
        return oclnn__graph_shape_nd(n, in, din, o, dout);
    switch (d->op) {
    case OCLNN_NODE_CONV:
    case OCLNN_NODE_MAX_POOL:
    case OCLNN_NODE_AVG_POOL:
    case OCLNN_NODE_ADAPTIVE_AVG_POOL:
    case OCLNN_NODE_DECONV:
    case OCLNN_NODE_RESIZE:
        if (din)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "node \"%s\" (%s) is a 2-D op but its input is 5-D (depth %u): use the 3-D node",
                               n->name, oclnn_node_op_name(d->op), din);
        return OCLNN_OK;
    case OCLNN_NODE_FC: *dout = 0; return OCLNN_OK;
    case OCLNN_NODE_INPUT:
        *dout = d->depth;
        if (d->depth && in.h % d->depth)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "input h (%u) must be depth (%u) times the height: a 5-D input is (n, c, d * h, w)",
                               in.h, d->depth);
        return OCLNN_OK;
    default: break;
    }
    for (size_t k = 1; k < n->input_count; k++) {
        oclnn_shape s = shapes[n->inputs[k]];
        bool gate = d->op == OCLNN_NODE_MUL && s.h == 1 && s.w == 1;
        if (depths[n->inputs[k]] != din && !gate)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": input %zu has depth %u, input 0 depth %u",
                               n->name, k, depths[n->inputs[k]], din);
    }
    return OCLNN_OK;
}

oclnn_status oclnn__graph_infer_shapes_nd(const oclnn_graph *g, oclnn_shape input, oclnn_shape *shapes,
                                          uint32_t *depths) {
    OCLNN__TRY(oclnn__graph_check(g, "g"));
    if (!shapes) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "shapes is NULL");
    if (g->count == 0) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the graph has no nodes");
    if (!input.n || !input.c || !input.h || !input.w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "input shape (%u,%u,%u,%u) has a zero dimension", input.n,
                           input.c, input.h, input.w);
    for (size_t i = 0; i < g->count; i++) {
        const oclnn__node *n = &g->nodes[i];
        const oclnn_node_desc *d = &n->desc;
        oclnn_shape in = n->input_count ? shapes[n->inputs[0]] : input;
        oclnn_shape o = in;
        o.c = n->out_channels;
        OCLNN__TRY(infer_depth(n, in, shapes, depths, &o, &depths[i]));
        switch (d->op) {
        case OCLNN_NODE_INPUT:
            if (input.c != n->out_channels)
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "input has %u channels; node \"%s\" expects %u",
                                   input.c, n->name, n->out_channels);
            break;
        case OCLNN_NODE_CONV3D: /* issue 19: infer_depth's shape */
        case OCLNN_NODE_MAX_POOL3D:
        case OCLNN_NODE_AVG_POOL3D:
        case OCLNN_NODE_ADAPTIVE_AVG_POOL3D: break;
        case OCLNN_NODE_CONV: OCLNN__TRY(conv_shape(n, in, &o)); break;
        case OCLNN_NODE_MAX_POOL:
        case OCLNN_NODE_AVG_POOL: {
            uint32_t sh = d->stride_h ? d->stride_h : d->kernel_h, sw = d->stride_w ? d->stride_w : d->kernel_w;
            uint32_t pb = d->pad_asymmetric ? d->pad_bottom : d->pad_h, pr = d->pad_asymmetric ? d->pad_right : d->pad_w;
            o.h = pool_size(in.h, d->kernel_h, sh, d->pad_h, pb, d->ceil_mode); /* issue 16: asymmetric too */
            o.w = pool_size(in.w, d->kernel_w, sw, d->pad_w, pr, d->ceil_mode);
            if (!o.h || !o.w) return too_small(n, in);
            break;
        }
        case OCLNN_NODE_ADAPTIVE_AVG_POOL:
            if (in.h % d->out_h || in.w % d->out_w)
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "node \"%s\": adaptive pooling of %ux%u to %ux%u needs the input to be a multiple "
                                   "of the output (use an input size that gives one)",
                                   n->name, in.h, in.w, d->out_h, d->out_w);
            o.h = d->out_h;
            o.w = d->out_w;
            break;
        case OCLNN_NODE_CONCAT: OCLNN__TRY(check_concat(g, n, in, shapes)); break;
        case OCLNN_NODE_ADD: OCLNN__TRY(check_add(g, n, in, shapes)); break;
        case OCLNN_NODE_GLOBAL_MAX_POOL: o.h = o.w = 1; break; /* 5-D: (n, c, 1, 1, 1) */
        case OCLNN_NODE_MUL: OCLNN__TRY(check_mul(g, n, in, shapes)); break;
        case OCLNN_NODE_FC:
            if (in.h != d->kernel_h || in.w != d->kernel_w)
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "node \"%s\": fc expects a %ux%u input (its weight's size) but gets %ux%u",
                                   n->name, d->kernel_h, d->kernel_w, in.h, in.w);
            o.h = o.w = 1;
            break;
        case OCLNN_NODE_BATCHNORM:
        case OCLNN_NODE_RELU:
        case OCLNN_NODE_ACTIVATION:
        case OCLNN_NODE_SOFTMAX:
        case OCLNN_NODE_CHANNEL_SHUFFLE: break;
        case OCLNN_NODE_DECONV: OCLNN__TRY(deconv_shape(n, in, &o)); break;
        case OCLNN_NODE_RESIZE: OCLNN__TRY(resize_shape(n, in, &o)); break;
        case OCLNN_NODE_LRN: break; /* issue 16 */
        case OCLNN_NODE_BINARY: OCLNN__TRY(oclnn__binary_shape(g, n, shapes, &o)); break;
        }
        shapes[i] = o;
    }
    return OCLNN_OK;
}

oclnn_status oclnn_graph_infer_shapes(const oclnn_graph *g, oclnn_shape input, oclnn_shape *shapes) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__graph_check(g, "g"));
    uint32_t *depths = calloc(g->count ? g->count : 1, sizeof *depths);
    if (!depths) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the depths");
    oclnn_status st = oclnn__graph_infer_shapes_nd(g, input, shapes, depths);
    free(depths);
    return st;
}
