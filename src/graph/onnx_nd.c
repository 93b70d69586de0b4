/* SPDX-License-Identifier: MIT */
/* ONNX Conv, MaxPool and AveragePool on 1-D (n, c, l) and 3-D (n, c, d, h, w) values (issue 19).
 * A 1-D value is the graph's (n, c, 1, l) value and a 1-D op the 2-D node with a 1 x k window:
 * exactly what oclnn_conv1d_create / oclnn_pool1d_create make. A 3-D value is a 5-D graph value
 * (n, c, d * h, w with its depth) and these ops its CONV3D / MAX_POOL3D / AVG_POOL3D nodes.
 * GlobalAveragePool, GlobalMaxPool and BatchNormalization of both are in onnx_conv.c. */
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX
typedef int oclnn__onnx_nd_disabled; /* ISO C wants a declaration in every translation unit */
#else

#include "graph/onnx.h"

/* SAME padding along one axis of a stride-1 op: (k - 1) * d in all, the odd one at the end
 * (SAME_UPPER) or the start (SAME_LOWER). With a stride it depends on the input size: 1-D reads
 * the length (the h of a (n, c, 1, l) value is fixed), 3-D refuses it. */
static void same_pads(const oclnn__onnx_node *c, int64_t total, int64_t *begin, int64_t *end) {
    const Onnx__AttributeProto *ap = oclnn__onnx_attr(c, "auto_pad");
    bool lower = ap->s.len == 10 && !memcmp(ap->s.data, "SAME_LOWER", 10);
    *begin = lower ? (total + 1) / 2 : total / 2;
    *end = total - *begin;
}

/* kernel, strides, dilations and pads [begin..., end...] of an op over `rank` spatial axes whose
 * kernel is ks (from the weight, or kernel_shape); auto_pad resolved, from the input sizes len[]
 * where a stride is over 1 (len NULL: refused). */
oclnn_status oclnn__onnx_window(const oclnn__onnx_node *c, int rank, const int64_t *ks, const uint32_t *len,
                                int64_t *strides, int64_t *dil, int64_t *pads) {
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "strides", (size_t)rank, 1, 1, 1 << 16, strides));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "dilations", (size_t)rank, 1, 1, 1 << 16, dil));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "pads", 2 * (size_t)rank, 0, 0, 1 << 16, pads));
    int auto_pad;
    OCLNN__TRY(oclnn__onnx_attr_auto_pad(c, &auto_pad));
    if (auto_pad != 2) return OCLNN_OK;
    for (int a = 0; a < rank; a++) {
        int64_t total = (ks[a] - 1) * dil[a];
        if (strides[a] != 1) {
            if (!len) return oclnn__onnx_refuse("auto_pad SAME with a stride over 1 on a 3-D value");
            int64_t out = ((int64_t)len[a] + strides[a] - 1) / strides[a];
            total = (out - 1) * strides[a] + total + 1 - (int64_t)len[a];
            if (total < 0) total = 0;
        }
        if (total > (1 << 20)) return oclnn__onnx_refuse("auto_pad SAME pads too large");
        same_pads(c, total, &pads[a], &pads[rank + a]);
    }
    return OCLNN_OK;
}

oclnn_status oclnn__onnx_window_sizes(const oclnn__onnx_node *c, const oclnn__onnx_value *x, uint32_t len[2]) {
    int64_t s[3] = {1, 1, 1};
    int auto_pad, rank = x->rank - 2;
    len[0] = len[1] = 0;
    if (rank > 2 || oclnn__onnx_attr_auto_pad(c, &auto_pad) != OCLNN_OK || auto_pad != 2 ||
        oclnn__onnx_attr_ints(c, "strides", (size_t)rank, 1, 1, 1 << 16, s) != OCLNN_OK || (s[0] == 1 && s[rank - 1] == 1))
        return OCLNN_OK; /* not needed (the window's own checks report bad attributes) */
    oclnn_shape xs;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &xs));
    len[0] = rank == 1 ? xs.w : xs.h;
    len[1] = xs.w;
    return OCLNN_OK;
}

