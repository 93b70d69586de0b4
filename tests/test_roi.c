/* SPDX-License-Identifier: MIT */
/* RoIAlign, RoI pooling and NMS on both backends and both layouts: against torchvision's golden
 * outputs (tools/golden/detect.py) and against the double-precision reference on random
 * problems; RoIs crossing the borders, degenerate, outside, from several images; NMS with ties,
 * classes, score threshold and top-k; and the argument checks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/detect.h"
#include "core/context.h"
#include "opencl/opencl.h"
#include "ref/ref.h"
#include "support/harness.h"

/* roi_align sums up to a few hundred bilinear samples in float where torchvision and the
 * reference differ in order or precision: a few float ulps of values ~1 (randn maps). */
#define ALIGN_ATOL 2e-5
#define ALIGN_RTOL 2e-5
/* A million float samples in one bin: the running sum's error grows (~sqrt(n) ulps of it). */
#define HUGE_GRID_TOL 1e-3
/* roi_pool is a max over the same window: exact, as are argmax and the NMS indices. */

static const oclnn_shape GOLD_MAP = {2, 5, 12, 15};
#define GOLD_ROIS 24
#define GOLD_PH 3
#define GOLD_PW 4
#define GOLD_SCALE 0.5f

static size_t count(oclnn_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

/* Runs an RoI op on a map given as dense NCHW host data; returns dst (and argmax) as NCHW. */
static void run_roi(oclnn_context *ctx, oclnn_layout layout, const oclnn_roi_desc *d,
                    oclnn_shape map, const float *map_nchw, const float *rois, size_t num_rois,
                    float *out, float *argmax_out) {
    oclnn_tensor *src, *dst, *am = NULL;
    oclnn_op *op;
    oclnn_shape os = {(uint32_t)num_rois, map.c, d->pooled_h, d->pooled_w};
    assert_ok(oclnn_tensor_create(ctx, map, layout, &src));
    assert_ok(oclnn_tensor_write(src, map_nchw, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_create(ctx, os, layout, &dst));
    if (argmax_out) assert_ok(oclnn_tensor_create(ctx, os, layout, &am));
    assert_ok(oclnn_roi_create(ctx, d, &op));
    assert_string_equal(oclnn_op_algorithm(op),
                        d->mode == OCLNN_ROI_ALIGN ? "roi_align" : "roi_pool");
    assert_ok(oclnn_roi_run(op, src, rois, num_rois, dst, am));
    assert_ok(oclnn_tensor_read(dst, out, OCLNN_LAYOUT_NCHW));
    if (am) assert_ok(oclnn_tensor_read(am, argmax_out, OCLNN_LAYOUT_NCHW));
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(am);
}

static void test_roi_align_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    float *map = golden("detect_map.bin", count(GOLD_MAP));
    float *rois = golden("detect_rois.bin", GOLD_ROIS * 5);
    const size_t n_out = (size_t)GOLD_ROIS * GOLD_MAP.c * GOLD_PH * GOLD_PW;
    float *got = malloc(n_out * 4), *ref = malloc(n_out * 4);
    for (int aligned = 0; aligned < 2; aligned++)
        for (int sampling = 0; sampling <= 2; sampling += 2) {
            char name[64], problem[128];
            snprintf(name, sizeof name, "detect_roi_align_a%d_s%d.bin", aligned, sampling);
            snprintf(problem, sizeof problem, "roi_align golden aligned=%d sampling=%d %s", aligned,
                     sampling, cfg->name);
            float *want = golden(name, n_out);
            oclnn_roi_desc d = OCLNN_ROI_DESC_INIT;
            d.pooled_h = GOLD_PH;
            d.pooled_w = GOLD_PW;
            d.spatial_scale = GOLD_SCALE;
            d.sampling_ratio = sampling ? sampling : -1;
            d.aligned = aligned;
            run_roi(ctx, cfg->layout, &d, GOLD_MAP, map, rois, GOLD_ROIS, got, NULL);
            assert_close(got, want, n_out, ALIGN_ATOL, ALIGN_RTOL, problem);
            oclnn__ref_roi_align(GOLD_MAP, map, OCLNN_LAYOUT_NCHW, rois, GOLD_ROIS, GOLD_PH,
                                 GOLD_PW, GOLD_SCALE, d.sampling_ratio, d.aligned, ref);
            assert_close(ref, want, n_out, ALIGN_ATOL, ALIGN_RTOL, "reference vs torchvision");
            free(want);
        }
    free(map);
    free(rois);
    free(got);
    free(ref);
}

static void test_roi_pool_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    float *map = golden("detect_map.bin", count(GOLD_MAP));
    float *rois = golden("detect_rois.bin", GOLD_ROIS * 5);
    const size_t n_out = (size_t)GOLD_ROIS * GOLD_MAP.c * GOLD_PH * GOLD_PW;
    float *want = golden("detect_roi_pool.bin", n_out);
    float *want_am = golden("detect_roi_pool_argmax.bin", n_out);
    float *got = malloc(n_out * 4), *got_am = malloc(n_out * 4);
    oclnn_roi_desc d = {OCLNN_ROI_POOL, GOLD_PH, GOLD_PW, GOLD_SCALE, 0, false};
    run_roi(ctx, cfg->layout, &d, GOLD_MAP, map, rois, GOLD_ROIS, got, got_am);
    assert_close(got, want, n_out, 0, 0, "roi_pool golden");
    assert_close(got_am, want_am, n_out, 0, 0, "roi_pool argmax golden");
    oclnn__ref_roi_pool(GOLD_MAP, map, OCLNN_LAYOUT_NCHW, rois, GOLD_ROIS, GOLD_PH, GOLD_PW,
                        GOLD_SCALE, got, got_am);
    assert_close(got, want, n_out, 0, 0, "reference roi_pool vs torchvision");
    assert_close(got_am, want_am, n_out, 0, 0, "reference argmax vs torchvision");
    free(map);
    free(rois);
    free(want);
    free(want_am);
    free(got);
    free(got_am);
}

