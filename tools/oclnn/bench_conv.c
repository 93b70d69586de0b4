/* SPDX-License-Identifier: MIT */
/* `oclnn bench conv N,C,H,W K,C/G,R,S [options]`: times 2-D convolution algorithms (see
 * usage()). GFLOP/s counts 2*N*K*(C/G)*R*S*P*Q per run; --verify compares with the
 * double-precision reference and exits 1 on mismatch. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench.h"
#include "ops/conv2d.h"
#include "ref/ref.h"

/* --verify limits on max_rel_err (see bench_errors): float rounding for most algorithms; Winograd
 * F(4x4)'s transforms amplify it (tests/test_conv2d.c measures and bounds it). */
#define VERIFY_REL 1e-3
#define VERIFY_REL_WINOGRAD4 1e-2

static void usage(FILE *f) {
    fprintf(f, "usage: oclnn bench conv N,C,H,W K,C/G,R,S [options] [common options]\n\n"
               "  --stride S|SH,SW      (default 1)\n"
               "  --pad P|same|valid|T,B,L,R   explicit padding per side (default 0)\n"
               "  --dilation D|DH,DW    (default 1)\n"
               "  --groups G            (default C / (C/G))\n"
               "  --bias --relu --residual   fused epilogue parts\n"
               "  --algo A              auto (default), all, or one of:");
    for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++) fprintf(f, " %s", oclnn_conv_algo_name((oclnn_conv_algo)a));
    fprintf(f, "\n\n");
    bench_common_usage(f);
}

static bool pair(const char *v, uint32_t *a, uint32_t *b) {
    unsigned x[2];
    int n = parse_uints(v, x, 2);
    if (n < 1 || !x[0] || (n == 2 && !x[1])) return false;
    *a = x[0];
    *b = n == 2 ? x[1] : x[0];
    return true;
}

static bool parse_pad(const char *v, oclnn_padding *p) {
    if (!strcasecmp(v, "same")) return p->mode = OCLNN_PAD_SAME, true;
    if (!strcasecmp(v, "valid")) return p->mode = OCLNN_PAD_VALID, true;
    unsigned x[4];
    int n = parse_uints(v, x, 4);
    p->mode = OCLNN_PAD_EXPLICIT;
    if (n == 1) p->top = p->bottom = p->left = p->right = x[0];
    else if (n == 4) p->top = x[0], p->bottom = x[1], p->left = x[2], p->right = x[3];
    else return false;
    return true;
}

typedef struct run_ctx {
    oclnn_op *op;
    oclnn_tensor *src, *dst, *res;
} run_ctx;

static oclnn_status run(void *arg) {
    run_ctx *r = arg;
    return oclnn_conv2d_run(r->op, r->src, r->dst, r->res);
}

