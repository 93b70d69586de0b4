/* SPDX-License-Identifier: MIT */
/* Checks and small helpers shared by the GeneralizedRCNN stages (detect_pipeline.c: RPN
 * proposals; detect_post.c: post-processing and mask pasting; roi_sample.c: training RoI
 * sampling). */
#ifndef OCLNN_OPS_DETECT_PIPELINE_H
#define OCLNN_OPS_DETECT_PIPELINE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"
#include "oclnn.h"

static inline float oclnn__sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

static inline oclnn_status oclnn__check_coder(const char *name, const oclnn_box_coder *c) {
    for (int i = 0; i < 4; i++)
        if (!isfinite(c->weights[i]) || c->weights[i] <= 0)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s.weights[%d] = %g must be finite and positive", name, i,
                               c->weights[i]);
    if (isnan(c->clip)) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s.clip is NaN", name);
    return OCLNN_OK;
}

static inline oclnn_status oclnn__check_threshold(const char *name, double t) {
    if (!(t >= 0.0 && t <= 1.0))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s %g is outside [0, 1]", name, t);
    return OCLNN_OK;
}

/* remove_small_boxes: kept when both sides are >= min_size. */
static inline bool oclnn__big_enough(const float *b, float min_size) {
    return b[2] - b[0] >= min_size && b[3] - b[1] >= min_size;
}

typedef struct oclnn__ranked {
    float score;
    uint32_t index;
} oclnn__ranked;

/* Descending score, ties by ascending index (torch.topk's order is unspecified for ties). */
static inline int oclnn__by_score(const void *pa, const void *pb) {
    const oclnn__ranked *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

#endif