/* Random RoIs over a batch of 3, some crossing the borders, 7x7 and 14x14 outputs. */
static float *random_rois(size_t n, uint32_t batch, float img_h, float img_w, uint32_t seed) {
    float *r = alloc_random(n * 5, seed, 0, 1);
    for (size_t i = 0; i < n; i++) {
        float *q = r + 5 * i;
        float x = q[1] * img_w * 1.2f - 0.1f * img_w, y = q[2] * img_h * 1.2f - 0.1f * img_h;
        float w = q[3] * img_w * 0.6f, h = q[4] * img_h * 0.6f;
        q[0] = (float)(i % batch);
        q[1] = x;
        q[2] = y;
        q[3] = x + w;
        q[4] = y + h;
    }
    return r;
}

static void test_roi_random_vs_ref(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    const oclnn_shape map = {3, 16, 20, 24};
    const size_t R = 40;
    if (!test_runs((double)count(map))) skip(); /* OCLNN_TEST_SMALL: the golden cases cover it */
    float *src = alloc_random(count(map), 11, -2, 2);
    float *rois = random_rois(R, map.n, 80, 96, 12);
    const uint32_t sizes[2] = {7, 14};
    for (int m = 0; m < 2; m++)
        for (int s = 0; s < 2; s++)
            for (int variant = 0; variant < 3; variant++) {
                oclnn_roi_desc d = OCLNN_ROI_DESC_INIT;
                d.mode = m ? OCLNN_ROI_POOL : OCLNN_ROI_ALIGN;
                d.pooled_h = d.pooled_w = sizes[s];
                d.spatial_scale = 0.25f;
                d.sampling_ratio = variant == 0 ? -1 : variant;
                d.aligned = variant == 1;
                size_t n_out = R * map.c * d.pooled_h * d.pooled_w;
                float *got = malloc(n_out * 4), *ref = malloc(n_out * 4);
                /* roi_pool with and without argmax (the C backend has a faster path without). */
                const bool want_am = m && variant != 2;
                float *am = want_am ? malloc(n_out * 4) : NULL,
                      *ref_am = m ? malloc(n_out * 4) : NULL;
                char problem[160];
                snprintf(problem, sizeof problem,
                         "oclnn bench %s --map 3,16,20,24 --rois 40 --out %u,%u --scale 0.25 "
                         "--sampling %d%s (%s)",
                         m ? "roi_pool" : "roi_align", d.pooled_h, d.pooled_w, d.sampling_ratio,
                         d.aligned ? " --aligned" : "", cfg->name);
                run_roi(ctx, cfg->layout, &d, map, src, rois, R, got, am);
                if (m) {
                    oclnn__ref_roi_pool(map, src, OCLNN_LAYOUT_NCHW, rois, R, d.pooled_h,
                                        d.pooled_w, d.spatial_scale, ref, ref_am);
                    assert_close(got, ref, n_out, 0, 0, problem);
                    if (want_am) assert_close(am, ref_am, n_out, 0, 0, problem);
                } else {
                    oclnn__ref_roi_align(map, src, OCLNN_LAYOUT_NCHW, rois, R, d.pooled_h,
                                         d.pooled_w, d.spatial_scale, d.sampling_ratio, d.aligned,
                                         ref);
                    assert_close(got, ref, n_out, ALIGN_ATOL, ALIGN_RTOL, problem);
                }
                free(got);
                free(ref);
                free(am);
                free(ref_am);
            }
    free(src);
    free(rois);
}

