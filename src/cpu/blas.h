/* SPDX-License-Identifier: MIT */
/* Single-precision GEMM for the C backend: a BLAS loaded at run time with dlopen (so the library
 * neither links one nor needs its headers), with a plain C fallback when none is installed. */
#ifndef OCLNN_CPU_BLAS_H
#define OCLNN_CPU_BLAS_H

#include <stdbool.h>
#include <stddef.h>

/* C = A * op(B) + beta * C, row-major: A is m x k (lda), C is m x n (ldc); B is k x n (ldb), or
 * with trans_b n x k (op(B) = B^T). The BLAS threads on its own; inside an OpenMP parallel region
 * only when oclnn__cpu_blas_nests(). */
void oclnn__cpu_sgemm(bool trans_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                      const float *b, size_t ldb, float beta, float *c, size_t ldc);

/* True when the BLAS may be called from inside an OpenMP parallel region, each call then running
 * single-threaded (OpenBLAS's OpenMP build, or the builtin loop nest): many small GEMMs are then
 * faster spread over threads than each one threaded. */
bool oclnn__cpu_blas_nests(void);

/* The BLAS in use: its library file name, or "builtin" for the C fallback. */
const char *oclnn__cpu_blas_name(void);

#endif
