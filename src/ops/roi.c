/* SPDX-License-Identifier: MIT */
/* RoI pooling (torchvision.ops.roi_align / roi_pool): argument checks and the per-RoI plan. The
 * plan reproduces torchvision's CPU kernels' float arithmetic step by step (roi_align_kernel.cpp
 * pre_calc_for_bilinear_interpolate, roi_pool_kernel.cpp), so both backends share it and only
 * gather and reduce. */
#include <math.h>
#include <string.h>
#include <stdio.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/status.h"
#include "backend/detect.h"

oclnn_status oclnn_roi_create(oclnn_context *ctx, const oclnn_roi_desc *desc, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (desc->mode != OCLNN_ROI_ALIGN && desc->mode != OCLNN_ROI_POOL)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->mode %d is not an oclnn_roi_mode",
                           (int)desc->mode);
    if (desc->pooled_h == 0 || desc->pooled_w == 0 || desc->pooled_h > 4096 ||
        desc->pooled_w > 4096)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "pooled size %ux%u must be 1 to 4096 on each side", desc->pooled_h,
                           desc->pooled_w);
    if (!isfinite(desc->spatial_scale) || desc->spatial_scale <= 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "spatial_scale %g must be finite and positive", desc->spatial_scale);
    if (desc->sampling_ratio > 1024)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "sampling_ratio %d is above 1024",
                           (int)desc->sampling_ratio);
    if (!ctx->be->detect)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the %s backend has no detection ops",
                           ctx->be->name);
    oclnn_op *op;
    OCLNN__TRY(oclnn__op_new(ctx, OCLNN__OP_ROI, &op));
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->detect->roi_create(op, desc);
    mtx_unlock(&ctx->lock);
    if (st != OCLNN_OK) {
        oclnn__op_free(op);
        return st;
    }
    *out = op;
    return OCLNN_OK;
}

/* Scaled coordinates beyond this would overflow roi_pool's int arithmetic (torchvision's too). */
#define MAX_SCALED_COORD 536870912.0f /* 2^29 */

/* Checks each RoI: a whole batch index in range and finite coordinates that stay in range once
 * scaled. */
static oclnn_status check_rois(const float *rois, size_t num_rois, uint32_t batch, float scale) {
    for (size_t r = 0; r < num_rois; r++) {
        const float *q = rois + 5 * r;
        if (!(q[0] >= 0 && q[0] < (float)batch && q[0] == floorf(q[0])))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "rois[%zu] batch index %g is not a whole number in [0, %u)", r,
                               q[0], batch);
        for (int i = 1; i < 5; i++)
            if (!isfinite(q[i]))
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "rois[%zu] coordinate %d is %g (NaN or infinite)", r, i, q[i]);
            else if (!(fabsf(q[i] * scale) <= MAX_SCALED_COORD))
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "rois[%zu] coordinate %d is %g: times spatial_scale %g it is "
                                   "beyond +-2^29",
                                   r, i, q[i], scale);
    }
    return OCLNN_OK;
}

/* roi_align's sample positions along one axis, as pre_calc_for_bilinear_interpolate computes
 * them: start + p * bin + (i + .5f) * bin / grid, dropped outside [-1, size], clamped, split
 * into low/high neighbours with their weights. */
static void align_axis(float start, float bin, int grid, uint32_t pooled, int size,
                       oclnn__roi_tap *taps) {
    for (uint32_t p = 0; p < pooled; p++)
        for (int i = 0; i < grid; i++) {
            oclnn__roi_tap *t = taps + p * (uint32_t)grid + (uint32_t)i;
            float v = start + (float)p * bin + ((float)i + .5f) * bin / (float)grid;
            if (v < -1.0f || v > (float)size) {
                *t = (oclnn__roi_tap){0, 0, 0.0f, 0.0f};
                continue;
            }
            if (v <= 0) v = 0;
            int lo = (int)v, hi;
            if (lo >= size - 1) {
                hi = lo = size - 1;
                v = (float)lo;
            } else {
                hi = lo + 1;
            }
            float l = v - (float)lo;
            *t = (oclnn__roi_tap){lo, hi, l, 1.0f - l};
        }
}

