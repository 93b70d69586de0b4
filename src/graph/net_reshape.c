/* SPDX-License-Identifier: MIT */
/* oclnn_net_reshape (issue 16): a created net takes a new batch and input size without its
 * weights being copied or uploaded again, as XNNPACK's create -> reshape split: the graph's
 * structure (kept without parameter data) gives the new shapes; each step's operator then follows
 *   convolution            a new operator whose backend state shares the old one's weights and
 *                          kernels, with the algorithm and tunables chosen at create;
 *   fc, batch norm,        the same operator, its shape changed in place (fc: the batch only;
 *   element-wise           its in-features fix the input's size);
 *   transposed conv        a new operator borrowing the old one's parameters (handed over at
 *                          commit) and sharing its GEMM's weights;
 *   pooling, concat,       created again from the node: they hold no weights, and their kernels
 *   softmax, resize,       come from the context's program cache.
 *   channel shuffle, LRN
 * The buffers are planned again for the new shapes. Everything that can fail (checks, the new
 * operators, the new tensors) happens before the net is changed, so a refused or failed reshape
 * leaves the net as it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/context.h"
#include "core/handle.h"
#include "core/status.h"
#include "core/tensor.h"
#include "graph/net_compile.h"
#include "ops/reshape.h"

oclnn_status oclnn__net_keep_skeleton(oclnn_net *net, const oclnn_graph *g) {
    oclnn_graph *k;
    OCLNN__TRY(oclnn_graph_create(&k));
    k->nodes = calloc(g->count, sizeof *k->nodes);
    if (!k->nodes) {
        oclnn_graph_destroy(k);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot copy the graph's structure");
    }
    k->cap = g->count;
    for (size_t i = 0; i < g->count; i++) {
        oclnn__node *d = &k->nodes[i];
        *d = g->nodes[i];
        d->inputs = NULL;
        for (size_t p = 0; p < d->param_count; p++) d->params[p].data = NULL;
        k->count = i + 1;
        if (g->nodes[i].input_count) {
            d->inputs = malloc(d->input_count * sizeof *d->inputs);
            if (!d->inputs) {
                d->input_count = 0;
                oclnn_graph_destroy(k);
                return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot copy the graph's structure");
            }
            memcpy(d->inputs, g->nodes[i].inputs, d->input_count * sizeof *d->inputs);
        }
    }
    k->fixed_h = g->fixed_h;
    k->fixed_w = g->fixed_w;
    net->skeleton = k;
    return OCLNN_OK;
}

/* Phase one for step s: the new operator in *fresh (a convolution's clone, a weightless op made
 * again), or for the ops changed in place only the check. Nothing of the net changes. */
