/* SPDX-License-Identifier: MIT */
/* The ONNX loader's entry points: reading the file (untrusted), a nesting check before
 * protobuf-c decodes it (protobuf-c recurses without a limit), the model-level checks (opset,
 * one float input of rank 4, one output), and the initializer helpers. The node mapping is in
 * onnx_ops.c. Without protobuf-c (OCLNN_WITH_ONNX off) both entry points refuse. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX

static oclnn_status no_onnx(oclnn_graph **out) {
    if (out) *out = NULL;
    return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                       "this oclnn was built without ONNX support (protobuf-c and onnx.proto were not "
                       "found; install protobuf-c-compiler, libprotobuf-c-dev and libonnx-dev and rebuild)");
}

oclnn_status oclnn_graph_load_onnx(const char *path, oclnn_graph **out, oclnn_shape *input) {
    OCLNN__ENTER();
    (void)path;
    (void)input;
    return no_onnx(out);
}

oclnn_status oclnn_graph_load_onnx_memory(const void *data, size_t size, oclnn_graph **out,
                                          oclnn_shape *input) {
    OCLNN__ENTER();
    (void)data;
    (void)size;
    (void)input;
    return no_onnx(out);
}

#else

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "graph/onnx.h"

#define MAX_DEPTH 32                         /* ONNX CNNs nest 7 deep (model/graph/value/type/...) */
#define MAX_MODEL_BYTES ((size_t)INT32_MAX)  /* protobuf's own 2 GiB limit: bigger models use external data */
#define FLOAT_TYPE ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
#define INT64_TYPE ONNX__TENSOR_PROTO__DATA_TYPE__INT64

/* ---- the nesting check ------------------------------------------------------------------ */

static bool varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
    *v = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

/* Walks the wire format of one message of type `d`, descending into message fields, and fails
 * on a malformed field or nesting deeper than MAX_DEPTH. */
static bool nesting_ok(const ProtobufCMessageDescriptor *d, const uint8_t *p, const uint8_t *end, int depth) {
    if (depth > MAX_DEPTH) return false;
    while (p < end) {
        uint64_t key, len;
        if (!varint(&p, end, &key)) return false;
        switch (key & 7) {
        case 0:
            if (!varint(&p, end, &len)) return false;
            break;
        case 1:
            if (end - p < 8) return false;
            p += 8;
            break;
        case 5:
            if (end - p < 4) return false;
            p += 4;
            break;
        case 2: {
            if (!varint(&p, end, &len) || len > (uint64_t)(end - p)) return false;
            const ProtobufCFieldDescriptor *f =
                key >> 3 <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3)) : NULL;
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
                !nesting_ok((const ProtobufCMessageDescriptor *)f->descriptor, p, p + len, depth + 1))
                return false;
            p += len;
            break;
        }
        default: return false; /* groups (3, 4) are not in ONNX; 6, 7 are not wire types */
        }
    }
    return true;
}

/* ---- named values ------------------------------------------------------------------------ */

static size_t hash(const char *s) {
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

const oclnn__onnx_value *oclnn__onnx_find(const oclnn__onnx_loader *ld, const char *name) {
    if (!name || !*name) return NULL;
    for (size_t i = hash(name) & (ld->value_cap - 1);; i = (i + 1) & (ld->value_cap - 1)) {
        const oclnn__onnx_value *v = &ld->values[i];
        if (!v->name) return NULL;
        if (!strcmp(v->name, name)) return v;
    }
}

oclnn_status oclnn__onnx_define(oclnn__onnx_loader *ld, const char *name, oclnn__onnx_value v) {
    /* protobuf-c leaves an absent proto2 string NULL; ONNX requires every value to be named. */
    if (!name || !*name) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "ONNX graph: a graph input or node output has no name");
    v.name = name;
    for (size_t i = hash(name) & (ld->value_cap - 1);; i = (i + 1) & (ld->value_cap - 1)) {
        oclnn__onnx_value *s = &ld->values[i];
        if (s->name && strcmp(s->name, name)) continue;
        if (!s->name) {
            /* The table holds every output and initializer name of the model, sized at twice that. */
            if (2 * (ld->value_count + 1) > ld->value_cap)
                return oclnn__fail(OCLNN_ERROR_BAD_FILE, "ONNX graph: more values than outputs");
            ld->value_count++;
        } else if (s->kind != OCLNN__ONNX_VALUE_CONST) {
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "ONNX graph: tensor \"%.80s\" is produced twice", name);
        }
        *s = v;
        return OCLNN_OK;
    }
}

