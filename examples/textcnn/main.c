/* SPDX-License-Identifier: MIT */
/* A 1-D text-classification CNN (Kim, 2014) built with the graph API (issue 19): embedding
 * lookup, three parallel 1-D convolutions of widths 3, 4 and 5 with ReLU, max over time, the
 * three feature vectors concatenated, a linear layer. Checked against PyTorch's output for the
 * same weights and tokens (tools/golden/conv1d.py writes them to tests/data/textcnn_*.bin).
 *
 *   textcnn [DATA_DIR] [--device cpu|P:D] [--layout nchw|nhwc]
 *
 * A sequence is the graph's (batch, embed, 1, length) value: a 1-D value is the 2-D one with
 * height 1, and a 1-D convolution of width k is the 2-D one with a 1 x k window (what
 * oclnn_conv1d_create builds, so the 2-D algorithms, fusion and buffer sharing all apply). The
 * embedding lookup is a gather of table rows by token id that the program does on the host
 * while filling the input: the graph's values are float tensors, and a token id is not one.
 * Prints each sequence's logits and class, and exits 1 when they differ from PyTorch's by more
 * than 1e-5 + 1e-4 x |value|. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oclnn.h"

enum { VOCAB = 30, EMBED = 12, LENGTH = 17, BATCH = 3, FILTERS = 6, CLASSES = 4 };

static int fail(const char *what) {
    fprintf(stderr, "textcnn: %s: %s\n", what, oclnn_last_error());
    return 1;
}

/* Reads exactly n float32 values from DIR/NAME into dst. */
static int read_floats(const char *dir, const char *name, float *dst, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(dst, sizeof *dst, n, f) : 0;
    int extra = f ? fgetc(f) : EOF;
    if (f) fclose(f);
    if (got != n || extra != EOF) {
        fprintf(stderr, "textcnn: %s does not hold %zu float32 values\n", path, n);
        return 1;
    }
    return 0;
}

/* Adds a node and fills its parameters (weight, then bias when given) from the data files. */
static int add_node(oclnn_graph *g, const char *dir, const char *name, const oclnn_node_desc *d, const int *in,
                    size_t nin, const char *wfile, const char *bfile, int *id) {
    if (oclnn_graph_add(g, name, d, in, nin, id) != OCLNN_OK) return fail(name);
    const char *files[2] = {wfile, bfile}, *suffix[2] = {"weight", "bias"};
    for (int p = 0; p < 2; p++) {
        if (!files[p]) continue;
        char pname[160];
        float *data;
        size_t count;
        snprintf(pname, sizeof pname, "%s.%s", name, suffix[p]);
        if (oclnn_graph_param(g, pname, &data, &count) != OCLNN_OK) return fail(pname);
        if (read_floats(dir, files[p], data, count)) return 1;
    }
    return 0;
}

/* The graph: input -> 3 x (conv 1 x k + ReLU -> global max) -> concat -> fc. */
static int build(oclnn_graph *g, const char *dir) {
    oclnn_node_desc d = OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_INPUT;
    d.channels = EMBED;
    int input, pooled[3], cat, fc;
    if (add_node(g, dir, "tokens", &d, NULL, 0, NULL, NULL, &input)) return 1;
    for (int j = 0; j < 3; j++) {
        unsigned width = 3 + (unsigned)j;
        char conv[32], relu[32], pool[32], wfile[32], bfile[32];
        snprintf(conv, sizeof conv, "conv%u", width);
        snprintf(relu, sizeof relu, "relu%u", width);
        snprintf(pool, sizeof pool, "maxtime%u", width);
        snprintf(wfile, sizeof wfile, "textcnn_w%u.bin", width);
        snprintf(bfile, sizeof bfile, "textcnn_b%u.bin", width);
        d = (oclnn_node_desc)OCLNN_NODE_DESC_INIT;
        d.op = OCLNN_NODE_CONV;
        d.channels = FILTERS;
        d.kernel_h = 1, d.kernel_w = width; /* torch's (FILTERS, EMBED, width) weight, as is */
        d.bias = true;
        int c, r;
        if (add_node(g, dir, conv, &d, &input, 1, wfile, bfile, &c)) return 1;
        d = (oclnn_node_desc)OCLNN_NODE_DESC_INIT;
        d.op = OCLNN_NODE_RELU;
        if (add_node(g, dir, relu, &d, &c, 1, NULL, NULL, &r)) return 1;
        d.op = OCLNN_NODE_GLOBAL_MAX_POOL; /* max over time */
        if (add_node(g, dir, pool, &d, &r, 1, NULL, NULL, &pooled[j])) return 1;
    }
    d = (oclnn_node_desc)OCLNN_NODE_DESC_INIT;
    d.op = OCLNN_NODE_CONCAT;
    if (add_node(g, dir, "features", &d, pooled, 3, NULL, NULL, &cat)) return 1;
    d.op = OCLNN_NODE_FC;
    d.channels = CLASSES;
    d.bias = true;
    return add_node(g, dir, "classifier", &d, &cat, 1, "textcnn_fcw.bin", "textcnn_fcb.bin", &fc);
}

