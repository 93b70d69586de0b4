/* SPDX-License-Identifier: MIT */
#ifndef OCLNN_OPENCL_SOURCE_H
#define OCLNN_OPENCL_SOURCE_H

#include <stddef.h>

#include "oclnn.h"

/* The fully resolved text of kernel file `path` (malloc'd; includes inlined, #line markers). */
oclnn_status oclnn__cl_resolve_source(const char *kernel_dir, const char *path, char **text,
                                      size_t *size);

#endif
