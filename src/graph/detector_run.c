/* SPDX-License-Identifier: MIT */
/* Running a detector (see detector.c for the stages): the nets compiled for the padded batch
 * shape on first use, then transform, backbone, RPN, RoI heads, post-processing and masks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/context.h"
#include "core/handle.h"
#include "core/safetensors.h"
#include "core/status.h"
#include "core/tensor.h"
#include "graph/detector_state.h"
#include "graph/net.h"

void oclnn__detector_release_compiled(oclnn_detector *det) {
    const oclnn_allocator *al = det->ctx->allocator;
    oclnn_net_destroy(det->bnet);
    for (int l = 0; l < OCLNN__FPN_LEVELS; l++) oclnn_net_destroy(det->rnet[l]);
    oclnn_net_destroy(det->hnet);
    oclnn_net_destroy(det->mnet);
    det->bnet = det->hnet = det->mnet = NULL;
    det->mchunk = 0;
    memset(det->rnet, 0, sizeof det->rnet);
    float **fl[] = {&det->input, &det->proposals, &det->pscores, &det->rois, &det->packed,
                    &det->logits, &det->regression, &det->boxes, &det->scores, &det->mrois, &det->mlogits};
    for (size_t i = 0; i < sizeof fl / sizeof *fl; i++) {
        oclnn__free(al, *fl[i]);
        *fl[i] = NULL;
    }
    oclnn__free(al, det->labels);
    oclnn__free(al, det->pcounts);
    oclnn__free(al, det->counts);
    oclnn__free(al, det->sizes);
    oclnn__free(al, det->results);
    oclnn__free(al, det->mdet);
    det->mdet = NULL;
    det->labels = NULL;
    det->pcounts = det->counts = NULL;
    det->sizes = NULL;
    det->results = NULL;
    det->images = 0;
    det->shape = (oclnn_shape){0, 0, 0, 0};
}

static oclnn_status compile(oclnn_detector *det, oclnn_shape shape) {
    const oclnn_allocator *al = det->ctx->allocator;
    oclnn__detector_release_compiled(det);
    size_t n = shape.n, post = det->opt.rpn_post_nms_top_n, d = det->opt.box_detections_per_img;
    size_t k = det->opt.num_classes, r = n * post;
    OCLNN__TRY(oclnn__net_create_keep(det->ctx, det->backbone, shape, det->levels, OCLNN__FPN_LEVELS, &det->bnet));
    for (int l = 0; l < OCLNN__FPN_LEVELS; l++) {
        oclnn_shape ls = oclnn_tensor_shape(oclnn__net_value(det->bnet, det->levels[l]));
        OCLNN__TRY(oclnn__net_create_keep(det->ctx, det->rpn, ls, &det->rpn_cls, 1, &det->rnet[l]));
    }
    if (r > UINT32_MAX) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "too many RoIs per batch");
    oclnn_shape hs = {(uint32_t)r, OCLNN__FPN_CHANNELS, OCLNN__BOX_POOL, OCLNN__BOX_POOL};
    OCLNN__TRY(oclnn__net_create_keep(det->ctx, det->box, hs, &det->box_cls, 1, &det->hnet));
    det->input = oclnn__alloc(al, n * 3 * shape.h * shape.w * sizeof(float));
    det->proposals = oclnn__alloc(al, r * 4 * sizeof(float));
    det->pscores = oclnn__alloc(al, r * sizeof(float));
    det->rois = oclnn__alloc(al, r * 5 * sizeof(float));
    det->packed = oclnn__alloc(al, r * 4 * sizeof(float));
    det->logits = oclnn__alloc(al, r * k * sizeof(float));
    det->regression = oclnn__alloc(al, r * k * 4 * sizeof(float));
    det->boxes = oclnn__alloc(al, n * d * 4 * sizeof(float));
    det->scores = oclnn__alloc(al, n * d * sizeof(float));
    det->labels = oclnn__alloc(al, n * d * sizeof(int32_t));
    det->pcounts = oclnn__alloc(al, n * sizeof(size_t));
    det->counts = oclnn__alloc(al, n * sizeof(size_t));
    det->sizes = oclnn__alloc(al, n * sizeof(oclnn_image_size));
    det->results = oclnn__calloc(al, n, sizeof(oclnn_detections));
    if (det->mask) {
        size_t all = n * d;
        size_t chunks = (all + MASK_CHUNK - 1) / MASK_CHUNK; /* equal chunks: 100 detections run as 4 x 25 */
        det->mchunk = (uint32_t)((all + chunks - 1) / chunks);
        oclnn_shape ms = {det->mchunk, OCLNN__FPN_CHANNELS, OCLNN__MASK_POOL, OCLNN__MASK_POOL};
        OCLNN__TRY(oclnn_net_create(det->ctx, det->mask, ms, &det->mnet));
        det->mrois = oclnn__alloc(al, all * 5 * sizeof(float));
        det->mlogits = oclnn__alloc(al, (size_t)det->mchunk * k * OCLNN__MASK_SIZE * OCLNN__MASK_SIZE * sizeof(float));
        det->mdet = oclnn__alloc(al, all * sizeof(size_t));
        if (!det->mrois || !det->mlogits || !det->mdet)
            return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the mask head's buffers");
    }
    if (!det->input || !det->proposals || !det->pscores || !det->rois || !det->packed || !det->logits ||
        !det->regression || !det->boxes || !det->scores || !det->labels || !det->pcounts || !det->counts ||
        !det->sizes || !det->results)
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the detector's buffers");
    det->shape = shape;
    return OCLNN_OK;
}

