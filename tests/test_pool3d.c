/* SPDX-License-Identifier: MIT */
/* 3-D pooling and BatchNorm3d (issue 19): PyTorch golden data for max, average (with and
 * without count_include_pad), adaptive and global average pooling and BatchNorm3d (the 2-D batch
 * norm on the folded tensor), the double reference on odd shapes with batch > 1, NaN, both
 * layouts and backends, and the argument checks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"
#include "support/gpuclass.h"

static size_t count5(oclnn_shape3d s) { return (size_t)s.n * s.c * s.d * s.h * s.w; }

static oclnn_tensor *make5(oclnn_context *ctx, oclnn_shape3d s, oclnn_layout l, const float *host) {
    oclnn_tensor *t;
    assert_ok(oclnn_tensor_create3d(ctx, s, l, &t));
    if (host) assert_ok(oclnn_tensor_write(t, host, OCLNN_LAYOUT_NCDHW));
    return t;
}

static oclnn_pool3d_desc pdesc(oclnn_shape3d in, oclnn_pool_kind kind, const uint32_t k[3],
                               const uint32_t s[3], const uint32_t p[3], bool include_pad) {
    oclnn_pool3d_desc d = oclnn_pool3d_desc_default();
    d.input = in;
    d.kind = kind;
    for (int a = 0; a < 3; a++) {
        d.kernel[a] = k ? k[a] : 1;
        d.stride[a] = s ? s[a] : 0;
        d.pad[a] = p ? p[a] : 0;
    }
    d.count_include_pad = include_pad;
    return d;
}

/* Pools x (host NCDHW) into y (host NCDHW). */
static void run_pool(oclnn_context *ctx, oclnn_layout l, const oclnn_pool3d_desc *d, const float *x,
                     float *y) {
    oclnn_shape3d os;
    assert_ok(oclnn_pool3d_output_shape(d, &os));
    oclnn_op *op;
    assert_ok(oclnn_pool3d_create(ctx, d, &op));
    oclnn_tensor *src = make5(ctx, d->input, l, x), *dst = make5(ctx, os, l, NULL);
    assert_ok(oclnn_pool3d_run(op, src, dst));
    assert_ok(oclnn_tensor_read(dst, y, OCLNN_LAYOUT_NCDHW));
    oclnn_tensor_destroy(src), oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

static void test_pool3d_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const uint32_t k333[3] = {3, 3, 3}, s222[3] = {2, 2, 2}, p111[3] = {1, 1, 1};
    static const uint32_t k133[3] = {1, 3, 3}, s122[3] = {1, 2, 2}, p011[3] = {0, 1, 1};
    static const uint32_t k233[3] = {2, 3, 3}, k332[3] = {3, 3, 2}, s221[3] = {2, 2, 1};
    struct {
        const char *name;
        oclnn_pool3d_desc d;
    } cases[] = {
        {"pool3d_max",
         pdesc((oclnn_shape3d){2, 3, 5, 9, 8}, OCLNN_POOL_MAX, k333, s222, p111, true)},
        {"pool3d_max_1x3x3",
         pdesc((oclnn_shape3d){1, 4, 4, 7, 7}, OCLNN_POOL_MAX, k133, s122, p011, true)},
        {"pool3d_avg",
         pdesc((oclnn_shape3d){2, 3, 5, 7, 6}, OCLNN_POOL_AVG, k233, s122, p111, true)},
        {"pool3d_avg_nopad",
         pdesc((oclnn_shape3d){1, 2, 5, 7, 6}, OCLNN_POOL_AVG, k332, s221, p111, false)},
        {"pool3d_adaptive",
         pdesc((oclnn_shape3d){2, 3, 5, 7, 9}, OCLNN_POOL_AVG, NULL, NULL, NULL, true)},
        {"pool3d_global",
         pdesc((oclnn_shape3d){2, 5, 3, 4, 5}, OCLNN_POOL_GLOBAL_AVG, NULL, NULL, NULL, true)},
    };
    cases[4].d.adaptive = true;
    cases[4].d.output_size[0] = 2, cases[4].d.output_size[1] = 3, cases[4].d.output_size[2] = 4;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const oclnn_pool3d_desc *d = &cases[i].d;
        oclnn_shape3d os;
        assert_ok(oclnn_pool3d_output_shape(d, &os));
        if (!test_runs((double)count5(d->input) / 4)) continue;
        char file[128];
        snprintf(file, sizeof file, "%s_x.bin", cases[i].name);
        float *x = golden(file, count5(d->input));
        snprintf(file, sizeof file, "%s_y.bin", cases[i].name);
        float *want = golden(file, count5(os));
        float *y = malloc(count5(os) * sizeof *y), *ref = malloc(count5(os) * sizeof *ref);
        run_pool(ctx, cfg->layout, d, x, y);
        char problem[128];
        snprintf(problem, sizeof problem, "%s %s", cases[i].name, cfg->name);
        assert_close(y, want, count5(os), 1e-6, 1e-5, problem);
        oclnn_shape3d rs = oclnn__ref_pool3d(d, x, ref);
        assert_int_equal(count5(rs), count5(os));
        assert_close(ref, want, count5(os), 1e-6, 1e-5, problem);
        free(x), free(want), free(y), free(ref);
    }
}

/* The video networks' pools (shrunk, batch 2): r3d's 1x3x3/2 max-pool-free stem is followed by
 * the adaptive (1,1,1) average; odd sizes; a NaN propagates through max. */