/* roi_pool's window of bin p: floor/ceil of p * bin, shifted by start and clamped to [0, size]. */
static void pool_axis(int start, float bin, uint32_t pooled, int size, oclnn__roi_tap *taps) {
    for (uint32_t p = 0; p < pooled; p++) {
        int lo = (int)floorf((float)p * bin), hi = (int)ceilf((float)(p + 1) * bin);
        lo = lo + start < 0 ? 0 : lo + start > size ? size : lo + start;
        hi = hi + start < 0 ? 0 : hi + start > size ? size : hi + start;
        taps[p] = (oclnn__roi_tap){lo, hi, 0.0f, 0.0f};
    }
}

/* The adaptive grid can be large for a huge RoI; cap what one RoI may ask for so the plan stays
 * bounded (torchvision would take minutes on such a RoI anyway). */
#define MAX_GRID 65536

/* Makes *p hold at least n elements of `size` bytes (grown by half again; the old contents are
 * not kept) and zeroes the first n. */
static bool reserve(const oclnn_allocator *a, void **p, size_t *cap, size_t n, size_t size) {
    if (n == 0) n = 1;
    if (*cap < n) {
        size_t want = n + n / 2;
        oclnn__free(a, *p);
        *cap = 0;
        *p = oclnn__calloc(a, want, size);
        if (!*p) return false;
        *cap = want;
    }
    memset(*p, 0, n * size);
    return true;
}

/* Builds the plan for these RoIs into the op's kept storage (ro->plan; called with the context
 * locked, so runs of one op from several threads take turns). */
