/* SPDX-License-Identifier: MIT */
/* ONNX nodes onto graph nodes: one handler per op, each checking every attribute it is given (an
 * attribute it does not know is refused, so nothing is silently ignored) and every input's kind
 * and shape, and refusing what the graph cannot run with the node's name, op type and what is
 * missing (the error context names the node; messages say the rest). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX
typedef int oclnn__onnx_ops_disabled; /* ISO C wants a declaration in every translation unit */
#else

#include "graph/onnx.h"

/* ---- the ops ----------------------------------------------------------------------------- */

static oclnn_status op_conv(oclnn__onnx_node *c) {
    static const char *const known[] = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
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

static oclnn_status op_batchnorm(oclnn__onnx_node *c) {
    static const char *const known[] = {"epsilon", "momentum", "spatial", "training_mode", "is_test", NULL};
    static const char *const params[] = {"weight", "bias", "running_mean", "running_var"};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t spatial, training;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "spatial", 1, &spatial));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "training_mode", 0, &training));
    if (spatial != 1 || training) return oclnn__onnx_refuse("spatial=0 or training_mode=1 (inference batch norm only)");
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
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
    if (st == OCLNN_OK) st = oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
    for (int i = 0; i < 4 && st == OCLNN_OK; i++) st = oclnn__onnx_set_param(c, params[i], k[i].data, ch);
    for (int i = 0; i < 4; i++) free(k[i].data);
    return st;
}

static oclnn_status op_pool(oclnn__onnx_node *c, bool max) {
    static const char *const kavg[] = {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides", NULL};
    static const char *const kmax[] = {"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                                       "pads",     "storage_order", "strides", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, max ? kmax : kavg));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    if (c->n->n_output > 1 && c->n->output[1] && *c->n->output[1] && max)
        return oclnn__onnx_refuse("the Indices output is not supported");
    int64_t ks[2], strides[2], dil[2], ceil_mode, cip, order;
    if (!oclnn__onnx_attr(c, "kernel_shape")) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "kernel_shape is missing");
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "kernel_shape", 2, 1, 1, 1 << 16, ks));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "strides", 2, 1, 1, 1 << 16, strides));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "dilations", 2, 1, 1, 1, dil));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "ceil_mode", 0, &ceil_mode));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "count_include_pad", 0, &cip));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "storage_order", 0, &order));
    if (order) return oclnn__onnx_refuse("storage_order=1");
    int auto_pad;
    OCLNN__TRY(oclnn__onnx_attr_auto_pad(c, &auto_pad));
    if (auto_pad == 2) return oclnn__onnx_refuse("auto_pad SAME for pooling");
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = max ? OCLNN_NODE_MAX_POOL : OCLNN_NODE_AVG_POOL;
    OCLNN__TRY(oclnn__onnx_attr_pads(c, &d.pad_h, &d.pad_w));
    d.kernel_h = (uint32_t)ks[0];
    d.kernel_w = (uint32_t)ks[1];
    d.stride_h = (uint32_t)strides[0];
    d.stride_w = (uint32_t)strides[1];
    d.ceil_mode = ceil_mode != 0;
    d.count_include_pad = cip != 0;
    if (c->ld->pool_pad[c->index][0]) {
        const uint32_t *f = c->ld->pool_pad[c->index];
        if (d.pad_h || d.pad_w || d.ceil_mode) return oclnn__onnx_refuse("a Pad before a padded or ceil_mode pool");
        if (f[1] != f[3] || f[2] != f[4]) return oclnn__onnx_refuse("an asymmetric Pad before an AveragePool");
        d.pad_h = f[1];
        d.pad_w = f[2];
        d.count_include_pad = true; /* zeros padded before the pool count in its average */
    }
    return oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
}

static oclnn_status op_global_max(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_GLOBAL_MAX_POOL;
    return oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
}

static oclnn_status op_global_avg(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ADAPTIVE_AVG_POOL;
    d.out_h = d.out_w = 1;
    return oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
}

/* ReduceMean over h and w (axes {2, 3} of a 4-D tensor, opsets up to 17): global average
 * pooling; without keepdims the value is (n, c), as the pooled (n, c, 1, 1) flattened. */
