/* SPDX-License-Identifier: MIT */
/* Every error path of the context and tensor API: each bad argument gives the right status and a
 * message naming the problem, writes NULL to *out, leaves objects usable, and a success clears
 * the message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support/harness.h"

static void test_status_strings(void **state) {
    (void)state;
    for (int s = 0; s <= 9; s++) {
        const char *text = oclnn_status_string((oclnn_status)s);
        assert_non_null(text);
        assert_true(strlen(text) > 0);
        assert_string_not_equal(text, "unknown status");
    }
    assert_string_equal(oclnn_status_string((oclnn_status)1234), "unknown status");
    assert_int_equal(oclnn_version(), OCLNN_VERSION_NUMBER);
    assert_string_equal(oclnn_version_string(), "0.1.0");
}

static void test_context_create_errors(void **state) {
    (void)state;
    assert_status(oclnn_context_create(NULL, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("oclnn_context_create: out is NULL");
    oclnn_context *ctx = (oclnn_context *)(uintptr_t)1;
    oclnn_context_options o = oclnn_context_options_default();
    o.layout = (oclnn_layout)7;
    assert_status(oclnn_context_create(&o, &ctx), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("layout");
    assert_null(ctx);
    o = oclnn_context_options_default();
    o.flags = 0x80;
    assert_status(oclnn_context_create(&o, &ctx), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("flags");
    o = oclnn_context_options_default();
    oclnn_allocator half = {NULL, NULL, NULL};
    o.allocator = &half;
    assert_status(oclnn_context_create(&o, &ctx), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("allocator");
    o = oclnn_context_options_default();
    o.device = "9:9";
    assert_status(oclnn_context_create(&o, &ctx), OCLNN_ERROR_NO_DEVICE);
    assert_error_mentions("\"9:9\"");
    assert_null(ctx);
    /* A success clears the message. */
    o.device = "cpu";
    assert_ok(oclnn_context_create(&o, &ctx));
    assert_string_equal(oclnn_last_error(), "");
    oclnn_context_destroy(ctx);
}

