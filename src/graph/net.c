/* SPDX-License-Identifier: MIT */
/* Compiling a graph for a context, and running it. Backend-neutral: every op goes through the
 * public op API, so the same code runs on OpenCL and on the C backend.
 *
 * Compilation, in order:
 *   1. shapes: oclnn_graph_infer_shapes;
 *   2. fusion, in node order: a convolution absorbs the batch norm that is its only consumer
 *      (folded into weights and bias), then an add that is the only consumer (the other operand
 *      becomes the fused residual), then a ReLU (the fused activation); an add absorbs a ReLU.
 *      A fused step runs at the position of the last node it absorbs, so a residual computed
 *      later in node order (ResNet's downsample) is ready;
 *   3. concat: an input whose only reader is the concat is written straight into its channel
 *      slice of the output (a view); the others are copied by a concat op;
 *   4. memory: each value lives from the step that writes it to the last step that reads it;
 *      oclnn__plan_memory shares buffers between values whose lifetimes do not overlap, and each
 *      value gets a tensor of its shape over its buffer. The input and output are dedicated. */
#include "graph/net.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/context.h"
#include "core/handle.h"
#include "core/status.h"
#include "core/tensor.h"
#include "graph/alias.h"
#include "graph/fuse.h"
#include "graph/net_compile.h"
#include "graph/plan.h"

/* Compilation calls public functions; their failures are reported under oclnn_net_create's name
 * (the entry is nesting-aware), with the node named through oclnn__error_context. The step
 * makers are in net_steps.c. */

static int root_of(const oclnn_net *net, int v) {
    while (net->values[v].view_of >= 0) v = net->values[v].view_of;
    return v;
}

static int cmp_position(const void *a, const void *b) {
    const oclnn__step *x = a, *y = b;
    return (x->position > y->position) - (x->position < y->position);
}

/* Marks concat inputs that can be written in place as views of the concat output. */
static void assign_views(oclnn_net *net) {
    for (size_t k = net->step_count; k-- > 0;) {
        oclnn__step *s = &net->steps[k];
        if (s->kind != OCLNN__STEP_CONCAT) continue;
        uint32_t offset = 0;
        size_t copied = 0;
        for (size_t q = 0; q < s->nsrcs; q++) {
            int r = s->srcs[q];
            oclnn__value *v = &net->values[r];
            bool twice = false;
            for (size_t p = 0; p < s->nsrcs; p++) twice |= p != q && s->srcs[p] == r;
            if (r != net->input && r != net->output && v->view_of < 0 && v->uses == 1 && !twice) {
                v->view_of = s->dst;
                v->c_offset = offset;
            } else {
                copied++;
            }
            offset += v->shape.c;
        }
        if (!copied) { /* every branch writes its slice: nothing left to run */
            oclnn_op_destroy(s->op);
            s->op = NULL;
        }
    }
}

