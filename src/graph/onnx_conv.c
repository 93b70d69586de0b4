/* SPDX-License-Identifier: MIT */
/* ONNX convolution, batch normalization and pooling nodes (Conv, BatchNormalization, MaxPool,
 * AveragePool, GlobalMaxPool, GlobalAveragePool, ReduceMean over h and w, and a Pad read only by
 * an AveragePool) onto graph nodes; the walk that calls them is in onnx_ops.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX
typedef int oclnn__onnx_conv_disabled; /* ISO C wants a declaration in every translation unit */
#else

#include "graph/onnx.h"

oclnn_status oclnn__onnx_conv(oclnn__onnx_node *c) {
    static const char *const known[] = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    if (x->rank == 3 || x->rank == 5) return oclnn__onnx_conv_nd(c, x); /* issue 19 */
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    int64_t group, strides[2], dil[2], ks[2];
    OCLNN__TRY(oclnn__onnx_attr_int(c, "group", 1, &group));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "strides", 2, 1, 1, 1 << 16, strides));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "dilations", 2, 1, 1, 1 << 16, dil));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CONV;
    int auto_pad;
    OCLNN__TRY(oclnn__onnx_attr_auto_pad(c, &auto_pad));
    /* issue 16: pads [top, left, bottom, right] may be asymmetric, plus a zero Pad folded here */
    int64_t p[4];
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "pads", 4, 0, 0, 1 << 16, p));
    const uint32_t *fold = c->ld->pool_pad[c->index];
    if (fold[0] && auto_pad == 2) return oclnn__onnx_refuse("a Pad before a Conv with auto_pad SAME");
    for (int i = 0; i < 4 && fold[0]; i++) p[i] += fold[1 + i];
    d.pad_h = (uint32_t)p[0];
    d.pad_w = (uint32_t)p[1];
    if (p[0] != p[2] || p[1] != p[3]) {
        d.pad_asymmetric = true;
        d.pad_bottom = (uint32_t)p[2];
        d.pad_right = (uint32_t)p[3];
    }
    oclnn__onnx_const w, b;
    oclnn_status st = oclnn__onnx_input_const(c, 1, true, &w);
    if (st == OCLNN_OK) st = oclnn__onnx_input_const(c, 2, false, &b);
    else memset(&b, 0, sizeof b);
    uint32_t cin = oclnn__onnx_channels_of(c, x->node);
    if (st == OCLNN_OK && (w.ndim != 4 || w.dims[0] < 1 || w.dims[1] < 1 || w.dims[2] < 1 || w.dims[3] < 1))
        st = oclnn__onnx_refuse("weight is not a 4-D (K, C/group, kh, kw) tensor (only 2-D convolution is supported)");
    if (st == OCLNN_OK && (group < 1 || (int64_t)cin != w.dims[1] * group || w.dims[0] % group))
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "group %lld does not fit %u input channels and weight (%lld, %lld, ...)",
                         (long long)group, cin, (long long)w.dims[0], (long long)w.dims[1]);
    if (st == OCLNN_OK) st = oclnn__onnx_attr_ints(c, "kernel_shape", 2, 0, 1, 1 << 16, ks);
    if (st == OCLNN_OK && oclnn__onnx_attr(c, "kernel_shape") && (ks[0] != w.dims[2] || ks[1] != w.dims[3]))
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "kernel_shape disagrees with the weight");
    if (st == OCLNN_OK && b.t && !oclnn__onnx_is_vector(&b, (size_t)w.dims[0], false))
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "bias has %zu values for %lld output channels", b.count, (long long)w.dims[0]);
    if (st == OCLNN_OK && auto_pad == 2) {
        /* SAME pads (k - 1) * d in all when the stride is 1, whatever the input size; with a
         * stride, (ceil(in / s) - 1) * s + (k - 1) * d + 1 - in, which needs the input size
         * (issue 16). The odd pixel goes to the end (SAME_UPPER) or the start (SAME_LOWER). */
        const Onnx__AttributeProto *ap = oclnn__onnx_attr(c, "auto_pad");
        bool lower = ap->s.len == 10 && !memcmp(ap->s.data, "SAME_LOWER", 10);
        int64_t total[2] = {(w.dims[2] - 1) * dil[0], (w.dims[3] - 1) * dil[1]};
        if (strides[0] != 1 || strides[1] != 1) {
            oclnn_shape xs;
            st = oclnn__onnx_node_shape(c, x->node, &xs);
            int64_t in[2] = {xs.h, xs.w};
            for (int i = 0; i < 2 && st == OCLNN_OK; i++) {
                int64_t out = (in[i] + strides[i] - 1) / strides[i];
                total[i] = (out - 1) * strides[i] + total[i] + 1 - in[i];
                if (total[i] < 0) total[i] = 0;
            }
        }
        int64_t begin[2] = {lower ? (total[0] + 1) / 2 : total[0] / 2, lower ? (total[1] + 1) / 2 : total[1] / 2};
        if (st == OCLNN_OK && (total[0] > (1 << 20) || total[1] > (1 << 20))) st = oclnn__onnx_refuse("auto_pad SAME pads too large");
        d.pad_h = (uint32_t)begin[0];
        d.pad_w = (uint32_t)begin[1];
        if (total[0] != 2 * begin[0] || total[1] != 2 * begin[1]) {
            d.pad_asymmetric = true;
            d.pad_bottom = (uint32_t)(total[0] - begin[0]);
            d.pad_right = (uint32_t)(total[1] - begin[1]);
        }
    }
    if (st == OCLNN_OK) {
        d.channels = (uint32_t)w.dims[0];
        d.kernel_h = (uint32_t)w.dims[2];
        d.kernel_w = (uint32_t)w.dims[3];
        d.stride_h = (uint32_t)strides[0];
        d.stride_w = (uint32_t)strides[1];
        d.dilation_h = (uint32_t)dil[0];
        d.dilation_w = (uint32_t)dil[1];
        d.groups = (uint32_t)group;
        d.bias = b.t != NULL;
        st = oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
    }
    if (st == OCLNN_OK) st = oclnn__onnx_set_param(c, "weight", w.data, w.count);
    if (st == OCLNN_OK && b.t) st = oclnn__onnx_set_param(c, "bias", b.data, b.count);
    free(w.data);
    free(b.data);
    return st;
}

