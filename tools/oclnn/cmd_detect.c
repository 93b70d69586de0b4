/* SPDX-License-Identifier: MIT */
/* `oclnn detect NET IMAGE`: runs a built-in detector on one image (PPM, PNG, JPEG), prints the
 * detections as a table or JSON (Mask R-CNN: each mask's area, and in JSON its run-lengths) and
 * writes the image with boxes, labels and mask overlays drawn (--out).
 * `oclnn bench net fasterrcnn_resnet50_fpn` (bench_detector) times whole runs and each stage. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "image.h"
#include "tool.h"

typedef struct detect_args {
    const char *net, *image, *weights, *out;
    uint64_t seed;
    float score;
    uint32_t min_size, max_size, proposals, detections;
    bool json;
    bench_common c;
} detect_args;

static const char *opt_unit(const char *v, void *dst) {
    float f;
    if (opt_float(v, &f) || !(f >= 0.0f && f <= 1.0f)) return "a number in [0, 1]";
    *(float *)dst = f;
    return NULL;
}

static bool is_detector(const char *name) {
    for (const char *const *n = oclnn_detector_names(); *n; n++)
        if (!strcmp(*n, name)) return true;
    return false;
}

static int parse(int argc, char **argv, detect_args *a) {
    memset(a, 0, sizeof *a);
    bench_common_init(&a->c);
    a->score = 0.5f;
    oclnn_detector_options d = oclnn_detector_options_default();
    a->min_size = d.min_size;
    a->max_size = d.max_size;
    a->proposals = d.rpn_post_nms_top_n;
    a->detections = d.box_detections_per_img;
    const tool_opt opts[] = {
        {"weights", "FILE", "torchvision state_dict as .safetensors (tools/export_weights.py); default: seeded "
                            "random weights, which find nothing meaningful", opt_string, &a->weights},
        {"seed", "S", "seed of the random weights (default 0)", opt_u64, &a->seed},
        {"score", "T", "print and draw detections with score >= T (default 0.5)", opt_unit, &a->score},
        {"json", NULL, "print JSON instead of a table", NULL, &a->json},
        {"out", "FILE", "write the image with boxes and labels drawn (.png, else PPM)", opt_string, &a->out},
        {"min-size", "N", "resize so the short side is N (default 800)", opt_count, &a->min_size},
        {"max-size", "N", "... unless the long side would pass N (default 1333)", opt_count, &a->max_size},
        {"proposals", "N", "RPN proposals kept per image (default 1000)", opt_count, &a->proposals},
        {"detections", "N", "detections kept per image (default 100)", opt_count, &a->detections},
        {"device", "D", "\"cpu\", \"P:D\" or a name substring (default: OCLNN_DEVICE, then best)", opt_string,
         &a->c.device},
        {"layout", "L", "auto, nchw or nhwc (default auto: the device's layout)", opt_layout, &a->c.layout},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"detect", "NET IMAGE",
                          "Detects objects in IMAGE (PPM, or PNG / JPEG where the build found libpng / libjpeg) "
                          "with a built-in\ndetector NET (fasterrcnn_resnet50_fpn, maskrcnn_resnet50_fpn) and "
                          "prints boxes, labels (COCO) and scores;\nMask R-CNN also each mask's area (pixels) "
                          "and, in JSON, its COCO run-length encoding.",
                          opts, NULL, 2, 2};
    const char *args[2];
    int n_args;
    int rc = tool_parse(&cmd, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc;
    a->net = args[0];
    a->image = args[1];
    if (!is_detector(a->net))
        return tool_usage_error(&cmd, "unknown detector \"%s\" (known: fasterrcnn_resnet50_fpn, maskrcnn_resnet50_fpn)",
                                a->net);
    return TOOL_OK;
}

/* Pixels set in detection i's mask (0 without masks). */
static size_t mask_area(const oclnn_detections *r, size_t i) {
    size_t plane = (size_t)r->height * r->width, area = 0;
    const float *m = r->masks + i * plane;
    for (size_t k = 0; r->masks && k < plane; k++) area += m[k] > 0.5f;
    return area;
}

static void print_table(const oclnn_detections *r, float score) {
    printf("%-4s %-16s %7s %9s %9s %9s %9s%s\n", "#", "label", "score", "x1", "y1", "x2", "y2",
           r->masks ? "  mask px" : "");
    size_t shown = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (r->scores[i] < score) continue;
        const float *b = r->boxes + i * 4;
        printf("%-4zu %-16s %7.4f %9.2f %9.2f %9.2f %9.2f", shown++, oclnn_coco_label(r->labels[i]), r->scores[i],
               b[0], b[1], b[2], b[3]);
        if (r->masks) printf(" %9zu", mask_area(r, i));
        printf("\n");
    }
    printf("%zu detection(s) with score >= %g (of %zu), %zu proposals, image %ux%u resized to %ux%u\n", shown,
           (double)score, r->count, r->num_proposals, r->width, r->height, r->resized_w, r->resized_h);
}

