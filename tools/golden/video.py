# SPDX-License-Identifier: MIT
"""Golden data for tests/test_video.c (issue 19): torchvision's r3d_18, mc3_18 and r2plus1d_18
(torchvision.models.video, eval mode, float64 arithmetic) with every parameter and batch-norm
statistic from oclnn's generator (the values oclnn_video_net_create gives with weights = NULL),
on a clip from the same generator (stream "clip", values in [-1, 1)).

Writes video_<arch>_y.bin: the logits, float32. The clip shape is CLIP below and in the test.
Also usable for the full-size check: tools/compare_video.py.
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from export_weights import oclnn_generator  # noqa: E402

from golden import save  # noqa: E402

ARCHS = ("r3d_18", "mc3_18", "r2plus1d_18")
CLIP = (2, 3, 2, 8, 8)
SEED = 19


def oclnn_init(model, seed):
    """Conv3d weights +-sqrt(6 / fan_in), fc weight and bias +-1/sqrt(fan_in), BatchNorm3d
    weight and running_var in [0.5, 1.5), bias and running_mean in [-0.1, 0.1)."""
    import torch
    sd = model.state_dict()

    def fill(key, lo, hi):
        t = sd[key]
        sd[key] = torch.from_numpy(oclnn_generator(key, seed, lo, hi, t.numel()).reshape(t.shape))

    for mod_name, m in model.named_modules():
        prefix = mod_name + "." if mod_name else ""
        if isinstance(m, torch.nn.Conv3d):
            fan_in = m.in_channels // m.groups * math.prod(m.kernel_size)
            b = math.sqrt(6.0 / fan_in)
            fill(prefix + "weight", -b, b)
        elif isinstance(m, torch.nn.Linear):
            b = 1.0 / math.sqrt(m.in_features)
            fill(prefix + "weight", -b, b)
            fill(prefix + "bias", -b, b)
        elif isinstance(m, torch.nn.BatchNorm3d):
            fill(prefix + "weight", 0.5, 1.5)
            fill(prefix + "running_var", 0.5, 1.5)
            fill(prefix + "bias", -0.1, 0.1)
            fill(prefix + "running_mean", -0.1, 0.1)
    model.load_state_dict(sd)


def model(arch, seed):
    import torchvision
    m = getattr(torchvision.models.video, arch)(weights=None).eval()
    oclnn_init(m, seed)
    return m


def clip(shape, seed):
    return oclnn_generator("clip", seed, -1.0, 1.0, math.prod(shape)).reshape(shape)


def logits(arch, shape, seed):
    import torch
    x = clip(shape, seed)
    with torch.no_grad():
        return model(arch, seed).double()(torch.from_numpy(x).double()).float()


def make(out_dir):
    for arch in ARCHS:
        save(out_dir, f"video_{arch}_y.bin", logits(arch, CLIP, SEED))
