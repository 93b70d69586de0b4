/* SPDX-License-Identifier: MIT */
/* Shape arithmetic and channel views in ONNX models (issue 16, ShuffleNetV2). PyTorch exports
 * torch.chunk and ShuffleNet's channel shuffle with the sizes computed at run time: Shape, Gather,
 * Div, Mul, Cast, Unsqueeze and Concat build the target of a Reshape to (n, g, c / g, h, w), a
 * Transpose (0, 2, 1, 3, 4), and a Reshape back to (n, c, h, w); chunks are Slices along channels
 * whose ends come from the same arithmetic. Here that arithmetic is folded at load on small int64
 * vectors (every element known except the batch, which stays symbolic and may only pass through
 * unchanged), and the views become channel_shuffle graph nodes (groups 1 for a slice). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX
typedef int oclnn__onnx_shape_disabled; /* ISO C wants a declaration in every translation unit */
#else

#include "graph/onnx.h"

#define INT64_TYPE 7 /* TensorProto.DataType INT64 */

static bool is_int_const(const oclnn__onnx_value *v) {
    return v && v->kind == OCLNN__ONNX_VALUE_CONST && v->tensor->has_data_type && v->tensor->data_type == INT64_TYPE;
}

static bool is_ints(const oclnn__onnx_value *v) { return v && (v->kind == OCLNN__ONNX_VALUE_INTS || is_int_const(v)); }

oclnn_status oclnn__onnx_ints_of(const oclnn__onnx_node *c, size_t i, oclnn__onnx_value *out) {
    const oclnn__onnx_value *v;
    OCLNN__TRY(oclnn__onnx_input_value(c, i, &v));
    if (v->kind == OCLNN__ONNX_VALUE_INTS) {
        *out = *v;
        return OCLNN_OK;
    }
    if (!is_int_const(v)) return oclnn__onnx_refuse("input %zu (\"%.80s\") is not an int64 shape value", i, v->name);
    memset(out, 0, sizeof *out);
    out->kind = OCLNN__ONNX_VALUE_INTS;
    int64_t dims[8];
    int nd;
    size_t count, n;
    OCLNN__TRY(oclnn__onnx_tensor_shape(v->tensor, dims, &nd, &count));
    if (nd > 1) return oclnn__onnx_refuse("input %zu is an int64 tensor of rank %d (rank 0 or 1 supported)", i, nd);
    OCLNN__TRY(oclnn__onnx_tensor_ints(v->tensor, out->ints, 8, &n));
    out->count = (int)n;
    out->rank = nd;
    return OCLNN_OK;
}

static oclnn_status define_ints(oclnn__onnx_node *c, const oclnn__onnx_value *v) {
    if (c->n->n_output != 1 || !c->n->output[0] || !*c->n->output[0]) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "no output");
    oclnn__onnx_value d = *v;
    d.kind = OCLNN__ONNX_VALUE_INTS;
    return oclnn__onnx_define(c->ld, c->n->output[0], d);
}

static oclnn_status shape_of(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known)); /* opset 15's start and end are refused */
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    if (x->rank != 4 && x->rank != 2) return oclnn__onnx_refuse("Shape of a rank-%d value (ranks 2 and 4 supported)", x->rank);
    oclnn_shape s;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &s)); /* refuses h, w that depend on a symbolic size */
    oclnn__onnx_value v;
    memset(&v, 0, sizeof v);
    v.rank = 1;
    v.count = x->rank;
    v.ints[0] = c->ld->input.n;
    v.sym[0] = c->ld->input.n ? OCLNN__ONNX_KNOWN : OCLNN__ONNX_BATCH;
    if (x->rank == 2) {
        if ((uint64_t)s.c * s.h > (1ull << 40) || s.w > (1u << 20)) return oclnn__onnx_refuse("Shape of a value too large");
        v.ints[1] = (int64_t)s.c * s.h * s.w;
    } else {
        v.ints[1] = s.c;
        v.ints[2] = s.h;
        v.ints[3] = s.w;
    }
    return define_ints(c, &v);
}

