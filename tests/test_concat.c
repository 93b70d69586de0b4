/* SPDX-License-Identifier: MIT */
/* Depth concatenation on both backends and layouts. The explicit op copies inputs of any layout
 * (and views) into channel slices; the zero-copy path has Inception-style branches write straight
 * into views of the concat buffer, and the test proves that costs no allocation and no copy: a
 * counting allocator sees nothing during the runs, and the concat op then finds every src
 * already in place. Expected values: torch.cat's definition (channel blocks in order) and, for the
 * zero-copy case, PyTorch's own output. */
#include <string.h>

#include "ref/ref.h"
#include "support/layers.h"

/* Copies, ReLU, max and add are exact. */
static const double TOL_EXACT = 0.0;
/* tanh: a few ulp between the C library, OpenCL and the double reference. */
static const double TOL_TANH = 4e-6;

/* torch.cat(parts, dim=1) on NCHW host arrays. */
static void cat_ref(const oclnn_shape *parts, const float *const *data, size_t count, float *dst) {
    uint32_t total = 0;
    for (size_t i = 0; i < count; i++) total += parts[i].c;
    size_t plane = (size_t)parts[0].h * parts[0].w;
    uint32_t c0 = 0;
    for (size_t i = 0; i < count; i++) {
        for (size_t n = 0; n < parts[i].n; n++)
            memcpy(dst + (n * total + c0) * plane, data[i] + n * parts[i].c * plane,
                   parts[i].c * plane * sizeof(float));
        c0 += parts[i].c;
    }
}

/* Inception 3a's branch widths (64, 128, 32, 32) at 7x7, batch 2, and an odd small case. */
static const struct {
    oclnn_shape parts[4];
    size_t count;
} CASES[] = {
    {{{2, 64, 7, 7}, {2, 128, 7, 7}, {2, 32, 7, 7}, {2, 32, 7, 7}}, 4},
    {{{3, 1, 5, 3}, {3, 7, 5, 3}, {3, 2, 5, 3}}, 3},
};

static void test_concat_op(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    for (size_t k = 0; k < sizeof CASES / sizeof *CASES; k++) {
        const oclnn_shape *parts = CASES[k].parts;
        size_t count = CASES[k].count;
        oclnn_shape out;
        assert_ok(oclnn_concat_output_shape(parts, count, &out));
        float *data[4], *ref = malloc(shape_count(out) * 4);
        oclnn_tensor *src[4];
        for (size_t i = 0; i < count; i++) {
            data[i] = alloc_random(shape_count(parts[i]), (uint32_t)(10 * k + i + 1), -1, 1);
            /* input 1 in the other layout, input 2 a view: the copy handles any strides */
            src[i] = make_tensor(ctx, parts[i], i == 1 ? other_layout(layout) : layout, i == 2, data[i]);
        }
        cat_ref(parts, (const float *const *)data, count, ref);
        oclnn_op *op;
        assert_ok(oclnn_concat_create(ctx, parts, count, &op));
        assert_string_equal(oclnn_op_algorithm(op), "copy");
        oclnn_tensor *dst = make_tensor(ctx, out, layout, k == 1, NULL);
        assert_ok(oclnn_concat_run(op, (const oclnn_tensor *const *)src, dst));
        float *got = read_nchw(dst);
        char args[200];
        int len = snprintf(args, sizeof args, "concat");
        for (size_t i = 0; i < count; i++)
            len += snprintf(args + len, sizeof args - (size_t)len, " %u,%u,%u,%u", parts[i].n,
                            parts[i].c, parts[i].h, parts[i].w);
        assert_close(got, ref, shape_count(out), TOL_EXACT, TOL_EXACT, bench_line(ctx, layout, "%s", args));
        for (size_t i = 0; i < count; i++) {
            oclnn_tensor_destroy(src[i]);
            free(data[i]);
        }
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
        free(ref);
        free(got);
    }
}

typedef struct counting {
    size_t calls;
} counting;

static void *count_alloc(void *user, size_t size, size_t alignment) {
    ((counting *)user)->calls++;
    return aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}
static void count_free(void *user, void *p) {
    (void)user;
    free(p);
}

/* Branches (ReLU, max pool 3x3/1 pad 1, add, tanh) write into views of the concat buffer: no
 * allocation during the runs, the result matches PyTorch's torch.cat of the same branches
 * (golden data), and the concat op over the views finds every src in place. */
