/* SPDX-License-Identifier: MIT */
/* Allocation-failure injection (see fault.h). The counters are atomic, so injection works with
 * several threads, though tests arm it from one. */
#include "core/fault.h"

#ifdef OCLNN_FAULT_INJECTION
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

typedef struct counter {
    atomic_ulong seen;
    atomic_ulong fail_at; /* 0: disarmed */
    atomic_bool sticky;
} counter;

static counter counters[2];
static once_flag once = ONCE_FLAG_INIT;

static void arm_from(const char *name, oclnn__fault_kind kind) {
    const char *v = getenv(name);
    if (!v || !*v) return;
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    oclnn__fault_arm(kind, n, *end == '+');
}

static void read_env(void) {
    arm_from("OCLNN_FAULT_HOST_ALLOC", OCLNN__FAULT_HOST_ALLOC);
    arm_from("OCLNN_FAULT_DEVICE_ALLOC", OCLNN__FAULT_DEVICE_ALLOC);
}

void oclnn__fault_arm(oclnn__fault_kind kind, unsigned long n, bool sticky) {
    atomic_store(&counters[kind].seen, 0);
    atomic_store(&counters[kind].sticky, sticky);
    atomic_store(&counters[kind].fail_at, n);
}

bool oclnn__fault_hit(oclnn__fault_kind kind) {
    call_once(&once, read_env);
    counter *c = &counters[kind];
    unsigned long at = atomic_load(&c->fail_at);
    if (!at) return false;
    unsigned long seen = atomic_fetch_add(&c->seen, 1) + 1;
    return seen == at || (seen > at && atomic_load(&c->sticky));
}
#else
typedef int oclnn__fault_unused; /* ISO C needs a declaration in every translation unit */
#endif
