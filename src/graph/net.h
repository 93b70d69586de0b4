/* SPDX-License-Identifier: MIT */
/* The compiled network: steps (one op each, a fused group of nodes), the value of each node
 * (which tensor holds it), and the planned buffers. */
#ifndef OCLNN_GRAPH_NET_H
#define OCLNN_GRAPH_NET_H

#include "graph/graph.h"

#define OCLNN__MAGIC_NET 0x6f4e6574u /* "oNet" */

typedef enum oclnn__step_kind {
    OCLNN__STEP_CONV,
    OCLNN__STEP_BATCHNORM,
    OCLNN__STEP_ELTWISE, /* relu, add, add+relu, activations, mul; binary (issue 16) */
    OCLNN__STEP_POOL,
    OCLNN__STEP_CONCAT, /* copies the inputs that are not already views of the output */
    OCLNN__STEP_FC,
    OCLNN__STEP_SOFTMAX,
    OCLNN__STEP_DECONV, /* issue 18; deconv + relu */
    OCLNN__STEP_RESIZE,
    OCLNN__STEP_CHANNEL_SHUFFLE, /* issue 16 */
    OCLNN__STEP_CONV3D,          /* issue 19; conv3d + bn + add + relu */
    OCLNN__STEP_POOL3D,
    OCLNN__STEP_LRN              /* issue 16 */
} oclnn__step_kind;

typedef struct oclnn__step {
    oclnn__step_kind kind;
    oclnn_op *op;
    int node;      /* the main node (its name names the layer) */
    int position;  /* the last node the step absorbs: it runs in that order */
    int src[2];    /* values read (src[1]: residual or second operand), -1 if none */
    int *srcs;     /* concat: all inputs' values */
    size_t nsrcs;
    int dst;       /* value written */
    char label[48];
    double flops, ms;
} oclnn__step;

typedef struct oclnn__value {
    oclnn_shape shape;
    int view_of;       /* value whose channel slice this is, or -1 */
    uint32_t c_offset; /* in view_of */
    int first, last;   /* step positions (on the root) */
    int uses;
    int buffer;        /* planned buffer, -1 for dedicated (input, output) or views */
    oclnn_tensor *t;
    uint32_t depth;    /* issue 19: a 5-D value's depth (its shape holds d * h in h); 0 for 4-D */
} oclnn__value;

struct oclnn_net {
    uint32_t magic;
    oclnn_context *ctx;
    oclnn_layout layout;
    size_t node_count;
    char (*names)[OCLNN__NAME_MAX]; /* node names, for layer info */
    int *rep;                       /* node -> value (the node whose tensor holds its result) */
    oclnn__value *values;           /* indexed by node; only rep nodes are used */
    oclnn__step *steps;
    size_t step_count;
    oclnn_tensor **buffers;
    size_t buffer_count;
    int input, output; /* values */
    oclnn_net_memory_info mem;
    bool *kept; /* by value: extra outputs (oclnn__net_create_keep), with dedicated tensors */
    oclnn_graph *skeleton; /* the graph without parameter data, for oclnn_net_reshape */
};

/* Detection (src/graph/detector.c): as oclnn_net_create, and the values of the nodes keep[0..nkeep)
 * stay readable after a run (their own tensors, never shared or fused away; a kept node a fusion
 * would absorb is refused). oclnn__net_value gives node `node`'s tensor (NULL if not kept). */
oclnn_status oclnn__net_create_keep(oclnn_context *ctx, const oclnn_graph *g, oclnn_shape input, const int *keep,
                                    size_t nkeep, oclnn_net **out);
oclnn_tensor *oclnn__net_value(oclnn_net *net, int node);

#endif