/* ---- tensors ----------------------------------------------------------------------------- */

oclnn_status oclnn__onnx_tensor_shape(const Onnx__TensorProto *t, int64_t dims[8], int *ndim, size_t *count) {
    const char *name = t->name ? t->name : "";
    if (t->n_dims > 8) return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "tensor \"%.80s\": %zu dimensions", name, t->n_dims);
    size_t n = 1;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0 || (uint64_t)t->dims[i] > SIZE_MAX || !oclnn__mul_ok(n, (size_t)t->dims[i], &n))
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": dimension %zu (%lld) is invalid", name, i,
                               (long long)t->dims[i]);
        dims[i] = t->dims[i];
    }
    *ndim = (int)t->n_dims;
    *count = n;
    return OCLNN_OK;
}

static const char *external_entry(const Onnx__TensorProto *t, const char *key) {
    for (size_t i = 0; i < t->n_external_data; i++)
        if (t->external_data[i]->key && !strcmp(t->external_data[i]->key, key)) return t->external_data[i]->value;
    return NULL;
}

static bool parse_u64(const char *s, uint64_t *v) {
    if (!s) return false;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-') return false;
    *v = x;
    return true;
}

/* The location must name a file inside the model's folder: relative, no ".." component, and
 * (symbolic links resolved) still under the folder. */
static oclnn_status external_path(const oclnn__onnx_loader *ld, const char *tname, const char *loc, char **out) {
    if (!ld->dir)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "tensor \"%.80s\": external data needs a model file, not memory",
                           tname);
    if (!loc || !*loc || loc[0] == '/')
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": external data location \"%.80s\" is not relative",
                           tname, loc ? loc : "");
    for (const char *p = loc; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
        if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": external data \"%.80s\" leaves the model's folder",
                               tname, loc);
    char *dir = realpath(ld->dir, NULL);
    size_t len = strlen(ld->dir) + strlen(loc) + 2;
    char *joined = malloc(len);
    char *real = NULL;
    if (dir && joined) {
        snprintf(joined, len, "%s/%s", ld->dir, loc);
        real = realpath(joined, NULL);
    }
    free(joined);
    size_t dl = dir ? strlen(dir) : 0;
    bool inside = dir && real && !strncmp(real, dir, dl) && (real[dl] == '/' || (dl == 1 && dir[0] == '/'));
    free(dir);
    if (!real) return oclnn__fail(OCLNN_ERROR_IO, "tensor \"%.80s\": cannot open external data \"%.80s\"", tname, loc);
    if (!inside) {
        free(real);
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": external data \"%.80s\" leaves the model's folder",
                           tname, loc);
    }
    *out = real;
    return OCLNN_OK;
}

/* Reads `bytes` of external data into a new buffer, checking the range against the file before
 * allocating anything. */