oclnn_status oclnn__net_make_tensors(oclnn_net *net, const oclnn_graph *g) {
    const oclnn_allocator *al = net->ctx->allocator;
    size_t n = net->node_count;
    oclnn__plan_value *pv = oclnn__alloc(al, n * sizeof *pv);
    int *pv_value = oclnn__alloc(al, n * sizeof *pv_value);
    size_t *bytes = oclnn__alloc(al, n * sizeof *bytes);
    oclnn_status st = OCLNN_OK;
    if (!pv || !pv_value || !bytes) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot plan the memory");
        goto done;
    }
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        oclnn__value *v = &net->values[i];
        if (net->rep[i] != (int)i || v->view_of >= 0 || (int)i == net->input || (int)i == net->output ||
            (net->kept && net->kept[i]))
            continue;
        if (v->first == INT_MAX) continue; /* not written by any step */
        oclnn__shape_bytes(v->shape, NULL, &pv[count].bytes);
        pv[count].first = v->first;
        pv[count].last = v->last < v->first ? v->first : v->last;
        pv_value[count++] = (int)i;
    }
    oclnn__plan_result r;
    if (!oclnn__plan_memory(pv, count, bytes, &r)) {
        st = oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "memory plan failed (sizes overflow)");
        goto done;
    }
    net->buffers = oclnn__calloc(al, r.buffers ? r.buffers : 1, sizeof *net->buffers);
    if (!net->buffers) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the buffer list");
        goto done;
    }
    net->buffer_count = r.buffers;
    for (size_t b = 0; b < r.buffers && st == OCLNN_OK; b++) {
        oclnn_shape s = {1, (uint32_t)(bytes[b] / sizeof(float)), 1, 1};
        if (bytes[b] / sizeof(float) > UINT32_MAX) s = (oclnn_shape){(uint32_t)(bytes[b] / sizeof(float) / 4096), 4096, 1, 1};
        st = oclnn_tensor_create(net->ctx, s, OCLNN_LAYOUT_NCHW, &net->buffers[b]);
    }
    for (size_t k = 0; k < count && st == OCLNN_OK; k++) {
        oclnn__value *v = &net->values[pv_value[k]];
        v->buffer = pv[k].buffer;
        st = oclnn__tensor_alias(net->buffers[v->buffer], v->shape, net->layout, &v->t);
    }
    net->mem.activations = r.total_bytes;
    net->mem.activations_live = r.live_peak;
    for (int io = 0; io < 2 && st == OCLNN_OK; io++) {
        oclnn__value *v = &net->values[io ? net->output : net->input];
        st = oclnn_tensor_create(net->ctx, v->shape, net->layout, &v->t);
        size_t b;
        oclnn__shape_bytes(v->shape, NULL, &b);
        net->mem.io += b;
    }
    for (size_t i = 0; i < n && st == OCLNN_OK && net->kept; i++) {
        if (!net->kept[i] || (int)i == net->output) continue;
        st = oclnn_tensor_create(net->ctx, net->values[i].shape, net->layout, &net->values[i].t);
        size_t b;
        oclnn__shape_bytes(net->values[i].shape, NULL, &b);
        net->mem.io += b;
    }
    /* Views, outer concats first so nested ones can view a view. */
    for (size_t i = n; i-- > 0 && st == OCLNN_OK;) {
        if (g->nodes[i].desc.op != OCLNN_NODE_CONCAT || net->rep[i] != (int)i) continue;
        for (size_t q = 0; q < g->nodes[i].input_count && st == OCLNN_OK; q++) {
            oclnn__value *v = &net->values[net->rep[g->nodes[i].inputs[q]]];
            if (v->view_of != (int)i || v->t) continue;
            oclnn__error_context("node \"%s\": ", g->nodes[i].name);
            st = oclnn_tensor_view_channels(net->values[i].t, v->c_offset, v->shape.c, &v->t);
            oclnn__error_context(NULL);
        }
    }
    for (size_t i = 0; i < n && st == OCLNN_OK; i++) /* issue 19: 5-D values unfold in 3-D ops */
        if (net->values[i].t) net->values[i].t->depth = net->values[i].depth;
done:
    oclnn__free(al, pv);
    oclnn__free(al, pv_value);
    oclnn__free(al, bytes);
    return st;
}

