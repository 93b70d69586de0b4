/* SPDX-License-Identifier: MIT */
/* The network compiler's fusion rule for convolutions and the node -> descriptor helper (see
 * fuse.h). src/ref/ref_net.c keeps its own descriptor code on purpose: the reference executor
 * runs the graph unfused and must not share the code it checks. */
#include "graph/fuse.h"

#include <stdlib.h>
#include <string.h>

#include "core/status.h"

void oclnn__fuse_init(oclnn__fuse *f, const oclnn_graph *g, int *uses, int *consumer, bool *absorbed) {
    size_t n = g->count;
    *f = (oclnn__fuse){g, uses, consumer, absorbed};
    memset(uses, 0, n * sizeof *uses);
    memset(absorbed, 0, n * sizeof *absorbed);
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; k < g->nodes[j].input_count; k++) {
            uses[g->nodes[j].inputs[k]]++;
            consumer[g->nodes[j].inputs[k]] = (int)j;
        }
    uses[n - 1]++; /* the output is read by the caller */
    consumer[n - 1] = -1;
}

bool oclnn__fuse_sole_consumer(const oclnn__fuse *f, int i, oclnn_node_op op) {
    int j = f->consumer[i];
    return f->uses[i] == 1 && j >= 0 && !f->absorbed[j] && f->g->nodes[j].desc.op == op;
}

/* Absorbs node i's sole reader of kind op, if any: its index, else -1. */
static int absorb(oclnn__fuse *f, int *cur, oclnn_node_op op) {
    if (!oclnn__fuse_sole_consumer(f, *cur, op)) return -1;
    int j = f->consumer[*cur];
    f->absorbed[j] = true;
    *cur = j;
    return j;
}

void oclnn__fuse_conv(oclnn__fuse *f, int i, oclnn__conv_fused *out) {
    int cur = i;
    out->bn = absorb(f, &cur, OCLNN_NODE_BATCHNORM);
    out->add = absorb(f, &cur, OCLNN_NODE_ADD);
    out->relu = absorb(f, &cur, OCLNN_NODE_RELU);
    out->last = cur;
}

oclnn_conv2d_desc oclnn__node_conv_desc(const oclnn__node *n, oclnn_shape in, const oclnn__conv_fused *fu) {
    const oclnn_node_desc *d = &n->desc;
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
    cd.has_bias = d->bias || fu->bn >= 0;
    cd.fuse_residual = fu->add >= 0;
    if (fu->relu >= 0) cd.activation = OCLNN_ACTIVATION_RELU;
    return cd;
}

oclnn_status oclnn__graph_conv_descs(const oclnn_graph *g, oclnn_shape input, oclnn_conv2d_desc *descs) {
    size_t n = g->count;
    oclnn_shape *shapes = malloc(n * sizeof *shapes);
    int *uses = malloc(n * sizeof *uses), *consumer = malloc(n * sizeof *consumer);
    bool *absorbed = malloc(n * sizeof *absorbed);
    oclnn_status st = OCLNN_OK;
    if (!shapes || !uses || !consumer || !absorbed)
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the fusion tables");
    if (st == OCLNN_OK) st = oclnn_graph_infer_shapes(g, input, shapes);
    if (st == OCLNN_OK) {
        oclnn__fuse f;
        oclnn__fuse_init(&f, g, uses, consumer, absorbed);
        for (size_t i = 0; i < n; i++) {
            memset(&descs[i], 0, sizeof descs[i]);
            const oclnn__node *nd = &g->nodes[i];
            if (nd->desc.op != OCLNN_NODE_CONV) continue;
            oclnn__conv_fused fu;
            oclnn__fuse_conv(&f, (int)i, &fu);
            descs[i] = oclnn__node_conv_desc(nd, shapes[nd->inputs[0]], &fu);
        }
    }
    free(shapes);
    free(uses);
    free(consumer);
    free(absorbed);
    return st;
}
