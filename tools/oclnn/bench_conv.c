/* SPDX-License-Identifier: MIT */
/* `oclnn bench conv N,C,H,W K,C/G,R,S [options]` or `oclnn bench conv PROBLEM`: times 2-D
 * convolution algorithms (see the option table in parse()). GFLOP/s counts 2*N*K*(C/G)*R*S*P*Q per run; --verify compares with the
 * double-precision reference, with the tolerance of the algorithm that ran (whatever chose it:
 * the heuristic, --find or a tuning database), and exits 1 on mismatch.
 * --find --save keeps find's choice in the tuning database (oclnn_context_save_tuning). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench.h"
#include "backend/problem.h"
#include "ops/conv2d.h"
#include "ref/ref.h"
#include "tune/job.h"

double conv_verify_limit(const char *algo) {
    for (int a = 0; a < OCLNN_CONV_ALGO_COUNT; a++)
        if (!strcmp(algo, oclnn_conv_algo_name((oclnn_conv_algo)a))) return oclnn__tune_verify_limit((oclnn_conv_algo)a);
    return OCLNN__TUNE_VERIFY_REL;
}

oclnn_conv2d_desc conv_desc_of(const oclnn__conv2d_problem *pb) {
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){pb->n, pb->c, pb->h, pb->w};
    d.out_channels = pb->k;
    d.kernel_h = pb->r, d.kernel_w = pb->s;
    d.stride_h = pb->stride_h, d.stride_w = pb->stride_w;
    d.dilation_h = pb->dil_h, d.dilation_w = pb->dil_w;
    d.padding = (oclnn_padding){OCLNN_PAD_EXPLICIT, pb->pad_top, pb->pad_bottom, pb->pad_left, pb->pad_right};
    d.groups = pb->groups;
    return d;
}

/* Padding as --pad gives it: "1", "H,W" (top = bottom, left = right), "T,B,L,R", "same" or
 * "valid"; `given` tells whether it was (a PROBLEM string carries its own padding). */
typedef struct pad_arg {
    oclnn_padding p;
    bool given;
} pad_arg;

static const char *opt_pad(const char *v, void *dst) {
    pad_arg *a = dst;
    oclnn_padding *p = &a->p;
    unsigned x[4];
    int n = strcasecmp(v, "same") && strcasecmp(v, "valid") ? parse_uints(v, x, 4) : 0;
    if (!strcasecmp(v, "same")) p->mode = OCLNN_PAD_SAME;
    else if (!strcasecmp(v, "valid")) p->mode = OCLNN_PAD_VALID;
    else if (n == 1) *p = (oclnn_padding){OCLNN_PAD_EXPLICIT, x[0], x[0], x[0], x[0]};
    else if (n == 2) *p = (oclnn_padding){OCLNN_PAD_EXPLICIT, x[0], x[0], x[1], x[1]};
    else if (n == 4) *p = (oclnn_padding){OCLNN_PAD_EXPLICIT, x[0], x[1], x[2], x[3]};
    else return "P, H,W, T,B,L,R, same or valid";
    a->given = true;
    return NULL;
}

/* The algorithms to run, in order (none given: auto). "all" runs every one that applies; a list
 * (issue 19: "winograd4,winograd6") runs those named, each at most once, and fails when one
 * cannot be created. */
typedef struct algo_list {
    int a[OCLNN_CONV_ALGO_COUNT];
    int n;
    bool all;
} algo_list;

static const char *opt_algo(const char *v, void *dst) {
    algo_list *l = dst;
    static const char *const usage = "auto, all, or a comma-separated list of direct, im2col, gemm1x1, "
                                     "winograd2, winograd4, winograd6, depthwise, im2col-clblast and "
                                     "implicit-gemm";
    l->n = 0, l->all = false;
    if (!strcasecmp(v, "all")) {
        for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++) l->a[l->n++] = a;
        l->all = true;
        return NULL;
    }
    while (*v) {
        const char *end = strchr(v, ',');
        size_t len = end ? (size_t)(end - v) : strlen(v);
        int found = -1;
        for (int a = 0; a < OCLNN_CONV_ALGO_COUNT; a++) {
            const char *name = oclnn_conv_algo_name((oclnn_conv_algo)a);
            if (strlen(name) == len && !strncasecmp(v, name, len)) found = a;
        }
        if (found < 0) return usage;
        for (int i = 0; i < l->n; i++)
            if (l->a[i] == found) return "each algorithm once";
        l->a[l->n++] = found;
        if (!end) break;
        v = end + 1;
        if (!*v) return usage;
    }
    return l->n ? NULL : usage;
}

