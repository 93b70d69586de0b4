/* SPDX-License-Identifier: MIT */
/* The conv2d contract between src/ops and the backends: the resolved problem (padding and output
 * size computed, groups split), the capabilities the algorithm rules need, the operator state,
 * and the table of entry points each backend provides (oclnn__backend.conv2d). */
#ifndef OCLNN_BACKEND_CONV2D_H
#define OCLNN_BACKEND_CONV2D_H

#include "core/context.h"
#include "core/op.h"
#include "core/tensor.h"

/* A validated problem: every size is non-zero and every derived size fits in 32 bits. `layout`
 * is OCLNN_LAYOUT_AUTO for an operator (it runs tensors of either layout); tools that time one
 * layout set it so that the problem string says which (src/backend/problem.h). */
typedef struct oclnn__conv2d_problem {
    uint32_t n, c, h, w;   /* src */
    uint32_t k, r, s;      /* output channels, kernel height and width */
    uint32_t p, q;         /* output height and width */
    uint32_t stride_h, stride_w, dil_h, dil_w;
    uint32_t pad_top, pad_bottom, pad_left, pad_right;
    uint32_t groups, cg, kg; /* cg = c / groups, kg = k / groups */
    oclnn_activation act;
    bool has_bias, residual;
    oclnn_layout layout;
} oclnn__conv2d_problem;

/* What the chooser needs to know of the device. */
typedef struct oclnn__conv2d_caps {
    oclnn_backend_kind backend;
    bool clblast; /* CLBlast could be loaded (OpenCL only) */
} oclnn__conv2d_caps;

/* The operator state (op->impl). The backend fills `state` and `state_destroy`. */
typedef struct oclnn__conv2d_op {
    oclnn__conv2d_problem pb;
    oclnn_conv_algo algo;
    void *state;
    void (*state_destroy)(oclnn_context *ctx, void *state);
} oclnn__conv2d_op;

/* A backend's conv2d entry points (oclnn__backend.conv2d). */
typedef struct oclnn__conv2d_family {
    void (*caps)(oclnn_context *ctx, oclnn__conv2d_caps *caps);
    /* Builds cop->state for cop->algo, which is known to apply. weights: K x Cg x R x S;
     * bias: K floats or NULL. Sets *workspace_bytes. Called with the context locked. */
    oclnn_status (*create)(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *weights,
                           const float *bias, size_t *workspace_bytes);
    /* Enqueues the op; tensors are checked (shapes, context). residual is NULL unless pb.residual. */
    oclnn_status (*run)(oclnn_context *ctx, const oclnn__conv2d_op *cop, const oclnn_tensor *src,
                        oclnn_tensor *dst, const oclnn_tensor *residual);
} oclnn__conv2d_family;

extern const oclnn__conv2d_family oclnn__conv2d_opencl, oclnn__conv2d_cpu;

/* Winograd F(m x m, 3x3) filter transform (m = 2 or 4; groups == 1, 3x3): w is K x C x 3 x 3,
 * u receives (m+2)^2 x K x C floats, U[xi][k][c]. */
void oclnn__conv2d_winograd_filter(const oclnn__conv2d_problem *pb, uint32_t m, const float *w,
                                   float *u);

#endif