/* Detection i's mask as COCO's uncompressed RLE (pycocotools' {"size": [h, w], "counts": [...]}):
 * run lengths in column-major order, starting with a run of zeros (0 when the first pixel is set). */
static void print_rle(const oclnn_detections *r, size_t i) {
    const float *m = r->masks + i * (size_t)r->height * r->width;
    printf(", \"mask\": {\"area\": %zu, \"size\": [%u, %u], \"counts\": [", mask_area(r, i), r->height, r->width);
    bool cur = false, first = true;
    size_t run = 0;
    for (uint32_t x = 0; x < r->width; x++)
        for (uint32_t y = 0; y < r->height; y++) {
            bool on = m[(size_t)y * r->width + x] > 0.5f;
            if (on != cur) {
                printf("%s%zu", first ? "" : ", ", run);
                first = false;
                cur = on;
                run = 0;
            }
            run++;
        }
    printf("%s%zu]}", first ? "" : ", ", run);
}

static void print_json(const detect_args *a, const oclnn_detections *r) {
    printf("{\"net\": ");
    json_string(stdout, a->net);
    printf(", \"image\": ");
    json_string(stdout, a->image);
    printf(", \"width\": %u, \"height\": %u, \"proposals\": %zu, \"detections\": [", r->width, r->height,
           r->num_proposals);
    size_t shown = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (r->scores[i] < a->score) continue;
        const float *b = r->boxes + i * 4;
        printf("%s\n  {\"label\": %d, \"name\": ", shown++ ? "," : "", r->labels[i]);
        json_string(stdout, oclnn_coco_label(r->labels[i]));
        printf(", \"score\": %.6f, \"box\": [%.3f, %.3f, %.3f, %.3f]", r->scores[i], b[0], b[1], b[2], b[3]);
        if (r->masks) print_rle(r, i);
        printf("}");
    }
    printf("\n]}\n");
}

static void annotate(image_u8 *img, const oclnn_detections *r, float score) {
    int scale = img->width >= 800 ? 2 : 1, thick = img->width >= 800 ? 3 : 2;
    static const uint8_t white[3] = {255, 255, 255};
    for (size_t i = r->count; i-- > 0;) { /* best drawn last, on top */
        if (r->scores[i] < score) continue;
        uint8_t color[3];
        image_palette(r->labels[i], color);
        if (r->masks) image_mask(img, r->masks + i * (size_t)r->height * r->width, color, 0.45f);
        const float *b = r->boxes + i * 4;
        image_rect(img, b[0], b[1], b[2], b[3], color, thick);
        char text[64];
        snprintf(text, sizeof text, "%s %.0f%%", oclnn_coco_label(r->labels[i]), 100.0 * r->scores[i]);
        int ty = (int)b[1] - 9 * scale;
        image_text(img, (int)b[0], ty < 0 ? (int)b[1] : ty, text, white, color, scale);
    }
}

/* The detector for the arguments; prints the error and returns NULL on failure. */
static oclnn_detector *make_detector(oclnn_context *ctx, const char *net, const char *weights, uint64_t seed,
                                     const oclnn_detector_options *opt, const char *who) {
    oclnn_detector *det = NULL;
    if (oclnn_detector_create(ctx, net, opt, &det) ||
        (weights ? oclnn_detector_load_safetensors(det, weights) : oclnn_detector_init_random(det, seed))) {
        fprintf(stderr, "oclnn %s: %s\n", who, oclnn_last_error());
        oclnn_detector_destroy(det);
        return NULL;
    }
    return det;
}

int cmd_detect(int argc, char **argv) {
    detect_args a;
    int rc = parse(argc, argv, &a);
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;
    rc = TOOL_FAIL;
    image_u8 img = {0};
    float *planes = NULL;
    oclnn_context *ctx = NULL;
    oclnn_detector *det = NULL;
    char err[512];
    if (!image_read(a.image, &img, err, sizeof err)) {
        fprintf(stderr, "oclnn detect: %s\n", err);
        goto done;
    }
    if (!(planes = image_to_planes(&img))) {
        fprintf(stderr, "oclnn detect: out of memory\n");
        goto done;
    }
    if (!a.weights) fprintf(stderr, "oclnn detect: no --weights: random (seeded) weights, detections are noise\n");
    oclnn_detector_options opt = oclnn_detector_options_default();
    opt.min_size = a.min_size;
    opt.max_size = a.max_size;
    opt.rpn_post_nms_top_n = a.proposals;
    opt.box_detections_per_img = a.detections;
    if (a.score < opt.box_score_thresh) opt.box_score_thresh = a.score;
    if (!(ctx = bench_context(&a.c))) goto done;
    if (!(det = make_detector(ctx, a.net, a.weights, a.seed, &opt, "detect"))) goto done;
    oclnn_image im = {planes, img.height, img.width};
    oclnn_detections r;
    if (oclnn_detector_run(det, &im, 1, false) || oclnn_detector_result(det, 0, &r)) {
        fprintf(stderr, "oclnn detect: %s\n", oclnn_last_error());
        goto done;
    }
    if (a.json) print_json(&a, &r);
    else print_table(&r, a.score);
    if (a.out) {
        annotate(&img, &r, a.score);
        if (!image_write(a.out, &img, err, sizeof err)) {
            fprintf(stderr, "oclnn detect: %s\n", err);
            goto done;
        }
    }
    rc = TOOL_OK;
done:
    oclnn_detector_destroy(det);
    oclnn_context_destroy(ctx);
    free(planes);
    image_free(&img);
    return rc;
}

