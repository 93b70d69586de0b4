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

static int usage_error(const char *cmd, const char *msg) {
    fprintf(stderr, "oclnn bench %s: %s (see oclnn bench --help)\n", cmd, msg);
    return TOOL_USAGE;
}

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

static bool parse_float(const char *s, float *out) {
    if (!s || !*s) return false;
    char *end;
    double v = strtod(s, &end);
    if (*end) return false;
    *out = (float)v;
    return true;
}

int bench_bn(int argc, char **argv) {
    lb b;
    bench_common_init(&b.c);
    oclnn_batchnorm_desc d = oclnn_batchnorm_desc_default();
    bool have_shape = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r = bench_common_arg(&b.c, argc, argv, &i);
        if (r < 0) return TOOL_USAGE;
        if (r) continue;
        if (arg_flag(argv[i], "--training")) d.training = true;
        else if (arg_value(argc, argv, &i, "--eps", &v)) {
            if (!parse_float(v, &d.eps)) return usage_error("bn", "--eps needs a number");
        } else if (arg_value(argc, argv, &i, "--momentum", &v)) {
            if (!parse_float(v, &d.momentum)) return usage_error("bn", "--momentum needs a number");
        } else if (!have_shape && parse_shape(argv[i], &d.shape)) have_shape = true;
        else return usage_error("bn", "usage: bench bn N,C,H,W [--training] [--eps E] [--momentum M]");
    }
    if (!have_shape) return usage_error("bn", "needs a shape N,C,H,W");
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

static bool parse_pair(const char *s, uint32_t *a, uint32_t *b) {
    unsigned v[2];
    int n = s ? parse_uints(s, v, 2) : -1;
    if (n == 1) v[1] = v[0];
    else if (n != 2) return false;
    *a = v[0];
    *b = v[1];
    return true;
}

int bench_pool(int argc, char **argv) {
    lb b;
    bench_common_init(&b.c);
    oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
    d.kernel_h = d.kernel_w = 2;
    bool have_shape = false, have_kind = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r = bench_common_arg(&b.c, argc, argv, &i);
        if (r < 0) return TOOL_USAGE;
        if (r) continue;
        if (arg_flag(argv[i], "--max")) d.kind = OCLNN_POOL_MAX, have_kind = true;
        else if (arg_flag(argv[i], "--avg")) d.kind = OCLNN_POOL_AVG, have_kind = true;
        else if (arg_flag(argv[i], "--global")) d.kind = OCLNN_POOL_GLOBAL_AVG, have_kind = true;
        else if (arg_flag(argv[i], "--ceil")) d.ceil_mode = true;
        else if (arg_flag(argv[i], "--exclude-pad")) d.count_include_pad = false;
        else if (arg_value(argc, argv, &i, "--window", &v)) {
            if (!parse_pair(v, &d.kernel_h, &d.kernel_w)) return usage_error("pool", "--window needs K or KH,KW");
        } else if (arg_value(argc, argv, &i, "--stride", &v)) {
            if (!parse_pair(v, &d.stride_h, &d.stride_w)) return usage_error("pool", "--stride needs S or SH,SW");
        } else if (arg_value(argc, argv, &i, "--pad", &v)) {
            if (!parse_pair(v, &d.pad_h, &d.pad_w)) return usage_error("pool", "--pad needs P or PH,PW");
        } else if (!have_shape && parse_shape(argv[i], &d.input)) have_shape = true;
        else
            return usage_error("pool", "usage: bench pool N,C,H,W --max|--avg|--global [--window K|KH,KW] "
                                       "[--stride S] [--pad P] [--ceil] [--exclude-pad]");
    }
    if (!have_shape || !have_kind) return usage_error("pool", "needs a shape N,C,H,W and --max, --avg or --global");
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
    bench_common_init(&b.c);
    oclnn_shape parts[MAX_CONCAT];
    size_t np = 0;
    for (int i = 1; i < argc; i++) {
        int r = bench_common_arg(&b.c, argc, argv, &i);
        if (r < 0) return TOOL_USAGE;
        if (r) continue;
        if (np == MAX_CONCAT || !parse_shape(argv[i], &parts[np]))
            return usage_error("concat", "usage: bench concat N,C1,H,W N,C2,H,W ... (at most 16)");
        np++;
    }
    oclnn_shape os;
    if (np < 1) return usage_error("concat", "needs at least one shape");
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
    bench_common_init(&b.c);
    oclnn_eltwise_desc d = {{0, 0, 0, 0}, OCLNN_ELTWISE_ADD};
    bool have_shape = false;
    for (int i = 1; i < argc; i++) {
        int r = bench_common_arg(&b.c, argc, argv, &i);
        if (r < 0) return TOOL_USAGE;
        if (r) continue;
        if (arg_flag(argv[i], "--relu")) d.op = OCLNN_ELTWISE_ADD_RELU;
        else if (!have_shape && parse_shape(argv[i], &d.shape)) have_shape = true;
        else return usage_error("add", "usage: bench add N,C,H,W [--relu]");
    }
    if (!have_shape) return usage_error("add", "needs a shape N,C,H,W");
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
    bench_common_init(&b.c);
    oclnn_shape s = {0, 0, 0, 0};
    bool have_shape = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r = bench_common_arg(&b.c, argc, argv, &i);
        if (r < 0) return TOOL_USAGE;
        if (r) continue;
        if (lrn && arg_value(argc, argv, &i, "--size", &v)) {
            unsigned u;
            if (!v || parse_uints(v, &u, 1) != 1) return usage_error(name, "--size needs a number");
            lrn->size = u;
        } else if (lrn && arg_value(argc, argv, &i, "--alpha", &v)) {
            if (!parse_float(v, &lrn->alpha)) return usage_error(name, "--alpha needs a number");
        } else if (lrn && arg_value(argc, argv, &i, "--beta", &v)) {
            if (!parse_float(v, &lrn->beta)) return usage_error(name, "--beta needs a number");
        } else if (lrn && arg_value(argc, argv, &i, "--k", &v)) {
            if (!parse_float(v, &lrn->k)) return usage_error(name, "--k needs a number");
        } else if (!have_shape && parse_shape(argv[i], &s)) have_shape = true;
        else
            return usage_error(name, lrn ? "usage: bench lrn N,C,H,W [--size 5] [--alpha A] [--beta B] [--k K]"
                                         : "usage: bench softmax N,C,H,W");
    }
    if (!have_shape) return usage_error(name, "needs a shape N,C,H,W");
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
    bench_common_init(&b.c);
    oclnn_fc_desc d = oclnn_fc_desc_default();
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        int r = bench_common_arg(&b.c, argc, argv, &i);
        if (r < 0) return TOOL_USAGE;
        if (r) continue;
        unsigned v[2];
        if (arg_flag(argv[i], "--bias")) d.has_bias = true;
        else if (positional == 0 && parse_uints(argv[i], v, 2) == 2 && v[0] && v[1]) {
            d.input = (oclnn_shape){v[0], v[1], 1, 1};
            positional++;
        } else if (positional == 1 && parse_uints(argv[i], v, 1) == 1 && v[0]) {
            d.out_features = v[0];
            positional++;
        } else
            return usage_error("fc", "usage: bench fc N,IN OUT [--bias]");
    }
    if (positional != 2) return usage_error("fc", "needs N,IN and OUT");
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
