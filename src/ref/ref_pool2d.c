/* SPDX-License-Identifier: MIT */
/* Reference pooling, written from PyTorch's definitions (aten Pool.h pooling_output_shape and the
 * CPU kernels' window clipping), in double. */
#include <math.h>

#include "ref/ref.h"

typedef struct window {
    long kh, kw, sh, sw, ph, pw;
    bool is_max, include_pad;
    long pb, pr; /* bottom/right padding (issue 16: ONNX's asymmetric pads) */
} window;

static window resolve(const oclnn_pool2d_desc *d) {
    window r = {d->kernel_h, d->kernel_w, d->stride_h, d->stride_w, d->pad_h, d->pad_w,
                d->kind == OCLNN_POOL_MAX || d->kind == OCLNN_POOL_GLOBAL_MAX, d->count_include_pad,
                d->pad_asymmetric ? d->pad_bottom : d->pad_h, d->pad_asymmetric ? d->pad_right : d->pad_w};
    if (d->kind == OCLNN_POOL_GLOBAL_AVG || d->kind == OCLNN_POOL_GLOBAL_MAX) {
        r.kh = r.sh = d->input.h;
        r.kw = r.sw = d->input.w;
        r.ph = r.pw = r.pb = r.pr = 0;
    }
    if (!r.sh) r.sh = r.kh;
    if (!r.sw) r.sw = r.kw;
    return r;
}

static uint32_t out_len(long in, long k, long pad, long pad_end, long stride, bool ceil_mode) {
    long num = in + pad + pad_end - k + (ceil_mode ? stride - 1 : 0);
    long o = (long)floor((double)num / stride) + 1;
    if (ceil_mode && (o - 1) * stride >= in + pad) o--;
    return o > 0 ? (uint32_t)o : 0;
}

oclnn_shape oclnn__ref_pool2d_shape(const oclnn_pool2d_desc *d) {
    window r = resolve(d);
    bool global = d->kind == OCLNN_POOL_GLOBAL_AVG || d->kind == OCLNN_POOL_GLOBAL_MAX;
    bool ceil_mode = d->ceil_mode && !global;
    oclnn_shape s = {d->input.n, d->input.c, out_len(d->input.h, r.kh, r.ph, r.pb, r.sh, ceil_mode),
                     out_len(d->input.w, r.kw, r.pw, r.pr, r.sw, ceil_mode)};
    return s;
}

void oclnn__ref_pool2d(const oclnn_pool2d_desc *d, oclnn_layout layout, const float *src,
                       float *dst, float *argmax) {
    const window r = resolve(d);
    const oclnn_shape is = d->input, os = oclnn__ref_pool2d_shape(d);
    const long H = is.h, W = is.w;
    for (size_t n = 0; n < os.n; n++)
        for (size_t c = 0; c < os.c; c++)
            for (long oh = 0; oh < (long)os.h; oh++)
                for (long ow = 0; ow < (long)os.w; ow++) {
                    long hs = oh * r.sh - r.ph, ws = ow * r.sw - r.pw;
                    long he = hs + r.kh < H + r.pb ? hs + r.kh : H + r.pb;
                    long we = ws + r.kw < W + r.pr ? ws + r.kw : W + r.pr;
                    double pool_size = (double)(he - hs) * (double)(we - ws); /* may pass 2^63 */
                    if (hs < 0) hs = 0;
                    if (ws < 0) ws = 0;
                    if (he > H) he = H;
                    if (we > W) we = W;
                    size_t o = oclnn__ref_index(os, layout, n, c, (size_t)oh, (size_t)ow);
                    if (r.is_max) {
                        double best = -INFINITY;
                        long where = hs * W + ws;
                        for (long h = hs; h < he; h++)
                            for (long w = ws; w < we; w++) {
                                double v = src[oclnn__ref_index(is, layout, n, c, (size_t)h, (size_t)w)];
                                if (v > best || isnan(v)) {
                                    best = v;
                                    where = h * W + w;
                                }
                            }
                        dst[o] = (float)best;
                        if (argmax) argmax[o] = (float)where;
                    } else {
                        double sum = 0;
                        for (long h = hs; h < he; h++)
                            for (long w = ws; w < we; w++)
                                sum += src[oclnn__ref_index(is, layout, n, c, (size_t)h, (size_t)w)];
                        double div = r.include_pad ? pool_size : (double)(he - hs) * (double)(we - ws);
                        dst[o] = (float)(sum / div);
                    }
                }
}
