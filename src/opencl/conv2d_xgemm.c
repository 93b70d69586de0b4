/* SPDX-License-Identifier: MIT */
/* The GPU GEMM engine (cl/gemm/xgemm.cl) on the convolution side:
 *  - its configuration for an op (the plan's conv_xgemm tunables: override, tuned, device-class
 *    default, kernel default, resolved by src/ops) and its launch shape (explicit local: the tile);
 *  - the GEMM kernel of the GEMM-based algorithms: the engine in the GPU classes, conv/gemm.cl
 *    (register-tiled, no local memory; measured best on PoCL) in the CPU class;
 *  - implicit-GEMM convolution: C[g] (Kg x N*P*Q) = W[g] (Kg x Cg*R*S) * im2col(src)[g], with the
 *    im2col gather done while the engine loads its B tiles (no im2col buffer), every group in one
 *    launch (the group is the third launch dimension). Weights keep the user's (c, r, s) order for
 *    a channels-first context and become (r, s, c) for a channels-last one, so neighbouring
 *    work-items gather neighbouring addresses either way; any src layout still computes right. */
#include <string.h>

#include "core/alloc.h"
#include "opencl/conv2d.h"

#define XGEMM_CL "gemm/xgemm.cl"
#define GEMM_CL "conv/gemm.cl"

/* The engine's kernel defaults (cl/gemm/xgemm.cl's #ifndef values, which tests/test_tuning.c
 * checks against the conv_xgemm space): what a plan without the engine's tunables builds with
 * (Winograd's product in the GPU classes). */
static const oclnn__cl_xgemm XGEMM_DEFAULTS = {64, 64, 16, 8, 16, 0, 1};

/* *xg from the tunables when they are the engine's (conv_xgemm: implicit-gemm 2-D and 3-D, and
 * im2col and gemm1x1 in the GPU classes), else the kernel defaults; appends the defines that
 * differ from the defaults to `o` (an untuned op builds the default program). */
void oclnn__cl_xgemm_config(const oclnn__conv2d_tunables *tun, oclnn__cl_xgemm *xg,
                            oclnn__cl_options *o) {
    static const char *const names[7] = {"MWG", "NWG", "KWG", "MDIMC", "NDIMC", "DB", "VW"};
    uint32_t *fields[7] = {&xg->mwg, &xg->nwg, &xg->kwg, &xg->mdimc, &xg->ndimc, &xg->db, &xg->vw};
    *xg = XGEMM_DEFAULTS;
    bool engine = false;
    for (size_t i = 0; i < tun->n; i++) engine |= !strcmp(tun->t[i].name, "MWG");
    for (size_t i = 0; engine && i < tun->n; i++)
        for (size_t f = 0; f < 7; f++)
            if (!strcmp(tun->t[i].name, names[f])) {
                *fields[f] = tun->t[i].value;
                if (tun->t[i].value != tun->t[i].def)
                    oclnn__cl_define_int(o, names[f], (long)tun->t[i].value);
            }
}

static void xgemm_tunables(oclnn__cl_conv *cv, oclnn__cl_options *o) {
    oclnn__cl_xgemm_config(&cv->tun, &cv->xg, o);
}

void oclnn__cl_xgemm_shape(const oclnn__cl_xgemm *xg, cl_uint m, cl_uint n, cl_uint batches,
                           size_t global[3], size_t local[3]) {
    local[0] = xg->ndimc, local[1] = xg->mdimc, local[2] = 1;
    global[0] = (size_t)(n + xg->nwg - 1) / xg->nwg * xg->ndimc;
    global[1] = (size_t)(m + xg->mwg - 1) / xg->mwg * xg->mdimc;
    global[2] = batches;
}

oclnn_status oclnn__cl_conv_gemm_kernel(oclnn_context *ctx, oclnn__cl_conv *cv,
                                        const oclnn__cl_options *gemm) {
    if (!oclnn__devclass_is_gpu(ctx->devclass)) {
        memset(&cv->xg, 0, sizeof cv->xg);
        return oclnn__cl_kernel(ctx, GEMM_CL, gemm, "oclnn_conv_gemm", &cv->main);
    }
    oclnn__cl_options o;
    memset(&o, 0, sizeof o);
    xgemm_tunables(cv, &o);
    return oclnn__cl_kernel(ctx, XGEMM_CL, &o, "oclnn_xgemm", &cv->main);
}