oclnn_status oclnn__onnx_batchnorm(oclnn__onnx_node *c) {
    static const char *const known[] = {"epsilon", "momentum", "spatial", "training_mode", "is_test", NULL};
    static const char *const params[] = {"weight", "bias", "running_mean", "running_var"};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t spatial, training;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "spatial", 1, &spatial));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "training_mode", 0, &training));
    if (spatial != 1 || training) return oclnn__onnx_refuse("spatial=0 or training_mode=1 (inference batch norm only)");
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    if (x->rank != 3 && x->rank != 4 && !oclnn__onnx_is_volume(x)) /* issue 19: 1-D and 3-D too */
        return oclnn__onnx_refuse("input of rank %d (ranks 3, 4 and 5 supported)", x->rank);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_BATCHNORM;
    OCLNN__TRY(oclnn__onnx_attr_float(c, "epsilon", 1e-5f, &d.eps));
    uint32_t ch = oclnn__onnx_channels_of(c, x->node);
    oclnn__onnx_const k[4];
    memset(k, 0, sizeof k);
    oclnn_status st = OCLNN_OK;
    for (int i = 0; i < 4 && st == OCLNN_OK; i++) {
        st = oclnn__onnx_input_const(c, (size_t)i + 1, true, &k[i]);
        if (st == OCLNN_OK && !oclnn__onnx_is_vector(&k[i], ch, false))
            st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "input %d has %zu values for %u channels", i + 1, k[i].count, ch);
    }
    if (st == OCLNN_OK) st = oclnn__onnx_add_node(c, &d, &x->node, 1, x->rank);
    for (int i = 0; i < 4 && st == OCLNN_OK; i++) st = oclnn__onnx_set_param(c, params[i], k[i].data, ch);
    for (int i = 0; i < 4; i++) free(k[i].data);
    return st;
}

