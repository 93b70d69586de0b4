/* SPDX-License-Identifier: MIT */
/* The conv2d family's op-side internals: the pure algorithm rules (which algorithm applies, which
 * one AUTO picks), descriptor resolution and the tuning hooks. The contract types shared with the
 * backends are in src/backend/conv2d.h. */
#ifndef OCLNN_OPS_CONV2D_H
#define OCLNN_OPS_CONV2D_H

#include "backend/conv2d.h"
#include "backend/problem.h"

/* NULL when `algo` can run `pb` on a device with `caps`, else the reason (a static string).
 * AUTO always applies. */
const char *oclnn__conv2d_applies(const oclnn__conv2d_problem *pb, oclnn_conv_algo algo,
                                  const oclnn__conv2d_caps *caps);

/* The heuristic behind AUTO (pure; see conv2d_choose.c for the rules and their reasons). */
oclnn_conv_algo oclnn__conv2d_choose(const oclnn__conv2d_problem *pb, const oclnn__conv2d_caps *caps);

/* issue 19: the accuracy guard. NULL when AUTO (the heuristic, find's recorded winner, the
 * tuner's measured rows) may run `algo` on `pb`, else the reason (static). Only winograd6 is
 * guarded: AUTO takes it only where its error, measured against the double reference on the
 * ResNet-50 and VGG-16 layers, stays within OCLNN__TUNE_VERIFY_REL_WINOGRAD6 (docs/WINOGRAD.md):
 * at most 128 input channels.
 * An explicit algo = winograd6 is never refused by the guard. */
const char *oclnn__conv2d_auto_guard(const oclnn__conv2d_problem *pb, oclnn_conv_algo algo);

/* Fills pb from a descriptor, or fails with a message naming the field. */
oclnn_status oclnn__conv2d_resolve(const oclnn_conv2d_desc *d, oclnn__conv2d_problem *pb);

/* The tuning-database family (search space) of an algorithm's tunable kernels; NULL for
 * algorithms without (im2col-clblast, AUTO). */
struct oclnn__tune_space;
const struct oclnn__tune_space *oclnn__conv2d_space(oclnn_conv_algo algo);
/* The space the plan resolves for `algo` on ctx: in the GPU device class the direct and depthwise
 * kernels (cl/conv/direct_gpu.cl) have their own, and im2col and gemm1x1 run their product on the
 * GEMM engine (conv_xgemm's tunables; Winograd keeps its own space, its batched product on the
 * engine takes the engine's kernel defaults); every other case oclnn__conv2d_space's. */
const struct oclnn__tune_space *oclnn__conv2d_space_of(const oclnn_context *ctx, oclnn_conv_algo algo);
/* The same for a device class. */
const struct oclnn__tune_space *oclnn__conv2d_space_for(oclnn__devclass cls, oclnn_conv_algo algo);
/* The algorithms that apply to `pb` on `caps` with their spaces in caps->devclass, one algorithm
 * per space: where algorithms share one (im2col, gemm1x1 and implicit-gemm share conv_xgemm in a
 * GPU class) the heuristic's choice takes it, else the first in enum order. What `oclnn tune`
 * searches and what AUTO compares rows of. Returns the count (at most OCLNN_CONV_ALGO_COUNT). */
size_t oclnn__conv2d_tuned_families(const oclnn__conv2d_problem *pb, const oclnn__conv2d_caps *caps,
                                    oclnn_conv_algo *algos, const struct oclnn__tune_space **spaces);

/* AUTO's choice, from the context's tuning database: the algorithm oclnn_conv2d_find recorded
 * for this exact problem (a conv_algo row) when it applies; else, when there are measured rows
 * for the problem, the applicable algorithm whose tuned time is the smallest (kept only if it
 * beats the heuristic's row clearly); otherwise oclnn__conv2d_choose. Context locked. */
oclnn_conv_algo oclnn__conv2d_choose_tuned(const oclnn_context *ctx, const oclnn__conv2d_problem *pb,
                                           const oclnn__conv2d_caps *caps);

/* Creates the op for a resolved problem: `algo`, or for AUTO the plan's choice with the
 * fallbacks when it does not fit the device (conv2d.c). */
oclnn_status oclnn__conv2d_create_op(oclnn_context *ctx, const oclnn__conv2d_problem *pb, oclnn_conv_algo algo,
                                     const float *weights, const float *bias, oclnn_op **out);
/* Runs a checked op under the context's lock (conv2d.c). */
oclnn_status oclnn__conv2d_run_op(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                                  const oclnn_tensor *residual);
/* Tuning on first use (conv2d_find.c, issue 14): when the context's tuning state has no algorithm
 * for pb, times the algorithms within OCLNN_FIRST_USE_BUDGET_MS, records and saves the winner.
 * Never fails: what goes wrong is logged and the error cleared. */
void oclnn__conv2d_first_use(oclnn_context *ctx, const oclnn__conv2d_problem *pb);

#endif
