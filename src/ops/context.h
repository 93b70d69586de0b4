/* SPDX-License-Identifier: MIT */
/* The step every public context creation ends with (context.c, context_cl.c). */
#ifndef OCLNN_OPS_CONTEXT_H
#define OCLNN_OPS_CONTEXT_H

#include "core/context.h"

/* Attaches the layers above core (the tuning state) to a new core context and sets *out; frees
 * the context on failure. */
oclnn_status oclnn__context_attach(oclnn_context *ctx, oclnn_context **out);

#endif
