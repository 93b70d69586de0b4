/* SPDX-License-Identifier: MIT */
/* Element-wise ops on the C backend. The loop nest follows dst's strides (innermost: its unit
 * stride), so NCHW, NHWC and channel views all write sequentially; rows whose operands are all
 * contiguous take a plain loop the compiler vectorizes. */
#include <math.h>

#include "cpu/cpu.h"
#include "cpu/layers.h"

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
    case OCLNN_ELTWISE_RELU: return v > 0.0f ? v : 0.0f;
    case OCLNN_ELTWISE_RELU6: return v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f;
    case OCLNN_ELTWISE_SIGMOID: return 1.0f / (1.0f + expf(-v));
    case OCLNN_ELTWISE_TANH: return tanhf(v);
    case OCLNN_ELTWISE_ADD:
    case OCLNN_ELTWISE_SCALE: return v;
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
            for (size_t i = 0; i < n; i++) d[i] = fmaxf(a[i] + b[i], 0.0f);
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = fmaxf(a[i * sa] + b[i * sb], 0.0f);
        return;
    case OCLNN_ELTWISE_SCALE: {
        const float *s = r->scale, *t = r->shift;
        if (t)
            for (size_t i = 0; i < n; i++) d[i * sd] = a[i * sa] * s[i * sc] + t[i * sc];
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = a[i * sa] * s[i * sc];
        return;
    }
    case OCLNN_ELTWISE_RELU:
        if (sa == 1 && sd == 1)
            for (size_t i = 0; i < n; i++) d[i] = fmaxf(a[i], 0.0f);
        else
            for (size_t i = 0; i < n; i++) d[i * sd] = fmaxf(a[i * sa], 0.0f);
        return;
    case OCLNN_ELTWISE_RELU6:
    case OCLNN_ELTWISE_SIGMOID:
    case OCLNN_ELTWISE_TANH:
        for (size_t i = 0; i < n; i++) d[i * sd] = act(r->op, a[i * sa]);
        return;
    }
}

oclnn_status oclnn__cpu_eltwise(oclnn_eltwise_op op, const oclnn_tensor *a, const oclnn_tensor *b,
                                const oclnn_tensor *scale, const oclnn_tensor *shift,
                                oclnn_tensor *dst) {
    const size_t dims[4] = {dst->shape.n, dst->shape.c, dst->shape.h, dst->shape.w};
    int o[4] = {0, 1, 2, 3};
    for (int i = 1; i < 4; i++) /* axes by decreasing dst stride; ties keep logical order */
        for (int j = i; j > 0 && dst->stride[o[j]] > dst->stride[o[j - 1]]; j--) {
            int t = o[j];
            o[j] = o[j - 1];
            o[j - 1] = t;
        }
    const size_t d1 = dims[o[1]], d2 = dims[o[2]];
    const ptrdiff_t rows = (ptrdiff_t)(dims[o[0]] * d1 * d2);
    const float *pa = oclnn__cpu_cdata(a), *pb = b ? oclnn__cpu_cdata(b) : NULL;
    const float *ps = scale ? oclnn__cpu_cdata(scale) : NULL, *pt = shift ? oclnn__cpu_cdata(shift) : NULL;
    float *pd = oclnn__cpu_data(dst);
    const int inner = o[3];
#pragma omp parallel for if (rows > 1 && (size_t)rows * dims[inner] > 32768)
    for (ptrdiff_t r = 0; r < rows; r++) {
        size_t idx[4];
        idx[o[0]] = (size_t)r / (d1 * d2);
        idx[o[1]] = (size_t)r / d2 % d1;
        idx[o[2]] = (size_t)r % d2;
        idx[inner] = 0;
        size_t oa = 0, ob = 0, od = 0;
        for (int k = 0; k < 4; k++) {
            oa += idx[k] * a->stride[k];
            if (b) ob += idx[k] * b->stride[k];
            od += idx[k] * dst->stride[k];
        }
        row_args ra = {op, pa + oa, b ? pb + ob : NULL, pd + od, a->stride[inner],
                       b ? b->stride[inner] : 0, dst->stride[inner], dims[inner],
                       ps ? ps + idx[OCLNN__C] : NULL, pt ? pt + idx[OCLNN__C] : NULL,
                       inner == OCLNN__C ? 1 : 0};
        row(&ra);
    }
    return OCLNN_OK;
}
