/* SPDX-License-Identifier: MIT */
/* `oclnn tune`'s arguments: the option table, the problem list (--conv strings, built-in
 * networks) and each problem's host data and reference. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ops/conv2d.h"
#include "ref/ref.h"
#include "tune.h"
#include "tune/space.h"
#include "tune_shapes.h"

bool tune_add(tune_item *list, size_t *n, const char *name, const oclnn_conv2d_desc *d, uint32_t count) {
    if (*n == TUNE_MAX_ITEMS) {
        fprintf(stderr, "oclnn tune: more than %d shapes\n", TUNE_MAX_ITEMS);
        return false;
    }
    tune_item *s = &list[*n];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->desc = *d;
    s->count = count;
    if (oclnn__conv2d_resolve(d, &s->pb) != OCLNN_OK) {
        fprintf(stderr, "oclnn tune: %s: %s\n", name, oclnn_last_error());
        return false;
    }
    oclnn__conv2d_problem_str(&s->pb, s->problem, sizeof s->problem);
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(list[i].problem, s->problem)) { /* the same layer twice: count it there */
            list[i].count += count;
            return true;
        }
    (*n)++;
    return true;
}

void tune_item_free(tune_item *s) {
    free(s->src), free(s->weights), free(s->bias), free(s->ref);
    s->src = s->weights = s->bias = s->ref = NULL;
    s->conv.src = s->conv.weights = s->conv.bias = s->conv.ref = NULL;
}

bool tune_item_data(tune_item *s, oclnn_layout layout, bool need_ref) {
    if (s->ref || (s->src && !need_ref)) return true;
    const oclnn__conv2d_problem *pb = &s->pb;
    size_t src_n = (size_t)pb->n * pb->c * pb->h * pb->w, dst_n = (size_t)pb->n * pb->k * pb->p * pb->q;
    size_t wn = (size_t)pb->k * pb->cg * pb->r * pb->s;
    if (!s->src) {
        s->src = malloc(src_n * sizeof *s->src);
        s->weights = malloc(wn * sizeof *s->weights);
        s->bias = malloc(pb->k * sizeof *s->bias);
    }
    s->ref = need_ref ? malloc(dst_n * sizeof *s->ref) : NULL;
    if (!s->src || !s->weights || !s->bias || (need_ref && !s->ref)) {
        tune_item_free(s);
        return false;
    }
    uint32_t state = 12345u;
    float scale = 1.0f / sqrtf((float)(pb->cg * pb->r * pb->s));
    for (size_t i = 0; i < src_n; i++) {
        state = state * 1664525u + 1013904223u;
        s->src[i] = (float)(state >> 8) / 16777216.0f * 2.0f - 1.0f;
    }
    for (size_t i = 0; i < wn; i++) {
        state = state * 1664525u + 1013904223u;
        s->weights[i] = ((float)(state >> 8) / 16777216.0f * 2.0f - 1.0f) * scale;
    }
    for (size_t i = 0; i < pb->k; i++) s->bias[i] = 0.01f * (float)(i % 7);
    s->conv = (oclnn__tune_conv){s->name, s->problem, s->desc, {pb->n, pb->k, pb->p, pb->q}, s->src, s->weights,
                                 s->bias, NULL};
    if (!need_ref) return true;
    fprintf(stderr, "  computing the reference for %s...\r", s->name);
    oclnn__ref_conv2d(&s->desc, s->src, layout, s->weights, s->bias, NULL, s->ref);
    fprintf(stderr, "%70s\r", "");
    s->conv.ref = s->ref;
    return true;
}

