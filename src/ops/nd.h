/* SPDX-License-Identifier: MIT */
/* Op-side helpers of the 3-D family (issue 19). */
#ifndef OCLNN_OPS_ND_H
#define OCLNN_OPS_ND_H

#include "ops/layers.h"

/* Checks a 5-D tensor given to a run: live, in op's context, stored as `want` folded, and of
 * depth want.d (a 4-D tensor counts as depth 1). */
oclnn_status oclnn__check_run_tensor3d(const oclnn_op *op, const oclnn_tensor *t, const char *name,
                                       oclnn_shape3d want);

#endif
