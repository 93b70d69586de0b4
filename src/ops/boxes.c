/* SPDX-License-Identifier: MIT */
/* Host box utilities with torchvision's float arithmetic: the IoU matrix (ops.box_iou), box
 * coding (models.detection._utils.BoxCoder), clipping (ops.clip_boxes_to_image) and anchors
 * (AnchorGenerator). They are O(boxes) host work between network stages, so they need no
 * context. */
#include <math.h>

#include "core/status.h"
#include "backend/detect.h"

static oclnn_status check_finite(const char *name, const float *v, size_t n, size_t per) {
    for (size_t i = 0; i < n * per; i++)
        if (!isfinite(v[i]))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "%s[%zu] value %zu is %g (NaN or infinite)", name, i / per, i % per,
                               v[i]);
    return OCLNN_OK;
}

oclnn_status oclnn_box_iou(const float *a, size_t na, const float *b, size_t nb, float *iou) {
    OCLNN__ENTER();
    if ((na && !a) || (nb && !b) || (na && nb && !iou))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           na && !a ? "a" : nb && !b ? "b" : "iou");
    OCLNN__TRY(check_finite("a", a, na, 4));
    OCLNN__TRY(check_finite("b", b, nb, 4));
    for (size_t i = 0; i < na; i++) {
        const float area_a = oclnn__box_area(a + 4 * i);
        for (size_t j = 0; j < nb; j++)
            iou[i * nb + j] =
                oclnn__iou_f32(a + 4 * i, area_a, b + 4 * j, oclnn__box_area(b + 4 * j));
    }
    return OCLNN_OK;
}

static oclnn_status check_coder(const oclnn_box_coder *c) {
    if (!c) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "coder is NULL");
    for (int i = 0; i < 4; i++)
        if (!isfinite(c->weights[i]) || c->weights[i] <= 0)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "coder->weights[%d] = %g must be finite and positive", i,
                               c->weights[i]);
    if (isnan(c->clip)) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "coder->clip is NaN");
    return OCLNN_OK;
}

oclnn_status oclnn_box_encode(const oclnn_box_coder *coder, const float *ref_boxes,
                              const float *boxes, size_t n, float *deltas) {
    OCLNN__ENTER();
    OCLNN__TRY(check_coder(coder));
    if (n && (!ref_boxes || !boxes || !deltas))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !ref_boxes ? "ref_boxes" : !boxes ? "boxes" : "deltas");
    const float *w = coder->weights;
    for (size_t i = 0; i < n; i++) {
        const float *p = ref_boxes + 4 * i, *g = boxes + 4 * i;
        float pw = p[2] - p[0], ph = p[3] - p[1];
        float px = p[0] + 0.5f * pw, py = p[1] + 0.5f * ph;
        float gw = g[2] - g[0], gh = g[3] - g[1];
        float gx = g[0] + 0.5f * gw, gy = g[1] + 0.5f * gh;
        float *d = deltas + 4 * i;
        d[0] = w[0] * (gx - px) / pw;
        d[1] = w[1] * (gy - py) / ph;
        d[2] = w[2] * logf(gw / pw);
        d[3] = w[3] * logf(gh / ph);
    }
    return OCLNN_OK;
}

oclnn_status oclnn_box_decode(const oclnn_box_coder *coder, const float *ref_boxes,
                              const float *deltas, size_t n, size_t k, float *boxes) {
    OCLNN__ENTER();
    OCLNN__TRY(check_coder(coder));
    if (n && k && (!ref_boxes || !deltas || !boxes))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !ref_boxes ? "ref_boxes" : !deltas ? "deltas" : "boxes");
    const float *w = coder->weights;
    for (size_t i = 0; i < n; i++) {
        const float *p = ref_boxes + 4 * i;
        float pw = p[2] - p[0], ph = p[3] - p[1];
        float px = p[0] + 0.5f * pw, py = p[1] + 0.5f * ph;
        for (size_t j = 0; j < k; j++) {
            const float *d = deltas + 4 * (i * k + j);
            float dx = d[0] / w[0], dy = d[1] / w[1];
            /* torch.clamp(max=clip) keeps NaN (fminf would not). */
            float dw = d[2] / w[2], dh = d[3] / w[3];
            dw = dw > coder->clip ? coder->clip : dw;
            dh = dh > coder->clip ? coder->clip : dh;
            float cx = dx * pw + px, cy = dy * ph + py;
            float bw = expf(dw) * pw, bh = expf(dh) * ph;
            float hw = 0.5f * bw, hh = 0.5f * bh;
            float *o = boxes + 4 * (i * k + j);
            o[0] = cx - hw;
            o[1] = cy - hh;
            o[2] = cx + hw;
            o[3] = cy + hh;
        }
    }
    return OCLNN_OK;
}

