/* SPDX-License-Identifier: MIT */
/* `oclnn bench conv1d|conv3d` (issue 19). A 1-D convolution is the 2-D operator with a 1 x k
 * window on (n, c, 1, l) tensors (src/ops/conv1d.c), so `bench conv1d` translates its arguments
 * and runs `bench conv` (every algorithm, --find, --verify, --json). `bench conv3d` times the
 * 3-D convolution's algorithms and verifies against the double-precision reference
 * (oclnn__ref_conv3d). The video networks are `bench net r3d_18` (bench_net.c). */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ref/ref.h"

/* ---- conv1d ---- */

/* --pad for conv1d: P, L,R, same or valid; stored as bench conv's --pad argument. */
static const char *opt_pad1d(const char *v, void *dst) {
    char *out = dst; /* 64 bytes */
    if (!strcmp(v, "same") || !strcmp(v, "valid")) {
        snprintf(out, 64, "%s", v);
        return NULL;
    }
    unsigned x[2];
    int n = parse_uints(v, x, 2);
    if (n == 1) snprintf(out, 64, "0,0,%u,%u", x[0], x[0]);
    else if (n == 2) snprintf(out, 64, "0,0,%u,%u", x[0], x[1]);
    else return "P, L,R, same or valid";
    return NULL;
}

/* Rewrites "A,B,C" as "A,B,1,C" (the 2-D form with a height of 1); false for anything but three
 * numbers. */
static bool widen(const char *in, char *out, size_t size) {
    unsigned x[3];
    if (parse_uints(in, x, 3) != 3) return false;
    snprintf(out, size, "%u,%u,1,%u", x[0], x[1], x[2]);
    return true;
}

