/* SPDX-License-Identifier: MIT */
/* `oclnn bench roi_align|roi_pool|nms`: the detection ops on a real detector's load by default
 * (300 RoIs on a 1x256x50x50 map at 1/16 scale, 7x7; NMS over 2000 boxes at IoU 0.7). Inputs are
 * seeded; RoIs and boxes are host arrays, as the API takes them, so their upload is timed too. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ref/ref.h"

/* xorshift in [0, 1) */
static float next_unit(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return (float)((*s >> 8) * (1.0 / 16777216.0));
}

static float *alloc_floats(size_t n) {
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) fprintf(stderr, "oclnn bench: out of memory\n");
    return p;
}

typedef struct roi_args {
    oclnn_op *op;
    oclnn_tensor *src, *dst;
    const float *rois;
    size_t num_rois;
} roi_args;

static oclnn_status run_roi(void *p) {
    roi_args *a = p;
    return oclnn_roi_run(a->op, a->src, a->rois, a->num_rois, a->dst, NULL);
}

/* --out H,W */
static const char *opt_out(const char *v, void *dst) {
    unsigned u[2];
    if (parse_uints(v, u, 2) != 2 || !u[0] || !u[1]) return "H,W, each at least 1";
    ((uint32_t *)dst)[0] = u[0], ((uint32_t *)dst)[1] = u[1];
    return NULL;
}

static const char *opt_scale(const char *v, void *dst) {
    float f;
    if (opt_float(v, &f) || !(f > 0)) return "a positive number";
    *(float *)dst = f;
    return NULL;
}

