/* SPDX-License-Identifier: MIT */
/* The ONNX loader's shared state: the decoded model (protobuf-c, generated at build time from
 * Debian's onnx.proto), the named values of its graph, and the helpers that turn initializers
 * into floats. onnx.c reads and checks the file; onnx_ops.c maps each node onto graph nodes. */
#ifndef OCLNN_GRAPH_ONNX_H
#define OCLNN_GRAPH_ONNX_H

#include <stdint.h>

#include "core/status.h"
#include "graph/graph.h"
#include "onnx.pb-c.h"

#define OCLNN__ONNX_MAX_NODES 16384   /* the biggest torchvision CNN has ~1,000 */
#define OCLNN__ONNX_MAX_DIM (1u << 24) /* an input channel or spatial size above this is hostile */

typedef enum oclnn__onnx_kind {
    OCLNN__ONNX_VALUE_NODE,  /* the output of graph node `node`, as an ONNX tensor of rank `rank` */
    OCLNN__ONNX_VALUE_CONST, /* an initializer or a folded Constant: `tensor` */
    OCLNN__ONNX_VALUE_INTS   /* shape arithmetic folded at load (onnx_shape.c): ints[0..count) */
} oclnn__onnx_kind;

/* An element of an INTS value: known, or the batch (chosen at create), or computed from it. */
#define OCLNN__ONNX_KNOWN 0
#define OCLNN__ONNX_BATCH 1
#define OCLNN__ONNX_FROM_BATCH 2

/* One named tensor of the ONNX graph. A rank-2 node value is the node's (n, c, h, w) output
 * flattened to (n, c * h * w), as ONNX's Flatten and torch's flatten order it. */
typedef struct oclnn__onnx_value {
    const char *name;
    oclnn__onnx_kind kind;
    int node;
    int rank;
    const Onnx__TensorProto *tensor;
    /* INTS: rank (0 or 1) in `rank`, its values and what each is (OCLNN__ONNX_KNOWN, ...) */
    int count;
    int64_t ints[8];
    unsigned char sym[8];
    /* A rank-5 NODE value: a (n, c, h, w) node viewed as (n, groups, c / groups, h, w) by a
     * Reshape; shuffled once a Transpose (0, 2, 1, 3, 4) swapped those two (channel shuffle). */
    int groups;
    bool shuffled;
} oclnn__onnx_value;

typedef struct oclnn__onnx_loader {
    Onnx__ModelProto *model;
    const char *dir; /* the model's folder, for external data; NULL when loaded from memory */
    int64_t opset;
    oclnn_graph *g;
    oclnn_shape input;                  /* 0: symbolic; a 5-D input's h holds depth * h */
    int input_rank;                     /* issue 19: 3 (n, c, l: h is 1), 4, or 5 (n, c, d, h, w) */
    uint32_t depth;                     /* issue 19: a 5-D input's depth (fixed), else 0 */
    oclnn__onnx_value *values;          /* open addressing by name, cap a power of two */
    size_t value_cap, value_count;
    unsigned char *consumed;            /* per ONNX node: folded into an earlier one */
    uint32_t (*pool_pad)[7];            /* per ONNX node: {set, top, left, bottom, right, front, back} of a
                                           Pad folded into this AveragePool or (issue 16) Conv; a 1-D
                                           value's l in left/right, a 3-D value's d in front/back (issue 19) */
} oclnn__onnx_loader;

/* The value named `name`, or NULL. */
const oclnn__onnx_value *oclnn__onnx_find(const oclnn__onnx_loader *ld, const char *name);
/* Defines (or redefines, for a Constant) `name`; the name's storage must outlive the loader. */
oclnn_status oclnn__onnx_define(oclnn__onnx_loader *ld, const char *name, oclnn__onnx_value v);
/* A float32 tensor's element count and dims (ndim at most 8), checked against its data. */
oclnn_status oclnn__onnx_tensor_shape(const Onnx__TensorProto *t, int64_t dims[8], int *ndim,
                                      size_t *count);
/* A float32 tensor's `count` elements (checked against its data before anything is allocated),
 * from raw_data, float_data or external data, in a new buffer (free()) at *out. */
