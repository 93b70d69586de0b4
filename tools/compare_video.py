#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The full-size check of oclnn's video networks against torchvision (issue 19; docs/ND.md):
r3d_18, mc3_18 and r2plus1d_18 with oclnn's generator weights (seed S) on a 16-frame 112x112
clip from the same generator, torchvision in float64, oclnn through build/examples/video.

    /usr/bin/python3 tools/compare_video.py [--video build/examples/video] [--archs r3d_18,...]
        [--clip 1,16,112,112] [--seed 19] [--device cpu|0:0]

Prints, per network, the largest absolute difference of the logits, the top classes and the
time oclnn took; exits 1 when a difference exceeds 1e-3 * (1 + max |logit|).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden.video import logits  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--video", default="build/examples/video")
    p.add_argument("--archs", default="r3d_18,mc3_18,r2plus1d_18")
    p.add_argument("--clip", default="1,16,112,112")
    p.add_argument("--seed", type=int, default=19)
    p.add_argument("--device", default="cpu")
    a = p.parse_args(argv)
    n, d, h, w = (int(v) for v in a.clip.split(","))
    bad = False
    for arch in a.archs.split(","):
        want = logits(arch, (n, 3, d, h, w), a.seed).numpy().reshape(n, -1)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "y.bin")
            run = subprocess.run([a.video, arch, "--seed", str(a.seed), "--clip", a.clip,
                                  "--device", a.device, "--output", out],
                                 check=True, capture_output=True, text=True)
            got = np.fromfile(out, dtype="<f4").reshape(n, -1)
        diff = float(np.abs(got - want).max())
        bound = 1e-3 * (1 + float(np.abs(want).max()))
        bad |= diff > bound
        print(f"{arch}: max |oclnn - torchvision| = {diff:.3g} (bound {bound:.3g}); "
              f"top class oclnn {got.argmax(1).tolist()} torchvision {want.argmax(1).tolist()}; "
              f"{run.stdout.strip().splitlines()[-1]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
