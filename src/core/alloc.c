/* SPDX-License-Identifier: MIT */
/* Host memory: the user's allocator when the context has one, else 64-byte aligned malloc. */
#include "core/alloc.h"

#include "core/fault.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t oclnn__host_memory_bytes(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    size_t bytes;
    if (pages <= 0 || page <= 0 || !oclnn__mul_ok((size_t)pages, (size_t)page, &bytes))
        return SIZE_MAX;
    return bytes;
}

bool oclnn__shape_bytes(oclnn_shape s, size_t *elements, size_t *bytes) {
    size_t e = s.n;
    if (!oclnn__mul_ok(e, s.c, &e) || !oclnn__mul_ok(e, s.h, &e) || !oclnn__mul_ok(e, s.w, &e))
        return false;
    size_t b;
    if (!oclnn__mul_ok(e, sizeof(float), &b)) return false;
    if (elements) *elements = e;
    if (bytes) *bytes = b;
    return true;
}

void *oclnn__alloc(const oclnn_allocator *a, size_t size) {
    if (oclnn__fault_hit(OCLNN__FAULT_HOST_ALLOC)) return NULL;
    if (size == 0) size = 1;
    if (a && a->alloc) return a->alloc(a->user, size, OCLNN__ALIGN);
    size_t rounded;
    if (!oclnn__add_ok(size, OCLNN__ALIGN - 1, &rounded)) return NULL;
    rounded &= ~(size_t)(OCLNN__ALIGN - 1);
    return aligned_alloc(OCLNN__ALIGN, rounded);
}

void *oclnn__calloc(const oclnn_allocator *a, size_t count, size_t size) {
    size_t bytes;
    if (!oclnn__mul_ok(count, size, &bytes)) return NULL;
    void *p = oclnn__alloc(a, bytes);
    if (p) memset(p, 0, bytes);
    return p;
}

void oclnn__free(const oclnn_allocator *a, void *p) {
    if (!p) return;
    if (a && a->free) a->free(a->user, p);
    else free(p);
}

char *oclnn__strdup(const oclnn_allocator *a, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = oclnn__alloc(a, n);
    if (d) memcpy(d, s, n);
    return d;
}