oclnn_status oclnn__onnx_tensor_floats(const oclnn__onnx_loader *ld, const Onnx__TensorProto *t,
                                       size_t count, float **out);
/* An int64 tensor of at most `cap` elements (Reshape's shape): into dst, count in *count. */
oclnn_status oclnn__onnx_tensor_ints(const Onnx__TensorProto *t, int64_t *dst, size_t cap,
                                     size_t *count);
/* Shape arithmetic (onnx_shape.c): true when the node is Shape, Gather, Cast, Unsqueeze, or an
 * Add/Sub/Mul/Div/Concat of integer values, which *handled then says whether it was mapped. */
struct oclnn__onnx_node;
oclnn_status oclnn__onnx_shape_op(struct oclnn__onnx_node *c, bool *handled);
/* An INTS value or an int64 constant of at most 8 elements, as an INTS value in *out. */
oclnn_status oclnn__onnx_ints_of(const struct oclnn__onnx_node *c, size_t i, oclnn__onnx_value *out);
/* Reshape to or from 5-D (channel shuffle), Transpose, Slice and Split along channels. */
oclnn_status oclnn__onnx_reshape_nd(struct oclnn__onnx_node *c, const oclnn__onnx_value *x, const oclnn__onnx_value *s,
                                    bool *handled);
oclnn_status oclnn__onnx_transpose(struct oclnn__onnx_node *c);
oclnn_status oclnn__onnx_slice(struct oclnn__onnx_node *c);
oclnn_status oclnn__onnx_split(struct oclnn__onnx_node *c);
/* ConvTranspose onto deconv, Resize/Upsample onto resize (onnx_upsample.c). */
oclnn_status oclnn__onnx_conv_transpose(struct oclnn__onnx_node *c);
oclnn_status oclnn__onnx_resize(struct oclnn__onnx_node *c, bool upsample);
/* Maps every node of the model onto ld->g (onnx_ops.c, with the handlers below). */
oclnn_status oclnn__onnx_build(oclnn__onnx_loader *ld);


/* ---- node helpers (onnx_node.c) --------------------------------------------------------- */

/* The ONNX node being mapped (the error context names it). */
typedef struct oclnn__onnx_node {
    oclnn__onnx_loader *ld;
    const Onnx__NodeProto *n;
    size_t index;
    char gname[OCLNN__NAME_MAX]; /* the graph node's name */
} oclnn__onnx_node;

/* A constant input with its floats (NULL when the optional input is absent and !required). */
typedef struct oclnn__onnx_const {
    const Onnx__TensorProto *t;
    int64_t dims[8];
    int ndim;
    size_t count;
    float *data;
} oclnn__onnx_const;

oclnn_status oclnn__onnx_refuse(const char *fmt, ...) OCLNN__PRINTF(1, 2);
const Onnx__AttributeProto *oclnn__onnx_attr(const oclnn__onnx_node *c, const char *name);
oclnn_status oclnn__onnx_attrs_known(const oclnn__onnx_node *c, const char *const *known);
oclnn_status oclnn__onnx_attr_int(const oclnn__onnx_node *c, const char *name, int64_t def, int64_t *v);
oclnn_status oclnn__onnx_attr_float(const oclnn__onnx_node *c, const char *name, float def, float *v);
oclnn_status oclnn__onnx_attr_ints(const oclnn__onnx_node *c, const char *name, size_t want, int64_t def,
                                   int64_t lo, int64_t hi, int64_t *v);
oclnn_status oclnn__onnx_attr_auto_pad(const oclnn__onnx_node *c, int *mode);
oclnn_status oclnn__onnx_attr_pads(const oclnn__onnx_node *c, uint32_t *ph, uint32_t *pw);
const char *oclnn__onnx_in_name(const oclnn__onnx_node *c, size_t i);
oclnn_status oclnn__onnx_input_value(const oclnn__onnx_node *c, size_t i, const oclnn__onnx_value **v);
oclnn_status oclnn__onnx_input_node(const oclnn__onnx_node *c, size_t i, int rank, const oclnn__onnx_value **v);
oclnn_status oclnn__onnx_input_const(const oclnn__onnx_node *c, size_t i, bool required, oclnn__onnx_const *k);
bool oclnn__onnx_is_vector(const oclnn__onnx_const *k, size_t n, bool two_d);
oclnn_status oclnn__onnx_define_node(oclnn__onnx_node *c, size_t out, int node, int rank);
oclnn_status oclnn__onnx_add_node(oclnn__onnx_node *c, const oclnn_node_desc *d, const int *inputs,
                                  size_t count, int rank);
