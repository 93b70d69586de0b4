/* SPDX-License-Identifier: MIT */
#include "support/gpuclass.h"

#include <stdlib.h>

const test_cfg CFG_CLGPU_NCHW = {OCLNN_BACKEND_OPENCL, OCLNN_LAYOUT_NCHW, "opencl-gpu-class/NCHW"};
const test_cfg CFG_CLGPU_NHWC = {OCLNN_BACKEND_OPENCL, OCLNN_LAYOUT_NHWC, "opencl-gpu-class/NHWC"};

static oclnn_context *gpu_context;

static void destroy_gpu_context(void) { oclnn_context_destroy(gpu_context); }

bool test_cfg_gpu_class(const test_cfg *cfg) {
    return cfg == &CFG_CLGPU_NCHW || cfg == &CFG_CLGPU_NHWC;
}

oclnn_context *test_class_context(const test_cfg *cfg) {
    if (!test_cfg_gpu_class(cfg)) return test_context(cfg);
    if (gpu_context) return gpu_context;
    (void)test_context(&CFG_CL_NCHW); /* skips when there is no OpenCL device */
    oclnn_context_options o = oclnn_context_options_default();
    const char *d = getenv("OCLNN_TEST_DEVICE");
    o.device = d && *d ? d : "0:0";
    o.device_class = "gpu";
    if (oclnn_context_create(&o, &gpu_context) != OCLNN_OK)
        fail_msg("the GPU-class OpenCL context did not start: %s", oclnn_last_error());
    atexit(destroy_gpu_context);
    return gpu_context;
}
