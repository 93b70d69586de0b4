/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the tool's .npy reader (`oclnn bench net --input`) takes files from users.
 * The input is a whole file; the reader must accept a valid float32 array or refuse with a
 * message, never crash, over-read or leak, and what it accepts must be self-consistent. FIFOs,
 * devices and directories are refused (file_kinds.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "file_kinds.h"
#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool npy_refuses(const char *path) {
    npy_array a;
    char err[256] = "";
    if (npy_read(path, &a, err, sizeof err)) return false;
    return err[0] != '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/oclnn-fuzz-%d.npy", (int)getpid());
    fuzz_check_file_kinds(path, npy_refuses);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
    npy_array a;
    char err[256];
    err[0] = '\0';
    if (npy_read(path, &a, err, sizeof err)) {
        uint64_t count = 1;
        for (int i = 0; i < a.ndim; i++) count *= a.shape[i];
        if (a.ndim < 0 || a.ndim > NPY_MAX_DIMS || count != a.count || a.count * 4 > size) abort();
        volatile float sum = 0;
        for (size_t i = 0; i < a.count; i++) sum += a.data[i]; /* every element is readable */
        (void)sum;
        free(a.data);
    } else if (!err[0]) {
        abort(); /* a refusal must say why */
    }
    unlink(path);
    return 0;
}
