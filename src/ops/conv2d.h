/* SPDX-License-Identifier: MIT */
/* The conv2d family's internals: the resolved problem (padding and output size computed, groups
 * split), the operator state shared with the backends, the pure algorithm rules (which algorithm
 * applies, which one AUTO picks), and the table of entry points each backend provides. */
#ifndef OCLNN_OPS_CONV2D_H
#define OCLNN_OPS_CONV2D_H

#include "core/context.h"
#include "core/op.h"
#include "core/tensor.h"

/* A validated problem: every size is non-zero and every derived size fits in 32 bits. */
typedef struct oclnn__conv2d_problem {
    uint32_t n, c, h, w;   /* src */
    uint32_t k, r, s;      /* output channels, kernel height and width */
    uint32_t p, q;         /* output height and width */
    uint32_t stride_h, stride_w, dil_h, dil_w;
    uint32_t pad_top, pad_bottom, pad_left, pad_right;
    uint32_t groups, cg, kg; /* cg = c / groups, kg = k / groups */
    oclnn_activation act;
    bool has_bias, residual;
} oclnn__conv2d_problem;

/* What the chooser needs to know of the device. */
typedef struct oclnn__conv2d_caps {
    oclnn_backend_kind backend;
    bool clblast;             /* CLBlast could be loaded (OpenCL only) */
    oclnn__devclass devclass; /* ctx->devclass: what the kernels and the choice are shaped for */
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

/* NULL when `algo` can run `pb` on a device with `caps`, else the reason (a static string).
 * AUTO always applies. */
const char *oclnn__conv2d_applies(const oclnn__conv2d_problem *pb, oclnn_conv_algo algo,
                                  const oclnn__conv2d_caps *caps);

/* The heuristic behind AUTO (pure; see conv2d_choose.c for the rules and their reasons). */
oclnn_conv_algo oclnn__conv2d_choose(const oclnn__conv2d_problem *pb, const oclnn__conv2d_caps *caps);

/* Fills pb from a descriptor, or fails with a message naming the field. */
oclnn_status oclnn__conv2d_resolve(const oclnn_conv2d_desc *d, oclnn__conv2d_problem *pb);

/* "n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1" (benchdnn-style, for keys and messages). */
void oclnn__conv2d_problem_str(const oclnn__conv2d_problem *pb, char *buf, size_t size);

/* Winograd F(m x m, 3x3) filter transform (m = 2 or 4; groups == 1, 3x3): w is K x C x 3 x 3,
 * u receives (m+2)^2 x K x C floats, U[xi][k][c]. */
void oclnn__conv2d_winograd_filter(const oclnn__conv2d_problem *pb, uint32_t m, const float *w,
                                   float *u);

/* The tuning-database family (search space) of an algorithm's tunable kernels; NULL for
 * algorithms without (im2col-clblast, AUTO). */
struct oclnn__tune_space;
const struct oclnn__tune_space *oclnn__conv2d_space(oclnn_conv_algo algo);

/* AUTO's choice when the context's tuning database has measured rows for this exact problem:
 * the applicable algorithm whose tuned time is the smallest; otherwise oclnn__conv2d_choose. */
oclnn_conv_algo oclnn__conv2d_choose_tuned(const oclnn_context *ctx, const oclnn__conv2d_problem *pb,
                                           const oclnn__conv2d_caps *caps);

/* The context's memory of find results (freed with the context). */
void oclnn__conv2d_memo_free(oclnn_context *ctx);

#endif
