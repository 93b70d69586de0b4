/* SPDX-License-Identifier: MIT */
/* Index helpers shared by kernels. A tensor reaches a kernel as (buffer, offset, strides), with
 * strides a uint4 in (n, c, h, w) order, so one kernel serves NCHW, NHWC and channel views. */
#ifndef OCLNN_CL_COMMON_INDEX_H
#define OCLNN_CL_COMMON_INDEX_H

/* Element offset of (n, c, h, w) for strides s. */
#define OCLNN_AT(s, in, ic, ih, iw) ((in) * (s).x + (ic) * (s).y + (ih) * (s).z + (iw) * (s).w)

#endif
