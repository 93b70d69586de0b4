/* SPDX-License-Identifier: MIT */
/* libFuzzer target: .safetensors weight files are untrusted input (users download them). The
 * input is the whole file; the parser must refuse anything malformed without crashing, reading
 * out of bounds or leaking, and what it accepts must be consistent: every tensor's data lies in
 * the data area, tensors do not overlap, and each is found by its name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/safetensors.h"
#include "file_kinds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool safetensors_refuses(const char *path) {
    oclnn__safetensors *st = NULL;
    if (oclnn__safetensors_read(path, &st) == OCLNN_OK) {
        oclnn__safetensors_free(st);
        return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/oclnn-fuzz-%d.safetensors", (int)getpid());
    fuzz_check_file_kinds(path, safetensors_refuses); /* the file reader, once */
    unsigned char *copy = malloc(size ? size : 1);
    if (!copy) abort();
    if (size) memcpy(copy, data, size);
    oclnn__safetensors *st = NULL;
    if (oclnn__safetensors_parse(copy, size, &st) != OCLNN_OK) return 0; /* copy freed by the parser */
    const unsigned char *end = st->image + st->image_bytes;
    for (size_t i = 0; i < st->count; i++) {
        const oclnn__st_tensor *t = &st->tensors[i];
        if (t->data < st->image + 8 || t->elements > (size_t)(end - t->data) / 4) abort();
        if (oclnn__safetensors_find(st, t->name) != t) abort();
        for (size_t j = 0; j < st->count; j++) {
            const oclnn__st_tensor *u = &st->tensors[j];
            if (j != i && t->elements && u->elements && t->data < u->data + 4 * u->elements &&
                u->data < t->data + 4 * t->elements)
                abort();
        }
    }
    oclnn__safetensors_free(st);
    return 0;
}
