/* SPDX-License-Identifier: MIT */
/* Public tensor calls: argument checks, storage reference counting, channel views, and the
 * backend calls for transfers. */
#include "core/tensor.h"

#include <stdio.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/handle.h"
#include "core/status.h"

const char *oclnn__layout_name(oclnn_layout l) {
    switch (l) {
    case OCLNN_LAYOUT_AUTO: return "AUTO";
    case OCLNN_LAYOUT_NCHW: return "NCHW";
    case OCLNN_LAYOUT_NHWC: return "NHWC";
    }
    return "?";
}

void oclnn__shape_str(oclnn_shape s, char *buf, size_t size) {
    snprintf(buf, size, "n%uc%uh%uw%u", s.n, s.c, s.h, s.w);
}

void oclnn__dense_strides(oclnn_shape s, uint32_t c_total, oclnn_layout layout, size_t stride[4]) {
    size_t h = s.h, w = s.w, c = c_total;
    if (layout == OCLNN_LAYOUT_NHWC) {
        stride[OCLNN__C] = 1;
        stride[OCLNN__W] = c;
        stride[OCLNN__H] = w * c;
        stride[OCLNN__N] = h * w * c;
    } else {
        stride[OCLNN__W] = 1;
        stride[OCLNN__H] = w;
        stride[OCLNN__C] = h * w;
        stride[OCLNN__N] = c * h * w;
    }
}

bool oclnn__tensor_is_dense(const oclnn_tensor *t) {
    size_t s[4];
    oclnn__dense_strides(t->shape, t->shape.c, t->layout, s);
    return t->offset == 0 && s[0] == t->stride[0] && s[1] == t->stride[1] && s[2] == t->stride[2] &&
           s[3] == t->stride[3];
}

oclnn_status oclnn__check_shape(oclnn_shape s, const char *name) {
    if (!s.n || !s.c || !s.h || !s.w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s (%u,%u,%u,%u) has a zero dimension", name,
                           s.n, s.c, s.h, s.w);
    if (!oclnn__shape_bytes(s, NULL, NULL))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "%s (%u,%u,%u,%u) is too large: its byte size overflows size_t", name, s.n,
                           s.c, s.h, s.w);
    return OCLNN_OK;
}

oclnn_status oclnn__tensor_check(const oclnn_tensor *t, const char *arg_name) {
    if (!t) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", arg_name);
    if (!oclnn__handle_live(t) || t->magic != OCLNN__MAGIC_TENSOR)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is not a live tensor", arg_name);
    if (t->ctx->magic != OCLNN__MAGIC_CONTEXT || !t->ctx->alive)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s belongs to a destroyed context",
                           arg_name);
    return OCLNN_OK;
}

/* Highest element offset t addresses, plus one. */
static size_t extent_end(const oclnn_tensor *t) {
    const uint32_t d[4] = {t->shape.n, t->shape.c, t->shape.h, t->shape.w};
    size_t end = t->offset;
    for (int i = 0; i < 4; i++) end += (size_t)(d[i] - 1) * t->stride[i];
    return end + 1;
}

/* For tensors with equal strides whose offsets are `delta` apart (lo first): true when they are
 * slabs of disjoint channel ranges. That needs the dimensions inside a channel (strides below the
 * channel stride) to fit in one channel step, and both channel ranges to lie within one step of
 * the next dimension out, as for channel views of one parent in either layout. */
static bool disjoint_channels(const oclnn_tensor *lo, const oclnn_tensor *hi, size_t delta) {
    const uint32_t d[4] = {hi->shape.n, hi->shape.c, hi->shape.h, hi->shape.w};
    size_t cs = lo->stride[OCLNN__C], inner = 1, outer = SIZE_MAX;
    if (!cs || delta % cs) return false;
    for (int i = 0; i < 4; i++) {
        if (i == OCLNN__C || d[i] == 1) continue;
        if (lo->stride[i] < cs) inner += (size_t)(d[i] - 1) * lo->stride[i];
        else if (lo->stride[i] < outer) outer = lo->stride[i];
    }
    size_t c0 = delta / cs; /* hi's first channel in lo's channel numbering */
    return inner <= cs && c0 >= lo->shape.c && c0 + hi->shape.c <= outer / cs;
}

