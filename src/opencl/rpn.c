/* SPDX-License-Identifier: MIT */
/* Proposal generation on OpenCL, all on the device (issue 18): per (image, level) segment a radix
 * select of the pre_nms_top_n best logits and a bitonic sort of them (cl/roi/topk.cl), decoding,
 * clipping and filters, NMS per segment and the merge of the levels' survivors
 * (cl/roi/rpn.cl). 2 L + 21 launches whatever the sizes; the maps never leave the
 * device, only the counts and the proposals are read back. Device buffers stay on the context
 * between calls (oclnn__cl_state's rpn_buf). The result equals the C backend's (src/cpu/rpn.c)
 * up to exp's ulps in the boxes and scores. */
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "opencl/detect.h"
#include "opencl/opencl.h"

#define TOPK_CL "roi/topk.cl"
#define RPN_CL "roi/rpn.cl"
#define TOPK_WG 256      /* topk.cl's work-group */
#define TOPK_CHUNK 4096  /* topk.cl's keys per work-group */
#define NMS_WG 64        /* rpn.cl's sweep work-group */
#define NMS_WORDS 128    /* the sweep's local set: at most 8192 candidates per segment */
#define SEG_FIELDS 8     /* topk.cl / rpn.cl's segment table */
enum { SEG_KEYS, SEG_N, SEG_K, SEG_SORT, SEG_POW, SEG_CAND, SEG_MASK, SEG_CB };

enum {
    B_SEG, B_KEYS, B_HIST, B_PREFIX, B_KREM, B_COUNT, B_SORTED, B_CBOX, B_CSCORE, B_CVALID, B_MASK,
    B_OBOX, B_OSCORE, B_OCOUNT, B_NAN, B_BASE, B_SIZES, B_COUNT_ALL
};

_Static_assert(B_COUNT_ALL == sizeof(((oclnn__cl_state *)0)->rpn_buf) / sizeof(cl_mem),
               "oclnn__cl_state's rpn_buf holds one per buffer");

void oclnn__cl_rpn_release(oclnn__cl_state *s) {
    for (int i = 0; i < B_COUNT_ALL; i++) {
        if (s->rpn_buf[i]) clReleaseMemObject(s->rpn_buf[i]);
        s->rpn_buf[i] = NULL;
        s->rpn_cap[i] = 0;
    }
}

static size_t pow2_at_least(size_t n) {
    size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

/* The sizes of one call: the segment table and every buffer's bytes. */
typedef struct rpn_plan {
    uint32_t S, *seg;
    size_t bytes[B_COUNT_ALL];
    size_t max_n, max_k, max_cb, max_kept;
} rpn_plan;

/* Fills the segment table; false (with a message) when the problem is beyond this path. */
static oclnn_status plan_segments(const oclnn__rpn_problem *p, rpn_plan *pl) {
    const uint32_t N = p->num_images, L = p->num_levels;
    size_t keys = 0, sorted = 0, mask = 0;
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t l = 0; l < L; l++) {
            const oclnn__rpn_level *lv = &p->level[l];
            const size_t n = (size_t)lv->h * lv->w * p->A, k = lv->k, cb = (k + 63) / 64;
            uint32_t *e = pl->seg + SEG_FIELDS * (i * L + l);
            e[SEG_KEYS] = (uint32_t)keys;
            e[SEG_N] = (uint32_t)n;
            e[SEG_K] = (uint32_t)k;
            e[SEG_SORT] = (uint32_t)sorted;
            e[SEG_POW] = (uint32_t)pow2_at_least(k);
            e[SEG_CAND] = (uint32_t)(i * p->cap + lv->first);
            e[SEG_MASK] = (uint32_t)mask;
            e[SEG_CB] = (uint32_t)cb;
            keys += n;
            sorted += pow2_at_least(k);
            mask += k * cb;
            pl->max_n = n > pl->max_n ? n : pl->max_n;
            pl->max_k = k > pl->max_k ? k : pl->max_k;
            pl->max_cb = cb > pl->max_cb ? cb : pl->max_cb;
            const size_t kept = k < p->post ? k : p->post; /* survivors at most */
            pl->max_kept = kept > pl->max_kept ? kept : pl->max_kept;
            if (keys >= UINT32_MAX || sorted >= UINT32_MAX || mask >= UINT32_MAX)
                return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "proposals: %u images' maps exceed "
                                   "the device path's 32-bit offsets", N);
        }
    if (pl->max_k > 64 * NMS_WORDS || (size_t)N * p->cap >= UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "proposals: %zu candidates per level (the "
                           "device path takes up to %d)", pl->max_k, 64 * NMS_WORDS);
    const size_t S = pl->S, cand = (size_t)N * p->cap, out = (size_t)N * p->post;
    const size_t b[B_COUNT_ALL] = {
        [B_SEG] = S * SEG_FIELDS * 4, [B_KEYS] = keys * 4, [B_HIST] = S * 256 * 4,
        [B_PREFIX] = S * 8, [B_KREM] = S * 4, [B_COUNT] = S * 4, [B_SORTED] = sorted * 8,
        [B_CBOX] = cand * 16, [B_CSCORE] = cand * 4, [B_CVALID] = cand, [B_MASK] = mask * 8,
        [B_OBOX] = out * 16, [B_OSCORE] = out * 4, [B_OCOUNT] = N * 4, [B_NAN] = S * 4,
        [B_BASE] = (size_t)L * p->A * 16, [B_SIZES] = N * 8};
    memcpy(pl->bytes, b, sizeof b);
    return OCLNN_OK;
}