/* Finishes the queue and adds the time since *t0 to stage s (profiled runs only). */
static oclnn_status lap(oclnn_detector *det, bool profile, oclnn_detector_stage s, double *t0) {
    if (!profile) return OCLNN_OK;
    OCLNN__TRY(oclnn_context_finish(det->ctx));
    double t = oclnn__now_ms();
    det->stage_ms[s] += t - *t0;
    *t0 = t;
    return OCLNN_OK;
}

/* The backbone net, profiled layer by layer into the backbone and FPN stages. */
static oclnn_status run_backbone(oclnn_detector *det, bool profile) {
    if (!profile) return oclnn_net_run(det->bnet);
    OCLNN__TRY(oclnn_net_run_profiled(det->bnet));
    size_t layers = oclnn_net_layer_count(det->bnet);
    for (size_t i = 0; i < layers; i++) {
        oclnn_net_layer_info li;
        OCLNN__TRY(oclnn_net_layer(det->bnet, i, &li));
        bool fpn = !strncmp(li.name, "backbone.fpn", 12);
        det->stage_ms[fpn ? OCLNN_DETECTOR_STAGE_FPN : OCLNN_DETECTOR_STAGE_BACKBONE] += li.ms;
    }
    return OCLNN_OK;
}

/* Mask R-CNN's masks: the mask head on the `rois` detections in det->mrois (MASK_CHUNK at a
 * time), then each detection's mask of its label pasted at the original size, thresholded at 0.5
 * (torchvision's maskrcnn_inference + paste_masks_in_image; the boxes are already scaled). */
