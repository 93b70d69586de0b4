/* SPDX-License-Identifier: MIT */
/* The graph compiler's state, shared by net.c (the passes) and net_steps.c (one step per node). */
#ifndef OCLNN_GRAPH_NET_COMPILE_H
#define OCLNN_GRAPH_NET_COMPILE_H

#include "graph/fuse.h"
#include "graph/net.h"

typedef struct oclnn__compiler {
    oclnn_net *net;
    const oclnn_graph *g;
    const oclnn_shape *shapes;
    uint32_t *depths; /* issue 19: per node, 0 or a 5-D value's depth */
    int *uses, *consumer;
    bool *absorbed;
    oclnn__fuse fuse; /* over uses, consumer, absorbed */
    size_t weight_floats;
    oclnn_progress_fn progress; /* NULL: none */
    void *user;
    const int *keep; /* extra outputs (oclnn__net_create_keep) */
    size_t nkeep;
} oclnn__compiler;

/* Fills step s for node i: the node's op created on the context, absorbing what fusion allows
 * (marked in c->absorbed, with the step moved to the last absorbed node's position). */
oclnn_status oclnn__net_make_step(oclnn__compiler *c, int i, oclnn__step *s);
/* issue 19 (net_steps_nd.c): the step of a 3-D node, or of GLOBAL_MAX_POOL on a 5-D value. */
oclnn_status oclnn__net_make_step_nd(oclnn__compiler *c, int i, oclnn__step *s);
/* net_steps.c: a convolution node's parameters with its fused batch norm, residual and ReLU
 * applied to *w, *b and the step (the caller frees *w and *b, also on failure). */
struct oclnn__conv_fused;
oclnn_status oclnn__net_conv_params(oclnn__compiler *c, int i, const struct oclnn__conv_fused *fu, oclnn__step *s,
                                    float **w, float **b);

/* Plans the intermediate buffers of net->values (shapes, lifetimes and views set) and creates
 * every value's tensor, filling net->buffers and net->mem's activations and io (net.c). */
oclnn_status oclnn__net_make_tensors(oclnn_net *net, const oclnn_graph *g);
/* Destroys the values' tensors and the buffers (net.c). */
void oclnn__net_free_tensors(oclnn_net *net);
/* Keeps in net->skeleton a copy of g's nodes and parameter shapes, without the parameters'
 * data: what oclnn_net_reshape needs to infer shapes and descriptors (net_reshape.c). */
oclnn_status oclnn__net_keep_skeleton(oclnn_net *net, const oclnn_graph *g);
/* net.c: OCLNN_ERROR_UNSUPPORTED, naming the input node, when g (an ONNX model) declares an input
 * height and width other than h x w: its shapes and SAME pads were folded for that size. Used by
 * oclnn_net_create and oclnn_net_reshape. */
oclnn_status oclnn__net_check_size(const oclnn_graph *g, uint32_t h, uint32_t w);
/* Descriptors of the weightless steps, from their node and shapes (net_steps.c). */
oclnn_pool2d_desc oclnn__net_pool_desc(const oclnn_node_desc *d, oclnn_shape in, oclnn_shape o);
oclnn_resize_desc oclnn__net_resize_desc(const oclnn_node_desc *d, oclnn_shape in);
oclnn_channel_shuffle_desc oclnn__net_shuffle_desc(const oclnn_node_desc *d, oclnn_shape in);
/* issue 16 (node_lrn_binary.c): LRN's, and BINARY's for its output shape `out` */
oclnn_lrn_desc oclnn__net_lrn_desc(const oclnn_node_desc *d, oclnn_shape in);
oclnn_eltwise_desc oclnn__net_binary_desc(const oclnn_node_desc *d, oclnn_shape out);
/* issue 16: step s for an LRN or BINARY node i, input shape `in`, output shape `o` */
oclnn_status oclnn__net_make_lrn_binary(oclnn__compiler *c, int i, oclnn__step *s, oclnn_shape in, oclnn_shape o);

#endif
