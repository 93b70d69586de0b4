/* SPDX-License-Identifier: MIT */
/* The detection pipeline stages (issue 18) against torchvision (tools/golden/detect_pipeline.py):
 * RPN proposals and multi-level RoIAlign on both backends and both layouts, detection
 * post-processing on both backends, mask pasting against torchvision and a double-precision
 * reference, RoI sampling's matching and encoding against torchvision and its statistics; and
 * the argument checks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fault.h"
#include "ref/ref.h"
#include "support/harness.h"

/* Boxes go through expf/logf (an ulp or two from PyTorch's) of coordinates up to ~1000. */
#define BOX_ATOL 1e-3
#define BOX_RTOL 1e-5
/* Scores: a sigmoid or a softmax in float, summed in another order than PyTorch's. */
#define SCORE_ATOL 1e-6
#define SCORE_RTOL 1e-5
/* roi_align sums bilinear samples in float in another order: a few ulps of values ~1. */
#define ALIGN_ATOL 2e-5
#define ALIGN_RTOL 2e-5
/* Pasted mask probabilities: the same float formula; PyTorch's kernel may vectorize. */
#define MASK_ATOL 1e-6
/* The double reference of the pasted masks vs float. */
#define MASK_REF_ATOL 1e-5
/* Deltas O(10) from a log and a division. */
#define DELTA_TOL 1e-5

/* ---- RPN ---------------------------------------------------------------------------------- */

#define RPN_N 2
#define RPN_L 3
#define RPN_PRE 50
#define RPN_POST 40
static const uint32_t RPN_MAPS[RPN_L][2] = {{16, 32}, {8, 16}, {4, 8}}; /* strides 4x3, 8x6, 16x12 */
static const oclnn_image_size RPN_SIZES[RPN_N] = {{64, 80}, {56, 96}};

static oclnn_rpn_desc rpn_desc(void) {
    oclnn_rpn_desc d = oclnn_rpn_desc_default();
    d.num_levels = RPN_L;
    for (int l = 0; l < RPN_L; l++) d.sizes[l][0] = (float)(16 << l);
    d.pre_nms_top_n = RPN_PRE;
    d.post_nms_top_n = RPN_POST;
    return d;
}

