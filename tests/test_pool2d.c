/* SPDX-License-Identifier: MIT */
/* Pooling on both backends and layouts: PyTorch golden outputs (ceil_mode, count_include_pad,
 * argmax as return_indices, global), the networks' pooling layers and odd shapes against the
 * reference, views as src/dst, and every validation branch. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"
#include "support/gpuclass.h"
#include "support/layers.h"

/* Max pooling and its argmax select an input element: exact. */
static const double TOL_EXACT = 0.0;
/* Average: a float sum of up to 49 (global: 49-196) terms against the double reference. */
static const double ATOL_AVG = 1e-6, RTOL_AVG = 2e-6;

typedef struct pool_case {
    const char *name;
    oclnn_pool2d_desc d;
} pool_case;

#define POOL(n, c, h, w, kind, kh, kw, sh, sw, ph, pw, ceil, incl)                                   \
    {{n, c, h, w}, kind, kh, kw, sh, sw, ph, pw, ceil, incl, false, 0u, 0u}

static const pool_case NETWORK[] = {
    {"resnet stem maxpool 3x3/2 p1", POOL(1, 64, 112, 112, OCLNN_POOL_MAX, 3, 3, 2, 2, 1, 1, false, true)},
    {"googlenet maxpool1 3x3/2 ceil", POOL(1, 64, 112, 112, OCLNN_POOL_MAX, 3, 3, 2, 2, 0, 0, true, true)},
    {"googlenet maxpool2 3x3/2 ceil", POOL(2, 192, 56, 56, OCLNN_POOL_MAX, 3, 3, 2, 2, 0, 0, true, true)},
    {"googlenet inception pool 3x3/1 p1 ceil", POOL(1, 192, 28, 28, OCLNN_POOL_MAX, 3, 3, 1, 1, 1, 1, true, true)},
    {"vgg maxpool 2x2/2", POOL(1, 128, 56, 56, OCLNN_POOL_MAX, 2, 2, 0, 0, 0, 0, false, true)},
    {"inception-v3 avgpool 3x3/1 p1", POOL(1, 192, 35, 35, OCLNN_POOL_AVG, 3, 3, 1, 1, 1, 1, false, true)},
    {"inception-v3 maxpool 3x3/2", POOL(1, 288, 35, 35, OCLNN_POOL_MAX, 3, 3, 2, 2, 0, 0, false, true)},
    {"resnet50 global avg", POOL(2, 2048, 7, 7, OCLNN_POOL_GLOBAL_AVG, 0, 0, 0, 0, 0, 0, false, true)},
    {"googlenet global avg", POOL(1, 1024, 7, 7, OCLNN_POOL_GLOBAL_AVG, 0, 0, 0, 0, 0, 0, false, true)},
    {"global max odd", POOL(3, 5, 11, 13, OCLNN_POOL_GLOBAL_MAX, 0, 0, 0, 0, 0, 0, false, true)},
    {"odd avg excl ceil", POOL(3, 5, 11, 13, OCLNN_POOL_AVG, 3, 2, 2, 3, 1, 1, true, false)},
    {"odd max ceil", POOL(3, 5, 11, 13, OCLNN_POOL_MAX, 3, 2, 2, 3, 1, 1, true, true)},
    {"ceil drops a window in padding", POOL(2, 3, 5, 5, OCLNN_POOL_AVG, 2, 2, 2, 2, 1, 1, true, true)},
    {"1x1 plane", POOL(2, 3, 1, 1, OCLNN_POOL_AVG, 1, 1, 1, 1, 0, 0, false, true)},
};

static bool is_max(oclnn_pool_kind k) { return k == OCLNN_POOL_MAX || k == OCLNN_POOL_GLOBAL_MAX; }

