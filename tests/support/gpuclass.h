/* SPDX-License-Identifier: MIT */
/* The GPU device class in the family tests: two more OpenCL configurations (NCHW, NHWC) whose
 * context is created with device_class "gpu", so the GPU-class kernels run on any OpenCL device
 * (PoCL, Oclgrind). A test that uses TEST_CLASS_CTX instead of TEST_CTX serves all six
 * configurations; everything else about the harness is unchanged. Under OCLNN_DEVICE_CLASS=gpu
 * the plain OpenCL configurations are already in the GPU class, and these two skip (exact
 * repeats). */
#ifndef OCLNN_TEST_GPUCLASS_H
#define OCLNN_TEST_GPUCLASS_H

#include "support/harness.h"

extern const test_cfg CFG_CLGPU_NCHW, CFG_CLGPU_NHWC;

/* Runs `t` on the OpenCL device in the GPU class, once per layout (two cmocka tests). */
#define TEST_GPU_CFGS(t)                                                                          \
    cmocka_unit_test_prestate(t, (void *)&CFG_CLGPU_NCHW),                                        \
        cmocka_unit_test_prestate(t, (void *)&CFG_CLGPU_NHWC)

/* True for the two GPU-class configurations. */
bool test_cfg_gpu_class(const test_cfg *cfg);
/* True when cfg's OpenCL context is in the GPU class "gpu": the two GPU-class configurations,
 * and the plain OpenCL ones under OCLNN_DEVICE_CLASS=gpu. A GPU-class-only test registers with
 * TEST_ALL_CFGS and TEST_GPU_CFGS and skips where this is false. */
bool test_cfg_runs_gpu_class(const test_cfg *cfg);
/* The shared context for cfg: the GPU-class OpenCL context (created on first use, destroyed by
 * test_teardown; skip() without an OpenCL device, as test_context) or test_context's. */
oclnn_context *test_class_context(const test_cfg *cfg);
#define TEST_CLASS_CTX(state) test_class_context(TEST_CFG(state))

#endif
