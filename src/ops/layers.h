/* SPDX-License-Identifier: MIT */
/* The layers family's op-side helpers: src/ops/<op>.c validate the user's arguments and keep each
 * operator's parameters in backend tensors (oclnn__param). The backend table is in
 * src/backend/layers.h. */
#ifndef OCLNN_OPS_LAYERS_H
#define OCLNN_OPS_LAYERS_H

#include "backend/layers.h"

/* A tensor owned by an operator (weights, statistics): its storage is the operator's, and it
 * holds no context reference (the operator does). Dense NCHW. */
typedef struct oclnn__param {
    oclnn_tensor t;
    oclnn__storage s;
} oclnn__param;

/* Allocates p with `shape` and, when host is not NULL, writes it (dense NCHW). Call with the
 * context lock held. On failure p is left empty (oclnn__param_fini is still safe). */
oclnn_status oclnn__param_init(oclnn_context *ctx, oclnn__param *p, oclnn_shape shape,
                               const float *host);
/* Releases p's storage (lock held, as in an op's impl_destroy). */
void oclnn__param_fini(oclnn_context *ctx, oclnn__param *p);

/* A view of channels [c0, c0 + c) of t as a value (no allocation, no reference). */
oclnn_tensor oclnn__channel_slice(const oclnn_tensor *t, uint32_t c0, uint32_t c);

/* Checks a tensor given to a run: live, in op's context, with `shape`. */
oclnn_status oclnn__check_run_tensor(const oclnn_op *op, const oclnn_tensor *t, const char *name,
                                     oclnn_shape shape);

#endif