/* The input, (batch, embed, 1, length) in NCHW: column t of sequence b is the embedding of its
 * t-th token. */
static int embed(const char *dir, float *x) {
    static float table[VOCAB * EMBED], tokens[BATCH * LENGTH];
    if (read_floats(dir, "textcnn_emb.bin", table, VOCAB * EMBED) ||
        read_floats(dir, "textcnn_tokens.bin", tokens, BATCH * LENGTH))
        return 1;
    for (size_t b = 0; b < BATCH; b++)
        for (size_t t = 0; t < LENGTH; t++) {
            float id = tokens[b * LENGTH + t];
            if (!(id >= 0 && id < VOCAB) || id != floorf(id)) {
                fprintf(stderr, "textcnn: token %g is not an id below %d\n", id, VOCAB);
                return 1;
            }
            for (size_t e = 0; e < EMBED; e++) x[(b * EMBED + e) * LENGTH + t] = table[(size_t)id * EMBED + e];
        }
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = "tests/data";
    oclnn_context_options opt = oclnn_context_options_default();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--device") && i + 1 < argc) {
            opt.device = argv[++i];
        } else if (!strcmp(argv[i], "--layout") && i + 1 < argc) {
            const char *v = argv[++i];
            opt.layout = !strcmp(v, "nhwc") ? OCLNN_LAYOUT_NHWC : OCLNN_LAYOUT_NCHW;
        } else if (argv[i][0] != '-') {
            dir = argv[i];
        } else {
            fprintf(stderr, "usage: textcnn [DATA_DIR] [--device cpu|P:D] [--layout nchw|nhwc]\n");
            return 2;
        }
    }
    static float x[BATCH * EMBED * LENGTH], want[BATCH * CLASSES], y[BATCH * CLASSES];
    if (embed(dir, x) || read_floats(dir, "textcnn_y.bin", want, BATCH * CLASSES)) return 1;
    oclnn_graph *g;
    if (oclnn_graph_create(&g) != OCLNN_OK) return fail("graph");
    oclnn_context *ctx = NULL;
    oclnn_net *net = NULL;
    int rc = build(g, dir);
    if (!rc && oclnn_context_create(&opt, &ctx) != OCLNN_OK) rc = fail("context");
    if (!rc && oclnn_net_create(ctx, g, (oclnn_shape){BATCH, EMBED, 1, LENGTH}, &net) != OCLNN_OK)
        rc = fail("net");
    if (!rc && (oclnn_tensor_write(oclnn_net_input(net), x, OCLNN_LAYOUT_NCHW) != OCLNN_OK ||
                oclnn_net_run(net) != OCLNN_OK ||
                oclnn_tensor_read(oclnn_net_output(net), y, OCLNN_LAYOUT_NCHW) != OCLNN_OK))
        rc = fail("run");
    if (!rc) {
        double worst = 0;
        for (int b = 0; b < BATCH; b++) {
            int best = 0;
            printf("sequence %d: logits", b);
            for (int k = 0; k < CLASSES; k++) {
                const float v = y[b * CLASSES + k], ref = want[b * CLASSES + k];
                printf(" %+.5f", v);
                if (v > y[b * CLASSES + best]) best = k;
                double excess = fabs((double)v - ref) - (1e-5 + 1e-4 * fabs(ref));
                worst = excess > worst ? excess : worst;
            }
            printf("  class %d\n", best);
        }
        oclnn_device_info dev;
        oclnn_context_device(ctx, &dev);
        printf("%s (%s): %s PyTorch's logits\n", dev.name,
               oclnn_context_layout(ctx) == OCLNN_LAYOUT_NHWC ? "NHWC" : "NCHW",
               worst > 0 ? "DIFFERS from" : "matches");
        rc = worst > 0;
    }
    oclnn_net_destroy(net);
    oclnn_context_destroy(ctx);
    oclnn_graph_destroy(g);
    return rc;
}
