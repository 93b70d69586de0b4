/* SPDX-License-Identifier: MIT */
/* Reading untrusted files (see file.h). */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/status.h"

static const char *kind_name(mode_t m) {
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISDIR(m)) return "a directory";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISLNK(m)) return "a symbolic link";
    return "not a regular file";
}

/* Reads exactly n bytes (retrying short reads and EINTR); false when the file ends first. */
static bool read_exact(int fd, char *p, size_t n) {
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

oclnn__file_result oclnn__file_read(const char *path, size_t max_bytes, unsigned flags,
                                    void **data, size_t *size, char *why, size_t why_size) {
    int oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
    if (flags & OCLNN__FILE_NO_FOLLOW) oflags |= O_NOFOLLOW;
    int fd = open(path, oflags);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP && (flags & OCLNN__FILE_NO_FOLLOW)) {
            snprintf(why, why_size, "cannot read %s: it is a symbolic link", path);
            return OCLNN__FILE_NOT_REGULAR;
        }
        snprintf(why, why_size, "cannot open %s: %s", path, strerror(e));
        return e == ENOENT ? OCLNN__FILE_MISSING : OCLNN__FILE_UNREADABLE;
    }
    oclnn__file_result result = OCLNN__FILE_UNREADABLE;
    char *buf = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "cannot read %s: it is %s, not a regular file", path,
                 kind_name(st.st_mode));
        result = OCLNN__FILE_NOT_REGULAR;
    } else if (st.st_size < 0 || (unsigned long long)st.st_size > max_bytes) {
        if (max_bytes % ((size_t)1 << 20) == 0)
            snprintf(why, why_size, "cannot read %s: %lld bytes, larger than %zu MiB", path,
                     (long long)st.st_size, max_bytes >> 20);
        else
            snprintf(why, why_size, "cannot read %s: %lld bytes, larger than %zu bytes", path,
                     (long long)st.st_size, max_bytes);
        result = OCLNN__FILE_TOO_LARGE;
    } else if (!(buf = malloc((size_t)st.st_size + 1))) {
        snprintf(why, why_size, "cannot read %s: no memory for %lld bytes", path,
                 (long long)st.st_size);
        result = OCLNN__FILE_NO_MEMORY;
    } else if ((errno = 0, !read_exact(fd, buf, (size_t)st.st_size))) {
        snprintf(why, why_size, "cannot read %s: it ended before its %lld bytes (%s)", path,
                 (long long)st.st_size, errno ? strerror(errno) : "changed while read");
    } else {
        buf[st.st_size] = '\0';
        *data = buf;
        *size = (size_t)st.st_size;
        buf = NULL;
        result = OCLNN__FILE_OK;
    }
    free(buf);
    close(fd);
    return result;
}

oclnn_status oclnn__file_read_checked(const char *path, size_t max_bytes, unsigned flags,
                                      void **data, size_t *size) {
    char why[512];
    switch (oclnn__file_read(path, max_bytes, flags, data, size, why, sizeof why)) {
    case OCLNN__FILE_OK: return OCLNN_OK;
    case OCLNN__FILE_MISSING:
    case OCLNN__FILE_UNREADABLE: return oclnn__fail(OCLNN_ERROR_IO, "%s", why);
    case OCLNN__FILE_NOT_REGULAR:
    case OCLNN__FILE_TOO_LARGE: return oclnn__fail(OCLNN_ERROR_BAD_FILE, "%s", why);
    case OCLNN__FILE_NO_MEMORY: return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "%s", why);
    }
    return oclnn__fail(OCLNN_ERROR_IO, "%s", why);
}
