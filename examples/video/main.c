/* SPDX-License-Identifier: MIT */
/* Runs one of torchvision's video classifiers (r3d_18, mc3_18, r2plus1d_18) on a clip and writes
 * the logits, for tools/compare_video.py and as an example of the 3-D API (docs/ND.md).
 *
 *   video ARCH [--weights F.safetensors | --seed S] [--clip N,FRAMES,H,W] [--input x.bin]
 *         [--output y.bin] [--device cpu|P:D] [--layout nchw|nhwc]
 *
 * Without --input the clip is oclnn_random_uniform("clip", seed, -1, 1), as tools/golden/video.py
 * makes it; --input reads raw float32 NCDHW. The logits (N x classes) go to --output as raw
 * float32, and the top class of each clip is printed with the run time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oclnn.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(const char *what) {
    fprintf(stderr, "video: %s: %s\n", what, oclnn_last_error());
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr,
                "usage: video ARCH [--weights F] [--seed S] [--clip N,F,H,W] [--input x.bin] "
                "[--output y.bin] [--device D] [--layout nchw|nhwc]\n");
        return 2;
    }
    const char *arch = argv[1], *weights = NULL, *in_path = NULL, *out_path = NULL, *device = NULL;
    unsigned long long seed = 0;
    oclnn_shape3d clip = {1, 3, 16, 112, 112};
    oclnn_layout layout = OCLNN_LAYOUT_AUTO;
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--weights"))
            weights = v;
        else if (!strcmp(k, "--seed"))
            seed = strtoull(v, NULL, 10);
        else if (!strcmp(k, "--input"))
            in_path = v;
        else if (!strcmp(k, "--output"))
            out_path = v;
        else if (!strcmp(k, "--device"))
            device = v;
        else if (!strcmp(k, "--layout"))
            layout = !strcmp(v, "nhwc") ? OCLNN_LAYOUT_NDHWC : OCLNN_LAYOUT_NCDHW;
        else if (!strcmp(k, "--clip")) {
            if (sscanf(v, "%u,%u,%u,%u", &clip.n, &clip.d, &clip.h, &clip.w) != 4) {
                fprintf(stderr, "video: --clip wants N,FRAMES,H,W\n");
                return 2;
            }
        } else {
            fprintf(stderr, "video: unknown option %s\n", k);
            return 2;
        }
    }
    oclnn_context_options opt = oclnn_context_options_default();
    opt.device = device;
    opt.layout = layout;
    oclnn_context *ctx;
    if (oclnn_context_create(&opt, &ctx) != OCLNN_OK) return fail("context");
    oclnn_video_net *net;
    if (oclnn_video_net_create(ctx, arch, weights, seed, clip, &net) != OCLNN_OK)
        return fail("create");
    size_t n = (size_t)clip.n * clip.c * clip.d * clip.h * clip.w;
    float *x = malloc(n * sizeof *x);
    if (!x) return 1;
    if (in_path) {
        FILE *f = fopen(in_path, "rb");
        if (!f || fread(x, sizeof *x, n, f) != n) {
            fprintf(stderr, "video: cannot read %zu floats from %s\n", n, in_path);
            return 1;
        }
        fclose(f);
    } else if (oclnn_random_uniform("clip", seed, -1.0, 1.0, x, n) != OCLNN_OK) {
        return fail("clip");
    }
    oclnn_tensor *out = oclnn_video_net_output(net);
    if (oclnn_tensor_write(oclnn_video_net_input(net), x, OCLNN_LAYOUT_NCDHW) != OCLNN_OK)
        return fail("write");
    double t0 = now_ms();
    if (oclnn_video_net_run(net) != OCLNN_OK || oclnn_context_finish(ctx) != OCLNN_OK)
        return fail("run");
    double ms = now_ms() - t0;
    oclnn_shape os = oclnn_tensor_shape(out);
    float *y = malloc((size_t)os.n * os.c * sizeof *y);
    if (!y || oclnn_tensor_read(out, y, OCLNN_LAYOUT_NCHW) != OCLNN_OK) return fail("read");
    for (uint32_t i = 0; i < os.n; i++) {
        uint32_t best = 0;
        for (uint32_t c = 1; c < os.c; c++)
            if (y[(size_t)i * os.c + c] > y[(size_t)i * os.c + best]) best = c;
        printf("clip %u: class %u (logit %.4f)\n", i, best, y[(size_t)i * os.c + best]);
    }
    printf("%s %ux3x%ux%ux%u: %.1f ms\n", arch, clip.n, clip.d, clip.h, clip.w, ms);
    if (out_path) {
        FILE *f = fopen(out_path, "wb");
        if (!f || fwrite(y, sizeof *y, (size_t)os.n * os.c, f) != (size_t)os.n * os.c) {
            fprintf(stderr, "video: cannot write %s\n", out_path);
            return 1;
        }
        fclose(f);
    }
    free(x), free(y);
    oclnn_video_net_destroy(net);
    oclnn_context_destroy(ctx);
    return 0;
}