static oclnn_status run_masks(oclnn_detector *det, const oclnn_image *images, size_t count,
                              const oclnn_tensor *const *levels, oclnn_image_size largest, size_t rois, bool profile,
                              double *t0) {
    const oclnn_allocator *al = det->ctx->allocator;
    size_t dpi = det->opt.box_detections_per_img, k = det->opt.num_classes, need = 1, at[4096];
    for (size_t i = 0; i < count; i++) {
        at[i] = need - 1;
        need += det->counts[i] * images[i].height * images[i].width;
    }
    if (need > det->masks_cap) {
        float *m = oclnn__alloc(al, need * sizeof(float));
        if (!m) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu floats of masks", need);
        oclnn__free(al, det->masks);
        det->masks = m;
        det->masks_cap = need;
    }
    for (size_t i = 0; i < count; i++) det->results[i].masks = det->masks + at[i];
    const size_t mm = (size_t)OCLNN__MASK_SIZE * OCLNN__MASK_SIZE;
    const oclnn_mask_paste_desc pd = OCLNN_MASK_PASTE_DESC_INIT; /* sigmoid, padding 1, > 0.5 */
    for (size_t s = 0; s < rois; s += det->mchunk) {
        size_t c = rois - s < det->mchunk ? rois - s : det->mchunk;
        OCLNN__TRY(oclnn_msroi_run(det->mask_msroi, levels, largest, det->mrois + s * 5, c, oclnn_net_input(det->mnet),
                                   NULL));
        OCLNN__TRY(oclnn_net_run(det->mnet));
        OCLNN__TRY(oclnn_tensor_read(oclnn_net_output(det->mnet), det->mlogits, OCLNN_LAYOUT_NCHW));
        OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_ROI_HEADS, t0));
        for (size_t r = 0; r < c; r++) {
            size_t d = det->mdet[s + r], i = d / dpi, j = d % dpi;
            const oclnn_image *im = &images[i];
            OCLNN__TRY(oclnn_mask_paste(&pd, det->mlogits + r * k * mm, 1, (uint32_t)k, OCLNN__MASK_SIZE,
                                        det->labels + d, det->boxes + d * 4, im->height, im->width,
                                        det->masks + at[i] + j * (size_t)im->height * im->width));
        }
        OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_POST, t0));
    }
    return OCLNN_OK;
}

/* transform: the resized sizes, the nets compiled for the padded batch (when its shape changed),
 * then the normalised, resized, zero-padded batch written to the backbone's input. */
static oclnn_status transform(oclnn_detector *det, const oclnn_image *images, size_t count, bool profile,
                              double *t0, oclnn_shape *out) {
    const oclnn_detector_options *o = &det->opt;
    uint32_t mh = 0, mw = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t rh, rw;
        oclnn__detector_resized_size(images[i].height, images[i].width, o->min_size, o->max_size, &rh, &rw);
        if (rh > mh) mh = rh;
        if (rw > mw) mw = rw;
    }
    oclnn_shape shape = {(uint32_t)count, 3, (mh + PAD_STRIDE - 1) / PAD_STRIDE * PAD_STRIDE,
                         (mw + PAD_STRIDE - 1) / PAD_STRIDE * PAD_STRIDE};
    if (!oclnn__shape_eq(shape, det->shape)) {
        oclnn_status st = compile(det, shape);
        if (st != OCLNN_OK) {
            oclnn__detector_release_compiled(det);
            return st;
        }
    }
    size_t plane = (size_t)shape.h * shape.w;
    memset(det->input, 0, count * 3 * plane * sizeof(float));
    for (size_t i = 0; i < count; i++) {
        uint32_t rh, rw;
        oclnn__detector_resized_size(images[i].height, images[i].width, o->min_size, o->max_size, &rh, &rw);
        det->sizes[i] = (oclnn_image_size){rh, rw};
        oclnn__detector_transform(images[i].data, images[i].height, images[i].width, rh, rw,
                                  det->input + i * 3 * plane, shape.h, shape.w);
    }
    OCLNN__TRY(oclnn_tensor_write(oclnn_net_input(det->bnet), det->input, OCLNN_LAYOUT_NCHW));
    OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_TRANSFORM, t0));
    *out = shape;
    return OCLNN_OK;
}

