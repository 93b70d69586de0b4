/* SPDX-License-Identifier: MIT */
/* The graph's 3-D nodes (issue 19): CONV3D, MAX_POOL3D, AVG_POOL3D and ADAPTIVE_AVG_POOL3D on 5-D
 * values. A 5-D value (n, c, d, h, w) is held as the 4-D shape (n, c, d * h, w) with its depth
 * beside it (oclnn_tensor_create3d's storage), so every 4-D node (batch norm, ReLU, add, concat,
 * fc after a flatten) runs on it unchanged; these nodes unfold it. Node checks and parameters,
 * the output shapes, and the op descriptors the compiler (net_steps_nd.c) creates. */
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "graph/graph.h"

oclnn_shape3d oclnn__unfold3d(oclnn_shape s, uint32_t depth) {
    uint32_t d = depth ? depth : 1;
    return (oclnn_shape3d){s.n, s.c, d, s.h / d, s.w};
}

static oclnn_status make_conv3d(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    if (!d->channels || !d->kernel_d || !d->kernel_h || !d->kernel_w || !d->stride_d || !d->stride_h ||
        !d->stride_w || !d->dilation_d || !d->dilation_h || !d->dilation_w || !d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": channels (%u), kernel (%ux%ux%u), stride (%ux%ux%u), dilation (%ux%ux%u) "
                           "and groups (%u) must be positive", n->name, d->channels, d->kernel_d, d->kernel_h,
                           d->kernel_w, d->stride_d, d->stride_h, d->stride_w, d->dilation_d, d->dilation_h,
                           d->dilation_w, d->groups);
    if (c % d->groups || d->channels % d->groups)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": groups (%u) must divide input channels (%u) and channels (%u)",
                           n->name, d->groups, c, d->channels);
    if (d->pad_asymmetric)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": conv3d pads symmetrically (pad_asymmetric "
                           "is for conv)", n->name);
    size_t fan_in = (size_t)(c / d->groups) * d->kernel_d * d->kernel_h * d->kernel_w;
    uint64_t wd[5] = {d->channels, c / d->groups, d->kernel_d, d->kernel_h, d->kernel_w};
    OCLNN__TRY(oclnn__node_add_param(n, "weight", OCLNN__PARAM_CONV_WEIGHT, 5, wd, fan_in));
    if (d->bias) OCLNN__TRY(oclnn__node_add_param(n, "bias", OCLNN__PARAM_FAN_IN_BIAS, 1, wd, fan_in));
    n->out_channels = d->channels;
    return OCLNN_OK;
}

oclnn_status oclnn__graph_make_nd(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    switch (d->op) {
    case OCLNN_NODE_CONV3D: return make_conv3d(n, c);
    case OCLNN_NODE_MAX_POOL3D:
    case OCLNN_NODE_AVG_POOL3D:
        if (!d->kernel_d || !d->kernel_h || !d->kernel_w)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": kernel (%ux%ux%u) has a zero size",
                               n->name, d->kernel_d, d->kernel_h, d->kernel_w);
        if (d->pad_d > d->kernel_d / 2 || d->pad_h > d->kernel_h / 2 || d->pad_w > d->kernel_w / 2)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "node \"%s\": padding (%u,%u,%u) is more than half the kernel (%ux%ux%u)", n->name,
                               d->pad_d, d->pad_h, d->pad_w, d->kernel_d, d->kernel_h, d->kernel_w);
        if (d->ceil_mode)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": 3-D pooling has no ceil_mode", n->name);
        break;
    case OCLNN_NODE_ADAPTIVE_AVG_POOL3D:
        if (!d->out_d || !d->out_h || !d->out_w)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": output size (%ux%ux%u) has a zero size",
                               n->name, d->out_d, d->out_h, d->out_w);
        break;
    default:
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": %s is not a 3-D node", n->name,
                           oclnn_node_op_name(d->op));
    }
    n->out_channels = c;
    return OCLNN_OK;
}