static void test_pool3d_shapes(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    static const uint32_t k223[3] = {2, 2, 3}, s213[3] = {2, 1, 3}, p101[3] = {1, 0, 1};
    oclnn_pool3d_desc cases[] = {
        pdesc((oclnn_shape3d){2, 3, 3, 5, 7}, OCLNN_POOL_MAX, k223, s213, p101, true),
        pdesc((oclnn_shape3d){2, 3, 3, 5, 7}, OCLNN_POOL_AVG, k223, s213, p101, false),
        pdesc((oclnn_shape3d){3, 4, 2, 3, 5}, OCLNN_POOL_GLOBAL_MAX, NULL, NULL, NULL, true),
        pdesc((oclnn_shape3d){2, 3, 7, 5, 3}, OCLNN_POOL_AVG, NULL, NULL, NULL, true),
    };
    cases[3].adaptive = true;
    cases[3].output_size[0] = 3, cases[3].output_size[1] = 5, cases[3].output_size[2] = 2;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const oclnn_pool3d_desc *d = &cases[i];
        oclnn_shape3d os;
        assert_ok(oclnn_pool3d_output_shape(d, &os));
        float *x = alloc_random(count5(d->input), 40 + (uint32_t)i, -1, 1);
        if (i == 0) x[17] = NAN;
        float *y = malloc(count5(os) * sizeof *y), *ref = malloc(count5(os) * sizeof *ref);
        oclnn__ref_pool3d(d, x, ref);
        run_pool(ctx, cfg->layout, d, x, y);
        for (size_t j = 0; j < count5(os); j++)
            if (isnan(ref[j])) {
                assert_true(isnan(y[j]));
                y[j] = ref[j] = 0.0f;
            }
        char problem[64];
        snprintf(problem, sizeof problem, "pool3d case %zu %s", i, cfg->name);
        assert_close(y, ref, count5(os), 1e-6, 1e-5, problem);
        free(x), free(y), free(ref);
    }
}

/* BatchNorm3d is oclnn_batchnorm on the folded (n, c, d * h, w) tensor. */
static void test_bn3d_golden(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    const oclnn_shape3d s = {2, 5, 3, 4, 6};
    float *x = golden("bn3d_x.bin", count5(s)), *p = golden("bn3d_params.bin", 20);
    float *want = golden("bn3d_y.bin", count5(s)), *y = malloc(count5(s) * sizeof *y);
    oclnn_tensor *src = make5(ctx, s, cfg->layout, x), *dst = make5(ctx, s, cfg->layout, NULL);
    oclnn_batchnorm_desc d = oclnn_batchnorm_desc_default();
    d.shape = oclnn_tensor_shape(src);
    oclnn_op *op;
    assert_ok(oclnn_batchnorm_create(ctx, &d, p, p + 5, p + 10, p + 15, &op));
    assert_ok(oclnn_batchnorm_run(op, src, dst));
    assert_ok(oclnn_tensor_read(dst, y, OCLNN_LAYOUT_NCDHW));
    assert_close(y, want, count5(s), 1e-5, 1e-5, "bn3d");
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(src), oclnn_tensor_destroy(dst);
    free(x), free(p), free(want), free(y);
}

static void test_pool3d_errors(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CTX(state);
    static const uint32_t k3[3] = {3, 3, 3}, p2[3] = {2, 1, 1};
    oclnn_op *op = NULL;
    oclnn_pool3d_desc d = pdesc((oclnn_shape3d){1, 2, 3, 4, 5}, OCLNN_POOL_MAX, k3, NULL, p2, true);
    assert_status(oclnn_pool3d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("half the window");
    d = pdesc((oclnn_shape3d){1, 2, 2, 4, 5}, OCLNN_POOL_MAX, k3, NULL, NULL, true);
    assert_status(oclnn_pool3d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("output is empty");
    d = pdesc((oclnn_shape3d){1, 2, 3, 4, 5}, OCLNN_POOL_MAX, NULL, NULL, NULL, true);
    d.adaptive = true;
    assert_status(oclnn_pool3d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("adaptive");
    d.kind = OCLNN_POOL_AVG;
    assert_status(oclnn_pool3d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("output_size");
    d = pdesc((oclnn_shape3d){1, 2, 3, 4, 5}, (oclnn_pool_kind)9, k3, NULL, NULL, true);
    assert_status(oclnn_pool3d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    d = pdesc((oclnn_shape3d){1, 0, 3, 4, 5}, OCLNN_POOL_MAX, k3, NULL, NULL, true);
    assert_status(oclnn_pool3d_create(ctx, &d, &op), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_null(op);
    d = pdesc((oclnn_shape3d){1, 2, 3, 4, 5}, OCLNN_POOL_MAX, k3, NULL, NULL, true);
    assert_ok(oclnn_pool3d_create(ctx, &d, &op));
    oclnn_shape3d os;
    assert_ok(oclnn_pool3d_output_shape(&d, &os));
    oclnn_tensor *src = make5(ctx, d.input, cfg->layout, NULL),
                 *dst = make5(ctx, os, cfg->layout, NULL);
    assert_ok(oclnn_tensor_fill(src, 0.5f)); /* defined data for the run that succeeds */
    assert_status(oclnn_pool3d_run(op, dst, src), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_pool3d_run(op, src, src), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_ok(oclnn_pool3d_run(op, src, dst));
    oclnn_tensor_destroy(src), oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST_ALL_CFGS(test_pool3d_golden), TEST_GPU_CFGS(test_pool3d_golden),
        TEST_ALL_CFGS(test_pool3d_shapes), TEST_GPU_CFGS(test_pool3d_shapes),
        TEST_ALL_CFGS(test_bn3d_golden),   TEST_ALL_CFGS(test_pool3d_errors),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
