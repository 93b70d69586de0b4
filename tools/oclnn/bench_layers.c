/* SPDX-License-Identifier: MIT */
/* `oclnn bench bn|pool|concat|add|softmax|lrn|fc`: the layers of issue 4. Each times its op on
 * random data, reports GB/s (bytes each run must read and write, at the median time) and, for
 * the memory-bound ops, a `copy` row: oclnn_tensor_copy of the op's input on the same device, the
 * bandwidth the op should be measured against. --verify checks against src/ref. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ref/ref.h"

/* Worst relative error --verify accepts (float kernels vs the double reference; bench_errors
 * measures it against max(|ref|, 1e-3 max|ref|)). FC sums K products: its bound grows as sqrt(K). */
#define VERIFY_RTOL 1e-4
#define VERIFY_RTOL_PER_SQRT_K 1e-5

typedef struct lb {
    bench_common c;
    oclnn_context *ctx;
    oclnn_layout layout;
    bool first;
    int status;
    double rtol; /* --verify bound */
} lb;

static size_t count(oclnn_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

/* Parses the command's options and its one positional N,C,H,W into *shape. */
static int parse_one_shape(const tool_cmd *cmd, lb *b, int argc, char **argv, oclnn_shape *shape) {
    const char *args[1];
    int n_args;
    int rc = bench_parse(cmd, &b->c, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc;
    if (!parse_shape(args[0], shape))
        return tool_usage_error(cmd, "shape \"%s\": expected N,C,H,W, each at least 1", args[0]);
    return TOOL_OK;
}

/* tool_parse's TOOL_HELP is a success for the command. */
static int parse_status(int rc) { return rc == TOOL_HELP ? TOOL_OK : rc; }

static bool start(lb *b) {
    b->ctx = bench_context(&b->c);
    if (!b->ctx) return false;
    b->layout = b->c.layout == OCLNN_LAYOUT_AUTO ? oclnn_context_layout(b->ctx) : b->c.layout;
    b->first = true;
    b->status = TOOL_OK;
    b->rtol = VERIFY_RTOL;
    bench_json_begin(&b->c);
    return true;
}

static int finish(lb *b) {
    bench_json_end(&b->c);
    oclnn_context_destroy(b->ctx);
    return b->status;
}

static oclnn_tensor *tensor(lb *b, oclnn_shape s, const float *nchw) {
    oclnn_tensor *t;
    if (oclnn_tensor_create(b->ctx, s, b->layout, &t) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench: %s\n", oclnn_last_error());
        return NULL;
    }
    if (nchw && oclnn_tensor_write(t, nchw, OCLNN_LAYOUT_NCHW) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench: %s\n", oclnn_last_error());
        oclnn_tensor_destroy(t);
        return NULL;
    }
    return t;
}

static float *random_data(size_t n, unsigned seed, float lo, float hi) {
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) return NULL;
    unsigned x = seed * 2654435761u + 1u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = lo + (hi - lo) * (float)((x >> 8) * (1.0 / 16777216.0));
    }
    return p;
}

/* Prints one result; with --verify compares dst (read back in NCHW) with ref. */
static void report(lb *b, const char *op, const char *algo, const char *problem, double ms,
                   double bytes, double flops, const oclnn_tensor *dst, const float *ref) {
    if (ms < 0) {
        b->status = TOOL_FAIL;
        return;
    }
    bench_result r = {op, algo, problem, ms, flops > 0 ? flops / (ms * 1e6) : -1,
                      bytes > 0 ? bytes / (ms * 1e6) : -1, false, 0, 0, true};
    if (b->c.verify && dst && ref) {
        size_t n = oclnn_tensor_elements(dst);
        float *got = malloc(n * sizeof *got);
        if (!got || oclnn_tensor_read(dst, got, OCLNN_LAYOUT_NCHW) != OCLNN_OK) {
            fprintf(stderr, "oclnn bench: cannot read the result: %s\n", oclnn_last_error());
            b->status = TOOL_FAIL;
            free(got);
            return;
        }
        bench_errors(got, ref, n, &r.max_abs_err, &r.max_rel_err);
        r.verified = true;
        r.ok = r.max_rel_err <= b->rtol;
        if (!r.ok) b->status = TOOL_FAIL;
        free(got);
    }
    bench_print(&b->c, &r, b->first);
    b->first = false;
}

