#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Winograd error table (issue 19): runs `oclnn bench conv --verify --json` with direct, winograd4
and winograd6 on the 3x3 stride-1 layers of ResNet-50 and VGG-16 (batch 1) and prints a markdown
table of each algorithm's worst error against the double-precision reference: max_abs and
max_rel (|got - ref| / max(|ref|, 1e-3 max|ref|), as bench_errors measures it).

usage: tools/winograd_error.py [--oclnn build/oclnn] [--device cpu] [--layout nchw|nhwc]
                               [--only resnet|vgg]
"""
import argparse
import json
import subprocess
import sys

# (network, layer, C, H=W, K): every distinct 3x3 stride-1 shape of the two networks at batch 1
LAYERS = [
    ("ResNet-50", "conv2_x", 64, 56, 64),
    ("ResNet-50", "conv3_x", 128, 28, 128),
    ("ResNet-50", "conv4_x", 256, 14, 256),
    ("ResNet-50", "conv5_x", 512, 7, 512),
    ("VGG-16", "conv1_1", 3, 224, 64),
    ("VGG-16", "conv1_2", 64, 224, 64),
    ("VGG-16", "conv2_1", 64, 112, 128),
    ("VGG-16", "conv2_2", 128, 112, 128),
    ("VGG-16", "conv3_1", 128, 56, 256),
    ("VGG-16", "conv3_2", 256, 56, 256),
    ("VGG-16", "conv4_1", 256, 28, 512),
    ("VGG-16", "conv4_2", 512, 28, 512),
    ("VGG-16", "conv5_1", 512, 14, 512),
]
ALGOS = ["direct", "winograd4", "winograd6"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oclnn", default="build/oclnn")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--layout", default="auto")
    ap.add_argument("--only", choices=["resnet", "vgg"])
    a = ap.parse_args()
    print("| network | layer | C | HxW | K | " + " | ".join(f"{x} max_abs | {x} max_rel" for x in ALGOS) + " |")
    print("|---|---|---|---|---|" + "---|---|" * len(ALGOS))
    for net, layer, c, hw, k in LAYERS:
        if a.only and not net.lower().startswith(a.only):
            continue
        problem = f"n1c{c}h{hw}w{hw}k{k}r3s3pad1"
        cmd = [a.oclnn, "bench", "conv", problem, "--algo", ",".join(ALGOS), "--verify", "--json",
               "--iters", "1", "--warmup", "0", "--device", a.device, "--layout", a.layout]
        # exit 1 when an algorithm exceeds its --verify bound: the table shows it either way
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        rows = {r["algo"]: r for r in json.loads(out)}
        cells = []
        for x in ALGOS:
            r = rows.get(x)
            cells.append(f"{r['max_abs_err']:.2e} | {r['max_rel_err']:.2e}" if r else "- | -")
        print(f"| {net} | {layer} | {c} | {hw}x{hw} | {k} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