static oclnn_status read_external(const oclnn__onnx_loader *ld, const Onnx__TensorProto *t, size_t bytes,
                                  float **out) {
    const char *tname = t->name ? t->name : "";
    uint64_t offset = 0, length = bytes;
    const char *o = external_entry(t, "offset"), *l = external_entry(t, "length");
    if ((o && !parse_u64(o, &offset)) || (l && !parse_u64(l, &length)) || length != bytes)
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": external data offset or length is invalid", tname);
    char *path = NULL;
    OCLNN__TRY(external_path(ld, tname, external_entry(t, "location"), &path));
    /* O_NONBLOCK: a FIFO with no writer is refused by the regular-file check, not waited on. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    free(path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        return oclnn__fail(OCLNN_ERROR_IO, "tensor \"%.80s\": cannot open its external data file", tname);
    }
    oclnn_status status = OCLNN_OK;
    float *dst = NULL;
    if (offset > (uint64_t)st.st_size || bytes > (uint64_t)st.st_size - offset) {
        status = oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": external data ends past its file", tname);
    } else if (!(dst = malloc(bytes ? bytes : 1))) {
        status = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "tensor \"%.80s\": cannot hold %zu bytes", tname, bytes);
    } else {
        size_t done = 0;
        while (done < bytes) {
            ssize_t r = pread(fd, (char *)dst + done, bytes - done, (off_t)(offset + done));
            if (r <= 0) {
                status = oclnn__fail(OCLNN_ERROR_IO, "tensor \"%.80s\": reading external data failed", tname);
                break;
            }
            done += (size_t)r;
        }
    }
    close(fd);
    if (status != OCLNN_OK) free(dst);
    else *out = dst;
    return status;
}

oclnn_status oclnn__onnx_tensor_floats(const oclnn__onnx_loader *ld, const Onnx__TensorProto *t, size_t count,
                                       float **out) {
    const char *name = t->name ? t->name : "";
    *out = NULL;
    if (!t->has_data_type || t->data_type != FLOAT_TYPE)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "tensor \"%.80s\": data type %d is not float32", name,
                           (int)t->data_type);
    if (t->segment) return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "tensor \"%.80s\": segmented tensors", name);
    size_t bytes;
    if (!oclnn__mul_ok(count, sizeof(float), &bytes))
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\" is too large", name);
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return read_external(ld, t, bytes, out);
    const void *src;
    if (t->has_raw_data) {
        if (t->raw_data.len != bytes)
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": raw_data has %zu bytes for %zu floats", name,
                               t->raw_data.len, count);
        src = t->raw_data.data; /* little-endian, as the host (x86-64, arm64) */
    } else {
        if (t->n_float_data != count)
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": float_data has %zu values for %zu", name,
                               t->n_float_data, count);
        src = t->float_data;
    }
    /* The data is in the model, so the allocation is bounded by its size. */
    float *dst = malloc(bytes ? bytes : 1);
    if (!dst) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "tensor \"%.80s\": cannot hold %zu bytes", name, bytes);
    if (bytes) memcpy(dst, src, bytes);
    *out = dst;
    return OCLNN_OK;
}

oclnn_status oclnn__onnx_tensor_ints(const Onnx__TensorProto *t, int64_t *dst, size_t cap, size_t *count) {
    const char *name = t->name ? t->name : "";
    int64_t dims[8];
    int nd;
    size_t n = 0;
    OCLNN__TRY(oclnn__onnx_tensor_shape(t, dims, &nd, &n));
    if (!t->has_data_type || t->data_type != INT64_TYPE)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "tensor \"%.80s\": data type %d is not int64", name, (int)t->data_type);
    if (n > cap) return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "tensor \"%.80s\" has %zu values (at most %zu)", name, n, cap);
    if (t->has_raw_data) {
        if (t->raw_data.len != n * sizeof(int64_t))
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": raw_data has %zu bytes for %zu int64", name,
                               t->raw_data.len, n);
        memcpy(dst, t->raw_data.data, n * sizeof(int64_t));
    } else {
        if (t->n_int64_data != n)
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "tensor \"%.80s\": int64_data has %zu values for %zu", name,
                               t->n_int64_data, n);
        if (n) memcpy(dst, t->int64_data, n * sizeof(int64_t));
    }
    *count = n;
    return OCLNN_OK;
}

/* ---- the model --------------------------------------------------------------------------- */

