#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""oclnn against onnxruntime on torchvision models exported to ONNX.

For each model and opset: exports torchvision's model (weights from torch.manual_seed(0), eval
mode, batch a dynamic axis) unless WORK/MODEL_opN.onnx exists, runs onnxruntime-node (CPU) and
`oclnn run` on each device on the same seeded input (uniform [0, 1)), and prints a Markdown table
row: max abs error, max abs error relative to max |onnxruntime|, top-1 agreement, and the median
time of `oclnn bench net MODEL.onnx` beside onnxruntime's.

--models may also name the video classifiers r3d_18, mc3_18, r2plus1d_18 (issue 19; a
(1, 3, 8, 56, 56) clip through the loader's 3-D nodes).

Usage: /usr/bin/python3 tools/compare_onnx.py [--models resnet18,googlenet] [--opsets 11,17]
         [--devices cpu,0:0] [--iters 3] [--threads 2] [--work DIR] [--ort DIR-with-node_modules]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
MODELS = ["resnet18", "resnet50", "googlenet", "inception_v3", "vgg16", "resnext50_32x4d", "mobilenet_v2",
          "mobilenet_v3_large", "squeezenet1_1", "densenet121", "shufflenet_v2_x1_0", "efficientnet_b0", "alexnet",
          "regnet_x_400mf"]
# issue 19: torchvision's video classifiers, on a (1, 3, 8, 56, 56) clip (not in the default list)
VIDEO = ["r3d_18", "mc3_18", "r2plus1d_18"]


def input_shape(name):
    if name in VIDEO:
        return (1, 3, 8, 56, 56)
    size = 299 if name == "inception_v3" else 224
    return (1, 3, size, size)


def export(name, opset, path):
    import torch
    import torchvision
    torch.manual_seed(0)
    kw = {"aux_logits": False, "init_weights": True} if name in ("googlenet", "inception_v3") else {}
    family = torchvision.models.video if name in VIDEO else torchvision.models
    m = getattr(family, name)(weights=None, **kw).eval()
    torch.onnx.export(m, torch.rand(*input_shape(name)), path, opset_version=opset, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()[-400:]}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--opsets", default="11,17")
    ap.add_argument("--devices", default="cpu,0:0")
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default="/tmp/oclnn-onnx")
    ap.add_argument("--ort", default="/work/ort")
    ap.add_argument("--tool", default=os.path.join(ROOT, "build", "oclnn"))
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    env = dict(os.environ, NODE_PATH=os.path.join(a.ort, "node_modules"))
    print("| model | opset | device | max abs err | rel err | top-1 agree | oclnn ms | onnxruntime ms |")
    print("|---|---|---|---|---|---|---|---|")
    for name in a.models.split(","):
        shape = input_shape(name)
        tag = "x".join(map(str, shape[2:]))
        x = np.random.default_rng(0).random(shape, dtype=np.float32)
        xb, xn = os.path.join(a.work, f"x{tag}.bin"), os.path.join(a.work, f"x{tag}.npy")
        x.tofile(xb)
        np.save(xn, x)
        for opset in a.opsets.split(","):
            path = os.path.join(a.work, f"{name}_op{opset}.onnx")
            if not os.path.exists(path):
                export(name, int(opset), path)
            ob = os.path.join(a.work, "ort_y.bin")
            ort = json.loads(run(["node", os.path.join(ROOT, "tools", "ort_run.js"), path, xb, ",".join(map(str, shape)),
                                  str(a.iters), str(a.threads), ob], env=env))
            ref = np.fromfile(ob, dtype="<f4")
            for dev in a.devices.split(","):
                yn = os.path.join(a.work, "oclnn_y.npy")
                try:
                    run([a.tool, "run", path, "--input", xn, "--output", yn, "--device", dev])
                    y = np.load(yn).reshape(-1)
                    bench = json.loads(run([a.tool, "bench", "net", path, "--input", xn, "--device", dev, "--iters",
                                            str(a.iters), "--warmup", "1", "--json"]))
                except RuntimeError as e:
                    print(f"| {name} | {opset} | {dev} | refused or failed: {str(e)[-160:]} | | | | |")
                    continue
                err = float(np.abs(y - ref).max())
                rel = err / float(np.abs(ref).max())
                top1 = "yes" if int(y.argmax()) == int(ref.argmax()) else "NO"
                print(f"| {name} | {opset} | {dev} | {err:.2e} | {rel:.2e} | {top1} | {bench['median_ms']:.1f} "
                      f"| {ort['median_ms']:.1f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