/* The device's copy bandwidth for a tensor of `s` (read + write), as the yardstick. */
typedef struct copy_args {
    const oclnn_tensor *src;
    oclnn_tensor *dst;
} copy_args;
static oclnn_status run_copy(void *p) {
    copy_args *a = p;
    return oclnn_tensor_copy(a->src, a->dst);
}
static void report_copy(lb *b, const oclnn_tensor *src) {
    oclnn_shape s = oclnn_tensor_shape(src);
    oclnn_tensor *dst = tensor(b, s, NULL);
    if (!dst) {
        b->status = TOOL_FAIL;
        return;
    }
    copy_args a = {src, dst};
    char problem[64];
    snprintf(problem, sizeof problem, "n%uc%uh%uw%u", s.n, s.c, s.h, s.w);
    double ms = bench_time(b->ctx, &b->c, run_copy, &a);
    /* no reference: a copy is not verified */
    report(b, "copy", "baseline", problem, ms, 2.0 * count(s) * sizeof(float), -1, NULL, NULL);
    oclnn_tensor_destroy(dst);
}

/* ---- bn ---- */

typedef struct op_args {
    oclnn_op *op;
    const oclnn_tensor *a, *b;
    oclnn_tensor *dst;
    const oclnn_tensor *const *list;
} op_args;

static oclnn_status run_bn(void *p) {
    op_args *a = p;
    return oclnn_batchnorm_run(a->op, a->a, a->dst);
}

int bench_bn(int argc, char **argv) {
    lb b;
    oclnn_batchnorm_desc d = oclnn_batchnorm_desc_default();
    const tool_opt opts[] = {
        {"training", NULL, "training mode: batch statistics, running averages updated", NULL, &d.training},
        {"eps", "E", "added to the variance (default 1e-5)", opt_float, &d.eps},
        {"momentum", "M", "running-average momentum in training (default 0.1)", opt_float, &d.momentum},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"bench bn", "N,C,H,W", "Times batch normalization of an N,C,H,W tensor.", opts, NULL, 1, 1};
    int rc = parse_one_shape(&cmd, &b, argc, argv, &d.shape);
    if (rc != TOOL_OK) return parse_status(rc);
    if (!start(&b)) return TOOL_FAIL;
    const size_t n = count(d.shape), C = d.shape.c;
    float *x = random_data(n, 1, -2, 3), *g = random_data(C, 2, 0.5f, 2), *be = random_data(C, 3, -1, 1);
    float *m = random_data(C, 4, -1, 1), *v = random_data(C, 5, 0.2f, 2);
    oclnn_tensor *src = tensor(&b, d.shape, x), *dst = tensor(&b, d.shape, NULL);
    oclnn_op *op = NULL;
    if (!src || !dst || oclnn_batchnorm_create(b.ctx, &d, g, be, m, v, &op) != OCLNN_OK) {
        if (!src || !dst) fprintf(stderr, "oclnn bench bn: cannot create tensors\n");
        else fprintf(stderr, "oclnn bench bn: %s\n", oclnn_last_error());
        b.status = TOOL_FAIL;
    } else {
        op_args a = {op, src, NULL, dst, NULL};
        char problem[96];
        snprintf(problem, sizeof problem, "n%uc%uh%uw%u%s", d.shape.n, d.shape.c, d.shape.h,
                 d.shape.w, d.training ? " train" : "");
        double ms = bench_time(b.ctx, &b.c, run_bn, &a);
        float *ref = NULL;
        if (b.c.verify) {
            /* one more run from the initial statistics, matched by the reference */
            oclnn_op_destroy(op);
            op = NULL;
            ref = malloc(n * sizeof *ref);
            float *bm = malloc(C * 4), *bv = malloc(C * 4);
            if (oclnn_batchnorm_create(b.ctx, &d, g, be, m, v, &op) == OCLNN_OK && ref && bm && bv &&
                oclnn_batchnorm_run(op, src, dst) == OCLNN_OK) {
                if (d.training)
                    oclnn__ref_batchnorm_train(d.shape, OCLNN_LAYOUT_NCHW, x, g, be, d.eps, d.momentum, m, v,
                                               bm, bv, ref);
                else
                    oclnn__ref_batchnorm(d.shape, OCLNN_LAYOUT_NCHW, x, g, be, m, v, d.eps, ref);
            } else {
                b.status = TOOL_FAIL;
            }
            free(bm);
            free(bv);
        }
        /* training reads src twice for the statistics, then once more to normalize */
        double bytes = (d.training ? 4.0 : 2.0) * n * sizeof(float);
        report(&b, "bn", oclnn_op_algorithm(op), problem, ms, bytes, -1, dst, ref);
        report_copy(&b, src);
        free(ref);
    }
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    free(x), free(g), free(be), free(m), free(v);
    return finish(&b);
}

