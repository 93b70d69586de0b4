/* SPDX-License-Identifier: MIT */
/* Issue 16's LRN and BINARY graph nodes (ONNX's LRN; Sub, Div and broadcasting Add/Mul of two
 * tensors): their checks at oclnn_graph_add, BINARY's output shape, and the operator
 * descriptors the graph compiler (net_steps.c) and oclnn_net_reshape build from them. */
#include <math.h>
#include <stdio.h>

#include "core/status.h"
#include "graph/graph.h"
#include "graph/net_compile.h"

oclnn_status oclnn__make_lrn_node(oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    if (!d->lrn_size) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": lrn_size is 0", n->name);
    if (!(d->lrn_alpha >= 0.0f) || !isfinite(d->lrn_alpha) || !(d->lrn_beta >= 0.0f) || !isfinite(d->lrn_beta) ||
        !(d->lrn_bias > 0.0f) || !isfinite(d->lrn_bias))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": lrn_alpha %g, lrn_beta %g, lrn_bias %g (alpha and beta finite and >= 0, "
                           "bias finite and > 0)", n->name, (double)d->lrn_alpha, (double)d->lrn_beta,
                           (double)d->lrn_bias);
    n->out_channels = c;
    return OCLNN_OK;
}

oclnn_status oclnn__make_binary_node(const oclnn_graph *g, oclnn__node *n, uint32_t c) {
    const oclnn_node_desc *d = &n->desc;
    oclnn_eltwise_op op = d->eltwise;
    if (op != OCLNN_ELTWISE_ADD && op != OCLNN_ELTWISE_SUB && op != OCLNN_ELTWISE_MUL && op != OCLNN_ELTWISE_DIV)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": eltwise (%d) is not ADD, SUB, MUL or DIV",
                           n->name, (int)op);
    uint32_t c2 = g->nodes[n->inputs[1]].out_channels;
    if (c != c2)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "node \"%s\": inputs have %u and %u channels", n->name, c, c2);
    n->out_channels = c;
    return OCLNN_OK;
}

oclnn_status oclnn__binary_shape(const oclnn_graph *g, const oclnn__node *n, const oclnn_shape *shapes,
                                 oclnn_shape *o) {
    oclnn_shape a = shapes[n->inputs[0]], b = shapes[n->inputs[1]];
    bool same = a.h == b.h && a.w == b.w, a1 = a.h == 1 && a.w == 1, b1 = b.h == 1 && b.w == 1;
    if (a.n != b.n || a.c != b.c || !(same || a1 || b1))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "node \"%s\": binary op on n%uc%uh%uw%u (\"%s\") and n%uc%uh%uw%u (\"%s\"): the inputs "
                           "must have one shape, or one of them be (n, c, 1, 1)",
                           n->name, a.n, a.c, a.h, a.w, g->nodes[n->inputs[0]].name, b.n, b.c, b.h, b.w,
                           g->nodes[n->inputs[1]].name);
    *o = a1 ? b : a;
    return OCLNN_OK;
}

oclnn_lrn_desc oclnn__net_lrn_desc(const oclnn_node_desc *d, oclnn_shape in) {
    oclnn_lrn_desc ld = OCLNN_LRN_DESC_INIT;
    ld.shape = in;
    ld.size = d->lrn_size;
    ld.alpha = d->lrn_alpha;
    ld.beta = d->lrn_beta;
    ld.k = d->lrn_bias;
    return ld;
}

/* The eltwise descriptor of a BINARY node: the op's shape is the output's (the larger input). */
oclnn_eltwise_desc oclnn__net_binary_desc(const oclnn_node_desc *d, oclnn_shape out) {
    oclnn_eltwise_desc ed = OCLNN_ELTWISE_DESC_INIT;
    ed.shape = out;
    ed.op = d->eltwise;
    return ed;
}

oclnn_status oclnn__net_make_lrn_binary(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape in, oclnn_shape o) {
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn_node_desc *d = &n->desc;
    if (d->op == OCLNN_NODE_LRN) {
        s->kind = OCLNN__STEP_LRN;
        oclnn_lrn_desc ld = oclnn__net_lrn_desc(d, in);
        return oclnn_lrn_create(c->net->ctx, &ld, &s->op);
    }
    s->kind = OCLNN__STEP_ELTWISE;
    s->src[1] = n->inputs[1];
    const char *label = d->eltwise == OCLNN_ELTWISE_ADD   ? "add"
                        : d->eltwise == OCLNN_ELTWISE_SUB ? "sub"
                        : d->eltwise == OCLNN_ELTWISE_MUL ? "mul"
                                                          : "div";
    snprintf(s->label, sizeof s->label, "%s", label);
    oclnn_eltwise_desc ed = oclnn__net_binary_desc(d, o);
    return oclnn_eltwise_create(c->net->ctx, &ed, NULL, NULL, &s->op);
}
