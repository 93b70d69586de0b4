/* SPDX-License-Identifier: MIT */
/* The graph's memory planner, as pure logic: each value (an intermediate tensor) lives from the
 * step that writes it to the last step that reads it; values whose lifetimes do not overlap share
 * a buffer. Greedy by size (TFLite's "shared objects by size"): values in decreasing size each
 * take the smallest buffer none of whose values overlaps it in time, else open a new buffer. */
#ifndef OCLNN_GRAPH_PLAN_H
#define OCLNN_GRAPH_PLAN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct oclnn__plan_value {
    size_t bytes;
    int first, last; /* steps: written at `first`, last read at `last` (>= first) */
    int buffer;      /* out: the buffer index */
} oclnn__plan_value;

typedef struct oclnn__plan_result {
    size_t buffers;      /* how many buffers */
    size_t total_bytes;  /* sum of the buffers' sizes: what is allocated */
    size_t live_peak;    /* the largest sum of values live at one step: the lower bound */
} oclnn__plan_result;

/* Assigns v[i].buffer for all values and fills buffer_bytes[0..result.buffers) (the caller gives
 * room for n entries). Returns false on a value with last < first or sizes that overflow. */
bool oclnn__plan_memory(oclnn__plan_value *v, size_t n, size_t *buffer_bytes,
                        oclnn__plan_result *result);

#endif
