/* SPDX-License-Identifier: MIT */
/* Element-wise ops on the C backend. The loop nest follows dst's strides (innermost: its unit
 * stride), so NCHW, NHWC and channel views all write sequentially; rows whose operands are all
 * contiguous take a plain loop the compiler vectorizes. */
#include <math.h>

#include "cpu/cpu.h"
#include "cpu/pool.h"
#include "cpu/layers.h"

/* max(v, 0) that keeps NaN (as torch.relu) and compiles to a compare and blend; fmaxf would
 * drop NaN and, with its exact semantics, is a library call per element. */
#define RELU(v) ((v) < 0.0f ? 0.0f : (v))
/* min(max(v + 3, 0), 6), as torch's hardsigmoid and hardswish compute it before the / 6 */
#define HARD(v) ((v) + 3.0f < 0.0f ? 0.0f : (v) + 3.0f > 6.0f ? 6.0f : (v) + 3.0f)

typedef struct row_args {
    oclnn_eltwise_op op;
    const float *a, *b;
    float *d;
    size_t sa, sb, sd, len;
    /* per-channel factors: per element (stride 1) when the row walks channels, else constant */
    const float *scale, *shift;
    size_t sc;
} row_args;

static inline float act(oclnn_eltwise_op op, float v) {
    switch (op) {
    case OCLNN_ELTWISE_ADD_RELU:
    case OCLNN_ELTWISE_RELU: return RELU(v);
    case OCLNN_ELTWISE_RELU6: return v < 0.0f ? 0.0f : v > 6.0f ? 6.0f : v;
    case OCLNN_ELTWISE_SIGMOID: return 1.0f / (1.0f + expf(-v));
    case OCLNN_ELTWISE_TANH: return tanhf(v);
    case OCLNN_ELTWISE_HARDSIGMOID: return HARD(v) / 6.0f;
    case OCLNN_ELTWISE_HARDSWISH: return v * HARD(v) / 6.0f;
    case OCLNN_ELTWISE_MUL:
    case OCLNN_ELTWISE_SUB:
    case OCLNN_ELTWISE_DIV:
    case OCLNN_ELTWISE_ADD:
    case OCLNN_ELTWISE_SCALE:
    case OCLNN_ELTWISE_LEAKY_RELU:
    case OCLNN_ELTWISE_ELU: return v;
    }
    return v;
}

static void row(const row_args *r) {
    const size_t n = r->len, sa = r->sa, sb = r->sb, sd = r->sd, sc = r->sc;
    const float *a = r->a, *b = r->b;
    float *d = r->d;
    switch (r->op) {
    case OCLNN_ELTWISE_ADD:
        if (sa == 1 && sb == 1 && sd == 1)
            for (size_t i = 0; i < n; i++) d[i] = a[i] + b[i];
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = a[i * sa] + b[i * sb];
        return;
    case OCLNN_ELTWISE_ADD_RELU:
        if (sa == 1 && sb == 1 && sd == 1)
            for (size_t i = 0; i < n; i++) d[i] = RELU(a[i] + b[i]);
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = RELU(a[i * sa] + b[i * sb]);
        return;
    case OCLNN_ELTWISE_SCALE: {
        const float *s = r->scale, *t = r->shift;
        if (t && sa == 1 && sd == 1 && sc == 0) { /* a plane of one channel (NCHW) */
            const float k = s[0], m = t[0];
            for (size_t i = 0; i < n; i++) d[i] = a[i] * k + m;
        } else if (t && sa == 1 && sd == 1) { /* the channels of one pixel (NHWC) */
            for (size_t i = 0; i < n; i++) d[i] = a[i] * s[i] + t[i];
        } else if (t)
            for (size_t i = 0; i < n; i++) d[i * sd] = a[i * sa] * s[i * sc] + t[i * sc];
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = a[i * sa] * s[i * sc];
        return;
    }
    case OCLNN_ELTWISE_RELU:
        if (sa == 1 && sd == 1)
            for (size_t i = 0; i < n; i++) d[i] = RELU(a[i]);
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = RELU(a[i * sa]);
        return;
    case OCLNN_ELTWISE_MUL: /* a's or b's strides may be 0 (a per-channel gate) */
        if (sa == 1 && sb == 1 && sd == 1)
            for (size_t i = 0; i < n; i++) d[i] = a[i] * b[i];
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = a[i * sa] * b[i * sb];
        return;
    case OCLNN_ELTWISE_SUB: /* issue 16: a or b may have zero strides (per channel) */
        if (sa == 1 && sb == 1 && sd == 1)
            for (size_t i = 0; i < n; i++) d[i] = a[i] - b[i];
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = a[i * sa] - b[i * sb];
        return;
    case OCLNN_ELTWISE_DIV:
        if (sa == 1 && sb == 1 && sd == 1)
            for (size_t i = 0; i < n; i++) d[i] = a[i] / b[i];
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = a[i * sa] / b[i * sb];
        return;
    case OCLNN_ELTWISE_LEAKY_RELU: /* issue 16: slopes per channel in scale */
        for (size_t i = 0; i < n; i++) {
            const float v = a[i * sa];
            d[i * sd] = v < 0.0f ? v * r->scale[i * sc] : v;
        }
        return;
    case OCLNN_ELTWISE_ELU:
        for (size_t i = 0; i < n; i++) {
            const float v = a[i * sa];
            d[i * sd] = v < 0.0f ? r->scale[i * sc] * expm1f(v) : v;
        }
        return;
    case OCLNN_ELTWISE_RELU6:
    case OCLNN_ELTWISE_SIGMOID:
    case OCLNN_ELTWISE_TANH:
    case OCLNN_ELTWISE_HARDSIGMOID:
    case OCLNN_ELTWISE_HARDSWISH:
        for (size_t i = 0; i < n; i++) d[i * sd] = act(r->op, a[i * sa]);
        return;
    }
}

