/* SPDX-License-Identifier: MIT */
/* A reader for .safetensors files (a little-endian u64 header length, a JSON header, raw data).
 * The file is untrusted: everything is validated (header length against the file size, strict
 * JSON, dtype F32 only, shapes, data offsets inside the data area, no overlap, no overflow) and
 * a failure is OCLNN_ERROR_BAD_FILE with a message naming the tensor or field at fault. */
#ifndef OCLNN_CORE_SAFETENSORS_H
#define OCLNN_CORE_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "oclnn.h"

#define OCLNN__ST_MAX_DIMS 8

typedef struct oclnn__st_tensor {
    char *name;
    uint32_t ndim;
    uint64_t shape[OCLNN__ST_MAX_DIMS];
    size_t elements;
    const unsigned char *data; /* little-endian floats in the file image (maybe unaligned) */
} oclnn__st_tensor;

typedef struct oclnn__safetensors {
    size_t count;
    oclnn__st_tensor *tensors; /* sorted by name */
    unsigned char *image;      /* the whole file (owned) */
    size_t image_bytes;
} oclnn__safetensors;

/* Parses a file image already in memory; takes ownership of `image` (malloc'd) in all cases. */
oclnn_status oclnn__safetensors_parse(unsigned char *image, size_t bytes, oclnn__safetensors **out);
/* Reads and parses `path` (OCLNN_ERROR_IO when it cannot be read). */
oclnn_status oclnn__safetensors_read(const char *path, oclnn__safetensors **out);
/* The tensor called `name`, or NULL. */
const oclnn__st_tensor *oclnn__safetensors_find(const oclnn__safetensors *st, const char *name);
void oclnn__safetensors_free(oclnn__safetensors *st);

#endif