static oclnn_status op_reduce_mean(oclnn__onnx_node *c) {
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

static oclnn_status op_relu(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RELU;
    return oclnn__onnx_add_node(c, &d, &x->node, 1, x->rank);
}

/* Add, Sub, Mul, Div of a 4-D node value and a constant scalar or per-channel tensor ((c), (c, 1, 1)
 * or (1, c, 1, 1)): an inference batch norm with mean 0 and variance 1 (eps 1e-30, so
 * sqrt(var + eps) is exactly 1): x * scale[c] + shift[c], folded into a conv before it. `op` is
 * '+', '-', '*' or '/'; `x_first` says whether x is the left operand. */
typedef enum affine_op { AFFINE_ADD, AFFINE_SUB, AFFINE_MUL, AFFINE_DIV } affine_op;

static oclnn_status add_affine(oclnn__onnx_node *c, affine_op op, const oclnn__onnx_value *x, size_t k_input, bool x_first) {
    if (x->rank != 4) return oclnn__onnx_refuse("a constant operand with a tensor of rank %d (only rank 4, per channel)", x->rank);
    if (op == AFFINE_DIV && !x_first) return oclnn__onnx_refuse("a constant divided by a tensor");
    uint32_t ch = oclnn__onnx_channels_of(c, x->node);
    oclnn__onnx_const k;
    OCLNN__TRY(oclnn__onnx_input_const(c, k_input, true, &k));
    bool per_channel = k.count == ch && ((k.ndim == 1) || (k.ndim == 3 && k.dims[1] == 1 && k.dims[2] == 1) ||
                                         (k.ndim == 4 && k.dims[0] == 1 && k.dims[2] == 1 && k.dims[3] == 1));
    bool scalar = k.count == 1 && k.ndim <= 4;
    if (!per_channel && !scalar) {
        free(k.data);
        return oclnn__onnx_refuse("a constant operand of %zu values in %d dims (only a scalar or one value per channel)",
                                  k.count, k.ndim);
    }
    float *p = calloc(4 * (size_t)ch, sizeof *p);
    if (!p) {
        free(k.data);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %u channels", ch);
    }
    float *scale = p, *shift = p + ch, *mean = p + 2 * (size_t)ch, *var = p + 3 * (size_t)ch;
    for (uint32_t i = 0; i < ch; i++) {
        float v = k.data[per_channel ? i : 0];
        scale[i] = 1.0f;
        var[i] = 1.0f;
        switch (op) {
        case AFFINE_ADD: shift[i] = v; break;
        case AFFINE_SUB:
            if (x_first) shift[i] = -v;
            else scale[i] = -1.0f, shift[i] = v;
            break;
        case AFFINE_MUL: scale[i] = v; break;
        case AFFINE_DIV: scale[i] = 1.0f / v; break;
        }
    }
    free(k.data);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_BATCHNORM;
    d.eps = 1e-30f;
    oclnn_status st = oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
    static const char *const params[] = {"weight", "bias", "running_mean", "running_var"};
    float *vals[4] = {scale, shift, mean, var};
    for (int i = 0; i < 4 && st == OCLNN_OK; i++) st = oclnn__onnx_set_param(c, params[i], vals[i], ch);
    free(p);
    return st;
}

/* Sub and Div: of a tensor and a constant only (see add_affine). */
static oclnn_status op_sub_div(oclnn__onnx_node *c, affine_op op) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *a, *b;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &a));
    OCLNN__TRY(oclnn__onnx_input_value(c, 1, &b));
    if (a->kind == OCLNN__ONNX_VALUE_NODE && b->kind == OCLNN__ONNX_VALUE_CONST) return add_affine(c, op, a, 1, true);
    if (a->kind == OCLNN__ONNX_VALUE_CONST && b->kind == OCLNN__ONNX_VALUE_NODE) return add_affine(c, op, b, 0, false);
    return oclnn__onnx_refuse("%s of two tensors or two constants (only a tensor and a constant scalar or per-channel vector)",
                              op == AFFINE_SUB ? "Sub" : "Div");
}

static oclnn_status op_add(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *a, *b;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &a));
    OCLNN__TRY(oclnn__onnx_input_value(c, 1, &b));
    if (a->kind == OCLNN__ONNX_VALUE_NODE && b->kind == OCLNN__ONNX_VALUE_CONST) return add_affine(c, AFFINE_ADD, a, 1, true);
    if (a->kind == OCLNN__ONNX_VALUE_CONST && b->kind == OCLNN__ONNX_VALUE_NODE) return add_affine(c, AFFINE_ADD, b, 0, false);
    if (a->kind != OCLNN__ONNX_VALUE_NODE || b->kind != OCLNN__ONNX_VALUE_NODE)
        return oclnn__onnx_refuse("Add of a constant (broadcast) tensor; only two tensors of one shape, or a bias after MatMul");
    if (a->rank != b->rank) return oclnn__onnx_refuse("Add of tensors of ranks %d and %d (broadcasting)", a->rank, b->rank);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ADD;
    int in[2] = {a->node, b->node};
    return oclnn__onnx_add_node(c, &d, in, 2, a->rank); /* the shapes are checked equal when the net is created */
}