/* src a channel view of a wider map, dst taller than num_rois: rows past num_rois untouched,
 * and num_rois = 0 writes nothing; dst a channel view of a concat buffer. */
static void test_roi_views_and_spare_rows(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    const oclnn_shape whole = {2, 9, 10, 11}, part = {2, 4, 10, 11};
    float *src = alloc_random(count(whole), 21, -1, 1);
    float *rois = random_rois(6, 2, 20, 22, 22);
    oclnn_tensor *t, *v, *dst;
    assert_ok(oclnn_tensor_create(ctx, whole, cfg->layout, &t));
    assert_ok(oclnn_tensor_write(t, src, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_view_channels(t, 3, 4, &v));
    const oclnn_shape os = {8, 4, 5, 5};
    assert_ok(oclnn_tensor_create(ctx, os, cfg->layout, &dst));
    assert_ok(oclnn_tensor_fill(dst, 42.0f));
    oclnn_roi_desc d = {OCLNN_ROI_ALIGN, 5, 5, 0.5f, 2, true};
    oclnn_op *op;
    assert_ok(oclnn_roi_create(ctx, &d, &op));
    assert_ok(oclnn_roi_run(op, v, rois, 0, dst, NULL));
    float *got = malloc(count(os) * 4), *ref = malloc(count(os) * 4),
          *part_src = malloc(count(part) * 4);
    assert_ok(oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW));
    for (size_t i = 0; i < count(os); i++) assert_true(got[i] == 42.0f);
    assert_ok(oclnn_roi_run(op, v, rois, 6, dst, NULL));
    assert_ok(oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_read(v, part_src, OCLNN_LAYOUT_NCHW));
    oclnn__ref_roi_align(part, part_src, OCLNN_LAYOUT_NCHW, rois, 6, 5, 5, 0.5f, 2, true, ref);
    const size_t per_roi = 4 * 5 * 5;
    assert_close(got, ref, 6 * per_roi, ALIGN_ATOL, ALIGN_RTOL, "roi_align from a channel view");
    for (size_t i = 6 * per_roi; i < count(os); i++) assert_true(got[i] == 42.0f);
    /* dst a channel view too (pooling straight into a concat slice): the slice gets the same
     * values, the channels around it stay as they were. */
    const oclnn_shape cat_shape = {6, 7, 5, 5};
    oclnn_tensor *cat, *slice;
    assert_ok(oclnn_tensor_create(ctx, cat_shape, cfg->layout, &cat));
    assert_ok(oclnn_tensor_fill(cat, -1.0f));
    assert_ok(oclnn_tensor_view_channels(cat, 2, 4, &slice));
    assert_ok(oclnn_roi_run(op, v, rois, 6, slice, NULL));
    float *cat_got = malloc(count(cat_shape) * 4);
    assert_ok(oclnn_tensor_read(cat, cat_got, OCLNN_LAYOUT_NCHW));
    for (size_t r = 0; r < 6; r++)
        for (size_t c = 0; c < 7; c++)
            for (size_t i = 0; i < 25; i++) {
                float want = c >= 2 && c < 6 ? got[(r * 4 + (c - 2)) * 25 + i] : -1.0f;
                assert_true(cat_got[(r * 7 + c) * 25 + i] == want);
            }
    free(cat_got);
    oclnn_tensor_destroy(slice);
    oclnn_tensor_destroy(cat);
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(v);
    oclnn_tensor_destroy(t);
    oclnn_tensor_destroy(dst);
    free(src);
    free(rois);
    free(got);
    free(ref);
    free(part_src);
}