static void test_rpn_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_tensor *obj[RPN_L], *del[RPN_L];
    float *host_o[RPN_L], *host_d[RPN_L];
    for (int l = 0; l < RPN_L; l++) {
        char name[64];
        const uint32_t h = RPN_MAPS[l][0], w = RPN_MAPS[l][1];
        snprintf(name, sizeof name, "detpipe_rpn_obj%d.bin", l);
        float *o = golden(name, (size_t)RPN_N * 3 * h * w);
        snprintf(name, sizeof name, "detpipe_rpn_del%d.bin", l);
        float *d = golden(name, (size_t)RPN_N * 12 * h * w);
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){RPN_N, 3, h, w}, cfg->layout, &obj[l]));
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){RPN_N, 12, h, w}, cfg->layout, &del[l]));
        assert_ok(oclnn_tensor_write(obj[l], o, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_tensor_write(del[l], d, OCLNN_LAYOUT_NCHW));
        host_o[l] = o;
        host_d[l] = d;
    }
    float *want_b = golden("detpipe_rpn_boxes.bin", RPN_N * RPN_POST * 4);
    float *want_s = golden("detpipe_rpn_scores.bin", RPN_N * RPN_POST);
    float *want_n = golden("detpipe_rpn_counts.bin", RPN_N);
    float boxes[RPN_N * RPN_POST * 4] = {0}, scores[RPN_N * RPN_POST] = {0};
    size_t counts[RPN_N];
    const oclnn_rpn_desc d = rpn_desc();
    assert_ok(oclnn_rpn_proposals(ctx, &d, (const oclnn_tensor *const *)obj,
                                  (const oclnn_tensor *const *)del, RPN_SIZES, 64, 96, boxes,
                                  scores, counts));
    for (int i = 0; i < RPN_N; i++) {
        assert_int_equal(counts[i], (size_t)want_n[i]);
        char problem[96];
        snprintf(problem, sizeof problem, "RPN proposals of image %d, %s", i, cfg->name);
        assert_close(boxes + i * RPN_POST * 4, want_b + i * RPN_POST * 4, counts[i] * 4, BOX_ATOL,
                     BOX_RTOL, problem);
        assert_close(scores + i * RPN_POST, want_s + i * RPN_POST, counts[i], SCORE_ATOL,
                     SCORE_RTOL, problem);
        /* The double reference. */
        float rb[RPN_POST * 4], rs[RPN_POST];
        const size_t rn = oclnn__ref_rpn_proposals(&d, (const float *const *)host_o,
                                                   (const float *const *)host_d, RPN_MAPS, i,
                                                   RPN_N, RPN_SIZES[i], 64, 96, rb, rs);
        assert_int_equal(counts[i], rn);
        assert_close(boxes + i * RPN_POST * 4, rb, rn * 4, BOX_ATOL, BOX_RTOL, "RPN vs ref");
        assert_close(scores + i * RPN_POST, rs, rn, SCORE_ATOL, SCORE_RTOL, "RPN vs ref");
    }
    /* A capacity above what survives NMS (fewer proposals than post_nms_top_n), against the
     * double reference. */
    {
        oclnn_rpn_desc wide = d;
        wide.post_nms_top_n = 1000;
        float *wb = malloc(RPN_N * 1000 * 4 * sizeof *wb), *ws = malloc(RPN_N * 1000 * sizeof *ws);
        float *rb = malloc(1000 * 4 * sizeof *rb), *rs = malloc(1000 * sizeof *rs);
        assert_ok(oclnn_rpn_proposals(ctx, &wide, (const oclnn_tensor *const *)obj,
                                      (const oclnn_tensor *const *)del, RPN_SIZES, 64, 96, wb, ws,
                                      counts));
        for (uint32_t i = 0; i < RPN_N; i++) {
            const size_t rn = oclnn__ref_rpn_proposals(&wide, (const float *const *)host_o,
                                                       (const float *const *)host_d, RPN_MAPS, i,
                                                       RPN_N, RPN_SIZES[i], 64, 96, rb, rs);
            assert_true(rn > RPN_POST && rn < 1000);
            assert_int_equal(counts[i], rn);
            assert_close(wb + i * 1000 * 4, rb, rn * 4, BOX_ATOL, BOX_RTOL, "RPN (all) vs ref");
            assert_close(ws + i * 1000, rs, rn, SCORE_ATOL, SCORE_RTOL, "RPN (all) vs ref");
        }
        free(wb), free(ws), free(rb), free(rs);
    }
    /* Scores are optional; a score threshold above every sigmoid leaves nothing. */
    oclnn_rpn_desc hi = d;
    hi.score_threshold = 1.5f;
    assert_ok(oclnn_rpn_proposals(ctx, &hi, (const oclnn_tensor *const *)obj,
                                  (const oclnn_tensor *const *)del, RPN_SIZES, 64, 96, boxes, NULL,
                                  counts));
    assert_int_equal(counts[0] + counts[1], 0);

    /* Argument checks, each naming the problem. */
    oclnn_rpn_desc bad = d;
    bad.num_levels = 0;
    assert_status(oclnn_rpn_proposals(ctx, &bad, (const oclnn_tensor *const *)obj,
                                      (const oclnn_tensor *const *)del, RPN_SIZES, 64, 96, boxes,
                                      scores, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("num_levels");
    bad = d;
    bad.num_ratios = 2; /* A = 2, but the maps have 3 channels */
    assert_status(oclnn_rpn_proposals(ctx, &bad, (const oclnn_tensor *const *)obj,
                                      (const oclnn_tensor *const *)del, RPN_SIZES, 64, 96, boxes,
                                      scores, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("objectness[0]");
    bad = d;
    bad.nms_threshold = 1.5;
    assert_status(oclnn_rpn_proposals(ctx, &bad, (const oclnn_tensor *const *)obj,
                                      (const oclnn_tensor *const *)del, RPN_SIZES, 64, 96, boxes,
                                      scores, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("nms_threshold");
    const oclnn_image_size big[RPN_N] = {{64, 80}, {65, 96}};
    assert_status(oclnn_rpn_proposals(ctx, &d, (const oclnn_tensor *const *)obj,
                                      (const oclnn_tensor *const *)del, big, 64, 96, boxes, scores,
                                      counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("image_sizes[1]");
    assert_status(oclnn_rpn_proposals(ctx, &d, (const oclnn_tensor *const *)obj,
                                      (const oclnn_tensor *const *)del, RPN_SIZES, 64, 96, NULL,
                                      scores, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("boxes is NULL");
    /* A deltas map of the wrong shape. */
    oclnn_tensor *swap = del[1];
    del[1] = obj[1];
    assert_status(oclnn_rpn_proposals(ctx, &d, (const oclnn_tensor *const *)obj,
                                      (const oclnn_tensor *const *)del, RPN_SIZES, 64, 96, boxes,
                                      scores, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("deltas[1]");
    del[1] = swap;
    for (int l = 0; l < RPN_L; l++) {
        oclnn_tensor_destroy(obj[l]);
        oclnn_tensor_destroy(del[l]);
        free(host_o[l]);
        free(host_d[l]);
    }
    free(want_b);
    free(want_s);
    free(want_n);
}

/* Seeded maps for the device path (issue 18): per level (N, 3, H, W) logits quantized to steps
 * of 0.25 (many ties, also at the top-k cut and across levels; zeros alternately -0 and +0) and
 * (N, 12, H, W) deltas in [-1, 1) with every 7th dw beyond the log(1000/16) clamp. Runs
 * oclnn_rpn_proposals and checks every image against the double reference: the same count, the
 * boxes (hence the order) within BOX_ATOL/RTOL, scores within SCORE_ATOL/RTOL, and the slots
 * past the count untouched; seed 11 then puts a NaN into a logit, which must be named. */
typedef struct rpn_case {
    uint32_t n, levels, maps[4][2], padded_h, padded_w, pre, post;
    oclnn_image_size sizes[3];
    float min_size, score_threshold;
    uint32_t seed;
} rpn_case;

static void check_rpn_case(oclnn_context *ctx, const test_cfg *cfg, const rpn_case *rc) {
    oclnn_tensor *obj[4], *del[4];
    float *ho[4], *hd[4];
    for (uint32_t l = 0; l < rc->levels; l++) {
        const uint32_t h = rc->maps[l][0], w = rc->maps[l][1];
        const size_t n = (size_t)rc->n * 3 * h * w;
        ho[l] = alloc_random(n, rc->seed + 10 * l, -3.0f, 3.0f);
        hd[l] = alloc_random(4 * n, rc->seed + 10 * l + 1, -1.0f, 1.0f);
        for (size_t i = 0; i < n; i++) {
            ho[l][i] = roundf(ho[l][i] * 4.0f) / 4.0f;
            if (ho[l][i] == 0.0f) ho[l][i] = i % 2 ? -0.0f : 0.0f;
        }
        for (size_t i = 2; i < 4 * n; i += 28) hd[l][i] = 6.0f; /* a dw past the clamp */
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){rc->n, 3, h, w}, cfg->layout, &obj[l]));
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){rc->n, 12, h, w}, cfg->layout, &del[l]));
        assert_ok(oclnn_tensor_write(obj[l], ho[l], OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_tensor_write(del[l], hd[l], OCLNN_LAYOUT_NCHW));
    }
    oclnn_rpn_desc d = oclnn_rpn_desc_default();
    d.num_levels = rc->levels;
    for (uint32_t l = 0; l < rc->levels; l++) d.sizes[l][0] = (float)(16 << l);
    d.pre_nms_top_n = rc->pre;
    d.post_nms_top_n = rc->post;
    d.min_size = rc->min_size;
    d.score_threshold = rc->score_threshold;
    const size_t total = (size_t)rc->n * rc->post;
    float *boxes = malloc(total * 4 * sizeof *boxes), *scores = malloc(total * sizeof *scores);
    float *rb = malloc(rc->post * 4 * sizeof *rb), *rs = malloc(rc->post * sizeof *rs);
    for (size_t i = 0; i < total * 4; i++) boxes[i] = -7.0f;
    for (size_t i = 0; i < total; i++) scores[i] = -7.0f;
    size_t counts[3];
    assert_ok(oclnn_rpn_proposals(ctx, &d, (const oclnn_tensor *const *)obj,
                                  (const oclnn_tensor *const *)del, rc->sizes, rc->padded_h,
                                  rc->padded_w, boxes, scores, counts));
    for (uint32_t i = 0; i < rc->n; i++) {
        const size_t rn = oclnn__ref_rpn_proposals(&d, (const float *const *)ho,
                                                   (const float *const *)hd, rc->maps, i, rc->n,
                                                   rc->sizes[i], rc->padded_h, rc->padded_w, rb, rs);
        char problem[128];
        snprintf(problem, sizeof problem, "RPN (seed %u) image %u vs ref, %s", rc->seed, i,
                 cfg->name);
        assert_int_equal(counts[i], rn);
        assert_true(rn > 0);
        assert_close(boxes + i * rc->post * 4, rb, rn * 4, BOX_ATOL, BOX_RTOL, problem);
        assert_close(scores + i * rc->post, rs, rn, SCORE_ATOL, SCORE_RTOL, problem);
        for (size_t j = rn; j < rc->post; j++) {
            assert_true(scores[i * rc->post + j] == -7.0f);
            assert_true(boxes[(i * rc->post + j) * 4 + 3] == -7.0f);
        }
    }
    if (rc->seed == 11) { /* a NaN logit (level 1 is 5x7): image 2, y 2, x 3, anchor 1 */
        ho[1][2 * 105 + 1 * 35 + 2 * 7 + 3] = NAN;
        assert_ok(oclnn_tensor_write(obj[1], ho[1], OCLNN_LAYOUT_NCHW));
        assert_status(oclnn_rpn_proposals(ctx, &d, (const oclnn_tensor *const *)obj,
                                          (const oclnn_tensor *const *)del, rc->sizes,
                                          rc->padded_h, rc->padded_w, boxes, scores, counts),
                      OCLNN_ERROR_INVALID_ARGUMENT);
        assert_error_mentions("objectness[1] of image 2 is NaN at anchor 52");
    }
    for (uint32_t l = 0; l < rc->levels; l++) {
        oclnn_tensor_destroy(obj[l]);
        oclnn_tensor_destroy(del[l]);
        free(ho[l]), free(hd[l]);
    }
    free(boxes), free(scores), free(rb), free(rs);
}

/* The device path's cases: odd level sizes (strides 8x7, 14x14, 24x25), a top-k larger than the
 * smallest level (36 anchors) and than the next (105 of 80 wanted), three images of different
 * sizes, ties everywhere, min_size and score filters (the one case in the Oclgrind gate); the same
 * without filters and a capacity above what survives. Larger: a level
 * of 7,200 anchors (two work-groups' chunks in the radix select) with a top 3,000 (sorted in
 * global memory), and a top 9,000 of 10,800 (beyond the device path: the host fallback). */
static void test_rpn_device(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    const rpn_case small = {3, 3, {{9, 13}, {5, 7}, {3, 4}}, 72, 100, 80, 60,
                            {{72, 100}, {50, 64}, {64, 33}}, 2.0f, 0.2f, 11};
    check_rpn_case(ctx, cfg, &small);
    if (test_small()) return; /* the Oclgrind gate: the first case only */
    rpn_case all = small; /* no filters, post above what survives */
    all.min_size = 1e-3f, all.score_threshold = 0.0f, all.post = 250, all.seed = 12;
    check_rpn_case(ctx, cfg, &all);
    const rpn_case big = {2, 2, {{40, 60}, {20, 30}}, 320, 480, 3000, 2500,
                          {{320, 480}, {300, 411}}, 1e-3f, 0.0f, 13};
    check_rpn_case(ctx, cfg, &big);
    const rpn_case huge = {1, 1, {{60, 60}}, 480, 480, 9000, 500, {{480, 470}}, 1e-3f, 0.0f, 14};
    check_rpn_case(ctx, cfg, &huge);
}

/* ---- Multi-level RoIAlign ------------------------------------------------------------------- */

#define MS_N 2
#define MS_C 2
#define MS_L 4
#define MS_P 7
#define MS_ROIS 40
static const uint32_t MS_MAPS[MS_L][2] = {{64, 80}, {32, 40}, {16, 20}, {8, 10}};

static void test_msroi_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_tensor *lv[MS_L], *dst;
    float *maps[MS_L];
    for (int l = 0; l < MS_L; l++) {
        char name[64];
        const oclnn_shape s = {MS_N, MS_C, MS_MAPS[l][0], MS_MAPS[l][1]};
        snprintf(name, sizeof name, "detpipe_ms_f%d.bin", l);
        maps[l] = golden(name, (size_t)MS_N * MS_C * s.h * s.w);
        assert_ok(oclnn_tensor_create(ctx, s, cfg->layout, &lv[l]));
        assert_ok(oclnn_tensor_write(lv[l], maps[l], OCLNN_LAYOUT_NCHW));
    }
    float *rois = golden("detpipe_ms_rois.bin", MS_ROIS * 5);
    float *want = golden("detpipe_ms_out.bin", MS_ROIS * MS_C * MS_P * MS_P);
    float *want_lv = golden("detpipe_ms_levels.bin", MS_ROIS);
    const size_t n_out = (size_t)MS_ROIS * MS_C * MS_P * MS_P, per = (size_t)MS_C * MS_P * MS_P;
    /* Two spare rows past the RoIs must stay as they were. */
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){MS_ROIS + 2, MS_C, MS_P, MS_P}, cfg->layout,
                                  &dst));
    assert_ok(oclnn_tensor_fill(dst, 7.0f));
    oclnn_msroi_desc d = oclnn_msroi_desc_default();
    assert_int_equal(d.num_levels, 4);
    oclnn_op *op;
    assert_ok(oclnn_msroi_create(ctx, &d, &op));
    assert_string_equal(oclnn_op_algorithm(op), "multiscale_roi_align");
    int32_t level_of[MS_ROIS];
    assert_ok(oclnn_msroi_run(op, (const oclnn_tensor *const *)lv, (oclnn_image_size){256, 320},
                              rois, MS_ROIS, dst, level_of));
    float *got = malloc((n_out + 2 * per) * sizeof *got), *ref = malloc(per * sizeof *ref);
    assert_ok(oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW));
    char problem[96];
    snprintf(problem, sizeof problem, "MultiScaleRoIAlign vs torchvision, %s", cfg->name);
    assert_close(got, want, n_out, ALIGN_ATOL, ALIGN_RTOL, problem);
    for (size_t i = n_out; i < n_out + 2 * per; i++) assert_true(got[i] == 7.0f);
    bool seen[MS_L] = {false};
    for (int r = 0; r < MS_ROIS; r++) {
        assert_int_equal(level_of[r], (int)want_lv[r]);
        seen[level_of[r]] = true;
        /* The double reference on the RoI's level. */
        const int l = level_of[r];
        oclnn__ref_roi_align((oclnn_shape){MS_N, MS_C, MS_MAPS[l][0], MS_MAPS[l][1]}, maps[l],
                             OCLNN_LAYOUT_NCHW, rois + 5 * r, 1, MS_P, MS_P, 1.0f / (float)(4 << l),
                             2, false, ref);
        assert_close(got + r * per, ref, per, ALIGN_ATOL, ALIGN_RTOL, "MultiScaleRoIAlign vs ref");
    }
    for (int l = 0; l < MS_L; l++) assert_true(seen[l]); /* every level and both clamps */

    /* Checks: a map whose scales differ by axis; levels out of order; the wrong op kind. */
    oclnn_tensor *odd;
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){MS_N, MS_C, 32, 80}, cfg->layout, &odd));
    oclnn_tensor *bad[MS_L] = {lv[0], odd, lv[2], lv[3]};
    assert_status(oclnn_msroi_run(op, (const oclnn_tensor *const *)bad,
                                  (oclnn_image_size){256, 320}, rois, MS_ROIS, dst, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("levels[1]");
    oclnn_tensor *swapped[MS_L] = {lv[1], lv[0], lv[2], lv[3]};
    assert_status(oclnn_msroi_run(op, (const oclnn_tensor *const *)swapped,
                                  (oclnn_image_size){256, 320}, rois, MS_ROIS, dst, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("halve");
    assert_status(oclnn_roi_run(op, lv[0], rois, MS_ROIS, dst, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("oclnn_msroi_run");
    oclnn_op *single;
    oclnn_roi_desc rd = OCLNN_ROI_DESC_INIT;
    assert_ok(oclnn_roi_create(ctx, &rd, &single));
    assert_status(oclnn_msroi_run(single, (const oclnn_tensor *const *)lv,
                                  (oclnn_image_size){256, 320}, rois, MS_ROIS, dst, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("oclnn_roi_run");
    oclnn_op_destroy(single);
    rois[0] = 2.0f; /* batch index out of range */
    assert_status(oclnn_msroi_run(op, (const oclnn_tensor *const *)lv,
                                  (oclnn_image_size){256, 320}, rois, MS_ROIS, dst, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("rois[0]");
    d.num_levels = 9;
    oclnn_op *none;
    assert_status(oclnn_msroi_create(ctx, &d, &none), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("num_levels");
    assert_null(none);
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(odd);
    oclnn_tensor_destroy(dst);
    for (int l = 0; l < MS_L; l++) {
        oclnn_tensor_destroy(lv[l]);
        free(maps[l]);
    }
    free(got), free(ref), free(rois), free(want), free(want_lv);
}

/* ---- Detection post-processing -------------------------------------------------------------- */

#define PP_K 5
#define PP_D 20
#define PP_TOTAL 105

static void test_postprocess_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    float *props = golden("detpipe_pp_props.bin", PP_TOTAL * 4);
    float *logits = golden("detpipe_pp_logits.bin", PP_TOTAL * PP_K);
    float *reg = golden("detpipe_pp_reg.bin", PP_TOTAL * 4 * PP_K);
    float *want_n = golden("detpipe_pp_counts.bin", 2), *want_b = golden("detpipe_pp_boxes.bin", 2 * PP_D * 4);
    float *want_s = golden("detpipe_pp_scores.bin", 2 * PP_D);
    float *want_l = golden("detpipe_pp_labels.bin", 2 * PP_D);
    const size_t np[2] = {60, 45};
    const oclnn_image_size sizes[2] = {{120, 160}, {100, 140}};
    float boxes[2 * PP_D * 4], scores[2 * PP_D];
    int32_t labels[2 * PP_D];
    size_t counts[2];
    oclnn_detect_post_desc d = OCLNN_DETECT_POST_DESC_INIT;
    d.detections_per_image = PP_D;
    assert_ok(oclnn_detect_postprocess(ctx, &d, logits, reg, PP_K, props, np, sizes, 2, boxes,
                                       scores, labels, counts));
    for (int i = 0; i < 2; i++) {
        assert_int_equal(counts[i], (size_t)want_n[i]);
        char problem[96];
        snprintf(problem, sizeof problem, "postprocess_detections image %d, %s", i, cfg->name);
        assert_close(boxes + i * PP_D * 4, want_b + i * PP_D * 4, counts[i] * 4, BOX_ATOL,
                     BOX_RTOL, problem);
        assert_close(scores + i * PP_D, want_s + i * PP_D, counts[i], SCORE_ATOL, SCORE_RTOL,
                     problem);
        for (size_t j = 0; j < counts[i]; j++)
            assert_int_equal(labels[i * PP_D + j], (int)want_l[i * PP_D + j]);
        /* The double reference. */
        float rb[PP_D * 4], rs[PP_D];
        int32_t rl[PP_D];
        const size_t first = i ? np[0] : 0;
        const size_t rn = oclnn__ref_detect_postprocess(&d, logits + first * PP_K,
                                                        reg + first * 4 * PP_K, PP_K,
                                                        props + 4 * first, np[i], sizes[i], rb,
                                                        rs, rl);
        assert_int_equal(counts[i], rn);
        assert_close(boxes + i * PP_D * 4, rb, rn * 4, BOX_ATOL, BOX_RTOL, "postprocess vs ref");
        assert_close(scores + i * PP_D, rs, rn, SCORE_ATOL, SCORE_RTOL, "postprocess vs ref");
        assert_memory_equal(labels + i * PP_D, rl, rn * sizeof *rl);
    }
    /* torchvision's 100 per image (more than survive here), against the double reference. */
    {
        oclnn_detect_post_desc all = OCLNN_DETECT_POST_DESC_INIT;
        float *ab = malloc(2 * 100 * 4 * sizeof *ab), *as = malloc(2 * 100 * sizeof *as);
        float rb[100 * 4], rs[100];
        int32_t al[2 * 100], rl[100];
        assert_ok(oclnn_detect_postprocess(ctx, &all, logits, reg, PP_K, props, np, sizes, 2, ab,
                                           as, al, counts));
        for (int i = 0; i < 2; i++) {
            const size_t first = i ? np[0] : 0;
            const size_t rn = oclnn__ref_detect_postprocess(&all, logits + first * PP_K,
                                                            reg + first * 4 * PP_K, PP_K,
                                                            props + 4 * first, np[i], sizes[i], rb,
                                                            rs, rl);
            assert_true(rn > PP_D && rn <= 100);
            assert_int_equal(counts[i], rn);
            assert_close(ab + i * 100 * 4, rb, rn * 4, BOX_ATOL, BOX_RTOL, "postprocess (all)");
            assert_close(as + i * 100, rs, rn, SCORE_ATOL, SCORE_RTOL, "postprocess (all)");
            assert_memory_equal(al + i * 100, rl, rn * sizeof *rl);
        }
        free(ab), free(as);
    }
    /* A threshold above every score leaves nothing; no images is nothing to do. */
    d.score_threshold = 1.0f;
    assert_ok(oclnn_detect_postprocess(ctx, &d, logits, reg, PP_K, props, np, sizes, 2, boxes,
                                       scores, labels, counts));
    assert_int_equal(counts[0] + counts[1], 0);
    assert_ok(oclnn_detect_postprocess(ctx, &d, NULL, NULL, PP_K, NULL, NULL, NULL, 0, NULL, NULL,
                                       NULL, NULL));
    d = (oclnn_detect_post_desc)OCLNN_DETECT_POST_DESC_INIT;
    assert_status(oclnn_detect_postprocess(ctx, &d, logits, reg, 1, props, np, sizes, 2, boxes,
                                           scores, labels, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("num_classes");
    d.coder.weights[3] = -1;
    assert_status(oclnn_detect_postprocess(ctx, &d, logits, reg, PP_K, props, np, sizes, 2, boxes,
                                           scores, labels, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("weights[3]");
    d.coder.weights[3] = 5;
    props[7] = NAN;
    assert_status(oclnn_detect_postprocess(ctx, &d, logits, reg, PP_K, props, np, sizes, 2, boxes,
                                           scores, labels, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("proposals[1]");
    assert_status(oclnn_detect_postprocess(ctx, &d, logits, reg, PP_K, props, np, sizes, 2, boxes,
                                           scores, NULL, counts),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("labels is NULL");
    free(props), free(logits), free(reg), free(want_n), free(want_b), free(want_s), free(want_l);
}

/* ---- Mask pasting ---------------------------------------------------------------------------- */

#define MK_N 8
#define MK_K 3
#define MK_M 6
#define MK_H 40
#define MK_W 50

/* paste_masks_in_image in double: sigmoid, zero padding of 1, expanded box truncated to
 * integers, bilinear resize with align_corners false. */
static void ref_paste(const float *logits, int label, const float *box, double *out) {
    const int P = MK_M + 2;
    double pad[(MK_M + 2) * (MK_M + 2)] = {0};
    for (int y = 0; y < MK_M; y++)
        for (int x = 0; x < MK_M; x++)
            pad[(y + 1) * P + x + 1] =
                1.0 / (1.0 + exp(-(double)logits[(label * MK_M + y) * MK_M + x]));
    const float scale = (float)((double)P / MK_M);
    const float wh = (box[2] - box[0]) * 0.5f * scale, hh = (box[3] - box[1]) * 0.5f * scale;
    const float xc = (box[2] + box[0]) * 0.5f, yc = (box[3] + box[1]) * 0.5f;
    const long bx0 = (long)(xc - wh), bx1 = (long)(xc + wh), by0 = (long)(yc - hh),
               by1 = (long)(yc + hh);
    long w = bx1 - bx0 + 1, h = by1 - by0 + 1;
    w = w > 1 ? w : 1;
    h = h > 1 ? h : 1;
    for (int i = 0; i < MK_H * MK_W; i++) out[i] = 0;
    for (long y = by0 > 0 ? by0 : 0; y < (by1 + 1 < MK_H ? by1 + 1 : MK_H); y++)
        for (long x = bx0 > 0 ? bx0 : 0; x < (bx1 + 1 < MK_W ? bx1 + 1 : MK_W); x++) {
            double sy = fmax(((double)(y - by0) + 0.5) * P / (double)h - 0.5, 0);
            double sx = fmax(((double)(x - bx0) + 0.5) * P / (double)w - 0.5, 0);
            int y0 = (int)sy < P - 1 ? (int)sy : P - 1, x0 = (int)sx < P - 1 ? (int)sx : P - 1;
            int y1 = y0 < P - 1 ? y0 + 1 : y0, x1 = x0 < P - 1 ? x0 + 1 : x0;
            double ly = fmin(sy - y0, 1), lx = fmin(sx - x0, 1);
            out[y * MK_W + x] = (1 - ly) * ((1 - lx) * pad[y0 * P + x0] + lx * pad[y0 * P + x1]) +
                                ly * ((1 - lx) * pad[y1 * P + x0] + lx * pad[y1 * P + x1]);
        }
}

static void test_mask_paste_golden(void **state) {
    (void)state;
    float *logits = golden("detpipe_mask_logits.bin", MK_N * MK_K * MK_M * MK_M);
    float *flabels = golden("detpipe_mask_labels.bin", MK_N);
    float *boxes = golden("detpipe_mask_boxes.bin", MK_N * 4);
    const size_t plane = (size_t)MK_H * MK_W;
    float *want = golden("detpipe_mask_pasted.bin", MK_N * plane);
    float *got = malloc(MK_N * plane * sizeof *got);
    double *ref = malloc(plane * sizeof *ref);
    int32_t labels[MK_N];
    for (int i = 0; i < MK_N; i++) labels[i] = (int32_t)flabels[i];
    oclnn_mask_paste_desc d = OCLNN_MASK_PASTE_DESC_INIT;
    d.binarize = false;
    assert_ok(oclnn_mask_paste(&d, logits, MK_N, MK_K, MK_M, labels, boxes, MK_H, MK_W, got));
    assert_close(got, want, MK_N * plane, MASK_ATOL, 0, "paste_masks_in_image vs torchvision");
    for (int i = 0; i < MK_N; i++) {
        ref_paste(logits + (size_t)i * MK_K * MK_M * MK_M, labels[i], boxes + 4 * i, ref);
        float fref[MK_H * MK_W];
        for (size_t k = 0; k < plane; k++) fref[k] = (float)ref[k];
        assert_close(got + i * plane, fref, plane, MASK_REF_ATOL, 0, "mask paste vs double ref");
    }
    /* Binarized at 0.5 (masks > 0.5, as torchvision's users threshold). */
    d.binarize = true;
    assert_ok(oclnn_mask_paste(&d, logits, MK_N, MK_K, MK_M, labels, boxes, MK_H, MK_W, got));
    size_t ones = 0;
    for (size_t k = 0; k < MK_N * plane; k++) {
        assert_true(got[k] == (want[k] > 0.5f ? 1.0f : 0.0f) || fabsf(want[k] - 0.5f) < 1e-5f);
        ones += got[k] == 1.0f;
    }
    assert_true(ones > 100 && ones < MK_N * plane / 2);
    /* Probabilities given directly (logits false) paste the same. */
    float *probs = malloc(MK_N * MK_K * MK_M * MK_M * sizeof *probs);
    for (int k = 0; k < MK_N * MK_K * MK_M * MK_M; k++) probs[k] = 1.0f / (1.0f + expf(-logits[k]));
    d.binarize = false;
    d.logits = false;
    assert_ok(oclnn_mask_paste(&d, probs, MK_N, MK_K, MK_M, labels, boxes, MK_H, MK_W, got));
    assert_close(got, want, MK_N * plane, MASK_ATOL, 0, "paste of probabilities");
    /* Checks. */
    labels[2] = MK_K;
    assert_status(oclnn_mask_paste(&d, probs, MK_N, MK_K, MK_M, labels, boxes, MK_H, MK_W, got),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("labels[2]");
    labels[2] = 0;
    boxes[5] = INFINITY;
    assert_status(oclnn_mask_paste(&d, probs, MK_N, MK_K, MK_M, labels, boxes, MK_H, MK_W, got),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("boxes[1]");
    assert_status(oclnn_mask_paste(&d, probs, MK_N, MK_K, MK_M, NULL, boxes, MK_H, MK_W, got),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("labels is NULL");
    assert_status(oclnn_mask_paste(NULL, probs, 1, 1, MK_M, NULL, boxes, MK_H, MK_W, got),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc is NULL");
    free(logits), free(flabels), free(boxes), free(want), free(got), free(ref), free(probs);
}

/* ---- RoI sampling ----------------------------------------------------------------------------- */

#define TS_N 80
#define TS_G 4

static void test_roi_sample_golden(void **state) {
    (void)state;
    float *props = golden("detpipe_ts_props.bin", TS_N * 4), *gt = golden("detpipe_ts_gt.bin", TS_G * 4);
    float *fgl = golden("detpipe_ts_gt_labels.bin", TS_G);
    float *want_l = golden("detpipe_ts_labels.bin", TS_N + TS_G);
    float *want_t = golden("detpipe_ts_targets.bin", (TS_N + TS_G) * 4);
    int32_t gl[TS_G], labels[TS_N + TS_G], matched[TS_N + TS_G];
    for (int g = 0; g < TS_G; g++) gl[g] = (int32_t)fgl[g];
    float rois[(TS_N + TS_G) * 4], targets[(TS_N + TS_G) * 4];
    size_t n;
    /* Every RoI taken (batch above the count, all foreground allowed): torchvision's order. */
    oclnn_roi_sample_desc d = OCLNN_ROI_SAMPLE_DESC_INIT;
    d.batch_size_per_image = TS_N + TS_G;
    d.positive_fraction = 1.0f;
    assert_ok(oclnn_roi_sample(&d, props, TS_N, gt, gl, TS_G, rois, labels, targets, matched, &n));
    assert_int_equal(n, TS_N + TS_G);
    assert_memory_equal(rois, props, TS_N * 4 * sizeof(float));
    assert_memory_equal(rois + TS_N * 4, gt, TS_G * 4 * sizeof(float));
    size_t fg = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(labels[i], (int)want_l[i]);
        if (labels[i] > 0) {
            fg++;
            assert_close(targets + 4 * i, want_t + 4 * i, 4, DELTA_TOL, DELTA_TOL,
                         "box targets vs torchvision (foreground)");
            assert_int_equal(gl[matched[i]], labels[i]);
        } else {
            assert_int_equal(matched[i], -1);
            for (int k = 0; k < 4; k++) assert_true(targets[4 * i + k] == 0.0f);
        }
    }
    assert_true(fg > 10 && fg < n - 10);
    free(props), free(gt), free(fgl), free(want_l), free(want_t);
}

static uint64_t lcg(uint64_t *s) {
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static void test_roi_sample_statistics(void **state) {
    (void)state;
    enum { N = 3000, G = 6 };
    float *props = malloc(N * 4 * sizeof *props), gt[G * 4];
    int32_t gl[G];
    uint64_t s = 18;
    for (int g = 0; g < G; g++) {
        float x = (float)(lcg(&s) % 400), y = (float)(lcg(&s) % 300);
        float w = 40 + (float)(lcg(&s) % 80), h = 40 + (float)(lcg(&s) % 80);
        gt[4 * g + 0] = x, gt[4 * g + 1] = y, gt[4 * g + 2] = x + w, gt[4 * g + 3] = y + h;
        gl[g] = 1 + g % 3;
    }
    for (int i = 0; i < N; i++) {
        /* Half jittered around the ground truth, half anywhere. */
        const float *b = gt + 4 * (lcg(&s) % G);
        float j[4];
        for (int k = 0; k < 4; k++) j[k] = (float)((int)(lcg(&s) % 61) - 30);
        if (i % 2) {
            for (int k = 0; k < 4; k++) props[4 * i + k] = b[k] + j[k];
        } else {
            float x = (float)(lcg(&s) % 500), y = (float)(lcg(&s) % 400);
            props[4 * i + 0] = x, props[4 * i + 1] = y;
            props[4 * i + 2] = x + 10 + (float)(lcg(&s) % 150);
            props[4 * i + 3] = y + 10 + (float)(lcg(&s) % 150);
        }
        if (props[4 * i + 2] <= props[4 * i]) props[4 * i + 2] = props[4 * i] + 1;
        if (props[4 * i + 3] <= props[4 * i + 1]) props[4 * i + 3] = props[4 * i + 1] + 1;
    }
    float *iou = malloc((size_t)(N + G) * G * sizeof *iou);
    float *all = malloc((size_t)(N + G) * 4 * sizeof *all);
    memcpy(all, props, N * 4 * sizeof *all);
    memcpy(all + N * 4, gt, sizeof gt);
    assert_ok(oclnn_box_iou(all, N + G, gt, G, iou));
    size_t nfg = 0, nbg_tv = 0, nbg_paper = 0;
    for (int i = 0; i < N + G; i++) {
        float m = 0;
        for (int g = 0; g < G; g++) m = iou[i * G + g] > m ? iou[i * G + g] : m;
        nfg += m >= 0.5f;
        nbg_tv += m < 0.5f;
        nbg_paper += m >= 0.1f && m < 0.5f;
    }
    assert_true(nfg > 128 && nbg_paper > 384 && nbg_paper < nbg_tv);

    float rois[512 * 4], targets[512 * 4], rois2[512 * 4];
    int32_t labels[512], matched[512];
    size_t n, n2;
    oclnn_roi_sample_desc d = OCLNN_ROI_SAMPLE_DESC_INIT;
    oclnn_roi_sample_desc paper = d;
    paper.bg_iou_low = 0.1f;
    unsigned *hits = calloc(N + G, sizeof *hits);
    const int runs = 200;
    for (int run = 0; run < runs; run++) {
        const bool use_paper = run % 2;
        oclnn_roi_sample_desc dd = use_paper ? paper : d;
        dd.seed = (uint64_t)run;
        assert_ok(oclnn_roi_sample(&dd, props, N, gt, gl, G, rois, labels, targets, matched, &n));
        assert_int_equal(n, 512);
        size_t f = 0, prev = 0;
        for (size_t i = 0; i < n; i++) {
            /* Find the RoI (the sample keeps proposal order) and check its class rule. */
            size_t at = prev;
            while (at < N + G && memcmp(all + 4 * at, rois + 4 * i, 4 * sizeof(float))) at++;
            assert_true(at < N + G);
            prev = at + 1;
            float m = 0;
            int best = 0;
            for (int g = 0; g < G; g++)
                if (iou[at * G + g] > m) m = iou[at * G + g], best = g;
            if (labels[i] > 0) {
                f++;
                assert_true(m >= 0.5f);
                assert_int_equal(matched[i], best);
                assert_int_equal(labels[i], gl[best]);
                float t[4];
                assert_ok(oclnn_box_encode(&d.coder, rois + 4 * i, gt + 4 * best, 1, t));
                assert_memory_equal(t, targets + 4 * i, sizeof t);
                if (run % 2 == 0) hits[at]++;
            } else {
                assert_int_equal(labels[i], 0);
                assert_true(m < 0.5f && m >= (use_paper ? 0.1f : 0.0f));
            }
        }
        assert_int_equal(f, 128); /* 512 x 0.25 */
        /* The same seed gives the same sample; another seed another. */
        assert_ok(oclnn_roi_sample(&dd, props, N, gt, gl, G, rois2, labels, targets, NULL, &n2));
        assert_int_equal(n2, n);
        assert_memory_equal(rois, rois2, n * 4 * sizeof(float));
        dd.seed += 1000;
        assert_ok(oclnn_roi_sample(&dd, props, N, gt, gl, G, rois2, labels, targets, NULL, &n2));
        assert_true(memcmp(rois, rois2, n * 4 * sizeof(float)) != 0);
    }
    /* Uniform choice: each foreground RoI is picked 128 / nfg of the time; over 100 runs its
     * count is binomial, within 6 standard deviations (the test cannot flake: the seeds are
     * fixed). */
    const double p = 128.0 / (double)nfg, mean = 100 * p, sd = sqrt(100 * p * (1 - p));
    double total = 0;
    for (int i = 0; i < N + G; i++) {
        if (!hits[i]) continue;
        assert_true(fabs(hits[i] - mean) < 6 * sd + 1);
        total += hits[i];
    }
    assert_true(fabs(total - 100.0 * 128) < 0.5);
    /* Few candidates: everything is taken, background fills what foreground leaves. */
    d.batch_size_per_image = 64;
    assert_ok(oclnn_roi_sample(&d, props, 20, gt, gl, G, rois, labels, targets, NULL, &n));
    assert_true(n <= 20 + G);
    /* No ground truth: all background. */
    assert_ok(oclnn_roi_sample(&d, props, 30, NULL, NULL, 0, rois, labels, targets, matched, &n));
    assert_int_equal(n, 30);
    for (size_t i = 0; i < n; i++) assert_true(labels[i] == 0 && matched[i] == -1);
    /* Checks. */
    d.bg_iou_high = 0.6f;
    assert_status(oclnn_roi_sample(&d, props, N, gt, gl, G, rois, labels, targets, NULL, &n),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("bg_iou_high");
    d.bg_iou_high = 0.5f;
    gl[1] = 0;
    assert_status(oclnn_roi_sample(&d, props, N, gt, gl, G, rois, labels, targets, NULL, &n),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("gt_labels[1]");
    gl[1] = 2;
    props[9] = NAN;
    assert_status(oclnn_roi_sample(&d, props, N, gt, gl, G, rois, labels, targets, NULL, &n),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("proposals[2]");
    free(props), free(iou), free(all), free(hits);
}

/* ---- Allocation failures ------------------------------------------------------------------ */

/* Every host allocation inside the context-taking stages fails in turn: each call returns OK or
 * OUT_OF_MEMORY with a message, and leaks nothing (the sanitizer build checks); afterwards the
 * same calls succeed. Needs OCLNN_FAULT_INJECTION (Debug builds); skipped otherwise. */
static void test_pipeline_faults(void **state) {
#if OCLNN__FAULT_INJECTION_ENABLED
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_tensor *obj[2], *del[2], *lv[2], *dst;
    float host[12 * 4 * 4];
    for (int i = 0; i < 12 * 16; i++) host[i] = (float)((i * 37) % 23) / 11.0f - 1.0f;
    for (int l = 0; l < 2; l++) {
        const uint32_t h = 4u >> l;
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 3, h, h}, cfg->layout, &obj[l]));
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 12, h, h}, cfg->layout, &del[l]));
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 2, 2 * h, 2 * h}, cfg->layout, &lv[l]));
        assert_ok(oclnn_tensor_write(obj[l], host, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_tensor_write(del[l], host, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_tensor_write(lv[l], host, OCLNN_LAYOUT_NCHW));
    }
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){3, 2, 2, 2}, cfg->layout, &dst));
    oclnn_rpn_desc rd = oclnn_rpn_desc_default();
    rd.num_levels = 2;
    oclnn_msroi_desc md = oclnn_msroi_desc_default();
    md.num_levels = 2;
    md.pooled_h = md.pooled_w = 2;
    oclnn_detect_post_desc pd = OCLNN_DETECT_POST_DESC_INIT;
    const float rois[15] = {0, 1, 1, 20, 20, 0, 0, 0, 4, 4, 0, 2, 3, 30, 31};
    float props[40], logits[30], reg[120];
    for (int i = 0; i < 10; i++) {
        props[4 * i] = (float)i, props[4 * i + 1] = (float)(2 * i);
        props[4 * i + 2] = (float)(i + 10), props[4 * i + 3] = (float)(2 * i + 8);
    }
    for (int i = 0; i < 30; i++) logits[i] = host[i] * 3;
    for (int i = 0; i < 120; i++) reg[i] = host[i] * 0.2f;
    const size_t np = 10;
    const oclnn_image_size size = {16, 16};
    float boxes[1000 * 4], scores[1000];
    int32_t labels[100];
    size_t counts[1];
    int failures = 0;
    for (unsigned long n = 1; n <= 400; n++) {
        oclnn__fault_arm(OCLNN__FAULT_HOST_ALLOC, n, false);
        oclnn_status st[4];
        oclnn_op *op = NULL;
        st[0] = oclnn_rpn_proposals(ctx, &rd, (const oclnn_tensor *const *)obj,
                                    (const oclnn_tensor *const *)del, &size, 16, 16, boxes, scores,
                                    counts);
        st[1] = oclnn_msroi_create(ctx, &md, &op);
        st[2] = op ? oclnn_msroi_run(op, (const oclnn_tensor *const *)lv, size, rois, 3, dst, NULL)
                   : OCLNN_OK;
        st[3] = oclnn_detect_postprocess(ctx, &pd, logits, reg, 3, props, &np, &size, 1, boxes,
                                         scores, labels, counts);
        oclnn__fault_arm(OCLNN__FAULT_HOST_ALLOC, 0, false);
        oclnn_op_destroy(op);
        bool all_ok = true;
        for (int k = 0; k < 4; k++) {
            if (st[k] != OCLNN_OK && st[k] != OCLNN_ERROR_OUT_OF_MEMORY)
                fail_msg("call %d with allocation %lu failing gave %s: %s", k, n,
                         oclnn_status_string(st[k]), oclnn_last_error());
            all_ok = all_ok && st[k] == OCLNN_OK;
        }
        if (all_ok) break;
        failures++;
    }
    assert_true(failures >= 4);
    /* Usable afterwards. */
    assert_ok(oclnn_rpn_proposals(ctx, &rd, (const oclnn_tensor *const *)obj,
                                  (const oclnn_tensor *const *)del, &size, 16, 16, boxes, scores,
                                  counts));
    for (int l = 0; l < 2; l++) {
        oclnn_tensor_destroy(obj[l]);
        oclnn_tensor_destroy(del[l]);
        oclnn_tensor_destroy(lv[l]);
    }
    oclnn_tensor_destroy(dst);
#else
    (void)state;
    skip();
#endif
}

#define TEST_BACKENDS(t)                                                                          \
    cmocka_unit_test_prestate(t, (void *)&CFG_CL_NCHW),                                           \
        cmocka_unit_test_prestate(t, (void *)&CFG_CPU_NCHW)

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_rpn_golden),
        TEST_ALL_CFGS(test_rpn_device),
        TEST_ALL_CFGS(test_msroi_golden),
        TEST_BACKENDS(test_postprocess_golden),
        cmocka_unit_test(test_mask_paste_golden),
        cmocka_unit_test(test_roi_sample_golden),
        cmocka_unit_test(test_roi_sample_statistics),
        TEST_BACKENDS(test_pipeline_faults),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
