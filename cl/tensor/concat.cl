/* SPDX-License-Identifier: MIT */
/* Concat copy as a 2-D copy: `rows` rows of `row_len` floats, src rows `src_row` apart and dst
 * rows `dst_row` apart. An NHWC input and its channel slice of the output are both such rows (one
 * per pixel, the slice's channels contiguous), so one launch copies an input with neighbouring
 * work-items on neighbouring addresses; the strided copy of tensor/copy.cl walks four axes.
 *
 * Required defines: none. Tunables: none (memory-bound).
 * Index mapping: global (x, y) = (element in row, row). */
kernel void oclnn_concat_copy2d(global const float *src, uint src_off, uint src_row,
                                global float *dst, uint dst_off, uint dst_row, uint row_len,
                                uint rows) {
    uint x = get_global_id(0), y = get_global_id(1);
    if (x >= row_len || y >= rows) return;
    dst[dst_off + y * dst_row + x] = src[src_off + y * src_row + x];
}
