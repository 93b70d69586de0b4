# SPDX-License-Identifier: MIT
"""Golden data for tests/test_conv3d.c and tests/test_pool3d.c (issue 19): PyTorch's conv3d,
max_pool3d, avg_pool3d, adaptive_avg_pool3d and BatchNorm3d on small problems.

Conv cases write <name>_x.bin (input, NCDHW), _w.bin (K x C/groups x T x R x S), _b.bin and
_y.bin (output, NCDHW, computed in double). Pool cases write <name>_x.bin and _y.bin. The shapes
are repeated in the tests.
"""
import torch

from golden import save

# name: (input N,C,D,H,W, out channels, kernel (T,R,S), stride, padding, dilation, groups)
CONV = {
    "conv3d_3x3x3": ((2, 4, 5, 7, 6), 6, (3, 3, 3), (1, 1, 1), (1, 1, 1), (1, 1, 1), 1),
    "conv3d_stem": ((1, 3, 6, 13, 11), 8, (3, 7, 7), (1, 2, 2), (1, 3, 3), (1, 1, 1), 1),
    "conv3d_1x3x3": ((1, 5, 4, 9, 9), 7, (1, 3, 3), (1, 2, 1), (0, 1, 1), (1, 1, 1), 1),
    "conv3d_3x1x1": ((2, 6, 7, 5, 4), 4, (3, 1, 1), (2, 1, 1), (1, 0, 0), (1, 1, 1), 1),
    "conv3d_grouped": ((1, 8, 5, 6, 7), 4, (3, 2, 3), (1, 1, 2), (2, 1, 1), (2, 1, 1), 2),
}

# name: (input shape, kind, kernel, stride, padding, count_include_pad or output size)
POOL = {
    "pool3d_max": ((2, 3, 5, 9, 8), "max", (3, 3, 3), (2, 2, 2), (1, 1, 1), None),
    "pool3d_max_1x3x3": ((1, 4, 4, 7, 7), "max", (1, 3, 3), (1, 2, 2), (0, 1, 1), None),
    "pool3d_avg": ((2, 3, 5, 7, 6), "avg", (2, 3, 3), (1, 2, 2), (1, 1, 1), True),
    "pool3d_avg_nopad": ((1, 2, 5, 7, 6), "avg", (3, 3, 2), (2, 2, 1), (1, 1, 1), False),
    "pool3d_adaptive": ((2, 3, 5, 7, 9), "adaptive", None, None, None, (2, 3, 4)),
    "pool3d_global": ((2, 5, 3, 4, 5), "adaptive", None, None, None, (1, 1, 1)),
}


def make(out_dir):
    torch.manual_seed(19)
    for name, (shape, k, ks, stride, pad, dil, groups) in CONV.items():
        x = torch.rand(shape) * 2 - 1
        fan_in = shape[1] // groups * ks[0] * ks[1] * ks[2]
        w = (torch.rand(k, shape[1] // groups, *ks) * 2 - 1) / fan_in ** 0.5
        b = torch.rand(k) - 0.5
        y = torch.nn.functional.conv3d(x.double(), w.double(), b.double(), stride, pad, dil, groups)
        save(out_dir, f"{name}_x.bin", x)
        save(out_dir, f"{name}_w.bin", w)
        save(out_dir, f"{name}_b.bin", b)
        save(out_dir, f"{name}_y.bin", y.float())
    F = torch.nn.functional
    for name, (shape, kind, ks, stride, pad, extra) in POOL.items():
        x = torch.rand(shape) * 2 - 1
        if kind == "max":
            y = F.max_pool3d(x, ks, stride, pad)
        elif kind == "avg":
            y = F.avg_pool3d(x.double(), ks, stride, pad, count_include_pad=extra).float()
        else:
            y = F.adaptive_avg_pool3d(x.double(), extra).float()
        save(out_dir, f"{name}_x.bin", x)
        save(out_dir, f"{name}_y.bin", y)
    # BatchNorm3d (inference) = the 2-D batch norm on the folded (n, c, d*h, w) tensor.
    bn = torch.nn.BatchNorm3d(5).eval()
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
        x = torch.rand(2, 5, 3, 4, 6) * 2 - 1
        y = bn(x)
    save(out_dir, "bn3d_x.bin", x)
    save(out_dir, "bn3d_params.bin",
         torch.cat([bn.weight, bn.bias, bn.running_mean, bn.running_var]).detach())
    save(out_dir, "bn3d_y.bin", y)
