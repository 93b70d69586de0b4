/* SPDX-License-Identifier: MIT */
/* The AVX2 + FMA GEMM microkernel: 6 x 16 (12 of the 16 ymm registers accumulate). This file is
 * compiled with -mavx2 -mfma (CMakeLists.txt) and called only when cpu/isa.c found both. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/gemm.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#define NV 2
#define VL 8
#define VEC __m256
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VADD(a, b) _mm256_add_ps((a), (b))
#define VMAX(a, b) _mm256_max_ps((a), (b))
#define UKR_NAME oclnn__gemm_ukernel_avx2
#define UKR_SEG_NAME oclnn__gemm_ukernel_avx2_seg
#define MR 6
#include "cpu/gemm_ukernel.inc"
#undef UKR_NAME
#undef UKR_SEG_NAME
#undef MR
#define UKR_NAME oclnn__gemm_ukernel_avx2_3
#define MR 3
#include "cpu/gemm_ukernel.inc"
#undef UKR_NAME
#undef MR
#undef NV
#define NV 1
#define BSTRIDE 16
#define UKR_NAME oclnn__gemm_ukernel_avx2_half
#define MR 6
#include "cpu/gemm_ukernel.inc"
#else
typedef int oclnn__gemm_avx2_absent; /* not an empty translation unit */
#endif
