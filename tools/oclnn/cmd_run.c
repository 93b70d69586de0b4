/* SPDX-License-Identifier: MIT */
/* `oclnn run MODEL.onnx --input x.npy`: loads an ONNX model, compiles it for the input's shape
 * (batch and, where the model leaves them symbolic, height and width come from the .npy; a model
 * that fixes its batch is compiled at it, then oclnn_net_reshape'd to the .npy's), runs
 * it once and writes the output as .npy and/or prints each image's five best classes. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "npy.h"
#include "tool.h"

#define MAX_LABELS 100000
#define LABEL_MAX 128

typedef struct run_args {
    const char *model, *input, *output, *labels;
    bool top5;
    bench_common c;
} run_args;

static int parse(int argc, char **argv, run_args *a) {
    memset(a, 0, sizeof *a);
    bench_common_init(&a->c);
    const tool_opt opts[] = {
        {"input", "FILE", "the input, a float32 (N, C, H, W) .npy, or (N, C, L) / (N, C, D, H, W) for a 1-D / 3-D model (required)",
         opt_string, &a->input},
        {"output", "FILE", "write the output as .npy ((N, K) for a classifier)", opt_string, &a->output},
        {"device", "D", "\"cpu\", \"P:D\" or a name substring (default: OCLNN_DEVICE, then best)", opt_string,
         &a->c.device},
        {"layout", "L", "auto, nchw or nhwc (default auto: the device's layout)", opt_layout, &a->c.layout},
        {"top5", NULL, "print each image's five highest outputs (a classifier's classes)", NULL, &a->top5},
        {"labels", "FILE", "with --top5: class names, one a line (line i names class i)", opt_string, &a->labels},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"run", "MODEL.onnx",
                          "Runs an ONNX model (docs/ONNX.md lists the ops it may use) once on the input and "
                          "writes or prints the output.",
                          opts, NULL, 1, 1};
    const char *args[1];
    int n_args;
    int rc = tool_parse(&cmd, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc;
    a->model = args[0];
    if (!a->input) return tool_usage_error(&cmd, "--input is required");
    if (!a->output && !a->top5) return tool_usage_error(&cmd, "nothing to do: give --output FILE and/or --top5");
    if (a->labels && !a->top5) return tool_usage_error(&cmd, "--labels needs --top5");
    return TOOL_OK;
}

/* Reads up to MAX_LABELS lines; NULL (message printed) on failure. */
static char (*read_labels(const char *path, size_t *count))[LABEL_MAX] {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "oclnn run: cannot open labels \"%s\"\n", path);
        return NULL;
    }
    char(*l)[LABEL_MAX] = calloc(MAX_LABELS, LABEL_MAX);
    size_t n = 0;
    while (l && n < MAX_LABELS && fgets(l[n], LABEL_MAX, f)) {
        size_t len = strcspn(l[n], "\r\n");
        if (l[n][len] == '\0' && !feof(f)) { /* an over-long line: keep its start, skip the rest */
            int ch;
            while ((ch = fgetc(f)) != EOF && ch != '\n') {}
        }
        l[n++][len] = '\0';
    }
    fclose(f);
    if (!l) fprintf(stderr, "oclnn run: out of memory\n");
    *count = n;
    return l;
}

static void print_top5(const float *y, uint32_t n, size_t k, char (*labels)[LABEL_MAX], size_t n_labels) {
    for (uint32_t i = 0; i < n; i++) {
        const float *row = y + (size_t)i * k;
        size_t best[5];
        size_t m = k < 5 ? k : 5;
        for (size_t j = 0; j < m; j++) {
            size_t b = SIZE_MAX;
            for (size_t c = 0; c < k; c++) {
                bool taken = false;
                for (size_t t = 0; t < j; t++) taken |= best[t] == c;
                if (!taken && (b == SIZE_MAX || row[c] > row[b])) b = c;
            }
            best[j] = b;
        }
        printf("image %u:", i);
        for (size_t j = 0; j < m; j++) {
            printf(" %zu", best[j]);
            if (labels && best[j] < n_labels) printf(" (%s)", labels[best[j]]);
            printf(" %.4g%s", row[best[j]], j + 1 < m ? "," : "\n");
        }
    }
}

/* The net's input shape for the .npy: (N, C, H, W); issue 19: (N, C, L) as (N, C, 1, L) for a
 * model whose h is 1, and (N, C, D, H, W) as (N, C, D * H, W) for a model whose input is 5-D
 * (depth D, the input node's). False, with a message, when it does not fit the model. */
