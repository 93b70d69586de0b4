/* SPDX-License-Identifier: MIT */
/* Tensors on both backends and layouts: write/read round trips with layout conversion, on-device
 * copies between layouts, channel views (writes land in the parent's slice), fills. */
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"
#include "support/gpuclass.h"
#include "support/harness.h"

/* {2, 40, 6, 7}: more than one 32 x 32 transpose tile along both axes, partial at the edges */
static const oclnn_shape SHAPES[] = {{1, 1, 1, 1}, {1, 3, 5, 7}, {3, 17, 9, 11}, {2, 64, 7, 7}, {2, 40, 6, 7}};

static oclnn_layout other(oclnn_layout l) {
    return l == OCLNN_LAYOUT_NCHW ? OCLNN_LAYOUT_NHWC : OCLNN_LAYOUT_NCHW;
}

static size_t count(oclnn_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

/* Write in one layout, read in both: matches the reference conversion exactly. */
static void test_round_trip(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) {
        oclnn_shape s = SHAPES[i];
        size_t n = count(s);
        float *src = alloc_random(n, (uint32_t)i + 1, -1, 1), *got = malloc(n * 4), *ref = malloc(n * 4);
        oclnn_tensor *t;
        assert_ok(oclnn_tensor_create(ctx, s, cfg->layout, &t));
        assert_int_equal(oclnn_tensor_layout(t), cfg->layout);
        assert_int_equal(oclnn_tensor_elements(t), n);
        for (int from = 0; from < 2; from++) {
            oclnn_layout src_layout = from ? other(cfg->layout) : cfg->layout;
            assert_ok(oclnn_tensor_write(t, src, src_layout));
            for (int to = 0; to < 2; to++) {
                oclnn_layout dst_layout = to ? other(cfg->layout) : cfg->layout;
                assert_ok(oclnn_tensor_read(t, got, dst_layout));
                oclnn__ref_convert_layout(s, src, src_layout, ref, dst_layout);
                assert_memory_equal(got, ref, n * 4);
            }
        }
        oclnn_tensor_destroy(t);
        free(src);
        free(got);
        free(ref);
    }
}