bool tune_family_wanted(const tune_options *o, const char *family) {
    if (!o->kernels) return true;
    size_t n = strlen(family);
    for (const char *p = o->kernels; (p = strstr(p, family)) != NULL; p += n)
        if ((p == o->kernels || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return true;
    return false;
}

typedef struct conv_list {
    const char *text[TUNE_MAX_ITEMS];
    size_t n;
} conv_list;

static const char *opt_conv(const char *v, void *dst) {
    conv_list *l = dst;
    if (l->n == TUNE_MAX_ITEMS) return "at most 64 --conv shapes";
    l->text[l->n++] = v;
    return NULL;
}

static const char *opt_strategy(const char *v, void *dst) {
    return oclnn__tune_strategy_parse(v, dst) ? NULL : "exhaustive, random or anneal";
}

static const char *opt_tune_layout(const char *v, void *dst) {
    oclnn_layout l;
    if (opt_layout(v, &l) || l == OCLNN_LAYOUT_AUTO) return "nchw or nhwc";
    *(oclnn_layout *)dst = l;
    return NULL;
}

int tune_parse(int argc, char **argv, tune_options *o, tune_item *shapes, size_t *n_shapes, const char **files,
               size_t *n_files) {
    memset(o, 0, sizeof *o);
    o->budget = 600;
    o->strategy = OCLNN__TUNE_ANNEAL;
    o->seed = 1;
    static conv_list convs;
    const tool_opt opts[] = {
        {"device", "D", "\"P:D\" or a name substring (default: OCLNN_DEVICE, then best)", opt_string, &o->device},
        {"net", "NAME", "a built-in network's convolutions (default: resnet50)", opt_string, &o->net},
        {"conv", "PROBLEM", "one convolution as bench prints it, e.g. n1c64h56w56k64r3s3pad1 (repeatable)",
         opt_conv, &convs},
        {"all-builtin", NULL, "every built-in network", NULL, &o->all_builtin},
        {"budget", "SECONDS", "total search time, shared by the shapes (default 600)", opt_positive, &o->budget},
        {"strategy", "S", "exhaustive, random or anneal: the search order (default anneal)", opt_strategy,
         &o->strategy},
        {"db", "FILE", "the database to write (default: the device's, as contexts load it)", opt_string, &o->db},
        {"resume", NULL, "keep (family, shape) pairs already in FILE; skip candidates that crashed before", NULL,
         &o->resume},
        {"kernels", "K,K...", "only these families (conv_im2col, conv_gemm1x1, conv_winograd2, conv_winograd4, "
                              "conv_winograd6, conv_direct, conv_depthwise)", opt_string, &o->kernels},
        {"layout", "L", "nchw or nhwc: the layout candidates are timed in (default: the device's)",
         opt_tune_layout, &o->layout},
        {"no-layout", NULL, "do not measure NCHW against NHWC", NULL, &o->no_layout},
        {"check", NULL, "change nothing: only time default against tuned, end to end", NULL, &o->check},
        {"seed", "N", "seed of the random and anneal strategies (default 1)", opt_u64, &o->seed},
        {"quick", NULL, "a 60 s tune, heaviest shapes first: what runs untuned, then each family's "
                        "configuration in the shipped databases of this device and its class, then a few "
                        "neighbours of the best (--budget still applies)", NULL, &o->quick},
        {"json", NULL, "print the summary as one JSON object on stdout", NULL, &o->json},
        {"merge", NULL, "merge the database FILEs given as arguments into --out (the faster row per key)",
         NULL, &o->merge},
        {"out", "FILE", "with --merge: the database to write", opt_string, &o->out},
        {"class", "KEY", "with --merge: write a class database (cpu-avx512, cpu-avx2, cpu, gpu-nvidia, "
                         "gpu-amd, gpu-intel, gpu) offered to every device of that class", opt_string,
         &o->class_key},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {
        "tune", "",
        "Tunes the convolution kernels for one device and writes its tuning database, which every\n"
        "later context on that device loads. PROBLEM is a problem string as oclnn prints them:\n"
        "  n<N>c<C>h<H>w<W>k<K>r<R>s<S>[st<SH>x<SW>][pad<T>,<B>,<L>,<R>][dil<DH>x<DW>][g<G>][_nchw|_nhwc]\n"
        "e.g. n1c64h56w56k64r3s3pad1 (st, pad, dil and g default to 1x1, 0, 1x1 and 1; pad also takes\n"
        "H,W; a layout suffix acts as --layout). Progress goes to stderr; the summary table to stdout.\n"
        "The budget is wall-clock time for everything (references and compiles included); a tuned\n"
        "choice is kept only where the end-to-end check finds it faster than the untuned one.\n"
        "With --merge, the FILE arguments are databases merged into --out.",
        opts, NULL, 0, TUNE_MAX_FILES};
    const char *args[TOOL_MAX_ARGS];
    int n_args;
    double budget_default = o->budget;
    int rc = tool_parse(&cmd, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc;
    *n_files = 0;
    if (o->merge) {
        if (n_args < 1) return tool_usage_error(&cmd, "--merge needs at least one database FILE");
        if (!o->out) return tool_usage_error(&cmd, "--merge needs --out FILE");
        for (int i = 0; i < n_args && i < TUNE_MAX_FILES; i++) files[(*n_files)++] = args[i];
        return TOOL_OK;
    }
    if (n_args > 0) return tool_usage_error(&cmd, "\"%s\": database files are only taken with --merge", args[0]);
    if (o->out || o->class_key) return tool_usage_error(&cmd, "--out and --class go with --merge");
    if (o->quick && o->budget == budget_default) o->budget = 60;
    if (o->quick && o->check) return tool_usage_error(&cmd, "--quick and --check exclude each other");
    for (size_t i = 0; i < convs.n; i++) {
        oclnn__conv2d_problem pb;
        if (oclnn__conv2d_problem_parse(convs.text[i], &pb) != OCLNN_OK)
            return tool_usage_error(&cmd, "--conv: %s", tool_last_error());
        if (pb.layout != OCLNN_LAYOUT_AUTO) { /* a layout suffix says what --layout does */
            if (o->layout != OCLNN_LAYOUT_AUTO && o->layout != pb.layout)
                return tool_usage_error(&cmd, "--conv \"%s\": the layout suffix contradicts --layout or another "
                                        "--conv", convs.text[i]);
            o->layout = pb.layout;
        }
        oclnn_conv2d_desc d = conv_desc_of(&pb);
        d.has_bias = true; /* as after batch-norm folding */
        if (!tune_add(shapes, n_shapes, convs.text[i], &d, 1)) return TOOL_USAGE;
    }
    if (o->kernels) {
        for (const char *p = o->kernels; *p;) {
            size_t n = strcspn(p, ",");
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), p);
            const oclnn__tune_space *sp = oclnn__tune_space_find(name);
            if (!sp || sp == &oclnn__tune_space_layout || sp == &oclnn__tune_space_conv_algo) {
                return tool_usage_error(&cmd, "--kernels \"%s\": unknown kernel family \"%s\"", o->kernels, name);
            }
            p += n + (p[n] == ',');
        }
    }
    size_t n_nets;
    const tune_net *nets = tune_nets(&n_nets);
    if (o->net && !tune_net_find(o->net)) {
        fprintf(stderr, "oclnn tune: --net \"%s\": unknown network (built in:", o->net);
        for (size_t i = 0; i < n_nets; i++) fprintf(stderr, " %s", nets[i].name);
        fprintf(stderr, ")\n");
        return TOOL_USAGE;
    }
    if (!o->net && !o->all_builtin && *n_shapes == 0) o->net = "resnet50";
    for (size_t i = 0; i < n_nets; i++) {
        if (!o->all_builtin && !(o->net && !strcmp(o->net, nets[i].name))) continue;
        for (size_t j = 0; j < nets[i].count; j++) {
            char name[48];
            snprintf(name, sizeof name, "%s:%s", nets[i].name, nets[i].shapes[j].name);
            oclnn_conv2d_desc d = tune_shape_desc(&nets[i].shapes[j]);
            if (!tune_add(shapes, n_shapes, name, &d, nets[i].shapes[j].count)) return TOOL_USAGE;
        }
    }
    return 0;
}
