/* SPDX-License-Identifier: MIT */
/* classify: runs an ImageNet classifier on a PPM image and prints the top 5 classes.
 *
 *   classify [--net resnet18] [--weights FILE.safetensors | --seed N] [--labels FILE]
 *            [--device cpu|P:D|name] [--size 224] IMAGE.ppm
 *
 * The network is one of oclnn's built-in torchvision architectures (`oclnn_graph_builtin`),
 * with a torchvision state_dict saved as .safetensors (real predictions) or oclnn's seeded
 * weights (a smoke run). The image (binary PPM, P6, 8 or 16 bits) is resized so its shorter side
 * is size * 256 / 224 (bilinear), center-cropped to size x size and normalized with ImageNet's
 * mean and standard deviation, as torchvision's classification transforms do. The labels file
 * has one class name per line (e.g. pytorch/hub's imagenet_classes.txt). oclnn reads no ONNX
 * model yet; this example takes one once `oclnn_graph_load_onnx` exists. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oclnn.h"

typedef struct image {
    int w, h;
    float *rgb; /* h x w x 3, in [0, 1] */
} image;

typedef struct args {
    const char *net, *weights, *labels, *device, *path;
    unsigned long long seed;
    int size;
} args;

static int fail(const char *what) {
    fprintf(stderr, "classify: %s\n", what);
    return 1;
}

static int check(oclnn_status st, const char *call) {
    if (st == OCLNN_OK) return 0;
    fprintf(stderr, "classify: %s failed: %s\n", call, oclnn_last_error());
    return 1;
}

/* One header number, skipping blanks and # comments. */
static int ppm_number(FILE *f, long *out) {
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (c == '#')
            while ((c = fgetc(f)) != EOF && c != '\n') {}
        else if (!isspace(c))
            break;
    }
    if (!isdigit(c)) return -1;
    long v = 0;
    while (isdigit(c) && v < 1000000) {
        v = v * 10 + (c - '0');
        c = fgetc(f);
    }
    *out = v; /* c, the single whitespace after the number, is consumed */
    return isspace(c) ? 0 : -1;
}

static int read_ppm(const char *path, image *img) {
    FILE *f = fopen(path, "rb");
    if (!f) return fail("cannot open the image");
    long w, h, maxval;
    int ok = fgetc(f) == 'P' && fgetc(f) == '6' && !ppm_number(f, &w) && !ppm_number(f, &h) &&
             !ppm_number(f, &maxval) && w > 0 && h > 0 && w <= 32768 && h <= 32768 &&
             maxval > 0 && maxval <= 65535;
    if (!ok) {
        fclose(f);
        return fail("not a binary PPM (P6) image of at most 32768 x 32768");
    }
    size_t n = (size_t)w * h * 3, bpp = maxval > 255 ? 2 : 1;
    unsigned char *raw = malloc(n * bpp);
    img->rgb = malloc(n * sizeof *img->rgb);
    ok = raw && img->rgb && fread(raw, bpp, n, f) == n;
    fclose(f);
    if (ok)
        for (size_t i = 0; i < n; i++)
            img->rgb[i] = (bpp == 2 ? raw[2 * i] * 256 + raw[2 * i + 1] : raw[i]) / (float)maxval;
    free(raw);
    if (!ok) return fail("the image is truncated (or out of memory)");
    img->w = (int)w;
    img->h = (int)h;
    return 0;
}

/* Bilinear sample of channel c at (x, y) in pixel-centre coordinates, edges clamped. */
static float sample(const image *img, float x, float y, int c) {
    x = fminf(fmaxf(x, 0.0f), (float)(img->w - 1));
    y = fminf(fmaxf(y, 0.0f), (float)(img->h - 1));
    int x0 = (int)x, y0 = (int)y;
    int x1 = x0 + 1 < img->w ? x0 + 1 : x0, y1 = y0 + 1 < img->h ? y0 + 1 : y0;
    float fx = x - x0, fy = y - y0;
#define P(xx, yy) img->rgb[((size_t)(yy) * img->w + (xx)) * 3 + c]
    float top = P(x0, y0) * (1 - fx) + P(x1, y0) * fx;
    float bottom = P(x0, y1) * (1 - fx) + P(x1, y1) * fx;
#undef P
    return top * (1 - fy) + bottom * fy;
}

/* Resize (shorter side to size*256/224), center crop, normalize: NCHW floats, 3 x size x size. */
static void preprocess(const image *img, int size, float *out) {
    static const float mean[3] = {0.485f, 0.456f, 0.406f}, stdev[3] = {0.229f, 0.224f, 0.225f};
    float shorter = (float)(img->w < img->h ? img->w : img->h);
    float scale = shorter / (size * 256.0f / 224.0f); /* source pixels per resized pixel */
    float rw = img->w / scale, rh = img->h / scale;   /* resized size */
    float ox = (rw - size) / 2, oy = (rh - size) / 2; /* crop origin in the resized image */
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                float sx = (x + ox + 0.5f) * scale - 0.5f, sy = (y + oy + 0.5f) * scale - 0.5f;
                float v = sample(img, sx, sy, c);
                out[((size_t)c * size + y) * size + x] = (v - mean[c]) / stdev[c];
            }
}

