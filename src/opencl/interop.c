/* SPDX-License-Identifier: MIT */
/* OpenCL interop (include/oclnn_cl.h): the start of a context on the caller's cl_context, device
 * and queue (its public entry is src/ops/context_cl.c, beside the public context creation),
 * and the ordering calls (wait lists in, events out) that the event-ordered runs are built from
 * (src/ops/conv2d_cl.c, src/graph/net_cl.c).
 * On the C backend the ordering calls wait synchronously and give no event (the header's rule). */
#include "opencl/interop.h"

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/device.h"

typedef struct borrowed {
    cl_context context;
    cl_device_id device;
    cl_command_queue queue;
} borrowed;

/* Checks the caller's objects belong together and that the queue is in-order. */
static oclnn_status check_objects(const borrowed *b) {
    cl_context qctx;
    cl_device_id qdev;
    cl_command_queue_properties props;
    OCLNN__CL_TRY(clGetCommandQueueInfo(b->queue, CL_QUEUE_CONTEXT, sizeof qctx, &qctx, NULL),
                  "clGetCommandQueueInfo(queue, CL_QUEUE_CONTEXT)");
    OCLNN__CL_TRY(clGetCommandQueueInfo(b->queue, CL_QUEUE_DEVICE, sizeof qdev, &qdev, NULL),
                  "clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE)");
    OCLNN__CL_TRY(clGetCommandQueueInfo(b->queue, CL_QUEUE_PROPERTIES, sizeof props, &props, NULL),
                  "clGetCommandQueueInfo(queue, CL_QUEUE_PROPERTIES)");
    if (qctx != b->context)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "queue belongs to another cl_context");
    if (qdev != b->device)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "queue was created for another device");
    if (props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                           "queue is out-of-order: oclnn's commands depend on each other in "
                           "queue order, so it needs an in-order queue");
    return OCLNN_OK;
}

/* The starter oclnn_cl_context_create (src/ops/context_cl.c) gives oclnn__context_create_with:
 * describes the caller's device, then adopts (retains) the three objects as the backend state. */
oclnn_status oclnn__opencl_start_borrowed(oclnn_context *ctx, const oclnn_context_options *opt,
                                          const char *devclass, void *arg) {
    (void)opt;
    void *const *objects = arg;
    const borrowed *b = &(borrowed){objects[0], objects[1], objects[2]};
    if (!oclnn__cl_load())
        return oclnn__fail(OCLNN_ERROR_NO_DEVICE, "no OpenCL library can be loaded");
    OCLNN__TRY(check_objects(b));
    cl_platform_id platform;
    OCLNN__CL_TRY(clGetDeviceInfo(b->device, CL_DEVICE_PLATFORM, sizeof platform, &platform, NULL),
                  "clGetDeviceInfo(device, CL_DEVICE_PLATFORM)");
    oclnn_device_info info;
    oclnn__cl_describe(platform, b->device, &info);
    oclnn__cl_locate(b->device, &info.platform_index, &info.device_index);
    info.layout = oclnn__device_layout_rule(&info);
    OCLNN__TRY(oclnn__context_bind(ctx, &info, devclass, &oclnn__backend_opencl));
    oclnn__cl_state *s = oclnn__calloc(ctx->allocator, 1, sizeof *s);
    if (!s) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the OpenCL state");
    cl_int err = clRetainContext(b->context);
    if (err == CL_SUCCESS && (err = clRetainCommandQueue(b->queue)) != CL_SUCCESS)
        clReleaseContext(b->context);
    if (err == CL_SUCCESS && (err = clRetainDevice(b->device)) != CL_SUCCESS) {
        clReleaseCommandQueue(b->queue);
        clReleaseContext(b->context);
    }
    if (err != CL_SUCCESS) {
        oclnn__free(ctx->allocator, s);
        return oclnn__cl_fail(err, "retaining the caller's OpenCL objects");
    }
    s->platform = platform;
    s->device = b->device;
    s->context = b->context;
    s->queue = b->queue;
    s->borrowed = true;
    ctx->impl = s;
    return OCLNN_OK;
}


oclnn_status oclnn_cl_context_objects(const oclnn_context *ctx, cl_context *context,
                                      cl_device_id *device, cl_command_queue *queue) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    OCLNN__TRY(oclnn__interop_need_opencl(ctx, "oclnn_cl_context_objects"));
    const oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    if (context) *context = s->context;
    if (device) *device = s->device;
    if (queue) *queue = s->queue;
    return OCLNN_OK;
}

oclnn_status oclnn__interop_need_opencl(const oclnn_context *ctx, const char *api) {
    if (ctx->be->kind == OCLNN_BACKEND_OPENCL) return OCLNN_OK;
    return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                       "%s needs an OpenCL context; this one runs on the C backend", api);
}

oclnn_status oclnn__interop_wait(oclnn_context *ctx, cl_uint n_wait, const cl_event *wait_list) {
    if (n_wait && !wait_list)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "wait_list is NULL but n_wait is %u",
                           (unsigned)n_wait);
    if (!n_wait) return OCLNN_OK;
    if (ctx->be->kind != OCLNN_BACKEND_OPENCL) {
        if (!oclnn__cl_load())
            return oclnn__fail(OCLNN_ERROR_UNSUPPORTED,
                               "cannot wait for OpenCL events: no OpenCL library can be loaded");
        OCLNN__CL_TRY(clWaitForEvents(n_wait, wait_list), "clWaitForEvents(wait_list)");
        return OCLNN_OK;
    }
    OCLNN__CL_TRY(clEnqueueBarrierWithWaitList(oclnn__cl_state_of(ctx)->queue, n_wait, wait_list,
                                               NULL),
                  "clEnqueueBarrierWithWaitList(wait_list)");
    return OCLNN_OK;
}

oclnn_status oclnn__interop_marker(oclnn_context *ctx, cl_event *event) {
    if (!event) return OCLNN_OK;
    *event = NULL;
    if (ctx->be->kind != OCLNN_BACKEND_OPENCL) return OCLNN_OK;
    OCLNN__CL_TRY(clEnqueueMarkerWithWaitList(oclnn__cl_state_of(ctx)->queue, 0, NULL, event),
                  "clEnqueueMarkerWithWaitList");
    /* Submit now: the caller may wait on the event from another queue or the host. */
    clFlush(oclnn__cl_state_of(ctx)->queue);
    return OCLNN_OK;
}

oclnn_status oclnn_cl_wait(oclnn_context *ctx, cl_uint n_wait, const cl_event *wait_list) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    mtx_lock(&ctx->lock);
    oclnn_status st = oclnn__interop_wait(ctx, n_wait, wait_list);
    mtx_unlock(&ctx->lock);
    return st;
}

oclnn_status oclnn_cl_marker(oclnn_context *ctx, cl_event *event) {
    OCLNN__ENTER();
    if (event) *event = NULL;
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!event) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "event is NULL");
    mtx_lock(&ctx->lock);
    oclnn_status st = oclnn__interop_marker(ctx, event);
    mtx_unlock(&ctx->lock);
    return st;
}