static oclnn_status prepare_step(oclnn_net *net, const oclnn__step *s, const oclnn_shape *shapes,
                                 oclnn_op **fresh) {
    const oclnn__node *nd = &net->skeleton->nodes[s->node];
    oclnn_context *ctx = net->ctx;
    oclnn_shape in = s->src[0] >= 0 ? shapes[s->src[0]] : shapes[s->node], o = shapes[s->dst];
    switch (s->kind) {
    case OCLNN__STEP_CONV: return oclnn__conv2d_reshape(s->op, in, fresh);
    case OCLNN__STEP_FC: return oclnn__fc_reshape(s->op, in, false);
    case OCLNN__STEP_BATCHNORM: return oclnn__batchnorm_reshape(s->op, in, false);
    case OCLNN__STEP_ELTWISE: return oclnn__eltwise_reshape(s->op, o, false); /* a binary op's a may be broadcast */
    case OCLNN__STEP_POOL: {
        oclnn_pool2d_desc pd = oclnn__net_pool_desc(&nd->desc, in, o);
        return oclnn_pool2d_create(ctx, &pd, fresh);
    }
    case OCLNN__STEP_SOFTMAX: {
        oclnn_softmax_desc sd = OCLNN_SOFTMAX_DESC_INIT;
        sd.shape = in;
        return oclnn_softmax_create(ctx, &sd, fresh);
    }
    case OCLNN__STEP_RESIZE: {
        oclnn_resize_desc rd = oclnn__net_resize_desc(&nd->desc, in);
        return oclnn_resize_create(ctx, &rd, fresh);
    }
    case OCLNN__STEP_CHANNEL_SHUFFLE: {
        oclnn_channel_shuffle_desc sd = oclnn__net_shuffle_desc(&nd->desc, in);
        return oclnn_channel_shuffle_create(ctx, &sd, fresh);
    }
    case OCLNN__STEP_LRN: { /* issue 16 */
        oclnn_lrn_desc ld = oclnn__net_lrn_desc(&nd->desc, in);
        return oclnn_lrn_create(ctx, &ld, fresh);
    }
    case OCLNN__STEP_CONCAT: {
        oclnn_shape *ins = oclnn__alloc(ctx->allocator, s->nsrcs * sizeof *ins);
        if (!ins) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "out of memory");
        for (size_t q = 0; q < s->nsrcs; q++) ins[q] = shapes[s->srcs[q]];
        oclnn_status st = oclnn_concat_create(ctx, ins, s->nsrcs, fresh);
        oclnn__free(ctx->allocator, ins);
        return st;
    }
    case OCLNN__STEP_DECONV: return oclnn__deconv2d_reshape(s->op, in, fresh);
    case OCLNN__STEP_CONV3D:
    case OCLNN__STEP_POOL3D: break; /* refused in oclnn_net_reshape before any step */
    }
    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "unknown step kind %d", (int)s->kind);
}

/* Phase two, which cannot fail: the new operators and shapes go in. */
static void commit_steps(oclnn_net *net, const oclnn_shape *shapes, oclnn_op **fresh) {
    for (size_t k = 0; k < net->step_count; k++) {
        oclnn__step *s = &net->steps[k];
        oclnn_shape in = s->src[0] >= 0 ? shapes[s->src[0]] : shapes[s->node];
        if (fresh[k]) {
            if (s->kind == OCLNN__STEP_DECONV) oclnn__deconv2d_take(fresh[k], s->op);
            oclnn_op_destroy(s->op);
            s->op = fresh[k];
        } else if (s->kind == OCLNN__STEP_FC) {
            (void)oclnn__fc_reshape(s->op, in, true); /* checked in phase one */
        } else if (s->kind == OCLNN__STEP_BATCHNORM) {
            (void)oclnn__batchnorm_reshape(s->op, in, true);
        } else if (s->kind == OCLNN__STEP_ELTWISE) {
            (void)oclnn__eltwise_reshape(s->op, shapes[s->dst], true);
        }
        /* conv and fc count per output element, deconv per input element */
        int v = s->kind == OCLNN__STEP_DECONV ? s->src[0] : s->dst;
        oclnn_shape a = net->values[v].shape, b = shapes[v];
        double before = (double)a.n * a.c * a.h * a.w, after = (double)b.n * b.c * b.h * b.w;
        s->flops = before > 0 ? s->flops * after / before : 0;
        s->ms = 0;
    }
}

static oclnn_status check_args(const oclnn_net *net, size_t batch, size_t height, size_t width) {
    if (!net) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "net is NULL");
    if (!oclnn__handle_live(net) || net->magic != OCLNN__MAGIC_NET)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "net is not a live net");
    OCLNN__TRY(oclnn__context_check(net->ctx, "net's context"));
    if (!batch || !height || !width)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "batch (%zu), height (%zu) and width (%zu) must "
                           "be at least 1", batch, height, width);
    if (batch > UINT32_MAX || height > UINT32_MAX || width > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "batch (%zu), height (%zu) and width (%zu) must "
                           "fit 32 bits", batch, height, width);
    if (!net->skeleton) return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "this net keeps no graph structure");
    return OCLNN_OK;
}

/* Nodes compiled away at create (an adaptive pooling that was the identity) must stay so. */
static oclnn_status check_elided(const oclnn_net *net, const oclnn_shape *shapes) {
    for (size_t i = 0; i < net->node_count; i++) {
        int r = net->rep[i];
        if (r == (int)i || oclnn__shape_eq(shapes[i], shapes[r])) continue;
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "node \"%s\" (%s) was compiled away at create (the "
                           "identity at that size) but is not at the new size; create the net for it",
                           net->names[i], oclnn_node_op_name(net->skeleton->nodes[i].desc.op));
    }
    return OCLNN_OK;
}

