# SPDX-License-Identifier: MIT
"""Golden outputs for tests/test_net.c: ResNet-18 and GoogLeNet from torchvision, eval mode, with
every parameter set by oclnn's generator (seed 0, tools/export_weights.py:oclnn_generator), run in
float64 on the input oclnn_generator("input", 0, -1, 1) of shape (2, 3, 64, 64). Only the logits
are stored (2 x 1000 float32 each); the C test regenerates the weights and the input itself."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import export_weights as ew  # noqa: E402

SHAPE = (2, 3, 64, 64)


def make(out_dir):
    x = ew.oclnn_generator("input", 0, -1.0, 1.0, int(__import__("numpy").prod(SHAPE))).reshape(SHAPE)
    for name in ("resnet18", "googlenet"):
        model = ew.build(name, 0)
        ew.oclnn_init(model, 0)
        y = ew.run_double(model, x)
        y.astype("<f4").tofile(os.path.join(out_dir, f"net_{name}_n2h64w64.bin"))