/* Sampling grids too large for the fast paths: the C backend's per-RoI sample table (65536
 * samples) and the OpenCL expanded samples (2^20 in all) both fall back to the separable taps;
 * 1024 x 1024 samples in one bin takes both fallbacks, 300 x 300 only the C one. */
static void test_roi_align_huge_grid(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    const oclnn_shape map = {1, 3, 10, 12};
    float *src = alloc_random(count(map), 41, -1, 1);
    const float rois[10] = {0, -3, 1, 40, 17, 0, 2, 2, 9, 7};
    const int ratios[2] = {300, 1024};
    for (int i = 0; i < 2; i++) {
        if (!test_runs((double)ratios[i] * ratios[i])) continue;
        oclnn_roi_desc d = {OCLNN_ROI_ALIGN, 1, 1, 0.5f, ratios[i], false};
        float got[6], ref[6];
        run_roi(ctx, cfg->layout, &d, map, src, rois, 2, got, NULL);
        oclnn__ref_roi_align(map, src, OCLNN_LAYOUT_NCHW, rois, 2, 1, 1, 0.5f, ratios[i], false,
                             ref);
        assert_close(got, ref, 6, HUGE_GRID_TOL, HUGE_GRID_TOL,
                     "roi_align 1x1 with a huge sampling_ratio");
    }
    free(src);
}

static void check_keep(const uint32_t *got, size_t n_got, const float *want, size_t n_want,
                       const char *what) {
    if (n_got != n_want) fail_msg("%s: kept %zu boxes, torchvision keeps %zu", what, n_got, n_want);
    for (size_t i = 0; i < n_got; i++)
        if ((float)got[i] != want[i])
            fail_msg("%s: keep[%zu] = %u, torchvision has %g", what, i, got[i], want[i]);
}

static void test_nms_golden(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const size_t n = 3000, m = 400;
    if (!test_runs((double)n * n / 2)) skip(); /* OCLNN_TEST_SMALL: the boundary test below */
    float *boxes = golden("detect_nms_boxes.bin", n * 4),
          *scores = golden("detect_nms_scores.bin", n);
    float *fcls = golden("detect_nms_classes.bin", n);
    int32_t *cls = malloc(n * sizeof *cls);
    for (size_t i = 0; i < n; i++) cls[i] = (int32_t)fcls[i];
    uint32_t *keep = malloc(n * sizeof *keep), *ref = malloc(n * sizeof *ref);
    size_t kept, wn;
    for (int t = 5; t <= 7; t += 2) {
        char name[64];
        oclnn_nms_desc d = OCLNN_NMS_DESC_INIT;
        d.iou_threshold = t / 10.0;
        for (int batched = 0; batched < 2; batched++) {
            snprintf(name, sizeof name, "detect_nms_%s_%d.bin", batched ? "batched" : "keep", t);
            float *want = load_golden(name, &wn);
            assert_non_null(want);
            assert_ok(oclnn_nms(ctx, &d, boxes, scores, batched ? cls : NULL, n, keep, &kept));
            check_keep(keep, kept, want, wn, name);
            size_t rk =
                oclnn__ref_nms(boxes, scores, batched ? cls : NULL, n, d.iou_threshold, ref);
            check_keep(ref, rk, want, wn, "reference NMS");
            free(want);
        }
    }
    float *tb = golden("detect_tie_boxes.bin", m * 4), *ts = golden("detect_tie_scores.bin", m);
    for (int t = 3; t <= 5; t += 2) {
        char name[64];
        snprintf(name, sizeof name, "detect_tie_keep_%d.bin", t);
        float *want = load_golden(name, &wn);
        assert_non_null(want);
        oclnn_nms_desc d = OCLNN_NMS_DESC_INIT;
        d.iou_threshold = t == 3 ? 1.0 / 3.0 : 0.5;
        assert_ok(oclnn_nms(ctx, &d, tb, ts, NULL, m, keep, &kept));
        check_keep(keep, kept, want, wn, name);
        free(want);
    }
    free(boxes);
    free(scores);
    free(fcls);
    free(cls);
    free(keep);
    free(ref);
    free(tb);
    free(ts);
}

