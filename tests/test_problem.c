/* SPDX-License-Identifier: MIT */
/* The convolution problem grammar (src/backend/problem.h): print -> parse -> print is the
 * identity, the short forms people type mean what the grammar says, the derived sizes agree with
 * oclnn__conv2d_resolve, and each malformed string fails with a message naming its bad part.
 * White-box. */
#include "support/harness.h"

#include <string.h>

#include "backend/problem.h"
#include "core/status.h"
#include "ops/conv2d.h"

static void round_trip(void **state) {
    (void)state;
    static const char *const canonical[] = {
        "n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1",
        "n1c3h224w224k64r7s7st2x2pad3,3,3,3dil1x1g1",
        "n8c32h9w13k64r3s5st2x1pad0,1,2,3dil2x1g4_nhwc",
        "n2c16h7w7k16r3s3st1x1pad1,1,1,1dil1x1g16_nchw",
        "n4294967295c1h1w1k1r1s1st1x1pad0,0,0,0dil1x1g1",
    };
    for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++) {
        oclnn__conv2d_problem pb;
        assert_status(oclnn__conv2d_problem_parse(canonical[i], &pb), OCLNN_OK);
        char again[OCLNN__CONV2D_PROBLEM_MAX];
        oclnn__conv2d_problem_str(&pb, again, sizeof again);
        assert_string_equal(again, canonical[i]);
    }
}

/* Short forms and the old `oclnn bench` form (no pad, no dil) print as their canonical string. */
static void short_forms(void **state) {
    (void)state;
    static const char *const pairs[][2] = {
        {"n1c64h56w56k64r3s3", "n1c64h56w56k64r3s3st1x1pad0,0,0,0dil1x1g1"},
        {"n1c64h56w56k64r3s3pad1", "n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1"},
        {"n1c64h56w56k64r3s3pad1,2", "n1c64h56w56k64r3s3st1x1pad1,1,2,2dil1x1g1"},
        {"n1c8h8w8k8r3s3st1x1g1_nhwc", "n1c8h8w8k8r3s3st1x1pad0,0,0,0dil1x1g1_nhwc"},
        {"n1c8h8w8k8r3s3st2x2g2", "n1c8h8w8k8r3s3st2x2pad0,0,0,0dil1x1g2"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        oclnn__conv2d_problem pb;
        assert_status(oclnn__conv2d_problem_parse(pairs[i][0], &pb), OCLNN_OK);
        char text[OCLNN__CONV2D_PROBLEM_MAX];
        oclnn__conv2d_problem_str(&pb, text, sizeof text);
        assert_string_equal(text, pairs[i][1]);
    }
}

/* The parser's derived sizes are the descriptor path's. */
static void agrees_with_resolve(void **state) {
    (void)state;
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){3, 12, 17, 10};
    d.out_channels = 6, d.kernel_h = 3, d.kernel_w = 2;
    d.stride_h = 2, d.stride_w = 1, d.dilation_h = 2, d.dilation_w = 3, d.groups = 3;
    d.padding = (oclnn_padding){OCLNN_PAD_EXPLICIT, 1, 2, 0, 3};
    oclnn__conv2d_problem want, got;
    assert_status(oclnn__conv2d_resolve(&d, &want), OCLNN_OK);
    char text[OCLNN__CONV2D_PROBLEM_MAX];
    oclnn__conv2d_problem_str(&want, text, sizeof text);
    assert_status(oclnn__conv2d_problem_parse(text, &got), OCLNN_OK);
    assert_int_equal(got.p, want.p);
    assert_int_equal(got.q, want.q);
    assert_int_equal(got.cg, want.cg);
    assert_int_equal(got.kg, want.kg);
    assert_int_equal(got.pad_top, want.pad_top);
    assert_int_equal(got.pad_right, want.pad_right);
}

static void parse_errors(void **state) {
    (void)state;
    static const char *const bad[][2] = {
        {"", "expected \"n\""},
        {"c64h56w56k64r3s3", "expected \"n\""},
        {"n1c64h56w56k64r3", "expected \"s\""},
        {"n1c64h56k64r3s3", "expected \"w\""},
        {"n1cXh56w56k64r3s3", "c needs a number"},
        {"n1c64h56w56k64r3s3st1", "st needs HxW"},
        {"n1c64h56w56k64r3s3st1x1x1", "st takes at most 2"},
        {"n1c64h56w56k64r3s3pad1,1,1", "not 3"},
        {"n1c64h56w56k64r3s3pad1,1,1,1,1", "pad takes at most 4"},
        {"n1c64h56w56k64r3s3g3", "groups (3) must divide"},
        {"n0c64h56w56k64r3s3", "n must be positive"},
        {"n1c64h56w56k64r3s3st0x1", "st must be positive"},
        {"n1c64h2w56k64r3s3", "larger than the padded"},
        {"n1c64h56w56k64r3s3_nhwcx", "unexpected \"_nhwcx\""},
        {"n1c64h56w56k64r3s3dil1x1st1x1", "unexpected \"st1x1\""},
        {"n99999999999c1h1w1k1r1s1", "n is out of range"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        oclnn__enter("test");
        oclnn__conv2d_problem pb;
        oclnn_status st = oclnn__conv2d_problem_parse(bad[i][0], &pb);
        if (st != OCLNN_ERROR_INVALID_ARGUMENT) fail_msg("\"%s\" parsed (status %d)", bad[i][0], (int)st);
        assert_error_mentions(bad[i][1]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(short_forms),
        cmocka_unit_test(agrees_with_resolve),
        cmocka_unit_test(parse_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
