# SPDX-License-Identifier: MIT
"""Golden data for tests/test_conv2d.c: PyTorch's conv2d on a few small problems.

Each case writes <name>_x.bin (input, NCHW), _w.bin (weights K x C/groups x R x S), _b.bin (bias)
and _y.bin (output, NCHW). The shapes are repeated in test_golden() in tests/test_conv2d.c.
"""
import torch

from golden import save

# name: (input N,C,H,W, out channels, (R,S), stride, padding (H,W), dilation, groups)
CASES = {
    "conv2d_stem": ((1, 3, 23, 23), 8, (7, 7), 2, (3, 3), 1, 1),
    "conv2d_3x3": ((2, 16, 9, 9), 16, (3, 3), 1, (1, 1), 1, 1),
    "conv2d_grouped": ((1, 16, 8, 8), 16, (3, 3), 1, (2, 2), 2, 4),
    "conv2d_depthwise": ((1, 8, 10, 10), 16, (3, 3), 2, (1, 1), 1, 8),
    "conv2d_1x7": ((1, 8, 9, 9), 12, (1, 7), 1, (0, 3), 1, 1),
}


def make(out_dir):
    torch.manual_seed(3)
    for name, (shape, k, ks, stride, pad, dil, groups) in CASES.items():
        x = torch.rand(shape) * 2 - 1
        fan_in = shape[1] // groups * ks[0] * ks[1]
        w = (torch.rand(k, shape[1] // groups, *ks) * 2 - 1) / fan_in ** 0.5
        b = torch.rand(k) - 0.5
        y = torch.nn.functional.conv2d(x.double(), w.double(), b.double(), stride, pad, dil, groups)
        save(out_dir, f"{name}_x.bin", x)
        save(out_dir, f"{name}_w.bin", w)
        save(out_dir, f"{name}_b.bin", b)
        save(out_dir, f"{name}_y.bin", y.float())