static oclnn_status build_plan(oclnn__roi_op *ro, oclnn_shape map, const float *rois,
                               size_t num_rois, const oclnn_allocator *a) {
    const oclnn_roi_desc *d = &ro->desc;
    oclnn__roi_plan *plan = &ro->plan;
    plan->num_rois = 0;
    plan->num_taps = 0;
    if (!reserve(a, (void **)&plan->items, &ro->items_cap, num_rois, sizeof *plan->items))
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the RoI plan");
    const float scale = d->spatial_scale;
    const int height = (int)map.h, width = (int)map.w;
    /* First pass: geometry and tap counts. */
    if (!reserve(a, (void **)&ro->geo, &ro->geo_cap, num_rois * 4, sizeof *ro->geo))
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the RoI plan");
    float *geo = ro->geo;
    size_t taps = 0;
    for (size_t r = 0; r < num_rois; r++) {
        const float *q = rois + 5 * r;
        oclnn__roi_item *it = plan->items + r;
        it->batch = (int32_t)q[0];
        it->out_row = (uint32_t)r;
        it->grid_h = it->grid_w = 1;
        it->count = 1.0f;
        if (d->mode == OCLNN_ROI_ALIGN) {
            const float offset = d->aligned ? 0.5f : 0.0f;
            float x0 = q[1] * scale - offset, y0 = q[2] * scale - offset;
            float x1 = q[3] * scale - offset, y1 = q[4] * scale - offset;
            float rw = x1 - x0, rh = y1 - y0;
            if (!d->aligned) {
                rw = fmaxf(rw, 1.0f);
                rh = fmaxf(rh, 1.0f);
            }
            float bh = rh / (float)d->pooled_h, bw = rw / (float)d->pooled_w;
            double gh = d->sampling_ratio > 0 ? d->sampling_ratio : ceil(rh / (float)d->pooled_h);
            double gw = d->sampling_ratio > 0 ? d->sampling_ratio : ceil(rw / (float)d->pooled_w);
            if (gh > MAX_GRID || gw > MAX_GRID) {
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "rois[%zu] needs a %gx%g sample grid per bin (more than %d); "
                                   "check spatial_scale or set sampling_ratio",
                                   r, gh, gw, MAX_GRID);
            }
            int igh = (int)gh, igw = (int)gw;
            int count = igh * igw;
            it->count = (float)(count > 1 ? count : 1);
            it->grid_h = igh > 0 ? igh : 0;
            it->grid_w = igw > 0 ? igw : 0;
            geo[4 * r + 0] = y0;
            geo[4 * r + 1] = bh;
            geo[4 * r + 2] = x0;
            geo[4 * r + 3] = bw;
        }
        it->y_off = (uint32_t)taps;
        taps += (size_t)d->pooled_h * (size_t)it->grid_h;
        it->x_off = (uint32_t)taps;
        taps += (size_t)d->pooled_w * (size_t)it->grid_w;
        if (taps > UINT32_MAX / 2) {
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "the RoIs need more than 2^31 samples");
        }
    }
    if (!reserve(a, (void **)&plan->taps, &ro->taps_cap, taps, sizeof *plan->taps))
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the RoI plan (%zu taps)",
                           taps);
    plan->num_rois = num_rois;
    plan->num_taps = taps;
    for (size_t r = 0; r < num_rois; r++) {
        const float *q = rois + 5 * r;
        oclnn__roi_item *it = plan->items + r;
        if (d->mode == OCLNN_ROI_ALIGN) {
            align_axis(geo[4 * r + 0], geo[4 * r + 1], it->grid_h, d->pooled_h, height,
                       plan->taps + it->y_off);
            align_axis(geo[4 * r + 2], geo[4 * r + 3], it->grid_w, d->pooled_w, width,
                       plan->taps + it->x_off);
        } else {
            int x0 = (int)roundf(q[1] * scale), y0 = (int)roundf(q[2] * scale);
            int x1 = (int)roundf(q[3] * scale), y1 = (int)roundf(q[4] * scale);
            int rw = x1 - x0 + 1 > 1 ? x1 - x0 + 1 : 1, rh = y1 - y0 + 1 > 1 ? y1 - y0 + 1 : 1;
            pool_axis(y0, (float)rh / (float)d->pooled_h, d->pooled_h, height,
                      plan->taps + it->y_off);
            pool_axis(x0, (float)rw / (float)d->pooled_w, d->pooled_w, width,
                      plan->taps + it->x_off);
        }
    }
    return OCLNN_OK;
}


static oclnn_status check_out(const char *name, const oclnn_tensor *t, const oclnn_tensor *src,
                              const oclnn_roi_desc *d, size_t num_rois) {
    OCLNN__TRY(oclnn__tensor_check(t, name));
    if (t->ctx != src->ctx)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s and src belong to different contexts",
                           name);
    oclnn_shape s = t->shape;
    if (s.c != src->shape.c || s.h != d->pooled_h || s.w != d->pooled_w || s.n < num_rois) {
        char a[64];
        oclnn__shape_str(s, a, sizeof a);
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "%s shape %s must be (R >= %zu, %u, %u, %u): num_rois, src channels, "
                           "pooled size",
                           name, a, num_rois, src->shape.c, d->pooled_h, d->pooled_w);
    }
    return oclnn__check_alias(src, "src", t, name, false);
}