static oclnn_status gather(oclnn__onnx_node *c) {
    static const char *const known[] = {"axis", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t axis;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "axis", 0, &axis));
    oclnn__onnx_value d, idx, v;
    OCLNN__TRY(oclnn__onnx_ints_of(c, 0, &d));
    OCLNN__TRY(oclnn__onnx_ints_of(c, 1, &idx));
    if (axis != 0 || d.rank != 1) return oclnn__onnx_refuse("Gather other than from a shape vector (axis 0)");
    memset(&v, 0, sizeof v);
    v.rank = idx.rank;
    v.count = idx.count;
    for (int i = 0; i < idx.count; i++) {
        int64_t k = idx.ints[i];
        if (idx.sym[i] || k < -d.count || k >= d.count) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "index %lld is out of range", (long long)k);
        if (k < 0) k += d.count;
        v.ints[i] = d.ints[k];
        v.sym[i] = d.sym[k];
    }
    return define_ints(c, &v);
}

static oclnn_status cast(oclnn__onnx_node *c) {
    static const char *const known[] = {"to", "saturate", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t to;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "to", 0, &to));
    oclnn__onnx_value v;
    OCLNN__TRY(oclnn__onnx_ints_of(c, 0, &v));
    if (to != INT64_TYPE) return oclnn__onnx_refuse("Cast of a shape value to type %lld (only int64)", (long long)to);
    return define_ints(c, &v);
}

/* Unsqueeze of a scalar at axis 0 (the attribute before opset 13, the input from 13). */
static oclnn_status unsqueeze(oclnn__onnx_node *c) {
    static const char *const known[] = {"axes", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t axes = 0;
    if (oclnn__onnx_in_name(c, 1)) {
        oclnn__onnx_value a;
        OCLNN__TRY(oclnn__onnx_ints_of(c, 1, &a));
        if (a.count != 1) return oclnn__onnx_refuse("axes with %d values (only axis 0)", a.count);
        axes = a.ints[0];
    } else {
        OCLNN__TRY(oclnn__onnx_attr_ints(c, "axes", 1, 0, -1, 0, &axes));
    }
    oclnn__onnx_value v;
    OCLNN__TRY(oclnn__onnx_ints_of(c, 0, &v));
    if (v.rank != 0 || (axes != 0 && axes != -1)) return oclnn__onnx_refuse("Unsqueeze other than of a scalar shape value");
    v.rank = 1;
    return define_ints(c, &v);
}

static oclnn_status concat_ints(oclnn__onnx_node *c) {
    static const char *const known[] = {"axis", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t axis;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "axis", 0, &axis));
    if (axis != 0 && axis != -1) return oclnn__onnx_refuse("Concat of shape values along axis %lld", (long long)axis);
    oclnn__onnx_value v, p;
    memset(&v, 0, sizeof v);
    v.rank = 1;
    for (size_t i = 0; i < c->n->n_input; i++) {
        OCLNN__TRY(oclnn__onnx_ints_of(c, i, &p));
        if (p.rank != 1 || v.count + p.count > 8) return oclnn__onnx_refuse("a shape value of more than 8 elements");
        memcpy(v.ints + v.count, p.ints, (size_t)p.count * sizeof *p.ints);
        memcpy(v.sym + v.count, p.sym, (size_t)p.count);
        v.count += p.count;
    }
    return define_ints(c, &v);
}

/* Add, Sub, Mul, Div (truncating, as ONNX's integer Div) of shape values, a scalar broadcast. An
 * element computed from the batch stays symbolic (it may not become a size). */
static oclnn_status arith(oclnn__onnx_node *c, char op) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    oclnn__onnx_value a, b, v;
    OCLNN__TRY(oclnn__onnx_ints_of(c, 0, &a));
    OCLNN__TRY(oclnn__onnx_ints_of(c, 1, &b));
    if (a.count != b.count && a.count != 1 && b.count != 1) return oclnn__onnx_refuse("shape values of %d and %d elements", a.count, b.count);
    memset(&v, 0, sizeof v);
    v.rank = a.rank > b.rank ? a.rank : b.rank;
    v.count = a.count > b.count ? a.count : b.count;
    for (int i = 0; i < v.count; i++) {
        int ia = a.count == 1 ? 0 : i, ib = b.count == 1 ? 0 : i;
        int64_t x = a.ints[ia], y = b.ints[ib];
        if (a.sym[ia] || b.sym[ib]) {
            v.sym[i] = OCLNN__ONNX_FROM_BATCH;
            continue;
        }
        if (x < -(1ll << 31) || x > (1ll << 31) || y < -(1ll << 31) || y > (1ll << 31)) /* no overflow below */
            return oclnn__onnx_refuse("shape arithmetic on values beyond 2^31");
        if (op == '/' && y == 0) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "division by zero");
        v.ints[i] = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y;
    }
    return define_ints(c, &v);
}

