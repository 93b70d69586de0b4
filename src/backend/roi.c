/* SPDX-License-Identifier: MIT */
/* RoIAlign sample expansion over a plan made by src/ops/roi.c: pure arithmetic both backends use
 * (the C backend per RoI, the OpenCL backend on the host before the upload). */
#include "backend/detect.h"

void oclnn__roi_expand(const oclnn__roi_item *it, const oclnn__roi_tap *taps, uint32_t pooled_h,
                       uint32_t pooled_w, size_t sh, size_t sw, oclnn__roi_sample *out) {
    const int gh = it->grid_h, gw = it->grid_w;
    for (uint32_t ph = 0; ph < pooled_h; ph++)
        for (uint32_t pw = 0; pw < pooled_w; pw++)
            for (int iy = 0; iy < gh; iy++) {
                const oclnn__roi_tap y = taps[it->y_off + ph * (uint32_t)gh + (uint32_t)iy];
                for (int ix = 0; ix < gw; ix++) {
                    const oclnn__roi_tap x = taps[it->x_off + pw * (uint32_t)gw + (uint32_t)ix];
                    const int32_t y0 = (int32_t)((size_t)y.lo * sh),
                                  y1 = (int32_t)((size_t)y.hi * sh);
                    const int32_t x0 = (int32_t)((size_t)x.lo * sw),
                                  x1 = (int32_t)((size_t)x.hi * sw);
                    *out++ = (oclnn__roi_sample){{y0 + x0, y0 + x1, y1 + x0, y1 + x1},
                                                 {y.h * x.h, y.h * x.l, y.l * x.h, y.l * x.l}};
                }
            }
}