static void test_concat_zero_copy(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    (void)TEST_CTX(state); /* skips the OpenCL cases when there is no device */
    counting cnt = {0};
    oclnn_allocator alloc = {count_alloc, count_free, &cnt};
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_device_of(cfg);
    o.allocator = &alloc;
    o.flags = OCLNN_FLAG_NO_DISK_CACHE;
    oclnn_context *ctx;
    assert_ok(oclnn_context_create(&o, &ctx));
    const oclnn_shape parts[4] = {{2, 5, 6, 7}, {2, 8, 6, 7}, {2, 3, 6, 7}, {2, 4, 6, 7}};
    oclnn_shape out;
    assert_ok(oclnn_concat_output_shape(parts, 4, &out));
    float *in[4];
    oclnn_tensor *src[4], *view[4], *cat;
    oclnn_op *ops[4], *concat;
    assert_ok(oclnn_tensor_create(ctx, out, cfg->layout, &cat));
    uint32_t c0 = 0;
    for (int i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "layers_cat_in%d.bin", i);
        in[i] = golden(name, shape_count(parts[i]));
        src[i] = make_tensor(ctx, parts[i], cfg->layout, false, in[i]);
        assert_ok(oclnn_tensor_view_channels(cat, c0, parts[i].c, &view[i]));
        c0 += parts[i].c;
    }
    oclnn_eltwise_desc relu = {parts[0], OCLNN_ELTWISE_RELU}, add = {parts[2], OCLNN_ELTWISE_ADD};
    oclnn_eltwise_desc tanh_ = {parts[3], OCLNN_ELTWISE_TANH};
    oclnn_pool2d_desc pool = oclnn_pool2d_desc_default();
    pool.input = parts[1];
    pool.kernel_h = pool.kernel_w = 3;
    pool.stride_h = pool.stride_w = 1;
    pool.pad_h = pool.pad_w = 1;
    assert_ok(oclnn_eltwise_create(ctx, &relu, NULL, NULL, &ops[0]));
    assert_ok(oclnn_pool2d_create(ctx, &pool, &ops[1]));
    assert_ok(oclnn_eltwise_create(ctx, &add, NULL, NULL, &ops[2]));
    assert_ok(oclnn_eltwise_create(ctx, &tanh_, NULL, NULL, &ops[3]));
    assert_ok(oclnn_concat_create(ctx, parts, 4, &concat));
    assert_ok(oclnn_context_finish(ctx));

    size_t before = cnt.calls;
    assert_ok(oclnn_eltwise_run(ops[0], src[0], NULL, view[0]));
    assert_ok(oclnn_pool2d_run(ops[1], src[1], view[1], NULL));
    assert_ok(oclnn_eltwise_run(ops[2], src[2], src[2], view[2]));
    assert_ok(oclnn_eltwise_run(ops[3], src[3], NULL, view[3]));
    assert_ok(oclnn_concat_run(concat, (const oclnn_tensor *const *)view, cat));
    assert_ok(oclnn_context_finish(ctx));
    assert_int_equal(cnt.calls, before);

    /* torch.cat([relu(p0), max_pool2d(p1, 3, 1, 1), p2 + p2, tanh(p3)], 1) */
    float *ref = golden("layers_cat.bin", shape_count(out)), *got = read_nchw(cat);
    assert_close(got, ref, shape_count(out), TOL_TANH, TOL_TANH, "zero-copy concat of 4 branches");
    for (int i = 0; i < 4; i++) {
        oclnn_tensor_destroy(src[i]);
        oclnn_tensor_destroy(view[i]);
        free(in[i]);
    }
    for (int i = 0; i < 4; i++) oclnn_op_destroy(ops[i]);
    oclnn_op_destroy(concat);
    oclnn_tensor_destroy(cat);
    oclnn_context_destroy(ctx);
    free(ref);
    free(got);
}

