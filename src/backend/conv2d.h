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
    bool clblast;             /* CLBlast could be loaded (OpenCL only) */
    oclnn__devclass devclass; /* ctx->devclass: what the kernels and the choice are shaped for */
} oclnn__conv2d_caps;

/* Longest problem string (src/backend/problem.h) for 32-bit fields, with its terminator. */
#define OCLNN__CONV2D_PROBLEM_MAX 192
#define OCLNN__CONV2D_MAX_TUNABLES 8

/* One resolved tunable of the plan: its name in the kernel (the search space's), the value to
 * build with, and the kernel's default (a backend leaves a define out when they are equal, so an
 * untuned op builds exactly the default program). */
typedef struct oclnn__conv2d_tunable {
    const char *name; /* static (the search space's table) */
    uint32_t value, def;
} oclnn__conv2d_tunable;

typedef struct oclnn__conv2d_tunables {
    size_t n;
    oclnn__conv2d_tunable t[OCLNN__CONV2D_MAX_TUNABLES];
} oclnn__conv2d_tunables;

struct oclnn__conv2d_row;

/* The plan and the operator state (op->impl). src/ops decides everything in the first block once
 * at create (the algorithm, its tunables read from the tuning database, the problem string); the
 * backend's row builds `state` from it and never asks src/ops or src/tune again. */
typedef struct oclnn__conv2d_op {
    oclnn__conv2d_problem pb;
    oclnn_conv_algo algo;
    char problem[OCLNN__CONV2D_PROBLEM_MAX]; /* oclnn__conv2d_problem_str(&pb) */
    oclnn__conv2d_tunables tunables;         /* the algorithm's search space, resolved */
    const struct oclnn__conv2d_row *row;     /* the backend's row for algo */
    void *state;                             /* the row's; freed by row->destroy */
} oclnn__conv2d_op;

/* One algorithm of a backend. A backend lists its algorithms as a table of rows; adding an
 * algorithm is one row, its kernel and its search space (src/tune/space_*.c). The pure rules of
 * oclnn__conv2d_applies (src/ops/conv2d_choose.c) have passed before a row is asked anything. */
typedef struct oclnn__conv2d_row {
    oclnn_conv_algo algo;
    /* NULL when this backend can run pb with the row's algorithm, else the reason (static).
     * A NULL function: always. Called with the context locked. */
    const char *(*applies)(oclnn_context *ctx, const oclnn__conv2d_problem *pb);
    /* Builds cop->state from the plan. weights: K x Cg x R x S; bias: K floats or NULL. Sets
     * *workspace_bytes. Called with the context locked; on failure cop->state may be partly
     * built (destroy frees it). */
    oclnn_status (*create)(oclnn_context *ctx, oclnn__conv2d_op *cop, const float *weights,
                           const float *bias, size_t *workspace_bytes);
    /* Enqueues the op; tensors are checked (shapes, context). residual is NULL unless pb.residual. */
    oclnn_status (*run)(oclnn_context *ctx, const oclnn__conv2d_op *cop, const oclnn_tensor *src,
                        oclnn_tensor *dst, const oclnn_tensor *residual);
    /* Frees state (NULL is fine). Called with the context locked. */
    void (*destroy)(oclnn_context *ctx, void *state);
} oclnn__conv2d_row;

/* A backend's conv2d entry points (oclnn__backend.conv2d). */
typedef struct oclnn__conv2d_family {
    void (*caps)(oclnn_context *ctx, oclnn__conv2d_caps *caps);
    const oclnn__conv2d_row *rows;
    size_t n_rows;
    /* issue 16 (oclnn_net_reshape): builds cop->state for cop->pb, a problem that differs from
     * the one `state` was made for only in n, h, w, p, q and the padding, with the same algorithm
     * and tunables, sharing `state`'s weights (no copy, no upload: each state holds a reference,
     * the last destroy frees them) and its kernels. Sets *workspace_bytes. Context locked; on
     * failure cop->state may be partly built (the row's destroy frees it). */
    oclnn_status (*clone)(oclnn_context *ctx, const void *state, oclnn__conv2d_op *cop,
                          size_t *workspace_bytes);
} oclnn__conv2d_family;

/* The row of `algo` in f, or NULL when the backend lacks the algorithm. */
const oclnn__conv2d_row *oclnn__conv2d_row_of(const oclnn__conv2d_family *f, oclnn_conv_algo algo);

extern const oclnn__conv2d_family oclnn__conv2d_opencl, oclnn__conv2d_cpu;

/* Winograd F(m x m, 3x3) filter transform (m = 2, 4 or 6; groups == 1, 3x3): w is K x C x 3 x 3,
 * u receives (m+2)^2 x K x C floats, U[xi][k][c]. */
void oclnn__conv2d_winograd_filter(const oclnn__conv2d_problem *pb, uint32_t m, const float *w,
                                   float *u);

#endif
