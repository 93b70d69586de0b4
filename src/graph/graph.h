/* SPDX-License-Identifier: MIT */
/* The host-side graph: nodes in insertion (topological) order, each with its parameters. */
#ifndef OCLNN_GRAPH_GRAPH_H
#define OCLNN_GRAPH_GRAPH_H

#include "oclnn.h"

#define OCLNN__MAGIC_GRAPH 0x6f477270u /* "oGrp" */
#define OCLNN__NAME_MAX 128
#define OCLNN__NODE_MAX_PARAMS 4

typedef enum oclnn__param_role {
    OCLNN__PARAM_CONV_WEIGHT,
    OCLNN__PARAM_FAN_IN_BIAS, /* conv/fc bias and fc weight: +-1/sqrt(fan_in) */
    OCLNN__PARAM_BN_SCALE,    /* bn weight, running_var: [0.5, 1.5) */
    OCLNN__PARAM_BN_SHIFT     /* bn bias, running_mean: [-0.1, 0.1) */
} oclnn__param_role;

typedef struct oclnn__param {
    char name[OCLNN__NAME_MAX + 16];
    oclnn__param_role role;
    uint32_t ndim;
    uint64_t dims[5]; /* 5: a conv3d weight (issue 19) */
    size_t count;
    size_t fan_in;
    float *data;
} oclnn__param;

typedef struct oclnn__node {
    char name[OCLNN__NAME_MAX];
    oclnn_node_desc desc;
    int *inputs;
    size_t input_count;
    uint32_t out_channels;
    oclnn__param params[OCLNN__NODE_MAX_PARAMS]; /* conv: weight, bias; bn: weight, bias, mean, var */
    size_t param_count;
} oclnn__node;

struct oclnn_graph {
    uint32_t magic;
    oclnn__node *nodes;
    size_t count, cap;
    /* issue 16: an ONNX model's declared input height and width, 0 where symbolic. The loader
     * folds shape arithmetic and SAME pads for a declared size, so oclnn_net_reshape keeps it. */
    uint32_t fixed_h, fixed_w;
};

oclnn_status oclnn__graph_check(const oclnn_graph *g, const char *arg_name);
/* The parameter of node `n` called `suffix` ("weight"), or NULL. */
const oclnn__param *oclnn__node_param(const oclnn__node *n, const char *suffix);

/* Adds parameter "<node>.<suffix>" (zeroed) of dims[0..ndim) to n (graph.c). */
oclnn_status oclnn__node_add_param(oclnn__node *n, const char *suffix, oclnn__param_role role, uint32_t ndim,
                                   const uint64_t *dims, size_t fan_in);

/* ---- 3-D nodes (issue 19, graph_nd.c) ---- */
/* A 5-D value is the 4-D shape (n, c, d * h, w) with its depth d beside it (0: a 4-D value). */
static inline bool oclnn__node_is_3d(oclnn_node_op op) {
    return op == OCLNN_NODE_CONV3D || op == OCLNN_NODE_MAX_POOL3D || op == OCLNN_NODE_AVG_POOL3D ||
           op == OCLNN_NODE_ADAPTIVE_AVG_POOL3D;
}
oclnn_shape3d oclnn__unfold3d(oclnn_shape s, uint32_t depth);
/* Checks a 3-D node's desc against input channels c and adds its parameters. */
oclnn_status oclnn__graph_make_nd(oclnn__node *n, uint32_t c);
/* The folded output shape and depth of a 3-D node (or GLOBAL_MAX_POOL of a 5-D value) on `in` of
 * depth din; fails naming the node when din is 0 or the op's checks fail. */
oclnn_status oclnn__graph_shape_nd(const oclnn__node *n, oclnn_shape in, uint32_t din, oclnn_shape *o,
                                   uint32_t *dout);
/* The op descriptors of a 3-D node on the 5-D input `in` (conv3d: no fusion; the caller adds it). */
oclnn_conv3d_desc oclnn__node_conv3d_desc(const oclnn__node *n, oclnn_shape3d in);
oclnn_pool3d_desc oclnn__node_pool3d_desc(const oclnn__node *n, oclnn_shape3d in);
/* Shapes and depths of every node (shapes.c): oclnn_graph_infer_shapes plus the depth of each value. */
oclnn_status oclnn__graph_infer_shapes_nd(const oclnn_graph *g, oclnn_shape input, oclnn_shape *shapes,
                                          uint32_t *depths);

/* issue 16 (node_lrn_binary.c): the LRN and BINARY nodes' checks at oclnn_graph_add (setting
 * out_channels) and BINARY's output shape (the larger input's). */
oclnn_status oclnn__make_lrn_node(oclnn__node *n, uint32_t c);
oclnn_status oclnn__make_binary_node(const oclnn_graph *g, oclnn__node *n, uint32_t c);
oclnn_status oclnn__binary_shape(const oclnn_graph *g, const oclnn__node *n, const oclnn_shape *shapes,
                                 oclnn_shape *o);

#endif
