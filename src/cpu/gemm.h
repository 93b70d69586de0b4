/* SPDX-License-Identifier: MIT */
/* The C backend's own single-threaded GEMM: C = A * B with B prepacked once (a convolution's
 * weights, at create) into panels of NR columns, and A read in place, MR rows at a time (the
 * design of MLAS's and XNNPACK's f32 GEMMs). One microkernel per instruction set, sized to its
 * register file (cpu/isa.h picks one per process):
 *   avx512: 12 x 32 tile, 24 zmm accumulators (of 32)    cpu/gemm_avx512.c
 *   avx2:    6 x 16 tile, 12 ymm accumulators (of 16)    cpu/gemm_avx2.c
 *   scalar:  4 x 8 tile, plain C the compiler vectorizes cpu/gemm.c
 * The vector ones also come in 3, 6 and 9 rows, for the last rows of A (49 = 4 x 12 + 1 rows take
 * four 12-row tiles and a 3-row one, not five 12-row tiles), and in half the width for a last
 * panel of NR / 2 columns or fewer (80 output channels: two panels and a half one).
 * The depth is walked in blocks of OCLNN__GEMM_KC so that one panel block stays in L1 while MR
 * rows of A stream past it. Callers thread over tiles of C. The vector kernels also come as
 * `seg`, reading A in place from a channels-last image (a convolution's im2col never written:
 * oclnn__gemm_aview). */
#ifndef OCLNN_CPU_GEMM_H
#define OCLNN_CPU_GEMM_H

#include <stdbool.h>
#include <stddef.h>

#include "cpu/isa.h"

#define OCLNN__GEMM_KC 256

/* A read prefetch into all cache levels, a hint only (the GEMM driver's and the gathers' A). */
#if defined(__GNUC__)
#define OCLNN__PREFETCH(p) __builtin_prefetch((p), 0, 3)
#else
#define OCLNN__PREFETCH(p) ((void)(p))
#endif

/* A convolution's epilogue, applied as C is stored: c = act(c + bias[j] + res[i * ldr + j]);
 * bias and res may be NULL. bias points at C's column 0, res at C's element (0, 0). */
typedef struct oclnn__gemm_epi {
    const float *bias, *res;
    size_t ldr;
    bool relu;
} oclnn__gemm_epi;

/* c[r][j] (+)= sum_p a[r * lda + p] * b[p * NR + j] for r < mr, j < nc, p < kc; mr <= MR rows are
 * stored; rows past mr are not read when mr == MR, else a holds MR rows (the caller pads). acc
 * adds to c, else c is overwritten; then epi (NULL: none) is applied to the stored values. pf:
 * OCLNN__GEMM_PF_* flags, hints only: C and the residual are a tensor that may be outside the
 * caches (prefetch the rows stored), A too (prefetch it ahead, and the next MR rows). */
enum { OCLNN__GEMM_PF_C = 1, OCLNN__GEMM_PF_A = 2 };
typedef void (*oclnn__gemm_ukernel)(size_t mr, size_t nc, size_t kc, const float *a, size_t lda,
                                    const float *b, float *c, size_t ldc, bool acc,
                                    const oclnn__gemm_epi *epi, unsigned pf);

/* An A read in place from a convolution's src instead of gathered into a block: element (i, p)
 * at a + i * lda + (p / seglen) * segstride + p % seglen (its depth in segments of seglen
 * contiguous floats: one kernel row's taps and channels of a channels-last image). */
typedef struct oclnn__gemm_aview {
    const float *a;
    size_t lda, seglen, segstride;
} oclnn__gemm_aview;

/* The microkernel on depth p0 .. p0 + kc - 1 of such an A: it reads all MR rows of the view
 * (they must exist) and stores the first mr; B, C and the rest as oclnn__gemm_ukernel. */
typedef void (*oclnn__gemm_ukernel_seg)(size_t mr, size_t nc, const oclnn__gemm_aview *view,
                                        size_t p0, size_t kc, const float *b, float *c,
                                        size_t ldc, bool acc, const oclnn__gemm_epi *epi,
                                        unsigned pf);

typedef struct oclnn__gemm_kernel {
    oclnn__cpu_isa isa;
    unsigned mr, nr;
    oclnn__gemm_ukernel run;
    /* tail[t]: the same with MR = 3 * (t + 1) rows, for the last rows (NULL: use run) */
    oclnn__gemm_ukernel tail[3];
    /* MR rows of a panel's first NR / 2 columns, for a last panel whose other half is padding
     * (NULL: use run) */
    oclnn__gemm_ukernel half;
    /* MR rows of A read through an oclnn__gemm_aview (NULL: none; the gather copies) */
    oclnn__gemm_ukernel_seg seg;
} oclnn__gemm_kernel;

