/* SPDX-License-Identifier: MIT */
/* The AVX-512F GEMM microkernel: 12 x 32 (24 of the 32 zmm registers accumulate, 2 hold B, the
 * broadcasts fold into the FMAs). This file is compiled with -mavx512f -mavx2 -mfma
 * (CMakeLists.txt) and called only when cpu/isa.c found AVX-512F with the OS saving zmm state. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/gemm.h"

#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>

#define NV 2
#define VL 16
#define VEC __m512
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VADD(a, b) _mm512_add_ps((a), (b))
#define VMAX(a, b) _mm512_max_ps((a), (b))
#define UKR_NAME oclnn__gemm_ukernel_avx512
#define UKR_SEG_NAME oclnn__gemm_ukernel_avx512_seg
#define MR 12
#include "cpu/gemm_ukernel.inc"
#undef UKR_NAME
#undef UKR_SEG_NAME
#undef MR
#define UKR_NAME oclnn__gemm_ukernel_avx512_3
#define MR 3
#include "cpu/gemm_ukernel.inc"
#undef UKR_NAME
#undef MR
#define UKR_NAME oclnn__gemm_ukernel_avx512_6
#define MR 6
#include "cpu/gemm_ukernel.inc"
#undef UKR_NAME
#undef MR
#define UKR_NAME oclnn__gemm_ukernel_avx512_9
#define MR 9
#include "cpu/gemm_ukernel.inc"
#undef UKR_NAME
#undef MR
#undef NV
#define NV 1
#define BSTRIDE 32
#define UKR_NAME oclnn__gemm_ukernel_avx512_half
#define MR 12
#include "cpu/gemm_ukernel.inc"
#else
typedef int oclnn__gemm_avx512_absent; /* not an empty translation unit */
#endif
