/* SPDX-License-Identifier: MIT */
/* The registry of live handles: every context, tensor, operator, graph and net handed to the
 * user is registered at creation and removed at destruction, and each public entry point asks
 * the registry before it reads the object. So a destroyed (or never created) handle is refused
 * with OCLNN_ERROR_INVALID_ARGUMENT instead of its freed memory being read or written: the
 * per-type magic numbers alone cannot do that, since checking them reads the freed object and
 * an optimizing compiler may drop the poison store before free(). One process-wide hash set of
 * addresses behind a mutex; a lookup is a hash and a probe or two (measured in
 * docs/RELIABILITY.md). A new object may reuse a destroyed one's address: the stale handle then
 * names the new object, which no address-based check can tell apart. */
#ifndef OCLNN_CORE_HANDLE_H
#define OCLNN_CORE_HANDLE_H

#include <stdbool.h>

/* Registers p; false when out of memory (the creation then fails). */
bool oclnn__handle_add(const void *p);
/* Removes p (nothing when it is not registered). Returns whether it was. */
bool oclnn__handle_remove(const void *p);
/* True while p is registered. NULL is never live. */
bool oclnn__handle_live(const void *p);

#endif