oclnn_status oclnn__onnx_shape_op(oclnn__onnx_node *c, bool *handled) {
    const char *op = c->n->op_type ? c->n->op_type : "";
    *handled = true;
    if (!strcmp(op, "Shape")) return shape_of(c);
    if (!strcmp(op, "Gather")) return gather(c);
    if (!strcmp(op, "Cast")) return cast(c);
    if (!strcmp(op, "Unsqueeze")) return unsqueeze(c);
    bool any = false;
    for (size_t i = 0; i < c->n->n_input; i++) {
        const char *name = oclnn__onnx_in_name(c, i);
        any = any || (name && is_ints(oclnn__onnx_find(c->ld, name)));
    }
    *handled = any;
    if (!any) return OCLNN_OK;
    if (!strcmp(op, "Concat")) return concat_ints(c);
    if (!strcmp(op, "Add")) return arith(c, '+');
    if (!strcmp(op, "Sub")) return arith(c, '-');
    if (!strcmp(op, "Mul")) return arith(c, '*');
    if (!strcmp(op, "Div")) return arith(c, '/');
    *handled = false;
    return OCLNN_OK;
}

/* ---- channel views ------------------------------------------------------------------------ */

/* Element i of a target shape is the batch: the batch itself, 0 (copy, without allowzero), or
 * the fixed batch. */
static bool is_batch(const oclnn__onnx_node *c, const oclnn__onnx_value *s, int i, bool allowzero) {
    if (s->sym[i]) return s->sym[i] == OCLNN__ONNX_BATCH;
    return (s->ints[i] == 0 && !allowzero) || (c->ld->input.n && s->ints[i] == c->ld->input.n);
}

static bool is_dim(const oclnn__onnx_value *s, int i, uint32_t want) { return !s->sym[i] && s->ints[i] == (int64_t)want; }

static oclnn_status add_shuffle(oclnn__onnx_node *c, int node, size_t out, uint32_t start, uint32_t count, uint32_t groups) {
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CHANNEL_SHUFFLE;
    d.channels = count;
    d.groups = groups;
    d.channel_start = start;
    int id;
    OCLNN__TRY(oclnn_graph_add(c->ld->g, c->gname, &d, &node, 1, &id));
    return oclnn__onnx_define_node(c, out, id, 4);
}

/* Reshape of a (n, c, h, w) value to (n, g, c / g, h, w), and of a shuffled 5-D value back to
 * (n, c, h, w): a channel shuffle. */
oclnn_status oclnn__onnx_reshape_nd(oclnn__onnx_node *c, const oclnn__onnx_value *x, const oclnn__onnx_value *s,
                                    bool *handled) {
    int64_t allowzero;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "allowzero", 0, &allowzero));
    *handled = false;
    if (!(x->rank == 4 && s->count == 5) && !(x->rank == 5 && x->groups)) return OCLNN_OK; /* issue 19: a volume */
    *handled = true;
    oclnn_shape xs;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &xs));
    if (x->rank == 4) {
        bool ok = is_batch(c, s, 0, allowzero) && !s->sym[1] && !s->sym[2] && s->ints[1] >= 1 && s->ints[2] >= 1 &&
                  s->ints[1] <= (int64_t)xs.c && s->ints[2] <= (int64_t)xs.c && s->ints[1] * s->ints[2] == (int64_t)xs.c && is_dim(s, 3, xs.h) && is_dim(s, 4, xs.w);
        if (!ok) return oclnn__onnx_refuse("a Reshape to 5-D other than (n, g, c / g, h, w) of (n, %u, %u, %u)", xs.c, xs.h, xs.w);
        oclnn__onnx_value v = *x;
        v.rank = 5;
        v.groups = (int)s->ints[1];
        v.shuffled = false;
        if (c->n->n_output < 1 || !c->n->output[0] || !*c->n->output[0]) return OCLNN_OK;
        return oclnn__onnx_define(c->ld, c->n->output[0], v);
    }
    bool ok = x->shuffled && s->count == 4 && is_batch(c, s, 0, allowzero) &&
              (is_dim(s, 1, xs.c) || (!s->sym[1] && s->ints[1] == -1)) && is_dim(s, 2, xs.h) && is_dim(s, 3, xs.w);
    if (!ok) return oclnn__onnx_refuse("a Reshape of a 5-D value other than back to (n, c, h, w) after the channel shuffle's Transpose");
    return add_shuffle(c, x->node, 0, 0, xs.c, (uint32_t)x->groups);
}

