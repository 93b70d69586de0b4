/* SPDX-License-Identifier: MIT */
/* The operator object shared by every op family. A family's create function validates the
 * descriptor (backend-neutral, in src/ops/<family>.c), then asks the backend's family table to
 * fill `impl`, `algo` and `impl_destroy`; its run function checks the handles and calls the
 * family's run entry through `impl`. */
#ifndef OCLNN_CORE_OP_H
#define OCLNN_CORE_OP_H

#include "core/context.h"

#define OCLNN__MAGIC_OP 0x6f4f7072u /* "oOpr" */

typedef enum oclnn__op_kind {
    OCLNN__OP_CONV2D = 1,
    OCLNN__OP_POOL2D,
    OCLNN__OP_BATCHNORM,
    OCLNN__OP_ELTWISE,
    OCLNN__OP_FC,
    OCLNN__OP_SOFTMAX,
    OCLNN__OP_LRN,
    OCLNN__OP_CONCAT,
    OCLNN__OP_ROI,
    OCLNN__OP_DETECT,
    OCLNN__OP_CONV3D, /* issue 19 */
    OCLNN__OP_POOL3D,
    /* issue 18 (numbers 40+ so that other families' additions do not collide) */
    OCLNN__OP_DECONV2D = 40,
    OCLNN__OP_RESIZE = 41,
    /* issue 16 (numbers 50+) */
    OCLNN__OP_CHANNEL_SHUFFLE = 50
} oclnn__op_kind;

struct oclnn_op {
    uint32_t magic;
    oclnn_context *ctx;
    oclnn__op_kind kind;
    const char *algo;       /* static name, e.g. "winograd4" */
    size_t workspace_bytes; /* from the context's scratch, at run */
    void *impl;             /* backend's per-op state */
    void (*impl_destroy)(oclnn_op *op);
};

/* Allocates an op of `kind` holding a context reference (impl still empty). */
oclnn_status oclnn__op_new(oclnn_context *ctx, oclnn__op_kind kind, oclnn_op **out);
/* An op whose whole state is a copy of `state` (`size` bytes, e.g. the resolved descriptor),
 * freed with the op; `algo` is its static algorithm name. */
oclnn_status oclnn__op_new_state(oclnn_context *ctx, oclnn__op_kind kind, const void *state,
                                 size_t size, const char *algo, oclnn_op **out);
/* The impl_destroy of ops whose state is one block from the context's allocator. */
void oclnn__op_free_state(oclnn_op *op);
/* Releases impl (through impl_destroy), the context reference and the object. */
void oclnn__op_free(oclnn_op *op);
/* Every copy of weights from the host into an operator (an OpenCL upload, the C backend's copy,
 * an operator parameter written at create) counts here (issue 16): oclnn_net_reshape's tests
 * check that a reshape adds none. Process-wide, thread-safe. */
void oclnn__op_count_weight_copy(void);
size_t oclnn__op_weight_copies(void);
/* Checks an op handle given to a public call, and that it is of `kind`. */
oclnn_status oclnn__op_check(const oclnn_op *op, oclnn__op_kind kind, const char *arg_name);

#endif