oclnn_status oclnn_roi_run(oclnn_op *op, const oclnn_tensor *src, const float *rois,
                           size_t num_rois, oclnn_tensor *dst, oclnn_tensor *argmax) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_ROI, "op"));
    OCLNN__TRY(oclnn__tensor_check(src, "src"));
    if (src->ctx != op->ctx)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "src belongs to another context than op");
    const oclnn__roi_op *ro = op->impl;
    if (ro->multiscale)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "op is a multi-level RoIAlign: run it with oclnn_msroi_run");
    const oclnn_roi_desc *d = &ro->desc;
    OCLNN__TRY(check_out("dst", dst, src, d, num_rois));
    if (argmax) {
        if (d->mode != OCLNN_ROI_POOL)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "argmax is only for OCLNN_ROI_POOL");
        OCLNN__TRY(check_out("argmax", argmax, src, d, num_rois));
        OCLNN__TRY(oclnn__check_alias(dst, "dst", argmax, "argmax", false));
    }
    if (num_rois == 0) return OCLNN_OK;
    if (!rois)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "rois is NULL for %zu RoIs", num_rois);
    if (src->shape.h > INT32_MAX / 2 || src->shape.w > INT32_MAX / 2)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "src is too large for RoI indexing");
    OCLNN__TRY(check_rois(rois, num_rois, src->shape.n, d->spatial_scale));
    oclnn_context *ctx = op->ctx;
    oclnn__roi_op *kept = op->impl; /* the plan's storage stays on the op */
    mtx_lock(&ctx->lock);
    oclnn_status st = build_plan(kept, src->shape, rois, num_rois, ctx->allocator);
    if (st == OCLNN_OK) st = ctx->be->detect->roi_run(op, src, &kept->plan, dst, argmax);
    mtx_unlock(&ctx->lock);
    return st;
}

/* ---- Multi-level RoIAlign (torchvision.ops.MultiScaleRoIAlign) ----------------------------- */

oclnn_msroi_desc oclnn_msroi_desc_default(void) { return (oclnn_msroi_desc)OCLNN_MSROI_DESC_INIT; }

oclnn_status oclnn_msroi_create(oclnn_context *ctx, const oclnn_msroi_desc *desc, oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (desc->num_levels == 0 || desc->num_levels > OCLNN_DETECT_MAX_LEVELS)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->num_levels %u must be 1 to %d",
                           desc->num_levels, OCLNN_DETECT_MAX_LEVELS);
    if (!isfinite(desc->canonical_size) || desc->canonical_size <= 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->canonical_size %g must be finite and positive",
                           desc->canonical_size);
    if (!isfinite(desc->canonical_level) || !isfinite(desc->eps))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->canonical_level %g and desc->eps %g must be finite",
                           desc->canonical_level, desc->eps);
    oclnn_roi_desc rd = {OCLNN_ROI_ALIGN, desc->pooled_h, desc->pooled_w, 1.0f,
                         desc->sampling_ratio, desc->aligned};
    oclnn_op *op;
    OCLNN__TRY(oclnn_roi_create(ctx, &rd, &op));
    oclnn__roi_op *ro = op->impl;
    ro->multiscale = true;
    ro->ms = *desc;
    op->algo = "multiscale_roi_align";
    *out = op;
    return OCLNN_OK;
}

/* torchvision's MultiScaleRoIAlign._infer_scale for one axis: 2^round(log2(feature / image)),
 * the ratio taken in double, its log2 and rounding in float (torch.tensor of a Python float). */
static float infer_scale(uint32_t feature, uint32_t image) {
    float approx = (float)((double)feature / (double)image);
    return exp2f(nearbyintf(log2f(approx)));
}