/* The microkernel for `isa`; NULL when this build has none for it (not x86-64). */
const oclnn__gemm_kernel *oclnn__cpu_gemm_kernel_for(oclnn__cpu_isa isa);
/* The microkernel for oclnn__cpu_isa_active(). */
const oclnn__gemm_kernel *oclnn__cpu_gemm_kernel(void);

/* Floats in B (k x n) packed for kernel g. The layout: for each depth block of KC rows (the last
 * may be shorter), ceil(n / NR) panels of kc x NR, zero-padded on the right; one depth block of
 * all panels is thus contiguous (the panels of a block never contend for cache sets). */
size_t oclnn__cpu_gemm_packed_size(const oclnn__gemm_kernel *g, size_t k, size_t n);
/* Where B[p][j] goes in that layout. */
static inline size_t oclnn__cpu_gemm_packed_index(const oclnn__gemm_kernel *g, size_t k, size_t n,
                                                  size_t p, size_t j) {
    const size_t nr = g->nr, npad = (n + nr - 1) / nr * nr, p0 = p / OCLNN__GEMM_KC * OCLNN__GEMM_KC;
    const size_t kc = k - p0 < OCLNN__GEMM_KC ? k - p0 : OCLNN__GEMM_KC;
    return p0 * npad + j / nr * kc * nr + (p - p0) * nr + j % nr;
}
/* Packs row-major B (k x n, row stride ldb) into `packed` (oclnn__cpu_gemm_packed_size floats). */
void oclnn__cpu_gemm_pack_b(const oclnn__gemm_kernel *g, size_t k, size_t n, const float *b,
                            size_t ldb, float *packed);
/* C[m x (n1 - n0)] = A[m x k] * B[:, n0:n1] with B (k x n) packed; n0 is a multiple of NR, c points at
 * C's column n0 (row stride ldc), a at A (row stride lda). Single-threaded. */
void oclnn__cpu_gemm_packed(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1, size_t k,
                            size_t n, const float *a, size_t lda, const float *packed, float *c,
                            size_t ldc);
/* The same with A's element (i, p) at a[i * a_rs + p * a_cs] (a transposed A: a_rs = 1). */
void oclnn__cpu_gemm_packed_strided(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1,
                                    size_t k, size_t n, const float *a, size_t a_rs, size_t a_cs,
                                    const float *packed, float *c, size_t ldc);
/* Writes rows i .. i + rows - 1, depth p0 .. p0 + kc - 1 of an A that is never stored whole (a
 * convolution's im2col) into block (row stride kc) and returns false; or, when view is not NULL
 * and the rows can be read in place (oclnn__gemm_aview), fills view instead and returns true.
 * With block NULL, prefetches what those rows would read (a hint: the driver asks for the next
 * block's rows while the current one runs). */
typedef bool (*oclnn__gemm_gather)(void *ctx, size_t i, size_t rows, size_t p0, size_t kc,
                                   float *block, oclnn__gemm_aview *view);
/* oclnn__cpu_gemm_packed_epi with A's row blocks made by gather(ctx, ...). */
void oclnn__cpu_gemm_packed_gather(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1,
                                   size_t k, size_t n, oclnn__gemm_gather gather, void *ctx,
                                   const float *packed, float *c, size_t ldc,
                                   const oclnn__gemm_epi *epi);
/* oclnn__cpu_gemm_packed followed by epi (NULL: none) on C[m x (n1 - n0)], fused into the
 * microkernel's stores of the last depth block (epi's bias and res point at column n0). For C and
 * A that are tensors larger than the caches (a convolution's dst and src): the microkernels
 * prefetch C, the residual and the A they read in place (1x1 256->64 56x56 batch 8: 0.8x time;
 * in Winograd's products, whose A and C are blocks just written, the same cost 1.02-1.15x).
 * An A the driver copies (rows a multiple of 2 KiB apart) or gathers is prefetched a row block
 * ahead, a slice per panel (ResNeXt-50 batch 8, whose 1x1 layers read 512-2048 channels: 1x1
 * layers 0.98x time, best of 10 interleaved rounds; batch 1 unchanged). The gathered entry
 * prefetches the same way; the others nothing. */
void oclnn__cpu_gemm_packed_epi(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1,
                                size_t k, size_t n, const float *a, size_t lda, const float *packed,
                                float *c, size_t ldc, const oclnn__gemm_epi *epi);

#endif
