/* SPDX-License-Identifier: MIT */
/* The step makers of the graph's 3-D nodes (issue 19): a CONV3D absorbs what a 2-D convolution
 * does (the batch norm that is its only reader folded into weights and bias, then an add as the
 * fused residual, then a ReLU: src/graph/fuse.c's rule); pooling nodes become oclnn_pool3d ops.
 * Their values are 5-D tensors (net.c gives each value tensor its depth). */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/context.h"
#include "core/status.h"
#include "graph/fuse.h"
#include "graph/net.h"
#include "graph/net_compile.h"

static oclnn_status make_conv3d(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape3d in) {
    const oclnn_allocator *al = c->net->ctx->allocator;
    const oclnn__node *n = &c->g->nodes[i];
    const oclnn__param *wp = oclnn__node_param(n, "weight");
    uint32_t k = n->desc.channels;
    oclnn__conv_fused fu;
    oclnn__fuse_conv(&c->fuse, i, &fu);
    oclnn_conv3d_desc cd = oclnn__node_conv3d_desc(n, in);
    cd.has_bias = n->desc.bias || fu.bn >= 0;
    cd.fuse_residual = fu.add >= 0;
    if (fu.relu >= 0) cd.activation = OCLNN_ACTIVATION_RELU;
    s->kind = OCLNN__STEP_CONV3D;
    strcpy(s->label, "conv3d");
    float *w = NULL, *b = NULL;
    oclnn_status st = oclnn__net_conv_params(c, i, &fu, s, &w, &b);
    if (st == OCLNN_OK) st = oclnn_conv3d_create(c->net->ctx, &cd, w, cd.has_bias ? b : NULL, &s->op);
    oclnn__free(al, w);
    oclnn__free(al, b);
    if (st != OCLNN_OK) return st;
    c->weight_floats += wp->count + (cd.has_bias ? k : 0);
    oclnn_shape o = c->shapes[i];
    s->flops = 2.0 * o.n * o.c * o.h * o.w * (double)(wp->count / k); /* h holds d * h: every output point */
    return OCLNN_OK;
}

oclnn_status oclnn__net_make_step_nd(oclnn__compiler *c, int i, oclnn__step *s) {
    const oclnn__node *n = &c->g->nodes[i];
    int src = n->inputs[0];
    oclnn_shape3d in = oclnn__unfold3d(c->shapes[src], c->depths[src]);
    if (n->desc.op == OCLNN_NODE_CONV3D) return make_conv3d(c, i, s, in);
    s->kind = OCLNN__STEP_POOL3D;
    oclnn_pool3d_desc pd = oclnn__node_pool3d_desc(n, in);
    return oclnn_pool3d_create(c->net->ctx, &pd, &s->op);
}