static oclnn_status model_opset(oclnn__onnx_loader *ld) {
    ld->opset = 0;
    for (size_t i = 0; i < ld->model->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = ld->model->opset_import[i];
        if (!o->domain || !*o->domain || !strcmp(o->domain, "ai.onnx")) ld->opset = o->has_version ? o->version : 0;
    }
    if (ld->opset < 7 || ld->opset > 17)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "ONNX opset %lld is not supported (7 to 17 are)", (long long)ld->opset);
    return OCLNN_OK;
}

static bool is_initializer(const Onnx__GraphProto *gp, const char *name) {
    for (size_t i = 0; i < gp->n_initializer; i++)
        if (gp->initializer[i]->name && !strcmp(gp->initializer[i]->name, name)) return true;
    return false;
}

/* The one graph input that is not an initializer: float32, (n, c, h, w), c fixed. */
static oclnn_status model_input(oclnn__onnx_loader *ld, const Onnx__ValueInfoProto **in) {
    const Onnx__GraphProto *gp = ld->model->graph;
    *in = NULL;
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *v = gp->input[i];
        if (!v->name || is_initializer(gp, v->name)) continue;
        if (*in) return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the model has more than one input (\"%.80s\", \"%.80s\")",
                                    (*in)->name, v->name);
        *in = v;
    }
    if (!*in) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "the model has no input");
    const Onnx__TypeProto *tp = (*in)->type;
    const Onnx__TypeProto__Tensor *tt = tp && tp->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ? tp->tensor_type : NULL;
    /* issue 19: rank 3 (n, c, l) and rank 5 (n, c, d, h, w) too */
    if (!tt || tt->elem_type != FLOAT_TYPE || !tt->shape || tt->shape->n_dim < 3 || tt->shape->n_dim > 5)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "input \"%.80s\" is not a float32 tensor of rank 3, 4 or 5 ((n, c, l), (n, c, h, w) or "
                           "(n, c, d, h, w))", (*in)->name);
    int rank = (int)tt->shape->n_dim;
    uint32_t d[5];
    for (int i = 0; i < rank; i++) {
        const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[i];
        bool known = dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        if (known && (dim->dim_value <= 0 || dim->dim_value > OCLNN__ONNX_MAX_DIM))
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "input \"%.80s\": dimension %d (%lld) is out of range", (*in)->name,
                               i, (long long)dim->dim_value);
        d[i] = known ? (uint32_t)dim->dim_value : 0;
    }
    if (!d[1]) return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "input \"%.80s\": its channel count is symbolic", (*in)->name);
    if (rank == 5 && (!d[2] || (uint64_t)d[2] * d[3] > OCLNN__ONNX_MAX_DIM))
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "input \"%.80s\": its depth is symbolic, or depth times height "
                           "is out of range", (*in)->name);
    /* (n, c, l) is (n, c, 1, l); (n, c, d, h, w) is (n, c, d * h, w) of depth d */
    ld->input_rank = rank;
    ld->depth = rank == 5 ? d[2] : 0;
    ld->input = rank == 3 ? (oclnn_shape){d[0], d[1], 1, d[2]}
                : rank == 5 ? (oclnn_shape){d[0], d[1], d[2] * d[3], d[4]} : (oclnn_shape){d[0], d[1], d[2], d[3]};
    return OCLNN_OK;
}

