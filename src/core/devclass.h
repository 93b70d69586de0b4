/* SPDX-License-Identifier: MIT */
/* Device classes: the kind of machine a kernel, its default tunables and the algorithm choice are
 * shaped for. One pure function maps a device (plus an optional override) to its class; the
 * context stores the result in ctx->devclass, and everything that picks kernels reads only that.
 * The override ("gpu", "cpu", "nvidia", "amd", "intel"; options.device_class, else
 * OCLNN_DEVICE_CLASS) lets any OpenCL device run the GPU class's kernels, so the GPU paths are
 * tested on PoCL and Oclgrind without a GPU. */
#ifndef OCLNN_CORE_DEVCLASS_H
#define OCLNN_CORE_DEVCLASS_H

#include <stdbool.h>

#include "oclnn.h"

typedef enum oclnn__devclass {
    OCLNN__DEVCLASS_CPU,        /* C backend, PoCL and other CPU OpenCL devices */
    OCLNN__DEVCLASS_GPU_NVIDIA, /* 32-wide warps, 48+ KiB local memory per SM */
    OCLNN__DEVCLASS_GPU_AMD,    /* 64-wide wavefronts (32 on RDNA), 64 KiB LDS per CU */
    OCLNN__DEVCLASS_GPU_INTEL,  /* SIMD8-32 EUs, shared local memory per subslice */
    OCLNN__DEVCLASS_GPU_OTHER,  /* any other GPU or accelerator (and the "gpu" override) */
    OCLNN__DEVCLASS_COUNT
} oclnn__devclass;

static inline bool oclnn__devclass_is_gpu(oclnn__devclass c) { return c != OCLNN__DEVCLASS_CPU; }

/* "cpu", "gpu-nvidia", "gpu-amd", "gpu-intel", "gpu". */
const char *oclnn__devclass_name(oclnn__devclass c);

/* The class of `info`, or of `override` when it is not NULL/empty. The C backend is always CPU
 * (it has no GPU kernels). Returns false, with *out untouched, for an unknown override. Pure. */
bool oclnn__devclass_of(const oclnn_device_info *info, const char *override, oclnn__devclass *out);

#endif
