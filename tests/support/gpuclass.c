/* SPDX-License-Identifier: MIT */
#include "support/gpuclass.h"

#include <stdlib.h>
#include <string.h>

const test_cfg CFG_CLGPU_NCHW = {OCLNN_BACKEND_OPENCL, OCLNN_LAYOUT_NCHW, "opencl-gpu-class/NCHW"};
const test_cfg CFG_CLGPU_NHWC = {OCLNN_BACKEND_OPENCL, OCLNN_LAYOUT_NHWC, "opencl-gpu-class/NHWC"};

static oclnn_context *gpu_context;

static void destroy_gpu_context(void) {
    oclnn_context_destroy(gpu_context);
    gpu_context = NULL;
}

bool test_cfg_gpu_class(const test_cfg *cfg) {
    return cfg == &CFG_CLGPU_NCHW || cfg == &CFG_CLGPU_NHWC;
}

bool test_cfg_runs_gpu_class(const test_cfg *cfg) {
    const char *env = getenv("OCLNN_DEVICE_CLASS");
    return test_cfg_gpu_class(cfg) ||
           (cfg->backend == OCLNN_BACKEND_OPENCL && env && !strcmp(env, "gpu"));
}

oclnn_context *test_class_context(const test_cfg *cfg) {
    if (!test_cfg_gpu_class(cfg)) return test_context(cfg);
    /* OCLNN_DEVICE_CLASS=gpu already puts the plain OpenCL configurations in this very class
     * (CI's GPU-class run, the Oclgrind gate's GPU runs): running these two again would repeat
     * them exactly, so they skip. */
    const char *env = getenv("OCLNN_DEVICE_CLASS");
    if (env && !strcmp(env, "gpu")) skip();
    if (gpu_context) return gpu_context;
    (void)test_context(&CFG_CL_NCHW); /* skips when there is no OpenCL device */
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_opencl_device();
    o.device_class = "gpu";
    if (oclnn_context_create(&o, &gpu_context) != OCLNN_OK)
        fail_msg("the GPU-class OpenCL context did not start: %s", oclnn_last_error());
    test_at_teardown(destroy_gpu_context);
    return gpu_context;
}
