/* SPDX-License-Identifier: MIT */
/* Op-side helpers of the 3-D family (issue 19). */
#ifndef OCLNN_OPS_ND_H
#define OCLNN_OPS_ND_H

#include "backend/nd.h"
#include "ops/layers.h"

/* Checks a descriptor's 5-D input shape (desc->input): no zero dimension, d * h within 32 bits,
 * and the folded (n, c, d*h, w) shape within the 4-D limits. */
oclnn_status oclnn__check_input3d(oclnn_shape3d in);

/* Checks a 5-D tensor given to a run: live, in op's context, stored as `want` folded, and of
 * depth want.d (a 4-D tensor counts as depth 1). */
oclnn_status oclnn__check_run_tensor3d(const oclnn_op *op, const oclnn_tensor *t, const char *name,
                                       oclnn_shape3d want);

/* conv3d's algorithm rules (conv3d_choose.c): NULL when `algo` applies to pb on `backend`, else
 * why not; the algorithm AUTO takes (one that applies); the tunables of `algo` on ctx
 * (implicit-gemm: the GEMM engine's device-class tiles; none for the others),
 * OCLNN_ERROR_UNSUPPORTED when they cannot fit the device. */
const char *oclnn__conv3d_applies(const oclnn__conv3d_problem *pb, oclnn_backend_kind backend,
                                  oclnn_conv_algo algo);
oclnn_conv_algo oclnn__conv3d_choose(const oclnn__conv3d_problem *pb, oclnn_backend_kind backend,
                                     oclnn__devclass devclass);
oclnn_status oclnn__conv3d_tunables(const oclnn_context *ctx, oclnn_conv_algo algo,
                                    oclnn__conv2d_tunables *tun);

#endif
