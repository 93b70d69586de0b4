/* SPDX-License-Identifier: MIT */
/* The host detection helpers against torchvision (tools/golden/detect.py): IoU matrix, box
 * coding and clipping, anchors, smooth-L1, the Fast R-CNN loss; VOC AP against cases worked out
 * by hand from the devkit's definition; argument checks. */
#include <math.h>
#include <stdlib.h>

#include "support/harness.h"

/* IoU, coding, anchors and clipping use torchvision's float formulas operation by operation;
 * only logf/expf may differ from PyTorch's vectorized log/exp by an ulp or two. */
#define BOX_ATOL 1e-4 /* coordinates up to ~1000: a few float ulps */
#define BOX_RTOL 1e-6
/* Deltas are O(10) (weights 10 and 5) from a log and a division: a few float ulps. */
#define DELTA_TOL 1e-5
/* decode(encode(b)) goes through log then exp of ratios: ~1e-6 relative of coordinates ~600. */
#define ROUND_TRIP_ATOL 1e-3
/* Losses: our sums are in double, PyTorch's in float (pairwise): a few ulps of the result. */
#define LOSS_RTOL 1e-5
/* Element losses: the same float formula; only |x - y| below 1e-7 could differ in the last bit. */
#define ELEMENT_ATOL 1e-7
#define ELEMENT_RTOL 1e-6
/* VOC AP: exact rationals computed in double, stored as float. */
#define AP_ATOL 1e-6

