/* SPDX-License-Identifier: MIT */
/* The instruction sets the C backend's microkernels are built for, chosen once at run time from
 * the CPU and the OS (cpuid, xgetbv), or a lower one forced with OCLNN_CPU_ISA. The library is
 * compiled for baseline x86-64; the AVX2 and AVX-512 kernels live in files compiled with those
 * flags (CMakeLists.txt) and are only called when this says so. */
#ifndef OCLNN_CPU_ISA_H
#define OCLNN_CPU_ISA_H

#include <stdbool.h>

typedef enum {
    OCLNN__ISA_SCALAR = 0, /* portable C (the compiler's baseline vectors) */
    OCLNN__ISA_AVX2 = 1,   /* AVX2 + FMA, ymm state enabled by the OS */
    OCLNN__ISA_AVX512 = 2, /* AVX-512F, zmm and opmask state enabled by the OS */
} oclnn__cpu_isa;

/* The best instruction set the CPU and the OS support. */
oclnn__cpu_isa oclnn__cpu_isa_detected(void);
/* The one in use: the detected one, or OCLNN_CPU_ISA's when that is lower (read once). */
oclnn__cpu_isa oclnn__cpu_isa_active(void);
/* "scalar", "avx2" or "avx512". */
const char *oclnn__cpu_isa_name(oclnn__cpu_isa isa);
/* The rule behind oclnn__cpu_isa_active: `request` (OCLNN_CPU_ISA's value, NULL or "" for none)
 * capped at `detected`. False, with *out = detected, when request names no instruction set. */
bool oclnn__cpu_isa_pick(oclnn__cpu_isa detected, const char *request, oclnn__cpu_isa *out);

#endif