static oclnn_status op_concat(oclnn__onnx_node *c) {
    static const char *const known[] = {"axis", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t axis;
    if (!oclnn__onnx_attr(c, "axis")) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "axis is missing");
    OCLNN__TRY(oclnn__onnx_attr_int(c, "axis", 1, &axis));
    if (axis != 1 && axis != -3) return oclnn__onnx_refuse("axis %lld (only channels, axis 1, of a 4-D tensor)", (long long)axis);
    if (c->n->n_input < 1 || c->n->n_input > 4096) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "%zu inputs", c->n->n_input);
    int *in = malloc(c->n->n_input * sizeof *in);
    if (!in) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot list the inputs");
    oclnn_status st = OCLNN_OK;
    for (size_t i = 0; i < c->n->n_input && st == OCLNN_OK; i++) {
        const oclnn__onnx_value *v;
        st = oclnn__onnx_input_node(c, i, 4, &v);
        if (st == OCLNN_OK) in[i] = v->node;
    }
    if (st == OCLNN_OK && c->n->n_input == 1) st = oclnn__onnx_define_node(c, 0, in[0], 4);
    else if (st == OCLNN_OK) {
        oclnn_node_desc d = oclnn_node_desc_default();
        d.op = OCLNN_NODE_CONCAT;
        st = oclnn__onnx_add_node(c, &d, in, c->n->n_input, 4);
    }
    free(in);
    return st;
}

/* Flatten and Reshape end here: the value becomes (n, c * h * w), nothing runs. */
static oclnn_status flatten_to_2d(oclnn__onnx_node *c, const oclnn__onnx_value *x) {
    return oclnn__onnx_define_node(c, 0, x->node, 2);
}

static oclnn_status op_flatten(oclnn__onnx_node *c) {
    static const char *const known[] = {"axis", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t axis;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "axis", 1, &axis));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    if (x->rank == 5) return oclnn__onnx_refuse("Flatten of a 5-D value (only of (n, c, h, w))");
    if (axis != 1 && !(axis == -1 && x->rank == 2) && !(axis == -3 && x->rank == 4))
        return oclnn__onnx_refuse("axis %lld (only axis 1: (n, c, h, w) to (n, c * h * w))", (long long)axis);
    return flatten_to_2d(c, x);
}

static oclnn_status op_reshape(oclnn__onnx_node *c) {
    static const char *const known[] = {"allowzero", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t allowzero;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "allowzero", 0, &allowzero));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &x));
    if (x->kind != OCLNN__ONNX_VALUE_NODE) return oclnn__onnx_refuse("a Reshape of a constant or shape value");
    /* issue 16: the target may be computed from shapes at load (onnx_shape.c) */
    oclnn__onnx_value sv;
    OCLNN__TRY(oclnn__onnx_ints_of(c, 1, &sv));
    bool handled;
    OCLNN__TRY(oclnn__onnx_reshape_nd(c, x, &sv, &handled));
    if (handled) return OCLNN_OK;
    const int64_t *s = sv.ints;
    if (sv.count != 2 || sv.sym[1])
        return oclnn__onnx_refuse("a target shape of rank %d (only a flatten to (n, features), or the channel shuffle)", sv.count);
    oclnn_shape xs;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &xs));
    int64_t f = (int64_t)xs.c * xs.h * xs.w, batch = c->ld->input.n;
    bool first = sv.sym[0] == OCLNN__ONNX_BATCH ||
                 (!sv.sym[0] && ((s[0] == 0 && !allowzero) || (s[0] == -1 && s[1] == f) || (batch && s[0] == batch)));
    bool second = (s[1] == -1 && (sv.sym[0] || s[0] != -1)) || s[1] == f;
    if (!first || !second)
        return oclnn__onnx_refuse("target shape (%lld, %lld) is not a flatten of (n, %u, %u, %u) to (n, %lld)", (long long)s[0],
                      (long long)s[1], xs.c, xs.h, xs.w, (long long)f);
    return flatten_to_2d(c, x);
}

