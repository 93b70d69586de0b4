/* SPDX-License-Identifier: MIT */
/* Work-group tree reductions in local memory for the GPU-class kernels. The work-group's WG
 * items (local ids 0..WG-1 in dimension 0) are seen as rows x cols, cols consecutive ids per row
 * (cols a power of two dividing WG): each column is one independent reduction (a channel, when
 * channels are innermost so that a row reads cols consecutive addresses), or cols = 1 for one
 * reduction over the whole work-group. log2(WG / cols) barrier steps, no serial loop.
 *
 *   local ids:  row 0: [0 .. cols-1]   row 1: [cols .. 2 cols-1]  ...
 *   step s:     red[id] op= red[id + s * cols] for rows < s, s = rows/2, rows/4, .., 1
 *
 * Every work-item of the group must call these (they contain barriers); each gets its column's
 * result. `red` holds WG floats. */
#ifndef OCLNN_CL_COMMON_REDUCE_H
#define OCLNN_CL_COMMON_REDUCE_H

#define OCLNN_REDUCE_DEF(name, OP)                                                                \
    inline float name(local float *red, float v, uint wg, uint cols) {                            \
        const uint lid = get_local_id(0), row = lid / cols;                                       \
        red[lid] = v;                                                                             \
        barrier(CLK_LOCAL_MEM_FENCE);                                                             \
        for (uint s = wg / cols / 2; s > 0; s >>= 1) {                                            \
            if (row < s) red[lid] = OP(red[lid], red[lid + s * cols]);                            \
            barrier(CLK_LOCAL_MEM_FENCE);                                                         \
        }                                                                                         \
        const float r = red[lid % cols];                                                          \
        barrier(CLK_LOCAL_MEM_FENCE); /* red may be reused at once */                             \
        return r;                                                                                 \
    }

#define OCLNN_REDUCE_ADD_(a, b) ((a) + (b))
/* max that keeps NaN (PyTorch's max pooling and softmax propagate it) */
#define OCLNN_REDUCE_MAX_(a, b) (isnan(a) || isnan(b) ? NAN : fmax((a), (b)))
OCLNN_REDUCE_DEF(oclnn_group_sum, OCLNN_REDUCE_ADD_)
OCLNN_REDUCE_DEF(oclnn_group_max, OCLNN_REDUCE_MAX_)

#endif
