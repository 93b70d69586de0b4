/* SPDX-License-Identifier: MIT */
/* Convolution test problems: named layers of real networks at reduced spatial size (so the whole
 * suite stays fast on a 2-core CPU device), plus odd sizes that are multiples of no tile.
 * X(name, n, c, h, w, k, r, s, stride_h, stride_w, pad_mode, top, bottom, left, right,
 *   dil_h, dil_w, groups, bias, relu, residual) */
#define CONV2D_SHAPES(X)                                                                          \
    X(vgg_conv3x3_64, 1, 64, 14, 14, 64, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)      \
    X(vgg_conv3x3_128_b3, 3, 32, 10, 12, 48, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)  \
    X(googlenet_stem_7x7s2, 1, 3, 32, 30, 64, 7, 7, 2, 2, EXPLICIT, 3, 3, 3, 3, 1, 1, 1, 1, 1, 0) \
    X(googlenet_1x1_reduce, 1, 192, 8, 8, 64, 1, 1, 1, 1, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0) \
    X(googlenet_3x3, 1, 96, 8, 8, 128, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)        \
    X(googlenet_5x5, 1, 16, 8, 8, 32, 5, 5, 1, 1, EXPLICIT, 2, 2, 2, 2, 1, 1, 1, 1, 1, 0)         \
    X(googlenet_pool_proj_b3, 3, 48, 7, 7, 32, 1, 1, 1, 1, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0) \
    X(inception3_1x7, 1, 32, 9, 9, 48, 1, 7, 1, 1, EXPLICIT, 0, 0, 3, 3, 1, 1, 1, 1, 1, 0)        \
    X(inception3_7x1, 1, 32, 9, 9, 48, 7, 1, 1, 1, EXPLICIT, 3, 3, 0, 0, 1, 1, 1, 1, 1, 0)        \
    X(inception3_3x3s2_valid, 1, 32, 17, 17, 64, 3, 3, 2, 2, VALID, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0) \
    X(resnet_1x1s2_projection, 1, 64, 14, 14, 128, 1, 1, 2, 2, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0) \
    X(resnet_bottleneck_1x1_res, 1, 64, 14, 14, 64, 1, 1, 1, 1, EXPLICIT, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1) \
    X(resnet_3x3_res_b3, 3, 32, 10, 10, 32, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)   \
    X(resnet_conv5_3x3_7x7, 1, 32, 7, 7, 32, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0)    \
    X(resnext_3x3_g32, 1, 128, 8, 8, 128, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 32, 1, 1, 0)    \
    X(grouped_s2_res_b2, 2, 24, 9, 9, 16, 3, 3, 2, 2, EXPLICIT, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1)     \
    X(resnext_g32_c4_res_b2, 2, 128, 5, 13, 128, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 32, 1, 1, 1) \
    X(resnext_g32_c8_s2, 1, 256, 7, 15, 256, 3, 3, 2, 2, EXPLICIT, 1, 1, 1, 1, 1, 1, 32, 1, 1, 0) \
    X(resnext_g32_c16_s2_res_b2, 2, 512, 5, 9, 512, 3, 3, 2, 2, EXPLICIT, 1, 1, 1, 1, 1, 1, 32, 0, 1, 1) \
    X(resnext_g8_c32_3x3, 1, 256, 4, 10, 256, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 8, 1, 0, 0) \
    X(resnext_g16_c32_s2_res_b3, 3, 512, 9, 11, 512, 3, 3, 2, 2, EXPLICIT, 1, 1, 1, 1, 1, 1, 16, 1, 1, 1) \
    X(grouped_c4_row_past_copies, 1, 64, 2, 345, 64, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 16, 1, 0, 0) \
    X(grouped_c2_dil2_asym, 1, 32, 6, 19, 32, 3, 3, 1, 1, EXPLICIT, 2, 1, 1, 3, 2, 2, 16, 1, 1, 0) \
    X(grouped_c8_k32_3x1_s1x2, 1, 16, 7, 8, 64, 3, 1, 1, 2, EXPLICIT, 1, 0, 0, 0, 1, 1, 2, 1, 0, 1) \
    X(depthwise_3x3, 1, 32, 11, 11, 32, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 32, 1, 1, 0)      \
    X(depthwise_mult2_s2_same, 2, 16, 9, 9, 32, 3, 3, 2, 2, SAME, 0, 0, 0, 0, 1, 1, 16, 1, 0, 0)  \
    X(dilated_3x3_d2, 1, 16, 12, 12, 16, 3, 3, 1, 1, EXPLICIT, 2, 2, 2, 2, 2, 2, 1, 0, 1, 0)      \
    X(odd_3x3_b3, 3, 7, 13, 11, 5, 3, 3, 1, 1, EXPLICIT, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0)            \
    X(odd_2x3_asym, 2, 5, 9, 7, 11, 2, 3, 2, 1, EXPLICIT, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0)           \
    X(odd_4x4s3_same, 1, 8, 10, 9, 8, 4, 4, 3, 3, SAME, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0)             \
    X(conv1d_1x5, 1, 16, 1, 40, 16, 1, 5, 1, 1, EXPLICIT, 0, 0, 2, 2, 1, 1, 1, 1, 0, 0)           \
    X(winograd_tiles_3x3, 1, 24, 17, 19, 40, 3, 3, 1, 1, SAME, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1)