/* Thousands of boxes vs the reference, with score threshold and top-k, ties and classes. */
static void test_nms_random_vs_ref(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const size_t n = 5000;
    if (!test_runs((double)n * n / 2)) skip(); /* OCLNN_TEST_SMALL: the boundary test below */
    float *b = alloc_random(n * 4, 31, 0, 1), *s = alloc_random(n, 32, 0, 1);
    int32_t *cls = malloc(n * sizeof *cls);
    for (size_t i = 0; i < n; i++) {
        float x = b[4 * i] * 500, y = b[4 * i + 1] * 500;
        float w = 8 + b[4 * i + 2] * 60, h = 8 + b[4 * i + 3] * 60;
        b[4 * i] = roundf(x);
        b[4 * i + 1] = roundf(y);
        b[4 * i + 2] = roundf(x + w);
        b[4 * i + 3] = roundf(y + h);
        s[i] = roundf(s[i] * 50) / 50; /* many equal scores */
        cls[i] = (int32_t)(i % 7);
    }
    uint32_t *keep = malloc(n * sizeof *keep), *ref = malloc(n * sizeof *ref);
    uint32_t *idx = malloc(n * sizeof *idx);
    float *fb = malloc(n * 16), *fs = malloc(n * 4);
    int32_t *fc = malloc(n * sizeof *fc);
    const double thresholds[3] = {0.3, 0.5, 0.7};
    for (int ti = 0; ti < 3; ti++)
        for (int batched = 0; batched < 2; batched++) {
            oclnn_nms_desc d = {thresholds[ti], true, 0.2f, 150};
            size_t kept;
            assert_ok(oclnn_nms(ctx, &d, b, s, batched ? cls : NULL, n, keep, &kept));
            /* Reference: filter (score >= 0.2), NMS, truncate to top_k, map back. */
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (s[i] >= 0.2f) {
                    memcpy(fb + 4 * m, b + 4 * i, 16);
                    fs[m] = s[i];
                    fc[m] = cls[i];
                    idx[m++] = (uint32_t)i;
                }
            size_t rk = oclnn__ref_nms(fb, fs, batched ? fc : NULL, m, d.iou_threshold, ref);
            if (rk > d.top_k) rk = d.top_k;
            assert_int_equal(kept, rk);
            for (size_t i = 0; i < rk; i++) assert_int_equal(keep[i], idx[ref[i]]);
        }
    free(b);
    free(s);
    free(cls);
    free(keep);
    free(ref);
    free(idx);
    free(fb);
    free(fs);
    free(fc);
}

