/* SPDX-License-Identifier: MIT */
/* Shared pieces of the interop calls (interop.c, interop_tensor.c): the backend test and the
 * wait/marker steps, which callers run under the context lock. */
#ifndef OCLNN_OPENCL_INTEROP_H
#define OCLNN_OPENCL_INTEROP_H

#include "core/status.h"
#include "opencl/opencl.h"
#include "oclnn_cl.h"

/* OCLNN_ERROR_UNSUPPORTED, naming `api`, unless ctx is on the OpenCL backend. */
oclnn_status oclnn__interop_need_opencl(const oclnn_context *ctx, const char *api);
/* Later commands wait for the list (a barrier); on the C backend, clWaitForEvents now. */
oclnn_status oclnn__interop_wait(oclnn_context *ctx, cl_uint n_wait, const cl_event *wait_list);
/* *event (if event is not NULL) completes after all commands so far; NULL on the C backend. */
oclnn_status oclnn__interop_marker(oclnn_context *ctx, cl_event *event);

#endif
