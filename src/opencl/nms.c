/* SPDX-License-Identifier: MIT */
/* NMS on OpenCL: the IoU bitmask (one 64-bit word per box and 64-box block, cl/roi/nms.cl) is
 * computed in parallel; the greedy sweep over it is sequential by nature and runs on the host,
 * touching only the rows of kept boxes. The whole mask is n^2/8 bytes (400,000 boxes: 20 GB), so
 * it is made and swept in blocks of rows whose buffer stays within NMS_BLOCK_BYTES and the
 * device's largest allocation: memory is bounded whatever n is. The device buffers stay on the
 * context between calls (oclnn__cl_state's nms_buf: NMS has no op object). The result equals the C
 * backend's bit for bit. */
#include "core/alloc.h"
#include "opencl/detect.h"
#include "opencl/opencl.h"

#define NMS_CL "roi/nms.cl"
/* The mask block's size bound: large enough that launches stay few (a block covers 64 MiB / (n/8)
 * rows: all of them up to 8,192 boxes), small next to any device's memory. */
#define NMS_BLOCK_BYTES ((size_t)64 << 20)

/* Greedy sweep of rows [row0, row0 + rows): a box survives unless an earlier survivor's row has
 * its bit. Returns the updated count of kept boxes. */
static size_t sweep(const uint64_t *mask, size_t row0, size_t rows, size_t col_blocks,
                    size_t max_keep, size_t kept, uint64_t *removed, uint8_t *keep) {
    for (size_t i = row0; i < row0 + rows; i++) {
        size_t blk = i / 64;
        keep[i] = 0;
        if ((removed[blk] >> (i % 64)) & 1u) continue;
        if (kept == max_keep) continue;
        keep[i] = 1;
        kept++;
        const uint64_t *row = mask + (i - row0) * col_blocks;
        for (size_t b = blk; b < col_blocks; b++) removed[b] |= row[b];
    }
    return kept;
}

size_t oclnn__cl_nms_block_rows(size_t n, uint64_t max_alloc_bytes) {
    const size_t row_bytes = (n + 63) / 64 * sizeof(uint64_t);
    uint64_t limit = max_alloc_bytes && max_alloc_bytes < NMS_BLOCK_BYTES ? max_alloc_bytes
                                                                          : NMS_BLOCK_BYTES;
    size_t rows = row_bytes ? (size_t)(limit / row_bytes) : n;
    return rows < n ? rows : n;
}

void oclnn__cl_nms_release(oclnn__cl_state *s) {
    for (int i = 0; i < 3; i++) {
        if (s->nms_buf[i]) clReleaseMemObject(s->nms_buf[i]);
        s->nms_buf[i] = NULL;
        s->nms_cap[i] = 0;
    }
}

/* The context's NMS buffer `i` (0 boxes, 1 classes, 2 mask) holding at least `bytes`, grown by
 * half again when it does not (a run of calls with growing box counts reallocates rarely). */
static oclnn_status nms_buffer(oclnn_context *ctx, int i, size_t bytes, cl_mem *out) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    if (s->nms_cap[i] < bytes) {
        if (s->nms_buf[i]) clReleaseMemObject(s->nms_buf[i]);
        s->nms_buf[i] = NULL;
        s->nms_cap[i] = 0;
        size_t want = bytes + bytes / 2;
        const uint64_t most = ctx->device.max_alloc_bytes;
        if (want < bytes || (most && want > most)) want = bytes;
        OCLNN__TRY(oclnn__check_storage_bytes(ctx, want, "an NMS buffer"));
        cl_int err;
        s->nms_buf[i] = clCreateBuffer(s->context, i == 2 ? CL_MEM_WRITE_ONLY : CL_MEM_READ_ONLY, want,
                                       NULL, &err);
        if (err != CL_SUCCESS) {
            s->nms_buf[i] = NULL;
            return oclnn__cl_fail(err, "clCreateBuffer (NMS)");
        }
        s->nms_cap[i] = want;
    }
    *out = s->nms_buf[i];
    return OCLNN_OK;
}