/* The context's buffer i holding at least `bytes`, grown by half again when it does not. */
static oclnn_status rpn_buffer(oclnn_context *ctx, int i, size_t bytes, cl_mem *out) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    bytes = bytes ? bytes : 16;
    if (s->rpn_cap[i] < bytes) {
        if (s->rpn_buf[i]) clReleaseMemObject(s->rpn_buf[i]);
        s->rpn_buf[i] = NULL;
        s->rpn_cap[i] = 0;
        size_t want = bytes + bytes / 2;
        const uint64_t most = ctx->device.max_alloc_bytes;
        if (most && want > most) want = bytes;
        if (most && bytes > most)
            return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "proposals: a %zu-byte buffer exceeds "
                               "the device's largest allocation", bytes);
        OCLNN__TRY(oclnn__check_storage_bytes(ctx, want, "a proposal buffer"));
        cl_int err;
        s->rpn_buf[i] = clCreateBuffer(s->context, CL_MEM_READ_WRITE, want, NULL, &err);
        if (err != CL_SUCCESS) {
            s->rpn_buf[i] = NULL;
            return oclnn__cl_fail(err, "clCreateBuffer (proposals)");
        }
        s->rpn_cap[i] = want;
    }
    *out = s->rpn_buf[i];
    return OCLNN_OK;
}

typedef struct rpn_kernels {
    cl_kernel keys, hist, select, compact, sort, decode, mask, sweep, output;
} rpn_kernels;