typedef struct bench_det {
    oclnn_detector *det;
    oclnn_image im;
} bench_det;

static oclnn_status run_detector(void *arg) {
    bench_det *b = arg;
    return oclnn_detector_run(b->det, &b->im, 1, false);
}

bool bench_is_detector(const char *name) { return is_detector(name); }

int bench_detector(const char *name, const char *weights, uint64_t seed, uint32_t h, uint32_t w,
                   const bench_common *c) {
    int rc = TOOL_FAIL;
    oclnn_context *ctx = NULL;
    bench_det b = {NULL, {NULL, h, w}};
    size_t plane = (size_t)h * w;
    float *img = malloc(plane * 3 * sizeof *img);
    if (!img) return TOOL_FAIL;
    for (size_t i = 0; i < plane * 3; i++) img[i] = (float)((i * 2654435761u >> 7) % 256) / 255.0f; /* a fixed pattern */
    b.im.data = img;
    oclnn_detector_options opt = oclnn_detector_options_default();
    if (!(ctx = bench_context(c))) goto done;
    if (!(b.det = make_detector(ctx, name, weights, seed, &opt, "bench net"))) goto done;
    double ms = bench_time(ctx, c, run_detector, &b), stage[OCLNN_DETECTOR_STAGES] = {0}, sum = 0;
    if (ms < 0) goto done;
    /* the per-stage profile: the median of up to 3 profiled runs per stage */
    enum { PROFILED = 3 };
    double runs[PROFILED][OCLNN_DETECTOR_STAGES];
    for (int k = 0; k < PROFILED; k++)
        if (oclnn_detector_run(b.det, &b.im, 1, true) || oclnn_detector_stage_ms(b.det, runs[k])) {
            fprintf(stderr, "oclnn bench net: %s\n", oclnn_last_error());
            goto done;
        }
    for (int s = 0; s < OCLNN_DETECTOR_STAGES; s++) {
        double v[PROFILED];
        for (int k = 0; k < PROFILED; k++) v[k] = runs[k][s];
        for (int i = 0; i < PROFILED; i++)
            for (int j = i + 1; j < PROFILED; j++)
                if (v[j] < v[i]) {
                    double t = v[i];
                    v[i] = v[j];
                    v[j] = t;
                }
        stage[s] = v[PROFILED / 2];
        sum += stage[s];
    }
    oclnn_detections r;
    oclnn_detector_result(b.det, 0, &r);
    oclnn_device_info dev;
    oclnn_context_device(ctx, &dev);
    if (c->json) {
        printf("{\"net\": ");
        json_string(stdout, name);
        printf(", \"image\": [%u, %u], \"resized\": [%u, %u], \"device\": ", h, w, r.resized_h, r.resized_w);
        json_string(stdout, dev.name);
        printf(", \"layout\": \"%s\", \"iters\": %d, \"median_ms\": %.3f, \"stages\": {",
               layout_name(oclnn_context_layout(ctx)), c->iters, ms);
        for (int s = 0; s < OCLNN_DETECTOR_STAGES; s++)
            printf("%s\"%s\": %.3f", s ? ", " : "", oclnn_detector_stage_name((oclnn_detector_stage)s), stage[s]);
        printf("}, \"proposals\": %zu, \"detections\": %zu}\n", r.num_proposals, r.count);
    } else {
        printf("%-12s %10s %7s\n", "stage", "ms", "share");
        for (int s = 0; s < OCLNN_DETECTOR_STAGES; s++)
            printf("%-12s %10.2f %6.1f%%\n", oclnn_detector_stage_name((oclnn_detector_stage)s), stage[s],
                   sum > 0 ? 100.0 * stage[s] / sum : 0.0);
        printf("\n%s on %s (%s), image %ux%u resized to %ux%u, weights %s\n", name, dev.name,
               layout_name(oclnn_context_layout(ctx)), w, h, r.resized_w, r.resized_h, weights ? weights : "random (seeded)");
        printf("latency     %.2f ms median of %d runs (%.2f ms summed over stages, median of %d profiled runs)\n", ms,
               c->iters, sum, PROFILED);
        printf("output      %zu proposals, %zu detections\n", r.num_proposals, r.count);
    }
    rc = TOOL_OK;
done:
    oclnn_detector_destroy(b.det);
    oclnn_context_destroy(ctx);
    free(img);
    return rc;
}