static oclnn_status conv_desc(oclnn__onnx_node *c, const oclnn__onnx_value *x, const oclnn__onnx_const *w,
                              int64_t group, oclnn_node_desc *d) {
    int rank = x->rank - 2;
    int64_t ks[3], strides[3], dil[3], pads[6], kattr[3];
    for (int a = 0; a < rank; a++) ks[a] = w->dims[2 + a];
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "kernel_shape", (size_t)rank, 0, 1, 1 << 16, kattr));
    for (int a = 0; a < rank && oclnn__onnx_attr(c, "kernel_shape"); a++)
        if (kattr[a] != ks[a]) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "kernel_shape disagrees with the weight");
    uint32_t len[2];
    OCLNN__TRY(oclnn__onnx_window_sizes(c, x, len));
    OCLNN__TRY(oclnn__onnx_window(c, rank, ks, rank == 1 ? len : NULL, strides, dil, pads));
    const uint32_t *fold = c->ld->pool_pad[c->index]; /* a zero Pad before a 1-D conv (the Pad handler) */
    if (fold[0] && oclnn__onnx_attr(c, "auto_pad")) return oclnn__onnx_refuse("a Pad before a Conv with auto_pad");
    if (fold[0]) pads[0] += fold[2], pads[1] += fold[4];
    d->channels = (uint32_t)w->dims[0];
    d->groups = (uint32_t)group;
    if (rank == 1) { /* the 2-D conv with a 1 x k window, as oclnn_conv1d_create */
        d->op = OCLNN_NODE_CONV;
        d->kernel_w = (uint32_t)ks[0];
        d->stride_w = (uint32_t)strides[0];
        d->dilation_w = (uint32_t)dil[0];
        d->pad_w = (uint32_t)pads[0];
        if (pads[0] != pads[1]) {
            d->pad_asymmetric = true;
            d->pad_right = (uint32_t)pads[1];
        }
        return OCLNN_OK;
    }
    for (int a = 0; a < 3; a++)
        if (pads[a] != pads[3 + a])
            return oclnn__onnx_refuse("asymmetric pads on a 3-D value (conv3d pads both sides alike)");
    d->op = OCLNN_NODE_CONV3D;
    d->kernel_d = (uint32_t)ks[0], d->kernel_h = (uint32_t)ks[1], d->kernel_w = (uint32_t)ks[2];
    d->stride_d = (uint32_t)strides[0], d->stride_h = (uint32_t)strides[1], d->stride_w = (uint32_t)strides[2];
    d->dilation_d = (uint32_t)dil[0], d->dilation_h = (uint32_t)dil[1], d->dilation_w = (uint32_t)dil[2];
    d->pad_d = (uint32_t)pads[0], d->pad_h = (uint32_t)pads[1], d->pad_w = (uint32_t)pads[2];
    return OCLNN_OK;
}

oclnn_status oclnn__onnx_conv_nd(oclnn__onnx_node *c, const oclnn__onnx_value *x) {
    if (x->rank == 5 && x->groups) return oclnn__onnx_refuse("a Conv of the channel shuffle's 5-D view");
    int64_t group;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "group", 1, &group));
    oclnn__onnx_const w, b;
    oclnn_status st = oclnn__onnx_input_const(c, 1, true, &w);
    if (st == OCLNN_OK) st = oclnn__onnx_input_const(c, 2, false, &b);
    else memset(&b, 0, sizeof b);
    uint32_t cin = oclnn__onnx_channels_of(c, x->node);
    bool shape_ok = w.ndim == x->rank;
    for (int i = 0; i < w.ndim && shape_ok; i++) shape_ok = w.dims[i] >= 1 && w.dims[i] <= (1 << 24);
    if (st == OCLNN_OK && !shape_ok)
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "weight of rank %d for an input of rank %d", w.ndim, x->rank);
    if (st == OCLNN_OK && (group < 1 || (int64_t)cin != w.dims[1] * group || w.dims[0] % group))
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "group %lld does not fit %u input channels and weight (%lld, %lld, ...)",
                         (long long)group, cin, (long long)w.dims[0], (long long)w.dims[1]);
    if (st == OCLNN_OK && b.t && !oclnn__onnx_is_vector(&b, (size_t)w.dims[0], false))
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "bias has %zu values for %lld output channels", b.count, (long long)w.dims[0]);
    oclnn_node_desc d = oclnn_node_desc_default();
    if (st == OCLNN_OK) st = conv_desc(c, x, &w, group, &d);
    d.bias = b.t != NULL;
    if (st == OCLNN_OK) st = oclnn__onnx_add_node(c, &d, &x->node, 1, x->rank);
    if (st == OCLNN_OK) st = oclnn__onnx_set_param(c, "weight", w.data, w.count);
    if (st == OCLNN_OK && b.t) st = oclnn__onnx_set_param(c, "bias", b.data, b.count);
    free(w.data);
    free(b.data);
    return st;
}