/* A linear layer on a rank-2 value; w is (out x features) when !transposed, else (features x out). */
static oclnn_status add_fc(oclnn__onnx_node *c, const oclnn__onnx_value *x, const oclnn__onnx_const *w, bool transposed,
                           const oclnn__onnx_const *b) {
    if (w->ndim != 2) return oclnn__onnx_refuse("weight of rank %d (rank 2 supported)", w->ndim);
    oclnn_shape xs;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &xs));
    size_t f = (size_t)xs.c * xs.h * xs.w, out = (size_t)(transposed ? w->dims[1] : w->dims[0]);
    if ((size_t)(transposed ? w->dims[0] : w->dims[1]) != f || out < 1 || out > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "weight (%lld, %lld) does not fit %zu input features",
                           (long long)w->dims[0], (long long)w->dims[1], f);
    if (b && b->t && !oclnn__onnx_is_vector(b, out, true))
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "bias has %zu values for %zu outputs", b->count, out);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_FC;
    d.channels = (uint32_t)out;
    d.kernel_h = xs.h;
    d.kernel_w = xs.w;
    d.bias = b && b->t;
    OCLNN__TRY(oclnn__onnx_add_node(c, &d, &x->node, 1, 2));
    oclnn_status st;
    if (transposed) {
        float *t = malloc(w->count * sizeof *t);
        if (!t) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot transpose the weight");
        for (size_t i = 0; i < f; i++)
            for (size_t o = 0; o < out; o++) t[o * f + i] = w->data[i * out + o];
        st = oclnn__onnx_set_param(c, "weight", t, w->count);
        free(t);
    } else {
        st = oclnn__onnx_set_param(c, "weight", w->data, w->count);
    }
    if (st == OCLNN_OK && d.bias) st = oclnn__onnx_set_param(c, "bias", b->data, b->count);
    return st;
}

static oclnn_status op_gemm(oclnn__onnx_node *c) {
    static const char *const known[] = {"alpha", "beta", "transA", "transB", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    float alpha, beta;
    int64_t ta, tb;
    OCLNN__TRY(oclnn__onnx_attr_float(c, "alpha", 1.0f, &alpha));
    OCLNN__TRY(oclnn__onnx_attr_float(c, "beta", 1.0f, &beta));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "transA", 0, &ta));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "transB", 0, &tb));
    if (alpha != 1.0f || beta != 1.0f || ta) return oclnn__onnx_refuse("alpha or beta other than 1, or transA=1");
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 2, &x));
    oclnn__onnx_const w, b;
    oclnn_status st = oclnn__onnx_input_const(c, 1, true, &w);
    memset(&b, 0, sizeof b);
    if (st == OCLNN_OK) st = oclnn__onnx_input_const(c, 2, false, &b);
    if (st == OCLNN_OK) st = add_fc(c, x, &w, !tb, &b);
    free(w.data);
    free(b.data);
    return st;
}

/* MatMul by a constant (features x out) is a linear layer; an Add of a constant (out) vector that
 * is its only consumer becomes the layer's bias. */
static oclnn_status op_matmul(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 2, &x));
    const Onnx__GraphProto *gp = c->ld->model->graph;
    const char *y = c->n->n_output == 1 ? c->n->output[0] : NULL;
    size_t consumer = oclnn__onnx_only_consumer(c, y);
    oclnn__onnx_const w, b;
    memset(&b, 0, sizeof b);
    oclnn_status st = oclnn__onnx_input_const(c, 1, true, &w);
    if (st == OCLNN_OK && consumer != SIZE_MAX && !strcmp(gp->node[consumer]->op_type ? gp->node[consumer]->op_type : "", "Add") &&
        gp->node[consumer]->n_input == 2 && gp->node[consumer]->n_output == 1 && w.ndim == 2) {
        const Onnx__NodeProto *add = gp->node[consumer];
        const char *other = strcmp(add->input[0], y) ? add->input[0] : add->input[1];
        const oclnn__onnx_value *bv = oclnn__onnx_find(c->ld, other);
        if (bv && bv->kind == OCLNN__ONNX_VALUE_CONST && add->output[0] && *add->output[0]) {
            const Onnx__NodeProto *self = c->n;
            c->n = add;
            st = oclnn__onnx_input_const(c, strcmp(add->input[0], y) ? 0 : 1, true, &b);
            c->n = self;
            if (st == OCLNN_OK && oclnn__onnx_is_vector(&b, (size_t)w.dims[1], true)) {
                c->ld->consumed[consumer] = 1;
                y = add->output[0];
            } else {
                free(b.data);
                memset(&b, 0, sizeof b);
            }
        }
    }
    if (st == OCLNN_OK) st = add_fc(c, x, &w, true, &b);
    if (st == OCLNN_OK && y != c->n->output[0]) {
        const oclnn__onnx_value *v = oclnn__onnx_find(c->ld, c->n->output[0]);
        st = oclnn__onnx_define(c->ld, y, *v);
    }
    free(w.data);
    free(b.data);
    return st;
}

