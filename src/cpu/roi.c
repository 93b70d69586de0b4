/* SPDX-License-Identifier: MIT */
/* RoIAlign and RoI pooling on the C backend: gathers along the plan's taps (src/ops/roi.c) with
 * torchvision's summation order, one (RoI, channel) plane per iteration of the parallel loop.
 * Strides make one loop nest serve NCHW, NHWC and channel views. */
#include <float.h>

#include "core/alloc.h"
#include "core/status.h"
#include "cpu/cpu.h"
#include "cpu/detect.h"

static void roi_destroy(oclnn_op *op) {
    oclnn__free(op->ctx->allocator, op->impl);
    op->impl = NULL;
}

oclnn_status oclnn__cpu_roi_create(oclnn_op *op, const oclnn_roi_desc *desc) {
    oclnn__roi_op *r = oclnn__calloc(op->ctx->allocator, 1, sizeof *r);
    if (!r) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the RoI operator");
    r->desc = *desc;
    op->impl = r;
    op->impl_destroy = roi_destroy;
    op->algo = desc->mode == OCLNN_ROI_ALIGN ? "roi_align" : "roi_pool";
    return OCLNN_OK;
}

static float align_bin(const float *plane, size_t sh, size_t sw, const oclnn__roi_tap *ty,
                       const oclnn__roi_tap *tx, int gh, int gw, float count) {
    float acc = 0.0f;
    for (int iy = 0; iy < gh; iy++) {
        const oclnn__roi_tap y = ty[iy];
        const float *r0 = plane + (size_t)y.lo * sh, *r1 = plane + (size_t)y.hi * sh;
        for (int ix = 0; ix < gw; ix++) {
            const oclnn__roi_tap x = tx[ix];
            float w1 = y.h * x.h, w2 = y.h * x.l, w3 = y.l * x.h, w4 = y.l * x.l;
            acc += w1 * r0[(size_t)x.lo * sw] + w2 * r0[(size_t)x.hi * sw] +
                   w3 * r1[(size_t)x.lo * sw] + w4 * r1[(size_t)x.hi * sw];
        }
    }
    return acc / count;
}

oclnn_status oclnn__cpu_roi_run(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                                oclnn_tensor *dst, oclnn_tensor *argmax) {
    const oclnn_roi_desc *d = &((const oclnn__roi_op *)op->impl)->desc;
    const float *in = oclnn__cpu_cdata(src);
    float *out = oclnn__cpu_data(dst), *am = argmax ? oclnn__cpu_data(argmax) : NULL;
    const size_t *is = src->stride, *os = dst->stride, *as = argmax ? argmax->stride : NULL;
    const uint32_t C = src->shape.c, PH = d->pooled_h, PW = d->pooled_w, W = src->shape.w;
    const ptrdiff_t planes = (ptrdiff_t)(plan->num_rois * C);
    const bool align = d->mode == OCLNN_ROI_ALIGN;
#pragma omp parallel for schedule(dynamic, 4) if (planes > 1)
    for (ptrdiff_t rc = 0; rc < planes; rc++) {
        const size_t r = (size_t)rc / C, c = (size_t)rc % C;
        const oclnn__roi_item it = plan->items[r];
        const float *plane = in + (size_t)it.batch * is[0] + c * is[1];
        const oclnn__roi_tap *ty = plan->taps + it.y_off, *tx = plan->taps + it.x_off;
        for (uint32_t ph = 0; ph < PH; ph++)
            for (uint32_t pw = 0; pw < PW; pw++) {
                float *o = out + r * os[0] + c * os[1] + ph * os[2] + pw * os[3];
                if (align) {
                    *o = align_bin(plane, is[2], is[3], ty + ph * (uint32_t)it.grid_h,
                                   tx + pw * (uint32_t)it.grid_w, it.grid_h, it.grid_w, it.count);
                    continue;
                }
                const int hs = ty[ph].lo, he = ty[ph].hi, ws = tx[pw].lo, we = tx[pw].hi;
                float best = (he <= hs || we <= ws) ? 0.0f : -FLT_MAX;
                int best_i = -1;
                for (int h = hs; h < he; h++)
                    for (int w = ws; w < we; w++) {
                        float v = plane[(size_t)h * is[2] + (size_t)w * is[3]];
                        if (v > best) {
                            best = v;
                            best_i = h * (int)W + w;
                        }
                    }
                *o = best;
                if (am) am[r * as[0] + c * as[1] + ph * as[2] + pw * as[3]] = (float)best_i;
            }
    }
    return OCLNN_OK;
}