int cmd_bench_conv(int argc, char **argv) {
    bench_common common;
    bench_common_init(&common);
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    const char *algo_arg = "auto";
    uint32_t groups = 0;
    int positional = 0;
    unsigned wshape[4] = {0};
    for (int i = 1; i < argc; i++) {
        int c = bench_common_arg(&common, argc, argv, &i);
        if (c < 0) return TOOL_USAGE;
        if (c > 0) continue;
        const char *v = NULL;
        if (arg_flag(argv[i], "--help") || arg_flag(argv[i], "-h")) {
            usage(stdout);
            return TOOL_OK;
        } else if (arg_flag(argv[i], "--bias")) d.has_bias = true;
        else if (arg_flag(argv[i], "--relu")) d.activation = OCLNN_ACTIVATION_RELU;
        else if (arg_flag(argv[i], "--residual")) d.fuse_residual = true;
        else if (arg_value(argc, argv, &i, "--stride", &v)) {
            if (!v || !pair(v, &d.stride_h, &d.stride_w)) goto bad;
        } else if (arg_value(argc, argv, &i, "--dilation", &v)) {
            if (!v || !pair(v, &d.dilation_h, &d.dilation_w)) goto bad;
        } else if (arg_value(argc, argv, &i, "--pad", &v)) {
            if (!v || !parse_pad(v, &d.padding)) goto bad;
        } else if (arg_value(argc, argv, &i, "--groups", &v)) {
            unsigned g;
            if (!v || parse_uints(v, &g, 1) != 1 || !g) goto bad;
            groups = g;
        } else if (arg_value(argc, argv, &i, "--algo", &v)) {
            if (!v) goto bad;
            algo_arg = v;
        } else if (argv[i][0] != '-' && positional == 0) {
            if (!parse_shape(argv[i], &d.input)) goto bad;
            positional++;
        } else if (argv[i][0] != '-' && positional == 1) {
            if (parse_uints(argv[i], wshape, 4) != 4 || !wshape[0] || !wshape[1] || !wshape[2] || !wshape[3])
                goto bad;
            positional++;
        } else {
            fprintf(stderr, "oclnn bench conv: unknown argument \"%s\"\n\n", argv[i]);
            usage(stderr);
            return TOOL_USAGE;
        }
        continue;
    bad:
        fprintf(stderr, "oclnn bench conv: bad value for %s\n\n", argv[i]);
        usage(stderr);
        return TOOL_USAGE;
    }
    if (positional != 2) {
        usage(stderr);
        return TOOL_USAGE;
    }
    d.out_channels = wshape[0];
    d.kernel_h = wshape[2];
    d.kernel_w = wshape[3];
    d.groups = groups ? groups : (wshape[1] && d.input.c % wshape[1] == 0 ? d.input.c / wshape[1] : 0);
    if (d.groups == 0 || d.input.c / d.groups != wshape[1]) {
        fprintf(stderr, "oclnn bench conv: C/G (%u) does not fit C (%u)%s\n", wshape[1], d.input.c,
                groups ? " and --groups" : "");
        return TOOL_USAGE;
    }
    int first = 0, last = 0; /* algorithms to run */
    if (!strcasecmp(algo_arg, "all")) first = 1, last = OCLNN_CONV_ALGO_COUNT - 1;
    else {
        first = -1;
        for (int a = 0; a < OCLNN_CONV_ALGO_COUNT; a++)
            if (!strcasecmp(algo_arg, oclnn_conv_algo_name((oclnn_conv_algo)a))) first = last = a;
        if (first < 0) {
            fprintf(stderr, "oclnn bench conv: unknown --algo \"%s\"\n\n", algo_arg);
            usage(stderr);
            return TOOL_USAGE;
        }
    }
    oclnn_shape out;
    if (oclnn_conv2d_output_shape(&d, &out) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench conv: %s\n", oclnn_last_error());
        return TOOL_USAGE;
    }
    oclnn_context *ctx = bench_context(&common);
    if (!ctx) return TOOL_FAIL;
    size_t ni = (size_t)d.input.n * d.input.c * d.input.h * d.input.w;
    size_t no = (size_t)out.n * out.c * out.h * out.w;
    size_t nw = (size_t)d.out_channels * wshape[1] * d.kernel_h * d.kernel_w;
    float *x = malloc(ni * sizeof *x), *w = malloc(nw * sizeof *w), *b = malloc(out.c * sizeof *b);
    float *res = malloc(no * sizeof *res), *ref = NULL, *got = NULL;
    int rc = TOOL_OK;
    run_ctx r = {0};
    if (!x || !w || !b || !res) goto oom;
    unsigned seed = 12345;
#define RND() ((seed = seed * 1103515245u + 12345u), (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f)
    for (size_t i = 0; i < ni; i++) x[i] = RND();
    for (size_t i = 0; i < nw; i++) w[i] = RND() * 0.2f;
    for (size_t i = 0; i < out.c; i++) b[i] = RND();
    for (size_t i = 0; i < no; i++) res[i] = RND();
    if (common.verify) {
        ref = malloc(no * sizeof *ref);
        got = malloc(no * sizeof *got);
        if (!ref || !got) goto oom;
        oclnn__ref_conv2d(&d, x, OCLNN_LAYOUT_NCHW, w, d.has_bias ? b : NULL, d.fuse_residual ? res : NULL, ref);
    }
    if (oclnn_tensor_create(ctx, d.input, OCLNN_LAYOUT_AUTO, &r.src) != OCLNN_OK ||
        oclnn_tensor_create(ctx, out, OCLNN_LAYOUT_AUTO, &r.dst) != OCLNN_OK ||
        (d.fuse_residual && oclnn_tensor_create(ctx, out, OCLNN_LAYOUT_AUTO, &r.res) != OCLNN_OK) ||
        oclnn_tensor_write(r.src, x, OCLNN_LAYOUT_NCHW) != OCLNN_OK ||
        (r.res && oclnn_tensor_write(r.res, res, OCLNN_LAYOUT_NCHW) != OCLNN_OK)) {
        fprintf(stderr, "oclnn bench conv: %s\n", oclnn_last_error());
        rc = TOOL_FAIL;
        goto done;
    }
    char problem[OCLNN__CONV2D_PROBLEM_MAX] = "";
    oclnn__conv2d_problem pb; /* the descriptor was checked by oclnn_conv2d_output_shape */
    if (oclnn__conv2d_resolve(&d, &pb) == OCLNN_OK) {
        pb.layout = oclnn_context_layout(ctx);
        oclnn__conv2d_problem_str(&pb, problem, sizeof problem);
    }
    double flops = 2.0 * out.n * out.c * wshape[1] * d.kernel_h * d.kernel_w * out.h * out.w;
    bench_json_begin(&common);
    bool first_row = true;
    for (int a = first; a <= last; a++) {
        d.algo = (oclnn_conv_algo)a;
        if (oclnn_conv2d_create(ctx, &d, w, d.has_bias ? b : NULL, &r.op) != OCLNN_OK) {
            fprintf(stderr, "oclnn bench conv: %s: %s\n", oclnn_conv_algo_name(d.algo), oclnn_last_error());
            if (first == last) rc = TOOL_FAIL;
            continue;
        }
        double ms = bench_time(ctx, &common, run, &r);
        if (ms < 0) {
            rc = TOOL_FAIL;
        } else {
            bench_result br = {"conv", oclnn_op_algorithm(r.op), problem, ms, flops / (ms * 1e6), -1,
                               false, 0, 0, true};
            if (common.verify) {
                oclnn_tensor_fill(r.dst, 0.0f);
                if (run(&r) != OCLNN_OK || oclnn_tensor_read(r.dst, got, OCLNN_LAYOUT_NCHW) != OCLNN_OK) {
                    fprintf(stderr, "oclnn bench conv: %s\n", oclnn_last_error());
                    rc = TOOL_FAIL;
                } else {
                    br.verified = true;
                    bench_errors(got, ref, no, &br.max_abs_err, &br.max_rel_err);
                    double limit = d.algo == OCLNN_CONV_ALGO_WINOGRAD_4X4 ? VERIFY_REL_WINOGRAD4 : VERIFY_REL;
                    br.ok = br.max_rel_err <= limit;
                    if (!br.ok) rc = TOOL_FAIL;
                }
            }
            bench_print(&common, &br, first_row);
            first_row = false;
        }
        oclnn_op_destroy(r.op);
        r.op = NULL;
    }
    bench_json_end(&common);
    goto done;
oom:
    fprintf(stderr, "oclnn bench conv: out of memory\n");
    rc = TOOL_FAIL;
done:
    oclnn_tensor_destroy(r.src);
    oclnn_tensor_destroy(r.dst);
    oclnn_tensor_destroy(r.res);
    oclnn_context_destroy(ctx);
    free(x);
    free(w);
    free(b);
    free(res);
    free(ref);
    free(got);
    return rc;
}
