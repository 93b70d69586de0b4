/* SPDX-License-Identifier: MIT */
/* torchvision's float IoU, bit for bit with the C backend (src/backend/detect.h oclnn__iou_f32):
 * contraction into fma is off and the one division is correctly rounded by div_rn (integer
 * arithmetic on the significands), on every device, with or without fp64: OpenCL's float
 * division may be off by 2.5 ulp. Shared by roi/nms.cl and roi/rpn.cl. */
#ifndef OCLNN_CL_ROI_IOU_H
#define OCLNN_CL_ROI_IOU_H

#pragma OPENCL FP_CONTRACT OFF

/* a / b rounded to nearest even, as IEEE division: the 24-bit significands' quotient to 40 bits
 * with a sticky remainder, then one rounding. Zero, subnormal, infinite and NaN operands, and
 * quotients outside the normal range, take the division operator (exact for zeros, infinities
 * and NaN; such IoUs never occur between finite boxes of positive area). */
static inline float div_rn(float a, float b) {
    uint ua = as_uint(a), ub = as_uint(b);
    int ea = (int)((ua >> 23) & 0xff), eb = (int)((ub >> 23) & 0xff);
    if (ea == 0 || eb == 0 || ea == 255 || eb == 255) return a / b;
    ulong ma = (ua & 0x7fffffu) | 0x800000u, mb = (ub & 0x7fffffu) | 0x800000u;
    ulong num = ma << 40, q = num / mb; /* q in (2^39, 2^41): 40 or 41 significant bits */
    bool sticky = num % mb != 0;
    int shift = q >= (1ul << 40) ? 17 : 16; /* keep 24 bits */
    ulong m = q >> shift, rest = q & ((1ul << shift) - 1), mid = 1ul << (shift - 1);
    if (rest > mid || (rest == mid && (sticky || (m & 1)))) m++;
    if (m == (1ul << 24)) {
        m >>= 1;
        shift++;
    }
    int e = shift - 40 + ea - eb + 150; /* value = m * 2^(shift - 40 + ea - eb), m in [2^23, 2^24) */
    if (e <= 0 || e >= 255) return a / b;
    return as_float(((ua ^ ub) & 0x80000000u) | ((uint)e << 23) | ((uint)m & 0x7fffffu));
}

/* Whether the IoU of box a (area area_a) and box b exceeds thr (in [0, 1]): areas first, then
 * (area_a + area_b) - inter, the quotient correctly rounded. The device's division (within 2.5
 * ulp, 3e-7 for quotients up to 1) decides when it is more than 1e-6 from thr; only the rest take
 * div_rn's integer division (disjoint boxes, the common case, never do). Same decisions as
 * div_rn alone. */
static inline bool oclnn_iou_above(float4 a, float area_a, float4 b, float thr) {
    float area_b = (b.z - b.x) * (b.w - b.y);
    float w = fmax(fmin(a.z, b.z) - fmax(a.x, b.x), 0.0f);
    float h = fmax(fmin(a.w, b.w) - fmax(a.y, b.y), 0.0f);
    float inter = w * h, uni = area_a + area_b - inter;
    float approx = inter / uni;
    if (approx > thr + 1e-6f) return true;
    if (approx < thr - 1e-6f) return false;
    return div_rn(inter, uni) > thr;
}

#endif