/* rpn: the head's net per level on the backbone's pyramid `levels`, then the proposals. */
static oclnn_status run_rpn(oclnn_detector *det, oclnn_shape shape, bool profile, double *t0,
                            const oclnn_tensor *levels[OCLNN__FPN_LEVELS]) {
    const oclnn_detector_options *o = &det->opt;
    const oclnn_tensor *objectness[OCLNN__FPN_LEVELS], *deltas[OCLNN__FPN_LEVELS];
    for (int l = 0; l < OCLNN__FPN_LEVELS; l++) {
        levels[l] = oclnn__net_value(det->bnet, det->levels[l]);
        OCLNN__TRY(oclnn_tensor_copy(levels[l], oclnn_net_input(det->rnet[l])));
        OCLNN__TRY(oclnn_net_run(det->rnet[l]));
        objectness[l] = oclnn__net_value(det->rnet[l], det->rpn_cls);
        deltas[l] = oclnn_net_output(det->rnet[l]);
    }
    oclnn_rpn_desc rd = oclnn_rpn_desc_default();
    rd.pre_nms_top_n = o->rpn_pre_nms_top_n;
    rd.post_nms_top_n = o->rpn_post_nms_top_n;
    rd.nms_threshold = o->rpn_nms_thresh;
    rd.score_threshold = o->rpn_score_thresh;
    OCLNN__TRY(oclnn_rpn_proposals(det->ctx, &rd, objectness, deltas, det->sizes, shape.h, shape.w,
                                   det->proposals, det->pscores, det->pcounts));
    return lap(det, profile, OCLNN_DETECTOR_STAGE_RPN, t0);
}

/* roi heads: the proposals as RoIs, image after image, pooled into the box head's net; *largest
 * is the largest resized size. */
static oclnn_status run_box_head(oclnn_detector *det, size_t count, const oclnn_tensor *const *levels, bool profile,
                                 double *t0, oclnn_image_size *largest_out) {
    size_t post = det->opt.rpn_post_nms_top_n, total = 0;
    oclnn_image_size largest = {0, 0};
    for (size_t i = 0; i < count; i++) {
        for (size_t j = 0; j < det->pcounts[i]; j++, total++) {
            const float *b = det->proposals + (i * post + j) * 4;
            det->rois[total * 5] = (float)i;
            memcpy(det->rois + total * 5 + 1, b, 4 * sizeof(float));
            memcpy(det->packed + total * 4, b, 4 * sizeof(float));
        }
        if (det->sizes[i].h > largest.h) largest.h = det->sizes[i].h;
        if (det->sizes[i].w > largest.w) largest.w = det->sizes[i].w;
    }
    *largest_out = largest;
    if (total) {
        OCLNN__TRY(oclnn_msroi_run(det->msroi, levels, largest, det->rois, total, oclnn_net_input(det->hnet), NULL));
        OCLNN__TRY(oclnn_net_run(det->hnet));
        OCLNN__TRY(oclnn_tensor_read(oclnn__net_value(det->hnet, det->box_cls), det->logits, OCLNN_LAYOUT_NCHW));
        OCLNN__TRY(oclnn_tensor_read(oclnn_net_output(det->hnet), det->regression, OCLNN_LAYOUT_NCHW));
    }
    return lap(det, profile, OCLNN_DETECTOR_STAGE_ROI_HEADS, t0);
}

/* post: the detections, the mask RoIs (*masks of them, Mask R-CNN) and the results, boxes scaled
 * from the resized to the original image. */
