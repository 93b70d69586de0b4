/* SPDX-License-Identifier: MIT */
/* Proposal generation after the top-k (roi/topk.cl): decoding, clipping and filters
 * (oclnn_rpn_decode), NMS per (image, level) segment (oclnn_rpn_nms_mask: the IoU bitmask in
 * parallel; oclnn_rpn_nms_sweep: the greedy sweep in one work-group per segment), and the best
 * post_nms_top_n of all levels per image (each segment's survivors sorted by oclnn_topk_sort,
 * then merged by rank in oclnn_rpn_output). src/opencl/rpn.c drives them; only the proposals are read back.
 *
 * Arithmetic: torchvision's BoxCoder.decode_single and clip_boxes_to_image in float without
 * contraction (as the C backend, src/cpu/rpn.c); exp is OpenCL's (within 3 ulp of the host's).
 * The IoU is roi/iou.h's, bit for bit the C backend's.
 *
 * Defines: NMS_WORDS (64-bit words of the sweep's local "removed" set: k <= 64 NMS_WORDS; the
 * host passes it, the default below is src/opencl/rpn.c's value so that a warm-up build, which
 * passes no defines, compiles this file too).
 * Work-groups: NMS_WG for the sweep. Segment table: as roi/topk.cl, with the fields below. */
#include "roi/iou.h"

#ifndef NMS_WORDS
#define NMS_WORDS 128
#endif

#define NMS_WG 64
#define SEG_FIELDS 8
#define SEG_K 2    /* candidates of the segment */
#define SEG_SORT 3 /* where its sorted keys start */
#define SEG_CAND 5 /* where its candidates start: image * cap + the level's first */
#define SEG_MASK 6 /* where its IoU mask starts (words) */
#define SEG_CB 7   /* 64-bit words per mask row */
#define SEG(s, f) seg[SEG_FIELDS * (s) + (f)]

/* global (k, N) for one level: the level's j-th best anchor of image img decoded, clipped,
 * scored (sigmoid of its logit, recovered from the key) and marked valid. */
kernel void oclnn_rpn_decode(global const float *del, uint off, uint4 st, uint A, uint H, uint W,
                             uint stride_h, uint stride_w, global const float4 *base, uint N,
                             uint L, uint level, uint K, global const uint *seg,
                             global const ulong *sorted, global const uint2 *sizes, float4 wt,
                             float clip, float min_size, float score_thr, global float4 *cbox,
                             global float *cscore, global uchar *cvalid) {
    uint j = get_global_id(0), img = get_global_id(1);
    if (j >= K || img >= N) return;
    uint s = img * L + level;
    ulong key = sorted[SEG(s, SEG_SORT) + j];
    uint idx = ~(uint)key, k32 = (uint)(key >> 32);
    float logit = as_float((k32 & 0x80000000u) ? (k32 & 0x7fffffffu) : ~k32);
    uint a = idx % A, cell = idx / A, y = cell / W, x = cell % W;
    float sx = (float)(x * stride_w), sy = (float)(y * stride_h);
    float4 b = base[level * A + a];
    float4 an = (float4)(sx + b.x, sy + b.y, sx + b.z, sy + b.w);
    uint at = off + img * st.x + y * st.z + x * st.w;
    float d0 = del[at + (4 * a) * st.y], d1 = del[at + (4 * a + 1) * st.y];
    float d2 = del[at + (4 * a + 2) * st.y], d3 = del[at + (4 * a + 3) * st.y];
    float pw = an.z - an.x, ph = an.w - an.y;
    float px = an.x + 0.5f * pw, py = an.y + 0.5f * ph;
    float dx = d0 / wt.x, dy = d1 / wt.y, dw = d2 / wt.z, dh = d3 / wt.w;
    dw = dw > clip ? clip : dw; /* torch.clamp(max=clip) keeps NaN */
    dh = dh > clip ? clip : dh;
    float cx = dx * pw + px, cy = dy * ph + py;
    float hw = 0.5f * (exp(dw) * pw), hh = 0.5f * (exp(dh) * ph);
    float4 r = (float4)(cx - hw, cy - hh, cx + hw, cy + hh);
    float iw = (float)sizes[img].y, ih = (float)sizes[img].x;
    r.x = r.x < 0.0f ? 0.0f : r.x > iw ? iw : r.x;
    r.y = r.y < 0.0f ? 0.0f : r.y > ih ? ih : r.y;
    r.z = r.z < 0.0f ? 0.0f : r.z > iw ? iw : r.z;
    r.w = r.w < 0.0f ? 0.0f : r.w > ih ? ih : r.w;
    float score = 1.0f / (1.0f + exp(-logit));
    uint c = SEG(s, SEG_CAND) + j;
    cbox[c] = r;
    cscore[c] = score;
    cvalid[c] = r.z - r.x >= min_size && r.w - r.y >= min_size && score >= score_thr;
}

