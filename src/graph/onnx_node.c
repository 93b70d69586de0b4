/* SPDX-License-Identifier: MIT */
/* What every ONNX op handler needs (onnx_ops.c): the node's attributes (typed, range-checked, an
 * unknown one refused), its inputs (a node's output or a constant, with its floats), defining its
 * outputs and adding its graph node, and shapes at the model's input size. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX
typedef int oclnn__onnx_node_disabled; /* ISO C wants a declaration in every translation unit */
#else

#include "graph/onnx.h"

#define PROBE_A 224u /* symbolic input sizes tried to find a size that must not depend on them */
#define PROBE_B 320u

/* Fails with OCLNN_ERROR_UNSUPPORTED: what the node asks that oclnn cannot run. */
oclnn_status oclnn__onnx_refuse(const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "%s", msg);
}

/* ---- attributes -------------------------------------------------------------------------- */

const Onnx__AttributeProto *oclnn__onnx_attr(const oclnn__onnx_node *c, const char *name) {
    for (size_t i = 0; i < c->n->n_attribute; i++)
        if (c->n->attribute[i]->name && !strcmp(c->n->attribute[i]->name, name)) return c->n->attribute[i];
    return NULL;
}

/* Refuses any attribute not in `known` (a NULL-terminated list). */
oclnn_status oclnn__onnx_attrs_known(const oclnn__onnx_node *c, const char *const *known) {
    for (size_t i = 0; i < c->n->n_attribute; i++) {
        const char *name = c->n->attribute[i]->name ? c->n->attribute[i]->name : "";
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++) ok = !strcmp(*k, name);
        if (!ok) return oclnn__onnx_refuse("attribute \"%.60s\" is not supported", name);
    }
    return OCLNN_OK;
}

oclnn_status oclnn__onnx_attr_int(const oclnn__onnx_node *c, const char *name, int64_t def, int64_t *v) {
    const Onnx__AttributeProto *a = oclnn__onnx_attr(c, name);
    *v = def;
    if (!a) return OCLNN_OK;
    if (!a->has_i && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "attribute \"%s\" is not an integer", name);
    *v = a->i;
    return OCLNN_OK;
}

oclnn_status oclnn__onnx_attr_float(const oclnn__onnx_node *c, const char *name, float def, float *v) {
    const Onnx__AttributeProto *a = oclnn__onnx_attr(c, name);
    *v = def;
    if (!a) return OCLNN_OK;
    if (!a->has_f && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT)
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "attribute \"%s\" is not a float", name);
    *v = a->f;
    return OCLNN_OK;
}

/* `want` integers (all `def` when absent), each in [lo, hi]. */
oclnn_status oclnn__onnx_attr_ints(const oclnn__onnx_node *c, const char *name, size_t want, int64_t def, int64_t lo, int64_t hi,
                              int64_t *v) {
    const Onnx__AttributeProto *a = oclnn__onnx_attr(c, name);
    for (size_t i = 0; i < want; i++) v[i] = def;
    if (!a) return OCLNN_OK;
    if (a->n_ints != want) return oclnn__onnx_refuse("attribute \"%s\" has %zu values (%zu supported)", name, a->n_ints, want);
    for (size_t i = 0; i < want; i++) {
        if (a->ints[i] < lo || a->ints[i] > hi)
            return oclnn__onnx_refuse("attribute \"%s\" value %lld is outside [%lld, %lld]", name, (long long)a->ints[i],
                          (long long)lo, (long long)hi);
        v[i] = a->ints[i];
    }
    return OCLNN_OK;
}

