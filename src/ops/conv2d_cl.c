/* SPDX-License-Identifier: MIT */
/* oclnn_cl_conv2d_run (include/oclnn_cl.h): the convolution between the backend's wait and
 * marker steps. The run call takes the context lock itself, so the three are taken separately;
 * a run that fails leaves the barrier in the queue, which is harmless. */
#define CL_TARGET_OPENCL_VERSION 120 /* as src/opencl/clapi.h: the types of OpenCL 1.2 */
#include "core/op.h"
#include "core/status.h"
#include "oclnn_cl.h"

oclnn_status oclnn_cl_conv2d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                                 const oclnn_tensor *residual, cl_uint n_wait,
                                 const cl_event *wait_list, cl_event *event) {
    OCLNN__ENTER();
    if (event) *event = NULL;
    OCLNN__TRY(oclnn__op_check(op, OCLNN__OP_CONV2D, "op"));
    OCLNN__TRY(oclnn_cl_wait(op->ctx, n_wait, wait_list));
    OCLNN__TRY(oclnn_conv2d_run(op, src, dst, residual));
    if (!event) return OCLNN_OK;
    return oclnn_cl_marker(op->ctx, event);
}
