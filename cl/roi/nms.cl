/* SPDX-License-Identifier: MIT */
/* NMS, parallel part: the suppression bitmask for a block of rows. Boxes arrive sorted by rank;
 * work-item (j, r) writes mask[r * col_blocks + j] for box i = row0 + r, bit k set when box
 * 64 j + k (> i) overlaps box i by more than thr (and, with classes, has its class). The host
 * sweeps the block's rows in rank order, then asks for the next block.
 *
 * Required defines: none. Tunables: none.
 * Exactness: the IoU must equal the C backend's float result bit for bit, so contraction into
 * fma is off and the one division is correctly rounded by div_rn (roi/iou.h: integer arithmetic on the
 * significands), on every device, with or without fp64: OpenCL's float division may be off by
 * 2.5 ulp. Blocks left of the diagonal are never read by the sweep and are not written. */
#include "roi/iou.h"

kernel void oclnn_nms_mask(global const float4 *boxes, global const int *classes, uint use_classes,
                           uint n, uint col_blocks, uint row0, uint rows, float thr,
                           global ulong *mask) {
    uint j = get_global_id(0), r = get_global_id(1), i = row0 + r;
    if (r >= rows || i >= n || j >= col_blocks || j < i / 64) return;
    float4 a = boxes[i];
    float area_a = (a.z - a.x) * (a.w - a.y);
    int ca = use_classes ? classes[i] : 0;
    uint start = max(j * 64, i + 1), end = min(j * 64 + 64, n);
    ulong bits = 0;
    for (uint k = start; k < end; k++) {
        if (use_classes && classes[k] != ca) continue;
        if (oclnn_iou_above(a, area_a, boxes[k], thr)) bits |= 1ul << (k - j * 64);
    }
    mask[(size_t)r * col_blocks + j] = bits;
}
