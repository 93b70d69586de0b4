# SPDX-License-Identifier: MIT
"""Golden data for the upsampling family (issue 18): torch.nn.functional.conv_transpose2d
(the Mask R-CNN mask head's 2x2 stride 2, the FCN/UNet 4x4 stride 2 padding 1, odd shapes with
output_padding, dilation and groups, depthwise) and F.interpolate (nearest's floor rule with
sizes, scale factors and recompute_scale_factor; bilinear with align_corners both ways).
Inputs are saved too. The cases are mirrored in tests/test_deconv.c and tests/test_resize.c.
"""
import torch
import torch.nn.functional as F

from golden import save

# (name, x shape, out_channels, kernel, stride, padding, output_padding, dilation, groups, bias)
DECONVS = [
    ("mask_k2s2", (2, 8, 7, 7), 6, (2, 2), (2, 2), (0, 0), (0, 0), (1, 1), 1, True),
    ("fcn_k4s2p1", (1, 6, 5, 6), 4, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1, True),
    ("odd_g2", (3, 4, 5, 4), 6, (3, 2), (3, 2), (1, 0), (2, 1), (2, 1), 2, False),
    ("depthwise_k3s1p1", (2, 5, 4, 4), 5, (3, 3), (1, 1), (1, 1), (0, 0), (1, 1), 5, True),
]

# (name, mode, size, scale_factor, align_corners, recompute_scale_factor) on RESIZE_IN (2,3,5,7)
RESIZES = [
    ("nearest_size_10x14", "nearest", (10, 14), None, None, None),
    ("nearest_size_7x9", "nearest", (7, 9), None, None, None),
    ("nearest_size_3x4", "nearest", (3, 4), None, None, None),
    ("nearest_scale_2.5x1.5", "nearest", None, (2.5, 1.5), None, None),
    ("nearest_scale_2.05x2.0", "nearest", None, (2.05, 2.0), None, None),
    ("nearest_scale_0.6x0.45", "nearest", None, (0.6, 0.45), None, None),
    ("nearest_scale_1.7_recompute", "nearest", None, (1.7, 1.7), None, True),
    ("bilinear_size_9x13", "bilinear", (9, 13), None, False, None),
    ("bilinear_size_9x13_ac", "bilinear", (9, 13), None, True, None),
    ("bilinear_scale_2", "bilinear", None, (2.0, 2.0), False, None),
    ("bilinear_scale_2_ac", "bilinear", None, (2.0, 2.0), True, None),
    ("bilinear_scale_1.7x0.6", "bilinear", None, (1.7, 0.6), False, None),
    ("bilinear_size_1x1", "bilinear", (1, 1), None, False, None),
    ("bilinear_size_1x1_ac", "bilinear", (1, 1), None, True, None),
    ("bilinear_size_3x2", "bilinear", (3, 2), None, False, None),
]


def make(out_dir):
    torch.manual_seed(18)
    for name, xs, k, ker, st, pad, opad, dil, g, bias in DECONVS:
        x = torch.randn(*xs)
        w = torch.randn(xs[1], k // g, *ker) * 0.5
        b = torch.randn(k) if bias else None
        y = F.conv_transpose2d(x, w, b, st, pad, opad, g, dil)
        save(out_dir, f"deconv_{name}_x.bin", x)
        save(out_dir, f"deconv_{name}_w.bin", w)
        if bias:
            save(out_dir, f"deconv_{name}_b.bin", b)
        save(out_dir, f"deconv_{name}_y.bin", y)
    x = torch.randn(2, 3, 5, 7)
    save(out_dir, "resize_in.bin", x)
    for name, mode, size, scale, ac, rsf in RESIZES:
        y = F.interpolate(x, size=size, scale_factor=scale, mode=mode, align_corners=ac,
                          recompute_scale_factor=rsf)
        save(out_dir, f"resize_{name}.bin", y)
        print(f"  resize_{name}: {tuple(y.shape)}")