/* auto_pad: "NOTSET" (or absent) gives 0, "VALID" 1, "SAME_UPPER"/"SAME_LOWER" 2. */
oclnn_status oclnn__onnx_attr_auto_pad(const oclnn__onnx_node *c, int *mode) {
    const Onnx__AttributeProto *a = oclnn__onnx_attr(c, "auto_pad");
    *mode = 0;
    if (!a) return OCLNN_OK;
    char s[16] = "";
    if (a->has_s && a->s.len && a->s.len < sizeof s) memcpy(s, a->s.data, a->s.len); /* an empty string has no data */
    if (!strcmp(s, "NOTSET")) *mode = 0;
    else if (!strcmp(s, "VALID")) *mode = 1;
    else if (!strcmp(s, "SAME_UPPER") || !strcmp(s, "SAME_LOWER")) *mode = 2;
    else return oclnn__onnx_refuse("auto_pad value is not NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    if (*mode && oclnn__onnx_attr(c, "pads")) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "auto_pad together with pads");
    return OCLNN_OK;
}

/* pads [top, left, bottom, right] must be symmetric: the graph pads both sides alike. */
oclnn_status oclnn__onnx_attr_pads(const oclnn__onnx_node *c, uint32_t *ph, uint32_t *pw) {
    int64_t p[4];
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "pads", 4, 0, 0, 1 << 16, p));
    if (p[0] != p[2] || p[1] != p[3])
        return oclnn__onnx_refuse("asymmetric pads [%lld, %lld, %lld, %lld] (the graph pads both sides alike)", (long long)p[0],
                      (long long)p[1], (long long)p[2], (long long)p[3]);
    *ph = (uint32_t)p[0];
    *pw = (uint32_t)p[1];
    return OCLNN_OK;
}

/* ---- inputs and outputs ------------------------------------------------------------------ */

const char *oclnn__onnx_in_name(const oclnn__onnx_node *c, size_t i) {
    return i < c->n->n_input && c->n->input[i] && *c->n->input[i] ? c->n->input[i] : NULL;
}

oclnn_status oclnn__onnx_input_value(const oclnn__onnx_node *c, size_t i, const oclnn__onnx_value **v) {
    const char *name = oclnn__onnx_in_name(c, i);
    if (!name) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "input %zu is missing", i);
    *v = oclnn__onnx_find(c->ld, name);
    if (!*v)
        return oclnn__fail(OCLNN_ERROR_BAD_FILE,
                           "input \"%.80s\" is not an initializer nor the output of an earlier node "
                           "(a dangling name, a cycle, or an output oclnn does not produce)", name);
    /* issue 16: the channel shuffle's transposed 5-D value holds its data unshuffled; only the
     * Reshape back to 4-D (or an Identity) may read it */
    const char *op = c->n->op_type ? c->n->op_type : "";
    if ((*v)->kind == OCLNN__ONNX_VALUE_NODE && (*v)->shuffled && strcmp(op, "Reshape") && strcmp(op, "Identity"))
        return oclnn__onnx_refuse("input \"%.80s\" is the channel shuffle's transposed 5-D value, which only a Reshape "
                                  "back to (n, c, h, w) may read", name);
    return OCLNN_OK;
}

oclnn_status oclnn__onnx_input_node(const oclnn__onnx_node *c, size_t i, int rank, const oclnn__onnx_value **v) {
    OCLNN__TRY(oclnn__onnx_input_value(c, i, v));
    if ((*v)->kind != OCLNN__ONNX_VALUE_NODE)
        return oclnn__onnx_refuse("input %zu (\"%.80s\") is a constant tensor, which this op takes only from a node", i, (*v)->name);
    if (rank && (*v)->rank != rank)
        return oclnn__onnx_refuse("input %zu (\"%.80s\") has rank %d (rank %d supported)", i, (*v)->name, (*v)->rank, rank);
    return OCLNN_OK;
}


oclnn_status oclnn__onnx_input_const(const oclnn__onnx_node *c, size_t i, bool required, oclnn__onnx_const *k) {
    memset(k, 0, sizeof *k);
    if (!oclnn__onnx_in_name(c, i) && !required) return OCLNN_OK;
    const oclnn__onnx_value *v = NULL;
    OCLNN__TRY(oclnn__onnx_input_value(c, i, &v));
    if (v->kind != OCLNN__ONNX_VALUE_CONST)
        return oclnn__onnx_refuse("input %zu (\"%.80s\") must be an initializer or a Constant", i, v->name);
    k->t = v->tensor;
    OCLNN__TRY(oclnn__onnx_tensor_shape(k->t, k->dims, &k->ndim, &k->count));
    return oclnn__onnx_tensor_floats(c->ld, k->t, k->count, &k->data);
}

