/* SPDX-License-Identifier: MIT */
/* Device listing across backends and the pure choice of a device from a request string. */
#ifndef OCLNN_CORE_DEVICE_H
#define OCLNN_CORE_DEVICE_H

#include "oclnn.h"

/* Lists OpenCL devices, then the C backend; *count is the total. Caller frees *out with free(). */
oclnn_status oclnn__device_list(oclnn_device_info **out, size_t *count);

/* Picks the device for `request` (NULL or "" = default) from `list`: "cpu", "P:D", or a
 * case-insensitive substring of the device name (then of the platform name). Returns the index,
 * or -1 when nothing matches. Pure (tested with fabricated lists) but for the default, which
 * with no GPU reads tuning databases (oclnn__device_default_measured). */
long oclnn__device_choose(const oclnn_device_info *list, size_t count, const char *request);

/* The index of the default device: the best GPU (discrete before integrated, then by compute
 * units x fp32 lanes per unit (oclnn__device_lanes) x clock); with no GPU, an OpenCL device
 * whose measured_faster[i] is true (its tuning database measured it faster than the C backend;
 * NULL: none did), else the C backend. `why` gets the reason in words. Pure. */
size_t oclnn__device_default_why(const oclnn_device_info *list, size_t count,
                                 const bool *measured_faster, char *why, size_t why_size);
/* The measured input of the default rule: whether OpenCL device `cl`'s tuning database measured
 * it faster than the C backend (`cpu`). Registered by src/tune/faster.c when the library loads
 * (core includes nothing above it); none registered: never. */
typedef bool (*oclnn__device_measured_fn)(const oclnn_device_info *cl, const oclnn_device_info *cpu);
void oclnn__device_set_measured(oclnn__device_measured_fn fn);
/* oclnn__device_default_why with measured_faster filled in through the registered function, asked
 * only when there is no GPU (the list, oclnn_devices, and the default of oclnn__device_choose). */
size_t oclnn__device_default_measured(const oclnn_device_info *list, size_t count, char *why,
                                      size_t why_size);
/* The same without the reason or measurements (sets is_default in the device list). */
size_t oclnn__device_default(const oclnn_device_info *list, size_t count);
/* Estimated fp32 lanes per compute unit: by GPU vendor and generation, the native float vector
 * width for CPU devices. */
double oclnn__device_lanes(const oclnn_device_info *d);

/* The documented layout rule: NCHW on NVIDIA and AMD GPUs (their kernels coalesce along W),
 * NHWC everywhere else (CPU devices, Intel and ARM GPUs, the C backend: channels innermost
 * vectorize and make 1x1 convolution a plain GEMM). */
oclnn_layout oclnn__device_layout_rule(const oclnn_device_info *info);

#endif
