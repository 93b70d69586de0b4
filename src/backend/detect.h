/* SPDX-License-Identifier: MIT */
/* The detection family's internal table and the data the backend-neutral code hands to it.
 *
 * RoI pooling is split in two: src/ops/roi.c turns each RoI into a plan with torchvision's exact
 * float arithmetic (bin boundaries for roi_pool; per-axis bilinear samples for roi_align, which
 * are separable because a sample is dropped when either of its coordinates is out of range), and
 * a backend only gathers and reduces. So the rounding-sensitive part is written once, and the
 * kernels need no division. NMS is split likewise: src/ops/nms.c filters and stable-sorts, a
 * backend decides which of the sorted boxes survive. */
#ifndef OCLNN_BACKEND_DETECT_H
#define OCLNN_BACKEND_DETECT_H

#include <math.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/op.h"
#include "core/tensor.h"

/* One sample position along an axis (ALIGN) or one bin's [lo, hi) window (POOL).
 * ALIGN: the value is h * v[lo] + l * v[hi] along this axis; l = h = 0 for a dropped sample. */
typedef struct oclnn__roi_tap {
    int32_t lo, hi;
    float l, h;
} oclnn__roi_tap;

/* Per RoI: its image, its sample grid per bin (1 x 1 for POOL), the divisor (ALIGN), where
 * its taps start: pooled_h * grid_h y-taps at y_off, pooled_w * grid_w x-taps at x_off, and the
 * dst row it writes (out_row: its own index for oclnn_roi_run, its index among all RoIs for a
 * multi-level run that pools one level's RoIs at a time). first_sample is the OpenCL backend's. */
typedef struct oclnn__roi_item {
    int32_t batch, grid_h, grid_w;
    float count;
    uint32_t y_off, x_off;
    uint32_t first_sample, out_row; /* 32 bytes: kernels read it as int[8] */
} oclnn__roi_item;

/* An ALIGN sample expanded for a given map: element offsets within a plane of its four
 * neighbours (y_lo x_lo, y_lo x_hi, y_hi x_lo, y_hi x_hi) and their weights, the products
 * torchvision forms (w1 = hy * hx, ...). */
typedef struct oclnn__roi_sample {
    int32_t o[4];
    float w[4];
} oclnn__roi_sample;

typedef struct oclnn__roi_plan {
    size_t num_rois, num_taps;
    oclnn__roi_item *items;
    oclnn__roi_tap *taps;
} oclnn__roi_plan;

/* Expands ALIGN RoI `it`'s taps into pooled_h * pooled_w * grid_h * grid_w samples (bins in
 * (ph, pw) order, samples (iy, ix) within a bin) for a plane with row stride sh and column
 * stride sw; offsets must fit int32 (the caller checks). */
void oclnn__roi_expand(const oclnn__roi_item *it, const oclnn__roi_tap *taps, uint32_t pooled_h,
                       uint32_t pooled_w, size_t sh, size_t sw, oclnn__roi_sample *out);

/* State of an RoI op shared by the backends (op->impl points to a backend struct whose first
 * member is this). */
typedef struct oclnn__roi_op {
    oclnn_roi_desc desc;
    /* The host plan's storage, kept and grown across runs (src/ops/roi.c builds into it under
     * the context's lock); the backends' destroy calls oclnn__roi_op_fini. */
    oclnn__roi_plan plan;
    size_t items_cap, taps_cap, geo_cap;
    float *geo;
    /* Set by ops/roi.c for oclnn_msroi_create (backends leave them zero): desc is then the
     * template whose spatial_scale each level's run replaces. */
    bool multiscale;
    oclnn_msroi_desc ms;
} oclnn__roi_op;

/* Frees the kept plan of `r` (not `r` itself). */
static inline void oclnn__roi_op_fini(const oclnn_allocator *a, oclnn__roi_op *r) {
    oclnn__free(a, r->plan.items);
    oclnn__free(a, r->plan.taps);
    oclnn__free(a, r->geo);
}

/* Torchvision's IoU of two boxes in float, the exact operation order of its CPU nms kernel:
 * areas first, then (area_i + area_j) - inter, one correctly rounded division. */
static inline float oclnn__box_area(const float *b) { return (b[2] - b[0]) * (b[3] - b[1]); }
static inline float oclnn__iou_f32(const float *a, float area_a, const float *b, float area_b) {
    float xx1 = a[0] > b[0] ? a[0] : b[0], yy1 = a[1] > b[1] ? a[1] : b[1];
    float xx2 = a[2] < b[2] ? a[2] : b[2], yy2 = a[3] < b[3] ? a[3] : b[3];
    float w = xx2 - xx1, h = yy2 - yy1;
    w = w > 0.0f ? w : 0.0f;
    h = h > 0.0f ? h : 0.0f;
    float inter = w * h;
    return inter / (area_a + area_b - inter);
}

