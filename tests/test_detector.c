/* SPDX-License-Identifier: MIT */
/* The detectors (oclnn_detector_*) against torchvision's fasterrcnn_resnet50_fpn in eval mode
 * (tests/data/detector_*.bin from tools/golden/detector.py): oclnn's seeded weights, batch-norm
 * statistics calibrated on one image (detector_bn.bin, loaded through oclnn_detector_param),
 * seeded noise images, small sizes and few proposals so a run takes about a second.
 *
 * How results are matched (float32 through ~60 layers, then box decoding and NMS, so values
 * differ slightly and near-ties may be ordered differently):
 *   proposals   the same count per image; each reference proposal has an oclnn proposal not yet
 *               matched with IoU >= PROP_IOU and |score difference| <= PROP_SCORE_ATOL;
 *   detections  each reference detection whose score is at least DET_MARGIN above the last kept
 *               one (lower ones may fall either side of the top-k cut) has an oclnn detection
 *               not yet matched with the same label, IoU >= DET_IOU and |score difference| <=
 *               DET_SCORE_ATOL; the counts are equal;
 *   masks       (Mask R-CNN, tests/data/detector_mask_*.bin from tools/golden/detector_mask.py)
 *               every oclnn mask is 0 or 1; for each matched detection, the pixels where the
 *               oclnn mask and torchvision's (probability > 0.5) differ are at most
 *               MASK_DIFF_FRAC of the pixels either marks (their union) plus MASK_DIFF_PIXELS:
 *               pixels whose probability is within float rounding of 0.5 may fall either side. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/harness.h"

#define SEED 7
#define PROP_IOU 0.99           /* proposals: anchors + 1x-weighted deltas, in resized pixels */
#define PROP_SCORE_ATOL 2e-3    /* sigmoid of the objectness logit */
#define DET_IOU 0.97            /* boxes decoded with weights (10, 10, 5, 5), in original pixels */
#define DET_SCORE_ATOL 5e-3     /* softmax over 91 classes */
#define DET_MARGIN 1e-2         /* scores this close to the top-k cut are not required */
#define MASK_DIFF_FRAC 0.01     /* masks: differing pixels per pixel of the union ... */
#define MASK_DIFF_PIXELS 2      /* ... plus this many (tiny masks) */
#define MASK_SCALE 0.0625f      /* roi_heads.mask_predictor.mask_fcn_logits, as MASK_SCALE in
                                   tools/golden/detector_mask.py */

typedef struct detector_case {
    const char *file;
    size_t images;
    uint32_t h[2], w[2];
    uint32_t min_size, max_size, pre, post, dets;
    float thresh;
    const char *net;   /* NULL: fasterrcnn_resnet50_fpn */
    const char *masks; /* Mask R-CNN: the packed reference masks */
} detector_case;

/* As CASES in tools/golden/detector.py. */
static const detector_case BATCH = {"detector_batch.bin", 2, {80, 100}, {112, 90}, 128, 224, 200, 50, 20, 0.0f,
                                    NULL, NULL};
static const detector_case SINGLE = {"detector_single.bin", 1, {150, 0}, {200, 0}, 192, 320, 300, 50, 20, 0.0f,
                                     NULL, NULL};
/* As CASES in tools/golden/detector_mask.py. */
static const detector_case MASK_BATCH = {"detector_mask_batch.bin", 2, {80, 100}, {112, 90}, 128, 224, 200, 50, 8,
                                         0.0f, "maskrcnn_resnet50_fpn", "detector_mask_batch_masks.bin"};
static const detector_case MASK_SINGLE = {"detector_mask_single.bin", 1, {150, 0}, {200, 0}, 192, 320, 300, 50, 8,
                                          0.0f, "maskrcnn_resnet50_fpn", "detector_mask_single_masks.bin"};
static const detector_case MASK_SMALL = {"detector_mask_small.bin", 1, {60, 0}, {80, 0}, 96, 160, 100, 20, 4,
                                         0.0f, "maskrcnn_resnet50_fpn", "detector_mask_small_masks.bin"};

