/* SPDX-License-Identifier: MIT */
/* NMS, parallel part: the suppression bitmask. Boxes arrive sorted by rank; work-item (j, i)
 * writes mask[i * col_blocks + j], bit k set when box 64 j + k (> i) overlaps box i by more than
 * thr (and, with classes, has its class). The host then sweeps the rows in rank order.
 *
 * Required defines: none. Tunables: none.
 * Exactness: the IoU must equal the C backend's float result bit for bit, so contraction into
 * fma is off and the one division is done in double where the device has fp64 (a double
 * quotient of two floats rounded to float is the correctly rounded float quotient); OpenCL's
 * float division may be off by 2.5 ulp otherwise. Blocks left of the diagonal are never read
 * by the sweep and are not written. */
#pragma OPENCL FP_CONTRACT OFF
#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

kernel void oclnn_nms_mask(global const float4 *boxes, global const int *classes, uint use_classes,
                           uint n, uint col_blocks, float thr, global ulong *mask) {
    uint j = get_global_id(0), i = get_global_id(1);
    if (i >= n || j >= col_blocks || j < i / 64) return;
    float4 a = boxes[i];
    float area_a = (a.z - a.x) * (a.w - a.y);
    int ca = use_classes ? classes[i] : 0;
    uint start = max(j * 64, i + 1), end = min(j * 64 + 64, n);
    ulong bits = 0;
    for (uint k = start; k < end; k++) {
        if (use_classes && classes[k] != ca) continue;
        float4 b = boxes[k];
        float area_b = (b.z - b.x) * (b.w - b.y);
        float w = fmax(fmin(a.z, b.z) - fmax(a.x, b.x), 0.0f);
        float h = fmax(fmin(a.w, b.w) - fmax(a.y, b.y), 0.0f);
        float inter = w * h;
        float uni = area_a + area_b - inter;
#ifdef cl_khr_fp64
        float iou = (float)((double)inter / (double)uni);
#else
        float iou = inter / uni;
#endif
        if (iou > thr) bits |= 1ul << (k - j * 64);
    }
    mask[(size_t)i * col_blocks + j] = bits;
}
