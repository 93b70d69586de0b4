/* SPDX-License-Identifier: MIT */
/* The detectors (oclnn_detector_*): torchvision's GeneralizedRCNN in eval mode, assembled from
 * compiled nets (backbone + FPN, RPN head per level, box head) and the detection ops (proposals,
 * multi-level RoIAlign, post-processing). Between them, everything is as torchvision does it:
 *   transform   host: normalise, bilinear resize (min_size / max_size), zero-pad the batch to a
 *               multiple of 32 (oclnn__detector_transform);
 *   backbone    one net, its five pyramid levels kept as outputs (oclnn__net_create_keep);
 *   rpn         the head's net per level (the level's map copied in), then oclnn_rpn_proposals;
 *   roi heads   oclnn_msroi_run into the box head net's input, the box head net;
 *   post        oclnn_detect_postprocess, boxes scaled from the resized to the original image;
 *   masks       (Mask R-CNN) oclnn_msroi_run (14x14) on the detections into the mask head's net,
 *               chunk after chunk, then oclnn_mask_paste of the label's mask at the original size.
 * Nets are compiled for the padded batch shape on first use and kept while it stays the same.
 * This file creates, loads and destroys detectors; detector_run.c compiles and runs them. */
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

static const char *const names[] = {"fasterrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn", NULL};

const char *const *oclnn_detector_names(void) { return names; }

oclnn_detector_options oclnn_detector_options_default(void) {
    return (oclnn_detector_options)OCLNN_DETECTOR_OPTIONS_INIT;
}

const char *oclnn_detector_stage_name(oclnn_detector_stage stage) {
    switch (stage) {
    case OCLNN_DETECTOR_STAGE_TRANSFORM: return "transform";
    case OCLNN_DETECTOR_STAGE_BACKBONE: return "backbone";
    case OCLNN_DETECTOR_STAGE_FPN: return "fpn";
    case OCLNN_DETECTOR_STAGE_RPN: return "rpn";
    case OCLNN_DETECTOR_STAGE_ROI_HEADS: return "roi_heads";
    case OCLNN_DETECTOR_STAGE_POST: return "postprocess";
    case OCLNN_DETECTOR_STAGES: break;
    }
    return "";
}

void oclnn__detector_resized_size(uint32_t h, uint32_t w, uint32_t min_size, uint32_t max_size, uint32_t *rh,
                                  uint32_t *rw) {
    /* torchvision computes the scale in float32 (a tensor), then F.interpolate multiplies the
     * sides by it in double: 150x200 with min_size 192 gives 192x255, not 192x256. */
    float lo = (float)(h < w ? h : w), hi = (float)(h < w ? w : h);
    float scale = fminf((float)min_size / lo, (float)max_size / hi);
    double fh = floor((double)h * (double)scale), fw = floor((double)w * (double)scale);
    *rh = fh < 1 ? 1 : (uint32_t)fh;
    *rw = fw < 1 ? 1 : (uint32_t)fw;
}

/* PyTorch's CPU upsample_bilinear2d (align_corners false, scale = in / out in float): the source
 * index and weights of output position `o`. */
static void linear_index(uint32_t in, uint32_t out, uint32_t o, uint32_t *i0, uint32_t *i1, float *l0, float *l1) {
    float scale = (float)in / (float)out;
    float src = scale * ((float)o + 0.5f) - 0.5f;
    if (src < 0) src = 0;
    uint32_t i = (uint32_t)src;
    if (i > in - 1) i = in - 1;
    *i0 = i;
    *i1 = i + (i < in - 1 ? 1u : 0u);
    *l1 = src - (float)i;
    *l0 = 1.0f - *l1;
}

