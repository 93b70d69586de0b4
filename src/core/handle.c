/* SPDX-License-Identifier: MIT */
/* The live-handle registry (see handle.h): an open-addressing hash set of addresses with linear
 * probing and tombstones, grown (and rehashed) at half load, behind one mutex. Its memory is the
 * process's (plain malloc, not a context's allocator: handles outlive any one context). */
#include "core/handle.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define TOMBSTONE ((uintptr_t)1) /* never an object's address (objects are aligned) */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t *slots; /* 0: empty */
static size_t cap, used; /* used counts live entries and tombstones */

static size_t hash(uintptr_t p) {
    uint64_t h = (uint64_t)p * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 17);
}

/* Index of p, or of the slot where it would go (the first tombstone or empty slot met). */
static size_t find(uintptr_t p, bool *found) {
    size_t mask = cap - 1, i = hash(p) & mask, free_at = SIZE_MAX;
    for (;;) {
        uintptr_t s = slots[i];
        if (s == p) {
            *found = true;
            return i;
        }
        if (s == 0) {
            *found = false;
            return free_at != SIZE_MAX ? free_at : i;
        }
        if (s == TOMBSTONE && free_at == SIZE_MAX) free_at = i;
        i = (i + 1) & mask;
    }
}

static bool grow(void) {
    size_t live = 0;
    for (size_t i = 0; i < cap; i++) live += slots[i] > TOMBSTONE;
    size_t ncap = cap ? cap : 64;
    while (ncap < 4 * (live + 1)) ncap *= 2;
    uintptr_t *old = slots, *fresh = calloc(ncap, sizeof *fresh);
    if (!fresh) return false;
    size_t ocap = cap;
    slots = fresh;
    cap = ncap;
    used = 0;
    for (size_t i = 0; i < ocap; i++)
        if (old[i] > TOMBSTONE) {
            bool found;
            slots[find(old[i], &found)] = old[i];
            used++;
        }
    free(old);
    return true;
}

bool oclnn__handle_add(const void *p) {
    if ((uintptr_t)p <= TOMBSTONE) return false;
    pthread_mutex_lock(&lock);
    bool ok = (used + 1) * 2 <= cap || grow();
    if (ok) {
        bool found;
        size_t i = find((uintptr_t)p, &found);
        if (!found) {
            if (slots[i] == 0) used++;
            slots[i] = (uintptr_t)p;
        }
    }
    pthread_mutex_unlock(&lock);
    return ok;
}

bool oclnn__handle_remove(const void *p) {
    bool found = false;
    if ((uintptr_t)p <= TOMBSTONE) return false;
    pthread_mutex_lock(&lock);
    if (cap) {
        size_t i = find((uintptr_t)p, &found);
        if (found) slots[i] = TOMBSTONE;
    }
    pthread_mutex_unlock(&lock);
    return found;
}

bool oclnn__handle_live(const void *p) {
    if ((uintptr_t)p <= TOMBSTONE) return false;
    bool found = false;
    pthread_mutex_lock(&lock);
    if (cap) find((uintptr_t)p, &found);
    pthread_mutex_unlock(&lock);
    return found;
}