static float iou(const float *a, const float *b) {
    float ix = fminf(a[2], b[2]) - fmaxf(a[0], b[0]), iy = fminf(a[3], b[3]) - fmaxf(a[1], b[1]);
    float inter = ix > 0 && iy > 0 ? ix * iy : 0;
    float area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    return area > 0 ? inter / area : (inter == 0 && !memcmp(a, b, 4 * sizeof *a) ? 1.0f : 0.0f);
}

/* Loads the calibrated batch-norm statistics into every batch-norm layer, in module order. */
static void load_bn(oclnn_detector *det) {
    size_t n;
    float *stats = load_golden("detector_bn.bin", &n);
    assert_non_null(stats);
    static const int blocks[4] = {3, 4, 6, 3};
    char names[64][64];
    size_t count = 0;
    snprintf(names[count++], 64, "backbone.body.bn1");
    for (int l = 0; l < 4; l++)
        for (int b = 0; b < blocks[l]; b++) {
            for (int k = 1; k <= 3; k++) snprintf(names[count++], 64, "backbone.body.layer%d.%d.bn%d", l + 1, b, k);
            if (b == 0) snprintf(names[count++], 64, "backbone.body.layer%d.%d.downsample.1", l + 1, b);
        }
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        char name[96];
        float *mean, *var;
        size_t cm, cv;
        snprintf(name, sizeof name, "%s.running_mean", names[i]);
        assert_ok(oclnn_detector_param(det, name, &mean, &cm));
        snprintf(name, sizeof name, "%s.running_var", names[i]);
        assert_ok(oclnn_detector_param(det, name, &var, &cv));
        assert_int_equal(cm, cv);
        assert_true(at + 2 * cm <= n);
        memcpy(mean, stats + at, cm * sizeof *mean);
        memcpy(var, stats + at + cm, cv * sizeof *var);
        at += 2 * cm;
    }
    assert_int_equal(at, n);
    free(stats);
}

/* The RPN head's outputs scaled as RPN_SCALES in tools/golden/detector.py (powers of two). */
static void scale_rpn(oclnn_detector *det) {
    static const struct { const char *name; float scale; } scales[4] = {
        {"rpn.head.cls_logits.weight", 0.015625f}, {"rpn.head.cls_logits.bias", 0.015625f},
        {"rpn.head.bbox_pred.weight", 0.0078125f}, {"rpn.head.bbox_pred.bias", 0.0078125f}};
    for (int i = 0; i < 4; i++) {
        float *p;
        size_t n;
        assert_ok(oclnn_detector_param(det, scales[i].name, &p, &n));
        for (size_t k = 0; k < n; k++) p[k] *= scales[i].scale;
    }
}

/* match[i]: the oclnn detection matched to reference detection i, SIZE_MAX when not required. */
static void check_image(const oclnn_detections *r, const float **ref, size_t *match) {
    const float *p = *ref;
    size_t np = (size_t)p[0];
    const float *pb = p + 1, *ps = pb + np * 4;
    p = ps + np;
    size_t nd = (size_t)p[0];
    const float *db = p + 1, *dsc = db + nd * 4, *dl = dsc + nd;
    *ref = dl + nd;
    printf("  %ux%u: %zu proposals (torchvision %zu), %zu detections (torchvision %zu)\n", r->width, r->height,
           r->num_proposals, np, r->count, nd);
    assert_int_equal(r->num_proposals, np);
    bool *used = calloc(np > r->count ? np + 1 : r->count + 1, sizeof *used);
    assert_non_null(used);
    for (size_t i = 0; i < np; i++) {
        size_t best = SIZE_MAX;
        float best_iou = 0;
        for (size_t j = 0; j < r->num_proposals; j++) {
            float v = iou(pb + i * 4, r->proposals + j * 4);
            if (!used[j] && v > best_iou && fabsf(r->proposal_scores[j] - ps[i]) <= PROP_SCORE_ATOL) best = j, best_iou = v;
        }
        if (best == SIZE_MAX || best_iou < PROP_IOU) {
            for (size_t j = 0; j < 3 && j < r->num_proposals; j++)
                printf("  oclnn proposal %zu: %.2f %.2f %.2f %.2f score %.4f; torchvision %.2f %.2f %.2f %.2f score %.4f\n",
                       j, r->proposals[j * 4], r->proposals[j * 4 + 1], r->proposals[j * 4 + 2], r->proposals[j * 4 + 3],
                       r->proposal_scores[j], pb[j * 4], pb[j * 4 + 1], pb[j * 4 + 2], pb[j * 4 + 3], ps[j]);
            fail_msg("proposal %zu (%.2f %.2f %.2f %.2f, score %.4f) unmatched (best IoU %.4f)", i, pb[i * 4],
                     pb[i * 4 + 1], pb[i * 4 + 2], pb[i * 4 + 3], ps[i], best_iou);
        }
        used[best] = true;
    }
    memset(used, 0, (r->count + 1) * sizeof *used);
    assert_int_equal(r->count, nd);
    float cut = nd ? dsc[nd - 1] : 0;
    size_t required = 0;
    for (size_t i = 0; i < nd; i++) {
        if (match) match[i] = SIZE_MAX;
        if (dsc[i] < cut + DET_MARGIN) continue;
        required++;
        size_t best = SIZE_MAX;
        float best_iou = 0;
        for (size_t j = 0; j < r->count; j++) {
            if (used[j] || r->labels[j] != (int32_t)dl[i] || fabsf(r->scores[j] - dsc[i]) > DET_SCORE_ATOL) continue;
            float v = iou(db + i * 4, r->boxes + j * 4);
            if (v > best_iou) best = j, best_iou = v;
        }
        if (best == SIZE_MAX || best_iou < DET_IOU)
            fail_msg("detection %zu (label %d, score %.4f, %.2f %.2f %.2f %.2f) unmatched (best IoU %.4f)", i,
                     (int)dl[i], dsc[i], db[i * 4], db[i * 4 + 1], db[i * 4 + 2], db[i * 4 + 3], best_iou);
        used[best] = true;
        if (match) match[i] = best;
    }
    printf("  %zu of %zu detections above the cut matched\n", required, nd);
    free(used);
}