static int bench_roi(int argc, char **argv, oclnn_roi_mode mode) {
    const char *name = mode == OCLNN_ROI_ALIGN ? "roi_align" : "roi_pool";
    bench_common c;
    oclnn_shape map = {1, 256, 50, 50};
    oclnn_roi_desc d = OCLNN_ROI_DESC_INIT;
    d.mode = mode;
    d.spatial_scale = 0.0625f;
    d.sampling_ratio = 2;
    uint32_t num_rois = 300, out[2] = {7, 7};
    const bool align = mode == OCLNN_ROI_ALIGN;
    tool_opt opts[] = {
        {"map", "N,C,H,W", "the feature map (default 1,256,50,50)", opt_shape, &map},
        {"rois", "R", "how many RoIs (default 300)", opt_count, &num_rois},
        {"out", "H,W", "pooled size (default 7,7)", opt_out, out},
        {"scale", "S", "feature-map pixels per image pixel (default 0.0625)", opt_scale, &d.spatial_scale},
        {"sampling", "S", "samples per bin side, 0 adaptive (default 2)", opt_int, &d.sampling_ratio},
        {"aligned", NULL, "half-pixel offset (torchvision aligned=True)", NULL, &d.aligned},
        {NULL, NULL, NULL, NULL, NULL},
    };
    if (!align) opts[4] = opts[6]; /* RoI pooling has no sampling and no alignment */
    const tool_cmd cmd = {align ? "bench roi_align" : "bench roi_pool", "",
                          "Times RoI pooling of random boxes of 16 to 400 image pixels, some crossing the borders,\n"
                          "on a seeded feature map.",
                          opts, NULL, 0, 0};
    const char *args[1];
    int n_args;
    int prc = bench_parse(&cmd, &c, argc, argv, args, &n_args);
    if (prc != TOOL_OK) return prc == TOOL_HELP ? TOOL_OK : prc;
    d.pooled_h = out[0], d.pooled_w = out[1];
    oclnn_context *ctx = bench_context(&c);
    if (!ctx) return TOOL_FAIL;
    int rc = TOOL_FAIL;
    const size_t n_map = (size_t)map.n * map.c * map.h * map.w;
    const oclnn_shape os = {num_rois, map.c, d.pooled_h, d.pooled_w};
    const size_t n_out = (size_t)num_rois * map.c * d.pooled_h * d.pooled_w;
    float *src = alloc_floats(n_map), *rois = alloc_floats((size_t)num_rois * 5);
    float *got = alloc_floats(n_out), *ref = c.verify ? alloc_floats(n_out) : NULL;
    roi_args a = {0};
    if (!src || !rois || !got || (c.verify && !ref)) goto done;
    uint32_t seed = 12345;
    for (size_t i = 0; i < n_map; i++) src[i] = next_unit(&seed) * 2 - 1;
    const float img_h = map.h / d.spatial_scale, img_w = map.w / d.spatial_scale;
    for (size_t r = 0; r < num_rois; r++) {
        float *q = rois + 5 * r;
        float w = 16 + next_unit(&seed) * 384, h = 16 + next_unit(&seed) * 384;
        float x = next_unit(&seed) * (img_w + 32) - 16 - w / 2,
              y = next_unit(&seed) * (img_h + 32) - 16 - h / 2;
        q[0] = (float)(r % map.n);
        q[1] = x;
        q[2] = y;
        q[3] = x + w;
        q[4] = y + h;
    }
    if (oclnn_tensor_create(ctx, map, c.layout, &a.src) != OCLNN_OK ||
        oclnn_tensor_write(a.src, src, OCLNN_LAYOUT_NCHW) != OCLNN_OK ||
        oclnn_tensor_create(ctx, os, c.layout, &a.dst) != OCLNN_OK ||
        oclnn_roi_create(ctx, &d, &a.op) != OCLNN_OK) {
        fprintf(stderr, "oclnn bench %s: %s\n", name, oclnn_last_error());
        goto done;
    }
    a.rois = rois;
    a.num_rois = num_rois;
    double ms = bench_time(ctx, &c, run_roi, &a);
    if (ms < 0) goto done;
    /* Canonical problem string, e.g. n1c256h50w50_r300_o7x7_s0.0625_sr2 (sr0: adaptive). */
    char problem[160], extra[32] = "";
    if (mode == OCLNN_ROI_ALIGN)
        snprintf(extra, sizeof extra, "_sr%d%s", d.sampling_ratio > 0 ? d.sampling_ratio : 0,
                 d.aligned ? "_aligned" : "");
    snprintf(problem, sizeof problem, "n%uc%uh%uw%u_r%u_o%ux%u_s%g%s", map.n, map.c, map.h, map.w,
             num_rois, d.pooled_h, d.pooled_w, d.spatial_scale, extra);
    bench_result res = {name, oclnn_op_algorithm(a.op), problem, ms, -1, -1, false, 0, 0, true};
    if (c.verify) {
        if (oclnn_tensor_read(a.dst, got, OCLNN_LAYOUT_NCHW) != OCLNN_OK) {
            fprintf(stderr, "oclnn bench %s: %s\n", name, oclnn_last_error());
            goto done;
        }
        if (mode == OCLNN_ROI_ALIGN)
            oclnn__ref_roi_align(map, src, OCLNN_LAYOUT_NCHW, rois, num_rois, d.pooled_h,
                                 d.pooled_w, d.spatial_scale, d.sampling_ratio, d.aligned, ref);
        else
            oclnn__ref_roi_pool(map, src, OCLNN_LAYOUT_NCHW, rois, num_rois, d.pooled_h, d.pooled_w,
                                d.spatial_scale, ref, NULL);
        res.verified = true;
        bench_errors(got, ref, n_out, &res.max_abs_err, &res.max_rel_err);
        res.ok = res.max_abs_err <= (mode == OCLNN_ROI_ALIGN ? 1e-4 : 0.0);
    }
    bench_json_begin(&c);
    bench_print(&c, &res, true);
    bench_json_end(&c);
    rc = res.ok ? TOOL_OK : TOOL_FAIL;
done:
    oclnn_op_destroy(a.op);
    oclnn_tensor_destroy(a.src);
    oclnn_tensor_destroy(a.dst);
    oclnn_context_destroy(ctx);
    free(src);
    free(rois);
    free(got);
    free(ref);
    return rc;
}

int bench_roi_align(int argc, char **argv) { return bench_roi(argc, argv, OCLNN_ROI_ALIGN); }
int bench_roi_pool(int argc, char **argv) { return bench_roi(argc, argv, OCLNN_ROI_POOL); }

typedef struct nms_args {
    oclnn_context *ctx;
    oclnn_nms_desc desc;
    const float *boxes, *scores;
    const int32_t *classes;
    size_t n, kept;
    uint32_t *keep;
} nms_args;

static oclnn_status run_nms(void *p) {
    nms_args *a = p;
    return oclnn_nms(a->ctx, &a->desc, a->boxes, a->scores, a->classes, a->n, a->keep, &a->kept);
}

