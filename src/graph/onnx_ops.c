/* SPDX-License-Identifier: MIT */
/* ONNX nodes onto graph nodes: one handler per op, each checking every attribute it is given (an
 * attribute it does not know is refused, so nothing is silently ignored) and every input's kind
 * and shape, and refusing what the graph cannot run with the node's name, op type and what is
 * missing (the error context names the node; messages say the rest). This file holds the walk
 * and the tensor ops (Concat, Flatten, Reshape, Gemm, MatMul, Softmax, Dropout, Identity,
 * Constant); convolution and pooling are in onnx_conv.c, element-wise ops and activations in
 * onnx_eltwise.c. */
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

static oclnn_status op_concat(oclnn__onnx_node *c) {
    static const char *const known[] = {"axis", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t axis;
    if (!oclnn__onnx_attr(c, "axis")) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "axis is missing");
    OCLNN__TRY(oclnn__onnx_attr_int(c, "axis", 1, &axis));
    if (c->n->n_input < 1 || c->n->n_input > 4096) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "%zu inputs", c->n->n_input);
    /* issue 19: the channels of (n, c, l) and (n, c, d, h, w) values too (their graph values'
     * channels); every input of the first one's rank */
    const oclnn__onnx_value *x0;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x0));
    int rank = x0->rank;
    if (rank != 3 && rank != 4 && !oclnn__onnx_is_volume(x0))
        return oclnn__onnx_refuse("inputs of rank %d (ranks 3, 4 and 5 supported)", rank);
    if (axis != 1 && axis != 1 - rank)
        return oclnn__onnx_refuse("axis %lld (only channels, axis 1)", (long long)axis);
    int *in = malloc(c->n->n_input * sizeof *in);
    if (!in) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot list the inputs");
    oclnn_status st = OCLNN_OK;
    for (size_t i = 0; i < c->n->n_input && st == OCLNN_OK; i++) {
        const oclnn__onnx_value *v;
        st = oclnn__onnx_input_node(c, i, rank, &v);
        if (st == OCLNN_OK && rank == 5 && !oclnn__onnx_is_volume(v))
            st = oclnn__onnx_refuse("a Concat of the channel shuffle's 5-D view");
        if (st == OCLNN_OK) in[i] = v->node;
    }
    if (st == OCLNN_OK && c->n->n_input == 1) st = oclnn__onnx_define_node(c, 0, in[0], rank);
    else if (st == OCLNN_OK) {
        oclnn_node_desc d = oclnn_node_desc_default();
        d.op = OCLNN_NODE_CONCAT;
        st = oclnn__onnx_add_node(c, &d, in, c->n->n_input, rank);
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
    if (x->rank == 5 && !oclnn__onnx_is_volume(x)) return oclnn__onnx_refuse("Flatten of the channel shuffle's 5-D view");
    /* issue 19: (n, c, l) and (n, c, d, h, w) flatten as their (n, c, 1, l) and (n, c, d * h, w) */
    if (axis != 1 && !(axis == -1 && x->rank == 2) && !(axis == 1 - x->rank && x->rank >= 3))
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
    if (!strcmp(op, "Conv")) return oclnn__onnx_conv(c);
    if (!strcmp(op, "BatchNormalization")) return oclnn__onnx_batchnorm(c);
    if (!strcmp(op, "Relu")) return oclnn__onnx_relu(c);
    if (!strcmp(op, "MaxPool")) return oclnn__onnx_pool(c, true);
    if (!strcmp(op, "AveragePool")) return oclnn__onnx_pool(c, false);
    if (!strcmp(op, "GlobalAveragePool")) return oclnn__onnx_global_avg(c);
    if (!strcmp(op, "Add")) return oclnn__onnx_add(c);
    if (!strcmp(op, "Concat")) return op_concat(c);
    if (!strcmp(op, "Flatten")) return op_flatten(c);
    if (!strcmp(op, "Reshape")) return op_reshape(c);
    if (!strcmp(op, "Gemm")) return op_gemm(c);
    if (!strcmp(op, "MatMul")) return op_matmul(c);
    if (!strcmp(op, "Softmax")) return op_softmax(c);
    if (!strcmp(op, "Dropout")) return op_identity(c, true);
    if (!strcmp(op, "Identity")) return op_identity(c, false);
    if (!strcmp(op, "Constant")) return op_constant(c);
    if (!strcmp(op, "Pad")) return oclnn__onnx_pad(c);
    if (!strcmp(op, "Sigmoid")) return oclnn__onnx_unary(c, OCLNN_ELTWISE_SIGMOID);
    if (!strcmp(op, "Tanh")) return oclnn__onnx_unary(c, OCLNN_ELTWISE_TANH);
    if (!strcmp(op, "HardSwish")) return oclnn__onnx_unary(c, OCLNN_ELTWISE_HARDSWISH);
    if (!strcmp(op, "HardSigmoid")) return oclnn__onnx_hardsigmoid(c);
    if (!strcmp(op, "Clip")) return oclnn__onnx_clip(c);
    if (!strcmp(op, "Mul")) return oclnn__onnx_mul(c);
    if (!strcmp(op, "ReduceMean")) return oclnn__onnx_reduce_mean(c);
    if (!strcmp(op, "GlobalMaxPool")) return oclnn__onnx_global_max(c);
    if (!strcmp(op, "Sub")) return oclnn__onnx_sub_div(c, OCLNN__ONNX_AFFINE_SUB);
    if (!strcmp(op, "Div")) return oclnn__onnx_sub_div(c, OCLNN__ONNX_AFFINE_DIV);
    if (!strcmp(op, "ConvTranspose")) return oclnn__onnx_conv_transpose(c);
    if (!strcmp(op, "LeakyRelu")) return oclnn__onnx_slope(c, OCLNN_ELTWISE_LEAKY_RELU, false);
    if (!strcmp(op, "PRelu")) return oclnn__onnx_slope(c, OCLNN_ELTWISE_LEAKY_RELU, true);
    if (!strcmp(op, "Elu")) return oclnn__onnx_slope(c, OCLNN_ELTWISE_ELU, false);
    if (!strcmp(op, "Resize")) return oclnn__onnx_resize(c, false);
    if (!strcmp(op, "Upsample")) return oclnn__onnx_resize(c, true);
    if (!strcmp(op, "LRN")) return oclnn__onnx_lrn(c); /* issue 16 */
    return oclnn__onnx_refuse("op type not supported (supported: Conv, BatchNormalization, Relu, MaxPool, AveragePool, "
                  "GlobalAveragePool, Add, Concat, Flatten, Reshape, Gemm, MatMul, Softmax, Dropout, Identity, "
                  "Constant, Pad before AveragePool, Sigmoid, Tanh, HardSigmoid, HardSwish, Clip, Mul, ReduceMean, GlobalMaxPool, Sub, Div, "
                  "Split, Slice, Transpose (channel shuffle), Shape, Gather, Cast, Unsqueeze, ConvTranspose, Resize, Upsample, "
                  "LeakyRelu, PRelu, Elu, LRN; "
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
