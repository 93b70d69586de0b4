/* SPDX-License-Identifier: MIT */
/* Reading untrusted files: the one way oclnn opens a file it did not write itself (weights,
 * .npy inputs, tuning databases, program-cache entries, kernel override folders). A FIFO with no
 * writer, a character device (/dev/zero, /dev/urandom), a directory or a socket is refused at
 * once instead of blocking or growing without bound: the file is opened O_NONBLOCK, checked with
 * fstat to be a regular file no larger than the caller's bound, and exactly its declared size is
 * read. Every refusal comes with a message naming the file. */
#ifndef OCLNN_CORE_FILE_H
#define OCLNN_CORE_FILE_H

#include <stddef.h>

#include "oclnn.h"

typedef enum oclnn__file_result {
    OCLNN__FILE_OK = 0,
    OCLNN__FILE_MISSING,     /* no such file (ENOENT) */
    OCLNN__FILE_UNREADABLE,  /* open or read failed (permissions, I/O error, file shrank) */
    OCLNN__FILE_NOT_REGULAR, /* FIFO, device, directory, socket; with NO_FOLLOW: a symlink */
    OCLNN__FILE_TOO_LARGE,   /* more bytes than the caller's bound */
    OCLNN__FILE_NO_MEMORY
} oclnn__file_result;

enum { OCLNN__FILE_NO_FOLLOW = 1 }; /* refuse a symbolic link as the last path component */

/* Reads the whole regular file `path`, of at most max_bytes, into a malloc'd buffer with one NUL
 * byte after the data (so text parsers may treat it as a string); *data and *size are set only on
 * success. On failure writes "cannot read <path>: <reason>" into why (why_size bytes). */
oclnn__file_result oclnn__file_read(const char *path, size_t max_bytes, unsigned flags,
                                    void **data, size_t *size, char *why, size_t why_size);

/* The same for public calls: failures become oclnn__fail(OCLNN_ERROR_IO) (missing, unreadable),
 * OCLNN_ERROR_BAD_FILE (not a regular file, too large) or OCLNN_ERROR_OUT_OF_MEMORY. */
oclnn_status oclnn__file_read_checked(const char *path, size_t max_bytes, unsigned flags,
                                      void **data, size_t *size);

#endif