/* The kernels, and whether the device runs their fixed work-groups. */
static oclnn_status get_kernels(oclnn_context *ctx, rpn_kernels *k) {
    oclnn__cl_options to = {0}, ro = {0};
    /* Half the local memory at most for the sort (8 bytes a key), 2048 keys at most. */
    size_t sort_local = 2048;
    while (sort_local > 64 && sort_local * 16 > ctx->device.local_mem_bytes) sort_local >>= 1;
    oclnn__cl_define_int(&to, "SORT_LOCAL", (long)sort_local);
    oclnn__cl_define_int(&ro, "NMS_WORDS", NMS_WORDS);
    OCLNN__TRY(oclnn__cl_kernel(ctx, TOPK_CL, &to, "oclnn_topk_keys", &k->keys));
    OCLNN__TRY(oclnn__cl_kernel(ctx, TOPK_CL, &to, "oclnn_topk_hist", &k->hist));
    OCLNN__TRY(oclnn__cl_kernel(ctx, TOPK_CL, &to, "oclnn_topk_select", &k->select));
    OCLNN__TRY(oclnn__cl_kernel(ctx, TOPK_CL, &to, "oclnn_topk_compact", &k->compact));
    OCLNN__TRY(oclnn__cl_kernel(ctx, TOPK_CL, &to, "oclnn_topk_sort", &k->sort));
    OCLNN__TRY(oclnn__cl_kernel(ctx, RPN_CL, &ro, "oclnn_rpn_decode", &k->decode));
    OCLNN__TRY(oclnn__cl_kernel(ctx, RPN_CL, &ro, "oclnn_rpn_nms_mask", &k->mask));
    OCLNN__TRY(oclnn__cl_kernel(ctx, RPN_CL, &ro, "oclnn_rpn_nms_sweep", &k->sweep));
    OCLNN__TRY(oclnn__cl_kernel(ctx, RPN_CL, &ro, "oclnn_rpn_output", &k->output));
    const cl_kernel fixed[3] = {k->hist, k->compact, k->sort};
    for (int i = 0; i < 3; i++) {
        size_t wg = 0;
        OCLNN__CL_TRY(clGetKernelWorkGroupInfo(fixed[i], oclnn__cl_state_of(ctx)->device,
                                               CL_KERNEL_WORK_GROUP_SIZE, sizeof wg, &wg, NULL),
                      "clGetKernelWorkGroupInfo (proposals)");
        if (wg < TOPK_WG)
            return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "proposals: the device runs work-groups "
                               "of %zu, the top-k needs %d", wg, TOPK_WG);
    }
    return OCLNN_OK;
}

static oclnn_status write(oclnn_context *ctx, cl_mem m, const void *data, size_t bytes) {
    OCLNN__CL_TRY(clEnqueueWriteBuffer(oclnn__cl_state_of(ctx)->queue, m, CL_TRUE, 0, bytes, data,
                                       0, NULL, NULL),
                  "clEnqueueWriteBuffer (proposals)");
    return OCLNN_OK;
}

static oclnn_status fill(oclnn_context *ctx, cl_mem m, uint32_t value, size_t bytes) {
    OCLNN__CL_TRY(clEnqueueFillBuffer(oclnn__cl_state_of(ctx)->queue, m, &value, sizeof value, 0,
                                      bytes, 0, NULL, NULL),
                  "clEnqueueFillBuffer (proposals)");
    return OCLNN_OK;
}

/* The segment tables, the base anchors, the image sizes, the counters' starting values. */
static oclnn_status upload(oclnn_context *ctx, const oclnn__rpn_problem *p, const rpn_plan *pl,
                           const cl_mem *b, uint32_t *scratch) {
    const uint32_t S = pl->S, N = p->num_images, A = p->A;
    OCLNN__TRY(write(ctx, b[B_SEG], pl->seg, pl->bytes[B_SEG]));
    for (uint32_t s = 0; s < S; s++) { /* a segment taking its whole level is done already */
        const uint32_t *e = pl->seg + SEG_FIELDS * s;
        scratch[s] = e[SEG_K] == e[SEG_N] ? 0 : e[SEG_K];
    }
    OCLNN__TRY(write(ctx, b[B_KREM], scratch, pl->bytes[B_KREM]));
    for (uint32_t i = 0; i < N; i++) {
        scratch[2 * i] = p->sizes[i].h;
        scratch[2 * i + 1] = p->sizes[i].w;
    }
    OCLNN__TRY(write(ctx, b[B_SIZES], scratch, pl->bytes[B_SIZES]));
    float *base = (float *)(void *)scratch;
    for (uint32_t l = 0; l < p->num_levels; l++) memcpy(base + 4 * A * l, p->base[l], 16 * A);
    OCLNN__TRY(write(ctx, b[B_BASE], base, pl->bytes[B_BASE]));
    OCLNN__TRY(fill(ctx, b[B_PREFIX], 0, pl->bytes[B_PREFIX]));
    OCLNN__TRY(fill(ctx, b[B_HIST], 0, pl->bytes[B_HIST]));
    OCLNN__TRY(fill(ctx, b[B_COUNT], 0, pl->bytes[B_COUNT]));
    return fill(ctx, b[B_NAN], UINT32_MAX, pl->bytes[B_NAN]);
}

