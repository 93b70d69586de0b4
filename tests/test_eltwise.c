/* SPDX-License-Identifier: MIT */
/* Element-wise ops and the explicit/zero-copy concat on both backends and layouts: every op
 * against the reference, with odd sizes, batch > 1, channel views and mixed layouts as operands,
 * in place; concat against torch.cat semantics (copy op, and branches writing into views with no
 * extra allocation); error paths. */
#include <math.h>
#include <string.h>

#include "ref/ref.h"
#include "support/layers.h"

/* add / max are exact in float (the double reference rounds to the same value). */
static const double TOL_EXACT = 0.0;
/* a*s+t may be contracted to an fma on one side: 1-2 ulp. */
static const double RTOL_SCALE = 1e-6, ATOL_SCALE = 1e-6;
/* expf/tanhf (C) and OpenCL exp/tanh are allowed a few ulp (OpenCL: 3-5 ulp). */
static const double RTOL_TRANSCENDENTAL = 4e-6, ATOL_TRANSCENDENTAL = 1e-6;

static const oclnn_shape SHAPES[] = {{1, 1, 1, 1}, {3, 5, 7, 9}, {2, 64, 7, 7}, {1, 256, 14, 14}};
static const oclnn_eltwise_op OPS[] = {OCLNN_ELTWISE_ADD,   OCLNN_ELTWISE_ADD_RELU, OCLNN_ELTWISE_SCALE,
                                       OCLNN_ELTWISE_RELU,  OCLNN_ELTWISE_RELU6,    OCLNN_ELTWISE_SIGMOID,
                                       OCLNN_ELTWISE_TANH, OCLNN_ELTWISE_HARDSIGMOID, OCLNN_ELTWISE_HARDSWISH,
                                       OCLNN_ELTWISE_MUL, OCLNN_ELTWISE_LEAKY_RELU, OCLNN_ELTWISE_ELU,
                                       OCLNN_ELTWISE_SUB, OCLNN_ELTWISE_DIV}; /* issue 16 */

static bool binary(oclnn_eltwise_op op) {
    return op == OCLNN_ELTWISE_ADD || op == OCLNN_ELTWISE_ADD_RELU || op == OCLNN_ELTWISE_MUL ||
           op == OCLNN_ELTWISE_SUB || op == OCLNN_ELTWISE_DIV;
}

static void tolerances(oclnn_eltwise_op op, double *atol, double *rtol) {
    *atol = *rtol = TOL_EXACT;
    if (op == OCLNN_ELTWISE_SCALE || op == OCLNN_ELTWISE_HARDSIGMOID || op == OCLNN_ELTWISE_HARDSWISH)
        *atol = ATOL_SCALE, *rtol = RTOL_SCALE;
    if (op == OCLNN_ELTWISE_LEAKY_RELU) /* one product: exact but for an fma-free rounding */
        *atol = ATOL_SCALE, *rtol = RTOL_SCALE;
    if (op == OCLNN_ELTWISE_DIV) /* C rounds a / b exactly; OpenCL's float division may be 2.5 ulp off */
        *atol = ATOL_SCALE, *rtol = RTOL_SCALE;
    if (op == OCLNN_ELTWISE_SIGMOID || op == OCLNN_ELTWISE_TANH || op == OCLNN_ELTWISE_ELU)
        *atol = ATOL_TRANSCENDENTAL, *rtol = RTOL_TRANSCENDENTAL;
}

/* One op on one shape; variant 0: all plain in cfg's layout; 1: a in the other layout, dst a
 * view; 2: b and dst views, in place on a view (dst = a). */
