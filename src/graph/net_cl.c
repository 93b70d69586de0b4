/* SPDX-License-Identifier: MIT */
/* oclnn_cl_net_run (include/oclnn_cl.h): every layer between the backend's wait and marker
 * steps, so the whole net is ordered by the caller's events and gives one event back. */
#define CL_TARGET_OPENCL_VERSION 120 /* as src/opencl/clapi.h: the types of OpenCL 1.2 */
#include "core/status.h"
#include "graph/net.h"
#include "oclnn_cl.h"

oclnn_status oclnn_cl_net_run(oclnn_net *net, cl_uint n_wait, const cl_event *wait_list,
                              cl_event *event) {
    OCLNN__ENTER();
    if (event) *event = NULL;
    if (!net || net->magic != OCLNN__MAGIC_NET)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "net is %s",
                           net ? "not a live net" : "NULL");
    OCLNN__TRY(oclnn_cl_wait(net->ctx, n_wait, wait_list));
    OCLNN__TRY(oclnn_net_run(net));
    if (!event) return OCLNN_OK;
    return oclnn_cl_marker(net->ctx, event);
}
