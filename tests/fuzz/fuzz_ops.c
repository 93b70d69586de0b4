/* SPDX-License-Identifier: MIT */
/* libFuzzer target for descriptor validation: the input picks an op family and fills its
 * descriptor (small numbers mostly, sometimes 0, huge or overflowing ones, NaN and infinities for
 * floats). Create must accept or refuse with a status and a message; what it accepts, when small
 * enough to run here, is run on tensors of the shapes it asked for, with fuzzed data and RoIs.
 * Runs on the C backend: validation is backend-neutral. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oclnn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RUN_LIMIT ((size_t)1 << 14) /* elements per tensor we are willing to run */
/* Ops that copy per-channel parameters at create legitimately allocate c floats (or more) of host
 * memory; with c near 2^31 that is the caller's own request for gigabytes, which Linux grants
 * lazily and then cannot back. Such descriptors are skipped; every other field stays wild. */
#define PARAM_CHANNEL_LIMIT 65536u

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static uint8_t u8(reader *r) {
    if (!r->n) return 0;
    r->n--;
    return *r->p++;
}

static uint32_t dim(reader *r) {
    static const uint32_t extremes[] = {UINT32_MAX, 65536, 1u << 20, 1u << 31, 0x7fffffffu, 3};
    uint8_t b = u8(r);
    return b < 250 ? b % 9 : extremes[b - 250];
}

static float real(reader *r) {
    static const float special[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e-30f, 1e30f, INFINITY, -INFINITY};
    uint8_t b = u8(r);
    if (b < 8) return special[b];
    if (b == 8) return NAN;
    return (float)(int8_t)u8(r) / 16.0f;
}

static oclnn_shape shape(reader *r) {
    oclnn_shape s = {dim(r), dim(r), dim(r), dim(r)};
    return s;
}

static size_t elements(oclnn_shape s) {
    uint64_t e = (uint64_t)s.n * s.c;
    if (e > RUN_LIMIT) return SIZE_MAX;
    e *= (uint64_t)s.h * s.w;
    return e > RUN_LIMIT ? SIZE_MAX : (size_t)e;
}

/* A tensor of `s` filled from the input, or NULL when too big to run or refused. */
static oclnn_tensor *tensor(oclnn_context *ctx, oclnn_shape s, reader *r) {
    size_t n = elements(s);
    if (n == SIZE_MAX || n == 0) return NULL;
    oclnn_tensor *t;
    if (oclnn_tensor_create(ctx, s, (u8(r) & 1) ? OCLNN_LAYOUT_NHWC : OCLNN_LAYOUT_NCHW, &t) != OCLNN_OK)
        return NULL;
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = real(r);
    oclnn_tensor_write(t, v, OCLNN_LAYOUT_NCHW);
    free(v);
    return t;
}

static float *floats(reader *r, size_t n) {
    float *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = real(r);
    return v;
}

/* A refused create must say why. */
static void check_refusal(oclnn_status st, oclnn_op *op) {
    if (st == OCLNN_OK) return;
    if (op != NULL || oclnn_last_error()[0] == '\0') abort();
}