static void run_case(oclnn_context *ctx, oclnn_layout layout, oclnn_eltwise_op op, oclnn_shape s,
                     int variant, uint32_t seed) {
    size_t n = shape_count(s);
    float *a = alloc_random(n, seed, -8, 8), *b = alloc_random(n, seed + 1, -8, 8);
    float *scale = alloc_random(s.c, seed + 2, -2, 2), *shift = alloc_random(s.c, seed + 3, -1, 1);
    float *ref = malloc(n * 4);
    oclnn__ref_eltwise(s, OCLNN_LAYOUT_NCHW, op, a, binary(op) ? b : NULL, scale, shift, ref);
    oclnn_eltwise_desc d = oclnn_eltwise_desc_default();
    d.shape = s;
    d.op = op;
    oclnn_op *e;
    bool sc = op == OCLNN_ELTWISE_SCALE, slopes = op == OCLNN_ELTWISE_LEAKY_RELU || op == OCLNN_ELTWISE_ELU;
    assert_ok(oclnn_eltwise_create(ctx, &d, sc || slopes ? scale : NULL, sc ? shift : NULL, &e));
    oclnn_tensor *ta = make_tensor(ctx, s, variant == 1 ? other_layout(layout) : layout, variant == 2, a);
    oclnn_tensor *tb = binary(op) ? make_tensor(ctx, s, layout, variant == 2, b) : NULL;
    oclnn_tensor *td = variant == 2 ? ta : make_tensor(ctx, s, layout, variant == 1, NULL);
    assert_ok(oclnn_eltwise_run(e, ta, tb, td));
    float *got = read_nchw(td);
    double atol, rtol;
    tolerances(op, &atol, &rtol);
    char problem[128];
    snprintf(problem, sizeof problem, "eltwise op %d variant %d %u,%u,%u,%u", (int)op, variant, s.n,
             s.c, s.h, s.w);
    assert_close(got, ref, n, atol, rtol,
                 op == OCLNN_ELTWISE_ADD || op == OCLNN_ELTWISE_ADD_RELU ? bench_line(ctx, layout, "add %u,%u,%u,%u%s", s.n, s.c, s.h, s.w,
                                         op == OCLNN_ELTWISE_ADD_RELU ? " --relu" : "")
                            : problem);
    if (td != ta) oclnn_tensor_destroy(td);
    oclnn_tensor_destroy(ta);
    oclnn_tensor_destroy(tb);
    oclnn_op_destroy(e);
    free(a), free(b), free(scale), free(shift), free(ref), free(got);
}

static void test_eltwise_ops(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    uint32_t seed = 1;
    for (size_t o = 0; o < sizeof OPS / sizeof *OPS; o++)
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++)
            for (int v = 0; v < 3; v++, seed += 7)
                if (test_runs((double)shape_count(SHAPES[i])))
                    run_case(ctx, layout, OPS[o], SHAPES[i], v, seed);
}

