/* SPDX-License-Identifier: MIT */
/* 3-D pooling (issue 19): max and average with PyTorch's floor-mode output size, global kinds as
 * a window over the volume, and adaptive average pooling. */
#include "backend/backend.h"
#include "backend/nd.h"
#include "core/status.h"
#include "ops/nd.h"

static const char *const AXIS[3] = {"d", "h", "w"};

oclnn_pool3d_desc oclnn_pool3d_desc_default(void) {
    oclnn_pool3d_desc d = OCLNN_POOL3D_DESC_INIT;
    return d;
}

static oclnn_status resolve(const oclnn_pool3d_desc *desc, oclnn__pool3d_problem *pb) {
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    const oclnn_shape3d in = desc->input;
    OCLNN__TRY(oclnn__check_input3d(in));
    if ((unsigned)desc->kind > OCLNN_POOL_GLOBAL_MAX)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->kind (%d) is not an oclnn_pool_kind", (int)desc->kind);
    const uint32_t isz[3] = {in.d, in.h, in.w};
    *pb = (oclnn__pool3d_problem){.n = in.n, .c = in.c, .d = in.d, .h = in.h, .w = in.w};
    pb->is_max = desc->kind == OCLNN_POOL_MAX || desc->kind == OCLNN_POOL_GLOBAL_MAX;
    pb->include_pad = desc->count_include_pad;
    uint32_t osz[3];
    if (desc->adaptive) {
        if (desc->kind != OCLNN_POOL_AVG)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "desc->adaptive is for OCLNN_POOL_AVG only");
        for (int a = 0; a < 3; a++) {
            if (!desc->output_size[a])
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->output_size along %s is 0",
                                   AXIS[a]);
            osz[a] = desc->output_size[a];
        }
        pb->adaptive = true;
    } else if (desc->kind == OCLNN_POOL_GLOBAL_AVG || desc->kind == OCLNN_POOL_GLOBAL_MAX) {
        for (int a = 0; a < 3; a++) {
            pb->kernel[a] = pb->stride[a] = isz[a];
            osz[a] = 1;
        }
        pb->include_pad = true;
    } else {
        for (int a = 0; a < 3; a++) {
            uint32_t k = desc->kernel[a], s = desc->stride[a] ? desc->stride[a] : k,
                     p = desc->pad[a];
            if (!k)
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->kernel along %s is 0",
                                   AXIS[a]);
            if (p > k / 2)
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "desc->pad along %s (%u) must be at most half the window (%u)",
                                   AXIS[a], p, k);
            int64_t span = (int64_t)isz[a] + 2 * (int64_t)p - k;
            if (span < 0)
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "the window along %s (%u) is larger than the padded input (%u + "
                                   "2 * %u): the output is empty",
                                   AXIS[a], k, isz[a], p);
            osz[a] = (uint32_t)(span / s + 1);
            pb->kernel[a] = k;
            pb->stride[a] = s;
            pb->pad[a] = p;
        }
    }
    pb->od = osz[0];
    pb->oh = osz[1];
    pb->ow = osz[2];
    oclnn_shape3d o = {in.n, in.c, osz[0], osz[1], osz[2]};
    oclnn_shape s4;
    if (!oclnn__shape3d_fold(o, &s4))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "the output's d * h overflows 32 bits");
    return oclnn__check_shape(s4, "the output (folded to n, c, d*h, w)");
}

oclnn_status oclnn_pool3d_output_shape(const oclnn_pool3d_desc *desc, oclnn_shape3d *out) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn__pool3d_problem pb;
    OCLNN__TRY(resolve(desc, &pb));
    *out = (oclnn_shape3d){pb.n, pb.c, pb.od, pb.oh, pb.ow};
    return OCLNN_OK;
}

oclnn_status oclnn_pool3d_create(oclnn_context *ctx, const oclnn_pool3d_desc *desc,
                                 oclnn_op **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    oclnn__pool3d_problem pb;
    OCLNN__TRY(resolve(desc, &pb));
    return oclnn__op_new_state(ctx, OCLNN__OP_POOL3D, &pb, sizeof pb,
                               pb.is_max     ? "max3d"
                               : pb.adaptive ? "adaptive-avg3d"
                                             : "avg3d",
                               out);
}

oclnn_status oclnn__check_input3d(oclnn_shape3d in) {
    if (!in.n || !in.c || !in.d || !in.h || !in.w)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->input (%u,%u,%u,%u,%u) has a zero dimension", in.n, in.c, in.d,
                           in.h, in.w);
    oclnn_shape s4;
    if (!oclnn__shape3d_fold(in, &s4))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->input: d * h overflows 32 bits");
    OCLNN__TRY(oclnn__check_shape(s4, "desc->input (folded to n, c, d*h, w)"));
    return OCLNN_OK;
}

oclnn_status oclnn__check_run_tensor3d(const oclnn_op *op, const oclnn_tensor *t, const char *name,
                                       oclnn_shape3d want) {
    oclnn_shape s4;
    oclnn__shape3d_fold(want, &s4);
    OCLNN__TRY(oclnn__check_run_tensor(op, t, name, s4));
    uint32_t d = t->depth ? t->depth : 1;
    if (d != want.d)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "%s has depth %u, expected %u (create it with oclnn_tensor_create3d)",
                           name, d, want.d);
    return OCLNN_OK;
}

oclnn_status oclnn_pool3d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_POOL3D, "op"));
    const oclnn__pool3d_problem *pb = op->impl;
    OCLNN__TRY(oclnn__check_run_tensor3d(op, src, "src",
                                         (oclnn_shape3d){pb->n, pb->c, pb->d, pb->h, pb->w}));
    OCLNN__TRY(oclnn__check_run_tensor3d(op, dst, "dst",
                                         (oclnn_shape3d){pb->n, pb->c, pb->od, pb->oh, pb->ow}));
    OCLNN__TRY(oclnn__check_alias(src, "src", dst, "dst", false));
    oclnn_context *ctx = op->ctx;
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->nd->pool3d(pb, src, dst);
    mtx_unlock(&ctx->lock);
    return st;
}
