/* SPDX-License-Identifier: MIT */
/* ONNX element-wise and activation nodes (Relu, Add, Sub, Div, Mul, Sigmoid, Tanh, HardSwish,
 * HardSigmoid, LeakyRelu, PRelu, Elu, Clip) onto graph nodes; the walk that calls them is in
 * onnx_ops.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX
typedef int oclnn__onnx_eltwise_disabled; /* ISO C wants a declaration in every translation unit */
#else

#include "graph/onnx.h"

oclnn_status oclnn__onnx_relu(oclnn__onnx_node *c) {
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

static oclnn_status add_affine(oclnn__onnx_node *c, oclnn__onnx_affine op, const oclnn__onnx_value *x, size_t k_input, bool x_first) {
    if (x->rank != 4) return oclnn__onnx_refuse("a constant operand with a tensor of rank %d (only rank 4, per channel)", x->rank);
    if (op == OCLNN__ONNX_AFFINE_DIV && !x_first) return oclnn__onnx_refuse("a constant divided by a tensor");
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
        case OCLNN__ONNX_AFFINE_ADD: shift[i] = v; break;
        case OCLNN__ONNX_AFFINE_SUB:
            if (x_first) shift[i] = -v;
            else scale[i] = -1.0f, shift[i] = v;
            break;
        case OCLNN__ONNX_AFFINE_MUL: scale[i] = v; break;
        case OCLNN__ONNX_AFFINE_DIV: scale[i] = 1.0f / v; break;
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

/* Sub and Div: of a tensor and a constant (see add_affine), or of two tensors (issue 16: a BINARY
 * node, onnx_norm.c). */
oclnn_status oclnn__onnx_sub_div(oclnn__onnx_node *c, oclnn__onnx_affine op) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *a, *b;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &a));
    OCLNN__TRY(oclnn__onnx_input_value(c, 1, &b));
    if (a->kind == OCLNN__ONNX_VALUE_NODE && b->kind == OCLNN__ONNX_VALUE_CONST) return add_affine(c, op, a, 1, true);
    if (a->kind == OCLNN__ONNX_VALUE_CONST && b->kind == OCLNN__ONNX_VALUE_NODE) return add_affine(c, op, b, 0, false);
    if (a->kind == OCLNN__ONNX_VALUE_NODE && b->kind == OCLNN__ONNX_VALUE_NODE)
        return oclnn__onnx_binary(c, op == OCLNN__ONNX_AFFINE_SUB ? OCLNN_ELTWISE_SUB : OCLNN_ELTWISE_DIV, a, b);
    return oclnn__onnx_refuse("%s of two constants or shape values (only of tensors, or a tensor and a constant "
                              "scalar or per-channel vector)", op == OCLNN__ONNX_AFFINE_SUB ? "Sub" : "Div");
}

oclnn_status oclnn__onnx_add(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *a, *b;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &a));
    OCLNN__TRY(oclnn__onnx_input_value(c, 1, &b));
    if (a->kind == OCLNN__ONNX_VALUE_NODE && b->kind == OCLNN__ONNX_VALUE_CONST) return add_affine(c, OCLNN__ONNX_AFFINE_ADD, a, 1, true);
    if (a->kind == OCLNN__ONNX_VALUE_CONST && b->kind == OCLNN__ONNX_VALUE_NODE) return add_affine(c, OCLNN__ONNX_AFFINE_ADD, b, 0, false);
    if (a->kind != OCLNN__ONNX_VALUE_NODE || b->kind != OCLNN__ONNX_VALUE_NODE)
        return oclnn__onnx_refuse("Add of a constant (broadcast) tensor; only two tensors of one shape, or a bias after MatMul");
    if (a->rank != b->rank) return oclnn__onnx_refuse("Add of tensors of ranks %d and %d (broadcasting)", a->rank, b->rank);
    oclnn_shape sa, sb; /* issue 16: a (n, c, 1, 1) operand broadcasts (BINARY); where the shapes are */
    if (oclnn__onnx_value_shape(c, a->node, &sa) == OCLNN_OK && /* unknown, the net checks them */
        oclnn__onnx_value_shape(c, b->node, &sb) == OCLNN_OK && (sa.h != sb.h || sa.w != sb.w))
        return oclnn__onnx_binary(c, OCLNN_ELTWISE_ADD, a, b);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ADD;
    int in[2] = {a->node, b->node};
    return oclnn__onnx_add_node(c, &d, in, 2, a->rank); /* the shapes are checked equal when the net is created */
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
oclnn_status oclnn__onnx_unary(oclnn__onnx_node *c, oclnn_eltwise_op op) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    return add_activation(c, op);
}

/* HardSigmoid as torch exports it: max(0, min(1, x / 6 + 0.5)). */
oclnn_status oclnn__onnx_hardsigmoid(oclnn__onnx_node *c) {
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
oclnn_status oclnn__onnx_slope(oclnn__onnx_node *c, oclnn_eltwise_op op, bool prelu) {
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
oclnn_status oclnn__onnx_clip(oclnn__onnx_node *c) {
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
oclnn_status oclnn__onnx_value_shape(const oclnn__onnx_node *c, int node, oclnn_shape *s) {
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
oclnn_status oclnn__onnx_mul(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *a, *b;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &a));
    OCLNN__TRY(oclnn__onnx_input_value(c, 1, &b));
    if (a->kind == OCLNN__ONNX_VALUE_NODE && b->kind == OCLNN__ONNX_VALUE_CONST) return add_affine(c, OCLNN__ONNX_AFFINE_MUL, a, 1, true);
    if (a->kind == OCLNN__ONNX_VALUE_CONST && b->kind == OCLNN__ONNX_VALUE_NODE) return add_affine(c, OCLNN__ONNX_AFFINE_MUL, b, 0, false);
    if (a->kind != OCLNN__ONNX_VALUE_NODE || b->kind != OCLNN__ONNX_VALUE_NODE)
        return oclnn__onnx_refuse("Mul of two constants");
    if (a->rank != b->rank) return oclnn__onnx_refuse("Mul of tensors of ranks %d and %d", a->rank, b->rank);
    oclnn_shape sa, sb;
    OCLNN__TRY(oclnn__onnx_value_shape(c, a->node, &sa));
    OCLNN__TRY(oclnn__onnx_value_shape(c, b->node, &sb));
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

#endif