oclnn_status oclnn_msroi_run(oclnn_op *op, const oclnn_tensor *const *levels,
                             oclnn_image_size image_size, const float *rois, size_t num_rois,
                             oclnn_tensor *dst, int32_t *level_of) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_ROI, "op"));
    oclnn__roi_op *ro = op->impl;
    if (!ro->multiscale)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "op is a single-level RoI operator: run it with oclnn_roi_run");
    const oclnn_msroi_desc *md = &ro->ms;
    if (!levels) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "levels is NULL");
    if (image_size.h == 0 || image_size.w == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "image_size %ux%u has a zero side",
                           image_size.h, image_size.w);
    const uint32_t L = md->num_levels;
    float scales[OCLNN_DETECT_MAX_LEVELS];
    for (uint32_t l = 0; l < L; l++) {
        char name[32];
        snprintf(name, sizeof name, "levels[%u]", l);
        OCLNN__TRY(oclnn__tensor_check(levels[l], name));
        if (levels[l]->ctx != op->ctx)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s belongs to another context than op", name);
        if (levels[l]->shape.n != levels[0]->shape.n || levels[l]->shape.c != levels[0]->shape.c)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s has N %u, C %u; levels[0] has N %u, C %u", name,
                               levels[l]->shape.n, levels[l]->shape.c, levels[0]->shape.n,
                               levels[0]->shape.c);
        if (levels[l]->shape.h > INT32_MAX / 2 || levels[l]->shape.w > INT32_MAX / 2)
            return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "%s is too large for RoI indexing", name);
        float sh = infer_scale(levels[l]->shape.h, image_size.h);
        float sw = infer_scale(levels[l]->shape.w, image_size.w);
        if (sh != sw)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s (%ux%u) for image %ux%u: scale %g by height, %g by width", name,
                               levels[l]->shape.h, levels[l]->shape.w, image_size.h, image_size.w,
                               sh, sw);
        scales[l] = sh;
        if (l > 0 && scales[l] * 2.0f != scales[l - 1])
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s has scale %g, levels[%u] %g: each level must halve the one "
                               "before (finest first)",
                               name, scales[l], l - 1, scales[l - 1]);
    }
    oclnn_roi_desc d = ro->desc;
    OCLNN__TRY(check_out("dst", dst, levels[0], &d, num_rois));
    for (uint32_t l = 0; l < L; l++)
        OCLNN__TRY(oclnn__check_alias(levels[l], "levels", dst, "dst", false));
    if (num_rois == 0) return OCLNN_OK;
    if (!rois)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "rois is NULL for %zu RoIs", num_rois);
    /* The tightest scale is the finest level's: checking there covers every level. */
    OCLNN__TRY(check_rois(rois, num_rois, levels[0]->shape.n, scales[0]));
    /* LevelMapper: floor(lvl0 + log2(sqrt(area) / s0) + eps) in float, clamped to [k_min, k_max];
     * a NaN (negative area) goes to k_min. */
    const float k_min = -log2f(scales[0]), k_max = -log2f(scales[L - 1]);
    oclnn_context *ctx = op->ctx;
    const oclnn_allocator *a = ctx->allocator;
    int32_t *lv = oclnn__calloc(a, num_rois, sizeof *lv);
    uint32_t *idx = oclnn__calloc(a, num_rois, sizeof *idx);
    float *sub = oclnn__calloc(a, num_rois * 5, sizeof *sub);
    oclnn_status st = OCLNN_OK;
    if (!lv || !idx || !sub) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the level map of %zu RoIs",
                         num_rois);
        goto done;
    }
    for (size_t r = 0; r < num_rois; r++) {
        const float *q = rois + 5 * r;
        float s = sqrtf((q[3] - q[1]) * (q[4] - q[2]));
        float t = floorf(md->canonical_level + log2f(s / md->canonical_size) + md->eps);
        t = !(t >= k_min) ? k_min : t > k_max ? k_max : t;
        lv[r] = (int32_t)(t - k_min);
        if (level_of) level_of[r] = lv[r];
    }
    for (uint32_t l = 0; l < L && st == OCLNN_OK; l++) {
        size_t m = 0;
        for (size_t r = 0; r < num_rois; r++)
            if (lv[r] == (int32_t)l) {
                idx[m] = (uint32_t)r;
                for (int k = 0; k < 5; k++) sub[5 * m + k] = rois[5 * r + k];
                m++;
            }
        if (!m) continue;
        /* The op keeps the plan's storage: build it with this level's scale under the lock. */
        mtx_lock(&ctx->lock);
        ro->desc.spatial_scale = scales[l];
        st = build_plan(ro, levels[l]->shape, sub, m, a);
        if (st == OCLNN_OK) {
            for (size_t i = 0; i < m; i++) ro->plan.items[i].out_row = idx[i];
            st = ctx->be->detect->roi_run(op, levels[l], &ro->plan, dst, NULL);
        }
        ro->desc.spatial_scale = 1.0f;
        mtx_unlock(&ctx->lock);
    }
done:
    oclnn__free(a, lv);
    oclnn__free(a, idx);
    oclnn__free(a, sub);
    return st;
}
