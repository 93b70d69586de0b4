/* SPDX-License-Identifier: MIT */
/* The OpenCL entry points, loaded with dlopen() from the ICD loader on first use, so liboclnn.so
 * does not need libOpenCL.so to load and a machine without OpenCL still gets the C backend.
 * After this header, a call such as clCreateBuffer(...) goes through the loaded table: the macros
 * at the end map each name to its pointer. Include this header instead of <CL/cl.h>. */
#ifndef OCLNN_OPENCL_CLAPI_H
#define OCLNN_OPENCL_CLAPI_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>
#include <stdbool.h>

#ifndef CL_PLATFORM_NOT_FOUND_KHR
#define CL_PLATFORM_NOT_FOUND_KHR -1001
#endif

/* X(return type, name, parameter list) */
#define OCLNN__CL_FUNCTIONS(X)                                                                    \
    X(cl_int, clGetPlatformIDs, (cl_uint, cl_platform_id *, cl_uint *))                           \
    X(cl_int, clGetPlatformInfo, (cl_platform_id, cl_platform_info, size_t, void *, size_t *))    \
    X(cl_int, clGetDeviceIDs, (cl_platform_id, cl_device_type, cl_uint, cl_device_id *, cl_uint *)) \
    X(cl_int, clGetDeviceInfo, (cl_device_id, cl_device_info, size_t, void *, size_t *))          \
    X(cl_context, clCreateContext,                                                                \
      (const cl_context_properties *, cl_uint, const cl_device_id *,                              \
       void(CL_CALLBACK *)(const char *, const void *, size_t, void *), void *, cl_int *))        \
    X(cl_int, clReleaseContext, (cl_context))                                                     \
    X(cl_command_queue, clCreateCommandQueue,                                                     \
      (cl_context, cl_device_id, cl_command_queue_properties, cl_int *))                          \
    X(cl_int, clReleaseCommandQueue, (cl_command_queue))                                          \
    X(cl_mem, clCreateBuffer, (cl_context, cl_mem_flags, size_t, void *, cl_int *))               \
    X(cl_mem, clCreateSubBuffer,                                                                  \
      (cl_mem, cl_mem_flags, cl_buffer_create_type, const void *, cl_int *))                      \
    X(cl_int, clReleaseMemObject, (cl_mem))                                                       \
    X(cl_int, clEnqueueWriteBuffer,                                                               \
      (cl_command_queue, cl_mem, cl_bool, size_t, size_t, const void *, cl_uint,                  \
       const cl_event *, cl_event *))                                                             \
    X(cl_int, clEnqueueReadBuffer,                                                                \
      (cl_command_queue, cl_mem, cl_bool, size_t, size_t, void *, cl_uint, const cl_event *,      \
       cl_event *))                                                                               \
    X(cl_int, clEnqueueCopyBuffer,                                                                \
      (cl_command_queue, cl_mem, cl_mem, size_t, size_t, size_t, cl_uint, const cl_event *,       \
       cl_event *))                                                                               \
    X(cl_int, clEnqueueFillBuffer,                                                                \
      (cl_command_queue, cl_mem, const void *, size_t, size_t, size_t, cl_uint,                   \
       const cl_event *, cl_event *))                                                             \
    X(cl_program, clCreateProgramWithSource,                                                      \
      (cl_context, cl_uint, const char **, const size_t *, cl_int *))                             \
    X(cl_program, clCreateProgramWithBinary,                                                      \
      (cl_context, cl_uint, const cl_device_id *, const size_t *, const unsigned char **,        \
       cl_int *, cl_int *))                                                                       \
    X(cl_int, clBuildProgram,                                                                     \
      (cl_program, cl_uint, const cl_device_id *, const char *,                                   \
       void(CL_CALLBACK *)(cl_program, void *), void *))                                          \
    X(cl_int, clGetProgramBuildInfo,                                                              \
      (cl_program, cl_device_id, cl_program_build_info, size_t, void *, size_t *))               \
    X(cl_int, clGetProgramInfo, (cl_program, cl_program_info, size_t, void *, size_t *))          \
    X(cl_int, clReleaseProgram, (cl_program))                                                     \
    X(cl_kernel, clCreateKernel, (cl_program, const char *, cl_int *))                            \
    X(cl_int, clReleaseKernel, (cl_kernel))                                                       \
    X(cl_int, clSetKernelArg, (cl_kernel, cl_uint, size_t, const void *))                         \
    X(cl_int, clGetKernelInfo, (cl_kernel, cl_kernel_info, size_t, void *, size_t *))            \
    X(cl_int, clGetKernelWorkGroupInfo,                                                           \
      (cl_kernel, cl_device_id, cl_kernel_work_group_info, size_t, void *, size_t *))            \
    X(cl_int, clEnqueueNDRangeKernel,                                                             \
      (cl_command_queue, cl_kernel, cl_uint, const size_t *, const size_t *, const size_t *,      \
       cl_uint, const cl_event *, cl_event *))                                                    \
    X(cl_int, clFinish, (cl_command_queue))                                                       \
    X(cl_int, clFlush, (cl_command_queue))                                                        \
    X(cl_int, clWaitForEvents, (cl_uint, const cl_event *))                                       \
    X(cl_int, clGetEventProfilingInfo, (cl_event, cl_profiling_info, size_t, void *, size_t *))   \
    X(cl_int, clReleaseEvent, (cl_event))                                                         \
    OCLNN__CL_INTEROP_FUNCTIONS(X)

