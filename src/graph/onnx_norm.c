/* SPDX-License-Identifier: MIT */
/* ONNX LRN, and Sub, Div and broadcasting Add of two node values (issue 16), onto the LRN and
 * BINARY graph nodes; onnx_eltwise.c hands the two-tensor cases of Add, Sub and Div here. */
#include <math.h>
#include <stdio.h>

#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX
typedef int oclnn__onnx_norm_disabled; /* ISO C wants a declaration in every translation unit */
#else

#include "graph/onnx.h"

/* LRN across channels (AlexNet, GoogLeNet): square_sum over channels [c - floor((size - 1) / 2),
 * c + ceil((size - 1) / 2)], y = x / (bias + alpha / size * square_sum)^beta. oclnn_lrn divides
 * alpha by the size too, but its window is torch's, [c - floor(size / 2), c + floor((size - 1) /
 * 2)]: the same for an odd size, mirrored for an even one, so an even size is refused. */
oclnn_status oclnn__onnx_lrn(oclnn__onnx_node *c) {
    static const char *const known[] = {"size", "alpha", "beta", "bias", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    if (!oclnn__onnx_attr(c, "size")) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "attribute size is missing");
    int64_t size;
    float alpha, beta, bias;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "size", 1, &size));
    OCLNN__TRY(oclnn__onnx_attr_float(c, "alpha", 1e-4f, &alpha));
    OCLNN__TRY(oclnn__onnx_attr_float(c, "beta", 0.75f, &beta));
    OCLNN__TRY(oclnn__onnx_attr_float(c, "bias", 1.0f, &bias));
    if (size < 1 || size > 65535) return oclnn__onnx_refuse("size %lld (1 to 65535)", (long long)size);
    if (size % 2 == 0)
        return oclnn__onnx_refuse("even size %lld (ONNX centres an even window one channel later than torch's "
                                  "LocalResponseNorm, which oclnn_lrn computes; only odd sizes)", (long long)size);
    if (!(alpha >= 0.0f) || !isfinite(alpha) || !(beta >= 0.0f) || !isfinite(beta) || !(bias > 0.0f) ||
        !isfinite(bias))
        return oclnn__onnx_refuse("alpha %g, beta %g, bias %g (alpha and beta finite and >= 0, bias finite and > 0)",
                                  (double)alpha, (double)beta, (double)bias);
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_LRN;
    d.lrn_size = (uint32_t)size;
    d.lrn_alpha = alpha;
    d.lrn_beta = beta;
    d.lrn_bias = bias;
    return oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
}

static bool plane1(oclnn_shape s) { return s.h == 1 && s.w == 1; }

/* a `op` b of two node values of one rank: one shape, or either of them (n, c, 1, 1) broadcast
 * over the other's h and w (their shapes at the model's input size, 224 where symbolic; the net
 * checks them again at create). */
oclnn_status oclnn__onnx_binary(oclnn__onnx_node *c, oclnn_eltwise_op op, const oclnn__onnx_value *a,
                                const oclnn__onnx_value *b) {
    const char *what = op == OCLNN_ELTWISE_ADD   ? "Add"
                       : op == OCLNN_ELTWISE_SUB ? "Sub"
                       : op == OCLNN_ELTWISE_MUL ? "Mul"
                                                 : "Div";
    if (a->rank != b->rank)
        return oclnn__onnx_refuse("%s of tensors of ranks %d and %d (only one rank: one shape, or a (n, c, 1, 1) "
                                  "operand)", what, a->rank, b->rank);
    if (a->rank != 2 && a->rank != 4) return oclnn__onnx_refuse("%s of tensors of rank %d (only 2 or 4)", what, a->rank);
    oclnn_shape sa, sb;
    OCLNN__TRY(oclnn__onnx_value_shape(c, a->node, &sa));
    OCLNN__TRY(oclnn__onnx_value_shape(c, b->node, &sb));
    bool same = sa.c == sb.c && sa.h == sb.h && sa.w == sb.w;
    if (!same && !(sa.c == sb.c && (plane1(sa) || plane1(sb))))
        return oclnn__onnx_refuse("%s of (n, %u, %u, %u) and (n, %u, %u, %u) (only one shape, or one of them "
                                  "(n, c, 1, 1), broadcast per channel)", what, sa.c, sa.h, sa.w, sb.c, sb.h, sb.w);
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_BINARY;
    d.eltwise = op;
    int in[2] = {a->node, b->node};
    return oclnn__onnx_add_node(c, &d, in, 2, a->rank);
}

#endif