/* Up to `max` labels, one per line; returns how many were read. */
static size_t read_labels(const char *path, char (*labels)[64], size_t max) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = 0;
    char line[256];
    while (n < max && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        snprintf(labels[n++], 64, "%.63s", line);
    }
    fclose(f);
    return n;
}

static void print_top5(const float *logits, size_t classes, const char *labels_path) {
    double max = logits[0], sum = 0;
    for (size_t i = 1; i < classes; i++) max = logits[i] > max ? logits[i] : max;
    for (size_t i = 0; i < classes; i++) sum += exp(logits[i] - max);
    static char labels[1000][64];
    size_t nl = labels_path ? read_labels(labels_path, labels, 1000) : 0;
    int best[5] = {-1, -1, -1, -1, -1};
    for (int r = 0; r < 5 && r < (int)classes; r++) {
        for (size_t i = 0; i < classes; i++) {
            int taken = 0;
            for (int q = 0; q < r; q++) taken |= best[q] == (int)i;
            if (!taken && (best[r] < 0 || logits[i] > logits[best[r]])) best[r] = (int)i;
        }
        printf("%d. class %4d  p=%.4f  %s\n", r + 1, best[r], exp(logits[best[r]] - max) / sum,
               (size_t)best[r] < nl ? labels[best[r]] : "");
    }
}

static int parse(int argc, char **argv, args *a) {
    *a = (args){.net = "resnet18", .size = 224, .seed = 1};
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--net") && v) a->net = argv[++i];
        else if (!strcmp(argv[i], "--weights") && v) a->weights = argv[++i];
        else if (!strcmp(argv[i], "--seed") && v) a->seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--labels") && v) a->labels = argv[++i];
        else if (!strcmp(argv[i], "--device") && v) a->device = argv[++i];
        else if (!strcmp(argv[i], "--size") && v) a->size = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !a->path) a->path = argv[i];
        else return -1;
    }
    return a->path && a->size >= 32 && a->size <= 1024 ? 0 : -1;
}

static int classify(const args *a, const float *input, oclnn_graph *g) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = a->device;
    oclnn_context *ctx = NULL;
    oclnn_net *net = NULL;
    float *logits = NULL;
    oclnn_shape in = {1, 3, (uint32_t)a->size, (uint32_t)a->size};
    int rc = check(oclnn_context_create(&o, &ctx), "oclnn_context_create") ||
             check(oclnn_net_create(ctx, g, in, &net), "oclnn_net_create") ||
             check(oclnn_tensor_write(oclnn_net_input(net), input, OCLNN_LAYOUT_NCHW),
                   "oclnn_tensor_write") ||
             check(oclnn_net_run(net), "oclnn_net_run");
    oclnn_shape out = rc ? in : oclnn_tensor_shape(oclnn_net_output(net));
    size_t classes = (size_t)out.c * out.h * out.w;
    if (!rc && !(logits = malloc(classes * sizeof *logits))) rc = fail("out of memory");
    if (!rc) rc = check(oclnn_tensor_read(oclnn_net_output(net), logits, OCLNN_LAYOUT_NCHW),
                        "oclnn_tensor_read");
    if (!rc) {
        oclnn_device_info dev;
        oclnn_context_device(ctx, &dev);
        printf("%s on \"%s\", %s weights\n", a->net, dev.name, a->weights ? a->weights : "seeded");
        print_top5(logits, classes, a->labels);
    }
    free(logits);
    oclnn_net_destroy(net);
    oclnn_context_destroy(ctx);
    return rc;
}

int main(int argc, char **argv) {
    args a;
    if (parse(argc, argv, &a)) {
        fprintf(stderr, "usage: classify [--net NAME] [--weights FILE.safetensors | --seed N] "
                        "[--labels FILE] [--device D] [--size 32..1024] IMAGE.ppm\n");
        return 2;
    }
    image img = {0};
    if (read_ppm(a.path, &img)) return 1;
    float *input = malloc((size_t)3 * a.size * a.size * sizeof *input);
    if (!input) return fail("out of memory");
    preprocess(&img, a.size, input);
    free(img.rgb);
    oclnn_graph *g = NULL;
    int rc = check(oclnn_graph_builtin(a.net, &g), "oclnn_graph_builtin") ||
             (a.weights ? check(oclnn_graph_load_safetensors(g, a.weights, NULL),
                                "oclnn_graph_load_safetensors")
                        : check(oclnn_graph_init_random(g, a.seed), "oclnn_graph_init_random")) ||
             classify(&a, input, g);
    oclnn_graph_destroy(g);
    free(input);
    return rc;
}
