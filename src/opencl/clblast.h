/* SPDX-License-Identifier: MIT */
/* CLBlast's SGEMM, loaded with dlopen() on first use like OpenCL itself: liboclnn never links it,
 * builds and runs without it, and the algorithms that need it (conv "im2col-clblast", FC on GPUs)
 * report OCLNN_ERROR_UNSUPPORTED or fall back when it is absent. It shares the process's OpenCL
 * ICD loader (both open libOpenCL.so.1), so oclnn's cl_mem and queues are valid for it. */
#ifndef OCLNN_OPENCL_CLBLAST_H
#define OCLNN_OPENCL_CLBLAST_H

#include <stdbool.h>
#include <stddef.h>

#include "opencl/clapi.h"

/* True when libclblast.so.1 (or OCLNN_CLBLAST_LIBRARY) loads and has CLBlastSgemm; tried once
 * per process. */
bool oclnn__clblast_available(void);

/* Row-major C (m x n) = A (m x k) * op(B), where op(B) = B (k x n, leading dimension ldb) or,
 * with b_transposed, B^T for B stored n x k. Offsets are in elements. Enqueued on `queue`;
 * `event` (or NULL) receives the launch's event (kernel timing).
 * Returns CLBlast's status: 0 on success, -1 when CLBlast is missing. Sets no error message, so
 * callers can fall back or report it as they see fit. */
int oclnn__clblast_sgemm(cl_command_queue queue, bool b_transposed, size_t m, size_t n, size_t k,
                         cl_mem a, size_t a_off, size_t lda, cl_mem b, size_t b_off, size_t ldb,
                         cl_mem c, size_t c_off, size_t ldc, cl_event *event);

#endif