static bool input_shape(const oclnn_graph *g, oclnn_shape model, const npy_array *in, const char *path,
                        oclnn_shape *shape) {
    oclnn_node_info info;
    uint32_t depth = oclnn_graph_node(g, 0, &info) == OCLNN_OK ? info.desc.depth : 0;
    int rank = depth ? 5 : model.h == 1 ? (in->ndim == 3 ? 3 : 4) : 4;
    uint64_t s[5] = {0}, want[5] = {model.n, model.c, model.h, model.w, 0};
    if (rank == 3) want[2] = model.w;
    if (rank == 5) want[2] = depth, want[3] = model.h / depth, want[4] = model.w;
    bool fits = in->ndim == rank;
    for (int i = 0; i < rank && fits; i++) {
        s[i] = in->shape[i];
        fits = s[i] >= 1 && s[i] <= 65535 && (i == 0 || !want[i] || s[i] == want[i]); /* any batch (issue 16) */
    }
    if (fits && rank == 3) *shape = (oclnn_shape){(uint32_t)s[0], (uint32_t)s[1], 1, (uint32_t)s[2]};
    if (fits && rank == 4) *shape = (oclnn_shape){(uint32_t)s[0], (uint32_t)s[1], (uint32_t)s[2], (uint32_t)s[3]};
    if (fits && rank == 5) *shape = (oclnn_shape){(uint32_t)s[0], (uint32_t)s[1], (uint32_t)(s[2] * s[3]), (uint32_t)s[4]};
    if (!fits) { /* the model's fixed sizes as numbers, the free ones as letters */
        static const char *const letters[3][5] = {{"N", "C", "L"}, {"N", "C", "H", "W"}, {"N", "C", "D", "H", "W"}};
        char dims[96] = "", one[24];
        for (int i = 0; i < rank; i++) {
            if (i && want[i]) snprintf(one, sizeof one, "%s%llu", i ? ", " : "", (unsigned long long)want[i]);
            else snprintf(one, sizeof one, "%s%s", i ? ", " : "", letters[rank - 3][i]);
            strncat(dims, one, sizeof dims - strlen(dims) - 1);
        }
        fprintf(stderr, "oclnn run: %s must hold a (%s) array for this model\n", path, dims);
    }
    return fits;
}

int cmd_run(int argc, char **argv) {
    run_args a;
    int rc = parse(argc, argv, &a);
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;
    rc = TOOL_FAIL;
    oclnn_graph *g = NULL;
    oclnn_context *ctx = NULL;
    oclnn_net *net = NULL;
    float *y = NULL;
    char(*labels)[LABEL_MAX] = NULL;
    size_t n_labels = 0;
    npy_array in = {0};
    char err[512];
    oclnn_shape model;
    if (oclnn_graph_load_onnx(a.model, &g, &model)) {
        fprintf(stderr, "oclnn run: %s\n", oclnn_last_error());
        goto done;
    }
    if (!npy_read(a.input, &in, err, sizeof err)) {
        fprintf(stderr, "oclnn run: %s\n", err);
        goto done;
    }
    oclnn_shape shape;
    if (!input_shape(g, model, &in, a.input, &shape)) goto done;
    oclnn_shape first = shape; /* a model that fixes its batch is compiled at it and reshaped (issue 16) */
    if (model.n) first.n = model.n;
    if (a.labels && !(labels = read_labels(a.labels, &n_labels))) goto done;
    if (!(ctx = bench_context(&a.c))) goto done;
    if (oclnn_net_create(ctx, g, first, &net) ||
        (first.n != shape.n && oclnn_net_reshape(net, shape.n, shape.h, shape.w)) ||
        oclnn_tensor_write(oclnn_net_input(net), in.data, OCLNN_LAYOUT_NCHW) || oclnn_net_run(net)) {
        fprintf(stderr, "oclnn run: %s\n", oclnn_last_error());
        goto done;
    }
    oclnn_shape os = oclnn_tensor_shape(oclnn_net_output(net));
    size_t on = (size_t)os.n * os.c * os.h * os.w;
    y = malloc(on * sizeof *y);
    if (!y || oclnn_tensor_read(oclnn_net_output(net), y, OCLNN_LAYOUT_NCHW)) {
        fprintf(stderr, "oclnn run: %s\n", y ? oclnn_last_error() : "out of memory");
        goto done;
    }
    if (a.output) {
        uint64_t dims[4] = {os.n, os.c, os.h, os.w};
        if (!npy_write(a.output, y, os.h == 1 && os.w == 1 ? 2 : 4, dims, err, sizeof err)) {
            fprintf(stderr, "oclnn run: %s\n", err);
            goto done;
        }
    }
    if (a.top5) print_top5(y, os.n, on / os.n, labels, n_labels);
    rc = TOOL_OK;
done:
    oclnn_net_destroy(net);
    oclnn_context_destroy(ctx);
    oclnn_graph_destroy(g);
    free(y);
    free(labels);
    free(in.data);
    return rc;
}