static oclnn_status load_model(oclnn__onnx_loader *ld) {
    const Onnx__GraphProto *gp = ld->model->graph;
    if (!gp) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "the model has no graph");
    OCLNN__TRY(model_opset(ld));
    if (gp->n_node > OCLNN__ONNX_MAX_NODES)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the graph has %zu nodes (at most %d)", gp->n_node, OCLNN__ONNX_MAX_NODES);
    if (gp->n_output != 1 || !gp->output[0]->name)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the graph has %zu outputs (oclnn runs exactly one)", gp->n_output);
    if (gp->n_sparse_initializer) return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "sparse initializers");
    const Onnx__ValueInfoProto *in;
    OCLNN__TRY(model_input(ld, &in));
    size_t names = gp->n_initializer + 1;
    for (size_t i = 0; i < gp->n_node; i++) names += gp->node[i]->n_output;
    ld->value_cap = 16;
    while (ld->value_cap < 2 * names) ld->value_cap *= 2;
    ld->values = calloc(ld->value_cap, sizeof *ld->values);
    ld->consumed = calloc(gp->n_node + 1, 1);
    ld->pool_pad = calloc(gp->n_node + 1, sizeof *ld->pool_pad);
    if (!ld->values || !ld->consumed || !ld->pool_pad) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the value table");
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *t = gp->initializer[i];
        if (!t->name || !*t->name) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "initializer %zu has no name", i);
        OCLNN__TRY(oclnn__onnx_define(ld, t->name, (oclnn__onnx_value){.kind = OCLNN__ONNX_VALUE_CONST, .tensor = t}));
    }
    OCLNN__TRY(oclnn_graph_create(&ld->g));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_INPUT;
    d.channels = ld->input.c;
    d.depth = ld->depth;
    int id;
    OCLNN__TRY(oclnn_graph_add(ld->g, "input", &d, NULL, 0, &id));
    OCLNN__TRY(oclnn__onnx_define(ld, in->name,
                                  (oclnn__onnx_value){.kind = OCLNN__ONNX_VALUE_NODE, .node = id, .rank = ld->input_rank}));
    OCLNN__TRY(oclnn__onnx_build(ld));
    const oclnn__onnx_value *o = oclnn__onnx_find(ld, gp->output[0]->name);
    if (!o || o->kind != OCLNN__ONNX_VALUE_NODE)
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "the graph output \"%.80s\" is not produced by any node", gp->output[0]->name);
    if ((size_t)o->node + 1 != oclnn_graph_node_count(ld->g))
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the graph output \"%.80s\" is not its last node's output",
                           gp->output[0]->name);
    return OCLNN_OK;
}

static oclnn_status load(const void *data, size_t size, const char *dir, oclnn_graph **out, oclnn_shape *input) {
    if (!nesting_ok(&onnx__model_proto__descriptor, data, (const uint8_t *)data + size, 0))
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "not an ONNX model (malformed protobuf, or nested over %d deep)", MAX_DEPTH);
    oclnn__onnx_loader ld = {.dir = dir};
    ld.model = onnx__model_proto__unpack(NULL, size, data);
    if (!ld.model) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "not an ONNX model (protobuf decoding failed)");
    oclnn_status status = load_model(&ld);
    oclnn__error_context("%s", "");
    onnx__model_proto__free_unpacked(ld.model, NULL);
    free(ld.values);
    free(ld.consumed);
    free(ld.pool_pad);
    if (status != OCLNN_OK) {
        oclnn_graph_destroy(ld.g);
        return status;
    }
    ld.g->fixed_h = ld.input.h; /* issue 16: oclnn_net_reshape keeps a declared size */
    ld.g->fixed_w = ld.input.w;
    *out = ld.g;
    if (input) *input = ld.input;
    return OCLNN_OK;
}

oclnn_status oclnn_graph_load_onnx_memory(const void *data, size_t size, oclnn_graph **out, oclnn_shape *input) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    if (!data && size) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "data is NULL");
    if (size > MAX_MODEL_BYTES) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "size (%zu) is over protobuf's 2 GiB", size);
    return load(data ? data : "", size, NULL, out, input);
}

oclnn_status oclnn_graph_load_onnx(const char *path, oclnn_graph **out, oclnn_shape *input) {
    OCLNN__ENTER();
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    if (!path) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "path is NULL");
    void *buf = NULL;
    size_t size = 0;
    OCLNN__TRY(oclnn__file_read_checked(path, MAX_MODEL_BYTES, 0, &buf, &size));
    char *dir = strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    oclnn_status status;
    if (!dir) {
        status = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot copy the path");
    } else {
        if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
        status = load(buf, size, slash ? dir : ".", out, input);
    }
    free(dir);
    free(buf);
    return status;
}

#endif