typedef struct conv_args {
    oclnn_conv2d_desc d;
    unsigned wshape[4]; /* K, C/G, R, S */
    algo_list algos; /* none: auto */
    bool find, save;
    oclnn_layout problem_layout; /* the PROBLEM's _nchw / _nhwc suffix, else AUTO */
} conv_args;

/* The shape options; zero (or !pad.given) when not given. */
typedef struct shape_opts {
    uint32_t stride[2], dil[2], groups;
    pad_arg pad;
} shape_opts;

/* The problem-string form: everything from the string, which no shape option may contradict. */
static bool from_problem(const tool_cmd *cmd, conv_args *a, const char *text, const shape_opts *o) {
    if (o->stride[0] || o->dil[0] || o->groups || o->pad.given)
        return tool_usage_error(cmd, "PROBLEM \"%s\" gives the shape: --stride, --pad, --dilation and --groups "
                                "go with the N,C,H,W K,C/G,R,S form", text), false;
    oclnn__conv2d_problem pb;
    if (oclnn__conv2d_problem_parse(text, &pb) != OCLNN_OK)
        return tool_usage_error(cmd, "%s", tool_last_error()), false;
    a->d = conv_desc_of(&pb);
    a->wshape[0] = pb.k, a->wshape[1] = pb.cg, a->wshape[2] = pb.r, a->wshape[3] = pb.s;
    a->problem_layout = pb.layout;
    return true;
}

/* The shapes form: N,C,H,W and K,C/G,R,S plus the shape options. */
static bool from_shapes(const tool_cmd *cmd, conv_args *a, const char *in, const char *wt, const shape_opts *o) {
    oclnn_conv2d_desc *d = &a->d;
    if (!parse_shape(in, &d->input))
        return tool_usage_error(cmd, "input shape \"%s\": expected N,C,H,W, each at least 1", in), false;
    unsigned *w = a->wshape;
    if (parse_uints(wt, w, 4) != 4 || !w[0] || !w[1] || !w[2] || !w[3])
        return tool_usage_error(cmd, "weight shape \"%s\": expected K,C/G,R,S, each at least 1", wt), false;
    d->out_channels = w[0];
    d->kernel_h = w[2];
    d->kernel_w = w[3];
    /* C/G other than C means groups: only when --groups says so. */
    d->groups = o->groups ? o->groups : 1;
    if (d->input.c % d->groups || d->input.c / d->groups != w[1]) {
        if (!o->groups && d->input.c % w[1] == 0)
            return tool_usage_error(cmd, "the weights have %u input channels, the input %u: that is a grouped "
                                    "convolution; say --groups %u", w[1], d->input.c, d->input.c / w[1]), false;
        return tool_usage_error(cmd, "--groups %u: %u input channels in %u groups do not match the weights' %u "
                                "per group", d->groups, d->input.c, d->groups, w[1]), false;
    }
    if (o->stride[0]) d->stride_h = o->stride[0], d->stride_w = o->stride[1];
    if (o->dil[0]) d->dilation_h = o->dil[0], d->dilation_w = o->dil[1];
    if (o->pad.given) d->padding = o->pad.p;
    return true;
}

