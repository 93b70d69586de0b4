/* SPDX-License-Identifier: MIT */
/* Segmented top-k and sort on the device (the RPN's per-level, per-image pre_nms_top_n; issue 18).
 *
 * A segment s is one (image, level): n keys at keys + SEG(s, KEYS), of which the k best are
 * wanted in order. Ranking is descending float logit, ties by ascending anchor index (torchvision
 * leaves ties to torch.topk; oclnn's order is the stable one), made a strict total order by the
 * 64-bit key (orderable(logit) << 32) | ~index: larger key = better rank, all keys distinct.
 *
 * Radix select, most significant byte first, 8 passes at most: pass p histograms byte p of the
 * keys that match the bytes chosen so far (oclnn_topk_hist, work-groups of 256 over chunks of a
 * segment, local atomics, then one global add per bin), and oclnn_topk_select (one work-item per
 * segment) picks the byte where the k-th key lies. A segment is done (krem 0) as soon as the
 * chosen bucket is taken whole; then prefix, its lower bytes zero, is the threshold: exactly the
 * k keys >= prefix are the k best. oclnn_topk_compact writes them (unordered, by a per-segment
 * atomic counter) and oclnn_topk_sort sorts each segment (bitonic, in local memory when it fits).
 *
 * Defines: SORT_LOCAL (keys of a segment sorted in local memory; larger segments sort in global
 * memory; the host passes what the device's local memory holds, and the default below, its
 * largest value, lets a warm-up build, which passes no defines, compile this file).
 * Work-groups: 256 for hist, compact and sort (TOPK_WG).
 * Segment table: seg[SEG_FIELDS * s + f], fields as src/opencl/rpn.c writes them. */
#ifndef SORT_LOCAL
#define SORT_LOCAL 2048
#endif
#define TOPK_WG 256
#define TOPK_CHUNK 4096 /* keys per work-group in hist and compact */
#define SEG_FIELDS 8
#define SEG_KEYS 0 /* where the segment's keys start */
#define SEG_N 1    /* anchors */
#define SEG_K 2    /* k */
#define SEG_SORT 3 /* where its k best start in the sorted buffer */
#define SEG_POW 4  /* the power of two >= k its sorted region spans */
#define SEG(s, f) seg[SEG_FIELDS * (s) + (f)]

/* Keys of one level of every image: the logit of anchor (y * W + x) * A + a made an unsigned
 * integer of the same order (-0 as +0: they compare equal); a NaN records its anchor. */