/* global (words, rows, S): word j of row r of segment s: bit q set when candidate 64 j + q (> r)
 * overlaps candidate r by more than thr. Rows of invalid candidates (never kept) and words left
 * of the diagonal are not written (the sweep never reads them). */
kernel void oclnn_rpn_nms_mask(global const float4 *cbox, global const uchar *cvalid,
                               global const uint *seg, uint S, float thr, global ulong *mask) {
    uint j = get_global_id(0), r = get_global_id(1), s = get_global_id(2);
    if (s >= S) return;
    uint k = SEG(s, SEG_K), cb = SEG(s, SEG_CB);
    global const float4 *box = cbox + SEG(s, SEG_CAND);
    if (r >= k || j >= cb || j < r / 64 || !cvalid[SEG(s, SEG_CAND) + r]) return;
    float4 a = box[r];
    float area_a = (a.z - a.x) * (a.w - a.y);
    uint end = min(j * 64 + 64, k);
    ulong bits = 0;
    for (uint q = max(j * 64, r + 1); q < end; q++)
        if (oclnn_iou_above(a, area_a, box[q], thr)) bits |= 1ul << (q - j * 64);
    mask[SEG(s, SEG_MASK) + r * cb + j] = bits;
}

/* global (NMS_WG, S), local (NMS_WG, 1): greedy NMS of segment s in rank order over its valid
 * candidates, at most `post` kept. The survivors' merge keys (orderable(score) << 32 | ~position
 * in the image's candidates: level, then rank) replace the segment's sorted keys (no longer
 * needed after decoding), their number in count[s]. */
kernel void oclnn_rpn_nms_sweep(global const uchar *cvalid, global const float *cscore,
                                global const uint *seg, uint S, uint L, uint cap, uint post,
                                global const ulong *mask, global ulong *sorted,
                                global uint *count) {
    local ulong removed[NMS_WORDS];
    uint t = get_local_id(0), s = get_group_id(1);
    if (s >= S) return; /* whole groups */
    uint k = SEG(s, SEG_K), cb = SEG(s, SEG_CB), cand = SEG(s, SEG_CAND), img = s / L;
    global const ulong *m = mask + SEG(s, SEG_MASK);
    global ulong *out = sorted + SEG(s, SEG_SORT);
    for (uint w = t; w < cb; w += NMS_WG) removed[w] = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    uint kept = 0;
    for (uint i = 0; i < k && kept < post; i++) {
        /* Every item reads the same flags: the branch is uniform. */
        if (!cvalid[cand + i] || (removed[i / 64] >> (i % 64)) & 1ul) continue;
        barrier(CLK_LOCAL_MEM_FENCE); /* all have read removed[] before it changes */
        if (t == 0)
            out[kept] = ((ulong)(as_uint(cscore[cand + i]) | 0x80000000u) << 32) |
                        (ulong)(~(cand - img * cap + i));
        kept++;
        for (uint w = i / 64 + t; w < cb; w += NMS_WG) removed[w] |= m[i * cb + w];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t == 0) count[s] = kept;
}

/* Keys of d[0, n) (descending, distinct) greater than key. */
static inline uint above(global const ulong *d, uint n, ulong key) {
    uint lo = 0, hi = n;
    while (lo < hi) {
        uint mid = (lo + hi) / 2;
        if (d[mid] > key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* global (most survivors of a segment, S): survivor j of segment s (its list sorted by
 * oclnn_topk_sort) ranks j + the survivors of the image's other levels with greater keys (binary
 * searches: the levels' lists merged without a sort of the whole); written when within post. */
kernel void oclnn_rpn_output(global const ulong *sorted, global const uint *seg,
                             global const uint *count, uint S, uint L, uint cap, uint post,
                             global const float4 *cbox, global const float *cscore,
                             global float4 *obox, global float *oscore, global uint *ocount) {
    uint j = get_global_id(0), s = get_global_id(1);
    if (s >= S) return;
    uint img = s / L, first = img * L;
    if (j == 0 && s == first) {
        uint total = 0;
        for (uint l = 0; l < L; l++) total += count[first + l];
        ocount[img] = min(total, post);
    }
    if (j >= count[s]) return;
    ulong key = sorted[SEG(s, SEG_SORT) + j];
    uint rank = j;
    for (uint o = first; o < first + L && rank < post; o++)
        if (o != s) rank += above(sorted + SEG(o, SEG_SORT), count[o], key);
    if (rank >= post) return;
    uint c = img * cap + ~(uint)key;
    obox[(size_t)img * post + rank] = cbox[c];
    oscore[(size_t)img * post + rank] = cscore[c];
}