/* Keys, radix select, compaction and sort: each segment's k best keys in rank order. */
static oclnn_status top_k(oclnn_context *ctx, const rpn_kernels *k, const oclnn__rpn_problem *p,
                          const rpn_plan *pl, const cl_mem *b) {
    cl_uint S = pl->S, N = p->num_images, L = p->num_levels, A = p->A;
    for (cl_uint l = 0; l < L; l++) {
        const oclnn_tensor *t = p->level[l].obj;
        cl_mem m = oclnn__cl_mem(t);
        cl_uint off = (cl_uint)t->offset, H = p->level[l].h, W = p->level[l].w;
        cl_uint4 st = oclnn__cl_strides(t);
        OCLNN__TRY(oclnn__cl_args(k->keys, OCLNN__ARG(m), OCLNN__ARG(off), OCLNN__ARG(st),
                                  OCLNN__ARG(A), OCLNN__ARG(H), OCLNN__ARG(W), OCLNN__ARG(N),
                                  OCLNN__ARG(L), OCLNN__ARG(l), OCLNN__ARG(b[B_SEG]),
                                  OCLNN__ARG(b[B_KEYS]), OCLNN__ARG(b[B_NAN])));
        size_t g[2] = {(size_t)H * W * A, N};
        OCLNN__TRY(oclnn__cl_launch(ctx, k->keys, 2, g, NULL));
    }
    const size_t groups = (pl->max_n + TOPK_CHUNK - 1) / TOPK_CHUNK;
    size_t chunked[2] = {groups * TOPK_WG, S}, wg[2] = {TOPK_WG, 1}, segs[1] = {S};
    for (cl_uint pass = 0; pass < 8; pass++) {
        OCLNN__TRY(oclnn__cl_args(k->hist, OCLNN__ARG(b[B_KEYS]), OCLNN__ARG(b[B_SEG]),
                                  OCLNN__ARG(S), OCLNN__ARG(pass), OCLNN__ARG(b[B_PREFIX]),
                                  OCLNN__ARG(b[B_KREM]), OCLNN__ARG(b[B_HIST])));
        OCLNN__TRY(oclnn__cl_launch(ctx, k->hist, 2, chunked, wg));
        OCLNN__TRY(oclnn__cl_args(k->select, OCLNN__ARG(S), OCLNN__ARG(pass),
                                  OCLNN__ARG(b[B_PREFIX]), OCLNN__ARG(b[B_KREM]),
                                  OCLNN__ARG(b[B_HIST])));
        OCLNN__TRY(oclnn__cl_launch(ctx, k->select, 1, segs, NULL));
    }
    OCLNN__TRY(oclnn__cl_args(k->compact, OCLNN__ARG(b[B_KEYS]), OCLNN__ARG(b[B_SEG]), OCLNN__ARG(S),
                              OCLNN__ARG(b[B_PREFIX]), OCLNN__ARG(b[B_COUNT]),
                              OCLNN__ARG(b[B_SORTED])));
    OCLNN__TRY(oclnn__cl_launch(ctx, k->compact, 2, chunked, wg));
    cl_uint fields = SEG_FIELDS, f_off = SEG_SORT, f_pow = SEG_POW;
    OCLNN__TRY(oclnn__cl_args(k->sort, OCLNN__ARG(b[B_SORTED]), OCLNN__ARG(b[B_SEG]),
                              OCLNN__ARG(fields), OCLNN__ARG(f_off), OCLNN__ARG(f_pow),
                              OCLNN__ARG(b[B_COUNT]), OCLNN__ARG(S)));
    size_t sg[2] = {TOPK_WG, S};
    return oclnn__cl_launch(ctx, k->sort, 2, sg, wg);
}