static oclnn_status op_softmax(oclnn__onnx_node *c) {
    static const char *const known[] = {"axis", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t axis;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "axis", c->ld->opset < 13 ? 1 : -1, &axis));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 2, &x));
    if (axis != 1 && axis != -1) return oclnn__onnx_refuse("axis %lld (only the features of a 2-D tensor)", (long long)axis);
    oclnn_shape xs;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &xs));
    if (xs.h != 1 || xs.w != 1) return oclnn__onnx_refuse("softmax over flattened (c, h, w) features with h, w > 1");
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_SOFTMAX;
    return oclnn__onnx_add_node(c, &d, &x->node, 1, 2);
}

/* Dropout (inference: the identity) and Identity: the output names the input's value. */
static oclnn_status op_identity(oclnn__onnx_node *c, bool dropout) {
    static const char *const kdrop[] = {"ratio", "seed", "is_test", NULL};
    static const char *const kid[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, dropout ? kdrop : kid));
    if (dropout && oclnn__onnx_in_name(c, 2)) return oclnn__onnx_refuse("a training_mode input (inference only)");
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &x));
    if (c->n->n_output < 1 || !c->n->output[0] || !*c->n->output[0]) return OCLNN_OK;
    return oclnn__onnx_define(c->ld, c->n->output[0], *x);
}

static oclnn_status op_constant(oclnn__onnx_node *c) {
    static const char *const known[] = {"value", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const Onnx__AttributeProto *a = oclnn__onnx_attr(c, "value");
    if (!a || !a->t) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "value is missing");
    if (c->n->n_output != 1 || !c->n->output[0] || !*c->n->output[0]) return OCLNN_OK;
    return oclnn__onnx_define(c->ld, c->n->output[0], (oclnn__onnx_value){.kind = OCLNN__ONNX_VALUE_CONST, .tensor = a->t});
}

/* A zero Pad of h and w only, read by nothing but an AveragePool (PyTorch's export of
 * count_include_pad=True): the pool pads instead, counting the zeros. Nothing else is supported. */
static oclnn_status op_pad(oclnn__onnx_node *c) {
    static const char *const known[] = {"mode", "pads", "value", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const Onnx__AttributeProto *mode = oclnn__onnx_attr(c, "mode");
    if (mode && !(mode->s.len == 8 && !memcmp(mode->s.data, "constant", 8))) return oclnn__onnx_refuse("mode other than constant");
    float value;
    OCLNN__TRY(oclnn__onnx_attr_float(c, "value", 0.0f, &value));
    int64_t p[8];
    size_t n = 0;
    if (c->ld->opset < 11) {
        OCLNN__TRY(oclnn__onnx_attr_ints(c, "pads", 8, 0, 0, 1 << 16, p));
        n = 8;
    } else {
        const oclnn__onnx_value *pv;
        OCLNN__TRY(oclnn__onnx_input_value(c, 1, &pv));
        if (pv->kind != OCLNN__ONNX_VALUE_CONST) return oclnn__onnx_refuse("pads computed at run time");
        OCLNN__TRY(oclnn__onnx_tensor_ints(pv->tensor, p, 8, &n));
        if (oclnn__onnx_in_name(c, 2)) {
            oclnn__onnx_const k;
            OCLNN__TRY(oclnn__onnx_input_const(c, 2, true, &k));
            value = k.count == 1 ? k.data[0] : 1.0f;
            free(k.data);
        }
        if (oclnn__onnx_in_name(c, 3)) return oclnn__onnx_refuse("the axes input");
    }
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    size_t j = oclnn__onnx_only_consumer(c, c->n->output[0]);
    const Onnx__GraphProto *gp = c->ld->model->graph;
    const char *next = j == SIZE_MAX ? "" : gp->node[j]->op_type ? gp->node[j]->op_type : "";
    if (n != 8 || value != 0.0f || p[0] || p[1] || p[4] || p[5] || p[2] < 0 || p[3] < 0 || p[6] < 0 || p[7] < 0 ||
        p[2] > (1 << 16) || p[3] > (1 << 16) || p[6] > (1 << 16) || p[7] > (1 << 16) ||
        (strcmp(next, "AveragePool") && strcmp(next, "Conv")) || (!strcmp(next, "AveragePool") && (p[2] != p[6] || p[3] != p[7])))
        return oclnn__onnx_refuse("only a zero pad of h and w read by one Conv, or a symmetric one read by one AveragePool, "
                                  "is supported (it is folded into that node's padding)");
    if (!gp->node[j]->n_input || strcmp(gp->node[j]->input[0] ? gp->node[j]->input[0] : "", c->n->output[0]))
        return oclnn__onnx_refuse("the padded value is not the data input of the Conv or AveragePool that reads it");
    c->ld->pool_pad[j][0] = 1;
    c->ld->pool_pad[j][1] = (uint32_t)p[2];
    c->ld->pool_pad[j][2] = (uint32_t)p[3];
    c->ld->pool_pad[j][3] = (uint32_t)p[6];
    c->ld->pool_pad[j][4] = (uint32_t)p[7];
    return oclnn__onnx_define_node(c, 0, x->node, 4);
}

/* ---- activations and products (issue 16: MobileNetV2/V3, EfficientNet) -------------------- */

static oclnn_status add_activation(oclnn__onnx_node *c, oclnn_eltwise_op op) {
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ACTIVATION;
    d.eltwise = op;
    return oclnn__onnx_add_node(c, &d, &x->node, 1, x->rank);
}

/* Sigmoid, Tanh, HardSwish: no attributes. */
static oclnn_status op_unary(oclnn__onnx_node *c, oclnn_eltwise_op op) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    return add_activation(c, op);
}