/* Used only by the interop calls (src/opencl/interop*.c): the caller's objects. */
#define OCLNN__CL_INTEROP_FUNCTIONS(X)                                                            \
    X(cl_int, clRetainContext, (cl_context))                                                      \
    X(cl_int, clRetainCommandQueue, (cl_command_queue))                                           \
    X(cl_int, clRetainDevice, (cl_device_id))                                                     \
    X(cl_int, clReleaseDevice, (cl_device_id))                                                    \
    X(cl_int, clRetainMemObject, (cl_mem))                                                        \
    X(cl_int, clGetMemObjectInfo, (cl_mem, cl_mem_info, size_t, void *, size_t *))               \
    X(cl_int, clGetCommandQueueInfo,                                                              \
      (cl_command_queue, cl_command_queue_info, size_t, void *, size_t *))                        \
    X(cl_int, clGetContextInfo, (cl_context, cl_context_info, size_t, void *, size_t *))          \
    X(cl_int, clEnqueueMarkerWithWaitList,                                                        \
      (cl_command_queue, cl_uint, const cl_event *, cl_event *))                                  \
    X(cl_int, clEnqueueBarrierWithWaitList,                                                       \
      (cl_command_queue, cl_uint, const cl_event *, cl_event *))                                  \
    X(void *, clEnqueueMapBuffer,                                                                 \
      (cl_command_queue, cl_mem, cl_bool, cl_map_flags, size_t, size_t, cl_uint, const cl_event *, \
       cl_event *, cl_int *))                                                                     \
    X(cl_int, clEnqueueUnmapMemObject,                                                            \
      (cl_command_queue, cl_mem, void *, cl_uint, const cl_event *, cl_event *))

typedef struct oclnn__cl_api {
#define OCLNN__CL_MEMBER(ret, name, params) ret(CL_API_CALL *name) params;
    OCLNN__CL_FUNCTIONS(OCLNN__CL_MEMBER)
#undef OCLNN__CL_MEMBER
} oclnn__cl_api;

extern oclnn__cl_api oclnn__cl;

/* Loads the ICD loader once per process; false when it or any entry point is missing. The
 * library name can be overridden with OCLNN_OPENCL_LIBRARY (for tests and odd installs). */
bool oclnn__cl_load(void);
/* The dlopen handle, for libraries (CLBlast) that must share the same loader. */
void *oclnn__cl_library_handle(void);
/* "CL_OUT_OF_RESOURCES" etc. */
const char *oclnn__cl_error_name(cl_int err);

#ifndef OCLNN__CL_NO_MACROS /* clapi.c needs the plain names */
#define clGetPlatformIDs oclnn__cl.clGetPlatformIDs
#define clGetPlatformInfo oclnn__cl.clGetPlatformInfo
#define clGetDeviceIDs oclnn__cl.clGetDeviceIDs
#define clGetDeviceInfo oclnn__cl.clGetDeviceInfo
#define clCreateContext oclnn__cl.clCreateContext
#define clReleaseContext oclnn__cl.clReleaseContext
#define clCreateCommandQueue oclnn__cl.clCreateCommandQueue
#define clReleaseCommandQueue oclnn__cl.clReleaseCommandQueue
#define clCreateBuffer oclnn__cl.clCreateBuffer
#define clCreateSubBuffer oclnn__cl.clCreateSubBuffer
#define clReleaseMemObject oclnn__cl.clReleaseMemObject
#define clEnqueueWriteBuffer oclnn__cl.clEnqueueWriteBuffer
#define clEnqueueReadBuffer oclnn__cl.clEnqueueReadBuffer
#define clEnqueueCopyBuffer oclnn__cl.clEnqueueCopyBuffer
#define clEnqueueFillBuffer oclnn__cl.clEnqueueFillBuffer
#define clCreateProgramWithSource oclnn__cl.clCreateProgramWithSource
#define clCreateProgramWithBinary oclnn__cl.clCreateProgramWithBinary
#define clBuildProgram oclnn__cl.clBuildProgram
#define clGetProgramBuildInfo oclnn__cl.clGetProgramBuildInfo
#define clGetProgramInfo oclnn__cl.clGetProgramInfo
#define clReleaseProgram oclnn__cl.clReleaseProgram
#define clCreateKernel oclnn__cl.clCreateKernel
#define clReleaseKernel oclnn__cl.clReleaseKernel
#define clSetKernelArg oclnn__cl.clSetKernelArg
#define clGetKernelInfo oclnn__cl.clGetKernelInfo
#define clGetKernelWorkGroupInfo oclnn__cl.clGetKernelWorkGroupInfo
#define clEnqueueNDRangeKernel oclnn__cl.clEnqueueNDRangeKernel
#define clFinish oclnn__cl.clFinish
#define clFlush oclnn__cl.clFlush
#define clWaitForEvents oclnn__cl.clWaitForEvents
#define clGetEventProfilingInfo oclnn__cl.clGetEventProfilingInfo
#define clReleaseEvent oclnn__cl.clReleaseEvent
#define clRetainContext oclnn__cl.clRetainContext
#define clRetainCommandQueue oclnn__cl.clRetainCommandQueue
#define clRetainDevice oclnn__cl.clRetainDevice
#define clReleaseDevice oclnn__cl.clReleaseDevice
#define clRetainMemObject oclnn__cl.clRetainMemObject
#define clGetMemObjectInfo oclnn__cl.clGetMemObjectInfo
#define clGetCommandQueueInfo oclnn__cl.clGetCommandQueueInfo
#define clGetContextInfo oclnn__cl.clGetContextInfo
#define clEnqueueMarkerWithWaitList oclnn__cl.clEnqueueMarkerWithWaitList
#define clEnqueueBarrierWithWaitList oclnn__cl.clEnqueueBarrierWithWaitList
#define clEnqueueMapBuffer oclnn__cl.clEnqueueMapBuffer
#define clEnqueueUnmapMemObject oclnn__cl.clEnqueueUnmapMemObject
#endif

#endif
