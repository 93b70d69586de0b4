/* SPDX-License-Identifier: MIT */
/* The OpenCL C language flag every program is built with (src/opencl/program.c). */
#ifndef OCLNN_OPENCL_CLSTD_H
#define OCLNN_OPENCL_CLSTD_H

/* The -cl-std flag (with a trailing space) for a CL_DEVICE_OPENCL_C_VERSION string: "OpenCL C
 * 1.2 ..." -> "-cl-std=CL1.2 ", 2.x -> CL2.0, 3.x -> CL3.0, 1.1 -> CL1.1; "" when unparsable.
 * Prepended to every build's options (so it is part of the cache key). Pure. */
const char *oclnn__cl_std_option(const char *opencl_c_version);

#endif
