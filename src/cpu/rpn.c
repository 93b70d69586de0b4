/* SPDX-License-Identifier: MIT */
/* Proposal generation on the C backend (the host is its device): per level and image a
 * quickselect of the best k logits and a sort of those k (not a sort of the level), decoding
 * with torchvision's float arithmetic (BoxCoder.decode_single, clip_boxes_to_image), the filters,
 * greedy NMS per level (oclnn__cpu_nms on the level's candidates, already in rank order), and the
 * survivors of all levels merged by score. The maps are read in place through their strides. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "cpu/detect.h"

typedef struct ranked {
    float score;
    uint32_t index;
} ranked;

/* Descending score, ties by ascending index. */
static int by_score(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Strict "a ranks before b" in by_score's order. */
static bool before(ranked a, ranked b) {
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

/* Moves the k best of a[0, n) to a[0, k) and sorts them: quickselect (median-of-three pivots,
 * three-way partition) and a sort of k, instead of a sort of the whole level. */
static void top_k(ranked *a, size_t n, size_t k) {
    size_t lo = 0, hi = n; /* the k-th lies in [lo, hi) */
    while (k < n && hi - lo > 16) {
        const size_t mid = lo + (hi - lo) / 2;
        ranked x = a[lo], y = a[mid], z = a[hi - 1], pivot;
        if (before(x, y)) pivot = before(y, z) ? y : before(x, z) ? z : x;
        else pivot = before(x, z) ? x : before(y, z) ? z : y;
        size_t lt = lo, i = lo, gt = hi; /* [lo, lt) before, [lt, gt) equal, [gt, hi) after */
        while (i < gt) {
            if (before(a[i], pivot)) {
                ranked t = a[lt];
                a[lt++] = a[i];
                a[i++] = t;
            } else if (before(pivot, a[i])) {
                ranked t = a[--gt];
                a[gt] = a[i];
                a[i] = t;
            } else {
                i++;
            }
        }
        if (k < lt) hi = lt;
        else if (k > gt) lo = gt;
        else {
            hi = gt; /* [0, gt) holds the k best and at most a few equal to the k-th */
            break;
        }
    }
    qsort(a, hi, sizeof *a, by_score);
}

/* A level's map of image i: base pointer and element strides (n, c, h, w). */
typedef struct map {
    const float *p;
    size_t s[4];
} map;

static map map_of(const oclnn_tensor *t, const float *host, uint32_t c) {
    map m;
    if (host) {
        m.p = host;
        m.s[3] = 1;
        m.s[2] = t->shape.w;
        m.s[1] = (size_t)t->shape.h * t->shape.w;
        m.s[0] = m.s[1] * c;
    } else {
        m.p = (const float *)t->storage->mem + t->offset;
        memcpy(m.s, t->stride, sizeof m.s);
    }
    return m;
}

typedef struct rpn_work {
    ranked *rank;   /* a level's anchors; later the survivors */
    float *box;     /* one image's candidates (cap), in level order */
    float *score;
    uint8_t *valid, *keep;
} rpn_work;

/* Image i, level l: the k best anchors, decoded, clipped, scored and marked valid. */
static oclnn_status level_candidates(const oclnn__rpn_problem *p, uint32_t l, uint32_t i,
                                     rpn_work *w) {
    const oclnn__rpn_level *lv = &p->level[l];
    const uint32_t A = p->A, H = lv->h, W = lv->w;
    const map o = map_of(lv->obj, lv->obj_host, A), d = map_of(lv->del, lv->del_host, 4 * A);
    const size_t n = (size_t)H * W * A;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++)
            for (uint32_t a = 0; a < A; a++) {
                const uint32_t idx = (y * W + x) * A + a;
                const float v = o.p[i * o.s[0] + a * o.s[1] + y * o.s[2] + x * o.s[3]];
                if (isnan(v))
                    return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                       "objectness[%u] of image %u is NaN at anchor %u", l, i, idx);
                w->rank[idx] = (ranked){v, idx};
            }
    top_k(w->rank, n, lv->k);
    const float *wt = p->coder.weights, clip = p->coder.clip;
    const float img_h = (float)p->sizes[i].h, img_w = (float)p->sizes[i].w;
    for (size_t j = 0; j < lv->k; j++) {
        const uint32_t idx = w->rank[j].index, a = idx % A, cell = idx / A;
        const uint32_t y = cell / W, x = cell % W;
        const float sx = (float)((uint64_t)x * lv->stride_w), sy = (float)((uint64_t)y * lv->stride_h);
        const float *b = p->base[l] + 4 * a;
        const float an[4] = {sx + b[0], sy + b[1], sx + b[2], sy + b[3]};
        float dl[4];
        for (uint32_t q = 0; q < 4; q++)
            dl[q] = d.p[i * d.s[0] + (a * 4 + q) * d.s[1] + y * d.s[2] + x * d.s[3]];
        /* BoxCoder.decode_single in float; torch.clamp(max=clip) keeps NaN. */
        const float pw = an[2] - an[0], ph = an[3] - an[1];
        const float px = an[0] + 0.5f * pw, py = an[1] + 0.5f * ph;
        float dx = dl[0] / wt[0], dy = dl[1] / wt[1], dw = dl[2] / wt[2], dh = dl[3] / wt[3];
        dw = dw > clip ? clip : dw;
        dh = dh > clip ? clip : dh;
        const float cx = dx * pw + px, cy = dy * ph + py;
        const float hw = 0.5f * (expf(dw) * pw), hh = 0.5f * (expf(dh) * ph);
        const float raw[4] = {cx - hw, cy - hh, cx + hw, cy + hh};
        float *out = w->box + 4 * (lv->first + j);
        for (int q = 0; q < 4; q++) {
            const float hi = q % 2 ? img_h : img_w, v = raw[q];
            out[q] = v < 0.0f ? 0.0f : v > hi ? hi : v; /* clamp keeps NaN */
        }
        const float s = 1.0f / (1.0f + expf(-w->rank[j].score));
        w->score[lv->first + j] = s;
        w->valid[lv->first + j] = out[2] - out[0] >= p->min_size &&
                                  out[3] - out[1] >= p->min_size && s >= p->score_threshold;
    }
    return OCLNN_OK;
}