/* Compares image r's masks with the reference bits from *bit on (advanced past its detections). */
static void check_masks(const oclnn_detections *r, const unsigned char *bits, size_t nbits, size_t *bit,
                        const size_t *match) {
    size_t plane = (size_t)r->height * r->width, differing = 0, marked = 0;
    assert_non_null(r->masks);
    for (size_t k = 0; k < r->count * plane; k++)
        if (r->masks[k] != 0.0f && r->masks[k] != 1.0f) fail_msg("mask value %g is not 0 or 1", (double)r->masks[k]);
    for (size_t i = 0; i < r->count; i++, *bit += plane) {
        assert_true(*bit + plane <= nbits);
        if (match[i] == SIZE_MAX) continue;
        const float *m = r->masks + match[i] * plane;
        size_t diff = 0, uni = 0, on = 0;
        for (size_t k = 0; k < plane; k++) {
            size_t b = *bit + k;
            bool want = (bits[b / 8] >> (b % 8)) & 1u, got = m[k] > 0.5f;
            diff += want != got;
            uni += want || got;
            on += want;
        }
        printf("  mask %zu: %zu pixels (torchvision), %zu differ\n", i, on, diff);
        if ((double)diff > MASK_DIFF_FRAC * (double)uni + MASK_DIFF_PIXELS)
            fail_msg("mask %zu: %zu of %zu pixels (union) differ", i, diff, uni);
        differing += diff;
        marked += uni;
    }
    printf("  masks: %zu of %zu marked pixels differ\n", differing, marked);
}