/* ---- pool ---- */

static oclnn_status run_pool(void *p) {
    op_args *a = p;
    return oclnn_pool2d_run(a->op, a->a, a->dst, NULL);
}

int bench_pool(int argc, char **argv) {
    lb b;
    oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
    uint32_t window[2] = {2, 2}, stride[2] = {0, 0}, pad[2] = {0, 0};
    bool max = false, avg = false, global = false, exclude_pad = false;
    const tool_opt opts[] = {
        {"max", NULL, "max pooling", NULL, &max},
        {"avg", NULL, "average pooling", NULL, &avg},
        {"global", NULL, "global average pooling", NULL, &global},
        {"window", "K|KH,KW", "window (default 2)", opt_pair, window},
        {"stride", "S|SH,SW", "stride (default: the window)", opt_pair, stride},
        {"pad", "P|PH,PW", "zero padding per side (default 0)", opt_pair0, pad},
        {"ceil", NULL, "round the output size up", NULL, &d.ceil_mode},
        {"exclude-pad", NULL, "average over the window's in-bounds elements only", NULL, &exclude_pad},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"bench pool", "N,C,H,W", "Times 2-D pooling of an N,C,H,W tensor: one of --max, --avg, --global.",
                          opts, NULL, 1, 1};
    int rc = parse_one_shape(&cmd, &b, argc, argv, &d.input);
    if (rc != TOOL_OK) return parse_status(rc);
    if (max + avg + global != 1) return tool_usage_error(&cmd, "needs exactly one of --max, --avg and --global");
    d.kind = max ? OCLNN_POOL_MAX : avg ? OCLNN_POOL_AVG : OCLNN_POOL_GLOBAL_AVG;
    d.kernel_h = window[0], d.kernel_w = window[1];
    d.stride_h = stride[0], d.stride_w = stride[1];
    d.pad_h = pad[0], d.pad_w = pad[1];
    if (exclude_pad) d.count_include_pad = false;
    oclnn_shape os;
    if (oclnn_pool2d_output_shape(&d, &os) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench pool: %s\n", oclnn_last_error());
        return TOOL_USAGE;
    }
    if (!start(&b)) return TOOL_FAIL;
    float *x = random_data(count(d.input), 1, -4, 4);
    oclnn_tensor *src = tensor(&b, d.input, x), *dst = tensor(&b, os, NULL);
    oclnn_op *op = NULL;
    if (!src || !dst || oclnn_pool2d_create(b.ctx, &d, &op) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench pool: %s\n", oclnn_last_error());
        b.status = TOOL_FAIL;
    } else {
        op_args a = {op, src, NULL, dst, NULL};
        char problem[128];
        if (d.kind == OCLNN_POOL_GLOBAL_AVG)
            snprintf(problem, sizeof problem, "n%uc%uh%uw%u global", d.input.n, d.input.c, d.input.h, d.input.w);
        else
            snprintf(problem, sizeof problem, "n%uc%uh%uw%u k%ux%u s%ux%u p%ux%u%s%s", d.input.n, d.input.c,
                     d.input.h, d.input.w, d.kernel_h, d.kernel_w, d.stride_h ? d.stride_h : d.kernel_h,
                     d.stride_w ? d.stride_w : d.kernel_w, d.pad_h, d.pad_w, d.ceil_mode ? " ceil" : "",
                     d.count_include_pad ? "" : " excl");
        double ms = bench_time(b.ctx, &b.c, run_pool, &a);
        float *ref = NULL;
        if (b.c.verify && (ref = malloc(count(os) * sizeof *ref)))
            oclnn__ref_pool2d(&d, OCLNN_LAYOUT_NCHW, x, ref, NULL);
        report(&b, "pool", oclnn_op_algorithm(op), problem, ms,
               (double)(count(d.input) + count(os)) * sizeof(float), -1, dst, ref);
        report_copy(&b, src);
        free(ref);
    }
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    free(x);
    return finish(&b);
}

