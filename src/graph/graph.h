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
    uint64_t dims[4];
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

/* issue 16 (node_lrn_binary.c): the LRN and BINARY nodes' checks at oclnn_graph_add (setting
 * out_channels) and BINARY's output shape (the larger input's). */
oclnn_status oclnn__make_lrn_node(oclnn__node *n, uint32_t c);
oclnn_status oclnn__make_binary_node(const oclnn_graph *g, oclnn__node *n, uint32_t c);
oclnn_status oclnn__binary_shape(const oclnn_graph *g, const oclnn__node *n, const oclnn_shape *shapes,
                                 oclnn_shape *o);

#endif