/* HardSigmoid as torch exports it: max(0, min(1, x / 6 + 0.5)). */
static oclnn_status op_hardsigmoid(oclnn__onnx_node *c) {
    static const char *const known[] = {"alpha", "beta", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    float alpha, beta;
    OCLNN__TRY(oclnn__onnx_attr_float(c, "alpha", 0.2f, &alpha));
    OCLNN__TRY(oclnn__onnx_attr_float(c, "beta", 0.5f, &beta));
    if (!(fabsf(alpha - 1.0f / 6.0f) <= 1e-6f) || beta != 0.5f)
        return oclnn__onnx_refuse("alpha %g, beta %g (only torch's hardsigmoid: alpha 1/6, beta 0.5)", (double)alpha,
                                  (double)beta);
    return add_activation(c, OCLNN_ELTWISE_HARDSIGMOID);
}

/* issue 16: LeakyRelu (alpha, default 0.01), Elu (alpha, default 1) and PRelu (a constant slope:
 * a scalar or one per channel) as ACTIVATION nodes whose "weight" holds one alpha per channel. */
static oclnn_status op_slope(oclnn__onnx_node *c, oclnn_eltwise_op op, bool prelu) {
    static const char *const kalpha[] = {"alpha", NULL};
    static const char *const none[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, prelu ? none : kalpha));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    uint32_t ch = oclnn__onnx_channels_of(c, x->node);
    float alpha = 0.0f;
    oclnn__onnx_const k;
    memset(&k, 0, sizeof k);
    if (prelu) {
        OCLNN__TRY(oclnn__onnx_input_const(c, 1, true, &k));
        bool per_channel = k.count == ch && ch > 1 &&
                           (k.ndim == 1 || (k.ndim == 3 && k.dims[1] == 1 && k.dims[2] == 1) ||
                            (k.ndim == 4 && k.dims[0] == 1 && k.dims[2] == 1 && k.dims[3] == 1));
        if (k.count != 1 && !per_channel) {
            free(k.data);
            return oclnn__onnx_refuse("slope of %zu values (a scalar or one per channel of %u)", k.count, ch);
        }
    } else {
        OCLNN__TRY(oclnn__onnx_attr_float(c, "alpha", op == OCLNN_ELTWISE_ELU ? 1.0f : 0.01f, &alpha));
        if (!isfinite(alpha)) return oclnn__onnx_refuse("attribute alpha is not finite");
    }
    float *w = malloc((ch ? ch : 1) * sizeof *w);
    if (!w) {
        free(k.data);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %u alphas", ch);
    }
    for (uint32_t i = 0; i < ch; i++) w[i] = prelu ? k.data[k.count == 1 ? 0 : i] : alpha;
    free(k.data);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ACTIVATION;
    d.eltwise = op;
    oclnn_status st = oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
    if (st == OCLNN_OK) st = oclnn__onnx_set_param(c, "weight", w, ch);
    free(w);
    return st;
}

/* One bound of Clip: from the attribute (opset < 11) or the optional constant input. */
static oclnn_status clip_bound(oclnn__onnx_node *c, const char *attr, size_t input, float def, float *v) {
    if (c->ld->opset < 11) return oclnn__onnx_attr_float(c, attr, def, v);
    *v = def;
    if (!oclnn__onnx_in_name(c, input)) return OCLNN_OK;
    oclnn__onnx_const k;
    OCLNN__TRY(oclnn__onnx_input_const(c, input, true, &k));
    oclnn_status st = OCLNN_OK;
    if (k.count != 1) st = oclnn__onnx_refuse("%s has %zu values (a scalar is needed)", attr, k.count);
    else *v = k.data[0];
    free(k.data);
    return st;
}

