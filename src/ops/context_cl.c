/* SPDX-License-Identifier: MIT */
/* oclnn_cl_context_create (include/oclnn_cl.h): the public context creation on the caller's
 * OpenCL objects. Options are handled as for oclnn_context_create (core's create_with); the
 * device part is the OpenCL backend's starter, which adopts the objects; then the layers above
 * core are attached as for oclnn_context_create (oclnn__context_attach). */
#define CL_TARGET_OPENCL_VERSION 120 /* as src/opencl/clapi.h: the types of OpenCL 1.2 */
#include "backend/backend.h"
#include "core/status.h"
#include "oclnn_cl.h"
#include "ops/context.h"

oclnn_status oclnn_cl_context_create(cl_context context, cl_device_id device,
                                     cl_command_queue queue, const oclnn_context_options *options,
                                     oclnn_context **out) {
    OCLNN__ENTER();
    if (out) *out = NULL;
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (!context) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "context is NULL");
    if (!device) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "device is NULL");
    if (!queue) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "queue is NULL");
    if (options && options->device)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "options->device (\"%s\") must be NULL: the device is the one given",
                           options->device);
    void *objects[3] = {context, device, queue};
    oclnn_context *ctx;
    OCLNN__TRY(oclnn__context_create_with(options, oclnn__opencl_start_borrowed, objects, &ctx));
    return oclnn__context_attach(ctx, out);
}
