/* SPDX-License-Identifier: MIT */
/* A small program using an installed oclnn: lists the devices, then on the default device writes
 * an NCHW tensor, converts it to NHWC on the device, and checks the values that come back. */
#include <oclnn.h>
#include <stdio.h>

int main(void) {
    size_t count = 0;
    if (oclnn_devices(NULL, 0, &count) != OCLNN_OK) {
        fprintf(stderr, "%s\n", oclnn_last_error());
        return 1;
    }
    oclnn_context *ctx;
    if (oclnn_context_create(NULL, &ctx) != OCLNN_OK) {
        fprintf(stderr, "%s\n", oclnn_last_error());
        return 1;
    }
    oclnn_device_info dev;
    oclnn_context_device(ctx, &dev);
    printf("oclnn %s: %zu device(s); running on \"%s\"\n", oclnn_version_string(), count, dev.name);

    oclnn_shape shape = {1, 3, 2, 2};
    float src[12], dst[12];
    for (int i = 0; i < 12; i++) src[i] = (float)i;
    oclnn_tensor *a = NULL, *b = NULL;
    int rc = 1;
    if (oclnn_tensor_create(ctx, shape, OCLNN_LAYOUT_NCHW, &a) != OCLNN_OK ||
        oclnn_tensor_create(ctx, shape, OCLNN_LAYOUT_NHWC, &b) != OCLNN_OK ||
        oclnn_tensor_write(a, src, OCLNN_LAYOUT_NCHW) != OCLNN_OK ||
        oclnn_tensor_copy(a, b) != OCLNN_OK || oclnn_tensor_read(b, dst, OCLNN_LAYOUT_NHWC) != OCLNN_OK) {
        fprintf(stderr, "%s\n", oclnn_last_error());
    } else {
        /* NHWC order of a 3-channel 2x2 image: the channels of each pixel together. */
        rc = dst[0] == 0 && dst[1] == 4 && dst[2] == 8 && dst[3] == 1 ? 0 : 1;
        printf("NHWC: %g %g %g %g ... %s\n", dst[0], dst[1], dst[2], dst[3], rc ? "WRONG" : "ok");
    }
    oclnn_tensor_destroy(a);
    oclnn_tensor_destroy(b);
    oclnn_context_destroy(ctx);
    return rc;
}
