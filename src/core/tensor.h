/* SPDX-License-Identifier: MIT */
/* Tensors are (storage, offset, strides): a channel view shares its parent's storage with another
 * offset, so kernels that honour strides write straight into a concat slice. Storage is
 * reference-counted by the tensors that use it. */
#ifndef OCLNN_CORE_TENSOR_H
#define OCLNN_CORE_TENSOR_H

#include "core/context.h"

#define OCLNN__MAGIC_TENSOR 0x6f54736eu /* "oTsn" */

typedef struct oclnn__storage {
    size_t refs;
    size_t bytes;
    void *mem; /* cl_mem on OpenCL, a host pointer on the C backend */
} oclnn__storage;

enum { OCLNN__N = 0, OCLNN__C = 1, OCLNN__H = 2, OCLNN__W = 3 };

struct oclnn_tensor {
    uint32_t magic;
    oclnn_context *ctx;
    oclnn_shape shape;
    oclnn_layout layout; /* NCHW or NHWC, never AUTO */
    size_t offset;       /* in elements, into storage */
    size_t stride[4];    /* elements per step of n, c, h, w */
    oclnn__storage *storage;
    bool is_view;
    uint32_t depth; /* 0: a 4-D tensor; else a 5-D one whose shape.h holds depth * height (nd.c) */
};

/* Checks a tensor handle given to a public call. */
oclnn_status oclnn__tensor_check(const oclnn_tensor *t, const char *arg_name);
/* Checks a shape given to a public call: no zero dimension, and a byte size that fits size_t.
 * `name` names it in the message ("desc->shape"). */
oclnn_status oclnn__check_shape(oclnn_shape s, const char *name);
/* Strides of a dense tensor of `shape` in `layout` whose storage holds `c_total` channels. */
void oclnn__dense_strides(oclnn_shape shape, uint32_t c_total, oclnn_layout layout, size_t stride[4]);
/* True when t covers its whole storage in its layout's natural order (not a strided view). */
bool oclnn__tensor_is_dense(const oclnn_tensor *t);
/* A dense tensor of `shape` in `layout` (AUTO: the context's) starting `offset` elements into
 * `mem` (a cl_mem or host pointer of storage_bytes), which the new storage owns one reference of
 * (tensor_over.c). The caller has validated everything. */
oclnn_status oclnn__tensor_over(oclnn_context *ctx, oclnn_shape shape, oclnn_layout layout,
                                void *mem, size_t storage_bytes, size_t offset, oclnn_tensor **out);
/* "NCHW" / "NHWC" / "AUTO". */
const char *oclnn__layout_name(oclnn_layout l);
/* Writes "n1c64h56w56" style text for messages. */
void oclnn__shape_str(oclnn_shape s, char *buf, size_t size);
/* How two tensors share memory: not at all, exactly the same elements in the same order (same
 * storage, offset and strides: an in-place run), or some elements otherwise. Channel views of one
 * parent (equal strides, offsets a whole number of channels apart) overlap only when their channel
 * ranges do; anything else on one storage overlaps when its element ranges intersect. This is the
 * one place where aliasing is decided. */
typedef enum oclnn__overlap { OCLNN__DISJOINT, OCLNN__SAME_ELEMENTS, OCLNN__PARTIAL } oclnn__overlap;
oclnn__overlap oclnn__tensor_overlap(const oclnn_tensor *a, const oclnn_tensor *b);
/* A run's aliasing rule for one input/output pair: refuses dst sharing memory with src unless
 * they hold exactly the same elements and in_place_ok; the message names both tensors. */
oclnn_status oclnn__check_alias(const oclnn_tensor *src, const char *src_name,
                                const oclnn_tensor *dst, const char *dst_name, bool in_place_ok);
static inline bool oclnn__shape_eq(oclnn_shape a, oclnn_shape b) {
    return a.n == b.n && a.c == b.c && a.h == b.h && a.w == b.w;
}

/* The 5-D shape of t (depth 1 for a 4-D tensor). */
oclnn_shape3d oclnn__tensor_shape3d(const oclnn_tensor *t);
/* Folds a 5-D shape into the 4-D one that stores it, (n, c, d * h, w); false when d * h does not
 * fit 32 bits. */
bool oclnn__shape3d_fold(oclnn_shape3d s, oclnn_shape *out);

#endif