/* A constant holding `n` values as [n] (or [1, n] when two_d). */
bool oclnn__onnx_is_vector(const oclnn__onnx_const *k, size_t n, bool two_d) {
    return k->count == n && (k->ndim == 1 || (two_d && k->ndim == 2 && k->dims[0] == 1));
}

oclnn_status oclnn__onnx_define_node(oclnn__onnx_node *c, size_t out, int node, int rank) {
    if (out >= c->n->n_output || !c->n->output[out] || !*c->n->output[out]) return OCLNN_OK;
    return oclnn__onnx_define(c->ld, c->n->output[out],
                              (oclnn__onnx_value){.kind = OCLNN__ONNX_VALUE_NODE, .node = node, .rank = rank});
}

/* Only the first output is produced: a second one (MaxPool's indices, BatchNormalization's
 * training statistics) is left undefined, so any node that reads it is refused. */
oclnn_status oclnn__onnx_add_node(oclnn__onnx_node *c, const oclnn_node_desc *d, const int *inputs, size_t count, int rank) {
    int id;
    OCLNN__TRY(oclnn_graph_add(c->ld->g, c->gname, d, inputs, count, &id));
    return oclnn__onnx_define_node(c, 0, id, rank);
}

oclnn_status oclnn__onnx_set_param(oclnn__onnx_node *c, const char *suffix, const float *src, size_t count) {
    char name[OCLNN__NAME_MAX + 16];
    snprintf(name, sizeof name, "%s.%s", c->gname, suffix);
    float *data;
    size_t have;
    OCLNN__TRY(oclnn_graph_param(c->ld->g, name, &data, &have));
    if (have != count) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "%s has %zu values, the node needs %zu", suffix, count, have);
    memcpy(data, src, count * sizeof *src);
    return OCLNN_OK;
}

uint32_t oclnn__onnx_channels_of(const oclnn__onnx_node *c, int node) {
    oclnn_node_info info;
    return oclnn_graph_node(c->ld->g, node, &info) == OCLNN_OK ? info.out_channels : 0;
}

/* The (c, h, w) of a node's output at the model's input size. Where the model leaves h or w
 * symbolic, two sizes are tried and must agree, so the answer does not depend on the size chosen
 * at create. */
oclnn_status oclnn__onnx_node_shape(const oclnn__onnx_node *c, int node, oclnn_shape *s) {
    size_t n = oclnn_graph_node_count(c->ld->g);
    oclnn_shape *shapes = calloc(n, sizeof *shapes);
    if (!shapes) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot infer shapes");
    oclnn_shape in = c->ld->input, got[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
    in.n = 1;
    oclnn_status st = OCLNN_OK;
    for (int probe = 0; probe < 2 && st == OCLNN_OK; probe++) {
        uint32_t size = probe ? PROBE_B : PROBE_A;
        oclnn_shape x = {1, in.c, in.h ? in.h : size * (c->ld->depth ? c->ld->depth : 1), in.w ? in.w : size};
        st = oclnn_graph_infer_shapes(c->ld->g, x, shapes);
        if (st == OCLNN_OK) got[probe] = shapes[node];
    }
    free(shapes);
    if (st != OCLNN_OK) return st;
    if (got[0].c != got[1].c || got[0].h != got[1].h || got[0].w != got[1].w)
        return oclnn__onnx_refuse("its input's size depends on the input size the model leaves symbolic");
    *s = got[0];
    return OCLNN_OK;
}

/* The only consumer of `name` after node `index`, or SIZE_MAX when it has none, several, or is the
 * graph's output. */
size_t oclnn__onnx_only_consumer(const oclnn__onnx_node *c, const char *name) {
    const Onnx__GraphProto *gp = c->ld->model->graph;
    size_t consumer = SIZE_MAX, uses = 0;
    if (!name || !*name) return SIZE_MAX;
    for (size_t j = c->index + 1; j < gp->n_node; j++)
        for (size_t i = 0; i < gp->node[j]->n_input; i++)
            if (gp->node[j]->input[i] && !strcmp(gp->node[j]->input[i], name)) uses++, consumer = j;
    if (gp->output[0]->name && !strcmp(gp->output[0]->name, name)) uses++;
    return uses == 1 ? consumer : SIZE_MAX;
}

#endif