/* passes: 2 runs the detector again on the compiled nets, profiled (the single-image case). */
static void run_case(void **state, const detector_case *dc, int passes) {
    oclnn_context *ctx = TEST_CTX(state);
    size_t n;
    float *ref = load_golden(dc->file, &n);
    if (!ref) fail_msg("%s is missing: /usr/bin/python3 tools/make_golden.py detector", dc->file);
    oclnn_detector_options o = OCLNN_DETECTOR_OPTIONS_INIT;
    o.min_size = dc->min_size;
    o.max_size = dc->max_size;
    o.rpn_pre_nms_top_n = dc->pre;
    o.rpn_post_nms_top_n = dc->post;
    o.box_detections_per_img = dc->dets;
    o.box_score_thresh = dc->thresh;
    oclnn_detector *det;
    assert_ok(oclnn_detector_create(ctx, dc->net ? dc->net : "fasterrcnn_resnet50_fpn", &o, &det));
    assert_ok(oclnn_detector_init_random(det, SEED));
    load_bn(det);
    scale_rpn(det);
    size_t nbits = 0;
    unsigned char *bits = NULL;
    if (dc->masks) {
        float *p;
        size_t cnt;
        assert_ok(oclnn_detector_param(det, "roi_heads.mask_predictor.mask_fcn_logits.weight", &p, &cnt));
        assert_int_equal(cnt, 91 * 256);
        for (size_t k = 0; k < cnt; k++) p[k] *= MASK_SCALE;
        assert_ok(oclnn_detector_param(det, "roi_heads.mask_predictor.mask_fcn_logits.bias", &p, &cnt));
        for (size_t k = 0; k < cnt; k++) p[k] *= MASK_SCALE;
        bits = (unsigned char *)load_golden(dc->masks, &nbits);
        if (!bits) fail_msg("%s is missing: /usr/bin/python3 tools/make_golden.py detector_mask", dc->masks);
        nbits *= 32;
    }
    oclnn_image im[2];
    float *px[2] = {NULL, NULL};
    for (size_t i = 0; i < dc->images; i++) {
        size_t count = (size_t)3 * dc->h[i] * dc->w[i];
        char name[32];
        snprintf(name, sizeof name, "detector.image%zu", i);
        px[i] = malloc(count * sizeof(float));
        assert_non_null(px[i]);
        assert_ok(oclnn_random_uniform(name, SEED, 0.0, 1.0, px[i], count));
        im[i] = (oclnn_image){px[i], dc->h[i], dc->w[i]};
    }
    for (int pass = 0; pass < passes; pass++) { /* a second run reuses the compiled nets, profiled */
        assert_ok(oclnn_detector_run(det, im, dc->images, pass == 1));
        const float *p = ref;
        size_t bit = 0;
        for (size_t i = 0; i < dc->images; i++) {
            oclnn_detections r;
            size_t match[64];
            assert_ok(oclnn_detector_result(det, i, &r));
            assert_int_equal(r.height, dc->h[i]);
            assert_int_equal(r.width, dc->w[i]);
            assert_true(r.count <= 64);
            check_image(&r, &p, match);
            if (bits) check_masks(&r, bits, nbits, &bit, match);
            else assert_null(r.masks);
        }
        assert_true(p == ref + n);
    }
    double ms[OCLNN_DETECTOR_STAGES];
    assert_ok(oclnn_detector_stage_ms(det, ms));
    for (int s = 0; s < OCLNN_DETECTOR_STAGES; s++) assert_true(ms[s] >= 0);
    if (passes > 1) assert_true(ms[OCLNN_DETECTOR_STAGE_BACKBONE] > 0);
    oclnn_detector_destroy(det);
    free(px[0]);
    free(px[1]);
    free(ref);
    free(bits);
}

/* Under valgrind (CI's memory check, C backend only) a ResNet-50-FPN run takes minutes: there the
 * C backend checks one configuration, Mask R-CNN on a small image (96 x 128 after the transform,
 * 4 detections: the Faster R-CNN pipeline and the mask branch in one run, a fifth of the single
 * case's work, which took 6 minutes there), and skips the others, visibly; the sanitizer run and
 * the Release suite run them all. */
static bool valgrind_skips(void **state) {
    return test_under_valgrind() && TEST_CFG(state)->backend == OCLNN_BACKEND_CPU;
}

static void test_batch(void **state) {
    if (valgrind_skips(state)) skip();
    run_case(state, &BATCH, 1);
}

static void test_single(void **state) {
    if (valgrind_skips(state)) skip();
    run_case(state, &SINGLE, 2);
}

/* Mask R-CNN on the batch case (8 detections per image: the mask head costs ~1 GFLOP per
 * detection). */
static void test_mask_batch(void **state) {
    if (valgrind_skips(state)) skip();
    run_case(state, &MASK_BATCH, 1);
}

/* ... and on the single image (OpenCL NHWC, C NCHW, as test_single). */
static void test_mask_single(void **state) {
    if (valgrind_skips(state)) skip();
    run_case(state, &MASK_SINGLE, 1);
}

/* ... and on a small one (the one valgrind case). */
static void test_mask_small(void **state) {
    run_case(state, &MASK_SMALL, 1);
}