/* torchvision compares the float IoU with a double threshold; for a float x, x > t holds exactly
 * when x > (the largest float <= t), so that float threshold gives the same decisions. */
static inline float oclnn__nms_float_threshold(double t) {
    float f = (float)t;
    if ((double)f > t) f = nextafterf(f, -INFINITY);
    return f;
}

/* Proposal generation (oclnn_rpn_proposals), validated and prepared by src/ops/detect_pipeline.c.
 * Level l's maps: objectness (N, A, H, W) logits and deltas (N, 4A, H, W), anchor index
 * (y * W + x) * A + a (torchvision's (H, W, A) order). obj_host / del_host are NULL, or dense NCHW
 * host copies of the maps that the C backend reads instead of the tensors (the fallback of a
 * device that returned OCLNN_ERROR_UNSUPPORTED). */
typedef struct oclnn__rpn_level {
    const oclnn_tensor *obj, *del;
    const float *obj_host, *del_host;
    uint32_t h, w;
    uint32_t stride_h, stride_w; /* AnchorGenerator's: padded size // map size */
    size_t k;                    /* candidates per image: min(H * W * A, pre_nms_top_n) */
    size_t first;                /* sum of the k of the levels before: where its candidates start */
} oclnn__rpn_level;

#define OCLNN__RPN_MAX_ANCHORS 64 /* per cell: num_sizes x num_ratios, each at most 8 */

typedef struct oclnn__rpn_problem {
    uint32_t num_levels, num_images, A;
    oclnn__rpn_level level[OCLNN_DETECT_MAX_LEVELS];
    /* Base anchors (x1, y1, x2, y2) of a cell at the origin, per level (oclnn_anchors). */
    float base[OCLNN_DETECT_MAX_LEVELS][4 * OCLNN__RPN_MAX_ANCHORS];
    const oclnn_image_size *sizes; /* num_images resized image sizes (clip bounds) */
    oclnn_box_coder coder;
    float nms_thr;                 /* oclnn__nms_float_threshold(desc->nms_threshold) */
    float score_threshold, min_size;
    size_t post;                   /* post_nms_top_n: the output's stride per image */
    size_t cap;                    /* candidates per image: sum of the levels' k */
} oclnn__rpn_problem;

typedef struct oclnn__detect_family {
    /* Fills op->impl / op->impl_destroy / op->algo for an RoI op (desc already validated). */
    oclnn_status (*roi_create)(oclnn_op *op, const oclnn_roi_desc *desc);
    /* dst rows [0, plan->num_rois) from src; argmax may be NULL. */
    oclnn_status (*roi_run)(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                            oclnn_tensor *dst, oclnn_tensor *argmax);
    /* Greedy NMS over n boxes already sorted by rank: sets keep[i] = 1 for survivors, 0 for the
     * rest, stopping once max_keep are kept (the rest get 0). classes may be NULL. A box
     * suppresses a later one when iou_f32 > thr (thr: the float threshold equivalent to
     * torchvision's double comparison). */
    oclnn_status (*nms)(oclnn_context *ctx, const float *boxes, const int32_t *classes, size_t n,
                        float thr, size_t max_keep, uint8_t *keep);
    /* torchvision's RPN filter_proposals on prepared maps: per level and image the k best anchors
     * by logit (ties: lower index first), decoded (coder, clip), clipped to the image, sigmoid,
     * small boxes and scores below the threshold dropped, greedy NMS per level (at most post
     * kept per level), then the best post of all levels by score (ties: lower level, then
     * higher logit rank). Writes image i's boxes at boxes + 4 * i * post (scores likewise; scores
     * may be NULL) and counts[i]; nothing past counts[i]. A NaN logit gives
     * OCLNN_ERROR_INVALID_ARGUMENT naming level, image and anchor; OCLNN_ERROR_UNSUPPORTED means
     * the device cannot take the problem (the caller runs the C backend's on host copies). */
    oclnn_status (*rpn_proposals)(oclnn_context *ctx, const oclnn__rpn_problem *p, float *boxes,
                                  float *scores, size_t *counts);
} oclnn__detect_family;

extern const oclnn__detect_family oclnn__detect_opencl, oclnn__detect_cpu;

#endif