/* Phase one for all steps and the tensors; on success the caller commits. */
static oclnn_status prepare(oclnn_net *net, const oclnn_shape *shapes, oclnn_op **fresh, oclnn_net *shadow) {
    for (size_t k = 0; k < net->step_count; k++) {
        oclnn__error_context("node \"%s\": ", net->names[net->steps[k].node]);
        oclnn_status st = prepare_step(net, &net->steps[k], shapes, &fresh[k]);
        oclnn__error_context(NULL);
        OCLNN__TRY(st);
    }
    for (size_t i = 0; i < net->node_count; i++) {
        shadow->values[i] = net->values[i];
        shadow->values[i].shape = shapes[i];
        shadow->values[i].buffer = -1;
        shadow->values[i].t = NULL;
    }
    return oclnn__net_make_tensors(shadow, net->skeleton);
}

oclnn_status oclnn_net_reshape(oclnn_net *net, size_t batch, size_t height, size_t width) {
    OCLNN__ENTER();
    OCLNN__TRY(check_args(net, batch, height, width));
    for (size_t v = 0; v < net->node_count; v++)
        if (net->values[v].depth) /* issue 19's 3-D values: shape inference here is 2-D only */
            return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "node \"%s\": a net with 3-D values keeps its shape "
                               "(create another net for another batch or size)", net->skeleton->nodes[v].name);
    const oclnn_allocator *al = net->ctx->allocator;
    oclnn_shape in = net->values[net->input].shape;
    in.n = (uint32_t)batch, in.h = (uint32_t)height, in.w = (uint32_t)width;
    OCLNN__TRY(oclnn__check_shape(in, "the new input"));
    const oclnn_graph *sk = net->skeleton;
    OCLNN__TRY(oclnn__net_check_size(sk, in.h, in.w));
    size_t n = net->node_count;
    oclnn_shape *shapes = oclnn__alloc(al, n * sizeof *shapes);
    oclnn_op **fresh = oclnn__calloc(al, net->step_count ? net->step_count : 1, sizeof *fresh);
    oclnn_net shadow = *net;
    shadow.values = oclnn__calloc(al, n, sizeof *shadow.values);
    shadow.buffers = NULL;
    shadow.buffer_count = 0;
    memset(&shadow.mem, 0, sizeof shadow.mem);
    oclnn_status st = OCLNN_OK;
    if (!shapes || !fresh || !shadow.values) st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot reshape the net");
    if (st == OCLNN_OK) st = oclnn_graph_infer_shapes(net->skeleton, in, shapes); /* names the node */
    if (st == OCLNN_OK) st = check_elided(net, shapes);
    if (st == OCLNN_OK) st = prepare(net, shapes, fresh, &shadow);
    if (st == OCLNN_OK) {
        commit_steps(net, shapes, fresh);
        oclnn__net_free_tensors(net);
        oclnn__free(al, net->values);
        net->values = shadow.values;
        net->buffers = shadow.buffers;
        net->buffer_count = shadow.buffer_count;
        net->mem.activations = shadow.mem.activations;
        net->mem.activations_live = shadow.mem.activations_live;
        net->mem.io = shadow.mem.io;
        net->mem.workspace = 0;
        for (size_t k = 0; k < net->step_count; k++) {
            size_t w = oclnn_op_workspace_size(net->steps[k].op);
            if (w > net->mem.workspace) net->mem.workspace = w;
        }
        net->mem.peak = net->mem.activations + net->mem.io + net->mem.weights + net->mem.workspace;
    } else {
        if (shadow.values) oclnn__net_free_tensors(&shadow);
        oclnn__free(al, shadow.values);
        for (size_t k = 0; fresh && k < net->step_count; k++) oclnn_op_destroy(fresh[k]);
    }
    oclnn__free(al, shapes);
    oclnn__free(al, fresh);
    return st;
}