static oclnn_status compile(oclnn__compiler *c) {
    const oclnn_allocator *al = c->net->ctx->allocator;
    oclnn_net *net = c->net;
    const oclnn_graph *g = c->g;
    size_t n = g->count;
    oclnn__fuse_init(&c->fuse, g, c->uses, c->consumer, c->absorbed);
    for (size_t i = 0; i < n; i++) {
        net->rep[i] = (int)i;
        net->values[i] = (oclnn__value){c->shapes[i], -1, 0, INT_MAX, -1, 0, -1, NULL, c->depths[i]};
    }
    for (size_t i = 0; i < n; i++) {
        if (c->absorbed[i] || g->nodes[i].desc.op == OCLNN_NODE_INPUT) continue;
        const oclnn__node *nd = &g->nodes[i];
        /* Adaptive pooling to the size it already has is the identity: no step. */
        if (nd->desc.op == OCLNN_NODE_ADAPTIVE_AVG_POOL && oclnn__shape_eq(c->shapes[i], c->shapes[nd->inputs[0]]) &&
            (int)i != (int)n - 1) {
            net->rep[i] = net->rep[nd->inputs[0]];
            continue;
        }
        oclnn__step *s = &net->steps[net->step_count];
        memset(s, 0, sizeof *s);
        oclnn__error_context("node \"%s\": ", nd->name);
        oclnn_status st = oclnn__net_make_step(c, (int)i, s);
        oclnn__error_context(NULL);
        OCLNN__TRY(st);
        net->step_count++;
        if (c->progress) c->progress(c->user, i, n - 1, nd->name); /* node 0 is the input */
    }
    /* Sources were recorded as node ids: map them to values now that every rep is known. */
    net->input = 0;
    net->output = net->rep[n - 1];
    if (net->output == net->input)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the network's output is its input; nothing to compile");
    for (size_t k = 0; k < net->step_count; k++) {
        oclnn__step *s = &net->steps[k];
        for (int q = 0; q < 2; q++)
            if (s->src[q] >= 0) net->values[s->src[q] = net->rep[s->src[q]]].uses++;
        for (size_t q = 0; q < s->nsrcs; q++) net->values[s->srcs[q] = net->rep[s->srcs[q]]].uses++;
    }
    net->values[net->output].uses++;
    for (size_t k = 0; k < c->nkeep; k++) {
        int node = c->keep[k];
        if (node <= 0 || (size_t)node >= n || c->absorbed[node] || net->rep[node] != node)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "kept node %d is not a value of its own", node);
        net->values[node].uses++;
        net->kept[node] = true;
    }
    qsort(net->steps, net->step_count, sizeof *net->steps, cmp_position);
    assign_views(net);
    /* Lifetimes on roots, at step positions. */
    for (size_t k = 0; k < net->step_count; k++) {
        oclnn__step *s = &net->steps[k];
        oclnn__value *d = &net->values[root_of(net, s->dst)];
        if (s->position < d->first) d->first = s->position;
        if (s->position > d->last) d->last = s->position;
        for (int q = 0; q < 2; q++)
            if (s->src[q] >= 0) {
                oclnn__value *v = &net->values[root_of(net, s->src[q])];
                if (s->position > v->last) v->last = s->position;
            }
        for (size_t q = 0; q < s->nsrcs; q++) {
            oclnn__value *v = &net->values[root_of(net, s->srcs[q])];
            if (s->position > v->last) v->last = s->position;
        }
    }
    OCLNN__TRY(oclnn__net_make_tensors(net, g));
    /* Drop the steps that have nothing to run (concats written in place). */
    size_t kept = 0;
    for (size_t k = 0; k < net->step_count; k++) {
        if (net->steps[k].op) net->steps[kept++] = net->steps[k];
        else oclnn__free(al, net->steps[k].srcs);
    }
    memset(net->steps + kept, 0, (net->step_count - kept) * sizeof *net->steps);
    net->step_count = kept;
    net->mem.weights = c->weight_floats * sizeof(float);
    for (size_t k = 0; k < net->step_count; k++) {
        size_t w = oclnn_op_workspace_size(net->steps[k].op);
        if (w > net->mem.workspace) net->mem.workspace = w;
    }
    net->mem.peak = net->mem.activations + net->mem.io + net->mem.weights + net->mem.workspace;
    return OCLNN_OK;
}

oclnn_status oclnn__net_check_size(const oclnn_graph *g, uint32_t h, uint32_t w) {
    if ((g->fixed_h && h != g->fixed_h) || (g->fixed_w && w != g->fixed_w))
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "node \"%s\": the ONNX model declares its input as %u x %u (its "
                           "shapes were folded for that size), not %u x %u: only the batch can change; export it "
                           "with symbolic height and width to run it at another size", g->nodes[0].name, g->fixed_h,
                           g->fixed_w, h, w);
    return OCLNN_OK;
}

oclnn_status oclnn_net_create(oclnn_context *ctx, const oclnn_graph *g, oclnn_shape input, oclnn_net **out) {
    OCLNN__ENTER(); /* the outermost call names the messages */
    return oclnn_net_create_progress(ctx, g, input, NULL, NULL, out);
}

static oclnn_status create(oclnn_context *ctx, const oclnn_graph *g, oclnn_shape input, oclnn_progress_fn progress,
                           void *user, const int *keep, size_t nkeep, oclnn_net **out);

oclnn_status oclnn_net_create_progress(oclnn_context *ctx, const oclnn_graph *g, oclnn_shape input,
                                       oclnn_progress_fn progress, void *user, oclnn_net **out) {
    OCLNN__ENTER();
    return create(ctx, g, input, progress, user, NULL, 0, out);
}

oclnn_status oclnn__net_create_keep(oclnn_context *ctx, const oclnn_graph *g, oclnn_shape input, const int *keep,
                                    size_t nkeep, oclnn_net **out) {
    return create(ctx, g, input, NULL, NULL, keep, nkeep, out);
}

oclnn_tensor *oclnn__net_value(oclnn_net *net, int node) {
    if (!net || node < 0 || (size_t)node >= net->node_count) return NULL;
    if (node != net->output && (!net->kept || !net->kept[node])) return NULL;
    return net->values[node].t;
}