/* Runs d on `src` (NCHW host data) and compares with ref/ref_argmax (ref_argmax NULL: none). */
static void check_pool(oclnn_context *ctx, oclnn_layout layout, const oclnn_pool2d_desc *d,
                       const float *src, const float *ref, const float *ref_argmax, bool views,
                       const char *name) {
    oclnn_shape os;
    assert_ok(oclnn_pool2d_output_shape(d, &os));
    oclnn_op *op;
    assert_ok(oclnn_pool2d_create(ctx, d, &op));
    oclnn_tensor *ts = make_tensor(ctx, d->input, layout, views, src);
    oclnn_tensor *td = make_tensor(ctx, os, views ? other_layout(layout) : layout, views, NULL);
    oclnn_tensor *ta = ref_argmax ? make_tensor(ctx, os, layout, false, NULL) : NULL;
    assert_ok(oclnn_pool2d_run(op, ts, td, ta));
    float *got = read_nchw(td);
    bool exact = is_max(d->kind);
    const oclnn_shape is = d->input;
    const bool global = d->kind == OCLNN_POOL_GLOBAL_AVG || d->kind == OCLNN_POOL_GLOBAL_MAX;
    char line[320];
    if (d->kind == OCLNN_POOL_GLOBAL_AVG)
        snprintf(line, sizeof line, "%s", bench_line(ctx, layout, "pool %u,%u,%u,%u --global", is.n, is.c, is.h, is.w));
    else
        snprintf(line, sizeof line, "%s",
                 bench_line(ctx, layout, "pool %u,%u,%u,%u --%s --window %u,%u --stride %u,%u --pad %u,%u%s%s",
                            is.n, is.c, is.h, is.w, exact ? "max" : "avg", global ? is.h : d->kernel_h,
                            global ? is.w : d->kernel_w, global ? is.h : d->stride_h ? d->stride_h : d->kernel_h,
                            global ? is.w : d->stride_w ? d->stride_w : d->kernel_w, global ? 0 : d->pad_h,
                            global ? 0 : d->pad_w, d->ceil_mode && !global ? " --ceil" : "",
                            d->count_include_pad ? "" : " --exclude-pad"));
    if (!check_close(got, ref, shape_count(os), exact ? TOL_EXACT : ATOL_AVG, exact ? TOL_EXACT : RTOL_AVG, line))
        fail_msg("%s", name);
    if (ta) {
        float *idx = read_nchw(ta);
        if (!check_close(idx, ref_argmax, shape_count(os), TOL_EXACT, TOL_EXACT, line))
            fail_msg("%s: argmax", name);
        free(idx);
    }
    free(got);
    oclnn_tensor_destroy(ts);
    oclnn_tensor_destroy(td);
    oclnn_tensor_destroy(ta);
    oclnn_op_destroy(op);
}

static void test_pool_networks(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    for (size_t i = 0; i < sizeof NETWORK / sizeof *NETWORK; i++) {
        const oclnn_pool2d_desc *d = &NETWORK[i].d;
        if (!test_runs((double)shape_count(d->input))) continue;
        oclnn_shape os = oclnn__ref_pool2d_shape(d), got_shape;
        assert_ok(oclnn_pool2d_output_shape(d, &got_shape));
        assert_memory_equal(&os, &got_shape, sizeof os);
        float *src = alloc_random(shape_count(d->input), (uint32_t)i + 3, -5, 5);
        float *ref = malloc(shape_count(os) * 4), *ref_idx = malloc(shape_count(os) * 4);
        oclnn__ref_pool2d(d, OCLNN_LAYOUT_NCHW, src, ref, ref_idx);
        check_pool(ctx, layout, d, src, ref, is_max(d->kind) ? ref_idx : NULL, i % 3 == 2, NETWORK[i].name);
        /* global max without argmax: a reduction of its own in the GPU class */
        if (d->kind == OCLNN_POOL_GLOBAL_MAX) check_pool(ctx, layout, d, src, ref, NULL, false, NETWORK[i].name);
        free(src);
        free(ref);
        free(ref_idx);
    }
}

/* issue 16: asymmetric padding (ONNX's pads and auto_pad SAME): top/left in pad_h/pad_w, bottom/right
 * in pad_bottom/pad_right; max with argmax, average counting the padding or not, ceil mode, one
 * side unpadded; against the reference (whose window rule onnxruntime confirms in test_onnx_nd). */