void oclnn__detector_transform(const float *src, uint32_t h, uint32_t w, uint32_t rh, uint32_t rw, float *dst,
                               uint32_t ph, uint32_t pw) {
    static const float mean[3] = {0.485f, 0.456f, 0.406f}, stdv[3] = {0.229f, 0.224f, 0.225f};
    for (uint32_t c = 0; c < 3; c++) {
        const float *plane = src + (size_t)c * h * w;
        float *out = dst + (size_t)c * ph * pw;
        for (uint32_t y = 0; y < rh; y++) {
            uint32_t y0, y1, x0, x1;
            float a0, a1, b0, b1;
            linear_index(h, rh, y, &y0, &y1, &a0, &a1);
            for (uint32_t x = 0; x < rw; x++) {
                linear_index(w, rw, x, &x0, &x1, &b0, &b1);
                /* normalised before resizing, as torchvision */
                float p00 = (plane[(size_t)y0 * w + x0] - mean[c]) / stdv[c];
                float p01 = (plane[(size_t)y0 * w + x1] - mean[c]) / stdv[c];
                float p10 = (plane[(size_t)y1 * w + x0] - mean[c]) / stdv[c];
                float p11 = (plane[(size_t)y1 * w + x1] - mean[c]) / stdv[c];
                float t0 = p00 * b0 + p01 * b1, t1 = p10 * b0 + p11 * b1;
                out[(size_t)y * pw + x] = t0 * a0 + t1 * a1;
            }
        }
    }
}

oclnn_status oclnn__detector_check(const oclnn_detector *det) {
    if (!det) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "det is NULL");
    if (!oclnn__handle_live(det) || det->magic != OCLNN__MAGIC_DETECTOR)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "det is not a live detector");
    return oclnn__context_check(det->ctx, "det's context");
}

static oclnn_status check_options(const oclnn_detector_options *o) {
    if (!o->min_size || !o->max_size || o->min_size > 65536 || o->max_size > 65536)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "min_size (%u) and max_size (%u) must be in 1..65536",
                           o->min_size, o->max_size);
    if (!o->rpn_pre_nms_top_n || !o->rpn_post_nms_top_n || o->rpn_post_nms_top_n > 100000 ||
        o->rpn_pre_nms_top_n > 1000000)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "rpn_pre_nms_top_n (%u) must be in 1..1000000 and rpn_post_nms_top_n (%u) in 1..100000",
                           o->rpn_pre_nms_top_n, o->rpn_post_nms_top_n);
    const float th[4] = {o->rpn_nms_thresh, o->rpn_score_thresh, o->box_score_thresh, o->box_nms_thresh};
    static const char *const tn[4] = {"rpn_nms_thresh", "rpn_score_thresh", "box_score_thresh", "box_nms_thresh"};
    for (int i = 0; i < 4; i++)
        if (!(th[i] >= 0.0f && th[i] <= 1.0f))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s (%g) must be in [0, 1]", tn[i], (double)th[i]);
    if (!o->box_detections_per_img || o->box_detections_per_img > 100000)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "box_detections_per_img (%u) must be in 1..100000",
                           o->box_detections_per_img);
    if (o->num_classes < 2 || o->num_classes > 100000)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "num_classes (%u) must be in 2..100000 (with background)",
                           o->num_classes);
    return OCLNN_OK;
}

void oclnn_detector_destroy(oclnn_detector *det) {
    if (!det || !oclnn__handle_live(det) || det->magic != OCLNN__MAGIC_DETECTOR) return;
    oclnn__handle_remove(det);
    oclnn__detector_release_compiled(det);
    oclnn_op_destroy(det->msroi);
    oclnn_graph_destroy(det->backbone);
    oclnn_graph_destroy(det->rpn);
    oclnn_graph_destroy(det->box);
    oclnn_op_destroy(det->mask_msroi);
    oclnn_graph_destroy(det->mask);
    oclnn_context *ctx = det->ctx;
    const oclnn_allocator *al = ctx->allocator;
    oclnn__free(al, det->masks);
    det->magic = 0xdeadbeefu;
    oclnn__free(al, det);
    oclnn__context_release(ctx);
}