/* oclnn_tensor_copy between layouts is the on-device layout transform. */
static void test_copy_across_layouts(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_shape s = {3, 19, 5, 6};
    size_t n = count(s);
    float *src = alloc_random(n, 7, -3, 3), *got = malloc(n * 4);
    oclnn_tensor *a, *b, *c;
    assert_ok(oclnn_tensor_create(ctx, s, cfg->layout, &a));
    assert_ok(oclnn_tensor_create(ctx, s, other(cfg->layout), &b));
    assert_ok(oclnn_tensor_create(ctx, s, cfg->layout, &c));
    assert_ok(oclnn_tensor_write(a, src, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_copy(a, b));
    assert_ok(oclnn_tensor_copy(b, c));
    assert_ok(oclnn_tensor_read(b, got, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(got, src, n * 4);
    assert_ok(oclnn_tensor_read(c, got, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(got, src, n * 4);
    oclnn_tensor_destroy(a);
    oclnn_tensor_destroy(b);
    oclnn_tensor_destroy(c);
    free(src);
    free(got);
}

/* Three branch views cover a concat buffer; writing each branch fills its slice, with no copy. */
static void test_channel_views(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    const uint32_t widths[3] = {5, 11, 3};
    oclnn_shape whole = {2, 19, 4, 3};
    size_t n = count(whole);
    float *ref = malloc(n * 4), *got = malloc(n * 4);
    oclnn_tensor *cat;
    assert_ok(oclnn_tensor_create(ctx, whole, cfg->layout, &cat));
    assert_ok(oclnn_tensor_fill(cat, -7.0f));
    uint32_t c0 = 0;
    for (int b = 0; b < 3; b++) {
        oclnn_shape bs = {whole.n, widths[b], whole.h, whole.w};
        float *branch = alloc_random(count(bs), 100 + b, 0, 1);
        oclnn_tensor *v;
        assert_ok(oclnn_tensor_view_channels(cat, c0, widths[b], &v));
        assert_true(oclnn_tensor_is_view(v));
        assert_int_equal(oclnn_tensor_shape(v).c, widths[b]);
        assert_ok(oclnn_tensor_write(v, branch, OCLNN_LAYOUT_NCHW));
        float *back = malloc(count(bs) * 4);
        assert_ok(oclnn_tensor_read(v, back, OCLNN_LAYOUT_NHWC));
        float *back_ref = malloc(count(bs) * 4);
        oclnn__ref_convert_layout(bs, branch, OCLNN_LAYOUT_NCHW, back_ref, OCLNN_LAYOUT_NHWC);
        assert_memory_equal(back, back_ref, count(bs) * 4);
        for (uint32_t i = 0; i < whole.n; i++)
            for (uint32_t c = 0; c < widths[b]; c++)
                for (uint32_t h = 0; h < whole.h; h++)
                    for (uint32_t w = 0; w < whole.w; w++)
                        ref[oclnn__ref_index(whole, OCLNN_LAYOUT_NCHW, i, c0 + c, h, w)] =
                            branch[oclnn__ref_index(bs, OCLNN_LAYOUT_NCHW, i, c, h, w)];
        /* A view of a view addresses the same storage. */
        if (widths[b] > 1) {
            oclnn_tensor *vv;
            assert_ok(oclnn_tensor_view_channels(v, 1, widths[b] - 1, &vv));
            oclnn_tensor_destroy(vv);
        }
        oclnn_tensor_destroy(v);
        free(branch);
        free(back);
        free(back_ref);
        c0 += widths[b];
    }
    assert_ok(oclnn_tensor_read(cat, got, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(got, ref, n * 4);
    oclnn_tensor_destroy(cat);
    free(ref);
    free(got);
}

/* Filling a view touches only its slice; copying into a view and out of one works too. */
static void test_view_fill_and_copy(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_shape whole = {3, 7, 5, 2}, part = {3, 3, 5, 2};
    size_t n = count(whole);
    float *got = malloc(n * 4);
    oclnn_tensor *t, *v, *src;
    assert_ok(oclnn_tensor_create(ctx, whole, cfg->layout, &t));
    assert_ok(oclnn_tensor_fill(t, 1.0f));
    assert_ok(oclnn_tensor_view_channels(t, 2, 3, &v));
    assert_ok(oclnn_tensor_fill(v, 2.0f));
    assert_ok(oclnn_tensor_read(t, got, OCLNN_LAYOUT_NCHW));
    for (uint32_t i = 0; i < whole.n; i++)
        for (uint32_t c = 0; c < whole.c; c++)
            for (uint32_t hw = 0; hw < whole.h * whole.w; hw++)
                assert_true(got[(i * whole.c + c) * whole.h * whole.w + hw] ==
                            (c >= 2 && c < 5 ? 2.0f : 1.0f));
    float *vals = alloc_random(count(part), 5, -1, 1), *back = malloc(count(part) * 4);
    assert_ok(oclnn_tensor_create(ctx, part, other(cfg->layout), &src));
    assert_ok(oclnn_tensor_write(src, vals, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_copy(src, v));
    assert_ok(oclnn_tensor_fill(src, 0.0f));
    assert_ok(oclnn_tensor_copy(v, src));
    assert_ok(oclnn_tensor_read(src, back, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(back, vals, count(part) * 4);
    /* Destroying the parent first leaves the view usable (it holds the storage). */
    oclnn_tensor_destroy(t);
    assert_ok(oclnn_tensor_read(v, back, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(back, vals, count(part) * 4);
    oclnn_tensor_destroy(v);
    oclnn_tensor_destroy(src);
    free(got);
    free(vals);
    free(back);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_round_trip),
        TEST_GPU_CFGS(test_round_trip),
        TEST_ALL_CFGS(test_copy_across_layouts),
        TEST_GPU_CFGS(test_copy_across_layouts),
        TEST_ALL_CFGS(test_channel_views),
        TEST_GPU_CFGS(test_channel_views),
        TEST_ALL_CFGS(test_view_fill_and_copy),
        TEST_GPU_CFGS(test_view_fill_and_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