static void test_pool_asymmetric(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    static const struct {
        const char *name;
        oclnn_pool_kind kind;
        uint32_t kh, kw, sh, sw, pt, pl, pb, pr;
        bool ceil, incl;
    } CASES[] = {
        {"SAME_UPPER max 3x3/2 (0,0 | 1,1)", OCLNN_POOL_MAX, 3, 3, 2, 2, 0, 0, 1, 1, false, true},
        {"SAME_LOWER avg excl 2x2/1 (1,1 | 0,0)", OCLNN_POOL_AVG, 2, 2, 1, 1, 1, 1, 0, 0, false, false},
        {"avg incl 3x2/2 (1,0 | 0,1)", OCLNN_POOL_AVG, 3, 2, 2, 2, 1, 0, 0, 1, false, true},
        {"avg incl ceil 3x3/2 (0,1 | 1,0)", OCLNN_POOL_AVG, 3, 3, 2, 2, 0, 1, 1, 0, true, true},
        {"max ceil 4x3/3 (2,0 | 1,1)", OCLNN_POOL_MAX, 4, 3, 3, 3, 2, 0, 1, 1, true, true},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        oclnn_pool2d_desc d = POOL(2, 5, 9, 8, CASES[i].kind, CASES[i].kh, CASES[i].kw, CASES[i].sh, CASES[i].sw,
                                   CASES[i].pt, CASES[i].pl, CASES[i].ceil, CASES[i].incl);
        d.pad_asymmetric = true;
        d.pad_bottom = CASES[i].pb;
        d.pad_right = CASES[i].pr;
        oclnn_shape os = oclnn__ref_pool2d_shape(&d), got_shape;
        assert_ok(oclnn_pool2d_output_shape(&d, &got_shape));
        assert_memory_equal(&os, &got_shape, sizeof os);
        float *src = alloc_random(shape_count(d.input), (uint32_t)i + 41, -5, 5);
        float *ref = malloc(shape_count(os) * 4), *ref_idx = malloc(shape_count(os) * 4);
        oclnn__ref_pool2d(&d, OCLNN_LAYOUT_NCHW, src, ref, ref_idx);
        check_pool(ctx, layout, &d, src, ref, is_max(d.kind) ? ref_idx : NULL, i % 2 == 1, CASES[i].name);
        free(src);
        free(ref);
        free(ref_idx);
    }
    oclnn_pool2d_desc d = POOL(1, 1, 5, 5, OCLNN_POOL_MAX, 3, 3, 1, 1, 0, 0, false, true);
    d.pad_asymmetric = true;
    d.pad_bottom = 2; /* over half the window */
    assert_status(oclnn_pool2d_output_shape(&d, &(oclnn_shape){0, 0, 0, 0}), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("or bottom/right padding must be at most half the window 3x3");
    d.pad_bottom = 1; /* SAME_UPPER, stride 1: 5 rows */
    oclnn_shape os;
    assert_ok(oclnn_pool2d_output_shape(&d, &os));
    assert_true(os.h == 4 && os.w == 3);
}

/* The ceil-mode rule: the last window must start inside the input or the left padding. */
static void test_pool_output_sizes(void **state) {
    (void)state;
    oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
    oclnn_shape os;
    d.input = (oclnn_shape){1, 1, 5, 5};
    d.kernel_h = d.kernel_w = 2;
    d.stride_h = d.stride_w = 2;
    d.pad_h = d.pad_w = 1;
    d.ceil_mode = true;
    assert_ok(oclnn_pool2d_output_shape(&d, &os));
    assert_int_equal(os.h, 3); /* 4 windows by the formula; the 4th starts at 6 >= 5 + 1 */
    d.input.h = d.input.w = 112;
    d.kernel_h = d.kernel_w = 3;
    d.pad_h = d.pad_w = 0;
    assert_ok(oclnn_pool2d_output_shape(&d, &os));
    assert_int_equal(os.h, 56); /* GoogLeNet: ceil((112 - 3) / 2) + 1 */
    d.ceil_mode = false;
    assert_ok(oclnn_pool2d_output_shape(&d, &os));
    assert_int_equal(os.h, 55);
    d.kind = OCLNN_POOL_GLOBAL_AVG;
    d.input = (oclnn_shape){2, 7, 9, 4};
    assert_ok(oclnn_pool2d_output_shape(&d, &os));
    assert_true(os.n == 2 && os.c == 7 && os.h == 1 && os.w == 1);
}

static const struct {
    const char *file;
    oclnn_pool_kind kind;
    uint32_t kh, kw, sh, sw, ph, pw;
    bool ceil, incl, argmax;
} GOLDEN[] = {
    {"max_k3s2p1_ceil", OCLNN_POOL_MAX, 3, 3, 2, 2, 1, 1, true, true, true},
    {"max_k3s2p0_ceil", OCLNN_POOL_MAX, 3, 3, 2, 2, 0, 0, true, true, true},
    {"max_k3x2s1x2p1x0_ceil", OCLNN_POOL_MAX, 3, 2, 1, 2, 1, 0, true, true, true},
    {"avg_k3s2p1_ceil_incl", OCLNN_POOL_AVG, 3, 3, 2, 2, 1, 1, true, true, false},
    {"avg_k3s2p1_ceil_excl", OCLNN_POOL_AVG, 3, 3, 2, 2, 1, 1, true, false, false},
    {"avg_k2x3s2x1p1x1_floor_incl", OCLNN_POOL_AVG, 2, 3, 2, 1, 1, 1, false, true, false},
    {"global_avg", OCLNN_POOL_GLOBAL_AVG, 0, 0, 0, 0, 0, 0, false, true, false},
    {"global_max", OCLNN_POOL_GLOBAL_MAX, 0, 0, 0, 0, 0, 0, false, true, false},
};

/* torch.nn.functional max_pool2d / avg_pool2d / adaptive pools on a 2x3x9x10 input. */
static void test_pool_golden(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    const oclnn_shape in = {2, 3, 9, 10};
    float *src = golden("layers_pool_in.bin", shape_count(in));
    for (size_t i = 0; i < sizeof GOLDEN / sizeof *GOLDEN; i++) {
        oclnn_pool2d_desc d = {in, GOLDEN[i].kind, GOLDEN[i].kh, GOLDEN[i].kw, GOLDEN[i].sh,
                               GOLDEN[i].sw, GOLDEN[i].ph, GOLDEN[i].pw, GOLDEN[i].ceil, GOLDEN[i].incl,
                               false, 0u, 0u};
        oclnn_shape os;
        assert_ok(oclnn_pool2d_output_shape(&d, &os));
        char name[128];
        snprintf(name, sizeof name, "layers_pool_%s.bin", GOLDEN[i].file);
        float *ref = golden(name, shape_count(os)), *idx = NULL;
        if (GOLDEN[i].argmax) {
            snprintf(name, sizeof name, "layers_pool_%s_argmax.bin", GOLDEN[i].file);
            idx = golden(name, shape_count(os));
        }
        /* The reference agrees with PyTorch too (it is the yardstick of the other tests). */
        float *mine = malloc(shape_count(os) * 4), *mine_idx = malloc(shape_count(os) * 4);
        oclnn__ref_pool2d(&d, OCLNN_LAYOUT_NCHW, src, mine, mine_idx);
        assert_close(mine, ref, shape_count(os), ATOL_AVG, RTOL_AVG, GOLDEN[i].file);
        if (idx) assert_close(mine_idx, idx, shape_count(os), TOL_EXACT, TOL_EXACT, GOLDEN[i].file);
        check_pool(ctx, layout, &d, src, ref, idx, i % 2 == 1, GOLDEN[i].file);
        free(ref);
        free(idx);
        free(mine);
        free(mine_idx);
    }
    free(src);
}

/* NaN propagates through max pooling, as in PyTorch, with and without argmax. */
static void test_pool_nan(void **state) {
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
    d.input = (oclnn_shape){1, 1, 2, 4};
    d.kernel_h = d.kernel_w = 2;
    float src[8] = {1, 2, 3, 4, 5, NAN, 7, 8}, got[2], idx[2];
    oclnn_op *op;
    assert_ok(oclnn_pool2d_create(ctx, &d, &op));
    oclnn_tensor *ts = make_tensor(ctx, d.input, TEST_CFG(state)->layout, false, src);
    oclnn_tensor *td = make_tensor(ctx, (oclnn_shape){1, 1, 1, 2}, TEST_CFG(state)->layout, false, NULL);
    oclnn_tensor *ta = make_tensor(ctx, (oclnn_shape){1, 1, 1, 2}, TEST_CFG(state)->layout, false, NULL);
    assert_ok(oclnn_pool2d_run(op, ts, td, ta));
    assert_ok(oclnn_tensor_read(td, got, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_read(ta, idx, OCLNN_LAYOUT_NCHW));
    assert_true(isnan(got[0]));
    assert_true(idx[0] == 5.0f);
    assert_true(got[1] == 8.0f && idx[1] == 7.0f);
    /* without argmax the kernels take another path (fmax, then NaN if any was NaN) */
    got[0] = got[1] = 0.0f;
    assert_ok(oclnn_pool2d_run(op, ts, td, NULL));
    assert_ok(oclnn_tensor_read(td, got, OCLNN_LAYOUT_NCHW));
    assert_true(isnan(got[0]));
    assert_true(got[1] == 8.0f);
    oclnn_tensor_destroy(ts);
    oclnn_tensor_destroy(td);
    oclnn_tensor_destroy(ta);
    oclnn_op_destroy(op);
}

static void test_pool_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
    d.input = (oclnn_shape){1, 2, 6, 6};
    d.kernel_h = d.kernel_w = 3;
    d.pad_h = 2;
    oclnn_op *op = (oclnn_op *)&d;
    assert_status(oclnn_pool2d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("padding 2,0 must be at most half the window 3x3");
    assert_null(op);
    d.pad_h = 0;
    d.kernel_w = 0;
    assert_status(oclnn_pool2d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero size");
    d.kernel_w = 7;
    assert_status(oclnn_pool2d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("output is empty");
    d.kernel_w = 3;
    d.kind = (oclnn_pool_kind)9;
    assert_status(oclnn_pool2d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->kind (9)");
    d.kind = OCLNN_POOL_AVG;
    d.input.c = 0;
    assert_status(oclnn_pool2d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero dimension");
    assert_status(oclnn_pool2d_create(ctx, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc is NULL");
    d.input.c = 2;
    assert_ok(oclnn_pool2d_create(ctx, &d, &op));
    oclnn_tensor *src, *dst, *wide, *v;
    assert_ok(oclnn_tensor_create(ctx, d.input, OCLNN_LAYOUT_AUTO, &src));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 2, 2, 2}, OCLNN_LAYOUT_AUTO, &dst));
    assert_status(oclnn_pool2d_run(op, src, dst, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("argmax is for max pooling only");
    assert_status(oclnn_pool2d_run(op, src, src, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst shape n1c2h6w6");
    oclnn_op_destroy(op);
    /* dst inside src's storage (3x3/1 keeps the shape only with padding: use 1x1) */
    d.kind = OCLNN_POOL_MAX;
    d.kernel_h = d.kernel_w = 1;
    d.input = (oclnn_shape){1, 2, 6, 6};
    assert_ok(oclnn_pool2d_create(ctx, &d, &op));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 3, 6, 6}, OCLNN_LAYOUT_AUTO, &wide));
    assert_ok(oclnn_tensor_view_channels(wide, 1, 2, &v));
    oclnn_tensor *v0;
    assert_ok(oclnn_tensor_view_channels(wide, 0, 2, &v0));
    assert_status(oclnn_pool2d_run(op, v0, v, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst overlaps src");
    assert_status(oclnn_pool2d_run(op, src, src, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("cannot run in place");
    assert_status(oclnn_pool2d_run(op, src, v, v), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("argmax is dst");
    oclnn_op_destroy(op);
    /* argmax positions are floats: planes of more than 2^24 elements are refused (a 64 MiB plane,
     * never written; test_pool_argmax_limit checks the boundary) */
    op = NULL;
    if (!test_small()) { /* 96 MiB of tensors: Oclgrind's device has 128 MiB and is slow to fill */
        d.input = (oclnn_shape){1, 1, 4097, 4097};
        d.kernel_h = d.kernel_w = 2;
        oclnn_tensor *big, *big_out, *big_idx;
        assert_ok(oclnn_pool2d_create(ctx, &d, &op));
        assert_ok(oclnn_tensor_create(ctx, d.input, OCLNN_LAYOUT_AUTO, &big));
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 1, 2048, 2048}, OCLNN_LAYOUT_AUTO, &big_out));
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 1, 2048, 2048}, OCLNN_LAYOUT_AUTO, &big_idx));
        assert_status(oclnn_pool2d_run(op, big, big_out, big_idx), OCLNN_ERROR_UNSUPPORTED);
        assert_error_mentions("2^24");
        oclnn_tensor_destroy(big);
        oclnn_tensor_destroy(big_out);
        oclnn_tensor_destroy(big_idx);
    }
    oclnn_tensor_destroy(v0);
    oclnn_tensor_destroy(v);
    oclnn_tensor_destroy(wide);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

/* Windows far larger than the input (issue 20): every product of window, stride and padding
 * passes int32 (and kernel^2 passes int64), yet a 3x3 input holding 1..9 pools to max 9 (argmax 8),
 * average without padding 5, and average with padding 45 / kernel^2, on both backends. The
 * C backend visits only the taps inside the input (a window of 2^32 taps used to loop for
 * minutes). */
static void test_pool_huge_windows(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const test_cfg *cfg = TEST_CFG(state);
    static const uint32_t kernels[] = {46341, 65535, (1u << 30) + 1, 4294967295u};
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    oclnn_tensor *src, *dst, *idx;
    oclnn_shape in = {1, 1, 3, 3}, one = {1, 1, 1, 1};
    assert_ok(oclnn_tensor_create(ctx, in, cfg->layout, &src));
    assert_ok(oclnn_tensor_create(ctx, one, cfg->layout, &dst));
    assert_ok(oclnn_tensor_create(ctx, one, cfg->layout, &idx));
    assert_ok(oclnn_tensor_write(src, x, OCLNN_LAYOUT_NCHW));
    for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++)
        for (int kind = 0; kind < 3; kind++) {
            oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
            d.input = in;
            d.kind = kind == 0 ? OCLNN_POOL_MAX : OCLNN_POOL_AVG;
            d.kernel_h = d.kernel_w = kernels[i];
            d.pad_h = d.pad_w = kernels[i] / 2;
            d.count_include_pad = kind == 2;
            oclnn_shape out;
            assert_ok(oclnn_pool2d_output_shape(&d, &out));
            assert_true(out.n == 1 && out.c == 1 && out.h == 1 && out.w == 1);
            oclnn_op *op;
            assert_ok(oclnn_pool2d_create(ctx, &d, &op));
            assert_ok(oclnn_pool2d_run(op, src, dst, kind == 0 ? idx : NULL));
            float got, where;
            assert_ok(oclnn_tensor_read(dst, &got, OCLNN_LAYOUT_NCHW));
            double k = kernels[i], want = kind == 0 ? 9.0 : kind == 1 ? 5.0 : 45.0 / (k * k);
            /* the divisor is rounded to float on the way (a product of two float sides) */
            if (fabs(got - want) > 4e-7 * want)
                fail_msg("kernel %u kind %d: got %.9g, want %.9g", kernels[i], kind, got, want);
            if (kind == 0) {
                assert_ok(oclnn_tensor_read(idx, &where, OCLNN_LAYOUT_NCHW));
                assert_true(where == 8.0f);
            }
            oclnn_op_destroy(op);
        }
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(idx);
}

/* argmax positions are floats, exact up to 2^24: a plane of exactly 2^24 elements is accepted
 * (its last index, 2^24 - 1, comes back exactly), one of 2^24 + 1 is refused. */
static void test_pool_argmax_limit(void **state) {
    /* A 64 MiB plane: under Oclgrind (OCLNN_TEST_SMALL) its shadow memory alone passes 16 GiB. */
    if (test_small()) skip();
    oclnn_context *ctx = TEST_CTX(state);
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
    d.kind = OCLNN_POOL_GLOBAL_MAX;
    d.input = (oclnn_shape){1, 1, 4096, 4096};
    oclnn_shape one = {1, 1, 1, 1};
    oclnn_op *op;
    oclnn_tensor *src, *dst, *idx;
    assert_ok(oclnn_pool2d_create(ctx, &d, &op));
    assert_ok(oclnn_tensor_create(ctx, d.input, cfg->layout, &src));
    assert_ok(oclnn_tensor_create(ctx, one, cfg->layout, &dst));
    assert_ok(oclnn_tensor_create(ctx, one, cfg->layout, &idx));
    const size_t plane = (size_t)1 << 24;
    float *x = calloc(plane, sizeof *x);
    assert_non_null(x);
    x[plane - 1] = 1.0f;
    assert_ok(oclnn_tensor_write(src, x, OCLNN_LAYOUT_NCHW));
    free(x);
    assert_ok(oclnn_pool2d_run(op, src, dst, idx));
    float where;
    assert_ok(oclnn_tensor_read(idx, &where, OCLNN_LAYOUT_NCHW));
    assert_true(where == 16777215.0f);
    oclnn_tensor_destroy(src);
    oclnn_op_destroy(op);
    d.input = (oclnn_shape){1, 1, 1, (1u << 24) + 1}; /* never written */
    assert_ok(oclnn_pool2d_create(ctx, &d, &op));
    assert_ok(oclnn_tensor_create(ctx, d.input, cfg->layout, &src));
    assert_status(oclnn_pool2d_run(op, src, dst, idx), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("at most 2^24");
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_tensor_destroy(idx);
    oclnn_op_destroy(op);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_pool_golden),
        TEST_GPU_CFGS(test_pool_golden),
        TEST_ALL_CFGS(test_pool_networks),
        TEST_ALL_CFGS(test_pool_asymmetric), /* issue 16 */
        TEST_GPU_CFGS(test_pool_networks),
        TEST_ALL_CFGS(test_pool_nan),
        TEST_GPU_CFGS(test_pool_nan),
        TEST_ALL_CFGS(test_pool_errors),
        TEST_ALL_CFGS(test_pool_huge_windows),
        TEST_ALL_CFGS(test_pool_argmax_limit),
        cmocka_unit_test(test_pool_output_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