/* MaxPool / AveragePool of a 1-D value (the 2-D pool with a 1 x k window, ceil_mode as 2-D) or a
 * 3-D value (pool3d: floor mode only). Attributes already checked known by oclnn__onnx_pool. */
oclnn_status oclnn__onnx_pool_nd(oclnn__onnx_node *c, const oclnn__onnx_value *x, bool max) {
    if (x->rank == 5 && x->groups) return oclnn__onnx_refuse("pooling of the channel shuffle's 5-D view");
    int rank = x->rank - 2;
    int64_t ks[3], strides[3], dil[3], pads[6], ceil_mode, cip, order;
    if (!oclnn__onnx_attr(c, "kernel_shape")) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "kernel_shape is missing");
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "kernel_shape", (size_t)rank, 1, 1, 1 << 16, ks));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "ceil_mode", 0, &ceil_mode));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "count_include_pad", 0, &cip));
    OCLNN__TRY(oclnn__onnx_attr_int(c, "storage_order", 0, &order));
    if (order) return oclnn__onnx_refuse("storage_order=1");
    uint32_t len[2];
    OCLNN__TRY(oclnn__onnx_window_sizes(c, x, len));
    OCLNN__TRY(oclnn__onnx_window(c, rank, ks, rank == 1 ? len : NULL, strides, dil, pads));
    bool asym = false;
    for (int a = 0; a < rank; a++) {
        if (dil[a] != 1) return oclnn__onnx_refuse("dilations other than 1 for pooling");
        asym |= pads[a] != pads[rank + a];
    }
    if (asym && rank == 3) return oclnn__onnx_refuse("asymmetric pads (or SAME) on a 3-D value (pool3d pads both sides alike)");
    int auto_pad;
    OCLNN__TRY(oclnn__onnx_attr_auto_pad(c, &auto_pad));
    if ((asym || auto_pad == 2) && ceil_mode) return oclnn__onnx_refuse("ceil_mode with asymmetric pads or auto_pad SAME");
    oclnn_node_desc d = oclnn_node_desc_default();
    d.count_include_pad = cip != 0;
    const uint32_t *f = c->ld->pool_pad[c->index]; /* a symmetric zero Pad before an AveragePool */
    if (f[0]) {
        for (int a = 0; a < 2 * rank; a++)
            if (pads[a]) return oclnn__onnx_refuse("a Pad before a padded pool");
        if (ceil_mode) return oclnn__onnx_refuse("a Pad before a ceil_mode pool");
        if (rank == 1) pads[0] = pads[1] = f[2];
        else pads[0] = pads[3] = f[5], pads[1] = pads[4] = f[1], pads[2] = pads[5] = f[2];
        d.count_include_pad = true; /* zeros padded before the pool count in its average */
    }
    if (rank == 1) {
        d.op = max ? OCLNN_NODE_MAX_POOL : OCLNN_NODE_AVG_POOL;
        d.kernel_w = (uint32_t)ks[0];
        d.stride_w = (uint32_t)strides[0];
        d.pad_w = (uint32_t)pads[0];
        d.pad_asymmetric = asym; /* issue 16 */
        d.pad_right = (uint32_t)pads[1];
        d.ceil_mode = ceil_mode != 0;
    } else {
        if (ceil_mode) return oclnn__onnx_refuse("ceil_mode on a 3-D value (3-D pooling is floor mode)");
        d.op = max ? OCLNN_NODE_MAX_POOL3D : OCLNN_NODE_AVG_POOL3D;
        d.kernel_d = (uint32_t)ks[0], d.kernel_h = (uint32_t)ks[1], d.kernel_w = (uint32_t)ks[2];
        d.stride_d = (uint32_t)strides[0], d.stride_h = (uint32_t)strides[1], d.stride_w = (uint32_t)strides[2];
        d.pad_d = (uint32_t)pads[0], d.pad_h = (uint32_t)pads[1], d.pad_w = (uint32_t)pads[2];
    }
    return oclnn__onnx_add_node(c, &d, &x->node, 1, x->rank);
}

#endif
