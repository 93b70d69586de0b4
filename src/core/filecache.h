/* SPDX-License-Identifier: MIT */
/* A verified on-disk blob cache (compiled programs). Each entry is one file named by the hex of
 * its 32-byte key, holding a header (magic, format version, key, size, SHA-256 of the payload)
 * and the payload. Reads refuse anything that does not match; writes go to a temporary file in
 * the same folder and are renamed into place, so readers never see half a file. The folder is
 * created private to the user and refused if it is a symbolic link or owned by someone else. */
#ifndef OCLNN_CORE_FILECACHE_H
#define OCLNN_CORE_FILECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    OCLNN__CACHE_MISS = 0,   /* no entry */
    OCLNN__CACHE_HIT = 1,    /* *data (malloc'd) and *size set */
    OCLNN__CACHE_REJECT = 2  /* an entry exists but is truncated, corrupt or for another key */
} oclnn__cache_result;

oclnn__cache_result oclnn__filecache_load(const char *dir, const uint8_t key[32], void **data,
                                          size_t *size);
/* Best effort: returns false (and logs) when the entry could not be written. */
bool oclnn__filecache_store(const char *dir, const uint8_t key[32], const void *data, size_t size);
/* Creates `dir` (and parents) with mode 0700; false if it is unusable (symlink, foreign owner). */
bool oclnn__filecache_prepare_dir(const char *dir);

#endif
