/* SPDX-License-Identifier: MIT */
/* Host losses for training region heads: F.smooth_l1_loss and torchvision's fastrcnn_loss
 * (cross-entropy over all sampled RoIs + smooth-L1 on the labelled class's deltas of foreground
 * RoIs, divided by the number of RoIs). Element terms use PyTorch's float formula; sums run in
 * double. */
#include <float.h>
#include <math.h>

#include "core/status.h"
#include "backend/detect.h"

/* PyTorch's smooth_l1 element (float): z < beta ? 0.5 z^2 / beta : z - 0.5 beta; beta 0 is L1. */
static float smooth_l1(float x, float y, float beta) {
    float z = fabsf(x - y);
    if (beta == 0.0f) return z;
    return z < beta ? 0.5f * z * z / beta : z - 0.5f * beta;
}

oclnn_status oclnn_smooth_l1(const float *input, const float *target, size_t n, float beta,
                             oclnn_reduction reduction, float *out) {
    OCLNN__ENTER();
    if (!out || (n && (!input || !target)))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !out ? "out" : !input ? "input" : "target");
    if (!(beta >= 0) || isinf(beta))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "beta %g must be finite and >= 0", beta);
    if (reduction != OCLNN_REDUCTION_NONE && reduction != OCLNN_REDUCTION_SUM &&
        reduction != OCLNN_REDUCTION_MEAN)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "reduction %d is not an oclnn_reduction",
                           (int)reduction);
    if (reduction == OCLNN_REDUCTION_NONE) {
        for (size_t i = 0; i < n; i++) out[i] = smooth_l1(input[i], target[i], beta);
        return OCLNN_OK;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += smooth_l1(input[i], target[i], beta);
    /* Like PyTorch, the mean of nothing is NaN. */
    *out = (float)(reduction == OCLNN_REDUCTION_SUM ? sum : n ? sum / (double)n : NAN);
    return OCLNN_OK;
}

oclnn_status oclnn_fastrcnn_loss(const float *class_logits, const float *box_regression,
                                 const int32_t *labels, const float *regression_targets, size_t n,
                                 uint32_t num_classes, float beta, float *classification_loss,
                                 float *box_loss) {
    OCLNN__ENTER();
    if (!class_logits || !box_regression || !labels || !regression_targets ||
        !classification_loss || !box_loss)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "class_logits, box_regression, labels, regression_targets and both "
                           "outputs must not be NULL");
    if (n == 0 || num_classes == 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "n = %zu RoIs and num_classes = %u must both be positive", n,
                           num_classes);
    if (!(beta >= 0) || isinf(beta))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "beta %g must be finite and >= 0", beta);
    for (size_t i = 0; i < n; i++)
        if (labels[i] < 0 || (uint32_t)labels[i] >= num_classes)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "labels[%zu] = %d is outside [0, %u)",
                               i, (int)labels[i], num_classes);
    double ce = 0, box = 0;
    for (size_t i = 0; i < n; i++) {
        const float *z = class_logits + i * num_classes;
        double mx = -INFINITY, s = 0;
        for (uint32_t k = 0; k < num_classes; k++) mx = fmax(mx, z[k]);
        for (uint32_t k = 0; k < num_classes; k++) s += exp((double)z[k] - mx);
        ce += mx + log(s) - z[labels[i]];
        if (labels[i] > 0) {
            const float *p = box_regression + (i * num_classes + (size_t)labels[i]) * 4;
            for (int k = 0; k < 4; k++) box += smooth_l1(p[k], regression_targets[4 * i + k], beta);
        }
    }
    *classification_loss = (float)(ce / (double)n);
    *box_loss = (float)(box / (double)n);
    return OCLNN_OK;
}
