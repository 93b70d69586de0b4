/* SPDX-License-Identifier: MIT */
/* CLBlast, loaded with dlopen() on first use (liboclnn never links it), for the fully connected
 * layer's GEMM. It shares the process's OpenCL ICD loader with oclnn (both open libOpenCL.so.1). */
#ifndef OCLNN_OPENCL_CLBLAST_H
#define OCLNN_OPENCL_CLBLAST_H

#include "opencl/opencl.h"

/* True when libclblast.so.1 (or OCLNN_CLBLAST_LIBRARY) loads and has CLBlastSgemm. */
bool oclnn__clblast_available(void);

/* Row-major C(m x n) = A(m x k) * B(n x k)^T (beta 0), element offsets and leading dimensions,
 * enqueued on ctx's queue. Returns CLBlast's status (0: success; -1 when CLBlast is missing) and
 * sets no error message: the caller decides whether to fall back. */
int oclnn__clblast_sgemm_abt(oclnn_context *ctx, size_t m, size_t n, size_t k, cl_mem a,
                             size_t a_off, size_t lda, cl_mem b, size_t b_off, size_t ldb, cl_mem c,
                             size_t c_off, size_t ldc);

#endif
