/* SPDX-License-Identifier: MIT */
/* NMS, parallel part: the suppression bitmask for a block of rows. Boxes arrive sorted by rank;
 * work-item (j, r) writes mask[r * col_blocks + j] for box i = row0 + r, bit k set when box
 * 64 j + k (> i) overlaps box i by more than thr (and, with classes, has its class). The host
 * sweeps the block's rows in rank order, then asks for the next block.
 *
 * Required defines: none. Tunables: none.
 * Exactness: the IoU must equal the C backend's float result bit for bit, so contraction into
 * fma is off and the one division is correctly rounded by div_rn (integer arithmetic on the
 * significands), on every device, with or without fp64: OpenCL's float division may be off by
 * 2.5 ulp. Blocks left of the diagonal are never read by the sweep and are not written. */
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
        float4 b = boxes[k];
        float area_b = (b.z - b.x) * (b.w - b.y);
        float w = fmax(fmin(a.z, b.z) - fmax(a.x, b.x), 0.0f);
        float h = fmax(fmin(a.w, b.w) - fmax(a.y, b.y), 0.0f);
        float inter = w * h;
        float uni = area_a + area_b - inter;
        float iou = div_rn(inter, uni);
        if (iou > thr) bits |= 1ul << (k - j * 64);
    }
    mask[(size_t)r * col_blocks + j] = bits;
}