oclnn_status oclnn__onnx_pool(oclnn__onnx_node *c, bool max) {
    static const char *const kavg[] = {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides", NULL};
    static const char *const kmax[] = {"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                                       "pads",     "storage_order", "strides", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, max ? kmax : kavg));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    if (c->n->n_output > 1 && c->n->output[1] && *c->n->output[1] && max)
        return oclnn__onnx_refuse("the Indices output is not supported");
    if (x->rank == 3 || x->rank == 5) return oclnn__onnx_pool_nd(c, x, max); /* issue 19 */
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    int64_t ks[2], strides[2], dil[2], p[4], ceil_mode, cip, order;
    if (!oclnn__onnx_attr(c, "kernel_shape")) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "kernel_shape is missing");
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "kernel_shape", 2, 1, 1, 1 << 16, ks));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "dilations", 2, 1, 1, 1, dil));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "ceil_mode", 0, &ceil_mode));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "count_include_pad", 0, &cip));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "storage_order", 0, &order));
    if (order) return oclnn__onnx_refuse("storage_order=1");
    /* issue 16: asymmetric pads and auto_pad SAME_UPPER/SAME_LOWER (from the input size with a stride) */
    uint32_t len[2];
    OCLNN__TRY(oclnn__onnx_window_sizes(c, x, len));
    OCLNN__TRY(oclnn__onnx_window(c, 2, ks, len, strides, dil, p));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = max ? OCLNN_NODE_MAX_POOL : OCLNN_NODE_AVG_POOL;
    d.pad_h = (uint32_t)p[0];
    d.pad_w = (uint32_t)p[1];
    int auto_pad;
    OCLNN__TRY(oclnn__onnx_attr_auto_pad(c, &auto_pad));
    if (p[0] != p[2] || p[1] != p[3] || auto_pad == 2) {
        if (ceil_mode) return oclnn__onnx_refuse("ceil_mode with asymmetric pads or auto_pad SAME");
        d.pad_asymmetric = p[0] != p[2] || p[1] != p[3];
        d.pad_bottom = (uint32_t)p[2];
        d.pad_right = (uint32_t)p[3];
    }
    d.kernel_h = (uint32_t)ks[0];
    d.kernel_w = (uint32_t)ks[1];
    d.stride_h = (uint32_t)strides[0];
    d.stride_w = (uint32_t)strides[1];
    d.ceil_mode = ceil_mode != 0;
    d.count_include_pad = cip != 0;
    if (c->ld->pool_pad[c->index][0]) {
        const uint32_t *f = c->ld->pool_pad[c->index];
        if (d.pad_h || d.pad_w || d.pad_asymmetric || d.ceil_mode) return oclnn__onnx_refuse("a Pad before a padded or ceil_mode pool");
        if (f[1] != f[3] || f[2] != f[4]) return oclnn__onnx_refuse("an asymmetric Pad before an AveragePool");
        d.pad_h = f[1];
        d.pad_w = f[2];
        d.count_include_pad = true; /* zeros padded before the pool count in its average */
    }
    return oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
}

oclnn_status oclnn__onnx_global_max(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    if (x->rank != 3 && x->rank != 4 && !oclnn__onnx_is_volume(x)) /* issue 19: 1-D and 3-D too */
        return oclnn__onnx_refuse("input of rank %d (ranks 3, 4 and 5 supported)", x->rank);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_GLOBAL_MAX_POOL; /* on a 5-D value: pool3d's global max */
    return oclnn__onnx_add_node(c, &d, &x->node, 1, x->rank);
}

oclnn_status oclnn__onnx_global_avg(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    if (x->rank != 3 && x->rank != 4 && !oclnn__onnx_is_volume(x)) /* issue 19: 1-D and 3-D too */
        return oclnn__onnx_refuse("input of rank %d (ranks 3, 4 and 5 supported)", x->rank);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = x->rank == 5 ? OCLNN_NODE_ADAPTIVE_AVG_POOL3D : OCLNN_NODE_ADAPTIVE_AVG_POOL;
    d.out_d = d.out_h = d.out_w = 1;
    return oclnn__onnx_add_node(c, &d, &x->node, 1, x->rank);
}

/* ReduceMean over h and w (axes {2, 3} of a 4-D tensor, opsets up to 17): global average
 * pooling; without keepdims the value is (n, c), as the pooled (n, c, 1, 1) flattened. */
oclnn_status oclnn__onnx_reduce_mean(oclnn__onnx_node *c) {
    static const char *const known[] = {"axes", "keepdims", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    if (oclnn__onnx_in_name(c, 1)) return oclnn__onnx_refuse("axes as an input (opset 18; only the axes attribute)");
    const Onnx__AttributeProto *a = oclnn__onnx_attr(c, "axes");
    if (!a) return oclnn__onnx_refuse("no axes (a mean over every axis; only over h and w)");
    int64_t axes[2], keep;
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "axes", 2, 0, -4, 3, axes));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "keepdims", 1, &keep));
    for (int i = 0; i < 2; i++)
        if (axes[i] < 0) axes[i] += 4;
    if (!((axes[0] == 2 && axes[1] == 3) || (axes[0] == 3 && axes[1] == 2)))
        return oclnn__onnx_refuse("axes (%lld, %lld) (only h and w, axes 2 and 3)", (long long)axes[0], (long long)axes[1]);
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ADAPTIVE_AVG_POOL;
    d.out_h = d.out_w = 1;
    return oclnn__onnx_add_node(c, &d, &x->node, 1, keep ? 4 : 2);
}