oclnn_status oclnn_detector_create(oclnn_context *ctx, const char *name, const oclnn_detector_options *options,
                                   oclnn_detector **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!name || !out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", !name ? "name" : "out");
    bool mask = !strcmp(name, "maskrcnn_resnet50_fpn");
    if (!mask && strcmp(name, "fasterrcnn_resnet50_fpn"))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "unknown detector \"%s\" (known: fasterrcnn_resnet50_fpn, maskrcnn_resnet50_fpn)", name);
    oclnn_detector_options opt = options ? *options : oclnn_detector_options_default();
    OCLNN__TRY(check_options(&opt));
    const oclnn_allocator *al = ctx->allocator;
    oclnn_detector *det = oclnn__calloc(al, 1, sizeof *det);
    if (!det) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the detector");
    if (!oclnn__handle_add(det)) {
        oclnn__free(al, det);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot register the detector");
    }
    det->magic = OCLNN__MAGIC_DETECTOR;
    det->ctx = ctx;
    oclnn__context_retain(ctx);
    det->opt = opt;
    oclnn_status st = oclnn__detector_backbone_graph(&det->backbone, det->levels);
    if (st == OCLNN_OK) st = oclnn__detector_rpn_graph(&det->rpn, OCLNN__RPN_ANCHORS, &det->rpn_cls);
    if (st == OCLNN_OK) st = oclnn__detector_box_graph(&det->box, opt.num_classes, &det->box_cls);
    if (st == OCLNN_OK) {
        oclnn_msroi_desc md = oclnn_msroi_desc_default();
        md.pooled_h = md.pooled_w = OCLNN__BOX_POOL;
        st = oclnn_msroi_create(ctx, &md, &det->msroi);
    }
    if (st == OCLNN_OK && mask) st = oclnn__detector_mask_graph(&det->mask, opt.num_classes);
    if (st == OCLNN_OK && mask) {
        oclnn_msroi_desc md = oclnn_msroi_desc_default(); /* torchvision's mask_roi_pool: 14x14, sampling 2 */
        md.pooled_h = md.pooled_w = OCLNN__MASK_POOL;
        md.sampling_ratio = 2;
        st = oclnn_msroi_create(ctx, &md, &det->mask_msroi);
    }
    if (st != OCLNN_OK) {
        oclnn_detector_destroy(det);
        return st;
    }
    *out = det;
    return OCLNN_OK;
}

/* The mask head's parameter `name` ("roi_heads.mask_head.<i>.0.<w>") by torchvision's names
 * before 0.13 ("roi_heads.mask_head.mask_fcn<i+1>.<w>"); others are unchanged. */
static void legacy_name(const char *name, char *out, size_t size) {
    int i, used = 0;
    static const char head[] = "roi_heads.mask_head.";
    if (!strncmp(name, head, sizeof head - 1) && sscanf(name + sizeof head - 1, "%d.0.%n", &i, &used) == 1 && used)
        snprintf(out, size, "%smask_fcn%d.%s", head, i + 1, name + sizeof head - 1 + used);
    else
        snprintf(out, size, "%s", name);
}

/* The mask head's parameters: by torchvision 0.13+'s names (the graph's), else, when the file has
 * roi_heads.mask_head.mask_fcn1.weight and not .0.0.weight, by the older names (torchvision's
 * pretrained checkpoint files still use them). Everything is checked before anything is written. */
