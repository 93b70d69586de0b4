/* SPDX-License-Identifier: MIT */
/* The one grammar of convolution problem strings: a printer and its parser side by side. Logs,
 * OCLNN_LOG lines, error messages, tuning-database keys, `oclnn bench` JSON `problem` fields,
 * `oclnn bench conv PROBLEM` and `oclnn tune --conv PROBLEM` all use these two functions.
 *
 *     n<N>c<C>h<H>w<W>k<K>r<R>s<S>st<SH>x<SW>pad<T>,<B>,<L>,<R>dil<DH>x<DW>g<G>[_nchw|_nhwc]
 *
 * e.g. "n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1" or the same with "_nhwc". N, C, H, W: the
 * input; K: output channels; R x S: kernel height x width; st: stride (height x width); pad: top,
 * bottom, left, right; dil: dilation (height x width); g: groups. The layout suffix is present
 * only when the problem is tied to one layout (a timed `oclnn bench conv`); an operator and a
 * tuning-database key have none, as one database is tuned for one layout.
 *
 * The printer always writes every field. The parser also accepts the short forms people type:
 * st, pad, dil and g may be left out (1x1, 0, 1x1, 1); pad may give one number (all sides) or
 * two (height, width). Fused epilogues (bias, activation, residual) are not part of the problem:
 * they do not change which algorithm or tunables are fastest enough to key on. */
#ifndef OCLNN_BACKEND_PROBLEM_H
#define OCLNN_BACKEND_PROBLEM_H

#include <stddef.h>

#include "backend/conv2d.h"

/* Writes pb's canonical string into buf (truncated to size, always terminated; size
 * OCLNN__CONV2D_PROBLEM_MAX always suffices). */
void oclnn__conv2d_problem_str(const oclnn__conv2d_problem *pb, char *buf, size_t size);

/* Fills pb from a problem string (derived sizes p, q, cg, kg computed; no activation, bias or
 * residual; layout AUTO without a suffix), or fails through oclnn__fail with
 * OCLNN_ERROR_INVALID_ARGUMENT and a message naming the bad part. */
oclnn_status oclnn__conv2d_problem_parse(const char *text, oclnn__conv2d_problem *pb);

#endif