oclnn_status oclnn__onnx_transpose(oclnn__onnx_node *c) {
    static const char *const known[] = {"perm", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 0, &x));
    if (x->rank != 5)
        return oclnn__onnx_refuse("a Transpose of a rank-%d value (only the channel shuffle's Transpose (0, 2, 1, 3, 4) of a "
                                  "(n, g, c / g, h, w) Reshape)", x->rank);
    int64_t perm[5];
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "perm", 5, 0, 0, 4, perm));
    if (x->shuffled || !x->groups || !oclnn__onnx_attr(c, "perm") || perm[0] != 0 || perm[1] != 2 || perm[2] != 1 || perm[3] != 3 || perm[4] != 4)
        return oclnn__onnx_refuse("only the channel shuffle's Transpose (0, 2, 1, 3, 4) of a (n, g, c / g, h, w) Reshape");
    oclnn__onnx_value v = *x;
    v.shuffled = true;
    if (c->n->n_output < 1 || !c->n->output[0] || !*c->n->output[0]) return OCLNN_OK;
    return oclnn__onnx_define(c->ld, c->n->output[0], v);
}

/* Slice (opset 10+: inputs) of a 4-D value along channels, step 1. */
oclnn_status oclnn__onnx_slice(oclnn__onnx_node *c) {
    static const char *const known[] = {NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    if (c->ld->opset < 10) return oclnn__onnx_refuse("Slice before opset 10 (starts and ends as attributes)");
    const oclnn__onnx_value *x;
    oclnn__onnx_value st, en, ax, sp;
    OCLNN__TRY(oclnn__onnx_input_value(c, 0, &x));
    if (is_ints(x)) { /* a part of a shape vector (torch's sizes for interpolate) */
        oclnn__onnx_value d, v;
        OCLNN__TRY(oclnn__onnx_ints_of(c, 0, &d));
        OCLNN__TRY(oclnn__onnx_ints_of(c, 1, &st));
        OCLNN__TRY(oclnn__onnx_ints_of(c, 2, &en));
        if (oclnn__onnx_in_name(c, 3)) {
            OCLNN__TRY(oclnn__onnx_ints_of(c, 3, &ax));
            if (ax.count != 1 || ax.sym[0] || (ax.ints[0] != 0 && ax.ints[0] != -1)) return oclnn__onnx_refuse("axes of a shape vector other than 0");
        }
        if (oclnn__onnx_in_name(c, 4)) {
            OCLNN__TRY(oclnn__onnx_ints_of(c, 4, &sp));
            if (sp.count != 1 || sp.sym[0] || sp.ints[0] != 1) return oclnn__onnx_refuse("steps other than 1");
        }
        if (d.rank != 1 || st.count != 1 || en.count != 1 || st.sym[0] || en.sym[0]) return oclnn__onnx_refuse("a Slice of a shape vector other than one range");
        int64_t b = st.ints[0], e = en.ints[0], n = d.count;
        if (b < 0) b += n;
        if (e < 0) e += n;
        b = b < 0 ? 0 : b > n ? n : b;
        e = e < 0 ? 0 : e > n ? n : e;
        memset(&v, 0, sizeof v);
        v.rank = 1;
        for (int64_t i = b; i < e; i++, v.count++) {
            v.ints[v.count] = d.ints[i];
            v.sym[v.count] = d.sym[i];
        }
        return define_ints(c, &v);
    }
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    OCLNN__TRY(oclnn__onnx_ints_of(c, 1, &st));
    OCLNN__TRY(oclnn__onnx_ints_of(c, 2, &en));
    if (!oclnn__onnx_in_name(c, 3)) return oclnn__onnx_refuse("no axes (only a slice of axis 1, channels)");
    OCLNN__TRY(oclnn__onnx_ints_of(c, 3, &ax));
    if (oclnn__onnx_in_name(c, 4)) {
        OCLNN__TRY(oclnn__onnx_ints_of(c, 4, &sp));
        if (sp.count != 1 || sp.sym[0] || sp.ints[0] != 1) return oclnn__onnx_refuse("steps other than 1");
    }
    if (st.count != 1 || en.count != 1 || ax.count != 1 || ax.sym[0] || (ax.ints[0] != 1 && ax.ints[0] != -3))
        return oclnn__onnx_refuse("a slice of axes other than 1 (channels)");
    if (st.sym[0] || en.sym[0]) return oclnn__onnx_refuse("starts or ends that depend on the batch");
    oclnn_shape xs;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &xs));
    int64_t cc = xs.c, b = st.ints[0], e = en.ints[0];
    if (b < 0) b += cc;
    if (e < 0) e += cc;
    b = b < 0 ? 0 : b > cc ? cc : b;
    e = e < 0 ? 0 : e > cc ? cc : e;
    if (e <= b) return oclnn__onnx_refuse("an empty slice");
    if (b == 0 && e == cc) return oclnn__onnx_define_node(c, 0, x->node, 4);
    return add_shuffle(c, x->node, 0, (uint32_t)b, (uint32_t)(e - b), 1);
}