static void fuzz_pool(oclnn_context *ctx, reader *r) {
    oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
    d.input = shape(r);
    d.kind = (oclnn_pool_kind)(u8(r) % 5);
    d.kernel_h = dim(r), d.kernel_w = dim(r), d.stride_h = dim(r), d.stride_w = dim(r);
    d.pad_h = dim(r), d.pad_w = dim(r);
    d.ceil_mode = u8(r) & 1, d.count_include_pad = u8(r) & 1;
    oclnn_op *op = NULL;
    oclnn_status st = oclnn_pool2d_create(ctx, &d, &op);
    check_refusal(st, op);
    if (st != OCLNN_OK) return;
    oclnn_shape os;
    if (oclnn_pool2d_output_shape(&d, &os) != OCLNN_OK) abort();
    oclnn_tensor *src = tensor(ctx, d.input, r), *dst = tensor(ctx, os, r);
    oclnn_tensor *am = (u8(r) & 1) ? tensor(ctx, os, r) : NULL;
    if (src && dst) oclnn_pool2d_run(op, src, dst, am);
    oclnn_tensor_destroy(am);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

static void fuzz_bn(oclnn_context *ctx, reader *r) {
    oclnn_batchnorm_desc d = oclnn_batchnorm_desc_default();
    d.shape = shape(r);
    d.eps = real(r), d.momentum = real(r), d.training = u8(r) & 1;
    if (d.shape.c > PARAM_CHANNEL_LIMIT) return;
    size_t c = d.shape.c < 64 ? d.shape.c : 0;
    float *g = floats(r, c), *b = floats(r, c), *m = floats(r, c), *v = floats(r, c);
    oclnn_op *op = NULL;
    /* Huge channel counts are passed NULL arrays: create must refuse them, not read them. */
    oclnn_status st = c || !d.shape.c ? oclnn_batchnorm_create(ctx, &d, g, b, m, v, &op)
                                      : oclnn_batchnorm_create(ctx, &d, NULL, NULL, NULL, NULL, &op);
    check_refusal(st, op);
    if (st == OCLNN_OK) {
        oclnn_tensor *src = tensor(ctx, d.shape, r), *dst = tensor(ctx, d.shape, r);
        if (src && dst) oclnn_batchnorm_run(op, src, dst);
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
    }
    free(g), free(b), free(m), free(v);
}

static void fuzz_eltwise(oclnn_context *ctx, reader *r) {
    oclnn_eltwise_desc d = oclnn_eltwise_desc_default();
    d.shape = shape(r);
    d.op = (oclnn_eltwise_op)(u8(r) % 8);
    if (d.shape.c > PARAM_CHANNEL_LIMIT) return;
    size_t c = d.shape.c < 64 ? d.shape.c : 0;
    float *scale = floats(r, c), *shift = floats(r, c);
    oclnn_op *op = NULL;
    oclnn_status st = oclnn_eltwise_create(ctx, &d, c ? scale : NULL, (u8(r) & 1) ? shift : NULL, &op);
    check_refusal(st, op);
    if (st == OCLNN_OK) {
        oclnn_tensor *a = tensor(ctx, d.shape, r), *b = tensor(ctx, d.shape, r);
        if (a && b) oclnn_eltwise_run(op, a, (u8(r) & 1) ? b : NULL, (u8(r) & 1) ? a : b);
        oclnn_tensor_destroy(a);
        oclnn_tensor_destroy(b);
        oclnn_op_destroy(op);
    }
    free(scale), free(shift);
}

static void fuzz_fc_softmax_lrn(oclnn_context *ctx, reader *r) {
    uint8_t which = u8(r) % 3;
    oclnn_op *op = NULL;
    oclnn_status st;
    if (which == 0) {
        oclnn_fc_desc d = oclnn_fc_desc_default();
        d.input = shape(r);
        d.out_features = dim(r);
        d.has_bias = u8(r) & 1;
        if (d.out_features > PARAM_CHANNEL_LIMIT) return;
        oclnn_shape one = {1, d.input.c, d.input.h, d.input.w};
        size_t in = elements(one) == SIZE_MAX ? 0 : elements(one);
        size_t nw = in && d.out_features < 64 ? in * d.out_features : 0;
        float *w = floats(r, nw), *b = floats(r, d.out_features < 64 ? d.out_features : 0);
        st = oclnn_fc_create(ctx, &d, nw ? w : NULL, b, &op);
        check_refusal(st, op);
        if (st == OCLNN_OK) {
            oclnn_shape os = {d.input.n, d.out_features, 1, 1};
            oclnn_tensor *src = tensor(ctx, d.input, r), *dst = tensor(ctx, os, r);
            if (src && dst) oclnn_fc_run(op, src, dst);
            oclnn_tensor_destroy(src);
            oclnn_tensor_destroy(dst);
        }
        free(w), free(b);
    } else {
        oclnn_shape s = shape(r);
        if (which == 1) {
            oclnn_softmax_desc d = oclnn_softmax_desc_default();
            d.shape = s;
            st = oclnn_softmax_create(ctx, &d, &op);
        } else {
            oclnn_lrn_desc d = oclnn_lrn_desc_default();
            d.shape = s;
            d.size = dim(r), d.alpha = real(r), d.beta = real(r), d.k = real(r);
            st = oclnn_lrn_create(ctx, &d, &op);
        }
        check_refusal(st, op);
        if (st == OCLNN_OK) {
            oclnn_tensor *src = tensor(ctx, s, r), *dst = tensor(ctx, s, r);
            if (src && dst) which == 1 ? oclnn_softmax_run(op, src, dst) : oclnn_lrn_run(op, src, dst);
            oclnn_tensor_destroy(src);
            oclnn_tensor_destroy(dst);
        }
    }
    oclnn_op_destroy(op);
}

static void fuzz_concat(oclnn_context *ctx, reader *r) {
    size_t count = u8(r) % 5;
    oclnn_shape in[4];
    for (size_t i = 0; i < count; i++) in[i] = shape(r);
    oclnn_op *op = NULL;
    oclnn_status st = oclnn_concat_create(ctx, count ? in : NULL, count, &op);
    check_refusal(st, op);
    if (st != OCLNN_OK) return;
    oclnn_shape os;
    if (oclnn_concat_output_shape(in, count, &os) != OCLNN_OK) abort();
    oclnn_tensor *srcs[4] = {NULL, NULL, NULL, NULL}, *dst = tensor(ctx, os, r);
    bool all = dst != NULL;
    for (size_t i = 0; i < count; i++) all &= (srcs[i] = tensor(ctx, in[i], r)) != NULL;
    if (all) oclnn_concat_run(op, (const oclnn_tensor *const *)srcs, dst);
    for (size_t i = 0; i < count; i++) oclnn_tensor_destroy(srcs[i]);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
}

static void fuzz_detect(oclnn_context *ctx, reader *r) {
    if (u8(r) & 1) {
        oclnn_roi_desc d = OCLNN_ROI_DESC_INIT;
        d.mode = (oclnn_roi_mode)(u8(r) % 3);
        d.pooled_h = dim(r), d.pooled_w = dim(r), d.spatial_scale = real(r);
        d.sampling_ratio = (int8_t)u8(r), d.aligned = u8(r) & 1;
        oclnn_op *op = NULL;
        oclnn_status st = oclnn_roi_create(ctx, &d, &op);
        check_refusal(st, op);
        if (st != OCLNN_OK) return;
        oclnn_shape map = shape(r);
        size_t nr = u8(r) % 8;
        float *rois = floats(r, nr * 5);
        oclnn_shape os = {(uint32_t)nr, map.c, d.pooled_h, d.pooled_w};
        oclnn_tensor *src = tensor(ctx, map, r), *dst = tensor(ctx, os, r);
        oclnn_tensor *am = (u8(r) & 1) ? tensor(ctx, os, r) : NULL;
        if (src && dst) oclnn_roi_run(op, src, rois, nr, dst, am);
        oclnn_tensor_destroy(am);
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
        free(rois);
    } else {
        oclnn_nms_desc d = OCLNN_NMS_DESC_INIT;
        d.iou_threshold = real(r), d.use_score_threshold = u8(r) & 1, d.score_threshold = real(r);
        d.top_k = dim(r);
        size_t n = u8(r) % 32;
        float *boxes = floats(r, n * 4), *scores = floats(r, n);
        int32_t classes[32];
        for (size_t i = 0; i < n; i++) classes[i] = (int8_t)u8(r);
        uint32_t keep[32];
        size_t kept = 0;
        oclnn_status st = oclnn_nms(ctx, &d, boxes, scores, (u8(r) & 1) ? classes : NULL, n, keep, &kept);
        if (st != OCLNN_OK && oclnn_last_error()[0] == '\0') abort();
        if (st == OCLNN_OK && kept > n) abort();
        free(boxes), free(scores);
    }
}

static void fuzz_conv(oclnn_context *ctx, reader *r) {
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = shape(r);
    d.out_channels = dim(r), d.kernel_h = dim(r), d.kernel_w = dim(r);
    d.stride_h = dim(r), d.stride_w = dim(r), d.dilation_h = dim(r), d.dilation_w = dim(r);
    d.groups = dim(r);
    d.padding.mode = (oclnn_pad_mode)(u8(r) % 4);
    d.padding.top = dim(r), d.padding.bottom = dim(r), d.padding.left = dim(r), d.padding.right = dim(r);
    d.activation = (oclnn_activation)(u8(r) % 3);
    d.has_bias = u8(r) & 1, d.fuse_residual = u8(r) & 1;
    d.algo = (oclnn_conv_algo)(u8(r) % (OCLNN_CONV_ALGO_COUNT + 1));
    /* The weights are the caller's array of K * C/groups * R * S floats: give one only when that
     * is small (and valid to compute); otherwise NULL, which create must refuse. */
    uint64_t nw = d.groups ? (uint64_t)d.out_channels * (d.input.c / d.groups) : 0;
    nw = nw <= RUN_LIMIT ? nw * d.kernel_h * d.kernel_w : UINT64_MAX;
    if (d.out_channels > PARAM_CHANNEL_LIMIT) return;
    float *w = nw && nw <= RUN_LIMIT ? floats(r, (size_t)nw) : NULL;
    float *b = floats(r, d.out_channels < 64 ? d.out_channels : 0);
    oclnn_op *op = NULL;
    oclnn_status st = oclnn_conv2d_create(ctx, &d, w, d.out_channels < 64 ? b : NULL, &op);
    check_refusal(st, op);
    if (st == OCLNN_OK) {
        oclnn_shape os;
        if (oclnn_conv2d_output_shape(&d, &os) != OCLNN_OK) abort();
        oclnn_tensor *src = tensor(ctx, d.input, r), *dst = tensor(ctx, os, r);
        oclnn_tensor *res = d.fuse_residual ? tensor(ctx, os, r) : NULL;
        if (src && dst) oclnn_conv2d_run(op, src, dst, res);
        oclnn_tensor_destroy(res);
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
    }
    free(w), free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static oclnn_context *ctx;
    if (!ctx) {
        oclnn_context_options o = oclnn_context_options_default();
        o.device = "cpu";
        if (oclnn_context_create(&o, &ctx) != OCLNN_OK) abort();
    }
    reader r = {data, size};
    switch (u8(&r) % 7) {
    case 6: fuzz_conv(ctx, &r); break;
    case 0: fuzz_pool(ctx, &r); break;
    case 1: fuzz_bn(ctx, &r); break;
    case 2: fuzz_eltwise(ctx, &r); break;
    case 3: fuzz_fc_softmax_lrn(ctx, &r); break;
    case 4: fuzz_concat(ctx, &r); break;
    default: fuzz_detect(ctx, &r); break;
    }
    return 0;
}
