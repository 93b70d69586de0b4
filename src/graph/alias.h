/* SPDX-License-Identifier: MIT */
/* Tensors that share one planned device buffer: the compiled net gives each intermediate value a
 * tensor of its own shape over the storage of a (larger) buffer tensor. */
#ifndef OCLNN_GRAPH_ALIAS_H
#define OCLNN_GRAPH_ALIAS_H

#include "oclnn.h"

/* A dense tensor of `shape` in `layout` at the start of `base`'s storage; it keeps the storage
 * alive and is destroyed with oclnn_tensor_destroy. OCLNN_ERROR_INVALID_ARGUMENT if it does not
 * fit in the storage. */
oclnn_status oclnn__tensor_alias(oclnn_tensor *base, oclnn_shape shape, oclnn_layout layout,
                                 oclnn_tensor **out);

#endif