static const char *opt_iou(const char *v, void *dst) {
    float f;
    if (opt_float(v, &f) || !(f >= 0 && f <= 1)) return "a number from 0 to 1";
    *(double *)dst = f;
    return NULL;
}

int bench_nms(int argc, char **argv) {
    bench_common c;
    uint32_t n = 2000, classes = 1, objects = 0;
    double iou = 0.7;
    const tool_opt opts[] = {
        {"boxes", "B", "how many boxes (default 2000)", opt_count, &n},
        {"iou", "T", "IoU threshold (default 0.7)", opt_iou, &iou},
        {"classes", "K", "classes; K > 1 runs batched (per-class) NMS (default 1)", opt_count, &classes},
        {"objects", "M", "boxes jittered around M objects, 0: spread out (default 0)", opt_uint, &objects},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"bench nms", "", "Times non-maximum suppression of boxes of 20 to 200 pixels in an 800x800 image.",
                          opts, NULL, 0, 0};
    const char *args[1];
    int n_args;
    int prc = bench_parse(&cmd, &c, argc, argv, args, &n_args);
    if (prc != TOOL_OK) return prc == TOOL_HELP ? TOOL_OK : prc;
    oclnn_context *ctx = bench_context(&c);
    if (!ctx) return TOOL_FAIL;
    int rc = TOOL_FAIL;
    float *boxes = alloc_floats((size_t)n * 4), *scores = alloc_floats(n);
    float *centers = alloc_floats(2 * (size_t)(objects ? objects : 1));
    int32_t *cls = classes > 1 ? malloc(n * sizeof *cls) : NULL;
    uint32_t *keep = malloc(n * sizeof *keep), *ref = c.verify ? malloc(n * sizeof *ref) : NULL;
    if (!boxes || !scores || !centers || (classes > 1 && !cls) || !keep || (c.verify && !ref))
        goto done;
    uint32_t seed = 777;
    for (unsigned o = 0; o < objects; o++) {
        centers[2 * o] = 100 + next_unit(&seed) * 600;
        centers[2 * o + 1] = 100 + next_unit(&seed) * 600;
    }
    for (size_t i = 0; i < n; i++) {
        float w = 20 + next_unit(&seed) * 180, h = 20 + next_unit(&seed) * 180, cx, cy;
        if (objects) {
            unsigned o = (unsigned)(next_unit(&seed) * objects) % objects;
            cx = centers[2 * o] + (next_unit(&seed) - 0.5f) * 40;
            cy = centers[2 * o + 1] + (next_unit(&seed) - 0.5f) * 40;
        } else {
            cx = next_unit(&seed) * 800;
            cy = next_unit(&seed) * 800;
        }
        boxes[4 * i] = cx - w / 2;
        boxes[4 * i + 1] = cy - h / 2;
        boxes[4 * i + 2] = cx + w / 2;
        boxes[4 * i + 3] = cy + h / 2;
        scores[i] = next_unit(&seed);
        if (cls) cls[i] = (int32_t)(i % classes);
    }
    nms_args a = {ctx, OCLNN_NMS_DESC_INIT, boxes, scores, cls, n, 0, keep};
    a.desc.iou_threshold = iou;
    double ms = bench_time(ctx, &c, run_nms, &a);
    if (ms < 0) goto done;
    oclnn_device_info info;
    oclnn_context_device(ctx, &info);
    char problem[96];
    snprintf(problem, sizeof problem, "b%u_iou%g_k%u_obj%u_kept%zu", n, iou, classes, objects,
             a.kept);
    bench_result res = {"nms", info.backend == OCLNN_BACKEND_CPU ? "greedy" : "bitmask",
                        problem, ms, -1, -1, false, 0, 0, true};
    if (c.verify) {
        size_t rk = oclnn__ref_nms(boxes, scores, cls, n, iou, ref);
        res.verified = true;
        res.ok = rk == a.kept && !memcmp(ref, keep, rk * sizeof *ref);
        res.max_abs_err = res.max_rel_err = res.ok ? 0 : 1;
    }
    bench_json_begin(&c);
    bench_print(&c, &res, true);
    bench_json_end(&c);
    rc = res.ok ? TOOL_OK : TOOL_FAIL;
done:
    oclnn_context_destroy(ctx);
    free(boxes);
    free(scores);
    free(centers);
    free(cls);
    free(keep);
    free(ref);
    return rc;
}
