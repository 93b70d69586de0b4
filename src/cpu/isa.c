/* SPDX-License-Identifier: MIT */
/* Run-time instruction-set choice for the C backend (see cpu/isa.h). A CPU flag is not enough:
 * the OS must also save the wider registers (XCR0, read with xgetbv), or the first AVX
 * instruction faults. */
#include "cpu/isa.h"

#include <stdlib.h>
#include <strings.h>
#include <threads.h>

#include "core/log.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

/* XCR0 through xgetbv, which needs CPUID.1:ECX.OSXSAVE[bit 27] first. */
static unsigned long long xcr0(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (unsigned long long)hi << 32 | lo;
}

static oclnn__cpu_isa detect(void) {
    __builtin_cpu_init();
    const unsigned long long x = xcr0();
    const bool ymm = (x & 0x6) == 0x6;           /* SSE and AVX state */
    const bool zmm = ymm && (x & 0xe0) == 0xe0;  /* opmask, ZMM0-15 upper halves, ZMM16-31 */
    if (zmm && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma"))
        return OCLNN__ISA_AVX512;
    if (ymm && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return OCLNN__ISA_AVX2;
    return OCLNN__ISA_SCALAR;
}
#else
static oclnn__cpu_isa detect(void) { return OCLNN__ISA_SCALAR; }
#endif

static const char *const names[] = {"scalar", "avx2", "avx512"};

const char *oclnn__cpu_isa_name(oclnn__cpu_isa isa) {
    return (unsigned)isa < sizeof names / sizeof *names ? names[isa] : "?";
}

bool oclnn__cpu_isa_pick(oclnn__cpu_isa detected, const char *request, oclnn__cpu_isa *out) {
    *out = detected;
    if (!request || !*request) return true;
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcasecmp(request, names[i])) {
            if ((oclnn__cpu_isa)i < detected) *out = (oclnn__cpu_isa)i;
            return true;
        }
    return false;
}

static once_flag once = ONCE_FLAG_INIT;
static oclnn__cpu_isa detected, active;

static void init(void) {
    detected = detect();
    const char *want = getenv("OCLNN_CPU_ISA");
    if (!oclnn__cpu_isa_pick(detected, want, &active))
        oclnn__log(OCLNN__LOG_ERROR, "OCLNN_CPU_ISA=\"%s\" is not scalar, avx2 or avx512; ignored",
                   want);
    else if (want && *want && strcasecmp(want, names[active]))
        oclnn__log(OCLNN__LOG_INFO, "OCLNN_CPU_ISA=%s: the CPU has only %s", want, names[active]);
    oclnn__log(OCLNN__LOG_INFO, "C backend microkernels: %s (CPU and OS support %s)",
               names[active], names[detected]);
}

oclnn__cpu_isa oclnn__cpu_isa_detected(void) {
    call_once(&once, init);
    return detected;
}

oclnn__cpu_isa oclnn__cpu_isa_active(void) {
    call_once(&once, init);
    return active;
}