int bench_conv1d(int argc, char **argv) {
    uint32_t stride = 0, dilation = 0, groups = 0;
    char pad[64] = "";
    const char *algo_name = NULL;
    bool bias = false, relu = false, residual = false, find = false;
    bench_common c;
    const tool_opt opts[] = {
        {"stride", "S", "stride (default 1)", opt_count, &stride},
        {"pad", "P|L,R|same|valid", "zero padding on both sides, left and right, or same/valid (default 0)",
         opt_pad1d, pad},
        {"dilation", "D", "dilation (default 1)", opt_count, &dilation},
        {"groups", "G", "groups; needed when C/G is not C (default 1)", opt_count, &groups},
        {"bias", NULL, "fused bias", NULL, &bias},
        {"relu", NULL, "fused ReLU", NULL, &relu},
        {"residual", NULL, "fused residual add (before the ReLU)", NULL, &residual},
        {"algo", "A", "auto (default), all, or one of bench conv's algorithms", opt_string, &algo_name},
        {"find", NULL, "time every algorithm first, so auto uses the fastest", NULL, &find},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"bench conv1d", "N,C,L K,C/G,KW",
                          "Times a 1-D convolution (torch's conv1d): N,C,L is the input, K,C/G,KW the weights.\n"
                          "It runs as the 2-D convolution of (N,C,1,L) with a 1 x KW window, so the algorithms,\n"
                          "problem strings and --verify tolerances are bench conv's.",
                          opts, NULL, 2, 2};
    const char *args[2];
    int n_args;
    int rc = bench_parse(&cmd, &c, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;
    char in[96], wt[96], st[32], dil[32], gr[32];
    if (!widen(args[0], in, sizeof in)) return tool_usage_error(&cmd, "input shape \"%s\": expected N,C,L", args[0]);
    if (!widen(args[1], wt, sizeof wt)) return tool_usage_error(&cmd, "weight shape \"%s\": expected K,C/G,KW", args[1]);
    /* The translated command line: bench conv's parser checks everything else. */
    char *av[40];
    int ac = 0;
    av[ac++] = "conv";
    av[ac++] = in;
    av[ac++] = wt;
    if (stride) snprintf(st, sizeof st, "1,%u", stride), av[ac++] = "--stride", av[ac++] = st;
    if (dilation) snprintf(dil, sizeof dil, "1,%u", dilation), av[ac++] = "--dilation", av[ac++] = dil;
    if (groups) snprintf(gr, sizeof gr, "%u", groups), av[ac++] = "--groups", av[ac++] = gr;
    if (pad[0]) av[ac++] = "--pad", av[ac++] = pad;
    if (bias) av[ac++] = "--bias";
    if (relu) av[ac++] = "--relu";
    if (residual) av[ac++] = "--residual";
    if (find) av[ac++] = "--find";
    if (algo_name) av[ac++] = "--algo", av[ac++] = (char *)algo_name;
    char iters[16], warmup[16], threads[16];
    snprintf(iters, sizeof iters, "%d", c.iters), av[ac++] = "--iters", av[ac++] = iters;
    snprintf(warmup, sizeof warmup, "%d", c.warmup), av[ac++] = "--warmup", av[ac++] = warmup;
    if (c.threads) snprintf(threads, sizeof threads, "%d", c.threads), av[ac++] = "--threads", av[ac++] = threads;
    if (c.device) av[ac++] = "--device", av[ac++] = (char *)c.device;
    if (c.layout != OCLNN_LAYOUT_AUTO) av[ac++] = "--layout", av[ac++] = (char *)layout_name(c.layout);
    if (c.verify) av[ac++] = "--verify";
    if (c.json) av[ac++] = "--json";
    av[ac] = NULL;
    return cmd_bench_conv(ac, av);
}

/* ---- conv3d ---- */

/* "A" or "A,B,C" (each >= lo) into uint32_t[3] (d, h, w). */
static const char *triple(const char *v, uint32_t *dst, unsigned lo) {
    unsigned x[3];
    int n = parse_uints(v, x, 3);
    if (n == 1) x[1] = x[2] = x[0];
    else if (n != 3) return lo ? "D or D,H,W, each at least 1" : "D or D,H,W";
    if (x[0] < lo || x[1] < lo || x[2] < lo) return "D or D,H,W, each at least 1";
    for (int i = 0; i < 3; i++) dst[i] = x[i];
    return NULL;
}
static const char *opt_triple(const char *v, void *dst) { return triple(v, dst, 1); }
static const char *opt_triple0(const char *v, void *dst) { return triple(v, dst, 0); }

/* --algo: the list of algorithms to time ({AUTO} by default; `all`: every 3-D algorithm, those
 * the backend lacks skipped). */
typedef struct algo_list {
    int n;
    oclnn_conv_algo a[3];
} algo_list;

static const char *opt_algo3d(const char *v, void *dst) {
    algo_list *l = dst;
    l->n = 1;
    if (!strcmp(v, "auto")) l->a[0] = OCLNN_CONV_ALGO_AUTO;
    else if (!strcmp(v, "direct")) l->a[0] = OCLNN_CONV_ALGO_DIRECT;
    else if (!strcmp(v, "im2col")) l->a[0] = OCLNN_CONV_ALGO_IM2COL;
    else if (!strcmp(v, "implicit-gemm")) l->a[0] = OCLNN_CONV_ALGO_IMPLICIT_GEMM;
    else if (!strcmp(v, "all"))
        *l = (algo_list){3, {OCLNN_CONV_ALGO_DIRECT, OCLNN_CONV_ALGO_IM2COL, OCLNN_CONV_ALGO_IMPLICIT_GEMM}};
    else return "auto, all, direct, im2col (C backend) or implicit-gemm (OpenCL)";
    return NULL;
}

typedef struct run3d {
    oclnn_op *op;
    oclnn_tensor *src, *dst, *res;
} run3d;

static oclnn_status run_conv3d(void *p) {
    run3d *r = p;
    return oclnn_conv3d_run(r->op, r->src, r->dst, r->res);
}

static size_t count3d(oclnn_shape3d s) { return (size_t)s.n * s.c * s.d * s.h * s.w; }

static float *random_floats(size_t n, unsigned seed, float scale) {
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) return NULL;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = ((float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f) * scale;
    }
    return p;
}

static oclnn_tensor *tensor3d(oclnn_context *ctx, oclnn_shape3d s, oclnn_layout l, const float *x) {
    oclnn_tensor *t = NULL;
    if (oclnn_tensor_create3d(ctx, s, l, &t) != OCLNN_OK ||
        (x && oclnn_tensor_write(t, x, OCLNN_LAYOUT_NCDHW) != OCLNN_OK)) {
        fprintf(stderr, "oclnn bench conv3d: %s\n", oclnn_last_error());
        oclnn_tensor_destroy(t);
        return NULL;
    }
    return t;
}