kernel void oclnn_topk_keys(global const float *obj, uint off, uint4 st, uint A, uint H, uint W,
                            uint N, uint L, uint level, global const uint *seg, global uint *keys,
                            global uint *nan_at) {
    uint idx = get_global_id(0), img = get_global_id(1);
    if (idx >= H * W * A || img >= N) return;
    uint a = idx % A, cell = idx / A, y = cell / W, x = cell % W;
    float v = obj[off + img * st.x + a * st.y + y * st.z + x * st.w];
    uint s = img * L + level;
    if (isnan(v)) atomic_min(&nan_at[s], idx);
    if (v == 0.0f) v = 0.0f;
    uint u = as_uint(v);
    keys[SEG(s, SEG_KEYS) + idx] = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

static inline ulong key_of(global const uint *k, uint i) {
    return ((ulong)k[i] << 32) | (ulong)(~i);
}

/* global (groups * TOPK_WG, S), local (TOPK_WG, 1): group g counts byte `pass` of chunk g. */
kernel void oclnn_topk_hist(global const uint *keys, global const uint *seg, uint S, uint pass,
                            global const ulong *prefix, global const uint *krem,
                            global uint *hist) {
    local uint h[256];
    uint t = get_local_id(0), s = get_global_id(1);
    uint begin = get_group_id(0) * TOPK_CHUNK;
    h[t] = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    bool live = s < S && krem[s] != 0 && begin < SEG(s, SEG_N);
    if (live) {
        uint end = min(begin + TOPK_CHUNK, SEG(s, SEG_N)), shift = 56 - 8 * pass;
        ulong high = pass ? prefix[s] >> (shift + 8) : 0;
        global const uint *k = keys + SEG(s, SEG_KEYS);
        for (uint i = begin + t; i < end; i += TOPK_WG) {
            ulong key = key_of(k, i);
            if (pass == 0 || key >> (shift + 8) == high)
                atomic_inc(&h[(uint)(key >> shift) & 255u]);
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (live && h[t]) atomic_add(&hist[256 * s + t], h[t]);
}

/* One work-item per segment: the byte of the k-th key, from the top; clears the histogram. */
kernel void oclnn_topk_select(uint S, uint pass, global ulong *prefix, global uint *krem,
                              global uint *hist) {
    uint s = get_global_id(0);
    if (s >= S || krem[s] == 0) return;
    global uint *h = hist + 256 * s;
    uint k = krem[s], above = 0, d = 255;
    for (; d > 0 && above + h[d] < k; d--) above += h[d];
    uint c = h[d];
    for (uint b = 0; b < 256; b++) h[b] = 0;
    prefix[s] |= (ulong)d << (56 - 8 * pass);
    k -= above;
    krem[s] = c == k || pass == 7 ? 0 : k;
}

/* The keys >= the threshold (exactly k per segment), in no particular order. */
kernel void oclnn_topk_compact(global const uint *keys, global const uint *seg, uint S,
                               global const ulong *prefix, global uint *count,
                               global ulong *sorted) {
    uint t = get_local_id(0), s = get_global_id(1);
    uint begin = get_group_id(0) * TOPK_CHUNK;
    if (s >= S || begin >= SEG(s, SEG_N)) return;
    uint end = min(begin + TOPK_CHUNK, SEG(s, SEG_N));
    ulong thr = prefix[s];
    global const uint *k = keys + SEG(s, SEG_KEYS);
    global ulong *out = sorted + SEG(s, SEG_SORT);
    for (uint i = begin + t; i < end; i += TOPK_WG) {
        ulong key = key_of(k, i);
        if (key >= thr) out[atomic_inc(&count[s])] = key;
    }
}

/* Bitonic sort, descending, of d[0, P) (P a power of two) by the work-group's TOPK_WG items. */
#define BITONIC(d, P, FENCE)                                                                      \
    for (uint size = 2; size <= (P); size <<= 1)                                                  \
        for (uint stride = size >> 1; stride > 0; stride >>= 1) {                                 \
            for (uint i = t; i < (P) / 2; i += TOPK_WG) {                                         \
                uint lo = 2 * i - (i & (stride - 1)), hi = lo + stride;                           \
                ulong a = d[lo], b = d[hi];                                                       \
                if ((a < b) == ((lo & size) == 0)) {                                              \
                    d[lo] = b;                                                                    \
                    d[hi] = a;                                                                    \
                }                                                                                 \
            }                                                                                     \
            barrier(FENCE);                                                                       \
        }

/* global (TOPK_WG, S), local (TOPK_WG, 1): segment s's len[s] keys at data + tab[fields * s +
 * f_off] sorted descending, within its region of tab[fields * s + f_pow] (a power of two, padded
 * with zeros, which every real key exceeds). */
kernel void oclnn_topk_sort(global ulong *data, global const uint *tab, uint fields, uint f_off,
                            uint f_pow, global const uint *len, uint S) {
    local ulong buf[SORT_LOCAL];
    uint t = get_local_id(0), s = get_group_id(1);
    if (s >= S) return; /* whole groups */
    uint P = tab[fields * s + f_pow], n = min(len[s], P);
    global ulong *d = data + tab[fields * s + f_off];
    if (P <= SORT_LOCAL) {
        for (uint i = t; i < P; i += TOPK_WG) buf[i] = i < n ? d[i] : 0;
        barrier(CLK_LOCAL_MEM_FENCE);
        BITONIC(buf, P, CLK_LOCAL_MEM_FENCE)
        for (uint i = t; i < n; i += TOPK_WG) d[i] = buf[i];
    } else {
        for (uint i = n + t; i < P; i += TOPK_WG) d[i] = 0;
        barrier(CLK_GLOBAL_MEM_FENCE);
        BITONIC(d, P, CLK_GLOBAL_MEM_FENCE)
    }
}
