/* SPDX-License-Identifier: MIT */
/* Op-side helpers of the 3-D family (issue 19). */
#ifndef OCLNN_OPS_ND_H
#define OCLNN_OPS_ND_H

#include "ops/layers.h"

/* Checks a descriptor's 5-D input shape (desc->input): no zero dimension, d * h within 32 bits,
 * and the folded (n, c, d*h, w) shape within the 4-D limits. */
oclnn_status oclnn__check_input3d(oclnn_shape3d in);

/* Checks a 5-D tensor given to a run: live, in op's context, stored as `want` folded, and of
 * depth want.d (a 4-D tensor counts as depth 1). */
oclnn_status oclnn__check_run_tensor3d(const oclnn_op *op, const oclnn_tensor *t, const char *name,
                                       oclnn_shape3d want);

#endif