/* Clip to [0, 6] (ReLU6) or [0, inf) (ReLU); other bounds are refused. */
static oclnn_status op_clip(oclnn__onnx_node *c) {
    static const char *const known[] = {"min", "max", NULL};
    static const char *const none[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, c->ld->opset < 11 ? known : none));
    float lo, hi;
    OCLNN__TRY(clip_bound(c, "min", 1, -INFINITY, &lo));
    OCLNN__TRY(clip_bound(c, "max", 2, INFINITY, &hi));
    if (lo == 0.0f && hi == 6.0f) return add_activation(c, OCLNN_ELTWISE_RELU6);
    if (lo == 0.0f && hi == INFINITY) return add_activation(c, OCLNN_ELTWISE_RELU);
    return oclnn__onnx_refuse("bounds [%g, %g] (only [0, 6], ReLU6, and [0, inf), ReLU)", (double)lo, (double)hi);
}

/* A node value's shape at the model's input size (224 for a symbolic one): only to tell a
 * per-channel gate (h = w = 1 at any size) from a feature map. */
static oclnn_status value_shape(const oclnn__onnx_node *c, int node, oclnn_shape *s) {
    size_t n = oclnn_graph_node_count(c->ld->g);
    oclnn_shape *shapes = calloc(n ? n : 1, sizeof *shapes);
    if (!shapes) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot infer shapes");
    oclnn_shape in = c->ld->input;
    oclnn_shape x = {1, in.c, in.h ? in.h : 224u, in.w ? in.w : 224u};
    oclnn_status st = oclnn_graph_infer_shapes(c->ld->g, x, shapes);
    if (st == OCLNN_OK) *s = shapes[node];
    free(shapes);
    return st;
}

/* Mul of two node values: one shape (SiLU's x * sigmoid(x), hardswish at opset < 14), or a
 * feature map by a (n, c, 1, 1) gate in either order (squeeze-excite). Constants are refused. */
static oclnn_status op_mul(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *a, *b;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &a));
    OCLNN__TRY(oclnn__onnx_input_value(c, 1, &b));
    if (a->kind == OCLNN__ONNX_VALUE_NODE && b->kind == OCLNN__ONNX_VALUE_CONST) return add_affine(c, AFFINE_MUL, a, 1, true);
    if (a->kind == OCLNN__ONNX_VALUE_CONST && b->kind == OCLNN__ONNX_VALUE_NODE) return add_affine(c, AFFINE_MUL, b, 0, false);
    if (a->kind != OCLNN__ONNX_VALUE_NODE || b->kind != OCLNN__ONNX_VALUE_NODE)
        return oclnn__onnx_refuse("Mul of two constants");
    if (a->rank != b->rank) return oclnn__onnx_refuse("Mul of tensors of ranks %d and %d", a->rank, b->rank);
    oclnn_shape sa, sb;
    OCLNN__TRY(value_shape(c, a->node, &sa));
    OCLNN__TRY(value_shape(c, b->node, &sb));
    if (sa.h == 1 && sa.w == 1 && (sb.h != 1 || sb.w != 1)) { /* the gate first: swap (a product commutes) */
        const oclnn__onnx_value *t = a;
        a = b;
        b = t;
    }
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_MUL;
    int in[2] = {a->node, b->node};
    return oclnn__onnx_add_node(c, &d, in, 2, a->rank); /* shapes are checked when the net is created */
}

/* ---- the walk ---------------------------------------------------------------------------- */

static void graph_name(oclnn__onnx_node *c) {
    const char *n = c->n->name;
    size_t len = n ? strlen(n) : 0;
    bool ok = len >= 1 && len <= 100;
    for (size_t i = 0, count = oclnn_graph_node_count(c->ld->g); ok && i < count; i++) {
        oclnn_node_info info;
        ok = oclnn_graph_node(c->ld->g, (int)i, &info) != OCLNN_OK || strcmp(info.name, n);
    }
    if (ok) snprintf(c->gname, sizeof c->gname, "%s", n);
    else snprintf(c->gname, sizeof c->gname, "%.60s#%zu", c->n->op_type ? c->n->op_type : "node", c->index);
}