static oclnn_status postprocess(oclnn_detector *det, const oclnn_image *images, size_t count, size_t *masks_out) {
    const oclnn_detector_options *o = &det->opt;
    size_t post = o->rpn_post_nms_top_n;
    size_t k = o->num_classes, dpi = o->box_detections_per_img;
    oclnn_detect_post_desc pd = OCLNN_DETECT_POST_DESC_INIT;
    pd.score_threshold = o->box_score_thresh;
    pd.nms_threshold = o->box_nms_thresh;
    pd.detections_per_image = o->box_detections_per_img;
    OCLNN__TRY(oclnn_detect_postprocess(det->ctx, &pd, det->logits, det->regression, (uint32_t)k, det->packed,
                                        det->pcounts, det->sizes, count, det->boxes, det->scores, det->labels,
                                        det->counts));
    size_t masks = 0; /* mask RoIs: the detections, image after image, in resized coordinates */
    if (det->mask)
        for (size_t i = 0; i < count; i++)
            for (size_t j = 0; j < det->counts[i]; j++, masks++) {
                det->mrois[masks * 5] = (float)i;
                memcpy(det->mrois + masks * 5 + 1, det->boxes + (i * dpi + j) * 4, 4 * sizeof(float));
                det->mdet[masks] = i * dpi + j;
            }
    for (size_t i = 0; i < count; i++) {
        /* torchvision's transform.postprocess: ratios in float32 */
        float ry = (float)images[i].height / (float)det->sizes[i].h, rx = (float)images[i].width / (float)det->sizes[i].w;
        float *b = det->boxes + i * dpi * 4;
        for (size_t j = 0; j < det->counts[i]; j++) {
            b[j * 4 + 0] *= rx;
            b[j * 4 + 1] *= ry;
            b[j * 4 + 2] *= rx;
            b[j * 4 + 3] *= ry;
        }
        det->results[i] = (oclnn_detections){
            .count = det->counts[i], .boxes = b, .scores = det->scores + i * dpi, .labels = det->labels + i * dpi,
            .masks = NULL, .height = images[i].height, .width = images[i].width,
            .num_proposals = det->pcounts[i], .proposals = det->proposals + i * post * 4,
            .proposal_scores = det->pscores + i * post,
            .resized_h = det->sizes[i].h, .resized_w = det->sizes[i].w};
    }
    *masks_out = masks;
    return OCLNN_OK;
}

static oclnn_status run(oclnn_detector *det, const oclnn_image *images, size_t count, bool profile) {
    double t0 = oclnn__now_ms();
    oclnn_shape shape;
    OCLNN__TRY(transform(det, images, count, profile, &t0, &shape));
    OCLNN__TRY(run_backbone(det, profile));
    t0 = oclnn__now_ms();
    const oclnn_tensor *levels[OCLNN__FPN_LEVELS];
    OCLNN__TRY(run_rpn(det, shape, profile, &t0, levels));
    oclnn_image_size largest;
    OCLNN__TRY(run_box_head(det, count, levels, profile, &t0, &largest));
    size_t masks;
    OCLNN__TRY(postprocess(det, images, count, &masks));
    OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_POST, &t0));
    if (det->mask) OCLNN__TRY(run_masks(det, images, count, levels, largest, masks, profile, &t0));
    det->images = count;
    OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_POST, &t0));
    return OCLNN_OK;
}

oclnn_status oclnn_detector_run(oclnn_detector *det, const oclnn_image *images, size_t count, bool profile) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__detector_check(det));
    if (!images || !count) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s", !images ? "images is NULL" : "count is 0");
    if (count > 4096) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "count (%zu) is above 4096", count);
    for (size_t i = 0; i < count; i++) {
        if (!images[i].data) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "image %zu: data is NULL", i);
        if (!images[i].height || !images[i].width || images[i].height > 65536 || images[i].width > 65536)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "image %zu: size %ux%u is not in 1..65536", i,
                               images[i].height, images[i].width);
    }
    det->images = 0;
    memset(det->stage_ms, 0, sizeof det->stage_ms);
    return run(det, images, count, profile);
}

oclnn_status oclnn_detector_result(const oclnn_detector *det, size_t index, oclnn_detections *out) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__detector_check(det));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (index >= det->images)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "image %zu is past the last run's %zu image(s)", index,
                           det->images);
    *out = det->results[index];
    return OCLNN_OK;
}

oclnn_status oclnn_detector_stage_ms(const oclnn_detector *det, double *ms) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__detector_check(det));
    if (!ms) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "ms is NULL");
    memcpy(ms, det->stage_ms, sizeof det->stage_ms);
    return OCLNN_OK;
}
