/* SPDX-License-Identifier: MIT */
/*
 * oclnn_cl.h: OpenCL interop for oclnn, in a header of its own so that oclnn.h stays free of
 * OpenCL types. Include it after (or instead of) <CL/cl.h>; it includes both <CL/cl.h> and
 * oclnn.h. Define CL_TARGET_OPENCL_VERSION first if you want to silence the Khronos header's
 * notice (oclnn needs OpenCL 1.2).
 *
 * Which OpenCL library. liboclnn loads the ICD loader with dlopen("libOpenCL.so.1") on first use,
 * so it does not link libOpenCL itself. A program that uses this header links libOpenCL (the
 * ICD loader) as usual; both then share the one loaded copy, and the cl_context, cl_mem and
 * cl_event handles the program creates are valid inside oclnn. Setting OCLNN_OPENCL_LIBRARY to
 * another library (Oclgrind's runtime, say) while the program links the ICD loader breaks that
 * rule: the handles would come from two different OpenCL implementations. To run such a program
 * under Oclgrind, register Oclgrind with the ICD loader instead (OCL_ICD_VENDORS pointing at a
 * folder whose oclgrind.icd names liboclgrind-rt-icd.so).
 *
 * Who owns what.
 *  - oclnn_cl_context_create retains the caller's cl_context, cl_device_id and
 *    cl_command_queue and releases them when the oclnn context is freed (after its last tensor
 *    and op). It never calls clFinish on a borrowed queue, not even at destroy: oclnn's own
 *    buffers and kernels are released with clRelease*, which OpenCL defers until the commands
 *    using them have completed.
 *  - oclnn_cl_tensor_wrap retains the caller's cl_mem and releases it when the tensor is
 *    destroyed; the caller may release its own reference at any time. The tensor never frees or
 *    reallocates the buffer.
 *  - oclnn_cl_tensor_mem hands out oclnn's cl_mem without a reference: it is valid while the
 *    tensor lives; retain it to keep it longer.
 *  - Every cl_event returned through an `event` argument is the caller's to release.
 *
 * Ordering. All oclnn work of a context goes, in order, into its one queue, which must be
 * in-order (an out-of-order queue is refused). oclnn_cl_wait makes every later oclnn command
 * wait for the given events; oclnn_cl_marker returns an event that completes when every oclnn
 * command enqueued so far has completed. The *_run and transfer calls below are those two around
 * the plain call. Nothing in this header calls clFinish or clWaitForEvents on the OpenCL backend,
 * except oclnn_cl_tensor_map, which blocks until the data is mapped.
 *
 * Which calls block (OpenCL backend). Runs of ops and nets only enqueue, except
 * oclnn_roi_run (it writes the host RoI array first) and oclnn_nms (its result is host data).
 * oclnn_tensor_write / oclnn_tensor_read / oclnn_tensor_copy of oclnn.h block until the transfer
 * is done (so until everything enqueued before it is done); oclnn_cl_tensor_write /
 * oclnn_cl_tensor_read do not. oclnn_context_finish, oclnn_net_run_profiled and
 * oclnn_conv2d_find call clFinish on the context's queue: on a borrowed queue that waits for the
 * caller's work too. Op creation may enqueue (weight transforms) and compiles programs on the
 * host. Timings (oclnn_net_run_profiled, oclnn_conv2d_find, the tuner) use host clocks around
 * clFinish, so a queue created without CL_QUEUE_PROFILING_ENABLE loses nothing.
 *
 * On the C backend (a context from oclnn_context_create on "cpu", or its fallback):
 *  - oclnn_cl_context_objects, oclnn_cl_tensor_wrap and oclnn_cl_tensor_mem return
 *    OCLNN_ERROR_UNSUPPORTED: there is no OpenCL object to give or take.
 *  - The calls that take a wait list and return an event run synchronously: they wait for the
 *    listed events with clWaitForEvents (OCLNN_ERROR_UNSUPPORTED when no OpenCL library can be
 *    loaded and the list is not empty), do the work, and set *event to NULL. So a pipeline
 *    written against this header also runs, synchronously, where no OpenCL device exists, as
 *    long as it checks for a NULL event.
 *  - Host-visible tensors and map/unmap work: the tensor's memory simply is host memory.
 *
 * Threading is that of oclnn.h: calls on one context from several threads are serialized by its
 * lock. A *_run call's wait and marker are taken around the run, so its event may also cover
 * work another thread enqueued on the context meanwhile (never less than its own). The caller may
 * keep enqueueing its own work on the lent queue or on other queues.
 */