oclnn_status oclnn__onnx_set_param(oclnn__onnx_node *c, const char *suffix, const float *src, size_t count);
uint32_t oclnn__onnx_channels_of(const oclnn__onnx_node *c, int node);
oclnn_status oclnn__onnx_node_shape(const oclnn__onnx_node *c, int node, oclnn_shape *s);
size_t oclnn__onnx_only_consumer(const oclnn__onnx_node *c, const char *name);

/* ---- op handlers that the walk in onnx_ops.c calls -------------------------------------- */

/* Convolution, batch norm and pooling (onnx_conv.c). */
oclnn_status oclnn__onnx_conv(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_batchnorm(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_pool(oclnn__onnx_node *c, bool max);
oclnn_status oclnn__onnx_global_max(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_global_avg(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_reduce_mean(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_pad(oclnn__onnx_node *c);
/* issue 19 (onnx_nd.c): Conv and MaxPool/AveragePool of a 1-D (rank 3) or 3-D (rank 5) value. */
oclnn_status oclnn__onnx_conv_nd(oclnn__onnx_node *c, const oclnn__onnx_value *x);
oclnn_status oclnn__onnx_pool_nd(oclnn__onnx_node *c, const oclnn__onnx_value *x, bool max);
/* strides, dilations and pads [begin..., end...] (auto_pad resolved; SAME with a stride needs the
 * input sizes len, else refused) of a Conv or pool over `rank` axes with kernel ks. */
oclnn_status oclnn__onnx_window(const oclnn__onnx_node *c, int rank, const int64_t *ks, const uint32_t *len,
                                int64_t *strides, int64_t *dil, int64_t *pads);
/* The input's spatial sizes (1-D: l; 2-D: h, w) when auto_pad SAME with a stride needs them. */
oclnn_status oclnn__onnx_window_sizes(const oclnn__onnx_node *c, const oclnn__onnx_value *x, uint32_t len[2]);
/* A rank-5 node value that is a volume (n, c, d, h, w), not the channel shuffle's 5-D view. */
static inline bool oclnn__onnx_is_volume(const oclnn__onnx_value *v) { return v->rank == 5 && !v->groups; }

/* Element-wise ops and activations (onnx_eltwise.c). */
typedef enum oclnn__onnx_affine {
    OCLNN__ONNX_AFFINE_ADD,
    OCLNN__ONNX_AFFINE_SUB,
    OCLNN__ONNX_AFFINE_MUL,
    OCLNN__ONNX_AFFINE_DIV
} oclnn__onnx_affine;
oclnn_status oclnn__onnx_relu(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_add(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_sub_div(oclnn__onnx_node *c, oclnn__onnx_affine op);
oclnn_status oclnn__onnx_unary(oclnn__onnx_node *c, oclnn_eltwise_op op);
oclnn_status oclnn__onnx_hardsigmoid(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_slope(oclnn__onnx_node *c, oclnn_eltwise_op op, bool prelu);
oclnn_status oclnn__onnx_clip(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_mul(oclnn__onnx_node *c);
/* A node value's shape at the model's input size (224 where symbolic), batch 1. */
oclnn_status oclnn__onnx_value_shape(const oclnn__onnx_node *c, int node, oclnn_shape *s);

/* issue 16 (onnx_norm.c): LRN; Add, Sub, Mul, Div of two node values onto a BINARY node */
oclnn_status oclnn__onnx_lrn(oclnn__onnx_node *c);
oclnn_status oclnn__onnx_binary(oclnn__onnx_node *c, oclnn_eltwise_op op, const oclnn__onnx_value *a,
                                const oclnn__onnx_value *b);

#endif