oclnn_status oclnn_box_clip(float *boxes, size_t n, float height, float width) {
    OCLNN__ENTER();
    if (n && !boxes) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "boxes is NULL");
    if (!(height >= 0) || !(width >= 0) || isinf(height) || isinf(width))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "image size %gx%g must be finite and not negative", height, width);
    for (size_t i = 0; i < 4 * n; i++) {
        /* As torch.clamp(min=0, max=hi): NaN stays NaN. */
        const float hi = i % 2 ? height : width, v = boxes[i];
        boxes[i] = v < 0.0f ? 0.0f : v > hi ? hi : v;
    }
    return OCLNN_OK;
}

oclnn_status oclnn_anchors(const float *scales, size_t num_scales, const float *ratios,
                           size_t num_ratios, uint32_t grid_h, uint32_t grid_w, uint32_t stride_h,
                           uint32_t stride_w, float *anchors) {
    OCLNN__ENTER();
    if (!scales || !ratios || !anchors)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           !scales ? "scales" : !ratios ? "ratios" : "anchors");
    if (!num_scales || !num_ratios || num_scales > 1024 || num_ratios > 1024)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "num_scales %zu and num_ratios %zu must be 1 to 1024", num_scales,
                           num_ratios);
    for (size_t i = 0; i < num_scales; i++)
        if (!isfinite(scales[i]) || scales[i] <= 0)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "scales[%zu] = %g must be positive",
                               i, scales[i]);
    for (size_t i = 0; i < num_ratios; i++)
        if (!isfinite(ratios[i]) || ratios[i] <= 0)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "ratios[%zu] = %g must be positive",
                               i, ratios[i]);
    /* Base anchors: h_ratio = sqrt(r), w_ratio = 1 / h_ratio; (-w, -h, w, h) / 2, rounded half
     * to even (torch.round), ratio outer and scale inner. */
    const size_t per_cell = num_scales * num_ratios;
    float base[4 * 1024];
    float *b = per_cell <= 1024 ? base : NULL;
    if (!b)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%zu anchors per cell is more than 1024",
                           per_cell);
    for (size_t r = 0; r < num_ratios; r++) {
        float hr = sqrtf(ratios[r]), wr = 1.0f / hr;
        for (size_t s = 0; s < num_scales; s++) {
            float ws = wr * scales[s], hs = hr * scales[s];
            float *a = b + 4 * (r * num_scales + s);
            a[0] = nearbyintf(-ws / 2);
            a[1] = nearbyintf(-hs / 2);
            a[2] = nearbyintf(ws / 2);
            a[3] = nearbyintf(hs / 2);
        }
    }
    for (uint32_t y = 0; y < grid_h; y++)
        for (uint32_t x = 0; x < grid_w; x++) {
            float sx = (float)((uint64_t)x * stride_w), sy = (float)((uint64_t)y * stride_h);
            float *o = anchors + 4 * per_cell * ((size_t)y * grid_w + x);
            for (size_t a = 0; a < per_cell; a++) {
                o[4 * a + 0] = sx + b[4 * a + 0];
                o[4 * a + 1] = sy + b[4 * a + 1];
                o[4 * a + 2] = sx + b[4 * a + 2];
                o[4 * a + 3] = sy + b[4 * a + 3];
            }
        }
    return OCLNN_OK;
}
