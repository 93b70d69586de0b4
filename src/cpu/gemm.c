/* SPDX-License-Identifier: MIT */
/* The GEMM driver (see cpu/gemm.h): B packing, the depth blocks, the row blocks and their tail,
 * and the portable microkernel. */
#include "cpu/gemm.h"

#include <string.h>

enum { SCALAR_MR = 4, SCALAR_NR = 8 };

/* epi on row r of a tile (the portable microkernel's stores). */
static void epilogue_row(float *c, size_t nc, const oclnn__gemm_epi *epi, size_t r) {
    for (size_t j = 0; j < nc; j++) {
        float x = c[j];
        if (epi->bias) x += epi->bias[j];
        if (epi->res) x += epi->res[r * epi->ldr + j];
        c[j] = epi->relu && x < 0.0f ? 0.0f : x;
    }
}

#if defined(__GNUC__)
/* Portable: GCC/Clang vector extensions, which every target lowers to its baseline vectors (SSE2
 * on x86-64, NEON on AArch64) or to scalars. */
typedef float v4f __attribute__((vector_size(16)));

static v4f load4(const float *p) {
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void ukernel_scalar(size_t mr, size_t nc, size_t kc, const float *restrict a, size_t lda,
                           const float *restrict b, float *restrict c, size_t ldc, bool acc,
                           const oclnn__gemm_epi *epi, unsigned pf) {
    (void)pf;
    v4f s[SCALAR_MR][2] = {{{0}}};
    for (size_t p = 0; p < kc; p++, b += SCALAR_NR) {
        const v4f b0 = load4(b), b1 = load4(b + 4);
        for (int r = 0; r < SCALAR_MR; r++) {
            const float x = a[(size_t)r * lda + p];
            s[r][0] += x * b0;
            s[r][1] += x * b1;
        }
    }
    for (size_t r = 0; r < mr; r++) {
        float t[SCALAR_NR];
        memcpy(t, s[r], sizeof t);
        for (size_t j = 0; j < nc; j++) c[r * ldc + j] = acc ? c[r * ldc + j] + t[j] : t[j];
        if (epi) epilogue_row(c + r * ldc, nc, epi, r);
    }
}
#else
static void ukernel_scalar(size_t mr, size_t nc, size_t kc, const float *restrict a, size_t lda,
                           const float *restrict b, float *restrict c, size_t ldc, bool acc,
                           const oclnn__gemm_epi *epi, unsigned pf) {
    (void)pf;
    float s[SCALAR_MR][SCALAR_NR] = {{0}};
    for (size_t p = 0; p < kc; p++, b += SCALAR_NR)
        for (int r = 0; r < SCALAR_MR; r++)
            for (int j = 0; j < SCALAR_NR; j++) s[r][j] += a[(size_t)r * lda + p] * b[j];
    for (size_t r = 0; r < mr; r++)
        for (size_t j = 0; j < nc; j++) c[r * ldc + j] = acc ? c[r * ldc + j] + s[r][j] : s[r][j];
    if (epi)
        for (size_t r = 0; r < mr; r++) epilogue_row(c + r * ldc, nc, epi, r);
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define UKERNEL(name)                                                                             \
    void name(size_t mr, size_t nc, size_t kc, const float *a, size_t lda, const float *b, float *c, \
              size_t ldc, bool acc, const oclnn__gemm_epi *epi, unsigned pf)
UKERNEL(oclnn__gemm_ukernel_avx2);
UKERNEL(oclnn__gemm_ukernel_avx2_3);
UKERNEL(oclnn__gemm_ukernel_avx512);
UKERNEL(oclnn__gemm_ukernel_avx512_3);
UKERNEL(oclnn__gemm_ukernel_avx512_6);
UKERNEL(oclnn__gemm_ukernel_avx512_9);
UKERNEL(oclnn__gemm_ukernel_avx512_half);
UKERNEL(oclnn__gemm_ukernel_avx2_half);
#define UKERNEL_SEG(name)                                                                         \
    void name(size_t mr, size_t nc, const oclnn__gemm_aview *view, size_t p0, size_t kc,          \
              const float *b, float *c, size_t ldc, bool acc, const oclnn__gemm_epi *epi,         \
              unsigned pf)
UKERNEL_SEG(oclnn__gemm_ukernel_avx2_seg);
UKERNEL_SEG(oclnn__gemm_ukernel_avx512_seg);
static const oclnn__gemm_kernel avx2 = {OCLNN__ISA_AVX2, 6, 16, oclnn__gemm_ukernel_avx2,
                                        {oclnn__gemm_ukernel_avx2_3, NULL, NULL},
                                        oclnn__gemm_ukernel_avx2_half, oclnn__gemm_ukernel_avx2_seg};
static const oclnn__gemm_kernel avx512 = {
    OCLNN__ISA_AVX512, 12, 32, oclnn__gemm_ukernel_avx512,
    {oclnn__gemm_ukernel_avx512_3, oclnn__gemm_ukernel_avx512_6, oclnn__gemm_ukernel_avx512_9},
    oclnn__gemm_ukernel_avx512_half, oclnn__gemm_ukernel_avx512_seg};
#endif
static const oclnn__gemm_kernel scalar = {OCLNN__ISA_SCALAR, SCALAR_MR, SCALAR_NR, ukernel_scalar,
                                          {NULL, NULL, NULL}, NULL, NULL};

/* The largest MR: the size of the A block the driver copies. */
enum { MAX_MR = 12 };

const oclnn__gemm_kernel *oclnn__cpu_gemm_kernel_for(oclnn__cpu_isa isa) {
    switch (isa) {
#if defined(__x86_64__) && defined(__GNUC__)
    case OCLNN__ISA_AVX512: return &avx512;
    case OCLNN__ISA_AVX2: return &avx2;
#else
    case OCLNN__ISA_AVX512:
    case OCLNN__ISA_AVX2: return NULL;
#endif
    case OCLNN__ISA_SCALAR: return &scalar;
    }
    return NULL;
}

const oclnn__gemm_kernel *oclnn__cpu_gemm_kernel(void) {
    const oclnn__gemm_kernel *g = oclnn__cpu_gemm_kernel_for(oclnn__cpu_isa_active());
    return g ? g : &scalar;
}

size_t oclnn__cpu_gemm_packed_size(const oclnn__gemm_kernel *g, size_t k, size_t n) {
    return (n + g->nr - 1) / g->nr * g->nr * k;
}

void oclnn__cpu_gemm_pack_b(const oclnn__gemm_kernel *g, size_t k, size_t n, const float *b,
                            size_t ldb, float *packed) {
    const size_t nr = g->nr;
    for (size_t p0 = 0; p0 < k; p0 += OCLNN__GEMM_KC) {
        const size_t kc = k - p0 < OCLNN__GEMM_KC ? k - p0 : OCLNN__GEMM_KC;
        for (size_t j0 = 0; j0 < n; j0 += nr) {
            const size_t w = n - j0 < nr ? n - j0 : nr;
            for (size_t p = p0; p < p0 + kc; p++, packed += nr) {
                memcpy(packed, b + p * ldb + j0, w * sizeof *packed);
                memset(packed + w, 0, (nr - w) * sizeof *packed);
            }
        }
    }
}

/* The microkernel for a block of `rows` (<= MR) rows: the smallest that holds them. */
static oclnn__gemm_ukernel kernel_for_rows(const oclnn__gemm_kernel *g, size_t rows, size_t *cap) {
    const size_t t = (rows - 1) / 3;
    if (rows < g->mr && t < 3 && g->tail[t]) {
        *cap = 3 * (t + 1);
        return g->tail[t];
    }
    *cap = g->mr;
    return g->run;
}

/* Prefetches rows i .. i + rows - 1, depth p0 .. p0 + kc - 1 of A (see gemm_driver). */
static void prefetch_rows(const float *a, size_t a_rs, size_t a_cs, oclnn__gemm_gather gather,
                          void *gctx, size_t i, size_t rows, size_t p0, size_t kc) {
    if (gather) {
        gather(gctx, i, rows, p0, kc, NULL, NULL);
        return;
    }
    if (a_cs != 1) return; /* a transposed A: not worth it */
    for (size_t r = i; r < i + rows; r++)
        for (size_t p = p0; p < p0 + kc; p += 16) OCLNN__PREFETCH(a + r * a_rs + p);
    OCLNN__PREFETCH(a + (i + rows - 1) * a_rs + p0 + kc - 1);
}

/* Row blocks of a gathered A that are read in place (oclnn__gemm_aview), run panel by panel: one
 * panel of B stays in L1 across VIEW_BLOCKS row blocks instead of all panels streaming past each
 * (the 7x7 stem's two panels of 147 x 32 floats, 37 KiB, exceed L1 with its input rows: 0.99x
 * its time on one thread at batch 8, 18.2 against 18.4 ms, 4 blocks against 1; 8 no better). */
enum { VIEW_BLOCKS = 4 };
typedef struct view_blocks {
    oclnn__gemm_aview view[VIEW_BLOCKS];
    size_t row[VIEW_BLOCKS], count;
} view_blocks;

/* The epilogue of C's tile at row i, column j (C's columns from n0), in *te; NULL when there is
 * none or the depth block is not the last. */
static const oclnn__gemm_epi *tile_epi(const oclnn__gemm_epi *epi, bool last, size_t i, size_t j,
                                       oclnn__gemm_epi *te) {
    if (!epi || !last) return NULL;
    *te = (oclnn__gemm_epi){epi->bias ? epi->bias + j : NULL, epi->res ? epi->res + i * epi->ldr + j : NULL,
                            epi->ldr, epi->relu};
    return te;
}

/* Runs the MR-row blocks in vb on every panel of depth block p0 and empties vb. */
static void run_views(const oclnn__gemm_kernel *g, view_blocks *vb, size_t n0, size_t n1, size_t p0,
                      size_t kc, bool last, const float *bblock, float *c, size_t ldc,
                      const oclnn__gemm_epi *epi, unsigned pf) {
    for (size_t j0 = n0; j0 < n1; j0 += g->nr) {
        const size_t nc = n1 - j0 < g->nr ? n1 - j0 : g->nr;
        for (size_t u = 0; u < vb->count; u++) {
            const size_t i = vb->row[u];
            oclnn__gemm_epi te;
            g->seg(g->mr, nc, &vb->view[u], p0, kc, bblock + (j0 - n0) * kc, c + i * ldc + (j0 - n0),
                   ldc, p0 > 0, tile_epi(epi, last, i, j0 - n0, &te), pf);
        }
    }
    vb->count = 0;
}

/* A is a[i * a_rs + p * a_cs], or made by gather(gctx, ...) when gather is not NULL. */
static void gemm_driver(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1, size_t k,
                        size_t n, const float *a, size_t a_rs, size_t a_cs,
                        oclnn__gemm_gather gather, void *gctx, const float *packed,
                        float *c, size_t ldc, const oclnn__gemm_epi *epi, unsigned pfs) {
    const size_t mr = g->mr, nr = g->nr, npad = (n + nr - 1) / nr * nr;
    /* MR rows x one depth block of A stay in L1 while the B panels stream past from L2. The last
     * rows are copied into a zero-padded block, and so are all rows when A is read with a stride
     * or its rows are a multiple of 2 KiB apart (they would share L1 sets and evict each
     * other). */
    float block[MAX_MR * OCLNN__GEMM_KC];
    const bool in_place = !gather && a_cs == 1 && a_rs % 512 != 0;
    view_blocks vb;
    vb.count = 0;
    for (size_t p0 = 0; p0 < k; p0 += OCLNN__GEMM_KC) {
        const size_t kc = k - p0 < OCLNN__GEMM_KC ? k - p0 : OCLNN__GEMM_KC;
        const bool last = p0 + kc >= k;
        for (size_t i = 0; i < m; i += mr) {
            const size_t rows = m - i < mr ? m - i : mr;
            size_t cap;
            const oclnn__gemm_ukernel run = kernel_for_rows(g, rows, &cap);
            const float *ab = block;
            size_t ld = kc;
            unsigned pf = pfs & OCLNN__GEMM_PF_C; /* A only where read in place */
            if (in_place && rows == mr) {
                ab = a + i * a_rs + p0;
                ld = a_rs;
                pf = pfs;
            } else if (gather) {
                if (gather(gctx, i, rows, p0, kc, block, rows == mr && g->seg ? &vb.view[vb.count] : NULL)) {
                    vb.row[vb.count++] = i; /* read in place: run with its neighbours */
                    if (vb.count == VIEW_BLOCKS)
                        run_views(g, &vb, n0, n1, p0, kc, last, packed + p0 * npad + n0 * kc, c, ldc,
                                  epi, pfs & OCLNN__GEMM_PF_C);
                    continue;
                }
                if (rows < cap) memset(block + rows * kc, 0, (cap - rows) * kc * sizeof *block);
            } else {
                for (size_t r = 0; r < rows; r++) {
                    const float *ar = a + (i + r) * a_rs + p0 * a_cs;
                    float *br = block + r * kc;
                    if (a_cs == 1)
                        for (size_t p = 0; p < kc; p++) br[p] = ar[p];
                    else
                        for (size_t p = 0; p < kc; p++) br[p] = ar[p * a_cs];
                }
                if (rows < cap) memset(block + rows * kc, 0, (cap - rows) * kc * sizeof *block);
            }
            /* An A that is copied or gathered is read from a tensor that may be in L3 or DRAM:
             * with OCLNN__GEMM_PF_A, the next block's rows are prefetched, a slice of rows per
             * panel while this block's panels run, so that its copy finds them in L1/L2 (an A
             * read in place is prefetched by the microkernel instead). */
            const size_t next = (pfs & OCLNN__GEMM_PF_A) && ab == block && i + mr < m
                                    ? (m - i - mr < mr ? m - i - mr : mr)
                                    : 0;
            const size_t panels = (n1 - n0 + nr - 1) / nr;
            size_t jp = 0;
            for (size_t j0 = n0; j0 < n1; j0 += nr, jp++) {
                const size_t nc = n1 - j0 < nr ? n1 - j0 : nr;
                if (next) {
                    const size_t r0 = jp * next / panels, r1 = (jp + 1) * next / panels;
                    if (r1 > r0) prefetch_rows(a, a_rs, a_cs, gather, gctx, i + mr + r0, r1 - r0, p0, kc);
                }
                const float *bp = packed + p0 * npad + j0 * kc; /* depth block p0, panel j0 / nr */
                oclnn__gemm_epi te;
                const oclnn__gemm_epi *e = tile_epi(epi, last, i, j0 - n0, &te);
                /* a half-padding last panel: the half-width kernel when all MR rows run */
                const oclnn__gemm_ukernel uk = nc <= nr / 2 && cap == mr && g->half ? g->half : run;
                uk(rows, nc, kc, ab, ld, bp, c + i * ldc + (j0 - n0), ldc, p0 > 0, e, pf);
            }
        }
        if (vb.count) run_views(g, &vb, n0, n1, p0, kc, last, packed + p0 * npad + n0 * kc, c, ldc, epi,
                                pfs & OCLNN__GEMM_PF_C);
    }
}

void oclnn__cpu_gemm_packed(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1, size_t k,
                            size_t n, const float *a, size_t lda, const float *packed, float *c,
                            size_t ldc) {
    gemm_driver(g, m, n0, n1, k, n, a, lda, 1, NULL, NULL, packed, c, ldc, NULL, 0);
}

void oclnn__cpu_gemm_packed_epi(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1,
                                size_t k, size_t n, const float *a, size_t lda, const float *packed,
                                float *c, size_t ldc, const oclnn__gemm_epi *epi) {
    gemm_driver(g, m, n0, n1, k, n, a, lda, 1, NULL, NULL, packed, c, ldc, epi,
                OCLNN__GEMM_PF_C | OCLNN__GEMM_PF_A);
}

void oclnn__cpu_gemm_packed_gather(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1,
                                   size_t k, size_t n, oclnn__gemm_gather gather, void *ctx,
                                   const float *packed, float *c, size_t ldc,
                                   const oclnn__gemm_epi *epi) {
    gemm_driver(g, m, n0, n1, k, n, NULL, 0, 0, gather, ctx, packed, c, ldc, epi,
                OCLNN__GEMM_PF_C | OCLNN__GEMM_PF_A);
}

void oclnn__cpu_gemm_packed_strided(const oclnn__gemm_kernel *g, size_t m, size_t n0, size_t n1,
                                    size_t k, size_t n, const float *a, size_t a_rs, size_t a_cs,
                                    const float *packed, float *c, size_t ldc) {
    gemm_driver(g, m, n0, n1, k, n, a, a_rs, a_cs, NULL, NULL, packed, c, ldc, NULL, 0);
}
