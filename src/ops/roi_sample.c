/* SPDX-License-Identifier: MIT */
/* GeneralizedRCNN training RoI sampling (roi_heads.py select_training_samples), issue 18; see
 * detect_pipeline.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/detect.h"
#include "core/alloc.h"
#include "core/status.h"
#include "core/tensor.h"
#include "ops/detect_pipeline.h"

/* ---- RoI sampling for training --------------------------------------------------------- */

/* splitmix64: a small, seedable generator with good statistics. */
static uint64_t next_random(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Marks k of the m indices in idx, chosen uniformly (partial Fisher-Yates). */
static void choose(uint32_t *idx, size_t m, size_t k, uint64_t *state, uint8_t *chosen) {
    for (size_t i = 0; i < k; i++) {
        const size_t j = i + (size_t)(next_random(state) % (uint64_t)(m - i));
        const uint32_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        chosen[idx[i]] = 1;
    }
}

/* Every coordinate finite, every ground-truth label 1 or more. */
static oclnn_status check_boxes(const float *proposals, size_t n, const float *gt_boxes,
                                const int32_t *gt_labels, size_t num_gt) {
    for (size_t j = 0; j < 4 * n; j++)
        if (!isfinite(proposals[j]))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "proposals[%zu] value %zu is %g (NaN or infinite)", j / 4, j % 4,
                               proposals[j]);
    for (size_t g = 0; g < num_gt; g++) {
        if (gt_labels[g] < 1)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "gt_labels[%zu] = %d: ground-truth labels start at 1", g,
                               (int)gt_labels[g]);
        for (int k = 0; k < 4; k++)
            if (!isfinite(gt_boxes[4 * g + k]))
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "gt_boxes[%zu] coordinate %d is %g (NaN or infinite)", g, k,
                                   gt_boxes[4 * g + k]);
    }
    return OCLNN_OK;
}

/* Matcher: the ground truth of highest IoU (the first on ties), then the label rule; the
 * foreground and background candidates go to fg[0, *nfg_out) and bg[0, *nbg_out). */
static void match_proposals(const oclnn_roi_sample_desc *desc, const float *all, size_t total,
                            const float *gt_boxes, const int32_t *gt_labels, size_t num_gt, int32_t *match,
                            int32_t *lab, uint32_t *fg, uint32_t *bg, size_t *nfg_out, size_t *nbg_out) {
    size_t nfg = 0, nbg = 0;
    for (size_t j = 0; j < total; j++) {
        const float *p = all + 4 * j, area_p = oclnn__box_area(p);
        float best = -1.0f;
        int32_t bi = -1;
        for (size_t g = 0; g < num_gt; g++) {
            const float *b = gt_boxes + 4 * g;
            const float iou = oclnn__iou_f32(b, oclnn__box_area(b), p, area_p);
            if (iou > best) {
                best = iou;
                bi = (int32_t)g;
            }
        }
        if (num_gt == 0) best = 0.0f; /* torchvision: every proposal is background */
        if (best >= desc->fg_iou_threshold && bi >= 0) {
            match[j] = bi;
            lab[j] = gt_labels[bi];
            fg[nfg++] = (uint32_t)j;
        } else if (best >= desc->bg_iou_low && best < desc->bg_iou_high) {
            match[j] = -1;
            lab[j] = 0;
            bg[nbg++] = (uint32_t)j;
        } else {
            match[j] = -1;
            lab[j] = -1; /* ignored */
        }
    }
    *nfg_out = nfg;
    *nbg_out = nbg;
}

oclnn_status oclnn_roi_sample(const oclnn_roi_sample_desc *desc, const float *proposals, size_t n,
                              const float *gt_boxes, const int32_t *gt_labels, size_t num_gt,
                              float *rois, int32_t *labels, float *targets, int32_t *matched,
                              size_t *num_out) {
    OCLNN__ENTER();
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if (!num_out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "num_out is NULL");
    *num_out = 0;
    OCLNN__TRY(oclnn__check_coder("desc->coder", &desc->coder));
    if (desc->batch_size_per_image == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc->batch_size_per_image is 0");
    if (!(desc->positive_fraction >= 0.0f && desc->positive_fraction <= 1.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "desc->positive_fraction %g is outside [0, 1]", desc->positive_fraction);
    if (!(desc->bg_iou_low >= 0.0f && desc->bg_iou_low <= desc->bg_iou_high &&
          desc->bg_iou_high <= desc->fg_iou_threshold && desc->fg_iou_threshold <= 1.0f))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "IoU thresholds must satisfy 0 <= bg_iou_low (%g) <= bg_iou_high (%g) "
                           "<= fg_iou_threshold (%g) <= 1",
                           desc->bg_iou_low, desc->bg_iou_high, desc->fg_iou_threshold);
    const size_t total = n + (desc->append_gt ? num_gt : 0);
    if (total > UINT32_MAX / 2 || num_gt > UINT32_MAX / 2)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%zu proposals and %zu boxes: too many",
                           n, num_gt);
    if ((n && !proposals) || (num_gt && (!gt_boxes || !gt_labels)))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           n && !proposals ? "proposals" : !gt_boxes ? "gt_boxes" : "gt_labels");
    if (total && (!rois || !labels || !targets))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !rois ? "rois" : !labels ? "labels" : "targets");
    OCLNN__TRY(check_boxes(proposals, n, gt_boxes, gt_labels, num_gt));
    if (total == 0) return OCLNN_OK;
    float *all = malloc(total * 4 * sizeof *all);
    int32_t *match = malloc(total * sizeof *match);
    int32_t *lab = malloc(total * sizeof *lab);
    uint32_t *fg = malloc(total * sizeof *fg), *bg = malloc(total * sizeof *bg);
    uint8_t *chosen = calloc(total, 1);
    oclnn_status st = OCLNN_OK;
    if (!all || !match || !lab || !fg || !bg || !chosen) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate sampling buffers");
        goto done;
    }
    if (n) memcpy(all, proposals, n * 4 * sizeof *all);
    if (desc->append_gt && num_gt) memcpy(all + 4 * n, gt_boxes, num_gt * 4 * sizeof *all);
    size_t nfg = 0, nbg = 0;
    match_proposals(desc, all, total, gt_boxes, gt_labels, num_gt, match, lab, fg, bg, &nfg, &nbg);
    /* BalancedPositiveNegativeSampler. */
    size_t want_fg = (size_t)((float)desc->batch_size_per_image * desc->positive_fraction);
    want_fg = want_fg < nfg ? want_fg : nfg;
    size_t want_bg = desc->batch_size_per_image - want_fg;
    want_bg = want_bg < nbg ? want_bg : nbg;
    uint64_t state = desc->seed;
    choose(fg, nfg, want_fg, &state, chosen);
    choose(bg, nbg, want_bg, &state, chosen);
    size_t k = 0;
    for (size_t j = 0; j < total; j++) {
        if (!chosen[j]) continue;
        memcpy(rois + 4 * k, all + 4 * j, 4 * sizeof *rois);
        labels[k] = lab[j];
        if (matched) matched[k] = match[j];
        if (match[j] >= 0) {
            st = oclnn_box_encode(&desc->coder, all + 4 * j, gt_boxes + 4 * (size_t)match[j], 1,
                                  targets + 4 * k);
            if (st != OCLNN_OK) goto done;
        } else {
            memset(targets + 4 * k, 0, 4 * sizeof *targets);
        }
        k++;
    }
    *num_out = k;
done:
    free(all);
    free(match);
    free(lab);
    free(fg);
    free(bg);
    free(chosen);
    return st;
}