int bench_conv3d(int argc, char **argv) {
    oclnn_conv3d_desc d = oclnn_conv3d_desc_default();
    uint32_t stride[3] = {0, 0, 0}, dil[3] = {0, 0, 0}, pad[3] = {0, 0, 0}, groups = 0;
    bool relu = false;
    algo_list algos = {1, {OCLNN_CONV_ALGO_AUTO}};
    bench_common c;
    const tool_opt opts[] = {
        {"stride", "S|SD,SH,SW", "stride (default 1)", opt_triple, stride},
        {"pad", "P|PD,PH,PW", "zero padding per side (default 0)", opt_triple0, pad},
        {"dilation", "D|DD,DH,DW", "dilation (default 1)", opt_triple, dil},
        {"groups", "G", "groups; needed when C/G is not C (default 1)", opt_count, &groups},
        {"bias", NULL, "fused bias", NULL, &d.has_bias},
        {"relu", NULL, "fused ReLU", NULL, &relu},
        {"residual", NULL, "fused residual add (before the ReLU)", NULL, &d.fuse_residual},
        {"algo", "A", "auto (default), all, direct, im2col (C backend) or implicit-gemm (OpenCL)", opt_algo3d,
         &algos},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"bench conv3d", "N,C,D,H,W K,C/G,T,R,S",
                          "Times a 3-D convolution (torch's conv3d): N,C,D,H,W is the input, K,C/G,T,R,S the\n"
                          "weights. GFLOP/s counts 2*N*K*(C/G)*T*R*S*OD*OH*OW per run; --verify compares with\n"
                          "the double-precision reference.",
                          opts, NULL, 2, 2};
    const char *args[2];
    int n_args;
    int rc = bench_parse(&cmd, &c, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;
    unsigned x[5], w[5];
    if (parse_uints(args[0], x, 5) != 5 || !x[0] || !x[1] || !x[2] || !x[3] || !x[4])
        return tool_usage_error(&cmd, "input shape \"%s\": expected N,C,D,H,W, each at least 1", args[0]);
    if (parse_uints(args[1], w, 5) != 5 || !w[0] || !w[1] || !w[2] || !w[3] || !w[4])
        return tool_usage_error(&cmd, "weight shape \"%s\": expected K,C/G,T,R,S, each at least 1", args[1]);
    d.input = (oclnn_shape3d){x[0], x[1], x[2], x[3], x[4]};
    d.out_channels = w[0];
    d.groups = groups ? groups : 1;
    if (x[1] % d.groups || x[1] / d.groups != w[1]) {
        if (!groups && x[1] % w[1] == 0)
            return tool_usage_error(&cmd, "the weights have %u input channels, the input %u: that is a grouped "
                                    "convolution; say --groups %u", w[1], x[1], x[1] / w[1]);
        return tool_usage_error(&cmd, "--groups %u: %u input channels in %u groups do not match the weights' %u "
                                "per group", d.groups, x[1], d.groups, w[1]);
    }
    for (int i = 0; i < 3; i++) {
        d.kernel[i] = w[2 + i];
        if (stride[0]) d.stride[i] = stride[i];
        if (dil[0]) d.dilation[i] = dil[i];
        d.pad[i] = pad[i];
    }
    if (relu) d.activation = OCLNN_ACTIVATION_RELU;
    oclnn_shape3d os;
    if (oclnn_conv3d_output_shape(&d, &os) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench conv3d: %s\n", oclnn_last_error());
        return TOOL_USAGE;
    }
    oclnn_context *ctx = bench_context(&c);
    if (!ctx) return TOOL_FAIL;
    oclnn_layout layout = c.layout == OCLNN_LAYOUT_AUTO ? oclnn_context_layout(ctx) : c.layout;
    size_t ni = count3d(d.input), no = count3d(os), nw = (size_t)w[0] * w[1] * w[2] * w[3] * w[4];
    float *hx = random_floats(ni, 1, 1.0f), *hw = random_floats(nw, 2, 0.2f), *hb = random_floats(os.c, 3, 1.0f);
    float *hr = random_floats(no, 4, 1.0f), *ref = NULL, *got = NULL;
    if (c.verify) ref = malloc(no * sizeof *ref), got = malloc(no * sizeof *got);
    run3d r = {NULL, NULL, NULL, NULL};
    rc = TOOL_FAIL;
    if (!hx || !hw || !hb || !hr || (c.verify && (!ref || !got))) {
        fprintf(stderr, "oclnn bench conv3d: out of host memory\n");
        goto done;
    }
    if (!(r.src = tensor3d(ctx, d.input, layout, hx)) || !(r.dst = tensor3d(ctx, os, layout, NULL)) ||
        (d.fuse_residual && !(r.res = tensor3d(ctx, os, layout, hr))))
        goto done;
    if (c.verify)
        oclnn__ref_conv3d(&d, hx, hw, d.has_bias ? hb : NULL, d.fuse_residual ? hr : NULL, ref);
    char problem[160];
    snprintf(problem, sizeof problem, "n%uc%ud%uh%uw%uk%ut%ur%us%u st%ux%ux%u pad%u,%u,%u dil%ux%ux%u g%u_%s",
             d.input.n, d.input.c, d.input.d, d.input.h, d.input.w, d.out_channels, d.kernel[0], d.kernel[1],
             d.kernel[2], d.stride[0], d.stride[1], d.stride[2], d.pad[0], d.pad[1], d.pad[2], d.dilation[0],
             d.dilation[1], d.dilation[2], d.groups, layout == OCLNN_LAYOUT_NHWC ? "ndhwc" : "ncdhw");
    double flops = 2.0 * (double)no * w[1] * w[2] * w[3] * w[4];
    rc = TOOL_OK;
    bool first = true;
    bench_json_begin(&c);
    for (int a = 0; a < algos.n; a++) {
        d.algo = algos.a[a];
        oclnn_status st = oclnn_conv3d_create(ctx, &d, hw, d.has_bias ? hb : NULL, &r.op);
        if (st != OCLNN_OK) {
            bool skip = algos.n > 1 && st == OCLNN_ERROR_UNSUPPORTED;
            fprintf(stderr, "oclnn bench conv3d: %s: %s%s\n", oclnn_conv_algo_name(d.algo), oclnn_last_error(),
                    skip ? " (skipped)" : "");
            if (!skip) rc = TOOL_FAIL;
            continue;
        }
        double ms = bench_time(ctx, &c, run_conv3d, &r);
        bench_result br = {"conv3d", oclnn_op_algorithm(r.op), problem, ms, ms > 0 ? flops / (ms * 1e6) : -1, -1,
                           false, 0, 0, ms > 0};
        if (ms > 0 && c.verify) {
            oclnn_tensor_fill(r.dst, 0.0f);
            if (run_conv3d(&r) != OCLNN_OK || oclnn_tensor_read(r.dst, got, OCLNN_LAYOUT_NCDHW) != OCLNN_OK) {
                fprintf(stderr, "oclnn bench conv3d: %s\n", oclnn_last_error());
                br.ok = false;
            } else {
                br.verified = true;
                bench_errors(got, ref, no, &br.max_abs_err, &br.max_rel_err);
                /* the 2-D bench's and the tuner's bound per algorithm (1e-3 of the error measure, whose
                 * floor is 1e-3 x max|ref|): 1e-4 failed float sums of 1728 products (64 x 3x3x3) */
                br.ok = br.max_rel_err <= conv_verify_limit(br.algo);
            }
        }
        if (!br.ok) rc = TOOL_FAIL;
        if (ms > 0) bench_print(&c, &br, first), first = false;
        oclnn_op_destroy(r.op);
        r.op = NULL;
    }
    bench_json_end(&c);
done:
    oclnn_tensor_destroy(r.src);
    oclnn_tensor_destroy(r.dst);
    oclnn_tensor_destroy(r.res);
    oclnn_context_destroy(ctx);
    free(hx), free(hw), free(hb), free(hr), free(ref), free(got);
    return rc;
}

/* ---- video networks (`bench net r3d_18`) ---- */

bool bench_is_video(const char *name) {
    for (const char *const *n = oclnn_video_net_names(); *n; n++)
        if (!strcmp(*n, name)) return true;
    return false;
}

static oclnn_status run_video(void *p) { return oclnn_video_net_run(p); }

/* Builds `name` on ctx and writes the clip into its input; NULL on failure (message printed). */
static oclnn_video_net *video_make(oclnn_context *ctx, const char *name, const char *weights, uint64_t seed,
                                   oclnn_shape3d clip, const float *x) {
    oclnn_video_net *net = NULL;
    if (oclnn_video_net_create(ctx, name, weights, seed, clip, &net) != OCLNN_OK ||
        oclnn_tensor_write(oclnn_video_net_input(net), x, OCLNN_LAYOUT_NCDHW) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench net: %s\n", oclnn_last_error());
        oclnn_video_net_destroy(net);
        return NULL;
    }
    return net;
}

/* Runs net once and returns its logits (n x classes, malloc'ed), their count in *n; NULL on failure. */
static float *video_logits(oclnn_video_net *net, size_t *n) {
    const oclnn_tensor *y = oclnn_video_net_output(net);
    *n = oclnn_tensor_elements(y);
    float *out = malloc(*n * sizeof *out);
    if (!out || oclnn_video_net_run(net) != OCLNN_OK || oclnn_tensor_read(y, out, OCLNN_LAYOUT_NCHW) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench net: %s\n", out ? oclnn_last_error() : "out of host memory");
        free(out);
        return NULL;
    }
    return out;
}

/* --verify bound for a video net against another backend or layout: float32 through 18 layers
 * (tests/test_video.c holds torchvision's logits to 1e-3 relative). */
#define VIDEO_VERIFY_RTOL 1e-3

int bench_video(const char *name, const char *weights, uint64_t seed, uint32_t batch, uint32_t frames, uint32_t h,
                uint32_t w, const bench_common *c) {
    oclnn_shape3d clip = {batch, 3, frames, h, w};
    size_t n = count3d(clip);
    float *x = malloc(n * sizeof *x), *got = NULL, *want = NULL;
    oclnn_context *ctx = NULL, *ref_ctx = NULL;
    oclnn_video_net *net = NULL, *ref_net = NULL;
    int rc = TOOL_FAIL;
    const char *verified_on = NULL;
    oclnn_device_info ref_dev;
    if (!x || oclnn_random_uniform("clip", seed, -1.0, 1.0, x, n) != OCLNN_OK) goto done;
    if (!(ctx = bench_context(c)) || !(net = video_make(ctx, name, weights, seed, clip, x))) goto done;
    double ms = bench_time(ctx, c, run_video, net);
    if (ms < 0) goto done;
    char problem[96];
    oclnn_layout layout = c->layout == OCLNN_LAYOUT_AUTO ? oclnn_context_layout(ctx) : c->layout;
    snprintf(problem, sizeof problem, "n%uc3d%uh%uw%u_%s", batch, frames, h, w,
             layout == OCLNN_LAYOUT_NHWC ? "ndhwc" : "ncdhw");
    bench_result r = {"net", name, problem, ms, -1, -1, false, 0, 0, true};
    if (c->verify) {
        /* The yardstick: on OpenCL, the C backend (it shares no kernel with OpenCL); on the C
         * backend, the first OpenCL device, else the C backend in the other layout. Both take
         * the layout the device does not use. */
        oclnn_device_info dev;
        bool on_cpu = oclnn_context_device(ctx, &dev) == OCLNN_OK && dev.backend == OCLNN_BACKEND_CPU;
        oclnn_context_options o = oclnn_context_options_default();
        o.device = on_cpu ? "0:0" : "cpu";
        o.layout = layout == OCLNN_LAYOUT_NHWC ? OCLNN_LAYOUT_NCHW : OCLNN_LAYOUT_NHWC;
        if (oclnn_context_create(&o, &ref_ctx) != OCLNN_OK) {
            o.device = "cpu";
            if (oclnn_context_create(&o, &ref_ctx) != OCLNN_OK) {
                fprintf(stderr, "oclnn bench net: --verify: %s\n", oclnn_last_error());
                goto done;
            }
        }
        size_t ng = 0, nw = 0;
        if (!(ref_net = video_make(ref_ctx, name, weights, seed, clip, x)) || !(got = video_logits(net, &ng)) ||
            !(want = video_logits(ref_net, &nw)) || ng != nw)
            goto done;
        if (oclnn_context_device(ref_ctx, &ref_dev) == OCLNN_OK) verified_on = ref_dev.name;
        r.verified = true;
        bench_errors(got, want, ng, &r.max_abs_err, &r.max_rel_err);
        r.ok = r.max_rel_err <= VIDEO_VERIFY_RTOL;
    }
    bench_json_begin(c);
    bench_print(c, &r, true);
    bench_json_end(c);
    if (!c->json)
        fprintf(stderr, "%s: %.2f clips/s%s%s%s\n", name, batch * 1e3 / ms, verified_on ? " (verified against " : "",
                verified_on ? verified_on : "", verified_on ? " in the other layout)" : "");
    rc = r.ok ? TOOL_OK : TOOL_FAIL;
done:
    oclnn_video_net_destroy(net);
    oclnn_video_net_destroy(ref_net);
    oclnn_context_destroy(ctx);
    oclnn_context_destroy(ref_ctx);
    free(x), free(got), free(want);
    return rc;
}
