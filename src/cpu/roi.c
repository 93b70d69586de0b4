/* SPDX-License-Identifier: MIT */
/* RoIAlign and RoI pooling on the C backend, gathering along the plan's taps (src/ops/roi.c) in
 * torchvision's summation order.
 *
 * RoIAlign expands each RoI's separable taps once into a table of samples (four element offsets
 * and four weights each, the same float products torchvision forms), then reuses it for every
 * channel: per channel the work is four loads and four multiply-adds per sample, with no index
 * arithmetic. When channels are innermost in memory (NHWC) the channel loop is the inner one,
 * so it runs over contiguous memory and vectorizes; RoI pooling does the same for NHWC. Work is
 * split over (RoI, block of channels) so one large RoI still uses every thread. */
#include <float.h>

#include "core/alloc.h"
#include "core/status.h"
#include "cpu/cpu.h"
#include "cpu/detect.h"
#include "cpu/pool.h"

/* Channels per work item: enough to amortize a RoI's sample table, small enough to spread a
 * few RoIs over the threads. */
#define CHANNEL_BLOCK 32
/* RoIs whose table would exceed this many samples (huge adaptive grids) use the direct path. */
#define MAX_TABLE_SAMPLES 65536

typedef oclnn__roi_sample sample;

static void roi_destroy(oclnn_op *op) {
    oclnn__roi_op_fini(op->ctx->allocator, op->impl);
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

/* Direct path (no table): one bin of one channel. */
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

typedef struct roi_job {
    const oclnn__roi_plan *plan;
    const float *in;
    float *out, *am;
    const size_t *is, *os, *as;
    uint32_t C, PH, PW, W;
} roi_job;

/* Channels [c0, c1) of RoI r. */
static void align_block(const roi_job *j, size_t r, uint32_t c0, uint32_t c1, sample *table) {
    const oclnn__roi_item it = j->plan->items[r];
    const size_t orow = it.out_row;
    const size_t *is = j->is, *os = j->os;
    const float *base = j->in + (size_t)it.batch * is[0];
    const size_t per_bin = (size_t)it.grid_h * (size_t)it.grid_w;
    const size_t bins = (size_t)j->PH * j->PW;
    if (!table) {
        const oclnn__roi_tap *ty = j->plan->taps + it.y_off, *tx = j->plan->taps + it.x_off;
        for (uint32_t c = c0; c < c1; c++)
            for (uint32_t ph = 0; ph < j->PH; ph++)
                for (uint32_t pw = 0; pw < j->PW; pw++)
                    j->out[orow * os[0] + c * os[1] + ph * os[2] + pw * os[3]] =
                        align_bin(base + c * is[1], is[2], is[3], ty + ph * (uint32_t)it.grid_h,
                                  tx + pw * (uint32_t)it.grid_w, it.grid_h, it.grid_w, it.count);
        return;
    }
    oclnn__roi_expand(&it, j->plan->taps, j->PH, j->PW, is[2], is[3], table);
    if (is[1] == 1) {
        /* Channels contiguous: channel loop innermost, over a block of accumulators. */
        float acc[CHANNEL_BLOCK];
        const uint32_t nc = c1 - c0;
        const float *p = base + c0;
        for (size_t b = 0; b < bins; b++) {
            for (uint32_t k = 0; k < nc; k++) acc[k] = 0.0f;
            const sample *s = table + b * per_bin;
            for (size_t i = 0; i < per_bin; i++) {
                const float *q0 = p + s[i].o[0], *q1 = p + s[i].o[1], *q2 = p + s[i].o[2],
                            *q3 = p + s[i].o[3];
                const float w0 = s[i].w[0], w1 = s[i].w[1], w2 = s[i].w[2], w3 = s[i].w[3];
                for (uint32_t k = 0; k < nc; k++)
                    acc[k] += w0 * q0[k] + w1 * q1[k] + w2 * q2[k] + w3 * q3[k];
            }
            float *o = j->out + orow * os[0] + (b / j->PW) * os[2] + (b % j->PW) * os[3];
            for (uint32_t k = 0; k < nc; k++) o[(size_t)(c0 + k) * os[1]] = acc[k] / it.count;
        }
        return;
    }
    for (uint32_t c = c0; c < c1; c++) {
        const float *p = base + c * is[1];
        float *o = j->out + orow * os[0] + c * os[1];
        const sample *s = table;
        for (uint32_t ph = 0; ph < j->PH; ph++)
            for (uint32_t pw = 0; pw < j->PW; pw++) {
                float acc = 0.0f;
                for (size_t i = 0; i < per_bin; i++, s++)
                    acc += s->w[0] * p[s->o[0]] + s->w[1] * p[s->o[1]] + s->w[2] * p[s->o[2]] +
                           s->w[3] * p[s->o[3]];
                o[ph * os[2] + pw * os[3]] = acc / it.count;
            }
    }
}

/* Channels [c0, c1) of RoI r: max over each bin's window (and its flat index when asked). */
static void pool_block(const roi_job *j, size_t r, uint32_t c0, uint32_t c1) {
    const oclnn__roi_item it = j->plan->items[r];
    const size_t orow = it.out_row;
    const oclnn__roi_tap *ty = j->plan->taps + it.y_off, *tx = j->plan->taps + it.x_off;
    const size_t *is = j->is, *os = j->os, *as = j->as;
    if (is[1] == 1) {
        /* Channels contiguous: scan each window once for the whole block of channels, with the
         * same strict > in the same (h, w) order, so maxima and argmax are unchanged. */
        float best[CHANNEL_BLOCK];
        int best_i[CHANNEL_BLOCK];
        const uint32_t nc = c1 - c0;
        const float *base = j->in + (size_t)it.batch * is[0] + c0;
        for (uint32_t ph = 0; ph < j->PH; ph++)
            for (uint32_t pw = 0; pw < j->PW; pw++) {
                const int hs = ty[ph].lo, he = ty[ph].hi, ws = tx[pw].lo, we = tx[pw].hi;
                const float init = (he <= hs || we <= ws) ? 0.0f : -FLT_MAX;
                for (uint32_t k = 0; k < nc; k++) {
                    best[k] = init;
                    best_i[k] = -1;
                }
                for (int h = hs; h < he; h++)
                    for (int w = ws; w < we; w++) {
                        const float *p = base + (size_t)h * is[2] + (size_t)w * is[3];
                        if (!j->am) {
                            for (uint32_t k = 0; k < nc; k++)
                                best[k] = p[k] > best[k] ? p[k] : best[k];
                            continue;
                        }
                        const int idx = h * (int)j->W + w;
                        for (uint32_t k = 0; k < nc; k++) {
                            const bool more = p[k] > best[k];
                            best[k] = more ? p[k] : best[k];
                            best_i[k] = more ? idx : best_i[k];
                        }
                    }
                float *o = j->out + orow * os[0] + c0 * os[1] + ph * os[2] + pw * os[3];
                for (uint32_t k = 0; k < nc; k++) o[k * os[1]] = best[k];
                if (j->am) {
                    float *a = j->am + orow * as[0] + c0 * as[1] + ph * as[2] + pw * as[3];
                    for (uint32_t k = 0; k < nc; k++) a[k * as[1]] = (float)best_i[k];
                }
            }
        return;
    }
    for (uint32_t c = c0; c < c1; c++) {
        const float *plane = j->in + (size_t)it.batch * is[0] + c * is[1];
        for (uint32_t ph = 0; ph < j->PH; ph++)
            for (uint32_t pw = 0; pw < j->PW; pw++) {
                const int hs = ty[ph].lo, he = ty[ph].hi, ws = tx[pw].lo, we = tx[pw].hi;
                float best = (he <= hs || we <= ws) ? 0.0f : -FLT_MAX;
                int best_i = -1;
                for (int h = hs; h < he; h++) {
                    const float *row = plane + (size_t)h * is[2];
                    if (j->am) {
                        for (int w = ws; w < we; w++)
                            if (row[(size_t)w * is[3]] > best) {
                                best = row[(size_t)w * is[3]];
                                best_i = h * (int)j->W + w;
                            }
                    } else if (is[3] == 1) {
                        for (int w = ws; w < we; w++) best = row[w] > best ? row[w] : best;
                    } else {
                        for (int w = ws; w < we; w++) {
                            const float v = row[(size_t)w * is[3]];
                            best = v > best ? v : best;
                        }
                    }
                }
                j->out[orow * os[0] + c * os[1] + ph * os[2] + pw * os[3]] = best;
                if (j->am)
                    j->am[orow * as[0] + c * as[1] + ph * as[2] + pw * as[3]] = (float)best_i;
            }
    }
}

/* The (RoI, channel block) jobs, for the pool; each worker has its own sample table. */
typedef struct roi_blocks {
    const roi_job *j;
    sample *tables;
    size_t table_len;
    uint32_t blocks;
    bool align;
} roi_blocks;

static void blocks_task(void *arg, size_t begin, size_t end, unsigned worker) {
    const roi_blocks *b = arg;
    sample *table = b->tables ? b->tables + (size_t)worker * (b->table_len ? b->table_len : 1) : NULL;
    for (size_t k = begin; k < end; k++) {
        const size_t r = k / b->blocks;
        const uint32_t c0 = (uint32_t)(k % b->blocks) * CHANNEL_BLOCK;
        const uint32_t c1 = c0 + CHANNEL_BLOCK < b->j->C ? c0 + CHANNEL_BLOCK : b->j->C;
        if (b->align) align_block(b->j, r, c0, c1, table);
        else pool_block(b->j, r, c0, c1);
    }
}

oclnn_status oclnn__cpu_roi_run(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                                oclnn_tensor *dst, oclnn_tensor *argmax) {
    const oclnn_roi_desc *d = &((const oclnn__roi_op *)op->impl)->desc;
    const roi_job j = {plan,        oclnn__cpu_cdata(src), oclnn__cpu_data(dst),
                       argmax ? oclnn__cpu_data(argmax) : NULL,
                       src->stride, dst->stride,           argmax ? argmax->stride : NULL,
                       src->shape.c, d->pooled_h,          d->pooled_w,
                       src->shape.w};
    const bool align = d->mode == OCLNN_ROI_ALIGN;
    /* The largest table any RoI needs, when every RoI fits the limit (offsets fit int32: the
     * plane's extent is below 2^31 elements, checked by ops/roi.c and the tensor limits). */
    size_t table_len = 0;
    bool use_table = align && (size_t)src->stride[OCLNN__H] * src->shape.h < INT32_MAX &&
                     (size_t)src->stride[OCLNN__W] * src->shape.w < INT32_MAX;
    for (size_t r = 0; use_table && r < plan->num_rois; r++) {
        size_t n = (size_t)d->pooled_h * d->pooled_w * (size_t)plan->items[r].grid_h *
                   (size_t)plan->items[r].grid_w;
        if (n > MAX_TABLE_SAMPLES) use_table = false;
        if (n > table_len) table_len = n;
    }
    const uint32_t blocks = (j.C + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK;
    const ptrdiff_t jobs = (ptrdiff_t)(plan->num_rois * blocks);
    /* One table per thread, allocated here: the user's allocator need not be thread-safe. */
    const size_t threads = (size_t)oclnn__cpu_threads();
    sample *tables = NULL;
    if (use_table) {
        tables = oclnn__calloc(op->ctx->allocator, threads * (table_len ? table_len : 1),
                               sizeof *tables);
        if (!tables)
            return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY,
                               "cannot allocate RoIAlign sample tables (%zu samples x %zu threads)",
                               table_len, threads);
    }
    roi_blocks b = {&j, tables, table_len, blocks, align};
    oclnn__cpu_parallel_for((size_t)jobs, 1, blocks_task, &b);
    oclnn__free(op->ctx->allocator, tables);
    return OCLNN_OK;
}
