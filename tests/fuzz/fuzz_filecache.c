/* SPDX-License-Identifier: MIT */
/* libFuzzer target: program-cache files are untrusted input (anyone who can write the cache
 * folder can plant one). The input is the whole file; the loader must refuse anything that is not
 * a valid entry for the key, without crashing, reading out of bounds or leaking. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/filecache.h"
#include "core/hash.h"
#include "file_kinds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static uint8_t key[32];

static bool cache_refuses(const char *path) {
    (void)path;
    void *payload = NULL;
    size_t got = 0;
    return oclnn__filecache_load(dir, key, &payload, &got) == OCLNN__CACHE_REJECT && !payload;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/oclnn-fuzz-cache-%d", (int)getpid());
        if (!oclnn__filecache_prepare_dir(dir)) abort();
    }
    memset(key, 0x5a, sizeof key); /* the key the seed corpus was written for */
    char hex[65], path[160];
    oclnn__sha256_hex(key, hex);
    snprintf(path, sizeof path, "%s/%s.bin", dir, hex);
    fuzz_check_file_kinds(path, cache_refuses);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
    void *payload = NULL;
    size_t got = 0;
    oclnn__cache_result r = oclnn__filecache_load(dir, key, &payload, &got);
    if (r == OCLNN__CACHE_HIT) {
        /* A hit must be internally consistent: the payload fits inside the file. */
        if (got == 0 || got > size) abort();
        free(payload);
    }
    unlink(path);
    return 0;
}