static void test_concat_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_shape parts[2] = {{1, 3, 4, 4}, {1, 2, 4, 5}}, out;
    oclnn_op *op = (oclnn_op *)parts;
    assert_status(oclnn_concat_create(ctx, parts, 2, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("inputs[1] has n,h,w 1,4,5");
    assert_null(op);
    assert_status(oclnn_concat_create(ctx, parts, 0, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("count is 0");
    assert_status(oclnn_concat_output_shape(NULL, 1, &out), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("inputs is NULL");
    parts[1].w = 4;
    parts[0].c = parts[1].c = 0x80000000u;
    assert_status(oclnn_concat_output_shape(parts, 2, &out), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("4294967296 channels in total");
    parts[0].c = 3;
    parts[1].c = 0;
    assert_status(oclnn_concat_create(ctx, parts, 2, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero dimension");
    parts[1].c = 2;
    assert_ok(oclnn_concat_create(ctx, parts, 2, &op));
    oclnn_tensor *a, *b, *dst, *inside;
    assert_ok(oclnn_tensor_create(ctx, parts[0], OCLNN_LAYOUT_AUTO, &a));
    assert_ok(oclnn_tensor_create(ctx, parts[1], OCLNN_LAYOUT_AUTO, &b));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 5, 4, 4}, OCLNN_LAYOUT_AUTO, &dst));
    assert_ok(oclnn_tensor_view_channels(dst, 1, 2, &inside));
    const oclnn_tensor *srcs[2] = {a, b};
    assert_status(oclnn_concat_run(op, srcs, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst shape");
    srcs[1] = a;
    assert_status(oclnn_concat_run(op, srcs, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("srcs[1] shape");
    srcs[1] = inside; /* channels 1..2 of dst, but slice 1 is channels 3..4 */
    assert_status(oclnn_concat_run(op, srcs, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("overlaps srcs[1]");
    assert_status(oclnn_concat_run(op, NULL, dst), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("srcs is NULL");
    oclnn_tensor_destroy(a);
    oclnn_tensor_destroy(b);
    oclnn_tensor_destroy(inside);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

/* issue 16: channel shuffle (ShuffleNet's, groups 2 and 3) and channel slices (groups 1), from
 * a dense tensor or a view, into a dense tensor or a view, against the double reference (the
 * definition: dst[j] = src[start + (j % g) * (count / g) + j / g]). A copy: exact. */
static void test_channel_shuffle(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    static const struct {
        oclnn_shape in;
        uint32_t start, count, groups;
    } cases[] = {
        {{2, 116, 7, 5}, 0, 116, 2}, {{1, 12, 3, 3}, 0, 12, 3}, {{2, 10, 4, 3}, 5, 5, 1},
        {{2, 10, 4, 3}, 0, 5, 1},    {{3, 9, 1, 1}, 2, 6, 2},   {{1, 4, 2, 2}, 0, 4, 4},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        oclnn_channel_shuffle_desc d = oclnn_channel_shuffle_desc_default();
        d.input = cases[k].in;
        d.start = cases[k].start;
        d.count = cases[k].count;
        d.groups = cases[k].groups;
        oclnn_shape os = d.input;
        os.c = d.count;
        float *x = alloc_random(shape_count(d.input), (uint32_t)k + 7, -1, 1), *ref = malloc(shape_count(os) * 4);
        assert_non_null(ref);
        oclnn__ref_channel_shuffle(&d, OCLNN_LAYOUT_NCHW, x, ref);
        oclnn_tensor *src = make_tensor(ctx, d.input, layout, k % 2 == 1, x);
        oclnn_tensor *dst = make_tensor(ctx, os, layout, k % 3 == 2, NULL);
        oclnn_op *op;
        assert_ok(oclnn_channel_shuffle_create(ctx, &d, &op));
        assert_string_equal(oclnn_op_algorithm(op), d.groups > 1 ? "shuffle" : "slice");
        assert_ok(oclnn_channel_shuffle_run(op, src, dst));
        float *got = read_nchw(dst);
        assert_close(got, ref, shape_count(os), TOL_EXACT, TOL_EXACT,
                     bench_line(ctx, layout, "channel_shuffle %u,%u,%u,%u start %u count %u groups %u", d.input.n,
                                d.input.c, d.input.h, d.input.w, d.start, d.count, d.groups));
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
        free(x);
        free(ref);
        free(got);
    }
    /* bad descriptors and tensors */
    oclnn_channel_shuffle_desc d = oclnn_channel_shuffle_desc_default();
    oclnn_op *op;
    d.input = (oclnn_shape){1, 6, 2, 2};
    d.count = 6;
    d.groups = 4;
    assert_status(oclnn_channel_shuffle_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("groups (4) does not divide");
    d.groups = 1;
    d.start = 1;
    assert_status(oclnn_channel_shuffle_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("exceeds the 6 input channels");
    d.count = 0;
    assert_status(oclnn_channel_shuffle_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("count is 0");
    assert_status(oclnn_channel_shuffle_create(ctx, NULL, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    d.count = 3;
    assert_ok(oclnn_channel_shuffle_create(ctx, &d, &op));
    oclnn_tensor *a;
    assert_ok(oclnn_tensor_create(ctx, d.input, OCLNN_LAYOUT_AUTO, &a));
    assert_status(oclnn_channel_shuffle_run(op, a, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst shape");
    oclnn_tensor_destroy(a);
    oclnn_op_destroy(op);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_channel_shuffle), /* issue 16 */
        TEST_ALL_CFGS(test_concat_op),
        TEST_ALL_CFGS(test_concat_zero_copy),
        TEST_ALL_CFGS(test_concat_errors),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