static oclnn_status create(oclnn_context *ctx, const oclnn_graph *g, oclnn_shape input, oclnn_progress_fn progress,
                           void *user, const int *keep, size_t nkeep, oclnn_net **out) {
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    OCLNN__TRY(oclnn__graph_check(g, "g"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    size_t n = g->count;
    if (n < 2) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the graph has %zu node(s); it needs an input and an op", n);
    OCLNN__TRY(oclnn__net_check_size(g, input.h, input.w));
    oclnn__compiler c = {0};
    const oclnn_allocator *al = ctx->allocator;
    /* the shapes, then each value's depth (issue 19: 0 for 4-D values) */
    oclnn_shape *shapes = oclnn__alloc(al, n * (sizeof *shapes + sizeof *c.depths));
    oclnn_net *net = oclnn__calloc(al, 1, sizeof *net);
    c.uses = oclnn__calloc(al, n, sizeof *c.uses);
    c.consumer = oclnn__calloc(al, n, sizeof *c.consumer);
    c.absorbed = oclnn__calloc(al, n, sizeof *c.absorbed);
    oclnn_status st = OCLNN_OK;
    if (!shapes || !net || !c.uses || !c.consumer || !c.absorbed) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the net");
        goto fail;
    }
    if (!oclnn__handle_add(net)) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot register the net");
        goto fail;
    }
    net->magic = OCLNN__MAGIC_NET;
    net->ctx = ctx;
    oclnn__context_retain(ctx);
    net->layout = ctx->layout;
    net->node_count = n;
    net->names = oclnn__alloc(al, n * sizeof *net->names);
    net->rep = oclnn__alloc(al, n * sizeof *net->rep);
    net->values = oclnn__calloc(al, n, sizeof *net->values);
    net->steps = oclnn__calloc(al, n, sizeof *net->steps);
    if (nkeep) net->kept = oclnn__calloc(al, n, sizeof *net->kept);
    if (!net->names || !net->rep || !net->values || !net->steps || (nkeep && !net->kept)) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the net");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) memcpy(net->names[i], g->nodes[i].name, OCLNN__NAME_MAX);
    c.depths = shapes ? (uint32_t *)(shapes + n) : NULL;
    st = oclnn__graph_infer_shapes_nd(g, input, shapes, c.depths); /* its message names the node */
    if (st != OCLNN_OK) goto fail;
    c.net = net;
    c.g = g;
    c.shapes = shapes;
    c.progress = progress;
    c.user = user;
    c.keep = keep;
    c.nkeep = nkeep;
    st = compile(&c);
    if (st == OCLNN_OK) st = oclnn__net_keep_skeleton(net, g); /* for oclnn_net_reshape */
    if (st != OCLNN_OK) goto fail;
    oclnn__free(al, shapes);
    oclnn__free(al, c.uses);
    oclnn__free(al, c.consumer);
    oclnn__free(al, c.absorbed);
    *out = net;
    return OCLNN_OK;
fail:
    oclnn__free(al, shapes);
    oclnn__free(al, c.uses);
    oclnn__free(al, c.consumer);
    oclnn__free(al, c.absorbed);
    /* Destroying never touches this thread's message, so the failure's text survives. */
    if (net && net->magic == OCLNN__MAGIC_NET) oclnn_net_destroy(net);
    else {
        if (net) oclnn__handle_remove(net);
        oclnn__free(al, net);
    }
    return st;
}

void oclnn__net_free_tensors(oclnn_net *net) {
    if (net->values) /* views first, then aliases and dedicated tensors, then the buffers */
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < net->node_count; i++)
                if ((net->values[i].view_of >= 0) == (pass == 0)) {
                    oclnn_tensor_destroy(net->values[i].t);
                    net->values[i].t = NULL;
                }
    for (size_t b = 0; b < net->buffer_count; b++) oclnn_tensor_destroy(net->buffers[b]);
    oclnn__free(net->ctx->allocator, net->buffers);
    net->buffers = NULL;
    net->buffer_count = 0;
}

void oclnn_net_destroy(oclnn_net *net) {
    if (!net || !oclnn__handle_live(net) || net->magic != OCLNN__MAGIC_NET) return;
    oclnn__handle_remove(net);
    const oclnn_allocator *al = net->ctx->allocator;
    if (net->steps)
        for (size_t k = 0; k < net->node_count; k++) {
            oclnn_op_destroy(net->steps[k].op);
            oclnn__free(al, net->steps[k].srcs);
        }
    oclnn__net_free_tensors(net);
    oclnn__free(al, net->steps);
    oclnn__free(al, net->values);
    oclnn_graph_destroy(net->skeleton);
    oclnn__free(al, net->rep);
    oclnn__free(al, net->kept);
    oclnn__free(al, net->names);
    oclnn_context *ctx = net->ctx;
    net->magic = 0xdeadbeefu;
    oclnn__free(al, net);
    if (ctx) oclnn__context_release(ctx);
}