oclnn__overlap oclnn__tensor_overlap(const oclnn_tensor *a, const oclnn_tensor *b) {
    if (a->storage != b->storage) return OCLNN__DISJOINT;
    bool same_strides = true;
    for (int i = 0; i < 4; i++) same_strides = same_strides && a->stride[i] == b->stride[i];
    if (same_strides && a->offset == b->offset && oclnn__shape_eq(a->shape, b->shape))
        return OCLNN__SAME_ELEMENTS;
    if (extent_end(a) <= b->offset || extent_end(b) <= a->offset) return OCLNN__DISJOINT;
    if (same_strides) {
        const oclnn_tensor *lo = a->offset <= b->offset ? a : b, *hi = lo == a ? b : a;
        if (disjoint_channels(lo, hi, hi->offset - lo->offset)) return OCLNN__DISJOINT;
    }
    return OCLNN__PARTIAL;
}

oclnn_status oclnn__check_alias(const oclnn_tensor *src, const char *src_name,
                                const oclnn_tensor *dst, const char *dst_name, bool in_place_ok) {
    switch (oclnn__tensor_overlap(src, dst)) {
    case OCLNN__DISJOINT: return OCLNN_OK;
    case OCLNN__SAME_ELEMENTS:
        if (in_place_ok) return OCLNN_OK;
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "%s is %s (they overlap entirely): this op cannot run in place",
                           dst_name, src_name);
    case OCLNN__PARTIAL: break;
    }
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s overlaps %s in memory", dst_name, src_name);
}

static oclnn_status check_layout(oclnn_layout l, const char *name, bool allow_auto) {
    if ((l == OCLNN_LAYOUT_AUTO && allow_auto) || l == OCLNN_LAYOUT_NCHW || l == OCLNN_LAYOUT_NHWC)
        return OCLNN_OK;
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s (%d) is not a valid layout", name, (int)l);
}

oclnn_status oclnn_tensor_create(oclnn_context *ctx, oclnn_shape shape, oclnn_layout layout,
                                 oclnn_tensor **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    OCLNN__TRY(check_layout(layout, "layout", true));
    OCLNN__TRY(oclnn__check_shape(shape, "shape"));
    size_t bytes;
    oclnn__shape_bytes(shape, NULL, &bytes);
    if (ctx->device.max_alloc_bytes && bytes > ctx->device.max_alloc_bytes)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "shape (%u,%u,%u,%u) needs %zu bytes, more than the device's largest "
                           "allocation (%llu bytes)",
                           shape.n, shape.c, shape.h, shape.w, bytes,
                           (unsigned long long)ctx->device.max_alloc_bytes);
    oclnn_tensor *t = oclnn__calloc(ctx->allocator, 1, sizeof *t);
    oclnn__storage *s = oclnn__calloc(ctx->allocator, 1, sizeof *s);
    if (!t || !s) {
        oclnn__free(ctx->allocator, t);
        oclnn__free(ctx->allocator, s);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the tensor object");
    }
    s->refs = 1;
    s->bytes = bytes;
    mtx_lock(&ctx->lock);
    oclnn_status st = oclnn__storage_alloc(ctx, s, "the tensor");
    mtx_unlock(&ctx->lock);
    if (st != OCLNN_OK) {
        oclnn__free(ctx->allocator, t);
        oclnn__free(ctx->allocator, s);
        return st;
    }
    t->magic = OCLNN__MAGIC_TENSOR;
    t->ctx = ctx;
    t->shape = shape;
    t->layout = layout == OCLNN_LAYOUT_AUTO ? ctx->layout : layout;
    oclnn__dense_strides(shape, shape.c, t->layout, t->stride);
    t->storage = s;
    if (!oclnn__handle_add(t)) {
        mtx_lock(&ctx->lock);
        ctx->be->storage_free(ctx, s);
        mtx_unlock(&ctx->lock);
        oclnn__free(ctx->allocator, t);
        oclnn__free(ctx->allocator, s);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot register the tensor");
    }
    oclnn__context_retain(ctx);
    *out = t;
    return OCLNN_OK;
}

