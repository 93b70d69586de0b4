/* SPDX-License-Identifier: MIT */
/* Reference execution of a graph, node by node, in NCHW host arrays (see ref_net.h). Each
 * node's output is freed after its last reader. It translates nodes into op descriptors on its
 * own, beside the graph's step makers (src/graph/net_steps.c), on purpose: the yardstick must
 * not share the plan (fusion, folding, descriptor building) it is there to check. */
#include "ref/ref_net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"

static const float *param(oclnn_graph *g, const char *node, const char *suffix) {
    char name[256];
    snprintf(name, sizeof name, "%s.%s", node, suffix);
    float *p = NULL;
    size_t n;
    return oclnn_graph_param(g, name, &p, &n) == OCLNN_OK ? p : NULL;
}

static size_t elems(oclnn_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

static void ref_conv(oclnn_graph *g, const oclnn_node_info *ni, oclnn_shape in, const float *in0, float *dst) {
    const oclnn_node_desc *d = &ni->desc;
    /* Its own node -> descriptor code, not src/graph/fuse.c's: the reference runs the graph
     * unfused and stays independent of the code it checks. */
    oclnn_conv2d_desc cd = OCLNN_CONV2D_DESC_INIT;
    cd.input = in;
    cd.out_channels = d->channels;
    cd.kernel_h = d->kernel_h;
    cd.kernel_w = d->kernel_w;
    cd.stride_h = d->stride_h;
    cd.stride_w = d->stride_w;
    cd.dilation_h = d->dilation_h;
    cd.dilation_w = d->dilation_w;
    cd.groups = d->groups;
    cd.padding.mode = OCLNN_PAD_EXPLICIT;
    cd.padding.top = cd.padding.bottom = d->pad_h;
    cd.padding.left = cd.padding.right = d->pad_w;
    if (d->pad_asymmetric) { /* issue 16 */
        cd.padding.bottom = d->pad_bottom;
        cd.padding.right = d->pad_right;
    }
    cd.has_bias = d->bias;
    oclnn__ref_conv2d(&cd, in0, OCLNN_LAYOUT_NCHW, param(g, ni->name, "weight"),
                      d->bias ? param(g, ni->name, "bias") : NULL, NULL, dst);
}

/* MAX_POOL, AVG_POOL, ADAPTIVE_AVG_POOL and GLOBAL_MAX_POOL. */
static void ref_pool(const oclnn_node_desc *d, oclnn_shape in, oclnn_shape o, const float *in0, float *dst) {
    oclnn_pool2d_desc pd = OCLNN_POOL2D_DESC_INIT;
    pd.input = in;
    if (d->op == OCLNN_NODE_GLOBAL_MAX_POOL) {
        pd.kind = OCLNN_POOL_GLOBAL_MAX;
    } else if (d->op == OCLNN_NODE_ADAPTIVE_AVG_POOL) {
        pd.kind = OCLNN_POOL_AVG;
        pd.kernel_h = pd.stride_h = in.h / o.h;
        pd.kernel_w = pd.stride_w = in.w / o.w;
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
    oclnn__ref_pool2d(&pd, OCLNN_LAYOUT_NCHW, in0, dst, NULL);
}

static void ref_deconv(oclnn_graph *g, const oclnn_node_info *ni, oclnn_shape in, const float *in0, float *dst) {
    const oclnn_node_desc *d = &ni->desc;
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
    oclnn__ref_deconv2d(&dd, in0, OCLNN_LAYOUT_NCHW, param(g, ni->name, "weight"),
                        d->bias ? param(g, ni->name, "bias") : NULL, dst);
}

/* issue 19: the 3-D nodes and GLOBAL_MAX_POOL of a 5-D value, on the input of depth din (its own
 * descriptors and output-size rule, as above). Returns the output's depth, 0 when the graph's
 * shape disagrees with the reference's. */
static uint32_t ref_nd(oclnn_graph *g, const oclnn_node_info *ni, oclnn_shape in, uint32_t din, oclnn_shape o,
                       const float *in0, float *dst) {
    const oclnn_node_desc *d = &ni->desc;
    oclnn_shape3d i5 = {in.n, in.c, din, in.h / din, in.w};
    const uint32_t k[3] = {d->kernel_d, d->kernel_h, d->kernel_w}, s[3] = {d->stride_d, d->stride_h, d->stride_w},
                   p[3] = {d->pad_d, d->pad_h, d->pad_w}, dl[3] = {d->dilation_d, d->dilation_h, d->dilation_w},
                   isz[3] = {i5.d, i5.h, i5.w}, out[3] = {d->out_d, d->out_h, d->out_w};
    int64_t osz[3];
    for (int a = 0; a < 3; a++) {
        if (d->op == OCLNN_NODE_CONV3D)
            osz[a] = ((int64_t)isz[a] + 2 * p[a] - (int64_t)dl[a] * (k[a] - 1) - 1) / s[a] + 1;
        else if (d->op == OCLNN_NODE_GLOBAL_MAX_POOL)
            osz[a] = 1;
        else if (d->op == OCLNN_NODE_ADAPTIVE_AVG_POOL3D)
            osz[a] = out[a];
        else
            osz[a] = ((int64_t)isz[a] + 2 * p[a] - k[a]) / (s[a] ? s[a] : k[a]) + 1;
    }
    if (osz[0] < 1 || osz[1] < 1 || osz[2] < 1 || (int64_t)o.h != osz[0] * osz[1] || (int64_t)o.w != osz[2])
        return 0; /* the graph's shape is not the reference's */
    if (d->op == OCLNN_NODE_CONV3D) {
        oclnn_conv3d_desc cd = OCLNN_CONV3D_DESC_INIT;
        cd.input = i5;
        cd.out_channels = d->channels;
        for (int a = 0; a < 3; a++) cd.kernel[a] = k[a], cd.stride[a] = s[a], cd.pad[a] = p[a], cd.dilation[a] = dl[a];
        cd.groups = d->groups;
        cd.has_bias = d->bias;
        oclnn__ref_conv3d(&cd, in0, param(g, ni->name, "weight"), d->bias ? param(g, ni->name, "bias") : NULL, NULL,
                          dst);
    } else {
        oclnn_pool3d_desc pd = OCLNN_POOL3D_DESC_INIT;
        pd.input = i5;
        if (d->op == OCLNN_NODE_GLOBAL_MAX_POOL) {
            pd.kind = OCLNN_POOL_GLOBAL_MAX;
        } else if (d->op == OCLNN_NODE_ADAPTIVE_AVG_POOL3D) {
            pd.kind = OCLNN_POOL_AVG;
            pd.adaptive = true;
            pd.output_size[0] = d->out_d;
            pd.output_size[1] = d->out_h;
            pd.output_size[2] = d->out_w;
        } else {
            pd.kind = d->op == OCLNN_NODE_MAX_POOL3D ? OCLNN_POOL_MAX : OCLNN_POOL_AVG;
            for (int a = 0; a < 3; a++) pd.kernel[a] = k[a], pd.stride[a] = s[a], pd.pad[a] = p[a];
            pd.count_include_pad = d->count_include_pad;
        }
        oclnn__ref_pool3d(&pd, in0, dst);
    }
    return (uint32_t)osz[0];
}

/* issue 16: LRN (its own descriptor, as ref_conv's) and BINARY (either input may be (n, c, 1, 1)) */
static void ref_lrn(const oclnn_node_desc *d, oclnn_shape in, const float *in0, float *dst) {
    oclnn_lrn_desc ld = OCLNN_LRN_DESC_INIT;
    ld.shape = in;
    ld.size = d->lrn_size;
    ld.alpha = d->lrn_alpha;
    ld.beta = d->lrn_beta;
    ld.k = d->lrn_bias;
    oclnn__ref_lrn(&ld, OCLNN_LAYOUT_NCHW, in0, dst);
}

static void ref_binary(oclnn_eltwise_op op, oclnn_shape sa, oclnn_shape sb, oclnn_shape o, const float *a,
                       const float *b, float *dst) {
    size_t plane = (size_t)o.h * o.w;
    bool ga = sa.h * sa.w == 1 && plane != 1, gb = sb.h * sb.w == 1 && plane != 1;
    for (size_t k = 0; k < elems(o); k++) {
        double x = a[ga ? k / plane : k], y = b[gb ? k / plane : k], r;
        switch (op) {
        case OCLNN_ELTWISE_ADD: r = x + y; break;
        case OCLNN_ELTWISE_SUB: r = x - y; break;
        case OCLNN_ELTWISE_MUL: r = x * y; break;
        case OCLNN_ELTWISE_DIV: r = x / y; break;
        default: r = NAN; break;
        }
        dst[k] = (float)r;
    }
}

static void run_node(oclnn_graph *g, const oclnn_node_info *ni, const oclnn_shape *shapes, int i, float **out,
                     const float *in0, const float *in1) {
    const oclnn_node_desc *d = &ni->desc;
    oclnn_shape in = ni->input_count ? shapes[ni->inputs[0]] : shapes[i], o = shapes[i];
    float *dst = out[i];
    switch (d->op) {
    case OCLNN_NODE_CONV3D: /* issue 19: ref_nd */
    case OCLNN_NODE_MAX_POOL3D:
    case OCLNN_NODE_AVG_POOL3D:
    case OCLNN_NODE_ADAPTIVE_AVG_POOL3D: break;
    case OCLNN_NODE_INPUT: break;
    case OCLNN_NODE_CONV: ref_conv(g, ni, in, in0, dst); break;
    case OCLNN_NODE_BATCHNORM:
        oclnn__ref_batchnorm(in, OCLNN_LAYOUT_NCHW, in0, param(g, ni->name, "weight"), param(g, ni->name, "bias"),
                             param(g, ni->name, "running_mean"), param(g, ni->name, "running_var"), d->eps, dst);
        break;
    case OCLNN_NODE_RELU:
        oclnn__ref_eltwise(in, OCLNN_LAYOUT_NCHW, OCLNN_ELTWISE_RELU, in0, NULL, NULL, NULL, dst);
        break;
    case OCLNN_NODE_ADD:
        oclnn__ref_eltwise(in, OCLNN_LAYOUT_NCHW, OCLNN_ELTWISE_ADD, in0, in1, NULL, NULL, dst);
        break;
    case OCLNN_NODE_ACTIVATION: /* LEAKY_RELU and ELU: alphas per channel (issue 16) */
        oclnn__ref_eltwise(in, OCLNN_LAYOUT_NCHW, d->eltwise, in0, NULL, param(g, ni->name, "weight"), NULL, dst);
        break;
    case OCLNN_NODE_MUL: {
        oclnn_shape s1 = shapes[ni->inputs[1]];
        size_t plane = (size_t)in.h * in.w;
        bool gate = s1.h == 1 && s1.w == 1; /* one factor per (n, c) */
        for (size_t k = 0; k < elems(in); k++) dst[k] = (float)((double)in0[k] * in1[gate ? k / plane : k]);
        break;
    }
    case OCLNN_NODE_MAX_POOL:
    case OCLNN_NODE_AVG_POOL:
    case OCLNN_NODE_ADAPTIVE_AVG_POOL:
    case OCLNN_NODE_GLOBAL_MAX_POOL: ref_pool(d, in, o, in0, dst); break;
    case OCLNN_NODE_CONCAT: {
        size_t plane = (size_t)o.h * o.w, c0 = 0;
        for (size_t k = 0; k < ni->input_count; k++) {
            oclnn_shape s = shapes[ni->inputs[k]];
            const float *src = out[ni->inputs[k]];
            for (size_t n = 0; n < o.n; n++)
                memcpy(dst + (n * o.c + c0) * plane, src + n * s.c * plane, s.c * plane * sizeof *dst);
            c0 += s.c;
        }
        break;
    }
    case OCLNN_NODE_FC:
        oclnn__ref_fc(in, OCLNN_LAYOUT_NCHW, in0, d->channels, param(g, ni->name, "weight"),
                      d->bias ? param(g, ni->name, "bias") : NULL, dst);
        break;
    case OCLNN_NODE_SOFTMAX: oclnn__ref_softmax(in, OCLNN_LAYOUT_NCHW, in0, dst); break;
    case OCLNN_NODE_DECONV: ref_deconv(g, ni, in, in0, dst); break;
    case OCLNN_NODE_RESIZE: {
        oclnn_resize_desc rd = OCLNN_RESIZE_DESC_INIT;
        rd.input = in;
        rd.mode = d->resize_mode;
        rd.align_corners = d->align_corners;
        rd.scale_h = d->scale_h;
        rd.scale_w = d->scale_w;
        rd.out_h = o.h;
        rd.out_w = o.w;
        oclnn__ref_resize(&rd, in0, OCLNN_LAYOUT_NCHW, dst);
        break;
    }
    case OCLNN_NODE_LRN: ref_lrn(d, in, in0, dst); break; /* issue 16 */
    case OCLNN_NODE_BINARY: ref_binary(d->eltwise, in, shapes[ni->inputs[1]], o, in0, in1, dst); break;
    case OCLNN_NODE_CHANNEL_SHUFFLE: { /* issue 16 */
        oclnn_channel_shuffle_desc sd = OCLNN_CHANNEL_SHUFFLE_DESC_INIT;
        sd.input = in;
        sd.start = d->channel_start;
        sd.count = d->channels;
        sd.groups = d->groups;
        oclnn__ref_channel_shuffle(&sd, OCLNN_LAYOUT_NCHW, in0, dst);
        break;
    }
    }
}

oclnn_status oclnn__ref_net(oclnn_graph *g, oclnn_shape input, const float *src, float *dst) {
    size_t n = oclnn_graph_node_count(g);
    if (n == 0) return OCLNN_ERROR_INVALID_ARGUMENT;
    oclnn_shape *shapes = malloc(n * sizeof *shapes);
    float **out = calloc(n, sizeof *out);
    size_t *last = calloc(n, sizeof *last);
    uint32_t *depth = calloc(n, sizeof *depth);
    oclnn_status st = OCLNN_ERROR_OUT_OF_MEMORY;
    if (!shapes || !out || !last || !depth) goto done;
    st = oclnn_graph_infer_shapes(g, input, shapes);
    if (st != OCLNN_OK) goto done;
    oclnn_node_info ni;
    for (size_t i = 0; i < n; i++) {
        oclnn_graph_node(g, (int)i, &ni);
        for (size_t k = 0; k < ni.input_count; k++) last[ni.inputs[k]] = i;
    }
    for (size_t i = 0; i < n; i++) {
        oclnn_graph_node(g, (int)i, &ni);
        out[i] = malloc(elems(shapes[i]) * sizeof(float));
        if (!out[i]) {
            st = OCLNN_ERROR_OUT_OF_MEMORY;
            goto done;
        }
        if (i == 0) memcpy(out[0], src, elems(shapes[0]) * sizeof(float));
        /* issue 19: the reference follows each value's depth itself (0: 4-D) */
        uint32_t din = ni.input_count ? depth[ni.inputs[0]] : ni.desc.depth;
        depth[i] = ni.desc.op == OCLNN_NODE_FC ? 0 : din;
        if (ni.desc.op == OCLNN_NODE_CONV3D || ni.desc.op == OCLNN_NODE_MAX_POOL3D ||
            ni.desc.op == OCLNN_NODE_AVG_POOL3D || ni.desc.op == OCLNN_NODE_ADAPTIVE_AVG_POOL3D ||
            (ni.desc.op == OCLNN_NODE_GLOBAL_MAX_POOL && din)) {
            depth[i] = din ? ref_nd(g, &ni, shapes[ni.inputs[0]], din, shapes[i], out[ni.inputs[0]], out[i]) : 0;
            if (!depth[i]) {
                st = OCLNN_ERROR_INVALID_ARGUMENT;
                goto done;
            }
        } else {
            run_node(g, &ni, shapes, (int)i, out, ni.input_count ? out[ni.inputs[0]] : NULL,
                     ni.input_count > 1 ? out[ni.inputs[1]] : NULL);
        }
        for (size_t k = 0; k < ni.input_count; k++)
            if (last[ni.inputs[k]] == i && (size_t)ni.inputs[k] != n - 1) {
                free(out[ni.inputs[k]]);
                out[ni.inputs[k]] = NULL;
            }
    }
    memcpy(dst, out[n - 1], elems(shapes[n - 1]) * sizeof(float));
    st = OCLNN_OK;
done:
    if (out)
        for (size_t i = 0; i < n; i++) free(out[i]);
    free(out);
    free(shapes);
    free(last);
    free(depth);
    return st;
}
