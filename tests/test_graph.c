/* SPDX-License-Identifier: MIT */
/* The graph's host-side parts, without any device: the memory planner, the .safetensors reader
 * (valid files and every kind of corruption), graph building and its errors, torchvision's
 * networks (parameter totals equal torchvision's state_dicts), shape inference, and loading
 * weights by name. */
#include <stdlib.h>
#include <string.h>

#include "support/harness.h"

#include "core/safetensors.h"
#include "core/status.h"
#include "graph/plan.h"

/* ---- memory planner ---- */

static void test_plan_chain(void **state) {
    (void)state;
    /* a -> b -> c -> d: a and c can share, b and d can share. */
    oclnn__plan_value v[4] = {{100, 0, 1, -1}, {50, 1, 2, -1}, {80, 2, 3, -1}, {60, 3, 4, -1}};
    size_t bytes[4];
    oclnn__plan_result r;
    assert_true(oclnn__plan_memory(v, 4, bytes, &r));
    assert_int_equal(r.buffers, 2);
    assert_int_equal(v[0].buffer, v[2].buffer);
    assert_int_equal(v[1].buffer, v[3].buffer);
    assert_int_not_equal(v[0].buffer, v[1].buffer);
    assert_int_equal(r.total_bytes, 160);
    assert_int_equal(r.live_peak, 150);
}

static void test_plan_branches(void **state) {
    (void)state;
    /* A residual: x (0..3) stays live while a (1..2), b (2..3) run; y (3..4) reuses a's buffer. */
    oclnn__plan_value v[4] = {{64, 0, 3, -1}, {32, 1, 2, -1}, {32, 2, 3, -1}, {64, 3, 4, -1}};
    size_t bytes[4];
    oclnn__plan_result r;
    assert_true(oclnn__plan_memory(v, 4, bytes, &r));
    /* No two values that are live at the same step share a buffer. */
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (v[i].first <= v[j].last && v[j].first <= v[i].last) assert_int_not_equal(v[i].buffer, v[j].buffer);
    assert_int_equal(r.live_peak, 160);
    assert_true(r.total_bytes >= r.live_peak && r.total_bytes <= 192);
    oclnn__plan_value bad[1] = {{8, 3, 2, -1}};
    assert_false(oclnn__plan_memory(bad, 1, bytes, &r));
}

/* ---- safetensors ---- */

/* A file image: header text (padded), then `data_bytes` bytes of data counting up as floats. */
static unsigned char *image(const char *header, size_t data_bytes, size_t *size) {
    size_t h = strlen(header);
    *size = 8 + h + data_bytes;
    unsigned char *b = malloc(*size);
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)h >> (8 * i));
    memcpy(b + 8, header, h);
    for (size_t i = 0; i < data_bytes / 4; i++) {
        float f = (float)i;
        memcpy(b + 8 + h + 4 * i, &f, 4);
    }
    return b;
}

static oclnn_status parse(const char *header, size_t data_bytes) {
    size_t size;
    unsigned char *b = image(header, data_bytes, &size);
    oclnn__safetensors *st = NULL;
    oclnn__enter("test");
    oclnn_status s = oclnn__safetensors_parse(b, size, &st);
    oclnn__safetensors_free(st);
    return s;
}