/* ---- concat ---- */

#define MAX_CONCAT 16

static oclnn_status run_concat(void *p) {
    op_args *a = p;
    return oclnn_concat_run(a->op, a->list, a->dst);
}

int bench_concat(int argc, char **argv) {
    lb b;
    oclnn_shape parts[MAX_CONCAT];
    const char *args[MAX_CONCAT];
    int n_args;
    const tool_cmd cmd = {"bench concat", "N,C1,H,W N,C2,H,W ...",
                          "Times the depth concat of up to 16 tensors that differ only in channels.", NULL, NULL, 1,
                          MAX_CONCAT};
    int rc = bench_parse(&cmd, &b.c, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return parse_status(rc);
    size_t np = (size_t)n_args;
    for (size_t i = 0; i < np; i++)
        if (!parse_shape(args[i], &parts[i]))
            return tool_usage_error(&cmd, "shape \"%s\": expected N,C,H,W, each at least 1", args[i]);
    oclnn_shape os;
    if (oclnn_concat_output_shape(parts, np, &os) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench concat: %s\n", oclnn_last_error());
        return TOOL_USAGE;
    }
    if (!start(&b)) return TOOL_FAIL;
    oclnn_tensor *src[MAX_CONCAT] = {0}, *dst = tensor(&b, os, NULL);
    float *data[MAX_CONCAT] = {0}, *ref = b.c.verify ? malloc(count(os) * sizeof *ref) : NULL;
    bool ok = dst != NULL;
    char problem[256] = "";
    size_t len = 0;
    uint32_t c0 = 0;
    for (size_t i = 0; i < np; i++) {
        data[i] = random_data(count(parts[i]), (unsigned)i + 1, -1, 1);
        src[i] = data[i] ? tensor(&b, parts[i], data[i]) : NULL;
        ok = ok && src[i];
        len += (size_t)snprintf(problem + len, len < sizeof problem ? sizeof problem - len : 0,
                                "%sn%uc%uh%uw%u", i ? "+" : "", parts[i].n, parts[i].c, parts[i].h, parts[i].w);
        if (ref && data[i]) {
            size_t plane = (size_t)os.h * os.w;
            for (size_t n = 0; n < os.n; n++)
                memcpy(ref + (n * os.c + c0) * plane, data[i] + n * parts[i].c * plane,
                       parts[i].c * plane * sizeof(float));
        }
        c0 += parts[i].c;
    }
    oclnn_op *op = NULL;
    if (!ok || oclnn_concat_create(b.ctx, parts, np, &op) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench concat: %s\n", oclnn_last_error());
        b.status = TOOL_FAIL;
    } else {
        op_args a = {op, NULL, NULL, dst, (const oclnn_tensor *const *)src};
        double ms = bench_time(b.ctx, &b.c, run_concat, &a);
        report(&b, "concat", oclnn_op_algorithm(op), problem, ms, 2.0 * count(os) * sizeof(float), -1, dst, ref);
        report_copy(&b, dst);
    }
    oclnn_op_destroy(op);
    for (size_t i = 0; i < np; i++) {
        oclnn_tensor_destroy(src[i]);
        free(data[i]);
    }
    oclnn_tensor_destroy(dst);
    free(ref);
    return finish(&b);
}

/* ---- add, softmax, lrn: one src shape, one op ---- */

static oclnn_status run_add(void *p) {
    op_args *a = p;
    return oclnn_eltwise_run(a->op, a->a, a->b, a->dst);
}
static oclnn_status run_softmax(void *p) {
    op_args *a = p;
    return oclnn_softmax_run(a->op, a->a, a->dst);
}
static oclnn_status run_lrn(void *p) {
    op_args *a = p;
    return oclnn_lrn_run(a->op, a->a, a->dst);
}

int bench_add(int argc, char **argv) {
    lb b;
    oclnn_eltwise_desc d = {{0, 0, 0, 0}, OCLNN_ELTWISE_ADD};
    bool relu = false;
    const tool_opt opts[] = {
        {"relu", NULL, "fused ReLU after the add", NULL, &relu},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"bench add", "N,C,H,W", "Times the residual add of two N,C,H,W tensors.", opts, NULL, 1, 1};
    int rc = parse_one_shape(&cmd, &b, argc, argv, &d.shape);
    if (rc != TOOL_OK) return parse_status(rc);
    if (relu) d.op = OCLNN_ELTWISE_ADD_RELU;
    if (!start(&b)) return TOOL_FAIL;
    size_t n = count(d.shape);
    float *x = random_data(n, 1, -1, 1), *y = random_data(n, 2, -1, 1);
    oclnn_tensor *ta = tensor(&b, d.shape, x), *tb = tensor(&b, d.shape, y), *td = tensor(&b, d.shape, NULL);
    oclnn_op *op = NULL;
    if (!ta || !tb || !td || oclnn_eltwise_create(b.ctx, &d, NULL, NULL, &op) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench add: %s\n", oclnn_last_error());
        b.status = TOOL_FAIL;
    } else {
        op_args a = {op, ta, tb, td, NULL};
        char problem[96];
        snprintf(problem, sizeof problem, "n%uc%uh%uw%u%s", d.shape.n, d.shape.c, d.shape.h, d.shape.w,
                 d.op == OCLNN_ELTWISE_ADD_RELU ? " relu" : "");
        double ms = bench_time(b.ctx, &b.c, run_add, &a);
        float *ref = b.c.verify ? malloc(n * sizeof *ref) : NULL;
        if (ref) oclnn__ref_eltwise(d.shape, OCLNN_LAYOUT_NCHW, d.op, x, y, NULL, NULL, ref);
        report(&b, "add", oclnn_op_algorithm(op), problem, ms, 3.0 * n * sizeof(float), -1, td, ref);
        report_copy(&b, ta);
        free(ref);
    }
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(ta);
    oclnn_tensor_destroy(tb);
    oclnn_tensor_destroy(td);
    free(x), free(y);
    return finish(&b);
}

/* softmax and lrn share the driver; lrn != NULL selects LRN. */
static int channel_bench(int argc, char **argv, const char *name, oclnn_lrn_desc *lrn) {
    lb b;
    oclnn_shape s = {0, 0, 0, 0};
    tool_opt opts[] = {
        {"size", "N", "channels in the window (default 5)", opt_count, lrn ? &lrn->size : NULL},
        {"alpha", "A", "scale of the sum of squares (default 1e-4)", opt_float, lrn ? &lrn->alpha : NULL},
        {"beta", "B", "exponent (default 0.75)", opt_float, lrn ? &lrn->beta : NULL},
        {"k", "K", "additive constant (default 1)", opt_float, lrn ? &lrn->k : NULL},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {lrn ? "bench lrn" : "bench softmax", "N,C,H,W",
                          lrn ? "Times local response normalization across channels of an N,C,H,W tensor."
                              : "Times softmax over the channels of an N,C,H,W tensor.",
                          lrn ? opts : NULL, NULL, 1, 1};
    int rc = parse_one_shape(&cmd, &b, argc, argv, &s);
    if (rc != TOOL_OK) return parse_status(rc);
    if (!start(&b)) return TOOL_FAIL;
    size_t n = count(s);
    float *x = random_data(n, 1, -4, 4);
    oclnn_tensor *src = tensor(&b, s, x), *dst = tensor(&b, s, NULL);
    oclnn_op *op = NULL;
    oclnn_status st = OCLNN_ERROR_INVALID_ARGUMENT;
    if (src && dst) {
        if (lrn) {
            lrn->shape = s;
            st = oclnn_lrn_create(b.ctx, lrn, &op);
        } else {
            oclnn_softmax_desc d = {s};
            st = oclnn_softmax_create(b.ctx, &d, &op);
        }
    }
    if (st != OCLNN_OK) {
        fprintf(stderr, "oclnn bench %s: %s\n", name, oclnn_last_error());
        b.status = TOOL_FAIL;
    } else {
        op_args a = {op, src, NULL, dst, NULL};
        char problem[128];
        if (lrn)
            snprintf(problem, sizeof problem, "n%uc%uh%uw%u size%u a%g b%g k%g", s.n, s.c, s.h, s.w,
                     lrn->size, (double)lrn->alpha, (double)lrn->beta, (double)lrn->k);
        else
            snprintf(problem, sizeof problem, "n%uc%uh%uw%u", s.n, s.c, s.h, s.w);
        double ms = bench_time(b.ctx, &b.c, lrn ? run_lrn : run_softmax, &a);
        float *ref = b.c.verify ? malloc(n * sizeof *ref) : NULL;
        if (ref && lrn) oclnn__ref_lrn(lrn, OCLNN_LAYOUT_NCHW, x, ref);
        else if (ref) oclnn__ref_softmax(s, OCLNN_LAYOUT_NCHW, x, ref);
        report(&b, name, oclnn_op_algorithm(op), problem, ms, 2.0 * n * sizeof(float), -1, dst, ref);
        report_copy(&b, src);
        free(ref);
    }
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    free(x);
    return finish(&b);
}

int bench_softmax(int argc, char **argv) { return channel_bench(argc, argv, "softmax", NULL); }

int bench_lrn(int argc, char **argv) {
    oclnn_lrn_desc d = oclnn_lrn_desc_default();
    return channel_bench(argc, argv, "lrn", &d);
}

/* ---- fc ---- */

static oclnn_status run_fc(void *p) {
    op_args *a = p;
    return oclnn_fc_run(a->op, a->a, a->dst);
}

int bench_fc(int argc, char **argv) {
    lb b;
    oclnn_fc_desc d = oclnn_fc_desc_default();
    const tool_opt opts[] = {
        {"bias", NULL, "add a bias", NULL, &d.has_bias},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"bench fc", "N,IN OUT", "Times a fully connected layer: N rows of IN features to OUT features.",
                          opts, NULL, 2, 2};
    const char *args[2];
    int n_args;
    int rc = bench_parse(&cmd, &b.c, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return parse_status(rc);
    unsigned v[2];
    if (parse_uints(args[0], v, 2) != 2 || !v[0] || !v[1])
        return tool_usage_error(&cmd, "\"%s\": expected N,IN, each at least 1", args[0]);
    d.input = (oclnn_shape){v[0], v[1], 1, 1};
    if (parse_uints(args[1], v, 1) != 1 || !v[0])
        return tool_usage_error(&cmd, "\"%s\": expected OUT, at least 1", args[1]);
    d.out_features = v[0];
    if (!start(&b)) return TOOL_FAIL;
    const size_t N = d.input.n, K = d.input.c, O = d.out_features;
    b.rtol = fmax(VERIFY_RTOL, VERIFY_RTOL_PER_SQRT_K * sqrt((double)K));
    float *x = random_data(N * K, 1, -1, 1), *w = random_data(O * K, 2, -1, 1);
    float *bias = d.has_bias ? random_data(O, 3, -1, 1) : NULL;
    oclnn_tensor *src = tensor(&b, d.input, x), *dst = tensor(&b, (oclnn_shape){d.input.n, d.out_features, 1, 1}, NULL);
    oclnn_op *op = NULL;
    if (!src || !dst || oclnn_fc_create(b.ctx, &d, w, bias, &op) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench fc: %s\n", oclnn_last_error());
        b.status = TOOL_FAIL;
    } else {
        op_args a = {op, src, NULL, dst, NULL};
        char problem[96];
        snprintf(problem, sizeof problem, "n%zuk%zuo%zu%s", N, K, O, d.has_bias ? " bias" : "");
        double ms = bench_time(b.ctx, &b.c, run_fc, &a);
        float *ref = b.c.verify ? malloc(N * O * sizeof *ref) : NULL;
        if (ref) oclnn__ref_fc(d.input, OCLNN_LAYOUT_NCHW, x, d.out_features, w, bias, ref);
        /* at small batch the weights dominate the traffic */
        double bytes = (double)(O * K + N * K + N * O + (bias ? O : 0)) * sizeof(float);
        report(&b, "fc", oclnn_op_algorithm(op), problem, ms, bytes, 2.0 * N * K * O, dst, ref);
        free(ref);
    }
    oclnn_op_destroy(op);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    free(x), free(w), free(bias);
    return finish(&b);
}
