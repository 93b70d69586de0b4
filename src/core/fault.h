/* SPDX-License-Identifier: MIT */
/* Allocation-failure injection for tests, compiled in only with OCLNN_FAULT_INJECTION (on in
 * Debug builds). Each kind counts its allocations process-wide; when armed with N, the Nth one
 * from then on fails (and, with `sticky`, every later one too). Armed from tests through
 * oclnn__fault_arm or from the environment: OCLNN_FAULT_HOST_ALLOC=N[+], OCLNN_FAULT_DEVICE_ALLOC=N[+]
 * ("+" for sticky). Without OCLNN_FAULT_INJECTION, oclnn__fault_hit is a constant false. */
#ifndef OCLNN_CORE_FAULT_H
#define OCLNN_CORE_FAULT_H

#include <stdbool.h>

typedef enum { OCLNN__FAULT_HOST_ALLOC = 0, OCLNN__FAULT_DEVICE_ALLOC = 1 } oclnn__fault_kind;

#ifdef OCLNN_FAULT_INJECTION
bool oclnn__fault_hit(oclnn__fault_kind kind);
/* n = 0 disarms. */
void oclnn__fault_arm(oclnn__fault_kind kind, unsigned long n, bool sticky);
#define OCLNN__FAULT_INJECTION_ENABLED 1
#else
static inline bool oclnn__fault_hit(oclnn__fault_kind kind) {
    (void)kind;
    return false;
}
#define OCLNN__FAULT_INJECTION_ENABLED 0
#endif

#endif
