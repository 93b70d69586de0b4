/* SPDX-License-Identifier: MIT */
/* NMS on OpenCL: the IoU bitmask (one 64-bit word per box and 64-box block, cl/roi/nms.cl) is
 * computed in parallel; the greedy sweep over it is sequential by nature and runs on the host,
 * touching only the rows of kept boxes. The result equals the C backend's bit for bit. */
#include "core/alloc.h"
#include "opencl/detect.h"
#include "opencl/opencl.h"

#define NMS_CL "roi/nms.cl"

/* Greedy sweep: a box survives unless an earlier survivor's row has its bit. */
static void sweep(const uint64_t *mask, size_t n, size_t col_blocks, size_t max_keep,
                  uint64_t *removed, uint8_t *keep) {
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        size_t blk = i / 64;
        keep[i] = 0;
        if ((removed[blk] >> (i % 64)) & 1u) continue;
        if (kept == max_keep) continue;
        keep[i] = 1;
        kept++;
        const uint64_t *row = mask + i * col_blocks;
        for (size_t b = blk; b < col_blocks; b++) removed[b] |= row[b];
    }
}

oclnn_status oclnn__cl_nms(oclnn_context *ctx, const float *boxes, const int32_t *classes, size_t n,
                           float thr, size_t max_keep, uint8_t *keep) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    const size_t col_blocks = (n + 63) / 64;
    size_t mask_words = n * col_blocks;
    cl_kernel k;
    OCLNN__TRY(oclnn__cl_kernel(ctx, NMS_CL, NULL, "oclnn_nms_mask", &k));
    const oclnn_allocator *a = ctx->allocator;
    uint64_t *mask = oclnn__calloc(a, mask_words, sizeof *mask);
    uint64_t *removed = oclnn__calloc(a, col_blocks, sizeof *removed);
    cl_mem b_boxes = NULL, b_classes = NULL, b_mask = NULL;
    oclnn_status st = OCLNN_OK;
    cl_int err = CL_SUCCESS;
    const char *what = "clCreateBuffer (NMS)";
    if (!mask || !removed) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the NMS mask (%zu words)",
                         mask_words);
        goto done;
    }
    b_boxes = clCreateBuffer(s->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                             n * 4 * sizeof(float), (void *)boxes, &err);
    if (err == CL_SUCCESS)
        b_classes = clCreateBuffer(s->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                                   (classes ? n : 1) * sizeof(int32_t),
                                   classes ? (void *)classes : (void *)&(int32_t){0}, &err);
    if (err == CL_SUCCESS)
        b_mask = clCreateBuffer(s->context, CL_MEM_WRITE_ONLY, mask_words * sizeof(cl_ulong), NULL,
                                &err);
    if (err != CL_SUCCESS) goto cl_failed;
    cl_uint use_classes = classes != NULL, nn = (cl_uint)n, cb = (cl_uint)col_blocks;
    st = oclnn__cl_args(k, OCLNN__ARG(b_boxes), OCLNN__ARG(b_classes), OCLNN__ARG(use_classes),
                        OCLNN__ARG(nn), OCLNN__ARG(cb), OCLNN__ARG(thr), OCLNN__ARG(b_mask));
    if (st != OCLNN_OK) goto done;
    size_t global[2] = {col_blocks, n};
    if ((st = oclnn__cl_launch(ctx, k, 2, global, NULL)) != OCLNN_OK) goto done;
    what = "clEnqueueReadBuffer (NMS mask)";
    err = clEnqueueReadBuffer(s->queue, b_mask, CL_TRUE, 0, mask_words * sizeof(cl_ulong), mask, 0,
                              NULL, NULL);
    if (err != CL_SUCCESS) goto cl_failed;
    sweep(mask, n, col_blocks, max_keep, removed, keep);
    goto done;
cl_failed:
    st = oclnn__cl_fail(err, what);
done:
    if (b_boxes) clReleaseMemObject(b_boxes);
    if (b_classes) clReleaseMemObject(b_classes);
    if (b_mask) clReleaseMemObject(b_mask);
    oclnn__free(a, mask);
    oclnn__free(a, removed);
    return st;
}
