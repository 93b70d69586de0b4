/* SPDX-License-Identifier: MIT */
/* The verified blob cache behind compiled-program caching (see filecache.h for the format). */
#include "core/filecache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "core/hash.h"
#include "core/log.h"

#define MAGIC "OCLNNBIN"
#define FORMAT_VERSION 1u
#define MAX_PAYLOAD ((size_t)1 << 30)

typedef struct header {
    char magic[8];
    uint32_t version;
    uint32_t reserved;
    uint8_t key[32];
    uint64_t size;
    uint8_t digest[32];
} header;

static bool entry_path(const char *dir, const uint8_t key[32], char *path, size_t cap) {
    char hex[65];
    oclnn__sha256_hex(key, hex);
    int n = snprintf(path, cap, "%s/%s.bin", dir, hex);
    return n > 0 && (size_t)n < cap;
}

bool oclnn__filecache_prepare_dir(const char *dir) {
    char path[4096];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof path) return false;
    memcpy(path, dir, len + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) return false;
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        oclnn__log(OCLNN__LOG_INFO, "cache folder %s cannot be created: %s", dir, strerror(errno));
        return false;
    }
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        oclnn__log(OCLNN__LOG_INFO, "cache folder %s is not a plain folder; not using it", dir);
        return false;
    }
    if (st.st_uid != geteuid()) {
        oclnn__log(OCLNN__LOG_INFO, "cache folder %s belongs to another user; not using it", dir);
        return false;
    }
    if (access(path, R_OK | W_OK | X_OK) != 0) {
        oclnn__log(OCLNN__LOG_INFO, "cache folder %s is not writable; not using it", dir);
        return false;
    }
    return true;
}

oclnn__cache_result oclnn__filecache_load(const char *dir, const uint8_t key[32], void **data,
                                          size_t *size) {
    char path[4200], why[512];
    if (!entry_path(dir, key, path, sizeof path)) return OCLNN__CACHE_MISS;
    void *file = NULL;
    size_t bytes = 0;
    oclnn__file_result r = oclnn__file_read(path, sizeof(header) + MAX_PAYLOAD, OCLNN__FILE_NO_FOLLOW,
                                            &file, &bytes, why, sizeof why);
    if (r == OCLNN__FILE_MISSING) return OCLNN__CACHE_MISS;
    header h;
    bool ok = r == OCLNN__FILE_OK && bytes >= sizeof h;
    if (ok) {
        memcpy(&h, file, sizeof h);
        ok = memcmp(h.magic, MAGIC, 8) == 0 && h.version == FORMAT_VERSION &&
             memcmp(h.key, key, 32) == 0 && h.size != 0 && h.size == bytes - sizeof h;
    }
    if (ok) {
        uint8_t digest[32];
        oclnn__sha256 sh;
        oclnn__sha256_init(&sh);
        oclnn__sha256_update(&sh, (const char *)file + sizeof h, (size_t)h.size);
        oclnn__sha256_final(&sh, digest);
        ok = memcmp(digest, h.digest, 32) == 0;
    }
    if (!ok) {
        if (r == OCLNN__FILE_OK) oclnn__log(OCLNN__LOG_INFO, "cache entry %s refused", path);
        else oclnn__log(OCLNN__LOG_INFO, "cache entry refused: %s", why);
        free(file);
        return OCLNN__CACHE_REJECT;
    }
    memmove(file, (const char *)file + sizeof h, (size_t)h.size); /* the payload, in place */
    *data = file;
    *size = (size_t)h.size;
    return OCLNN__CACHE_HIT;
}

static bool write_all(int fd, const void *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return false;
        p = (const char *)p + w;
        n -= (size_t)w;
    }
    return true;
}

bool oclnn__filecache_store(const char *dir, const uint8_t key[32], const void *data, size_t size) {
    char path[4200], tmp[4300];
    if (!entry_path(dir, key, path, sizeof path)) return false;
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        oclnn__log(OCLNN__LOG_INFO, "cannot write the cache in %s: %s", dir, strerror(errno));
        return false;
    }
    header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MAGIC, 8);
    h.version = FORMAT_VERSION;
    memcpy(h.key, key, 32);
    h.size = size;
    oclnn__sha256 sh;
    oclnn__sha256_init(&sh);
    oclnn__sha256_update(&sh, data, size);
    oclnn__sha256_final(&sh, h.digest);
    bool ok = write_all(fd, &h, sizeof h) && write_all(fd, data, size) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok) ok = rename(tmp, path) == 0;
    if (!ok) {
        oclnn__log(OCLNN__LOG_INFO, "cannot write cache entry %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return ok;
}