oclnn_status oclnn_tensor_view_channels(oclnn_tensor *parent, uint32_t c_offset, uint32_t channels,
                                        oclnn_tensor **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__tensor_check(parent, "parent"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (channels == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "channels is 0");
    if (c_offset >= parent->shape.c || channels > parent->shape.c - c_offset)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "channels [%u, %llu) are outside the parent's %u channels", c_offset,
                           (unsigned long long)c_offset + channels, parent->shape.c);
    oclnn_context *ctx = parent->ctx;
    oclnn_tensor *t = oclnn__calloc(ctx->allocator, 1, sizeof *t);
    if (!t) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the view object");
    *t = *parent;
    t->shape.c = channels;
    t->offset = parent->offset + (size_t)c_offset * parent->stride[OCLNN__C];
    t->is_view = true;
    if (!oclnn__handle_add(t)) {
        oclnn__free(ctx->allocator, t);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot register the view");
    }
    mtx_lock(&ctx->lock);
    t->storage->refs++;
    ctx->refs++;
    mtx_unlock(&ctx->lock);
    *out = t;
    return OCLNN_OK;
}

void oclnn_tensor_destroy(oclnn_tensor *t) {
    /* No OCLNN__ENTER: a destroy cannot fail, so it leaves the last error message alone. */
    if (!t || !oclnn__handle_live(t) || t->magic != OCLNN__MAGIC_TENSOR) return;
    oclnn__handle_remove(t);
    oclnn_context *ctx = t->ctx;
    t->magic = OCLNN__MAGIC_DEAD;
    mtx_lock(&ctx->lock);
    oclnn__storage *s = t->storage;
    bool last = --s->refs == 0;
    if (last) ctx->be->storage_free(ctx, s);
    mtx_unlock(&ctx->lock);
    if (last) oclnn__free(ctx->allocator, s);
    oclnn__free(ctx->allocator, t);
    oclnn__context_release(ctx);
}

oclnn_shape oclnn_tensor_shape(const oclnn_tensor *t) {
    OCLNN__ENTER();
    oclnn_shape zero = {0, 0, 0, 0};
    return oclnn__tensor_check(t, "t") == OCLNN_OK ? t->shape : zero;
}

oclnn_layout oclnn_tensor_layout(const oclnn_tensor *t) {
    OCLNN__ENTER();
    return oclnn__tensor_check(t, "t") == OCLNN_OK ? t->layout : OCLNN_LAYOUT_AUTO;
}

bool oclnn_tensor_is_view(const oclnn_tensor *t) {
    OCLNN__ENTER();
    return oclnn__tensor_check(t, "t") == OCLNN_OK && t->is_view;
}

size_t oclnn_tensor_elements(const oclnn_tensor *t) {
    OCLNN__ENTER();
    if (oclnn__tensor_check(t, "t") != OCLNN_OK) return 0;
    return (size_t)t->shape.n * t->shape.c * t->shape.h * t->shape.w;
}

oclnn_status oclnn_tensor_write(oclnn_tensor *dst, const float *src, oclnn_layout src_layout) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__tensor_check(dst, "dst"));
    if (!src) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "src is NULL");
    OCLNN__TRY(check_layout(src_layout, "src_layout", true));
    oclnn_context *ctx = dst->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->tensor_write(
        dst, src, src_layout == OCLNN_LAYOUT_AUTO ? dst->layout : src_layout);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_tensor_read(const oclnn_tensor *src, float *dst, oclnn_layout dst_layout) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__tensor_check(src, "src"));
    if (!dst) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "dst is NULL");
    OCLNN__TRY(check_layout(dst_layout, "dst_layout", true));
    oclnn_context *ctx = src->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->tensor_read(
        src, dst, dst_layout == OCLNN_LAYOUT_AUTO ? src->layout : dst_layout);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_tensor_copy(const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__tensor_check(src, "src"));
    OCLNN__TRY(oclnn__tensor_check(dst, "dst"));
    if (src->ctx != dst->ctx)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "src and dst belong to different contexts");
    if (!oclnn__shape_eq(src->shape, dst->shape)) {
        char a[64], b[64];
        oclnn__shape_str(src->shape, a, sizeof a);
        oclnn__shape_str(dst->shape, b, sizeof b);
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "src shape %s differs from dst shape %s", a, b);
    }
    if (src == dst) return OCLNN_OK; /* nothing to do */
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    oclnn_context *ctx = dst->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->tensor_copy(src, dst);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_tensor_fill(oclnn_tensor *t, float value) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__tensor_check(t, "t"));
    oclnn_context *ctx = t->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->tensor_fill(t, value);
    mtx_unlock(&ctx->lock);
    return st;
}
