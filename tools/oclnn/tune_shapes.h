/* SPDX-License-Identifier: MIT */
/* Built-in network shape lists for `oclnn tune` (until networks exist as objects): each unique
 * convolution of the network with how many times it occurs, so per-network totals weigh layers
 * by their count. */
#ifndef OCLNN_TOOL_TUNE_SHAPES_H
#define OCLNN_TOOL_TUNE_SHAPES_H

#include "oclnn.h"

typedef struct tune_shape {
    const char *name; /* the layer, e.g. "res2a_branch2b" */
    uint32_t n, c, h, w, k, r, s, stride, pad;
    uint32_t count; /* occurrences in the network */
} tune_shape;

typedef struct tune_net {
    const char *name;
    const tune_shape *shapes;
    size_t count;
} tune_net;

/* The built-in networks; NULL name lookups return NULL. */
const tune_net *tune_net_find(const char *name);
const tune_net *tune_nets(size_t *count);

/* The descriptor of a shape (explicit symmetric padding, groups 1, bias). */
oclnn_conv2d_desc tune_shape_desc(const tune_shape *s);

#endif
