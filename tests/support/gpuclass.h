/* SPDX-License-Identifier: MIT */
/* The GPU device class in the family tests: two more OpenCL configurations (NCHW, NHWC) whose
 * context is created with device_class "gpu", so the GPU-class kernels run on any OpenCL device
 * (PoCL, Oclgrind). A test that uses TEST_CLASS_CTX instead of TEST_CTX serves all six
 * configurations; everything else about the harness is unchanged. */
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
/* The shared context for cfg: the GPU-class OpenCL context (created on first use, destroyed at
 * exit; skip() without an OpenCL device, as test_context) or test_context's. */
oclnn_context *test_class_context(const test_cfg *cfg);
#define TEST_CLASS_CTX(state) test_class_context(TEST_CFG(state))

#endif