/* Decoding and filters per level, NMS per segment, the levels' survivors merged per image. */
static oclnn_status select_proposals(oclnn_context *ctx, const rpn_kernels *k,
                                     const oclnn__rpn_problem *p, const rpn_plan *pl,
                                     const cl_mem *b) {
    cl_uint S = pl->S, N = p->num_images, L = p->num_levels, A = p->A;
    cl_uint cap = (cl_uint)p->cap, post = (cl_uint)p->post;
    const float *w = p->coder.weights;
    cl_float4 wt = {{w[0], w[1], w[2], w[3]}};
    for (cl_uint l = 0; l < L; l++) {
        const oclnn__rpn_level *lv = &p->level[l];
        cl_mem m = oclnn__cl_mem(lv->del);
        cl_uint off = (cl_uint)lv->del->offset, H = lv->h, W = lv->w, K = (cl_uint)lv->k;
        cl_uint sh = lv->stride_h, sw = lv->stride_w;
        cl_uint4 st = oclnn__cl_strides(lv->del);
        OCLNN__TRY(oclnn__cl_args(
            k->decode, OCLNN__ARG(m), OCLNN__ARG(off), OCLNN__ARG(st), OCLNN__ARG(A), OCLNN__ARG(H),
            OCLNN__ARG(W), OCLNN__ARG(sh), OCLNN__ARG(sw), OCLNN__ARG(b[B_BASE]), OCLNN__ARG(N),
            OCLNN__ARG(L), OCLNN__ARG(l), OCLNN__ARG(K), OCLNN__ARG(b[B_SEG]),
            OCLNN__ARG(b[B_SORTED]), OCLNN__ARG(b[B_SIZES]), OCLNN__ARG(wt),
            OCLNN__ARG(p->coder.clip), OCLNN__ARG(p->min_size), OCLNN__ARG(p->score_threshold),
            OCLNN__ARG(b[B_CBOX]), OCLNN__ARG(b[B_CSCORE]), OCLNN__ARG(b[B_CVALID])));
        size_t g[2] = {lv->k, N};
        OCLNN__TRY(oclnn__cl_launch(ctx, k->decode, 2, g, NULL));
    }
    OCLNN__TRY(oclnn__cl_args(k->mask, OCLNN__ARG(b[B_CBOX]), OCLNN__ARG(b[B_CVALID]),
                              OCLNN__ARG(b[B_SEG]), OCLNN__ARG(S), OCLNN__ARG(p->nms_thr),
                              OCLNN__ARG(b[B_MASK])));
    size_t mg[3] = {pl->max_cb, pl->max_k, S};
    OCLNN__TRY(oclnn__cl_launch(ctx, k->mask, 3, mg, NULL));
    OCLNN__TRY(oclnn__cl_args(k->sweep, OCLNN__ARG(b[B_CVALID]), OCLNN__ARG(b[B_CSCORE]),
                              OCLNN__ARG(b[B_SEG]), OCLNN__ARG(S), OCLNN__ARG(L), OCLNN__ARG(cap),
                              OCLNN__ARG(post), OCLNN__ARG(b[B_MASK]), OCLNN__ARG(b[B_SORTED]),
                              OCLNN__ARG(b[B_COUNT])));
    size_t swg[2] = {NMS_WG, S}, swl[2] = {NMS_WG, 1};
    OCLNN__TRY(oclnn__cl_launch(ctx, k->sweep, 2, swg, swl));
    /* Each segment's survivors sorted, then merged by rank. */
    cl_uint fields = SEG_FIELDS, f_off = SEG_SORT, f_pow = SEG_POW;
    OCLNN__TRY(oclnn__cl_args(k->sort, OCLNN__ARG(b[B_SORTED]), OCLNN__ARG(b[B_SEG]),
                              OCLNN__ARG(fields), OCLNN__ARG(f_off), OCLNN__ARG(f_pow),
                              OCLNN__ARG(b[B_COUNT]), OCLNN__ARG(S)));
    size_t sg[2] = {TOPK_WG, S}, sl[2] = {TOPK_WG, 1};
    OCLNN__TRY(oclnn__cl_launch(ctx, k->sort, 2, sg, sl));
    OCLNN__TRY(oclnn__cl_args(k->output, OCLNN__ARG(b[B_SORTED]), OCLNN__ARG(b[B_SEG]),
                              OCLNN__ARG(b[B_COUNT]), OCLNN__ARG(S), OCLNN__ARG(L), OCLNN__ARG(cap),
                              OCLNN__ARG(post), OCLNN__ARG(b[B_CBOX]), OCLNN__ARG(b[B_CSCORE]),
                              OCLNN__ARG(b[B_OBOX]), OCLNN__ARG(b[B_OSCORE]),
                              OCLNN__ARG(b[B_OCOUNT])));
    size_t og[2] = {pl->max_kept, S};
    return oclnn__cl_launch(ctx, k->output, 2, og, NULL);
}

