/* SPDX-License-Identifier: MIT */
/* NumPy .npy files of float32 in C order ('<f4', fortran_order False), versions 1 to 3: enough
 * to exchange a network's input and output with PyTorch. */
#ifndef OCLNN_TOOL_NPY_H
#define OCLNN_TOOL_NPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_DIMS 8

typedef struct npy_array {
    int ndim;
    uint64_t shape[NPY_MAX_DIMS];
    size_t count;
    float *data; /* malloc'd */
} npy_array;

/* Reads `path` (a regular file: FIFOs and devices are refused, never waited on); on failure
 * returns false and writes a message naming the file into err. */
bool npy_read(const char *path, npy_array *out, char *err, size_t err_size);
/* Parses a whole file image (the fuzz target's entry); `path` names it in messages. */
bool npy_parse(unsigned char *file, size_t size, const char *path, npy_array *out, char *err,
               size_t err_size);
/* Writes count = prod(shape) floats; false (message in err) on failure. */
bool npy_write(const char *path, const float *data, int ndim, const uint64_t *shape, char *err, size_t err_size);

/* issue 19: views a (N, C, L) array as (N, C, 1, L) and, when depth > 0, an (N, C, depth, H, W)
 * array as (N, C, depth * H, W): the 4-D input of a 1-D or 3-D network. False when the array is 5-D
 * of another depth (or depth is set and it is not 5-D). */
bool npy_fold4(npy_array *a, uint32_t depth);

#endif
