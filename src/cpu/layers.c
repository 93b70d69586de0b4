/* SPDX-License-Identifier: MIT */
/* The C backend's table for the layers family, and its concat copy. Each entry runs with its
 * context's thread count (cpu/team.c); the tensors name the context. */
#include "cpu/layers.h"

#include "cpu/cpu.h"

/* The strided copy already walks dst's layout with unit-stride rows. */
static oclnn_status cpu_concat_copy(const oclnn_tensor *src, oclnn_tensor *slice) {
    int team = oclnn__cpu_team_begin(slice->ctx);
    oclnn__cpu_copy_strided(src->shape, oclnn__cpu_cdata(src), src->stride, oclnn__cpu_data(slice),
                            slice->stride);
    oclnn__cpu_team_end(team);
    return OCLNN_OK;
}

/* `call` with dst's context's thread count. */
#define TEAM(dst, call)                                                                           \
    do {                                                                                          \
        int team_ = oclnn__cpu_team_begin((dst)->ctx);                                            \
        oclnn_status st_ = (call);                                                                \
        oclnn__cpu_team_end(team_);                                                               \
        return st_;                                                                               \
    } while (0)

static oclnn_status cpu_eltwise(oclnn_eltwise_op op, const oclnn_tensor *a, const oclnn_tensor *b,
                                const oclnn_tensor *scale, const oclnn_tensor *shift,
                                oclnn_tensor *dst) {
    TEAM(dst, oclnn__cpu_eltwise(op, a, b, scale, shift, dst));
}

static oclnn_status cpu_bn_train_stats(const oclnn_tensor *src, float eps, float momentum,
                                       const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                       oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                       oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                       oclnn_tensor *scale, oclnn_tensor *shift) {
    TEAM(src, oclnn__cpu_bn_train_stats(src, eps, momentum, gamma, beta, running_mean, running_var,
                                        batch_mean, batch_var, scale, shift));
}

static oclnn_status cpu_pool2d(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                               oclnn_tensor *dst, oclnn_tensor *argmax) {
    TEAM(dst, oclnn__cpu_pool2d(d, src, dst, argmax));
}

static oclnn_status cpu_softmax(const oclnn_tensor *src, oclnn_tensor *dst) {
    TEAM(dst, oclnn__cpu_softmax(src, dst));
}

static oclnn_status cpu_lrn(const oclnn_lrn_desc *d, const oclnn_tensor *src, oclnn_tensor *dst) {
    TEAM(dst, oclnn__cpu_lrn(d, src, dst));
}

static oclnn_status cpu_fc(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                           oclnn_tensor *dst, bool library) {
    TEAM(dst, oclnn__cpu_fc(x, w, bias, dst, library));
}

const oclnn__layers_backend oclnn__layers_cpu = {
    .eltwise = cpu_eltwise,
    .concat_copy = cpu_concat_copy,
    .bn_train_stats = cpu_bn_train_stats,
    .pool2d = cpu_pool2d,
    .softmax = cpu_softmax,
    .lrn = cpu_lrn,
    .fc = cpu_fc,
};