/* Counts and NaN marks, then each image's proposals (nothing past its count). */
static oclnn_status read_back(oclnn_context *ctx, const oclnn__rpn_problem *p, const rpn_plan *pl,
                              const cl_mem *b, uint32_t *scratch, float *boxes, float *scores,
                              size_t *counts) {
    cl_command_queue q = oclnn__cl_state_of(ctx)->queue;
    const uint32_t N = p->num_images, L = p->num_levels;
    OCLNN__CL_TRY(clEnqueueReadBuffer(q, b[B_NAN], CL_TRUE, 0, pl->bytes[B_NAN], scratch, 0, NULL,
                                      NULL),
                  "clEnqueueReadBuffer (proposals)");
    for (uint32_t s = 0; s < pl->S; s++)
        if (scratch[s] != UINT32_MAX)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "objectness[%u] of image %u is NaN at anchor %u", s % L, s / L,
                               scratch[s]);
    OCLNN__CL_TRY(clEnqueueReadBuffer(q, b[B_OCOUNT], CL_TRUE, 0, pl->bytes[B_OCOUNT], scratch, 0,
                                      NULL, NULL),
                  "clEnqueueReadBuffer (proposals)");
    for (uint32_t i = 0; i < N; i++) {
        counts[i] = scratch[i];
        const size_t at = (size_t)i * p->post;
        if (!counts[i]) continue;
        OCLNN__CL_TRY(clEnqueueReadBuffer(q, b[B_OBOX], CL_FALSE, at * 16, counts[i] * 16,
                                          boxes + 4 * at, 0, NULL, NULL),
                      "clEnqueueReadBuffer (proposals)");
        if (scores)
            OCLNN__CL_TRY(clEnqueueReadBuffer(q, b[B_OSCORE], CL_FALSE, at * 4, counts[i] * 4,
                                              scores + at, 0, NULL, NULL),
                          "clEnqueueReadBuffer (proposals)");
    }
    OCLNN__CL_TRY(clFinish(q), "clFinish (proposals)");
    return OCLNN_OK;
}

oclnn_status oclnn__cl_rpn_proposals(oclnn_context *ctx, const oclnn__rpn_problem *p, float *boxes,
                                     float *scores, size_t *counts) {
    const oclnn_allocator *a = ctx->allocator;
    const uint32_t N = p->num_images, S = N * p->num_levels;
    const size_t scratch_n = 4 * (size_t)(S > N ? S : N) + 4 * (size_t)p->num_levels * p->A;
    rpn_plan pl;
    memset(&pl, 0, sizeof pl);
    pl.S = S;
    pl.seg = oclnn__calloc(a, (size_t)S * SEG_FIELDS, sizeof *pl.seg);
    uint32_t *scratch = oclnn__calloc(a, scratch_n, sizeof *scratch);
    oclnn_status st = OCLNN_OK;
    rpn_kernels k;
    cl_mem b[B_COUNT_ALL];
    if (!pl.seg || !scratch)
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the proposals' tables");
    if (st == OCLNN_OK) st = plan_segments(p, &pl);
    if (st == OCLNN_OK) st = get_kernels(ctx, &k);
    for (int i = 0; st == OCLNN_OK && i < B_COUNT_ALL; i++) st = rpn_buffer(ctx, i, pl.bytes[i], &b[i]);
    if (st == OCLNN_OK) st = upload(ctx, p, &pl, b, scratch);
    if (st == OCLNN_OK) st = top_k(ctx, &k, p, &pl, b);
    if (st == OCLNN_OK) st = select_proposals(ctx, &k, p, &pl, b);
    if (st == OCLNN_OK) st = read_back(ctx, p, &pl, b, scratch, boxes, scores, counts);
    oclnn__free(a, pl.seg);
    oclnn__free(a, scratch);
    return st;
}