/* Image i: candidates of every level, NMS per level over the valid ones, the best post. */
static oclnn_status image_proposals(oclnn_context *ctx, const oclnn__rpn_problem *p, uint32_t i,
                                    rpn_work *w, float *boxes, float *scores, size_t *counts) {
    size_t kept = 0;
    for (uint32_t l = 0; l < p->num_levels; l++) {
        const oclnn__rpn_level *lv = &p->level[l];
        OCLNN__TRY(level_candidates(p, l, i, w));
        /* The valid candidates, compacted in rank order (after the box array's level part). */
        size_t m = 0;
        uint32_t *at = (uint32_t *)(void *)w->rank; /* rank[] is free again: reuse as positions */
        for (size_t j = 0; j < lv->k; j++)
            if (w->valid[lv->first + j]) at[m++] = (uint32_t)(lv->first + j);
        float *packed = w->box + 4 * p->cap; /* scratch past the candidates */
        for (size_t j = 0; j < m; j++) memcpy(packed + 4 * j, w->box + 4 * at[j], 4 * sizeof(float));
        if (m) OCLNN__TRY(oclnn__cpu_nms(ctx, packed, NULL, m, p->nms_thr, p->post, w->keep));
        for (size_t j = 0; j < lv->k; j++) w->valid[lv->first + j] = 0;
        for (size_t j = 0; j < m; j++) w->valid[at[j]] = w->keep[j];
    }
    /* Survivors of all levels ranked by score, ties by position (level, then logit rank). */
    for (size_t c = 0; c < p->cap; c++)
        if (w->valid[c]) w->rank[kept++] = (ranked){w->score[c], (uint32_t)c};
    qsort(w->rank, kept, sizeof *w->rank, by_score);
    kept = kept < p->post ? kept : p->post;
    for (size_t j = 0; j < kept; j++) {
        const uint32_t c = w->rank[j].index;
        memcpy(boxes + 4 * ((size_t)i * p->post + j), w->box + 4 * c, 4 * sizeof(float));
        if (scores) scores[(size_t)i * p->post + j] = w->score[c];
    }
    counts[i] = kept;
    return OCLNN_OK;
}

oclnn_status oclnn__cpu_rpn_proposals(oclnn_context *ctx, const oclnn__rpn_problem *p,
                                      float *boxes, float *scores, size_t *counts) {
    const oclnn_allocator *al = ctx->allocator;
    size_t most = p->cap;
    for (uint32_t l = 0; l < p->num_levels; l++) {
        const size_t n = (size_t)p->level[l].h * p->level[l].w * p->A;
        most = n > most ? n : most;
    }
    rpn_work w;
    w.rank = oclnn__calloc(al, most, sizeof *w.rank);
    w.box = oclnn__calloc(al, 2 * p->cap * 4, sizeof *w.box);
    w.score = oclnn__calloc(al, p->cap, sizeof *w.score);
    w.valid = oclnn__calloc(al, p->cap, 1);
    w.keep = oclnn__calloc(al, p->cap, 1);
    oclnn_status st = OCLNN_OK;
    if (!w.rank || !w.box || !w.score || !w.valid || !w.keep)
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate proposal buffers (%zu anchors, %zu candidates)", most,
                         p->cap);
    for (uint32_t i = 0; st == OCLNN_OK && i < p->num_images; i++)
        st = image_proposals(ctx, p, i, &w, boxes, scores, counts);
    oclnn__free(al, w.rank);
    oclnn__free(al, w.box);
    oclnn__free(al, w.score);
    oclnn__free(al, w.valid);
    oclnn__free(al, w.keep);
    return st;
}