/* A channels-last context gets weights in (r, s, c) order (KC_ORDER 1). */
static bool channels_last(const oclnn_context *ctx) { return ctx->layout == OCLNN_LAYOUT_NHWC; }

oclnn_status oclnn__cl_conv_implicit_create(oclnn_context *ctx, oclnn__cl_conv *cv,
                                            const float *w) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    size_t rs = (size_t)pb->r * pb->s, crs = pb->cg * rs, wn = crs * pb->k;
    const bool kc = channels_last(ctx);
    oclnn__cl_options o;
    memset(&o, 0, sizeof o);
    oclnn__cl_define_int(&o, "IMPLICIT", 1);
    oclnn__cl_define_int(&o, "KC_ORDER", kc);
    oclnn__cl_define_int(&o, "GATHER_K_FAST", kc);
    xgemm_tunables(cv, &o);
    OCLNN__TRY(oclnn__cl_kernel(ctx, XGEMM_CL, &o, "oclnn_xgemm", &cv->main));
    if (!kc) return oclnn__cl_conv_upload(ctx, w, wn, &cv->w);
    float *wk = oclnn__alloc(ctx->allocator, wn * sizeof *wk);
    if (!wk) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu weights", wn);
    for (size_t k = 0; k < pb->k; k++)
        for (size_t c = 0; c < pb->cg; c++)
            for (size_t t = 0; t < rs; t++) wk[k * crs + t * pb->cg + c] = w[k * crs + c * rs + t];
    oclnn_status st = oclnn__cl_conv_upload(ctx, wk, wn, &cv->w);
    oclnn__free(ctx->allocator, wk);
    return st;
}

oclnn_status oclnn__cl_conv_implicit_run(oclnn_context *ctx, const oclnn__cl_conv *cv,
                                         const oclnn_tensor *src, oclnn_tensor *dst,
                                         const oclnn_tensor *res) {
    const oclnn__conv2d_problem *pb = &cv->pb;
    oclnn__cl_epi epi;
    oclnn__cl_conv_epi(cv, dst, res, &epi);
    cl_mem a = cv->w, b = oclnn__cl_mem(src);
    cl_uint crs = pb->cg * pb->r * pb->s, zero = 0, a_grp = pb->kg * crs,
            b_off = (cl_uint)src->offset;
    cl_uint m = pb->kg, n = pb->n * pb->p * pb->q, batches = pb->groups;
    cl_uint4 ss = oclnn__cl_strides(src), shape = {{pb->n, pb->c, pb->h, pb->w}},
             kern = {{pb->r, pb->s, pb->p, pb->q}},
             conv = {{pb->stride_h, pb->stride_w, pb->dil_h, pb->dil_w}},
             pad = {{pb->pad_top, pb->pad_left, pb->cg, 0}},
             geo = {{pb->p * pb->q, pb->q, OCLNN__GEMM_ROWS_CHANNELS, pb->groups}};
    cl_uint2 plain = {{0, 0}};
    oclnn__cl_arg args[32];
    size_t count = 0;
    args[count++] = OCLNN__ARG(a);
    args[count++] = OCLNN__ARG(zero); /* a_off */
    args[count++] = OCLNN__ARG(zero); /* a_img: images are columns of one product */
    args[count++] = OCLNN__ARG(a_grp);
    args[count++] = OCLNN__ARG(crs); /* lda */
    args[count++] = OCLNN__ARG(b);
    args[count++] = OCLNN__ARG(b_off);
    args[count++] = OCLNN__ARG(ss);
    args[count++] = OCLNN__ARG(shape);
    args[count++] = OCLNN__ARG(kern);
    args[count++] = OCLNN__ARG(conv);
    args[count++] = OCLNN__ARG(pad);
    args[count++] = OCLNN__ARG(m);
    args[count++] = OCLNN__ARG(n);
    args[count++] = OCLNN__ARG(crs); /* K */
    args[count++] = OCLNN__ARG(batches);
    args[count++] = OCLNN__ARG(geo);
    args[count++] = OCLNN__ARG(plain);
    oclnn__cl_conv_epi_args(&epi, args, &count);
    OCLNN__TRY(oclnn__cl_set_args(cv->main, count, args));
    size_t global[3], local[3];
    oclnn__cl_xgemm_shape(&cv->xg, m, n, batches, global, local);
    return oclnn__cl_launch(ctx, cv->main, 3, global, local);
}
