/* SPDX-License-Identifier: MIT */
/* The reference executor for whole graphs (`oclnn bench net --verify`): every node run unfused by
 * the double-accumulating reference ops, batch norm not folded, concat by copying. */
#ifndef OCLNN_REF_REF_NET_H
#define OCLNN_REF_REF_NET_H

#include "oclnn.h"

/* Runs g on `src` (dense NCHW of `input`) into `dst` (dense NCHW of the output shape). Uses only
 * the public graph API for the structure and parameters. Returns OCLNN_OK, or the status of a
 * failed query (shapes) with oclnn_last_error() set, or OCLNN_ERROR_OUT_OF_MEMORY. */
oclnn_status oclnn__ref_net(oclnn_graph *g, oclnn_shape input, const float *src, float *dst);

#endif