static void test_roi_errors(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_op *op = (oclnn_op *)1;
    oclnn_roi_desc d = OCLNN_ROI_DESC_INIT;
    d.spatial_scale = NAN;
    assert_status(oclnn_roi_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("spatial_scale");
    assert_null(op);
    d = (oclnn_roi_desc)OCLNN_ROI_DESC_INIT;
    d.pooled_w = 0;
    assert_status(oclnn_roi_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("pooled size");
    d = (oclnn_roi_desc)OCLNN_ROI_DESC_INIT;
    d.mode = (oclnn_roi_mode)7;
    assert_status(oclnn_roi_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("mode");

    d = (oclnn_roi_desc)OCLNN_ROI_DESC_INIT;
    d.pooled_h = d.pooled_w = 2;
    oclnn_tensor *src, *dst, *bad;
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){2, 3, 8, 8}, cfg->layout, &src));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 3, 2, 2}, cfg->layout, &dst));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 4, 2, 2}, cfg->layout, &bad));
    assert_ok(oclnn_roi_create(ctx, &d, &op));
    float roi[5] = {2, 0, 0, 4, 4};
    assert_status(oclnn_roi_run(op, src, roi, 1, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("batch index 2");
    roi[0] = 0.5f;
    assert_status(oclnn_roi_run(op, src, roi, 1, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("whole number");
    roi[0] = 1;
    roi[3] = NAN;
    assert_status(oclnn_roi_run(op, src, roi, 1, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("NaN or infinite");
    roi[3] = 3e9f;
    assert_status(oclnn_roi_run(op, src, roi, 1, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("beyond +-2^29");
    roi[3] = 4;
    assert_status(oclnn_roi_run(op, src, roi, 2, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst shape");
    assert_status(oclnn_roi_run(op, src, roi, 1, bad, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src channels");
    assert_status(oclnn_roi_run(op, src, NULL, 1, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("rois is NULL");
    assert_status(oclnn_roi_run(op, src, roi, 1, dst, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("argmax");
    assert_status(oclnn_roi_run(op, src, roi, 1, src, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst shape");
    assert_ok(oclnn_roi_run(op, src, roi, 1, dst, NULL));
    /* An adaptive grid that would need billions of samples is refused, naming the RoI. */
    oclnn_op *tiny;
    oclnn_roi_desc td = {OCLNN_ROI_ALIGN, 2, 2, 1e6f, 0, false};
    assert_ok(oclnn_roi_create(ctx, &td, &tiny));
    assert_status(oclnn_roi_run(tiny, src, roi, 1, dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("rois[0] needs");
    /* A pool op: argmax must not share dst's storage; an op of another kind is refused. */
    oclnn_op *pool;
    td = (oclnn_roi_desc){OCLNN_ROI_POOL, 2, 2, 1.0f, 0, false};
    assert_ok(oclnn_roi_create(ctx, &td, &pool));
    assert_status(oclnn_roi_run(pool, src, roi, 1, dst, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("argmax is dst");
    assert_status(oclnn_roi_run(pool, src, roi, 1, dst, bad), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("argmax shape");
    oclnn_op_destroy(pool);
    oclnn_op_destroy(tiny);
    d.sampling_ratio = 5000;
    assert_status(oclnn_roi_create(ctx, &d, &tiny), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("sampling_ratio 5000");
    assert_status(oclnn_roi_create(ctx, NULL, &tiny), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc is NULL");
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(bad);
}

static void test_nms_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    float b[8] = {0, 0, 1, 1, 0, 0, 2, 2}, s[2] = {0.5f, 0.25f};
    uint32_t keep[2];
    size_t kept;
    oclnn_nms_desc d = OCLNN_NMS_DESC_INIT;
    d.iou_threshold = 1.5;
    assert_status(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("iou_threshold 1.5");
    d.iou_threshold = NAN;
    assert_status(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("iou_threshold");
    d.iou_threshold = 0.5;
    s[1] = NAN;
    assert_status(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("scores[1] is NaN");
    s[1] = 0.25f;
    b[6] = INFINITY;
    assert_status(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("boxes[1]");
    b[6] = 2;
    assert_status(oclnn_nms(ctx, &d, b, NULL, NULL, 2, keep, &kept), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("scores is NULL");
    /* IoU(box0, box1) = 1/4: kept at 0.5, suppressed at 0.2; n = 0 keeps nothing. */
    assert_ok(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept));
    assert_int_equal(kept, 2);
    d.iou_threshold = 0.2;
    assert_ok(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept));
    assert_int_equal(kept, 1);
    assert_int_equal(keep[0], 0);
    d.iou_threshold = 0.25; /* IoU == threshold does not suppress */
    assert_ok(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept));
    assert_int_equal(kept, 2);
    assert_ok(oclnn_nms(ctx, &d, NULL, NULL, NULL, 0, NULL, &kept));
    assert_int_equal(kept, 0);
    /* Score threshold (>= keeps), top-k, and the argument checks on them. */
    d.iou_threshold = 0.5;
    d.use_score_threshold = true;
    d.score_threshold = 0.25f;
    assert_ok(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept));
    assert_int_equal(kept, 2);
    d.score_threshold = 0.3f;
    assert_ok(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept));
    assert_int_equal(kept, 1);
    d.use_score_threshold = false;
    d.top_k = 1;
    assert_ok(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept));
    assert_int_equal(kept, 1);
    assert_int_equal(keep[0], 0);
    d.use_score_threshold = true;
    d.score_threshold = NAN;
    assert_status(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("score_threshold is NaN");
    assert_status(oclnn_nms(ctx, NULL, b, s, NULL, 2, keep, &kept), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc is NULL");
    assert_status(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("num_kept is NULL");
}

/* Decisions at the threshold itself: for pairs of boxes with arbitrary float corners, NMS at
 * thr = IoU keeps both and at the float just below suppresses the second, on every backend. The
 * OpenCL kernel divides with integer arithmetic (correctly rounded without fp64), so a 1-ulp
 * error in the IoU would flip one of the two. */
static void test_nms_exact_at_threshold(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    float *r = alloc_random(64 * 8, 77, 0, 1);
    for (int p = 0; p < 64; p++) {
        const float *q = r + 8 * p;
        float b[8] = {q[0] * 10, q[1] * 10, q[0] * 10 + 5 + q[2] * 7, q[1] * 10 + 5 + q[3] * 7,
                      q[4] * 10, q[5] * 10, q[4] * 10 + 5 + q[6] * 7, q[5] * 10 + 5 + q[7] * 7};
        float area_a = (b[2] - b[0]) * (b[3] - b[1]), area_b = (b[6] - b[4]) * (b[7] - b[5]);
        float w = fmaxf(fminf(b[2], b[6]) - fmaxf(b[0], b[4]), 0.0f);
        float h = fmaxf(fminf(b[3], b[7]) - fmaxf(b[1], b[5]), 0.0f);
        float inter = w * h, iou = inter / (area_a + area_b - inter);
        if (iou <= 0.0f || iou >= 1.0f) continue;
        const float s[2] = {0.9f, 0.8f};
        uint32_t keep[2];
        size_t kept;
        oclnn_nms_desc d = OCLNN_NMS_DESC_INIT;
        d.iou_threshold = iou;
        assert_ok(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept));
        if (kept != 2) fail_msg("pair %d: IoU %.9g at threshold %.9g suppressed", p, iou, iou);
        d.iou_threshold = nextafterf(iou, 0.0f);
        assert_ok(oclnn_nms(ctx, &d, b, s, NULL, 2, keep, &kept));
        if (kept != 1) fail_msg("pair %d: IoU %.9g above threshold %.9g kept", p, iou, (float)d.iou_threshold);
    }
    free(r);
}

/* More boxes than one 64 MiB mask block holds (23,170 rows of 2.9 KB at 23,200 boxes): the OpenCL
 * backend sweeps block by block; the result equals the C backend's. */
static void test_nms_in_blocks(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    if (test_small()) skip(); /* 2.7e8 IoUs: too many for Oclgrind */
    const size_t n = 23200;
    float *b = alloc_random(n * 4, 5, 0, 1), *s = alloc_random(n, 6, 0, 1);
    for (size_t i = 0; i < n; i++) {
        float x = b[4 * i] * 2000, y = b[4 * i + 1] * 2000;
        b[4 * i] = x;
        b[4 * i + 1] = y;
        b[4 * i + 2] = x + 10 + b[4 * i + 2] * 30;
        b[4 * i + 3] = y + 10 + b[4 * i + 3] * 30;
    }
    oclnn_context *cpu = NULL;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    assert_ok(oclnn_context_create(&o, &cpu));
    uint32_t *keep = malloc(n * sizeof *keep), *want = malloc(n * sizeof *want);
    oclnn_nms_desc d = OCLNN_NMS_DESC_INIT;
    d.iou_threshold = 0.3;
    size_t kept, want_n;
    assert_ok(oclnn_nms(ctx, &d, b, s, NULL, n, keep, &kept));
    assert_ok(oclnn_nms(cpu, &d, b, s, NULL, n, want, &want_n));
    assert_int_equal(kept, want_n);
    assert_true(kept > 1000 && kept < n); /* both kept and suppressed boxes in every block */
    assert_memory_equal(keep, want, kept * sizeof *keep);
    oclnn_context_destroy(cpu);
    free(b), free(s), free(keep), free(want);
}

/* The RoI plan and NMS buffers are kept between runs (issue 12): one RoI op run with 6, then 2,
 * then 6 RoIs (a kept plan larger than needed, then reused) gives the reference's answer each
 * time and keeps its plan storage; NMS's device buffers stay on the context across calls of
 * fewer boxes (70: two 64-box blocks, then 20, then 70), with the C backend's answer each time. */
static void test_kept_buffers(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    const oclnn_shape map = {2, 3, 6, 7};
    float *src_host = alloc_random(count(map), 41, -2, 2);
    float *rois = random_rois(6, map.n, 24, 28, 42);
    oclnn_roi_desc d = OCLNN_ROI_DESC_INIT;
    d.pooled_h = d.pooled_w = 2;
    d.spatial_scale = 0.25f;
    d.sampling_ratio = 2;
    oclnn_tensor *src, *dst;
    oclnn_op *op;
    assert_ok(oclnn_tensor_create(ctx, map, cfg->layout, &src));
    assert_ok(oclnn_tensor_write(src, src_host, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){6, map.c, 2, 2}, cfg->layout, &dst));
    assert_ok(oclnn_roi_create(ctx, &d, &op));
    const size_t counts[3] = {6, 2, 6};
    const void *items = NULL;
    float got[6 * 3 * 4], ref[6 * 3 * 4];
    for (int i = 0; i < 3; i++) {
        const size_t R = counts[i];
        const float *r = rois + (i == 1 ? 5 * 3 : 0); /* the second run: RoIs 3 and 4 */
        assert_ok(oclnn_roi_run(op, src, r, R, dst, NULL));
        assert_ok(oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW));
        oclnn__ref_roi_align(map, src_host, OCLNN_LAYOUT_NCHW, r, R, 2, 2, d.spatial_scale, 2, false,
                             ref);
        assert_close(got, ref, R * map.c * 4, ALIGN_ATOL, ALIGN_RTOL, "kept RoI plan");
        const oclnn__roi_op *ro = op->impl;
        if (i == 0) items = ro->plan.items;
        else assert_ptr_equal(ro->plan.items, items);
    }
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    free(src_host);
    free(rois);
    /* NMS: 70 boxes, then 20 and 70 again */
    oclnn_context *cpu = NULL;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    assert_ok(oclnn_context_create(&o, &cpu));
    float *b = alloc_random(70 * 4, 43, 0, 1), *sc = alloc_random(70, 44, 0, 1);
    for (size_t i = 0; i < 70; i++) {
        b[4 * i] *= 50, b[4 * i + 1] *= 50;
        b[4 * i + 2] = b[4 * i] + 5 + b[4 * i + 2] * 20;
        b[4 * i + 3] = b[4 * i + 1] + 5 + b[4 * i + 3] * 20;
    }
    oclnn_nms_desc nd = OCLNN_NMS_DESC_INIT;
    nd.iou_threshold = 0.4;
    uint32_t keep[70], want[70];
    const size_t ns[3] = {70, 20, 70};
    cl_mem mask = NULL;
    for (int i = 0; i < 3; i++) {
        size_t kept, want_n;
        assert_ok(oclnn_nms(ctx, &nd, b, sc, NULL, ns[i], keep, &kept));
        assert_ok(oclnn_nms(cpu, &nd, b, sc, NULL, ns[i], want, &want_n));
        assert_int_equal(kept, want_n);
        assert_memory_equal(keep, want, kept * sizeof *keep);
        if (cfg->backend == OCLNN_BACKEND_OPENCL) {
            const oclnn__cl_state *s = oclnn__cl_state_of(ctx);
            assert_non_null(s->nms_buf[2]);
            if (i == 0) mask = s->nms_buf[2];
            else assert_ptr_equal(s->nms_buf[2], mask);
        }
    }
    oclnn_context_destroy(cpu);
    free(b);
    free(sc);
}

#define TEST_BACKENDS(t)                                                                          \
    cmocka_unit_test_prestate(t, (void *)&CFG_CL_NCHW),                                           \
        cmocka_unit_test_prestate(t, (void *)&CFG_CPU_NCHW)

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_roi_align_golden),
        TEST_ALL_CFGS(test_roi_pool_golden),
        TEST_ALL_CFGS(test_roi_random_vs_ref),
        TEST_ALL_CFGS(test_roi_views_and_spare_rows),
        TEST_ALL_CFGS(test_roi_align_huge_grid),
        TEST_ALL_CFGS(test_roi_errors),
        TEST_BACKENDS(test_nms_golden),
        TEST_BACKENDS(test_nms_random_vs_ref),
        TEST_BACKENDS(test_nms_errors),
        TEST_BACKENDS(test_nms_exact_at_threshold),
        TEST_BACKENDS(test_nms_in_blocks),
        TEST_BACKENDS(test_kept_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