oclnn_conv3d_desc oclnn__node_conv3d_desc(const oclnn__node *n, oclnn_shape3d in) {
    const oclnn_node_desc *d = &n->desc;
    oclnn_conv3d_desc cd = OCLNN_CONV3D_DESC_INIT;
    cd.input = in;
    cd.out_channels = d->channels;
    const uint32_t k[3] = {d->kernel_d, d->kernel_h, d->kernel_w}, s[3] = {d->stride_d, d->stride_h, d->stride_w},
                   dl[3] = {d->dilation_d, d->dilation_h, d->dilation_w}, p[3] = {d->pad_d, d->pad_h, d->pad_w};
    memcpy(cd.kernel, k, sizeof k);
    memcpy(cd.stride, s, sizeof s);
    memcpy(cd.dilation, dl, sizeof dl);
    memcpy(cd.pad, p, sizeof p);
    cd.groups = d->groups;
    cd.has_bias = d->bias;
    return cd;
}

/* MAX_POOL3D, AVG_POOL3D, ADAPTIVE_AVG_POOL3D (to 1x1x1: the global kind), and GLOBAL_MAX_POOL of
 * a 5-D value. */
oclnn_pool3d_desc oclnn__node_pool3d_desc(const oclnn__node *n, oclnn_shape3d in) {
    const oclnn_node_desc *d = &n->desc;
    oclnn_pool3d_desc pd = OCLNN_POOL3D_DESC_INIT;
    pd.input = in;
    if (d->op == OCLNN_NODE_GLOBAL_MAX_POOL) {
        pd.kind = OCLNN_POOL_GLOBAL_MAX;
    } else if (d->op == OCLNN_NODE_ADAPTIVE_AVG_POOL3D) {
        if (d->out_d == 1 && d->out_h == 1 && d->out_w == 1) {
            pd.kind = OCLNN_POOL_GLOBAL_AVG;
        } else {
            pd.kind = OCLNN_POOL_AVG;
            pd.adaptive = true;
            pd.output_size[0] = d->out_d;
            pd.output_size[1] = d->out_h;
            pd.output_size[2] = d->out_w;
        }
    } else {
        pd.kind = d->op == OCLNN_NODE_MAX_POOL3D ? OCLNN_POOL_MAX : OCLNN_POOL_AVG;
        const uint32_t k[3] = {d->kernel_d, d->kernel_h, d->kernel_w}, s[3] = {d->stride_d, d->stride_h, d->stride_w},
                       p[3] = {d->pad_d, d->pad_h, d->pad_w};
        memcpy(pd.kernel, k, sizeof k);
        memcpy(pd.stride, s, sizeof s);
        memcpy(pd.pad, p, sizeof p);
        pd.count_include_pad = d->count_include_pad;
    }
    return pd;
}

/* The output of 3-D node n (or GLOBAL_MAX_POOL of a 5-D value) on `in` of depth din. */
oclnn_status oclnn__graph_shape_nd(const oclnn__node *n, oclnn_shape in, uint32_t din, oclnn_shape *o,
                                   uint32_t *dout) {
    if (!din || in.h % din)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\" (%s) is a 3-D op but its input is not 5-D (a 4-D value, or a height %u "
                           "that is no multiple of the depth %u)", n->name, oclnn_node_op_name(n->desc.op), in.h, din);
    oclnn_shape3d i5 = oclnn__unfold3d(in, din), o5;
    oclnn_status st;
    if (n->desc.op == OCLNN_NODE_CONV3D) {
        oclnn_conv3d_desc cd = oclnn__node_conv3d_desc(n, i5);
        st = oclnn_conv3d_output_shape(&cd, &o5);
    } else {
        oclnn_pool3d_desc pd = oclnn__node_pool3d_desc(n, i5);
        st = oclnn_pool3d_output_shape(&pd, &o5);
    }
    if (st != OCLNN_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", oclnn_last_error());
        return oclnn__fail(st, "node \"%s\" (%s) on (%u,%u,%u,%u,%u): %s", n->name, oclnn_node_op_name(n->desc.op),
                           i5.n, i5.c, i5.d, i5.h, i5.w, why);
    }
    uint64_t dh = (uint64_t)o5.d * o5.h;
    if (dh > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": output depth times height overflows", n->name);
    *o = (oclnn_shape){o5.n, o5.c, (uint32_t)dh, o5.w};
    *dout = o5.d;
    return OCLNN_OK;
}