oclnn_status oclnn__cl_nms(oclnn_context *ctx, const float *boxes, const int32_t *classes, size_t n,
                           float thr, size_t max_keep, uint8_t *keep) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    const size_t col_blocks = (n + 63) / 64;
    const size_t block_rows = oclnn__cl_nms_block_rows(n, ctx->device.max_alloc_bytes);
    if (block_rows == 0 || n > UINT32_MAX)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "NMS of %zu boxes: one mask row (%zu bytes) "
                           "exceeds the device's largest buffer", n, col_blocks * sizeof(uint64_t));
    const size_t block_words = block_rows * col_blocks;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, NMS_CL, NULL, "oclnn_nms_mask", &k));
    const oclnn_allocator *a = ctx->allocator;
    uint64_t *mask = oclnn__calloc(a, block_words, sizeof *mask);
    uint64_t *removed = oclnn__calloc(a, col_blocks, sizeof *removed);
    cl_mem b_boxes = NULL, b_classes = NULL, b_mask = NULL;
    oclnn_status st = OCLNN_OK;
    cl_int err = CL_SUCCESS;
    const char *what = "clEnqueueWriteBuffer (NMS)";
    const int32_t no_class = 0;
    if (!mask || !removed) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the NMS mask block (%zu words)",
                         block_words);
        goto done;
    }
    if ((st = nms_buffer(ctx, 0, n * 4 * sizeof(float), &b_boxes)) != OCLNN_OK ||
        (st = nms_buffer(ctx, 1, (classes ? n : 1) * sizeof(int32_t), &b_classes)) != OCLNN_OK ||
        (st = nms_buffer(ctx, 2, block_words * sizeof(cl_ulong), &b_mask)) != OCLNN_OK)
        goto done;
    err = clEnqueueWriteBuffer(s->queue, b_boxes, CL_TRUE, 0, n * 4 * sizeof(float), boxes, 0, NULL,
                               NULL);
    if (err == CL_SUCCESS)
        err = clEnqueueWriteBuffer(s->queue, b_classes, CL_TRUE, 0, (classes ? n : 1) * sizeof(int32_t),
                                   classes ? (const void *)classes : (const void *)&no_class, 0, NULL,
                                   NULL);
    if (err != CL_SUCCESS) goto cl_failed;
    size_t kept = 0, row0 = 0;
    for (; row0 < n && kept < max_keep; row0 += block_rows) {
        size_t rows = n - row0 < block_rows ? n - row0 : block_rows;
        cl_uint use_classes = classes != NULL, nn = (cl_uint)n, cb = (cl_uint)col_blocks;
        cl_uint r0 = (cl_uint)row0, nr = (cl_uint)rows;
        st = oclnn__cl_args(k, OCLNN__ARG(b_boxes), OCLNN__ARG(b_classes), OCLNN__ARG(use_classes),
                            OCLNN__ARG(nn), OCLNN__ARG(cb), OCLNN__ARG(r0), OCLNN__ARG(nr),
                            OCLNN__ARG(thr), OCLNN__ARG(b_mask));
        if (st != OCLNN_OK) goto done;
        size_t global[2] = {col_blocks, rows};
        if ((st = oclnn__cl_launch(ctx, k, 2, global, NULL)) != OCLNN_OK) goto done;
        what = "clEnqueueReadBuffer (NMS mask)";
        err = clEnqueueReadBuffer(s->queue, b_mask, CL_TRUE, 0, rows * col_blocks * sizeof(cl_ulong),
                                  mask, 0, NULL, NULL);
        if (err != CL_SUCCESS) goto cl_failed;
        kept = sweep(mask, row0, rows, col_blocks, max_keep, kept, removed, keep);
    }
    for (size_t i = row0; i < n; i++) keep[i] = 0; /* past max_keep: never swept, none kept */
    goto done;
cl_failed:
    st = oclnn__cl_fail(err, what);
done:
    oclnn__free(a, mask);
    oclnn__free(a, removed);
    return st;
}