typedef struct elt_job {
    oclnn_eltwise_op op;
    int inner;
    const int *o;
    const size_t *len;
    size_t (*st)[4];
    const float *pa, *pb, *ps, *pt;
    float *pd;
    bool has_b, c_in_row;
} elt_job;

static void rows_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const elt_job *j = arg;
    const int inner = j->inner;
    for (size_t r = begin; r < end; r++) {
        size_t rem = r, off[3] = {0, 0, 0}, c = 0;
        for (int i = inner - 1; i >= 0; i--) {
            size_t idx = rem % j->len[i];
            rem /= j->len[i];
            for (int t = 0; t < 3; t++) off[t] += idx * j->st[t][i];
            if (j->o[i] == OCLNN__C) c = idx;
        }
        row_args ra = {j->op, j->pa + off[0], j->has_b ? j->pb + off[1] : NULL, j->pd + off[2], j->st[0][inner],
                       j->has_b ? j->st[1][inner] : 0, j->st[2][inner], j->len[inner],
                       j->ps ? j->ps + c : NULL, j->pt ? j->pt + c : NULL, j->c_in_row ? 1 : 0};
        row(&ra);
    }
}

oclnn_status oclnn__cpu_eltwise(oclnn_eltwise_op op, const oclnn_tensor *a, const oclnn_tensor *b,
                                const oclnn_tensor *scale, const oclnn_tensor *shift,
                                oclnn_tensor *dst) {
    size_t dims[4] = {dst->shape.n, dst->shape.c, dst->shape.h, dst->shape.w};
    int o[4] = {0, 1, 2, 3};
    for (int i = 1; i < 4; i++) /* axes by decreasing dst stride; ties keep logical order */
        for (int j = i; j > 0 && dst->stride[o[j]] > dst->stride[o[j - 1]]; j--) {
            int t = o[j];
            o[j] = o[j - 1];
            o[j - 1] = t;
        }
    /* Strides in walk order (outermost first); the innermost row grows by folding in the next
     * axis while every operand has it back to back (a channel view in NCHW still has whole
     * planes), except across the channel axis when the op reads per-channel factors. */
    const oclnn_tensor *ops[3] = {a, b, dst};
    size_t st[3][4], len[4];
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 4; i++) st[t][i] = ops[t] ? ops[t]->stride[o[i]] : 0;
    for (int i = 0; i < 4; i++) len[i] = dims[o[i]];
    int inner = 3;
    bool c_in_row = o[3] == OCLNN__C;
    while (inner > 0 && !(scale && (o[inner - 1] == OCLNN__C || c_in_row))) {
        bool ok = true;
        for (int t = 0; t < 3; t++)
            if (ops[t] && st[t][inner - 1] != len[inner] * st[t][inner]) ok = false;
        if (!ok) break;
        len[inner - 1] *= len[inner];
        for (int t = 0; t < 3; t++) st[t][inner - 1] = st[t][inner];
        inner--;
    }
    /* now axes 0 .. inner-1 are outer loops, axis `inner` is the row */
    size_t outer = 1;
    for (int i = 0; i < inner; i++) outer *= len[i];
    const size_t row_len = len[inner];
    const float *pa = oclnn__cpu_cdata(a), *pb = b ? oclnn__cpu_cdata(b) : NULL;
    const float *ps = scale ? oclnn__cpu_cdata(scale) : NULL, *pt = shift ? oclnn__cpu_cdata(shift) : NULL;
    float *pd = oclnn__cpu_data(dst);
    elt_job jb = {op, inner, o, len, st, pa, pb, ps, pt, pd, b != NULL, c_in_row};
    oclnn__cpu_parallel_for(outer, oclnn__cpu_grain(outer, 4, row_len ? (16384 + row_len - 1) / row_len : outer),
                            rows_task, &jb);
    return OCLNN_OK;
}