static oclnn_status load_mask(oclnn_detector *det, const char *path) {
    oclnn__safetensors *st;
    OCLNN__TRY(oclnn__safetensors_read(path, &st));
    bool legacy = !oclnn__safetensors_find(st, "roi_heads.mask_head.0.0.weight") &&
                  oclnn__safetensors_find(st, "roi_heads.mask_head.mask_fcn1.weight");
    if (!legacy) {
        oclnn__safetensors_free(st);
        return oclnn_graph_load_safetensors(det->mask, path, NULL);
    }
    oclnn_graph *g = det->mask;
    oclnn_status status = OCLNN_OK;
    for (int pass = 0; pass < 2 && status == OCLNN_OK; pass++)
        for (size_t i = 0; i < g->count && status == OCLNN_OK; i++)
            for (size_t k = 0; k < g->nodes[i].param_count && status == OCLNN_OK; k++) {
                oclnn__param *p = &g->nodes[i].params[k];
                char name[OCLNN__NAME_MAX + 32];
                legacy_name(p->name, name, sizeof name);
                const oclnn__st_tensor *t = oclnn__safetensors_find(st, name);
                if (!t)
                    status = oclnn__fail(OCLNN_ERROR_BAD_FILE, "%s: the mask head's parameter \"%s\" is missing", path,
                                         name);
                else if (t->elements != p->count || t->ndim != p->ndim)
                    status = oclnn__fail(OCLNN_ERROR_BAD_FILE, "%s: parameter \"%s\" has %zu values in %u dimensions, "
                                         "the mask head needs %zu in %u", path, name, t->elements, t->ndim, p->count,
                                         p->ndim);
                else
                    for (uint32_t d = 0; d < p->ndim && status == OCLNN_OK; d++)
                        if (t->shape[d] != p->dims[d])
                            status = oclnn__fail(OCLNN_ERROR_BAD_FILE, "%s: parameter \"%s\" has dimension %u of %llu, "
                                                 "the mask head needs %llu", path, name, d,
                                                 (unsigned long long)t->shape[d], (unsigned long long)p->dims[d]);
                if (status == OCLNN_OK && pass == 1) memcpy(p->data, t->data, p->count * sizeof(float));
            }
    oclnn__safetensors_free(st);
    return status;
}

oclnn_status oclnn_detector_load_safetensors(oclnn_detector *det, const char *path) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__detector_check(det));
    /* Each graph checks all of its parameters before writing any; load the three in turn. */
    OCLNN__TRY(oclnn_graph_load_safetensors(det->backbone, path, NULL));
    OCLNN__TRY(oclnn_graph_load_safetensors(det->rpn, path, NULL));
    OCLNN__TRY(oclnn_graph_load_safetensors(det->box, path, NULL));
    if (det->mask) OCLNN__TRY(load_mask(det, path));
    oclnn__detector_release_compiled(det); /* the nets hold copies of the old weights */
    return OCLNN_OK;
}

oclnn_status oclnn_detector_init_random(oclnn_detector *det, uint64_t seed) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__detector_check(det));
    OCLNN__TRY(oclnn_graph_init_random(det->backbone, seed));
    OCLNN__TRY(oclnn_graph_init_random(det->rpn, seed));
    OCLNN__TRY(oclnn_graph_init_random(det->box, seed));
    if (det->mask) OCLNN__TRY(oclnn_graph_init_random(det->mask, seed));
    oclnn__detector_release_compiled(det);
    return OCLNN_OK;
}

oclnn_status oclnn_detector_param(oclnn_detector *det, const char *name, float **data, size_t *count) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__detector_check(det));
    if (!name || !data || !count)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", !name ? "name" : !data ? "data" : "count");
    oclnn_graph *graphs[4] = {det->backbone, det->rpn, det->box, det->mask};
    for (int i = 0; i < 4 && graphs[i]; i++) {
        float *d;
        size_t n;
        if (oclnn_graph_param(graphs[i], name, &d, &n) == OCLNN_OK) {
            oclnn__detector_release_compiled(det);
            *data = d;
            *count = n;
            return OCLNN_OK;
        }
    }
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the detector has no parameter \"%s\"", name);
}

/* torchvision's COCO_V1 categories (index = label id). */
static const char *const coco[91] = {
    "__background__", "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "N/A", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse",
    "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag",
    "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
    "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup", "fork", "knife", "spoon",
    "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake",
    "chair", "couch", "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet", "N/A", "tv", "laptop",
    "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "N/A",
    "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"};

const char *oclnn_coco_label(int32_t label) { return label >= 0 && label < 91 ? coco[label] : ""; }