static bool parse(int argc, char **argv, conv_args *a, bench_common *c, int *rc) {
    memset(a, 0, sizeof *a);
    a->d = oclnn_conv2d_desc_default();
    shape_opts so = {{0, 0}, {0, 0}, 0, {{OCLNN_PAD_EXPLICIT, 0, 0, 0, 0}, false}};
    bool relu = false;
    const tool_opt opts[] = {
        {"stride", "S|SH,SW", "stride (default 1)", opt_pair, so.stride},
        {"pad", "P|H,W|T,B,L,R", "zero padding, or same or valid (default 0)", opt_pad, &so.pad},
        {"dilation", "D|DH,DW", "dilation (default 1)", opt_pair, so.dil},
        {"groups", "G", "groups; needed when C/G is not C (default 1)", opt_count, &so.groups},
        {"bias", NULL, "fused bias", NULL, &a->d.has_bias},
        {"relu", NULL, "fused ReLU", NULL, &relu},
        {"residual", NULL, "fused residual add (before the ReLU)", NULL, &a->d.fuse_residual},
        {"algo", "A[,A...]", "auto (default), all, or algorithms: direct, im2col, gemm1x1, winograd2, "
                      "winograd4, winograd6, depthwise, im2col-clblast, implicit-gemm",
         opt_algo, &a->algos},
        {"find", NULL, "time every algorithm first (oclnn_conv2d_find), so auto uses the fastest", NULL,
         &a->find},
        {"save", NULL, "with --find: save the result to the tuning database (OCLNN_TUNING_DB, else the "
                       "device's default file), for later runs", NULL, &a->save},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {
        "bench conv", "N,C,H,W K,C/G,R,S | PROBLEM",
        "Times a 2-D convolution. N,C,H,W is the input; K,C/G,R,S the weights (output channels, input\n"
        "channels per group, kernel height and width). Or one PROBLEM string, as bench prints it:\n"
        "  n<N>c<C>h<H>w<W>k<K>r<R>s<S>[st<SH>x<SW>][pad<T>,<B>,<L>,<R>][dil<DH>x<DW>][g<G>][_nchw|_nhwc]\n"
        "e.g. n1c64h56w56k64r3s3pad1 (st, pad, dil and g default to 1x1, 0, 1x1 and 1; pad also takes\n"
        "H,W; a layout suffix sets the layout). GFLOP/s counts 2*N*K*(C/G)*R*S*P*Q per run. --verify\n"
        "uses the tolerance of the algorithm that ran, however it was chosen.",
        opts, NULL, 1, 2};
    const char *args[2];
    int n_args;
    *rc = bench_parse(&cmd, c, argc, argv, args, &n_args);
    if (*rc != TOOL_OK) return false;
    bool ok = n_args == 1 ? from_problem(&cmd, a, args[0], &so) : from_shapes(&cmd, a, args[0], args[1], &so);
    if (ok && a->problem_layout != OCLNN_LAYOUT_AUTO) {
        if (c->layout != OCLNN_LAYOUT_AUTO && c->layout != a->problem_layout) {
            tool_usage_error(&cmd, "--layout %s contradicts the problem's layout suffix", layout_name(c->layout));
            ok = false;
        }
        c->layout = a->problem_layout;
    }
    if (ok && a->save && !a->find) {
        tool_usage_error(&cmd, "--save needs --find");
        ok = false;
    }
    if (!ok) return *rc = TOOL_USAGE, false;
    if (relu) a->d.activation = OCLNN_ACTIVATION_RELU;
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

/* Host data: x (input), w (weights), b (bias), res (residual); ref with --verify. */
typedef struct conv_data {
    float *x, *w, *b, *res, *ref, *got;
    size_t ni, no, nw;
} conv_data;

static void data_free(conv_data *h) {
    free(h->x), free(h->w), free(h->b), free(h->res), free(h->ref), free(h->got);
}

static bool data_make(const oclnn_conv2d_desc *d, const unsigned wshape[4], oclnn_shape out, bool verify,
                      conv_data *h) {
    memset(h, 0, sizeof *h);
    h->ni = (size_t)d->input.n * d->input.c * d->input.h * d->input.w;
    h->no = (size_t)out.n * out.c * out.h * out.w;
    h->nw = (size_t)d->out_channels * wshape[1] * d->kernel_h * d->kernel_w;
    h->x = malloc(h->ni * sizeof *h->x), h->w = malloc(h->nw * sizeof *h->w);
    h->b = malloc(out.c * sizeof *h->b), h->res = malloc(h->no * sizeof *h->res);
    if (verify) h->ref = malloc(h->no * sizeof *h->ref), h->got = malloc(h->no * sizeof *h->got);
    if (!h->x || !h->w || !h->b || !h->res || (verify && (!h->ref || !h->got))) return false;
    unsigned seed = 12345;
#define RND() ((seed = seed * 1103515245u + 12345u), (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f)
    for (size_t i = 0; i < h->ni; i++) h->x[i] = RND();
    for (size_t i = 0; i < h->nw; i++) h->w[i] = RND() * 0.2f;
    for (size_t i = 0; i < out.c; i++) h->b[i] = RND();
    for (size_t i = 0; i < h->no; i++) h->res[i] = RND();
#undef RND
    if (verify)
        oclnn__ref_conv2d(d, h->x, OCLNN_LAYOUT_NCHW, h->w, d->has_bias ? h->b : NULL,
                          d->fuse_residual ? h->res : NULL, h->ref);
    return true;
}

/* Runs once more from a cleared output and compares with the reference. */
static bool verify(run_ctx *r, const conv_data *h, bench_result *br) {
    oclnn_tensor_fill(r->dst, 0.0f);
    if (run(r) != OCLNN_OK || oclnn_tensor_read(r->dst, h->got, OCLNN_LAYOUT_NCHW) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench conv: %s\n", oclnn_last_error());
        return false;
    }
    br->verified = true;
    bench_errors(h->got, h->ref, h->no, &br->max_abs_err, &br->max_rel_err);
    br->ok = br->max_rel_err <= conv_verify_limit(oclnn_op_algorithm(r->op));
    return br->ok;
}

/* Times each algorithm of a->algos (none: auto); returns the exit status. */
static int bench_algos(oclnn_context *ctx, const bench_common *c, conv_args *a, run_ctx *r, const conv_data *h,
                       const char *problem, double flops) {
    int rc = TOOL_OK;
    oclnn_conv2d_desc d = a->d;
    bench_json_begin(c);
    bool first_row = true;
    const int n_algos = a->algos.n ? a->algos.n : 1;
    for (int i = 0; i < n_algos; i++) {
        d.algo = (oclnn_conv_algo)(a->algos.n ? a->algos.a[i] : OCLNN_CONV_ALGO_AUTO);
        if (oclnn_conv2d_create(ctx, &d, h->w, d.has_bias ? h->b : NULL, &r->op) != OCLNN_OK) {
            fprintf(stderr, "oclnn bench conv: %s: %s\n", oclnn_conv_algo_name(d.algo), oclnn_last_error());
            if (!a->algos.all) rc = TOOL_FAIL;
            continue;
        }
        double ms = bench_time(ctx, c, run, r);
        if (ms < 0) {
            rc = TOOL_FAIL;
        } else {
            bench_result br = {"conv", oclnn_op_algorithm(r->op), problem, ms, flops / (ms * 1e6), -1,
                               false, 0, 0, true};
            if (c->verify && !verify(r, h, &br)) rc = TOOL_FAIL;
            bench_print(c, &br, first_row);
            first_row = false;
        }
        oclnn_op_destroy(r->op);
        r->op = NULL;
    }
    bench_json_end(c);
    return rc;
}

int cmd_bench_conv(int argc, char **argv) {
    bench_common common;
    conv_args a;
    int rc;
    if (!parse(argc, argv, &a, &common, &rc)) return rc == TOOL_HELP ? TOOL_OK : rc;
    oclnn_conv2d_desc *d = &a.d;
    oclnn_shape out;
    oclnn__conv2d_problem pb;
    if (oclnn_conv2d_output_shape(d, &out) != OCLNN_OK || oclnn__conv2d_resolve(d, &pb) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench conv: %s\n", oclnn_last_error());
        return TOOL_USAGE;
    }
    oclnn_context *ctx = bench_context(&common);
    if (!ctx) return TOOL_FAIL;
    char problem[OCLNN__CONV2D_PROBLEM_MAX];
    pb.layout = oclnn_context_layout(ctx); /* timed in one layout: the string says which */
    oclnn__conv2d_problem_str(&pb, problem, sizeof problem);
    conv_data h;
    run_ctx r = {0};
    rc = TOOL_FAIL;
    if (!data_make(d, a.wshape, out, common.verify, &h)) {
        fprintf(stderr, "oclnn bench conv: out of memory\n");
        goto done;
    }
    if (oclnn_tensor_create(ctx, d->input, OCLNN_LAYOUT_AUTO, &r.src) != OCLNN_OK ||
        oclnn_tensor_create(ctx, out, OCLNN_LAYOUT_AUTO, &r.dst) != OCLNN_OK ||
        (d->fuse_residual && oclnn_tensor_create(ctx, out, OCLNN_LAYOUT_AUTO, &r.res) != OCLNN_OK) ||
        oclnn_tensor_write(r.src, h.x, OCLNN_LAYOUT_NCHW) != OCLNN_OK ||
        (r.res && oclnn_tensor_write(r.res, h.res, OCLNN_LAYOUT_NCHW) != OCLNN_OK)) {
        fprintf(stderr, "oclnn bench conv: %s\n", oclnn_last_error());
        goto done;
    }
    if (a.find) {
        oclnn_conv2d_perf best;
        size_t count;
        if (oclnn_conv2d_find(ctx, d, &best, 1, &count) != OCLNN_OK) {
            fprintf(stderr, "oclnn bench conv: --find: %s\n", oclnn_last_error());
            goto done;
        }
        fprintf(stderr, "find: %s is the fastest (%.3f ms)\n", oclnn_conv_algo_name(best.algo), best.ms);
        if (a.save && !bench_save_tuning(ctx)) goto done;
    }
    double flops = 2.0 * out.n * out.c * a.wshape[1] * d->kernel_h * d->kernel_w * out.h * out.w;
    rc = bench_algos(ctx, &common, &a, &r, &h, problem, flops);
done:
    oclnn_tensor_destroy(r.src);
    oclnn_tensor_destroy(r.dst);
    oclnn_tensor_destroy(r.res);
    oclnn_context_destroy(ctx);
    data_free(&h);
    return rc;
}