static void test_context_handle_errors(void **state) {
    (void)state;
    oclnn_device_info info;
    oclnn_cache_stats st;
    assert_status(oclnn_context_device(NULL, &info), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("ctx is NULL");
    assert_status(oclnn_context_finish(NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_context_cache_stats(NULL, &st), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_context_warm_up(NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(oclnn_context_layout(NULL), OCLNN_LAYOUT_AUTO);
    assert_string_equal(oclnn_context_build_log(NULL), "");
    /* A pointer to something that is not a context. */
    uint64_t junk[64] = {0};
    assert_status(oclnn_context_finish((oclnn_context *)junk), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a live context");
    oclnn_context_destroy(NULL); /* fine */
    oclnn_context_destroy((oclnn_context *)junk); /* ignored */

    oclnn_context *ctx = test_context(&CFG_CPU_NCHW);
    assert_status(oclnn_context_device(ctx, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("info is NULL");
    assert_status(oclnn_context_cache_stats(ctx, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_ok(oclnn_context_warm_up(ctx)); /* nothing to compile on the C backend */
}

static void test_devices_errors(void **state) {
    (void)state;
    oclnn_device_info one;
    assert_status(oclnn_devices(&one, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("count is NULL");
    size_t n;
    assert_status(oclnn_devices(NULL, 3, &n), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("capacity");
}

static void test_tensor_create_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_tensor *t = (oclnn_tensor *)(uintptr_t)1;
    oclnn_shape ok = {1, 2, 3, 4};
    assert_status(oclnn_tensor_create(NULL, ok, OCLNN_LAYOUT_NCHW, &t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_null(t);
    assert_status(oclnn_tensor_create(ctx, ok, OCLNN_LAYOUT_NCHW, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_create(ctx, ok, (oclnn_layout)3, &t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("layout (3)");
    oclnn_shape zero = {1, 0, 3, 4};
    assert_status(oclnn_tensor_create(ctx, zero, OCLNN_LAYOUT_NCHW, &t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero dimension");
    /* 2^32 * 2^32 * 2 * 4 bytes overflows size_t. */
    oclnn_shape huge = {UINT32_MAX, UINT32_MAX, 2, 2};
    assert_status(oclnn_tensor_create(ctx, huge, OCLNN_LAYOUT_NCHW, &t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("overflows");
    /* Fits size_t but not the device (or the host): a clean failure, not a crash. */
    oclnn_shape big = {65536, 65536, 64, 1};
    oclnn_status st = oclnn_tensor_create(ctx, big, OCLNN_LAYOUT_NCHW, &t);
    assert_true(st == OCLNN_ERROR_INVALID_ARGUMENT || st == OCLNN_ERROR_OUT_OF_MEMORY ||
                st == OCLNN_ERROR_DEVICE_OUT_OF_MEMORY || st == OCLNN_ERROR_UNSUPPORTED);
    assert_null(t);
    assert_true(strlen(oclnn_last_error()) > 0);
    /* The context still works. */
    assert_ok(oclnn_tensor_create(ctx, ok, OCLNN_LAYOUT_AUTO, &t));
    assert_int_equal(oclnn_tensor_layout(t), oclnn_context_layout(ctx));
    oclnn_tensor_destroy(t);
}

static void test_tensor_io_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_shape s = {1, 2, 3, 4}, s2 = {1, 2, 3, 5};
    float buf[30] = {0};
    oclnn_tensor *t, *u;
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &t));
    assert_ok(oclnn_tensor_create(ctx, s2, OCLNN_LAYOUT_NCHW, &u));
    assert_status(oclnn_tensor_write(NULL, buf, OCLNN_LAYOUT_NCHW), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst is NULL");
    assert_status(oclnn_tensor_write(t, NULL, OCLNN_LAYOUT_NCHW), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src is NULL");
    assert_status(oclnn_tensor_write(t, buf, (oclnn_layout)9), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("src_layout");
    assert_status(oclnn_tensor_read(NULL, buf, OCLNN_LAYOUT_NCHW), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_read(t, NULL, OCLNN_LAYOUT_NCHW), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_read(t, buf, (oclnn_layout)-1), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_copy(t, u), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("n1c2h3w4");
    assert_status(oclnn_tensor_copy(NULL, u), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_copy(t, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_fill(NULL, 1.0f), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_ok(oclnn_tensor_copy(t, t)); /* copying onto itself is a no-op */
    /* Overlapping views of one buffer are refused; disjoint ones are fine. */
    oclnn_tensor *a, *b, *c;
    assert_ok(oclnn_tensor_view_channels(t, 0, 1, &a));
    assert_ok(oclnn_tensor_view_channels(t, 1, 1, &b));
    assert_ok(oclnn_tensor_copy(a, b));
    assert_ok(oclnn_tensor_view_channels(t, 0, 1, &c)); /* the same channel as a */
    assert_status(oclnn_tensor_copy(a, c), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("overlap");
    oclnn_tensor_destroy(c);
    /* View errors. */
    assert_status(oclnn_tensor_view_channels(t, 2, 1, &c), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("outside");
    assert_null(c);
    assert_status(oclnn_tensor_view_channels(t, 1, 2, &c), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_view_channels(t, 0, 0, &c), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_view_channels(t, UINT32_MAX, 2, &c), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_view_channels(NULL, 0, 1, &c), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_tensor_view_channels(t, 0, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    /* Queries on bad handles. */
    assert_int_equal(oclnn_tensor_elements(NULL), 0);
    assert_int_equal(oclnn_tensor_shape(NULL).n, 0);
    assert_int_equal(oclnn_tensor_layout(NULL), OCLNN_LAYOUT_AUTO);
    assert_false(oclnn_tensor_is_view(NULL));
    oclnn_tensor_destroy(a);
    oclnn_tensor_destroy(b);
    oclnn_tensor_destroy(t);
    oclnn_tensor_destroy(u);
    oclnn_tensor_destroy(NULL);
}

/* Tensors of two contexts do not mix; a destroyed tensor or context is refused, not used. */
static void test_foreign_and_stale_handles(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    oclnn_context *c1, *c2;
    assert_ok(oclnn_context_create(&o, &c1));
    assert_ok(oclnn_context_create(&o, &c2));
    oclnn_shape s = {1, 1, 2, 2};
    oclnn_tensor *a, *b;
    assert_ok(oclnn_tensor_create(c1, s, OCLNN_LAYOUT_NCHW, &a));
    assert_ok(oclnn_tensor_create(c2, s, OCLNN_LAYOUT_NCHW, &b));
    assert_status(oclnn_tensor_copy(a, b), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("different contexts");
    /* The context outlives its user reference while tensors live, but refuses new work. */
    oclnn_context_destroy(c1);
    float v[4];
    assert_status(oclnn_tensor_read(a, v, OCLNN_LAYOUT_NCHW), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("destroyed context");
    oclnn_tensor *x;
    oclnn_tensor_destroy(a); /* frees c1 for good */
    assert_ok(oclnn_tensor_create(c2, s, OCLNN_LAYOUT_NCHW, &x));
    oclnn_tensor_destroy(x);
    oclnn_tensor_destroy(b);
    oclnn_context_destroy(c2);
}

/* A user allocator receives every host allocation of the context and gets all of it back. */
typedef struct counting {
    size_t live, total;
} counting;
static void *count_alloc(void *user, size_t size, size_t align) {
    counting *c = user;
    c->live++;
    c->total++;
    return aligned_alloc(align, (size + align - 1) / align * align);
}
static void count_free(void *user, void *p) {
    counting *c = user;
    c->live--;
    free(p);
}

static void test_user_allocator(void **state) {
    (void)state;
    counting c = {0, 0};
    oclnn_allocator a = {count_alloc, count_free, &c};
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    o.allocator = &a;
    oclnn_context *ctx;
    assert_ok(oclnn_context_create(&o, &ctx));
    oclnn_shape s = {2, 3, 4, 5};
    oclnn_tensor *t, *v;
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NHWC, &t));
    assert_ok(oclnn_tensor_view_channels(t, 1, 2, &v));
    assert_ok(oclnn_tensor_fill(v, 1.0f));
    oclnn_context_destroy(ctx);
    oclnn_tensor_destroy(t);
    assert_true(c.live > 0); /* the view still holds the storage and the context */
    oclnn_tensor_destroy(v);
    assert_int_equal(c.live, 0);
    assert_true(c.total >= 4);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_context_create_errors),
        cmocka_unit_test(test_context_handle_errors),
        cmocka_unit_test(test_devices_errors),
        TEST_ALL_CFGS(test_tensor_create_errors),
        TEST_ALL_CFGS(test_tensor_io_errors),
        cmocka_unit_test(test_foreign_and_stale_handles),
        cmocka_unit_test(test_user_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
