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

#endif
