/* SPDX-License-Identifier: MIT */
/* The file kinds every reader of untrusted files must refuse at once, for the fuzz targets that
 * read files: on a target's first input, `path` (the file the target's reader reads) becomes in
 * turn a FIFO with no writer, a symbolic link to a FIFO, a link to /dev/zero (an endless stream),
 * a link to /dev/urandom and a directory. The reader must refuse each (refused(path) true) within
 * a few seconds: acceptance aborts, a hang ends in SIGALRM, and both are reported as crashes. */
#ifndef OCLNN_FUZZ_FILE_KINDS_H
#define OCLNN_FUZZ_FILE_KINDS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void fuzz_check_file_kinds(const char *path, bool (*refused)(const char *path)) {
    static bool done;
    if (done) return;
    done = true;
    char fifo[4200];
    snprintf(fifo, sizeof fifo, "%s.fifo", path);
    unlink(path);
    if (mkfifo(fifo, 0600) != 0) abort();
    for (int kind = 0; kind < 5; kind++) {
        int made = kind == 0   ? mkfifo(path, 0600)
                   : kind == 1 ? symlink(fifo, path)
                   : kind == 2 ? symlink("/dev/zero", path)
                   : kind == 3 ? symlink("/dev/urandom", path)
                               : mkdir(path, 0700);
        if (made != 0) abort();
        alarm(10);
        if (!refused(path)) abort();
        alarm(0);
        if (kind == 4) rmdir(path);
        else unlink(path);
    }
    unlink(fifo);
}

#endif
