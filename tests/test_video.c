/* SPDX-License-Identifier: MIT */
/* torchvision's video networks (issue 19): r3d_18, mc3_18 and r2plus1d_18 built with oclnn's
 * generator weights on a small clip (batch 2), against torchvision's logits for the same weights
 * and clip (tools/golden/video.py), both backends and layouts; and the argument checks. The
 * full-size 16x112x112 check is tools/compare_video.py (docs/ND.md). */
#include <stdio.h>
#include <stdlib.h>

#include "support/gpuclass.h"

static const oclnn_shape3d CLIP = {2, 3, 2, 8, 8};
#define SEED 19
#define CLASSES 400

static void check_arch(void **state, const char *arch) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx = TEST_CLASS_CTX(state);
    if (!test_runs(1e9)) skip(); /* ~0.1 G multiply-adds: too slow for Oclgrind */
    const size_t n = (size_t)CLIP.n * CLIP.c * CLIP.d * CLIP.h * CLIP.w;
    float *x = malloc(n * sizeof *x), *y = malloc((size_t)CLIP.n * CLASSES * sizeof *y);
    assert_ok(oclnn_random_uniform("clip", SEED, -1.0, 1.0, x, n));
    char file[64];
    snprintf(file, sizeof file, "video_%s_y.bin", arch);
    float *want = golden(file, (size_t)CLIP.n * CLASSES);
    (void)cfg;
    oclnn_video_net *net;
    assert_ok(oclnn_video_net_create(ctx, arch, NULL, SEED, CLIP, &net));
    assert_ok(oclnn_tensor_write(oclnn_video_net_input(net), x, OCLNN_LAYOUT_NCDHW));
    assert_ok(oclnn_video_net_run(net));
    oclnn_shape os = oclnn_tensor_shape(oclnn_video_net_output(net));
    assert_int_equal(os.n, CLIP.n);
    assert_int_equal(os.c, CLASSES);
    assert_ok(oclnn_tensor_read(oclnn_video_net_output(net), y, OCLNN_LAYOUT_NCHW));
    char problem[96];
    snprintf(problem, sizeof problem, "%s on %s", arch, cfg->name);
    assert_close(y, want, (size_t)CLIP.n * CLASSES, 1e-4, 1e-3, problem);
    oclnn_video_net_destroy(net);
    free(x), free(y), free(want);
}

static void test_r3d_18(void **state) { check_arch(state, "r3d_18"); }
static void test_mc3_18(void **state) { check_arch(state, "mc3_18"); }
static void test_r2plus1d_18(void **state) { check_arch(state, "r2plus1d_18"); }

static void test_video_errors(void **state) {
    oclnn_context *ctx = TEST_CTX(state);
    oclnn_video_net *net = NULL;
    assert_status(oclnn_video_net_create(ctx, "r4d_18", NULL, 0, CLIP, &net),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("r3d_18");
    oclnn_shape3d gray = CLIP;
    gray.c = 1;
    assert_status(oclnn_video_net_create(ctx, "r3d_18", NULL, 0, gray, &net),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_video_net_create(ctx, "r3d_18", "/nonexistent.safetensors", 0, CLIP, &net),
                  OCLNN_ERROR_IO);
    assert_null(net);
    /* a valid .safetensors file without the parameters: the first one is named as missing */
    char path[] = "/tmp/oclnn_test_video_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    const unsigned char header[16] = {8,   0,   0,   0,   0,   0,   0,   0,
                                      '{', '}', ' ', ' ', ' ', ' ', ' ', ' '};
    assert_int_equal(fwrite(header, 1, sizeof header, f), sizeof header);
    fclose(f);
    assert_status(oclnn_video_net_create(ctx, "mc3_18", path, 0, CLIP, &net), OCLNN_ERROR_BAD_FILE);
    assert_error_mentions("stem.0.weight");
    remove(path);
    assert_null(net);
    const char *const *names = oclnn_video_net_names();
    assert_string_equal(names[0], "r3d_18");
    assert_null(names[3]);
    oclnn_video_net_destroy(NULL);
    assert_status(oclnn_video_net_run(NULL), OCLNN_ERROR_INVALID_ARGUMENT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        /* r3d_18 in three configurations, the other two in one per backend, so that each
         * backend runs both layouts while the sanitizer and valgrind runs stay short (every
         * conv kind they use is in test_conv3d under all configurations) */
        cmocka_unit_test_prestate(test_r3d_18, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_r3d_18, (void *)&CFG_CL_NHWC),
        cmocka_unit_test_prestate(test_r3d_18, (void *)&CFG_CPU_NHWC),
        cmocka_unit_test_prestate(test_mc3_18, (void *)&CFG_CL_NHWC),
        cmocka_unit_test_prestate(test_mc3_18, (void *)&CFG_CPU_NCHW),
        cmocka_unit_test_prestate(test_r2plus1d_18, (void *)&CFG_CL_NCHW),
        cmocka_unit_test_prestate(test_r2plus1d_18, (void *)&CFG_CPU_NHWC),
        TEST_ALL_CFGS(test_video_errors),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
