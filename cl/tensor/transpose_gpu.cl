/* SPDX-License-Identifier: MIT */
/* Layout transposes for the GPU device class (NCHW <-> NHWC, and any copy whose source and
 * destination have different unit-stride axes) through a 32 x 32 tile in local memory, padded by
 * one column so that the column reads hit 32 different banks:
 *
 *   read  src:   tile[b][a] <- src(a0 + lx, b0 + ly + j)   neighbours lx read along src's axis A
 *   barrier
 *   write dst:   dst(a0 + ly + j, b0 + lx) <- tile[lx][ly + j]   neighbours write along dst's B
 *
 * So both the global reads and the global writes coalesce, where an element-wise copy makes one
 * of the two strided. A is the source's unit-stride axis, B the destination's; the host fuses
 * (h, w) into one axis when both tensors lay rows back to back, so NCHW <-> NHWC is a batch of
 * C x HW transposes.
 *
 * Required defines: none. Tunables: none (TILE 32, ROWS 8 fixed: a 32 x 8 work-group moves 4 rows
 * each).
 * dims = (LA, LB, M1, M2): the extents of A and B and of the two other (batch) axes; strides
 * ss/ds = (A, B, M1, M2) in elements.
 * Index mapping: global (ceil(LA/32)*32, ceil(LB/32)*8, M1*M2), local (32, 8, 1). */
#define TILE 32
#define ROWS 8

kernel __attribute__((reqd_work_group_size(TILE, ROWS, 1))) void
oclnn_tensor_transpose(global const float *src, uint src_off, uint4 ss, global float *dst,
                       uint dst_off, uint4 ds, uint4 dims) {
    local float tile[TILE][TILE + 1];
    const uint lx = get_local_id(0), ly = get_local_id(1);
    const uint a0 = get_group_id(0) * TILE, b0 = get_group_id(1) * TILE, m = get_global_id(2);
    const uint m1 = m % dims.z, m2 = m / dims.z;
    const uint sbase = src_off + m1 * ss.z + m2 * ss.w, dbase = dst_off + m1 * ds.z + m2 * ds.w;
    for (uint j = 0; j < TILE; j += ROWS) {
        const uint a = a0 + lx, b = b0 + ly + j;
        if (a < dims.x && b < dims.y) tile[ly + j][lx] = src[sbase + a * ss.x + b * ss.y];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint j = 0; j < TILE; j += ROWS) {
        const uint a = a0 + ly + j, b = b0 + lx;
        if (a < dims.x && b < dims.y) dst[dbase + a * ds.x + b * ds.y] = tile[lx][ly + j];
    }
}
