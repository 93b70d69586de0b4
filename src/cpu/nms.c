/* SPDX-License-Identifier: MIT */
/* Greedy NMS on the C backend: torchvision's CPU loop (nms_kernel.cpp) over boxes already in
 * rank order, with suppression restricted to equal classes when classes are given. */
#include <stdlib.h>

#include "core/status.h"
#include "cpu/detect.h"

oclnn_status oclnn__cpu_nms(oclnn_context *ctx, const float *boxes, const int32_t *classes, size_t n,
                            float thr, size_t max_keep, uint8_t *keep) {
    (void)ctx;
    float *areas = malloc((n ? n : 1) * sizeof *areas);
    if (!areas) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate NMS state for %zu boxes", n);
    for (size_t i = 0; i < n; i++) {
        areas[i] = oclnn__box_area(boxes + 4 * i);
        keep[i] = 1; /* 1: not suppressed yet */
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (!keep[i]) continue;
        if (kept == max_keep) {
            keep[i] = 0;
            continue;
        }
        kept++;
        const float *bi = boxes + 4 * i;
        for (size_t j = i + 1; j < n; j++) {
            if (!keep[j] || (classes && classes[j] != classes[i])) continue;
            if (oclnn__iou_f32(bi, areas[i], boxes + 4 * j, areas[j]) > thr) keep[j] = 0;
        }
    }
    free(areas);
    return OCLNN_OK;
}
