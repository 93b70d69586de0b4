/* SPDX-License-Identifier: MIT */
/* The fusion rule of the network compiler and the node -> convolution descriptor helper, shared
 * by src/graph/net.c and the tools (`oclnn bench net --find` times exactly the descriptors the
 * compiled network creates). A convolution absorbs the batch norm that is its only reader, then
 * an add that is its only reader (the other operand becomes the fused residual), then a ReLU. */
#ifndef OCLNN_GRAPH_FUSE_H
#define OCLNN_GRAPH_FUSE_H

#include "graph/graph.h"

/* Who reads what: per node the number of readers and the last reader (-1: the caller reads the
 * network's output), and which nodes a fused step has absorbed. Arrays of g->count entries. */
typedef struct oclnn__fuse {
    const oclnn_graph *g;
    int *uses, *consumer;
    bool *absorbed;
} oclnn__fuse;

/* Fills uses and consumer from g and clears absorbed. */
void oclnn__fuse_init(oclnn__fuse *f, const oclnn_graph *g, int *uses, int *consumer, bool *absorbed);

/* True when node i's only reader is a not yet absorbed node of kind op. */
bool oclnn__fuse_sole_consumer(const oclnn__fuse *f, int i, oclnn_node_op op);

/* What conv node i absorbs (-1: nothing of that kind) and the node whose value it writes. */
typedef struct oclnn__conv_fused {
    int bn, add, relu, last;
} oclnn__conv_fused;

/* Applies the rule to conv node i (in node order, as the compiler does), marking what it absorbs. */
void oclnn__fuse_conv(oclnn__fuse *f, int i, oclnn__conv_fused *out);

/* The descriptor of conv node n for an input of shape `in` with the fusion `fu`: explicit padding,
 * has_bias when the node has a bias or a batch norm is folded in, fuse_residual for an absorbed
 * add, ReLU for an absorbed ReLU. */
oclnn_conv2d_desc oclnn__node_conv_desc(const oclnn__node *n, oclnn_shape in, const oclnn__conv_fused *fu);

/* The descriptors the compiled network would create for each conv node of g at `input`
 * (descs[i].out_channels is 0 for other nodes); descs has g's node count entries. Fails like
 * oclnn_graph_infer_shapes, or when out of memory. */
oclnn_status oclnn__graph_conv_descs(const oclnn_graph *g, oclnn_shape input, oclnn_conv2d_desc *descs);

#endif
