/* SPDX-License-Identifier: MIT */
/* conv2d and the tuning database: which search space each algorithm's kernels have, and AUTO
 * following measurements. oclnn_conv2d_find records its winner as a conv_algo row, which AUTO
 * follows first. `oclnn tune` times every applicable algorithm with its best parameters on each
 * tuned problem, so for those problems the database knows the fastest algorithm on this device,
 * which beats any heuristic; the heuristic stays for everything else. */
#include "ops/conv2d.h"
#include "tune/tune.h"

const struct oclnn__tune_space *oclnn__conv2d_space(oclnn_conv_algo algo) {
    switch (algo) {
    case OCLNN_CONV_ALGO_IM2COL: return &oclnn__tune_space_conv_im2col;
    case OCLNN_CONV_ALGO_GEMM1X1: return &oclnn__tune_space_conv_gemm1x1;
    case OCLNN_CONV_ALGO_WINOGRAD_2X2: return &oclnn__tune_space_conv_winograd2;
    case OCLNN_CONV_ALGO_WINOGRAD_4X4: return &oclnn__tune_space_conv_winograd4;
    case OCLNN_CONV_ALGO_WINOGRAD_6X6: return &oclnn__tune_space_conv_winograd6; /* issue 19 */
    case OCLNN_CONV_ALGO_DIRECT: return &oclnn__tune_space_conv_direct;
    case OCLNN_CONV_ALGO_DEPTHWISE: return &oclnn__tune_space_conv_depthwise;
    case OCLNN_CONV_ALGO_IMPLICIT_GEMM: return &oclnn__tune_space_conv_xgemm;
    case OCLNN_CONV_ALGO_IM2COL_CLBLAST: /* CLBlast's own parameters are not tuned by oclnn */
    case OCLNN_CONV_ALGO_AUTO: break;
    }
    return NULL;
}

const struct oclnn__tune_space *oclnn__conv2d_space_for(oclnn__devclass cls, oclnn_conv_algo algo) {
    if (oclnn__devclass_is_gpu(cls)) {
        if (algo == OCLNN_CONV_ALGO_DIRECT) return &oclnn__tune_space_conv_direct_gpu;
        if (algo == OCLNN_CONV_ALGO_DEPTHWISE) return &oclnn__tune_space_conv_depthwise_gpu;
        if (algo == OCLNN_CONV_ALGO_IM2COL || algo == OCLNN_CONV_ALGO_GEMM1X1)
            return &oclnn__tune_space_conv_xgemm; /* their product runs on the GEMM engine */
    }
    return oclnn__conv2d_space(algo);
}

const struct oclnn__tune_space *oclnn__conv2d_space_of(const oclnn_context *ctx, oclnn_conv_algo algo) {
    return oclnn__conv2d_space_for(ctx->devclass, algo); /* the C backend is always the CPU class */
}

size_t oclnn__conv2d_tuned_families(const oclnn__conv2d_problem *pb, const oclnn__conv2d_caps *caps,
                                    oclnn_conv_algo *algos, const struct oclnn__tune_space **spaces) {
    oclnn_conv_algo heuristic = oclnn__conv2d_choose(pb, caps);
    size_t n = 0;
    /* The heuristic first, so that it claims a space it shares (conv_xgemm in a GPU class);
     * then the others in enum order, one per space. */
    for (int i = 0; i < OCLNN_CONV_ALGO_COUNT; i++) {
        oclnn_conv_algo a = i == 0 ? heuristic : (oclnn_conv_algo)i;
        if (a == OCLNN_CONV_ALGO_AUTO || (i > 0 && a == heuristic)) continue;
        const oclnn__tune_space *sp = oclnn__conv2d_space_for(caps->devclass, a);
        if (!sp || oclnn__conv2d_applies(pb, a, caps)) continue;
        if (oclnn__conv2d_auto_guard(pb, a)) continue; /* issue 19: the accuracy guard */
        bool taken = false;
        for (size_t j = 0; j < n && !taken; j++) taken = spaces[j] == sp;
        if (taken) continue;
        algos[n] = a;
        spaces[n++] = sp;
    }
    return n;
}

oclnn_conv_algo oclnn__conv2d_choose_tuned(const oclnn_context *ctx, const oclnn__conv2d_problem *pb,
                                           const oclnn__conv2d_caps *caps) {
    const char *families[OCLNN_CONV_ALGO_COUNT];
    oclnn_conv_algo algos[OCLNN_CONV_ALGO_COUNT];
    const oclnn__tune_space *spaces[OCLNN_CONV_ALGO_COUNT];
    size_t n = oclnn__conv2d_tuned_families(pb, caps, algos, spaces);
    for (size_t i = 0; i < n; i++) families[i] = spaces[i]->family;
    char problem[OCLNN__CONV2D_PROBLEM_MAX];
    oclnn__conv2d_problem_str(pb, problem, sizeof problem);
    const oclnn__tune_row *found = oclnn__tune_row_of(ctx, oclnn__tune_space_conv_algo.family, problem);
    if (found && found->values.v[0] > 0 && found->values.v[0] < OCLNN_CONV_ALGO_COUNT &&
        !oclnn__conv2d_applies(pb, (oclnn_conv_algo)found->values.v[0], caps) &&
        !oclnn__conv2d_auto_guard(pb, (oclnn_conv_algo)found->values.v[0])) /* issue 19 */
        return (oclnn_conv_algo)found->values.v[0];
    oclnn_conv_algo heuristic = oclnn__conv2d_choose(pb, caps);
    int best = oclnn__tune_fastest(ctx, families, n, problem);
    if (best < 0 || algos[best] == heuristic) return heuristic;
    /* The heuristic's algorithm stays unless the measured winner beats it clearly. */
    const oclnn__tune_space *hs = oclnn__conv2d_space_for(caps->devclass, heuristic);
    const oclnn__tune_row *h = hs ? oclnn__tune_row_of(ctx, hs->family, problem) : NULL;
    const oclnn__tune_row *b = oclnn__tune_row_of(ctx, families[best], problem);
    if (h && b && b->ms > h->ms * (1.0 - OCLNN__TUNE_SWITCH_MARGIN)) return heuristic;
    return algos[best];
}