/* A zero Pad of h and w only, read by nothing but an AveragePool (PyTorch's export of
 * count_include_pad=True): the pool pads instead, counting the zeros. Nothing else is supported. */
oclnn_status oclnn__onnx_pad(oclnn__onnx_node *c) {
    static const char *const known[] = {"mode", "pads", "value", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const Onnx__AttributeProto *mode = oclnn__onnx_attr(c, "mode");
    if (mode && !(mode->s.len == 8 && !memcmp(mode->s.data, "constant", 8))) return oclnn__onnx_refuse("mode other than constant");
    float value;
    OCLNN__TRY(oclnn__onnx_attr_float(c, "value", 0.0f, &value));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    int rank = x->rank; /* issue 19: (n, c, l) and (n, c, d, h, w) too */
    if (rank != 3 && rank != 4 && !oclnn__onnx_is_volume(x))
        return oclnn__onnx_refuse("input of rank %d (ranks 3, 4 and 5 supported)", rank);
    int64_t p[10] = {0};
    size_t n = 0;
    if (c->ld->opset < 11) {
        OCLNN__TRY(oclnn__onnx_attr_ints(c, "pads", 2 * (size_t)rank, 0, 0, 1 << 16, p));
        n = 2 * (size_t)rank;
    } else {
        const oclnn__onnx_value *pv;
        OCLNN__TRY(oclnn__onnx_input_value(c, 1, &pv));
        if (pv->kind != OCLNN__ONNX_VALUE_CONST) return oclnn__onnx_refuse("pads computed at run time");
        OCLNN__TRY(oclnn__onnx_tensor_ints(pv->tensor, p, 10, &n));
        if (oclnn__onnx_in_name(c, 2)) {
            oclnn__onnx_const k;
            OCLNN__TRY(oclnn__onnx_input_const(c, 2, true, &k));
            value = k.count == 1 ? k.data[0] : 1.0f;
            free(k.data);
        }
        if (oclnn__onnx_in_name(c, 3)) return oclnn__onnx_refuse("the axes input");
    }
    /* spatial pads as {top, left, bottom, right, front, back}: a 1-D value's l in left/right */
    int64_t sp[6] = {0, 0, 0, 0, 0, 0};
    bool outer = n != 2 * (size_t)rank || p[0] || p[1] || p[rank] || p[rank + 1];
    if (rank == 3) sp[1] = p[2], sp[3] = p[5];
    if (rank == 4) sp[0] = p[2], sp[1] = p[3], sp[2] = p[6], sp[3] = p[7];
    if (rank == 5) sp[4] = p[2], sp[0] = p[3], sp[1] = p[4], sp[5] = p[7], sp[2] = p[8], sp[3] = p[9];
    for (int i = 0; i < 6; i++) outer |= sp[i] < 0 || sp[i] > (1 << 16);
    size_t j = oclnn__onnx_only_consumer(c, c->n->output[0]);
    const Onnx__GraphProto *gp = c->ld->model->graph;
    const char *next = j == SIZE_MAX ? "" : gp->node[j]->op_type ? gp->node[j]->op_type : "";
    bool symmetric = sp[0] == sp[2] && sp[1] == sp[3] && sp[4] == sp[5];
    if (outer || value != 0.0f || (strcmp(next, "AveragePool") && strcmp(next, "Conv")) ||
        (!strcmp(next, "AveragePool") && !symmetric) || (rank == 5 && strcmp(next, "AveragePool")))
        return oclnn__onnx_refuse("only a zero pad of the spatial axes read by one Conv (2-D or 1-D), or a symmetric one "
                                  "read by one AveragePool, is supported (it is folded into that node's padding)");
    if (!gp->node[j]->n_input || strcmp(gp->node[j]->input[0] ? gp->node[j]->input[0] : "", c->n->output[0]))
        return oclnn__onnx_refuse("the padded value is not the data input of the Conv or AveragePool that reads it");
    c->ld->pool_pad[j][0] = 1;
    for (int i = 0; i < 6; i++) c->ld->pool_pad[j][1 + i] = (uint32_t)sp[i];
    return oclnn__onnx_define_node(c, 0, x->node, rank);
}

#endif
