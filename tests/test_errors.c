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

/* Every handle type, destroyed and then used: OCLNN_ERROR_INVALID_ARGUMENT ("not a live ..."),
 * never a read of freed memory (the sanitizer build would report one), and a second destroy is a
 * no-op. Nothing is created between destroy and use, so no new object can reuse the address. */
static void test_destroyed_handles(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    oclnn_context *ctx, *dead;
    assert_ok(oclnn_context_create(&o, &ctx));
    oclnn_shape s = {1, 2, 2, 2};
    float v[8] = {0};
    /* tensor and view */
    oclnn_tensor *t, *view;
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &t));
    assert_ok(oclnn_tensor_view_channels(t, 1, 1, &view));
    oclnn_tensor_destroy(view);
    assert_status(oclnn_tensor_fill(view, 1.0f), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("t is not a live tensor");
    oclnn_tensor_destroy(t);
    assert_status(oclnn_tensor_write(t, v, OCLNN_LAYOUT_NCHW), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst is not a live tensor");
    assert_status(oclnn_tensor_view_channels(t, 0, 1, &view), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("parent is not a live tensor");
    oclnn_tensor_destroy(t); /* twice: nothing happens */
    oclnn_tensor_destroy(view);
    /* operator, run with live tensors */
    oclnn_eltwise_desc ed = oclnn_eltwise_desc_default();
    ed.shape = s;
    oclnn_op *op;
    oclnn_tensor *a;
    assert_ok(oclnn_eltwise_create(ctx, &ed, NULL, NULL, &op));
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &a));
    oclnn_op_destroy(op);
    assert_status(oclnn_eltwise_run(op, a, a, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("op is not a live operator");
    assert_string_equal(oclnn_op_algorithm(op), "");
    assert_error_mentions("not a live operator");
    assert_int_equal(oclnn_op_workspace_size(op), 0);
    oclnn_op_destroy(op);
    /* a tensor handle where an operator is expected, and the reverse */
    assert_status(oclnn_eltwise_run((oclnn_op *)a, a, a, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("op is not a live operator");
    oclnn_tensor_destroy(a);
    /* graph and net, and the net's own tensors after it is gone */
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc nd = oclnn_node_desc_default();
    nd.op = OCLNN_NODE_INPUT;
    nd.channels = 2;
    int in, out;
    assert_ok(oclnn_graph_add(g, "input", &nd, NULL, 0, &in));
    nd.op = OCLNN_NODE_RELU;
    assert_ok(oclnn_graph_add(g, "relu", &nd, &in, 1, &out));
    oclnn_net *net;
    assert_ok(oclnn_net_create(ctx, g, s, &net));
    oclnn_tensor *net_in = oclnn_net_input(net);
    assert_non_null(net_in);
    oclnn_net_destroy(net);
    assert_status(oclnn_net_run(net), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a live net");
    assert_status(oclnn_tensor_write(net_in, v, OCLNN_LAYOUT_NCHW), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a live tensor");
    oclnn_net_destroy(net);
    oclnn_graph_destroy(g);
    assert_status(oclnn_graph_add(g, "more", &nd, &out, 1, &out), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a live graph");
    assert_status(oclnn_net_create(ctx, g, s, &net), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a live graph");
    oclnn_graph_destroy(g);
    /* context: freed at once when nothing else holds it */
    dead = ctx;
    oclnn_context_destroy(ctx);
    assert_status(oclnn_tensor_create(dead, s, OCLNN_LAYOUT_NCHW, &t), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("ctx is not a live context");
    oclnn_device_info info;
    assert_status(oclnn_context_device(dead, &info), OCLNN_ERROR_INVALID_ARGUMENT);
    oclnn_context_destroy(dead);
}

/* Sizes nothing could hold are refused before any allocation (the sanitizer build aborts on a
 * giant malloc), fast, with the size and the limit in the message: tensors, and
 * oclnn_conv2d_find on an impossible problem (its trial weights, its tensors, its workspace). */
static void test_huge_allocations(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_tensor *t = NULL;
    /* 2^42 floats: 16 TiB */
    oclnn_status st = oclnn_tensor_create(ctx, (oclnn_shape){65536, 65536, 1024, 1}, cfg->layout, &t);
    assert_true(st == OCLNN_ERROR_OUT_OF_MEMORY || st == OCLNN_ERROR_DEVICE_OUT_OF_MEMORY ||
                st == OCLNN_ERROR_INVALID_ARGUMENT);
    assert_null(t);
    assert_error_mentions("17592186044416 bytes");
    assert_error_mentions("more than the");
    size_t n;
    oclnn_conv2d_perf res[OCLNN_CONV_ALGO_COUNT];
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.kernel_h = d.kernel_w = 1;
    /* trial weights of 2^40 floats */
    d.input = (oclnn_shape){1, 1u << 20, 1, 1};
    d.out_channels = 1u << 20;
    assert_status(oclnn_conv2d_find(ctx, &d, res, OCLNN_CONV_ALGO_COUNT, &n), OCLNN_ERROR_OUT_OF_MEMORY);
    assert_error_mentions("trial weights needs 4398046511104 bytes, more than the host's memory");
    /* tensors of 2^40 floats */
    d.input = (oclnn_shape){1u << 10, 1, 1u << 15, 1u << 15};
    d.out_channels = 1;
    st = oclnn_conv2d_find(ctx, &d, res, OCLNN_CONV_ALGO_COUNT, &n);
    assert_true(st == OCLNN_ERROR_OUT_OF_MEMORY || st == OCLNN_ERROR_DEVICE_OUT_OF_MEMORY ||
                st == OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("4398046511104 bytes");
    /* an im2col workspace (c r s p q floats) that overflows size_t: refused at create */
    d.input = (oclnn_shape){1, 1u << 16, 1u << 20, 1u << 20};
    d.out_channels = 1;
    d.kernel_h = d.kernel_w = 1u << 12;
    d.algo = OCLNN_CONV_ALGO_IM2COL;
    oclnn_op *op = NULL;
    assert_status(oclnn_conv2d_create(ctx, &d, (const float *)&d, NULL, &op), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("overflows size_t");
    assert_null(op);
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
        cmocka_unit_test(test_destroyed_handles),
        TEST_ALL_CFGS(test_huge_allocations),
        cmocka_unit_test(test_user_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
