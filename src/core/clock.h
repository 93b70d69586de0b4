/* SPDX-License-Identifier: MIT */
/* The one wall clock every timing in oclnn reads (find, profiled runs, program builds, the
 * tuner's budget, the tool's benchmarks). */
#ifndef OCLNN_CORE_CLOCK_H
#define OCLNN_CORE_CLOCK_H

/* Milliseconds on a monotonic clock from an arbitrary origin: only differences mean anything. */
double oclnn__now_ms(void);

#endif
