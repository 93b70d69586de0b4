/* SPDX-License-Identifier: MIT */
/* dlopen() of the OpenCL ICD loader, once per process. */
#define OCLNN__CL_NO_MACROS
#include "opencl/clapi.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <threads.h>

#include "core/log.h"

oclnn__cl_api oclnn__cl;
static void *library;
static bool loaded;
static once_flag once = ONCE_FLAG_INIT;

static void load(void) {
    const char *chosen = getenv("OCLNN_OPENCL_LIBRARY"); /* when set, the only one tried */
    const char *names[] = {"libOpenCL.so.1", "libOpenCL.so"};
    if (chosen && *chosen) library = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
    for (size_t i = 0; i < sizeof names / sizeof *names && !library && !(chosen && *chosen); i++)
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        oclnn__log(OCLNN__LOG_INFO, "no OpenCL ICD loader found (%s); C backend only", dlerror());
        return;
    }
    oclnn__cl_api api;
#define OCLNN__CL_LOAD(ret, name, params)                                                         \
    *(void **)(&api.name) = dlsym(library, #name);                                                \
    if (!api.name) {                                                                              \
        oclnn__log(OCLNN__LOG_INFO, "the OpenCL library lacks %s; C backend only", #name);        \
        dlclose(library);                                                                         \
        library = NULL;                                                                           \
        return;                                                                                   \
    }
    OCLNN__CL_FUNCTIONS(OCLNN__CL_LOAD)
#undef OCLNN__CL_LOAD
    oclnn__cl = api;
    loaded = true;
}

bool oclnn__cl_load(void) {
    call_once(&once, load);
    return loaded;
}

void *oclnn__cl_library_handle(void) { return oclnn__cl_load() ? library : NULL; }

const char *oclnn__cl_error_name(cl_int err) {
    switch (err) {
#define E(x) case x: return #x;
        E(CL_SUCCESS) E(CL_DEVICE_NOT_FOUND) E(CL_DEVICE_NOT_AVAILABLE) E(CL_COMPILER_NOT_AVAILABLE)
        E(CL_MEM_OBJECT_ALLOCATION_FAILURE) E(CL_OUT_OF_RESOURCES) E(CL_OUT_OF_HOST_MEMORY)
        E(CL_PROFILING_INFO_NOT_AVAILABLE) E(CL_MEM_COPY_OVERLAP) E(CL_BUILD_PROGRAM_FAILURE)
        E(CL_MAP_FAILURE) E(CL_MISALIGNED_SUB_BUFFER_OFFSET) E(CL_INVALID_VALUE)
        E(CL_INVALID_DEVICE_TYPE) E(CL_INVALID_PLATFORM) E(CL_INVALID_DEVICE) E(CL_INVALID_CONTEXT)
        E(CL_INVALID_QUEUE_PROPERTIES) E(CL_INVALID_COMMAND_QUEUE) E(CL_INVALID_HOST_PTR)
        E(CL_INVALID_MEM_OBJECT) E(CL_INVALID_BINARY) E(CL_INVALID_BUILD_OPTIONS)
        E(CL_INVALID_PROGRAM) E(CL_INVALID_PROGRAM_EXECUTABLE) E(CL_INVALID_KERNEL_NAME)
        E(CL_INVALID_KERNEL_DEFINITION) E(CL_INVALID_KERNEL) E(CL_INVALID_ARG_INDEX)
        E(CL_INVALID_ARG_VALUE) E(CL_INVALID_ARG_SIZE) E(CL_INVALID_KERNEL_ARGS)
        E(CL_INVALID_WORK_DIMENSION) E(CL_INVALID_WORK_GROUP_SIZE) E(CL_INVALID_WORK_ITEM_SIZE)
        E(CL_INVALID_GLOBAL_OFFSET) E(CL_INVALID_EVENT_WAIT_LIST) E(CL_INVALID_EVENT)
        E(CL_INVALID_OPERATION) E(CL_INVALID_BUFFER_SIZE) E(CL_INVALID_GLOBAL_WORK_SIZE)
        E(CL_PLATFORM_NOT_FOUND_KHR)
#undef E
    default: return "CL_UNKNOWN_ERROR";
    }
}