/* Per-channel scale without shift, and the residual add in place on b. */
static void test_eltwise_scale_no_shift_and_in_place_b(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    oclnn_shape s = {2, 13, 5, 3};
    size_t n = shape_count(s);
    float *a = alloc_random(n, 9, -4, 4), *b = alloc_random(n, 10, -4, 4), *k = alloc_random(s.c, 11, -3, 3);
    float *ref = malloc(n * 4);
    oclnn_eltwise_desc d = {s, OCLNN_ELTWISE_SCALE};
    oclnn_op *e;
    assert_ok(oclnn_eltwise_create(ctx, &d, k, NULL, &e));
    oclnn_tensor *ta = make_tensor(ctx, s, layout, false, a), *tb = make_tensor(ctx, s, layout, false, b);
    assert_ok(oclnn_eltwise_run(e, ta, NULL, ta));
    oclnn__ref_eltwise(s, OCLNN_LAYOUT_NCHW, OCLNN_ELTWISE_SCALE, a, NULL, k, NULL, ref);
    float *got = read_nchw(ta);
    assert_close(got, ref, n, ATOL_SCALE, RTOL_SCALE, "scale without shift, in place");
    free(got);
    oclnn_op_destroy(e);
    d.op = OCLNN_ELTWISE_ADD_RELU;
    assert_ok(oclnn_eltwise_create(ctx, &d, NULL, NULL, &e));
    assert_ok(oclnn_tensor_write(ta, a, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_eltwise_run(e, ta, tb, tb));
    oclnn__ref_eltwise(s, OCLNN_LAYOUT_NCHW, OCLNN_ELTWISE_ADD_RELU, a, b, NULL, NULL, ref);
    got = read_nchw(tb);
    assert_close(got, ref, n, TOL_EXACT, TOL_EXACT, "add+relu in place on b");
    oclnn_tensor_destroy(ta);
    oclnn_tensor_destroy(tb);
    oclnn_op_destroy(e);
    free(a), free(b), free(k), free(ref), free(got);
}

/* A per-channel operand of (n, c, 1, 1) broadcast over h and w: MUL's squeeze-excite gate as b,
 * and (issue 16) ADD, SUB, DIV with it as b or as a; both layouts for the operands, dst plain, a
 * channel view, or the full-size operand itself (in place); against the reference on the
 * operand expanded to the full shape. */
static void run_broadcast(oclnn_context *ctx, oclnn_layout layout, oclnn_eltwise_op op, oclnn_shape s, int v,
                          bool gate_first) {
    oclnn_shape gs = {s.n, s.c, 1, 1};
    size_t n = shape_count(s), plane = (size_t)s.h * s.w;
    float *a = alloc_random(n, 40 + s.c, -8, 8), *g = alloc_random(s.n * s.c, 50 + (uint32_t)v, -2, 2);
    float *full = malloc(n * 4), *ref = malloc(n * 4);
    for (size_t k = 0; k < n; k++) full[k] = g[k / plane];
    oclnn__ref_eltwise(s, OCLNN_LAYOUT_NCHW, op, gate_first ? full : a, gate_first ? a : full, NULL, NULL, ref);
    oclnn_eltwise_desc d = {s, op};
    oclnn_op *e;
    assert_ok(oclnn_eltwise_create(ctx, &d, NULL, NULL, &e));
    oclnn_tensor *ta = make_tensor(ctx, s, layout, v == 2, a);
    oclnn_tensor *tg = make_tensor(ctx, gs, v == 1 ? other_layout(layout) : layout, v == 1, g);
    oclnn_tensor *td = v == 2 ? ta : make_tensor(ctx, s, layout, v == 1, NULL);
    assert_ok(gate_first ? oclnn_eltwise_run(e, tg, ta, td) : oclnn_eltwise_run(e, ta, tg, td));
    float *got = read_nchw(td);
    char problem[96];
    snprintf(problem, sizeof problem, "op %d by a per-channel %s, variant %d, %u,%u,%u,%u", (int)op,
             gate_first ? "a" : "b", v, s.n, s.c, s.h, s.w);
    double atol, rtol;
    tolerances(op, &atol, &rtol);
    assert_close(got, ref, n, atol, rtol, problem);
    /* an operand of the wrong batch or channels is refused with the shape it wanted; so are two
     * per-channel operands, and dst overlapping the broadcast one */
    if (v == 0) {
        oclnn_tensor *bad = make_tensor(ctx, (oclnn_shape){s.n, s.c + 1, 1, 1}, layout, false, NULL);
        assert_status(gate_first ? oclnn_eltwise_run(e, bad, ta, td) : oclnn_eltwise_run(e, ta, bad, td),
                      OCLNN_ERROR_INVALID_ARGUMENT);
        assert_error_mentions(gate_first ? "a shape" : "b shape");
        assert_status(oclnn_eltwise_run(e, tg, tg, td), OCLNN_ERROR_INVALID_ARGUMENT);
        assert_error_mentions("at most one operand");
        oclnn_tensor_destroy(bad);
    }
    if (td != ta) oclnn_tensor_destroy(td);
    oclnn_tensor_destroy(ta);
    oclnn_tensor_destroy(tg);
    oclnn_op_destroy(e);
    free(a), free(g), free(full), free(ref), free(got);
}

static void test_eltwise_broadcast(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_layout layout = TEST_CFG(state)->layout;
    static const oclnn_shape shapes[] = {{1, 3, 2, 5}, {2, 16, 7, 7}, {3, 5, 4, 4}};
    static const oclnn_eltwise_op ops[] = {OCLNN_ELTWISE_MUL, OCLNN_ELTWISE_ADD, OCLNN_ELTWISE_SUB, OCLNN_ELTWISE_DIV};
    for (size_t o = 0; o < sizeof ops / sizeof *ops; o++)
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
            for (int v = 0; v < 3; v++)
                for (int first = 0; first < 2; first++)
                    if (!first || ops[o] != OCLNN_ELTWISE_MUL || i == 0)
                        run_broadcast(ctx, layout, ops[o], shapes[i], v, first);
}

/* NaN propagates through every op, as in PyTorch (fmax-style ReLU would turn it into 0). */
static void test_eltwise_nan(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_shape s = {1, 4, 1, 4}; /* rows of 4: the OpenCL float4 kernels too */
    float x[16], one[4] = {1, 1, 1, 1}, got[16];
    fill_random(x, 16, 3, -8, 8);
    x[0] = NAN;
    for (size_t o = 0; o < sizeof OPS / sizeof *OPS; o++) {
        oclnn_eltwise_desc d = {s, OPS[o]};
        oclnn_op *e;
        bool sc = OPS[o] == OCLNN_ELTWISE_SCALE || OPS[o] == OCLNN_ELTWISE_LEAKY_RELU || OPS[o] == OCLNN_ELTWISE_ELU;
        assert_ok(oclnn_eltwise_create(ctx, &d, sc ? one : NULL, NULL, &e));
        oclnn_tensor *t = make_tensor(ctx, s, TEST_CFG(state)->layout, o % 2 == 1, x);
        assert_ok(oclnn_eltwise_run(e, t, binary(OPS[o]) ? t : NULL, t));
        assert_ok(oclnn_tensor_read(t, got, OCLNN_LAYOUT_NCHW));
        if (!isnan(got[0])) fail_msg("op %d turned NaN into %g", (int)OPS[o], (double)got[0]);
        oclnn_tensor_destroy(t);
        oclnn_op_destroy(e);
    }
}

static void test_eltwise_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_shape s = {1, 4, 3, 3};
    oclnn_eltwise_desc d = {s, OCLNN_ELTWISE_ADD};
    oclnn_op *e = (oclnn_op *)&d;
    float k[4] = {1, 2, 3, 4};
    assert_status(oclnn_eltwise_create(ctx, NULL, NULL, NULL, &e), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc");
    assert_null(e);
    d.op = (oclnn_eltwise_op)42;
    assert_status(oclnn_eltwise_create(ctx, &d, NULL, NULL, &e), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->op (42)");
    d.op = OCLNN_ELTWISE_SCALE;
    assert_status(oclnn_eltwise_create(ctx, &d, NULL, NULL, &e), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("scale is NULL");
    d.op = OCLNN_ELTWISE_LEAKY_RELU; /* issue 16: alphas required, shift refused */
    assert_status(oclnn_eltwise_create(ctx, &d, NULL, NULL, &e), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("scale is NULL");
    assert_status(oclnn_eltwise_create(ctx, &d, k, k, &e), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("shift is for OCLNN_ELTWISE_SCALE only");
    d.op = OCLNN_ELTWISE_RELU;
    assert_status(oclnn_eltwise_create(ctx, &d, k, NULL, &e), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("SCALE only");
    d.shape.h = 0;
    assert_status(oclnn_eltwise_create(ctx, &d, NULL, NULL, &e), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("zero dimension");
    d.shape = s;
    d.op = OCLNN_ELTWISE_ADD;
    assert_ok(oclnn_eltwise_create(ctx, &d, NULL, NULL, &e));
    oclnn_tensor *a, *wrong, *wide, *v1, *v2;
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_AUTO, &a));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 5, 3, 3}, OCLNN_LAYOUT_AUTO, &wrong));
    assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 6, 3, 3}, OCLNN_LAYOUT_AUTO, &wide));
    assert_ok(oclnn_tensor_view_channels(wide, 0, 4, &v1));
    assert_ok(oclnn_tensor_view_channels(wide, 2, 4, &v2));
    assert_status(oclnn_eltwise_run(e, a, NULL, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("b is NULL");
    assert_status(oclnn_eltwise_run(e, a, wrong, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("b shape n1c5h3w3");
    assert_status(oclnn_eltwise_run(e, v1, a, v2), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("overlaps a");
    assert_status(oclnn_eltwise_run(NULL, a, a, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("op is NULL");
    oclnn_op_destroy(e);
    d.op = OCLNN_ELTWISE_RELU;
    assert_ok(oclnn_eltwise_create(ctx, &d, NULL, NULL, &e));
    assert_status(oclnn_eltwise_run(e, a, a, a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("b must be NULL");
    oclnn_op_destroy(e);
    oclnn_tensor_destroy(a);
    oclnn_tensor_destroy(wrong);
    oclnn_tensor_destroy(wide);
    oclnn_tensor_destroy(v1);
    oclnn_tensor_destroy(v2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_eltwise_ops),
        TEST_ALL_CFGS(test_eltwise_scale_no_shift_and_in_place_b),
        TEST_ALL_CFGS(test_eltwise_nan),
        TEST_ALL_CFGS(test_eltwise_broadcast),
        TEST_ALL_CFGS(test_eltwise_errors),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
