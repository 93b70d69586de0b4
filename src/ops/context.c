/* SPDX-License-Identifier: MIT */
/* The public context creation: the core context (options, device, backend start-up in
 * src/core/context.c), then the state of the layers above core attached to it, so core never
 * includes them: the tuning database, whose state also holds oclnn_conv2d_find's results.
 * oclnn_cl_context_create (context_cl.c) attaches the same through oclnn__context_attach. */
#include "ops/context.h"

#include "core/status.h"
#include "tune/tune.h"

oclnn_status oclnn__context_attach(oclnn_context *ctx, oclnn_context **out) {
    oclnn_status st = oclnn__tune_attach(ctx);
    if (st != OCLNN_OK) {
        oclnn__context_free(ctx);
        return st;
    }
    *out = ctx;
    return OCLNN_OK;
}

oclnn_status oclnn_context_create(const oclnn_context_options *options, oclnn_context **out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    oclnn_context *ctx;
    OCLNN__TRY(oclnn__context_create(options, &ctx));
    return oclnn__context_attach(ctx, out);
}