/* Split along channels: each output a slice (sizes from `split`, the attribute before opset 13
 * and the input from 13, or equal parts). */
oclnn_status oclnn__onnx_split(oclnn__onnx_node *c) {
    static const char *const known[] = {"axis", "split", "num_outputs", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    int64_t axis;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "axis", 0, &axis));
    if (axis != 1 && axis != -3) return oclnn__onnx_refuse("axis %lld (only channels, axis 1)", (long long)axis);
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    size_t n = c->n->n_output;
    if (n < 1 || n > 8) return oclnn__onnx_refuse("%zu outputs (1 to 8 supported)", n);
    oclnn_shape xs;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &xs));
    int64_t sizes[8];
    const Onnx__AttributeProto *a = oclnn__onnx_attr(c, "split");
    if (oclnn__onnx_in_name(c, 1)) {
        oclnn__onnx_value s;
        OCLNN__TRY(oclnn__onnx_ints_of(c, 1, &s));
        if ((size_t)s.count != n) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "split has %d sizes for %zu outputs", s.count, n);
        for (size_t i = 0; i < n; i++) {
            if (s.sym[i]) return oclnn__onnx_refuse("split sizes that depend on the batch");
            sizes[i] = s.ints[i];
        }
    } else if (a) {
        OCLNN__TRY(oclnn__onnx_attr_ints(c, "split", n, 0, 1, 1 << 24, sizes));
    } else {
        if (xs.c % n) return oclnn__onnx_refuse("%u channels in %zu equal parts", xs.c, n);
        for (size_t i = 0; i < n; i++) sizes[i] = xs.c / (int64_t)n;
    }
    int64_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (sizes[i] < 1 || start + sizes[i] > xs.c)
            return oclnn__fail(OCLNN_ERROR_BAD_FILE, "split sizes do not fit %u channels", xs.c);
        start += sizes[i];
    }
    if (start != xs.c) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "split sizes add up to %lld, not %u", (long long)start, xs.c);
    char base[OCLNN__NAME_MAX];
    snprintf(base, sizeof base, "%s", c->gname);
    start = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(c->gname, sizeof c->gname, "%.100s:%zu", base, i);
        OCLNN__TRY(add_shuffle(c, x->node, i, (uint32_t)start, (uint32_t)sizes[i], 1));
        start += sizes[i];
    }
    return OCLNN_OK;
}

#endif