static void test_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_detector *det = (oclnn_detector *)1;
    assert_status(oclnn_detector_create(ctx, "yolo", NULL, &det), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("unknown detector");
    assert_null(det);
    assert_status(oclnn_detector_create(ctx, NULL, NULL, &det), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("name");
    oclnn_detector_options o = oclnn_detector_options_default();
    o.box_nms_thresh = 1.5f;
    assert_status(oclnn_detector_create(ctx, "fasterrcnn_resnet50_fpn", &o, &det), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("box_nms_thresh");
    o = oclnn_detector_options_default();
    o.min_size = 0;
    assert_status(oclnn_detector_create(ctx, "fasterrcnn_resnet50_fpn", &o, &det), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("min_size");
    o = oclnn_detector_options_default();
    o.num_classes = 1;
    assert_status(oclnn_detector_create(ctx, "fasterrcnn_resnet50_fpn", &o, &det), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("num_classes");
    assert_ok(oclnn_detector_create(ctx, "fasterrcnn_resnet50_fpn", NULL, &det));
    float *p;
    size_t n;
    assert_status(oclnn_detector_param(det, "backbone.body.nothing", &p, &n), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("backbone.body.nothing");
    assert_ok(oclnn_detector_param(det, "roi_heads.box_predictor.cls_score.weight", &p, &n));
    assert_int_equal(n, 91 * 1024);
    assert_ok(oclnn_detector_param(det, "backbone.fpn.layer_blocks.3.0.bias", &p, &n));
    assert_int_equal(n, 256);
    oclnn_detections r;
    assert_status(oclnn_detector_result(det, 0, &r), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("past");
    assert_status(oclnn_detector_run(det, NULL, 1, false), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("images");
    float px[3] = {0};
    oclnn_image im = {px, 0, 1};
    assert_status(oclnn_detector_run(det, &im, 1, false), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("size");
    assert_status(oclnn_detector_load_safetensors(det, "/nonexistent.safetensors"), OCLNN_ERROR_IO);
    oclnn_detector_destroy(det);
    assert_status(oclnn_detector_result(det, 0, &r), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a live detector");
    oclnn_detector_destroy(NULL);
    assert_string_equal(oclnn_coco_label(1), "person");
    assert_string_equal(oclnn_coco_label(12), "N/A");
    assert_string_equal(oclnn_coco_label(91), "");
    assert_string_equal(oclnn_detector_stage_name(OCLNN_DETECTOR_STAGE_FPN), "fpn");
    assert_string_equal(oclnn_detector_names()[0], "fasterrcnn_resnet50_fpn");
    assert_string_equal(oclnn_detector_names()[1], "maskrcnn_resnet50_fpn");
    assert_null(oclnn_detector_names()[2]);
    /* Mask R-CNN: the mask head's parameters by torchvision 0.14's names */
    assert_ok(oclnn_detector_create(ctx, "maskrcnn_resnet50_fpn", NULL, &det));
    assert_ok(oclnn_detector_param(det, "roi_heads.mask_head.3.0.weight", &p, &n));
    assert_int_equal(n, 256 * 256 * 9);
    assert_ok(oclnn_detector_param(det, "roi_heads.mask_predictor.conv5_mask.weight", &p, &n));
    assert_int_equal(n, 256 * 256 * 4);
    assert_ok(oclnn_detector_param(det, "roi_heads.mask_predictor.mask_fcn_logits.bias", &p, &n));
    assert_int_equal(n, 91);
    oclnn_detector_destroy(det);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_batch),
        TEST_ALL_CFGS(test_mask_batch),
        cmocka_unit_test_prestate(test_single, (void *)&CFG_CL_NHWC),
        cmocka_unit_test_prestate(test_single, (void *)&CFG_CPU_NCHW),
        cmocka_unit_test_prestate(test_mask_single, (void *)&CFG_CL_NHWC),
        cmocka_unit_test_prestate(test_mask_single, (void *)&CFG_CPU_NCHW),
        cmocka_unit_test_prestate(test_mask_small, (void *)&CFG_CL_NHWC),
        cmocka_unit_test_prestate(test_mask_small, (void *)&CFG_CPU_NCHW),
        cmocka_unit_test_prestate(test_errors, (void *)&CFG_CPU_NHWC),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