static void test_box_iou(void **state) {
    (void)state;
    float *a = golden("detect_iou_a.bin", 20 * 4), *b = golden("detect_iou_b.bin", 30 * 4);
    float *want = golden("detect_iou.bin", 600), got[600];
    assert_ok(oclnn_box_iou(a, 20, b, 30, got));
    /* The degenerate box 3 gives 0/0 = NaN in torchvision too. */
    for (int j = 0; j < 30; j++) {
        assert_true(isnan(got[3 * 30 + j]) == isnan(want[3 * 30 + j]));
        got[3 * 30 + j] = want[3 * 30 + j] = 0;
    }
    assert_close(got, want, 600, 0, 0, "box_iou vs torchvision (same float operations)");
    a[0] = NAN;
    assert_status(oclnn_box_iou(a, 20, b, 30, got), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("a[0]");
    assert_status(oclnn_box_iou(b, 30, NULL, 1, got), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("b is NULL");
    free(a);
    free(b);
    free(want);
}

static void test_box_coding(void **state) {
    (void)state;
    float *boxes = golden("detect_nms_boxes.bin", 3000 * 4);
    float *want_enc = golden("detect_encode.bin", 50 * 4),
          *deltas = golden("detect_deltas.bin", 50 * 12);
    float *want_dec = golden("detect_decode.bin", 150 * 4);
    float *want_clip = golden("detect_decode_clipped.bin", 150 * 4);
    float enc[200], dec[600];
    oclnn_box_coder c = OCLNN_BOX_CODER_INIT;
    for (int i = 0; i < 4; i++) c.weights[i] = i < 2 ? 10.0f : 5.0f;
    assert_ok(oclnn_box_encode(&c, boxes, boxes + 200, 50, enc));
    assert_close(enc, want_enc, 200, DELTA_TOL, DELTA_TOL, "BoxCoder.encode_single (10, 10, 5, 5)");
    assert_ok(oclnn_box_decode(&c, boxes, deltas, 50, 3, dec));
    assert_close(dec, want_dec, 600, BOX_ATOL, BOX_RTOL, "BoxCoder.decode_single with clamp");
    assert_ok(oclnn_box_clip(dec, 150, 480, 640));
    assert_close(dec, want_clip, 600, BOX_ATOL, BOX_RTOL, "clip_boxes_to_image 480x640");
    /* Round trip: decoding the encoding gives the boxes back. */
    assert_ok(oclnn_box_decode(&c, boxes, enc, 50, 1, dec));
    assert_close(dec, boxes + 200, 200, ROUND_TRIP_ATOL, BOX_RTOL, "decode(encode(b)) == b");
    c.weights[2] = 0;
    assert_status(oclnn_box_encode(&c, boxes, boxes, 1, enc), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("weights[2]");
    c.weights[2] = 5;
    c.clip = NAN;
    assert_status(oclnn_box_decode(&c, boxes, deltas, 1, 1, dec), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("clip is NaN");
    c.clip = 4;
    assert_status(oclnn_box_decode(&c, boxes, NULL, 1, 1, dec), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("deltas is NULL");
    /* NaN propagates through the clamps, as in torch.clamp. */
    float nan_delta[4] = {0, 0, NAN, 0}, nan_box[4];
    assert_ok(oclnn_box_decode(&c, boxes, nan_delta, 1, 1, nan_box));
    assert_true(isnan(nan_box[0]) && isnan(nan_box[2]) && !isnan(nan_box[1]));
    assert_ok(oclnn_box_clip(nan_box, 1, 480, 640));
    assert_true(isnan(nan_box[0]) && !isnan(nan_box[1]));
    assert_status(oclnn_box_clip(dec, 1, -1, 640), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("image size");
    free(boxes);
    free(want_enc);
    free(deltas);
    free(want_dec);
    free(want_clip);
}

static void test_anchors(void **state) {
    (void)state;
    const float s1[3] = {32, 64, 128}, s2[3] = {128, 256, 512}, r[3] = {0.5f, 1, 2};
    float *want = golden("detect_anchors.bin", 5 * 7 * 9 * 4), got[5 * 7 * 9 * 4];
    assert_ok(oclnn_anchors(s1, 3, r, 3, 5, 7, 16, 16, got));
    assert_close(got, want, 5 * 7 * 9 * 4, 0, 0, "AnchorGenerator 32,64,128 on 5x7 stride 16");
    free(want);
    want = golden("detect_anchors2.bin", 3 * 4 * 9 * 4);
    assert_ok(oclnn_anchors(s2, 3, r, 3, 3, 4, 16, 24, got));
    assert_close(got, want, 3 * 4 * 9 * 4, 0, 0, "AnchorGenerator 128,256,512 strides 16x24");
    free(want);
    const float bad = -1;
    assert_status(oclnn_anchors(s1, 3, &bad, 1, 1, 1, 1, 1, got), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("ratios[0]");
    assert_status(oclnn_anchors(s1, 0, r, 3, 1, 1, 1, 1, got), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("num_scales 0");
}

static void test_losses(void **state) {
    (void)state;
    float *x = golden("detect_sl1_x.bin", 200), *y = golden("detect_sl1_y.bin", 200);
    float *want = golden("detect_sl1.bin", 3 * 202), got[202];
    const float betas[3] = {1.0f / 9, 1.0f, 0.0f};
    for (int b = 0; b < 3; b++) {
        const float *w = want + 202 * b;
        assert_ok(oclnn_smooth_l1(x, y, 200, betas[b], OCLNN_REDUCTION_NONE, got));
        assert_close(got, w, 200, ELEMENT_ATOL, ELEMENT_RTOL, "smooth_l1 none");
        assert_ok(oclnn_smooth_l1(x, y, 200, betas[b], OCLNN_REDUCTION_SUM, got));
        assert_close(got, w + 200, 1, 0, LOSS_RTOL, "smooth_l1 sum");
        assert_ok(oclnn_smooth_l1(x, y, 200, betas[b], OCLNN_REDUCTION_MEAN, got));
        assert_close(got, w + 201, 1, 0, LOSS_RTOL, "smooth_l1 mean");
    }
    assert_status(oclnn_smooth_l1(x, y, 200, -1, OCLNN_REDUCTION_SUM, got),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("beta -1");
    assert_status(oclnn_smooth_l1(x, y, 200, 1, (oclnn_reduction)9, got),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("reduction 9");
    free(x);
    free(y);
    free(want);

    const size_t n = 16, k = 5;
    float *in = golden("detect_frcnn_in.bin", n * k + n * 4 * k + n + n * 4);
    float *out = golden("detect_frcnn_out.bin", 2);
    const float *logits = in, *regr = in + n * k, *flabels = regr + n * 4 * k,
                *targets = flabels + n;
    int32_t labels[16];
    for (size_t i = 0; i < n; i++) labels[i] = (int32_t)flabels[i];
    float loss[2];
    assert_ok(oclnn_fastrcnn_loss(logits, regr, labels, targets, n, (uint32_t)k, 1.0f / 9, &loss[0],
                                  &loss[1]));
    assert_close(loss, out, 2, 0, LOSS_RTOL, "fastrcnn_loss (classification, box)");
    labels[3] = 5;
    assert_status(oclnn_fastrcnn_loss(logits, regr, labels, targets, n, (uint32_t)k, 1.0f / 9,
                                      &loss[0], &loss[1]),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("labels[3] = 5");
    assert_status(oclnn_fastrcnn_loss(logits, regr, labels, targets, 0, (uint32_t)k, 1.0f / 9,
                                      &loss[0], &loss[1]),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("n = 0");
    free(in);
    free(out);
}

/* One image; class 0: gts G1, G2 and a difficult G3; ranked detections D1 = G1 (TP), D2 = G1
 * again (FP), D3 = G3 (ignored), D4 = G2 (TP), D5 elsewhere (FP). npos = 2, so the (recall,
 * precision) points are (.5, 1), (.5, .5), (.5, .5), (1, 2/3), (1, .5):
 *   all points: .5 * 1 + .5 * 2/3 = 5/6;  11-point: (6 * 1 + 5 * 2/3) / 11 = 28/33.
 * Class 1 has detections but no ground truth (AP NaN, not in the mean); class 2 has a ground
 * truth and no detection (AP 0). Class 3 has a detection with IoU exactly 0.5 (a match: >=). */
static void test_voc_ap(void **state) {
    (void)state;
    const oclnn_voc_gt gts[] = {
        {0, 0, {0, 0, 10, 10}, false}, {0, 0, {20, 0, 30, 10}, false},
        {0, 0, {40, 0, 50, 10}, true}, {0, 2, {0, 0, 10, 10}, false},
        {1, 3, {0, 0, 10, 10}, false},
    };
    const oclnn_voc_det dets[] = {
        {0, 0, 0.6f, {20, 0, 30, 10}},      {0, 0, 0.9f, {0, 0, 10, 10}},
        {0, 0, 0.5f, {100, 100, 110, 110}}, {0, 0, 0.8f, {0, 0, 10, 10}},
        {0, 0, 0.7f, {40, 0, 50, 10}},      {0, 1, 0.9f, {0, 0, 10, 10}},
        {1, 3, 0.4f, {0, 0, 10, 5}},        {0, 3, 0.9f, {0, 0, 10, 10}}, /* wrong image: FP */
    };
    oclnn_voc_desc d = OCLNN_VOC_DESC_INIT;
    d.pixel_offset = 0;
    float ap[4], map;
    assert_ok(oclnn_voc_ap(&d, dets, 8, gts, 5, 4, ap, &map));
    assert_true(fabs(ap[0] - 5.0 / 6.0) < AP_ATOL);
    assert_true(isnan(ap[1]));
    assert_true(ap[2] == 0.0f);
    /* class 3: FP (0.9, other image) then TP: points (0, 0), (1, .5) -> all points .5 */
    assert_true(fabs(ap[3] - 0.5) < AP_ATOL);
    assert_true(fabs(map - (5.0 / 6.0 + 0 + 0.5) / 3) < AP_ATOL);
    d.eleven_point = true;
    assert_ok(oclnn_voc_ap(&d, dets, 8, gts, 5, 4, ap, &map));
    assert_true(fabs(ap[0] - 28.0 / 33.0) < AP_ATOL);
    assert_true(fabs(ap[3] - 0.5) < AP_ATOL); /* 11 recall points, all with max precision .5 */
    /* The devkit's inclusive pixels: [0,0,9,9] vs [0,0,9,4] is 10x5 over 10x10 = .5 (a match);
     * without the offset it would be 9x4 / 9x9 < .5. */
    const oclnn_voc_gt g1[] = {{0, 0, {0, 0, 9, 9}, false}};
    const oclnn_voc_det d1[] = {{0, 0, 1.0f, {0, 0, 9, 4}}};
    d = (oclnn_voc_desc)OCLNN_VOC_DESC_INIT;
    assert_ok(oclnn_voc_ap(&d, d1, 1, g1, 1, 1, ap, &map));
    assert_true(ap[0] == 1.0f && map == 1.0f);
    d.pixel_offset = 0;
    assert_ok(oclnn_voc_ap(&d, d1, 1, g1, 1, 1, ap, &map));
    assert_true(ap[0] == 0.0f);
    /* Errors. */
    const oclnn_voc_det bad[] = {{0, 7, 1.0f, {0, 0, 1, 1}}};
    assert_status(oclnn_voc_ap(&d, bad, 1, g1, 1, 1, ap, &map), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("class_id 7");
    d.iou_threshold = 2;
    assert_status(oclnn_voc_ap(&d, d1, 1, g1, 1, 1, ap, &map), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("iou_threshold 2");
    d = (oclnn_voc_desc)OCLNN_VOC_DESC_INIT;
    d.pixel_offset = -1;
    assert_status(oclnn_voc_ap(&d, d1, 1, g1, 1, 1, ap, &map), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("pixel_offset");
    d.pixel_offset = 1;
    const oclnn_voc_det nan_score[] = {{0, 0, NAN, {0, 0, 1, 1}}};
    assert_status(oclnn_voc_ap(&d, nan_score, 1, g1, 1, 1, ap, &map), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dets[0].score");
    /* No detections at all: AP 0 for a class with ground truth. */
    assert_ok(oclnn_voc_ap(&d, NULL, 0, g1, 1, 1, ap, &map));
    assert_true(ap[0] == 0.0f && map == 0.0f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_box_iou),   cmocka_unit_test(test_box_coding),
        cmocka_unit_test(test_anchors),   cmocka_unit_test(test_losses),
        cmocka_unit_test(test_voc_ap),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
