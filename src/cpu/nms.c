/* SPDX-License-Identifier: MIT */
/* Greedy NMS on the C backend: torchvision's CPU loop (nms_kernel.cpp) over boxes already in
 * rank order, with suppression restricted to equal classes when classes are given.
 *
 * Where torchvision skips already-suppressed boxes one by one, this computes the IoU of a kept
 * box against every later box over structure-of-arrays coordinates and ORs the verdicts into a
 * byte mask: the loop has no branch, so the compiler vectorizes it. Suppressing an
 * already-suppressed box changes nothing, so the result is the same, and each IoU is the same
 * sequence of IEEE float operations (vector division is correctly rounded; contraction is off
 * in ISO C mode), so the decisions are identical. */
#include "core/alloc.h"
#include "core/status.h"
#include "cpu/detect.h"

/* dead[j] |= IoU(box a, box j) > thr for j in [from, n), restricted to class `ca` when cls. */
static void suppress(const float *restrict x1, const float *restrict y1, const float *restrict x2,
                     const float *restrict y2, const float *restrict area,
                     const int32_t *restrict cls, int32_t ca, size_t from, size_t n,
                     const float a[4], float area_a, float thr, uint8_t *restrict dead) {
    const float ax1 = a[0], ay1 = a[1], ax2 = a[2], ay2 = a[3];
    if (cls) {
        for (size_t j = from; j < n; j++) {
            float xx1 = ax1 > x1[j] ? ax1 : x1[j], yy1 = ay1 > y1[j] ? ay1 : y1[j];
            float xx2 = ax2 < x2[j] ? ax2 : x2[j], yy2 = ay2 < y2[j] ? ay2 : y2[j];
            float w = xx2 - xx1, h = yy2 - yy1;
            w = w > 0.0f ? w : 0.0f;
            h = h > 0.0f ? h : 0.0f;
            float inter = w * h;
            float iou = inter / (area_a + area[j] - inter);
            dead[j] |= (uint8_t)((iou > thr) & (cls[j] == ca));
        }
        return;
    }
    for (size_t j = from; j < n; j++) {
        float xx1 = ax1 > x1[j] ? ax1 : x1[j], yy1 = ay1 > y1[j] ? ay1 : y1[j];
        float xx2 = ax2 < x2[j] ? ax2 : x2[j], yy2 = ay2 < y2[j] ? ay2 : y2[j];
        float w = xx2 - xx1, h = yy2 - yy1;
        w = w > 0.0f ? w : 0.0f;
        h = h > 0.0f ? h : 0.0f;
        float inter = w * h;
        float iou = inter / (area_a + area[j] - inter);
        dead[j] |= (uint8_t)(iou > thr);
    }
}

oclnn_status oclnn__cpu_nms(oclnn_context *ctx, const float *boxes, const int32_t *classes,
                            size_t n, float thr, size_t max_keep, uint8_t *keep) {
    const oclnn_allocator *a = ctx->allocator;
    float *soa = oclnn__calloc(a, 5 * n, sizeof *soa);
    uint8_t *dead = oclnn__calloc(a, n, 1);
    if (!soa || !dead) {
        oclnn__free(a, soa);
        oclnn__free(a, dead);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate NMS state for %zu boxes", n);
    }
    float *x1 = soa, *y1 = soa + n, *x2 = soa + 2 * n, *y2 = soa + 3 * n, *area = soa + 4 * n;
    for (size_t i = 0; i < n; i++) {
        x1[i] = boxes[4 * i];
        y1[i] = boxes[4 * i + 1];
        x2[i] = boxes[4 * i + 2];
        y2[i] = boxes[4 * i + 3];
        area[i] = oclnn__box_area(boxes + 4 * i);
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        keep[i] = 0;
        if (dead[i] || kept == max_keep) continue;
        keep[i] = 1;
        kept++;
        suppress(x1, y1, x2, y2, area, classes, classes ? classes[i] : 0, i + 1, n, boxes + 4 * i,
                 area[i], thr, dead);
    }
    oclnn__free(a, soa);
    oclnn__free(a, dead);
    return OCLNN_OK;
}
