/* SPDX-License-Identifier: MIT */
/* Running a compiled net, per-layer timing, and the queries on it. */
#include <stdio.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/context.h"
#include "core/handle.h"
#include "core/status.h"
#include "graph/net.h"

static oclnn_status check_net(const oclnn_net *net) {
    if (!net) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "net is NULL");
    if (!oclnn__handle_live(net) || net->magic != OCLNN__MAGIC_NET) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "net is not a live net");
    return oclnn__context_check(net->ctx, "net's context");
}

static oclnn_tensor *tensor(oclnn_net *net, int v) { return v >= 0 ? net->values[v].t : NULL; }

static oclnn_status run_step(oclnn_net *net, oclnn__step *s) {
    oclnn_tensor *dst = tensor(net, s->dst), *a = tensor(net, s->src[0]), *b = tensor(net, s->src[1]);
    switch (s->kind) {
    case OCLNN__STEP_CONV: return oclnn_conv2d_run(s->op, a, dst, b);
    case OCLNN__STEP_BATCHNORM: return oclnn_batchnorm_run(s->op, a, dst);
    case OCLNN__STEP_ELTWISE: return oclnn_eltwise_run(s->op, a, b, dst);
    case OCLNN__STEP_POOL: return oclnn_pool2d_run(s->op, a, dst, NULL);
    case OCLNN__STEP_FC: return oclnn_fc_run(s->op, a, dst);
    case OCLNN__STEP_SOFTMAX: return oclnn_softmax_run(s->op, a, dst);
    case OCLNN__STEP_DECONV: return oclnn_deconv2d_run(s->op, a, dst);
    case OCLNN__STEP_RESIZE: return oclnn_resize_run(s->op, a, dst);
    case OCLNN__STEP_CHANNEL_SHUFFLE: return oclnn_channel_shuffle_run(s->op, a, dst);
    case OCLNN__STEP_CONV3D: return oclnn_conv3d_run(s->op, a, dst, b); /* issue 19 */
    case OCLNN__STEP_POOL3D: return oclnn_pool3d_run(s->op, a, dst);
    case OCLNN__STEP_LRN: return oclnn_lrn_run(s->op, a, dst); /* issue 16 */
    case OCLNN__STEP_CONCAT: {
        const oclnn_tensor **list = oclnn__alloc(net->ctx->allocator, s->nsrcs * sizeof *list);
        if (!list) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "out of memory");
        for (size_t q = 0; q < s->nsrcs; q++) list[q] = tensor(net, s->srcs[q]);
        oclnn_status st = oclnn_concat_run(s->op, list, dst);
        oclnn__free(net->ctx->allocator, list);
        return st;
    }
    }
    return OCLNN_ERROR_INVALID_ARGUMENT;
}

/* Runs one step with its layer named in any failure's message (the entry is nesting-aware, so
 * the message is the net call's). */
static oclnn_status run_layer(oclnn_net *net, oclnn__step *s) {
    oclnn__error_context("layer \"%s\": ", net->names[s->node]);
    oclnn_status st = run_step(net, s);
    oclnn__error_context(NULL);
    return st;
}

oclnn_status oclnn_net_run(oclnn_net *net) {
    OCLNN__ENTER();
    OCLNN__TRY(check_net(net));
    for (size_t k = 0; k < net->step_count; k++) {
        OCLNN__TRY(run_layer(net, &net->steps[k]));
    }
    return OCLNN_OK;
}

oclnn_status oclnn_net_run_profiled(oclnn_net *net) {
    OCLNN__ENTER();
    OCLNN__TRY(check_net(net));
    oclnn_status st = oclnn_context_finish(net->ctx);
    if (st != OCLNN_OK) return st;
    for (size_t k = 0; k < net->step_count; k++) {
        oclnn__step *s = &net->steps[k];
        double t0 = oclnn__now_ms();
        st = run_layer(net, s);
        if (st == OCLNN_OK) {
            oclnn__error_context("layer \"%s\": ", net->names[s->node]);
            st = oclnn_context_finish(net->ctx);
            oclnn__error_context(NULL);
        }
        OCLNN__TRY(st);
        s->ms = oclnn__now_ms() - t0;
    }
    return OCLNN_OK;
}

oclnn_tensor *oclnn_net_input(oclnn_net *net) {
    OCLNN__ENTER();
    return check_net(net) == OCLNN_OK ? net->values[net->input].t : NULL;
}

oclnn_tensor *oclnn_net_output(oclnn_net *net) {
    OCLNN__ENTER();
    return check_net(net) == OCLNN_OK ? net->values[net->output].t : NULL;
}

size_t oclnn_net_layer_count(const oclnn_net *net) {
    OCLNN__ENTER();
    return check_net(net) == OCLNN_OK ? net->step_count : 0;
}

oclnn_status oclnn_net_layer(const oclnn_net *net, size_t index, oclnn_net_layer_info *info) {
    OCLNN__ENTER();
    OCLNN__TRY(check_net(net));
    if (!info) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "info is NULL");
    if (index >= net->step_count)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "index (%zu) is not below the layer count (%zu)", index,
                           net->step_count);
    const oclnn__step *s = &net->steps[index];
    info->name = net->names[s->node];
    info->op = s->label;
    info->algo = oclnn_op_algorithm(s->op);
    info->shape = net->values[s->dst].shape;
    info->flops = s->flops;
    info->ms = s->ms;
    return OCLNN_OK;
}

oclnn_status oclnn_net_memory(const oclnn_net *net, oclnn_net_memory_info *info) {
    OCLNN__ENTER();
    OCLNN__TRY(check_net(net));
    if (!info) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "info is NULL");
    *info = net->mem;
    return OCLNN_OK;
}
