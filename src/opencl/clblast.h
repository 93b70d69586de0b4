/* SPDX-License-Identifier: MIT */
/* CLBlast's SGEMM, loaded with dlopen like OpenCL itself: oclnn builds and runs without it, and
 * the im2col-clblast algorithm reports OCLNN_ERROR_UNSUPPORTED when libclblast.so.1 is absent. */
#ifndef OCLNN_OPENCL_CLBLAST_H
#define OCLNN_OPENCL_CLBLAST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "opencl/clapi.h"

/* True when the library and its CLBlastSgemm were found (tried once per process; the file name
 * can be overridden with OCLNN_CLBLAST_LIBRARY). */
bool oclnn__clblast_available(void);

/* Row-major C = A * B (no transposes) on `queue`; the message names CLBlast's status code. */
oclnn_status oclnn__clblast_sgemm(cl_command_queue queue, size_t m, size_t n, size_t k, cl_mem a,
                                  size_t a_off, size_t lda, cl_mem b, size_t b_off, size_t ldb,
                                  cl_mem c, size_t c_off, size_t ldc);

#endif