static oclnn_status map_node(oclnn__onnx_node *c) {
    const char *op = c->n->op_type ? c->n->op_type : "";
    if (c->n->domain && *c->n->domain && strcmp(c->n->domain, "ai.onnx"))
        return oclnn__onnx_refuse("domain \"%.60s\" (only the default ONNX domain)", c->n->domain);
    if (!c->n->n_output) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "no output");
    graph_name(c);
    bool handled; /* issue 16: shape arithmetic, then channel views */
    oclnn_status st = oclnn__onnx_shape_op(c, &handled);
    if (handled || st != OCLNN_OK) return st;
    if (!strcmp(op, "Transpose")) return oclnn__onnx_transpose(c);
    if (!strcmp(op, "Slice")) return oclnn__onnx_slice(c);
    if (!strcmp(op, "Split")) return oclnn__onnx_split(c);
    if (!strcmp(op, "Conv")) return op_conv(c);
    if (!strcmp(op, "BatchNormalization")) return op_batchnorm(c);
    if (!strcmp(op, "Relu")) return op_relu(c);
    if (!strcmp(op, "MaxPool")) return op_pool(c, true);
    if (!strcmp(op, "AveragePool")) return op_pool(c, false);
    if (!strcmp(op, "GlobalAveragePool")) return op_global_avg(c);
    if (!strcmp(op, "Add")) return op_add(c);
    if (!strcmp(op, "Concat")) return op_concat(c);
    if (!strcmp(op, "Flatten")) return op_flatten(c);
    if (!strcmp(op, "Reshape")) return op_reshape(c);
    if (!strcmp(op, "Gemm")) return op_gemm(c);
    if (!strcmp(op, "MatMul")) return op_matmul(c);
    if (!strcmp(op, "Softmax")) return op_softmax(c);
    if (!strcmp(op, "Dropout")) return op_identity(c, true);
    if (!strcmp(op, "Identity")) return op_identity(c, false);
    if (!strcmp(op, "Constant")) return op_constant(c);
    if (!strcmp(op, "Pad")) return op_pad(c);
    if (!strcmp(op, "Sigmoid")) return op_unary(c, OCLNN_ELTWISE_SIGMOID);
    if (!strcmp(op, "Tanh")) return op_unary(c, OCLNN_ELTWISE_TANH);
    if (!strcmp(op, "HardSwish")) return op_unary(c, OCLNN_ELTWISE_HARDSWISH);
    if (!strcmp(op, "HardSigmoid")) return op_hardsigmoid(c);
    if (!strcmp(op, "Clip")) return op_clip(c);
    if (!strcmp(op, "Mul")) return op_mul(c);
    if (!strcmp(op, "ReduceMean")) return op_reduce_mean(c);
    if (!strcmp(op, "GlobalMaxPool")) return op_global_max(c);
    if (!strcmp(op, "Sub")) return op_sub_div(c, AFFINE_SUB);
    if (!strcmp(op, "Div")) return op_sub_div(c, AFFINE_DIV);
    if (!strcmp(op, "ConvTranspose")) return oclnn__onnx_conv_transpose(c);
    if (!strcmp(op, "LeakyRelu")) return op_slope(c, OCLNN_ELTWISE_LEAKY_RELU, false);
    if (!strcmp(op, "PRelu")) return op_slope(c, OCLNN_ELTWISE_LEAKY_RELU, true);
    if (!strcmp(op, "Elu")) return op_slope(c, OCLNN_ELTWISE_ELU, false);
    if (!strcmp(op, "Resize")) return oclnn__onnx_resize(c, false);
    if (!strcmp(op, "Upsample")) return oclnn__onnx_resize(c, true);
    return oclnn__onnx_refuse("op type not supported (supported: Conv, BatchNormalization, Relu, MaxPool, AveragePool, "
                  "GlobalAveragePool, Add, Concat, Flatten, Reshape, Gemm, MatMul, Softmax, Dropout, Identity, "
                  "Constant, Pad before AveragePool, Sigmoid, Tanh, HardSigmoid, HardSwish, Clip, Mul, ReduceMean, GlobalMaxPool, Sub, Div, "
                  "Split, Slice, Transpose (channel shuffle), Shape, Gather, Cast, Unsqueeze, ConvTranspose, Resize, Upsample, "
                  "LeakyRelu, PRelu, Elu; "
                  "see docs/ONNX.md)");
}

oclnn_status oclnn__onnx_build(oclnn__onnx_loader *ld) {
    const Onnx__GraphProto *gp = ld->model->graph;
    for (size_t i = 0; i < gp->n_node; i++) {
        if (ld->consumed[i]) continue;
        oclnn__onnx_node c = {.ld = ld, .n = gp->node[i], .index = i};
        oclnn__error_context("ONNX node \"%.80s\" (%.40s): ", c.n->name ? c.n->name : "",
                             c.n->op_type ? c.n->op_type : "");
        OCLNN__TRY(map_node(&c));
    }
    oclnn__error_context("%s", "");
    return OCLNN_OK;
}

#endif