static void test_safetensors_valid(void **state) {
    (void)state;
    size_t size;
    unsigned char *b = image("{\"__metadata__\":{\"format\":\"pt\"}, \"b\":{\"dtype\":\"F32\",\"shape\":[2],"
                             "\"data_offsets\":[24,32]},\"a\" : {\"shape\":[2,3],\"dtype\":\"F32\",\"data_offsets\":"
                             "[0,24]}, \"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[32,36]}}   ",
                             36, &size);
    oclnn__safetensors *st;
    assert_int_equal(oclnn__safetensors_parse(b, size, &st), OCLNN_OK);
    assert_int_equal(st->count, 3);
    const oclnn__st_tensor *a = oclnn__safetensors_find(st, "a"), *bb = oclnn__safetensors_find(st, "b");
    assert_non_null(a);
    assert_non_null(bb);
    assert_null(oclnn__safetensors_find(st, "c"));
    assert_int_equal(a->ndim, 2);
    assert_int_equal(a->shape[1], 3);
    assert_int_equal(a->elements, 6);
    float f;
    memcpy(&f, bb->data + 4, 4);
    assert_true(f == 7.0f);
    assert_int_equal(oclnn__safetensors_find(st, "s")->elements, 1);
    oclnn__safetensors_free(st);
    /* Escapes decode; an empty header is a valid empty file. */
    assert_int_equal(parse("{\"x\\u00e9\\n\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), OCLNN_OK);
    assert_int_equal(parse("{}", 0), OCLNN_OK);
}

static void test_safetensors_corrupt(void **state) {
    (void)state;
    static const struct {
        const char *header;
        size_t data;
        const char *keyword;
    } cases[] = {
        {"{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "\"a\" has dtype F16"},
        {"{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "only F32"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}", 12, "shape needs 8"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "outside the data area"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "outside the data area"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],"
         "\"data_offsets\":[4,8]}}", 8, "overlap"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, "overflow"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}", 8, "tensor name"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[02],\"data_offsets\":[0,8]}}", 8, "leading zero"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "non-negative integer"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8, "fraction"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 8, "unknown field"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "lacks \"data_offsets\""},
        {"{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "duplicate"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
         "\"data_offsets\":[4,8]}}", 8, "appears twice"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} x", 8, "text after"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8, "expected '}'"},
        {"{\"a\\q\":{}}", 0, "unknown escape"},
        {"{\"a\\ud800\":{}}", 0, "surrogate"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4, "8 dimensions"},
        {"[]", 0, "expected '{'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        oclnn_status s = parse(cases[i].header, cases[i].data);
        if (s != OCLNN_ERROR_BAD_FILE || !strstr(oclnn_last_error(), cases[i].keyword))
            fail_msg("case %zu: status %d, message \"%s\", wanted \"%s\"", i, (int)s, oclnn_last_error(),
                     cases[i].keyword);
    }
    /* Header length: larger than the file, and a file shorter than 8 bytes. */
    unsigned char b1[16] = {200, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
    unsigned char *copy = malloc(16);
    memcpy(copy, b1, 16);
    oclnn__safetensors *st = NULL;
    assert_int_equal(oclnn__safetensors_parse(copy, 16, &st), OCLNN_ERROR_BAD_FILE);
    assert_error_mentions("header length 200");
    copy = malloc(4);
    memset(copy, 0, 4);
    assert_int_equal(oclnn__safetensors_parse(copy, 4, &st), OCLNN_ERROR_BAD_FILE);
    assert_error_mentions("shorter than");
    assert_null(st);
}

/* ---- graph building ---- */

static void test_graph_errors(void **state) {
    (void)state;
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    int x, y;
    d.op = OCLNN_NODE_CONV;
    d.channels = 8;
    assert_status(oclnn_graph_add(g, "c", &d, NULL, 0, &x), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("takes 1 input");
    d.op = OCLNN_NODE_INPUT;
    d.channels = 4;
    assert_ok(oclnn_graph_add(g, "input", &d, NULL, 0, &x));
    assert_status(oclnn_graph_add(g, "input2", &d, NULL, 0, &y), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("only one");
    d.op = OCLNN_NODE_CONV;
    d.channels = 8;
    d.groups = 3;
    assert_status(oclnn_graph_add(g, "c", &d, &x, 1, &y), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("groups (3) must divide input channels (4)");
    d.groups = 1;
    int bad = 5;
    assert_status(oclnn_graph_add(g, "c", &d, &bad, 1, &y), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("inputs[0] (5)");
    d.kernel_h = d.kernel_w = 3;
    assert_ok(oclnn_graph_add(g, "c", &d, &x, 1, &y));
    assert_status(oclnn_graph_add(g, "c", &d, &x, 1, &y), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("already used");
    int pair[2] = {x, y};
    d.op = OCLNN_NODE_ADD;
    assert_status(oclnn_graph_add(g, "add", &d, pair, 2, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("4 and 8 channels");
    d.op = (oclnn_node_op)99;
    assert_status(oclnn_graph_add(g, "z", &d, &x, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc->op (99)");
    /* Shapes: a 3x3 unpadded conv cannot run on a 2x2 input. */
    oclnn_shape shapes[2];
    assert_status(oclnn_graph_infer_shapes(g, (oclnn_shape){1, 4, 2, 2}, shapes), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("node \"c\"");
    assert_status(oclnn_graph_infer_shapes(g, (oclnn_shape){1, 3, 8, 8}, shapes), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("3 channels");
    assert_ok(oclnn_graph_infer_shapes(g, (oclnn_shape){2, 4, 8, 9}, shapes));
    assert_true(shapes[1].n == 2 && shapes[1].c == 8 && shapes[1].h == 6 && shapes[1].w == 7);
    float *w;
    size_t n;
    assert_ok(oclnn_graph_param(g, "c.weight", &w, &n));
    assert_int_equal(n, 8 * 4 * 3 * 3);
    assert_status(oclnn_graph_param(g, "c.bias", &w, &n), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("no parameter \"c.bias\"");
    /* Every other validation branch of oclnn_graph_add, each naming its field. */
    static const struct {
        oclnn_node_op op;
        int field; /* which field to spoil */
        size_t count;
        const char *keyword;
    } bad_nodes[] = {
        {OCLNN_NODE_CONCAT, 0, 1, "concat needs 2 or more inputs"},
        {OCLNN_NODE_BATCHNORM, 1, 1, "eps (0) must be positive"},
        {OCLNN_NODE_MAX_POOL, 2, 1, "more than half the kernel"},
        {OCLNN_NODE_AVG_POOL, 3, 1, "kernel (0x3) has a zero size"},
        {OCLNN_NODE_ADAPTIVE_AVG_POOL, 4, 1, "output size (0x1)"},
        {OCLNN_NODE_FC, 5, 1, "channels (out_features) is 0"},
        {OCLNN_NODE_FC, 3, 1, "the input's spatial size"},
        {OCLNN_NODE_CONV, 6, 1, "must be positive"},
        {OCLNN_NODE_RELU, 0, 2, "relu takes 1 input(s), not 2"},
    };
    for (size_t i = 0; i < sizeof bad_nodes / sizeof bad_nodes[0]; i++) {
        oclnn_node_desc b = oclnn_node_desc_default();
        b.op = bad_nodes[i].op;
        b.channels = 4;
        b.kernel_h = b.kernel_w = 3;
        if (bad_nodes[i].field == 1) b.eps = 0;
        if (bad_nodes[i].field == 2) b.pad_h = 2;
        if (bad_nodes[i].field == 3) b.kernel_h = 0;
        if (bad_nodes[i].field == 4) b.out_h = 0;
        if (bad_nodes[i].field == 5) b.channels = 0;
        if (bad_nodes[i].field == 6) b.stride_w = 0;
        int two[2] = {x, x};
        oclnn_status st = oclnn_graph_add(g, "bad", &b, two, bad_nodes[i].count, NULL);
        if (st != OCLNN_ERROR_INVALID_ARGUMENT || !strstr(oclnn_last_error(), bad_nodes[i].keyword))
            fail_msg("bad node %zu: status %d, \"%s\", wanted \"%s\"", i, (int)st, oclnn_last_error(),
                     bad_nodes[i].keyword);
    }
    char long_name[200];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RELU;
    assert_status(oclnn_graph_add(g, long_name, &d, &x, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("1 to 127 characters");
    assert_status(oclnn_graph_add(g, "r", &d, NULL, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("inputs is NULL");
    assert_status(oclnn_graph_add(g, "r", NULL, &x, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("desc is NULL");
    assert_status(oclnn_graph_add(NULL, "r", &d, &x, 1, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("g is NULL");
    oclnn_node_info info;
    assert_status(oclnn_graph_node(g, 7, &info), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("id (7)");
    assert_ok(oclnn_graph_node(g, 1, &info));
    assert_string_equal(info.name, "c");
    assert_int_equal(info.out_channels, 8);
    assert_true(info.input_count == 1 && info.inputs[0] == x);
    float f[2];
    assert_status(oclnn_random_uniform("x", 0, 1.0, -1.0, f, 2), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("range [1, -1)");
    assert_string_equal(oclnn_node_op_name(OCLNN_NODE_ADAPTIVE_AVG_POOL), "adaptive_avg_pool");
    assert_string_equal(oclnn_node_op_name((oclnn_node_op)42), "");
    oclnn_graph_destroy(g);
    oclnn_graph_destroy(NULL);
}

/* The ONNX-era nodes (issue 16): ACTIVATION takes only one-operand element-wise ops, MUL two
 * inputs of one channel count, and at compile a second input of the first's shape or
 * (n, c, 1, 1); GLOBAL_MAX_POOL gives (n, c, 1, 1). */
static void test_activation_mul_nodes(void **state) {
    (void)state;
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.channels = 4;
    int x, a, p, m;
    assert_ok(oclnn_graph_add(g, "x", &d, NULL, 0, &x));
    d.op = OCLNN_NODE_ACTIVATION;
    d.eltwise = OCLNN_ELTWISE_ADD;
    assert_status(oclnn_graph_add(g, "act", &d, &x, 1, &a), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a one-operand activation");
    d.eltwise = OCLNN_ELTWISE_HARDSWISH;
    assert_ok(oclnn_graph_add(g, "act", &d, &x, 1, &a));
    d.op = OCLNN_NODE_GLOBAL_MAX_POOL;
    assert_ok(oclnn_graph_add(g, "gmax", &d, &a, 1, &p));
    assert_string_equal(oclnn_node_op_name(OCLNN_NODE_GLOBAL_MAX_POOL), "global_max_pool");
    d.op = OCLNN_NODE_MUL;
    assert_status(oclnn_graph_add(g, "mul", &d, &a, 1, &m), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("takes 2 input(s)");
    int gate[2] = {a, p}, bad[2] = {p, a};
    assert_ok(oclnn_graph_add(g, "mul", &d, gate, 2, &m));
    oclnn_shape shapes[4];
    assert_ok(oclnn_graph_infer_shapes(g, (oclnn_shape){2, 4, 5, 3}, shapes));
    assert_true(shapes[p].n == 2 && shapes[p].c == 4 && shapes[p].h == 1 && shapes[p].w == 1);
    assert_true(shapes[m].h == 5 && shapes[m].w == 3);
    assert_ok(oclnn_graph_add(g, "mul2", &d, bad, 2, NULL)); /* the gate first: refused at compile */
    oclnn_shape more[5];
    assert_status(oclnn_graph_infer_shapes(g, (oclnn_shape){2, 4, 5, 3}, more), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("(n, c, 1, 1)");
    oclnn_graph_destroy(g);
}

/* issue 16: channel_shuffle nodes (checked against the input's channels), LEAKY_RELU activations
 * (an alpha per channel as "weight"), and an asymmetrically padded conv's shape. */
static void test_shuffle_slope_pad_nodes(void **state) {
    (void)state;
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.channels = 6;
    int x, s, l;
    assert_ok(oclnn_graph_add(g, "x", &d, NULL, 0, &x));
    d.op = OCLNN_NODE_CHANNEL_SHUFFLE;
    d.channels = 4;
    d.groups = 1;
    d.channel_start = 3;
    assert_status(oclnn_graph_add(g, "slice", &d, &x, 1, &s), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("do not fit 6 input channels");
    d.channel_start = 2;
    d.groups = 3;
    assert_status(oclnn_graph_add(g, "slice", &d, &x, 1, &s), OCLNN_ERROR_INVALID_ARGUMENT);
    d.groups = 2;
    assert_ok(oclnn_graph_add(g, "slice", &d, &x, 1, &s));
    assert_string_equal(oclnn_node_op_name(OCLNN_NODE_CHANNEL_SHUFFLE), "channel_shuffle");
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_ACTIVATION;
    d.eltwise = OCLNN_ELTWISE_LEAKY_RELU;
    assert_ok(oclnn_graph_add(g, "lrelu", &d, &s, 1, &l));
    float *alpha;
    size_t count;
    assert_ok(oclnn_graph_param(g, "lrelu.weight", &alpha, &count));
    assert_int_equal(count, 4);
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CONV;
    d.channels = 2;
    d.kernel_h = d.kernel_w = 2;
    d.stride_h = d.stride_w = 2;
    d.pad_asymmetric = true; /* top 0, left 1, bottom 1, right 0 */
    d.pad_w = 1;
    d.pad_bottom = 1;
    int cv;
    assert_ok(oclnn_graph_add(g, "conv", &d, &l, 1, &cv));
    oclnn_shape shapes[4];
    assert_ok(oclnn_graph_infer_shapes(g, (oclnn_shape){2, 6, 5, 5}, shapes));
    assert_true(shapes[s].c == 4 && shapes[s].h == 5 && shapes[l].c == 4);
    assert_true(shapes[cv].c == 2 && shapes[cv].h == 3 && shapes[cv].w == 3); /* (5 + 1 - 2) / 2 + 1 */
    oclnn_graph_destroy(g);
}

static void test_builtin_networks(void **state) {
    (void)state;
    /* Parameter floats of torchvision's state_dicts without num_batches_tracked (counted with
     * torchvision 0.14: sum of numel over state_dict()). */
    static const struct {
        const char *name;
        size_t floats;
        uint32_t size; /* an input size the net accepts */
    } nets[] = {
        {"resnet18", 11699112, 224},        {"resnet34", 21814696, 224},  {"resnet50", 25610152, 224},
        {"resnet101", 44654504, 224},       {"resnet152", 60344232, 224}, {"wide_resnet50_2", 68951464, 224},
        {"resnext50_32x4d", 25097128, 224}, {"vgg16", 138357544, 224},    {"googlenet", 6639464, 224},
        {"inception_v3", 23869000, 299},
    };
    const char *const *names = oclnn_graph_builtin_names();
    size_t count = 0;
    while (names[count]) count++;
    assert_int_equal(count, sizeof nets / sizeof nets[0]);
    for (size_t i = 0; i < count; i++) {
        oclnn_graph *g;
        assert_ok(oclnn_graph_builtin(nets[i].name, &g));
        assert_int_equal(oclnn_graph_param_floats(g), nets[i].floats);
        size_t nodes = oclnn_graph_node_count(g);
        oclnn_shape *s = malloc(nodes * sizeof *s);
        assert_ok(oclnn_graph_infer_shapes(g, (oclnn_shape){1, 3, nets[i].size, nets[i].size}, s));
        oclnn_shape o = s[nodes - 1];
        assert_true(o.n == 1 && o.c == 1000 && o.h == 1 && o.w == 1);
        free(s);
        oclnn_graph_destroy(g);
    }
    oclnn_graph *g = NULL;
    assert_status(oclnn_graph_builtin("alexnet", &g), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("unknown network \"alexnet\"");
    assert_null(g);
    /* VGG's adaptive pooling to 7x7 needs a feature map that is a multiple of 7. */
    assert_ok(oclnn_graph_builtin("vgg16", &g));
    oclnn_shape s[64];
    assert_true(oclnn_graph_node_count(g) <= 64);
    assert_status(oclnn_graph_infer_shapes(g, (oclnn_shape){1, 3, 64, 64}, s), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("node \"avgpool\"");
    oclnn_graph_destroy(g);
}

/* Writes a .safetensors file by hand, as tools/export_weights.py does. */
static void write_file(const char *path, const char *header, const float *data, size_t n) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    uint64_t h = strlen(header);
    unsigned char len[8];
    for (int i = 0; i < 8; i++) len[i] = (unsigned char)(h >> (8 * i));
    fwrite(len, 1, 8, f);
    fwrite(header, 1, h, f);
    fwrite(data, sizeof(float), n, f);
    fclose(f);
}

static void test_load_safetensors(void **state) {
    (void)state;
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.channels = 1;
    int x;
    assert_ok(oclnn_graph_add(g, "input", &d, NULL, 0, &x));
    d.op = OCLNN_NODE_FC;
    d.channels = 2;
    d.bias = true;
    assert_ok(oclnn_graph_add(g, "fc", &d, &x, 1, NULL));
    const char *path = "test_graph_weights.safetensors";
    float data[5] = {1, 2, 3, 4, 5};
    write_file(path,
               "{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},\"fc.bias\":{\"dtype\":"
               "\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},\"extra\":{\"dtype\":\"F32\",\"shape\":[1],"
               "\"data_offsets\":[16,20]}}",
               data, 5);
    size_t unused = 99;
    assert_ok(oclnn_graph_load_safetensors(g, path, &unused));
    assert_int_equal(unused, 1);
    float *p;
    size_t n;
    assert_ok(oclnn_graph_param(g, "fc.bias", &p, &n));
    assert_true(n == 2 && p[0] == 3 && p[1] == 4);
    /* A wrong shape or a missing parameter is refused, naming it, and changes nothing. */
    write_file(path,
               "{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},\"fc.bias\":{\"dtype\":"
               "\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
               data + 1, 4);
    assert_status(oclnn_graph_load_safetensors(g, path, NULL), OCLNN_ERROR_BAD_FILE);
    assert_error_mentions("\"fc.weight\" has shape [1x2], the graph needs [2x1]");
    assert_true(p[0] == 3);
    write_file(path, "{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]}}", data, 2);
    assert_status(oclnn_graph_load_safetensors(g, path, NULL), OCLNN_ERROR_BAD_FILE);
    assert_error_mentions("\"fc.bias\" is missing");
    assert_status(oclnn_graph_load_safetensors(g, "no/such/file.safetensors", NULL), OCLNN_ERROR_IO);
    assert_error_mentions("cannot open");
    remove(path);
    /* The generator is deterministic, depends on the name and the seed, and stays in range. */
    assert_ok(oclnn_graph_init_random(g, 0));
    float a[2], b[2];
    memcpy(a, p, sizeof a);
    assert_ok(oclnn_graph_init_random(g, 0));
    assert_memory_equal(a, p, sizeof a);
    assert_ok(oclnn_graph_init_random(g, 1));
    memcpy(b, p, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
    for (int i = 0; i < 2; i++) assert_true(a[i] >= -1 && a[i] < 1);
    oclnn_graph_destroy(g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_chain),         cmocka_unit_test(test_plan_branches),
        cmocka_unit_test(test_safetensors_valid),  cmocka_unit_test(test_safetensors_corrupt),
        cmocka_unit_test(test_graph_errors),       cmocka_unit_test(test_builtin_networks),
        cmocka_unit_test(test_load_safetensors),   cmocka_unit_test(test_activation_mul_nodes),
        cmocka_unit_test(test_shuffle_slope_pad_nodes), /* issue 16 */
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
