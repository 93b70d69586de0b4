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
 * Nets are compiled for the padded batch shape on first use and kept while it stays the same. */
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
#include "graph/detector.h"
#include "graph/net.h"

#define OCLNN__MAGIC_DETECTOR 0x6f446574u /* "oDet" */
#define PAD_STRIDE 32u
#define MASK_CHUNK 32u /* at most this many detections per run of the mask head's net */

struct oclnn_detector {
    uint32_t magic;
    oclnn_context *ctx;
    oclnn_detector_options opt;
    oclnn_graph *backbone, *rpn, *box;
    int levels[OCLNN__FPN_LEVELS], rpn_cls, box_cls;
    oclnn_op *msroi;
    /* Mask R-CNN only (mask is NULL for Faster R-CNN) */
    oclnn_graph *mask;
    oclnn_op *mask_msroi;
    float *masks;          /* every image's masks, one after the other */
    size_t masks_cap;      /* floats allocated in masks */
    /* compiled for shape */
    oclnn_shape shape;
    oclnn_net *bnet, *rnet[OCLNN__FPN_LEVELS], *hnet, *mnet;
    uint32_t mchunk;       /* mnet's batch */
    float *mrois, *mlogits; /* n x detections x 5 RoIs (resized image); mchunk x classes x 28 x 28 */
    size_t *mdet;           /* the detection (image x detections_per_img + j) of each mask RoI */
    /* host buffers, sized for shape.n images */
    float *input, *proposals, *pscores, *rois, *packed, *logits, *regression, *boxes, *scores;
    int32_t *labels;
    size_t *pcounts, *counts;
    oclnn_image_size *sizes;
    oclnn_detections *results;
    size_t images;
    double stage_ms[OCLNN_DETECTOR_STAGES];
};

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

static oclnn_status check(const oclnn_detector *det) {
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

static void release_compiled(oclnn_detector *det) {
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

void oclnn_detector_destroy(oclnn_detector *det) {
    if (!det || !oclnn__handle_live(det) || det->magic != OCLNN__MAGIC_DETECTOR) return;
    oclnn__handle_remove(det);
    release_compiled(det);
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
    OCLNN__TRY(check(det));
    /* Each graph checks all of its parameters before writing any; load the three in turn. */
    OCLNN__TRY(oclnn_graph_load_safetensors(det->backbone, path, NULL));
    OCLNN__TRY(oclnn_graph_load_safetensors(det->rpn, path, NULL));
    OCLNN__TRY(oclnn_graph_load_safetensors(det->box, path, NULL));
    if (det->mask) OCLNN__TRY(load_mask(det, path));
    release_compiled(det); /* the nets hold copies of the old weights */
    return OCLNN_OK;
}

oclnn_status oclnn_detector_init_random(oclnn_detector *det, uint64_t seed) {
    OCLNN__ENTER();
    OCLNN__TRY(check(det));
    OCLNN__TRY(oclnn_graph_init_random(det->backbone, seed));
    OCLNN__TRY(oclnn_graph_init_random(det->rpn, seed));
    OCLNN__TRY(oclnn_graph_init_random(det->box, seed));
    if (det->mask) OCLNN__TRY(oclnn_graph_init_random(det->mask, seed));
    release_compiled(det);
    return OCLNN_OK;
}

oclnn_status oclnn_detector_param(oclnn_detector *det, const char *name, float **data, size_t *count) {
    OCLNN__ENTER();
    OCLNN__TRY(check(det));
    if (!name || !data || !count)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", !name ? "name" : !data ? "data" : "count");
    oclnn_graph *graphs[4] = {det->backbone, det->rpn, det->box, det->mask};
    for (int i = 0; i < 4 && graphs[i]; i++) {
        float *d;
        size_t n;
        if (oclnn_graph_param(graphs[i], name, &d, &n) == OCLNN_OK) {
            release_compiled(det);
            *data = d;
            *count = n;
            return OCLNN_OK;
        }
    }
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the detector has no parameter \"%s\"", name);
}

static oclnn_status compile(oclnn_detector *det, oclnn_shape shape) {
    const oclnn_allocator *al = det->ctx->allocator;
    release_compiled(det);
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

static oclnn_status run(oclnn_detector *det, const oclnn_image *images, size_t count, bool profile) {
    const oclnn_detector_options *o = &det->opt;
    double t0 = oclnn__now_ms();
    /* transform: sizes, then the padded batch */
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
            release_compiled(det);
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
    OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_TRANSFORM, &t0));

    OCLNN__TRY(run_backbone(det, profile));
    t0 = oclnn__now_ms();
    const oclnn_tensor *levels[OCLNN__FPN_LEVELS], *objectness[OCLNN__FPN_LEVELS], *deltas[OCLNN__FPN_LEVELS];
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
    OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_RPN, &t0));

    /* RoIs, image after image */
    size_t post = o->rpn_post_nms_top_n, total = 0;
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
    size_t k = o->num_classes, dpi = o->box_detections_per_img;
    if (total) {
        OCLNN__TRY(oclnn_msroi_run(det->msroi, levels, largest, det->rois, total, oclnn_net_input(det->hnet), NULL));
        OCLNN__TRY(oclnn_net_run(det->hnet));
        OCLNN__TRY(oclnn_tensor_read(oclnn__net_value(det->hnet, det->box_cls), det->logits, OCLNN_LAYOUT_NCHW));
        OCLNN__TRY(oclnn_tensor_read(oclnn_net_output(det->hnet), det->regression, OCLNN_LAYOUT_NCHW));
    }
    OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_ROI_HEADS, &t0));

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
    OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_POST, &t0));
    if (det->mask) OCLNN__TRY(run_masks(det, images, count, levels, largest, masks, profile, &t0));
    det->images = count;
    OCLNN__TRY(lap(det, profile, OCLNN_DETECTOR_STAGE_POST, &t0));
    return OCLNN_OK;
}

oclnn_status oclnn_detector_run(oclnn_detector *det, const oclnn_image *images, size_t count, bool profile) {
    OCLNN__ENTER();
    OCLNN__TRY(check(det));
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
    OCLNN__TRY(check(det));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (index >= det->images)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "image %zu is past the last run's %zu image(s)", index,
                           det->images);
    *out = det->results[index];
    return OCLNN_OK;
}

oclnn_status oclnn_detector_stage_ms(const oclnn_detector *det, double *ms) {
    OCLNN__ENTER();
    OCLNN__TRY(check(det));
    if (!ms) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "ms is NULL");
    memcpy(ms, det->stage_ms, sizeof det->stage_ms);
    return OCLNN_OK;
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