#ifndef OCLNN_CL_H
#define OCLNN_CL_H

#include <CL/cl.h>

#include "oclnn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Context on the caller's OpenCL objects --------------------------------------------- */

/**
 * Creates an oclnn context that runs on the caller's context, device and in-order queue.
 *   [in]  context   the caller's cl_context; must contain `device`
 *   [in]  device    the device `queue` was created for
 *   [in]  queue     an in-order queue of `context` on `device` (profiling optional)
 *   [in]  options   NULL for defaults; `device` must be NULL (the device is given), the other
 *                   fields (layout, cache and kernel folders, tuning database, allocator, flags,
 *                   device_class) apply as for oclnn_context_create
 *   [out] out       the new context
 * All three objects are retained until the context is freed (see "Who owns what").
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT when an object is NULL, the queue belongs to
 * another context or device, or options->device is set; OCLNN_ERROR_UNSUPPORTED for an
 * out-of-order queue; OCLNN_ERROR_NO_DEVICE when no OpenCL library can be loaded;
 * OCLNN_ERROR_OUT_OF_MEMORY; OCLNN_ERROR_DEVICE when an OpenCL query fails.
 */
OCLNN_API oclnn_status oclnn_cl_context_create(cl_context context, cl_device_id device,
                                               cl_command_queue queue,
                                               const oclnn_context_options *options,
                                               oclnn_context **out);

/**
 * The OpenCL objects an OpenCL-backend context runs on (its own or the caller's), without a new
 * reference: valid while the context lives. Any out pointer may be NULL.
 * Returns OCLNN_OK; OCLNN_ERROR_UNSUPPORTED on the C backend; OCLNN_ERROR_INVALID_ARGUMENT.
 */
OCLNN_API oclnn_status oclnn_cl_context_objects(const oclnn_context *ctx, cl_context *context,
                                                cl_device_id *device, cl_command_queue *queue);

/* ---- Ordering ---------------------------------------------------------------------------- */

/**
 * Makes every oclnn command enqueued on ctx after this call wait for `wait_list` (a barrier on
 * the context's queue). n_wait = 0 does nothing. On the C backend: waits now (see the header's
 * rules). Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (bad context, NULL list with n_wait > 0);
 * OCLNN_ERROR_DEVICE when OpenCL refuses the events.
 */
OCLNN_API oclnn_status oclnn_cl_wait(oclnn_context *ctx, cl_uint n_wait, const cl_event *wait_list);

/**
 * Sets *event to a new event that completes when every oclnn command enqueued on ctx so far has
 * completed (a marker on the context's queue); the caller releases it. On the C backend work is
 * already done, and *event is NULL.
 */
OCLNN_API oclnn_status oclnn_cl_marker(oclnn_context *ctx, cl_event *event);

/**
 * oclnn_conv2d_run ordered by events: waits for `wait_list` (n_wait may be 0), enqueues the
 * convolution, and sets *event (when event is not NULL) to its completion. Never blocks on the
 * OpenCL backend. Returns what oclnn_conv2d_run returns, plus the statuses of oclnn_cl_wait.
 */
OCLNN_API oclnn_status oclnn_cl_conv2d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                                           const oclnn_tensor *residual, cl_uint n_wait,
                                           const cl_event *wait_list, cl_event *event);

/**
 * oclnn_net_run ordered by events: waits for `wait_list`, enqueues every layer, and sets *event
 * (when not NULL) to the completion of the last. The net's input and output tensors are written
 * and read by the caller (oclnn_cl_tensor_write / _read, or kernels on their cl_mem).
 */
OCLNN_API oclnn_status oclnn_cl_net_run(oclnn_net *net, cl_uint n_wait, const cl_event *wait_list,
                                        cl_event *event);

/* ---- Tensors on cl_mem ------------------------------------------------------------------- */

