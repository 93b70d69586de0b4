/* SPDX-License-Identifier: MIT */
/* The search space of the GPU GEMM engine (cl/gemm/xgemm.cl), CLBlast's Xgemm names: the
 * work-group tile MWG x NWG, its depth KWG, the work-items MDIMC x NDIMC that share it (each
 * holding MWI x NWI = MWG/MDIMC x NWG/NDIMC accumulators), double buffering DB and the tile loads'
 * vector width VW. Used by implicit-GEMM convolution everywhere and by im2col, gemm1x1 and
 * Winograd in the GPU classes. Constraints: the tiles divide among the work-items and into
 * vectors; the register tile holds at most 64 floats (an NVIDIA thread has 255 registers, and the
 * operands and addresses need their share; CLBlast's tuned tiles stay at or under 8 x 8); the
 * work-group fits the device; the staged tiles fit its local memory. */
#include <stdio.h>

#include "tune/space.h"

enum { MWG, NWG, KWG, MDIMC, NDIMC, DB, VW };

#define XGEMM_MAX_REGISTERS 64
#define XGEMM_PAD 1 /* cl/gemm/xgemm.cl's PAD */

uint64_t oclnn__xgemm_local_bytes(const oclnn__tune_values *v) {
    uint64_t words = (uint64_t)v->v[KWG] * (v->v[MWG] + XGEMM_PAD + v->v[NWG] + XGEMM_PAD);
    return words * sizeof(float) * (v->v[DB] ? 2u : 1u);
}

static const char *check(const oclnn__tune_values *v, const oclnn__tune_limits *lim, char *why,
                         size_t size) {
    int64_t regs = (int64_t)(v->v[MWG] / v->v[MDIMC]) * (v->v[NWG] / v->v[NDIMC]);
    if (regs > XGEMM_MAX_REGISTERS) {
        snprintf(why, size, "conv_xgemm: the register tile (%lld floats) exceeds %d",
                 (long long)regs, XGEMM_MAX_REGISTERS);
        return why;
    }
    if (v->v[KWG] % v->v[VW] || v->v[NWG] % v->v[VW]) {
        snprintf(why, size, "conv_xgemm: KWG=%d and NWG=%d must be multiples of VW=%d",
                 (int)v->v[KWG], (int)v->v[NWG], (int)v->v[VW]);
        return why;
    }
    uint64_t bytes = oclnn__xgemm_local_bytes(v);
    if (lim && bytes > lim->local_mem_bytes) {
        snprintf(why, size, "conv_xgemm: %llu bytes of local memory exceed the device's %llu",
                 (unsigned long long)bytes, (unsigned long long)lim->local_mem_bytes);
        return why;
    }
    return NULL;
}

const oclnn__tune_space oclnn__tune_space_conv_xgemm = {
    "conv_xgemm",
    "gemm/xgemm.cl",
    7,
    {{"MWG", {16, 32, 64, 128}, 4, 64},
     {"NWG", {16, 32, 64, 128}, 4, 64},
     {"KWG", {8, 16, 32}, 3, 16},
     {"MDIMC", {8, 16, 32}, 3, 8},
     {"NDIMC", {8, 16, 32}, 3, 16},
     {"DB", {0, 1}, 2, 0},
     {"VW", {1, 2, 4}, 3, 1}},
    3,
    {{OCLNN__TUNE_MULTIPLE_OF, MWG, MDIMC, -1, 0},
     {OCLNN__TUNE_MULTIPLE_OF, NWG, NDIMC, -1, 0},
     {OCLNN__TUNE_WORK_GROUP, MDIMC, NDIMC, -1, 0}},
    check};
