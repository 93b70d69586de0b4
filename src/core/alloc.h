/* SPDX-License-Identifier: MIT */
/* Host allocation through the context's allocator, and overflow-checked size arithmetic. */
#ifndef OCLNN_CORE_ALLOC_H
#define OCLNN_CORE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "oclnn.h"

#define OCLNN__ALIGN 64

/* a * b, false on overflow. */
static inline bool oclnn__mul_ok(size_t a, size_t b, size_t *out) {
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool oclnn__add_ok(size_t a, size_t b, size_t *out) {
    return !__builtin_add_overflow(a, b, out);
}

/* Number of elements and bytes of a float32 shape; false when either overflows size_t. */
bool oclnn__shape_bytes(oclnn_shape s, size_t *elements, size_t *bytes);

/* The host's physical memory in bytes (sysconf), SIZE_MAX when unknown: no single allocation or
 * file read may ask for more. */
size_t oclnn__host_memory_bytes(void);

/* Allocation with an optional user allocator (NULL: aligned malloc). */
void *oclnn__alloc(const oclnn_allocator *a, size_t size);
void *oclnn__calloc(const oclnn_allocator *a, size_t count, size_t size);
void oclnn__free(const oclnn_allocator *a, void *p);
char *oclnn__strdup(const oclnn_allocator *a, const char *s);

#endif