/**
 * A tensor over the caller's buffer: `shape` in `layout` (NCHW or NHWC; AUTO means the
 * context's), dense, starting `offset_bytes` into `mem`. The buffer is retained, never owned.
 *   [in] offset_bytes  a multiple of 4 (sizeof(float)); offset + the tensor's bytes must fit the
 *                      buffer, and offset / 4 + elements must stay below 2^32 (kernel indices)
 * Two wrapped tensors over overlapping bytes of one buffer are not known to oclnn as aliases:
 * do not pass both to one call. The buffer must be of ctx's cl_context.
 * Returns OCLNN_OK; OCLNN_ERROR_UNSUPPORTED on the C backend; OCLNN_ERROR_INVALID_ARGUMENT (NULL
 * mem, bad shape or layout, misaligned offset, buffer too small or of another context);
 * OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_cl_tensor_wrap(oclnn_context *ctx, cl_mem mem, size_t offset_bytes,
                                            oclnn_shape shape, oclnn_layout layout,
                                            oclnn_tensor **out);

/**
 * The buffer holding t and the byte offset of its first element (element (n,c,h,w) is at
 * offset_bytes + 4 * (n*stride_n + ...), strides those of a dense tensor in t's layout, except
 * for a channel view, whose strides are its parent's). No reference is added: the cl_mem lives
 * as long as t (and its views). Either out pointer may be NULL.
 * Returns OCLNN_OK; OCLNN_ERROR_UNSUPPORTED on the C backend; OCLNN_ERROR_INVALID_ARGUMENT.
 */
OCLNN_API oclnn_status oclnn_cl_tensor_mem(const oclnn_tensor *t, cl_mem *mem,
                                           size_t *offset_bytes);

/* ---- Non-blocking transfers ------------------------------------------------------------- */

/**
 * Enqueues a write of `src` (dense, in src_layout; AUTO: dst's) into dst after `wait_list`, and
 * returns at once. `src` must stay valid and unchanged until *event completes (event may be NULL
 * only if the caller orders its reuse of src some other way, e.g. by a later oclnn_cl_marker or
 * a blocking read). On the C backend the copy is done before return and *event is NULL.
 * Returns the statuses of oclnn_tensor_write.
 */
OCLNN_API oclnn_status oclnn_cl_tensor_write(oclnn_tensor *dst, const float *src,
                                             oclnn_layout src_layout, cl_uint n_wait,
                                             const cl_event *wait_list, cl_event *event);

/**
 * Enqueues a read of src into `dst` (dense, in dst_layout; AUTO: src's) after `wait_list`, and
 * returns at once: dst holds the data once *event has completed. Returns the statuses of
 * oclnn_tensor_read.
 */
OCLNN_API oclnn_status oclnn_cl_tensor_read(const oclnn_tensor *src, float *dst,
                                            oclnn_layout dst_layout, cl_uint n_wait,
                                            const cl_event *wait_list, cl_event *event);

/* ---- Host-visible tensors ---------------------------------------------------------------- */

/** Bits for oclnn_cl_tensor_map. */
#define OCLNN_MAP_READ 0x1u  /**< the host reads the mapped data */
#define OCLNN_MAP_WRITE 0x2u /**< the host writes it (both bits: read and write) */

/**
 * A dense tensor whose buffer the device allocates in host-reachable memory
 * (CL_MEM_ALLOC_HOST_PTR), so that on devices sharing memory with the host (integrated GPUs,
 * CPU devices) oclnn_cl_tensor_map costs no copy. On the C backend this is oclnn_tensor_create.
 * Returns the statuses of oclnn_tensor_create.
 */
OCLNN_API oclnn_status oclnn_cl_tensor_create_host_visible(oclnn_context *ctx, oclnn_shape shape,
                                                           oclnn_layout layout, oclnn_tensor **out);

/**
 * Maps any non-view tensor (host-visible or not) into host memory and waits until the mapping is
 * done, so until every command enqueued before it is done. *ptr then holds the tensor's elements
 * densely in the tensor's own layout (oclnn_tensor_layout). Until oclnn_cl_tensor_unmap the
 * tensor must not be used by any oclnn call or kernel. Map a tensor once at a time.
 *   [in]  flags  OCLNN_MAP_READ and/or OCLNN_MAP_WRITE
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (bad tensor, a view, flags 0 or unknown bits,
 * NULL ptr); OCLNN_ERROR_DEVICE when the map fails.
 */
OCLNN_API oclnn_status oclnn_cl_tensor_map(oclnn_tensor *t, unsigned flags, float **ptr);

/**
 * Ends a mapping made by oclnn_cl_tensor_map (ptr is what it returned). Enqueued: later oclnn
 * commands see the host's writes; it does not block. Returns OCLNN_OK;
 * OCLNN_ERROR_INVALID_ARGUMENT (bad tensor, NULL ptr); OCLNN_ERROR_DEVICE.
 */
OCLNN_API oclnn_status oclnn_cl_tensor_unmap(oclnn_tensor *t, float *ptr);

#ifdef __cplusplus
}
#endif

#endif
