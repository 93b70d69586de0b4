#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Times the detection ops of oclnn against torchvision on the CPU, on identical inputs.

Usage: /usr/bin/python3 tools/compare_detect.py BUILD_DIR [--iters N]
torchvision always runs NCHW; oclnn runs the RoI ops in both layouts. It regenerates the inputs of `oclnn bench roi_align|roi_pool|nms` (same xorshift stream), times
torchvision.ops with 1 and 2 threads (median of N runs after warm-up), runs `oclnn bench` on the
OpenCL device and on the C backend with 1 and 2 threads (--json --verify), checks that torchvision's NMS keeps as many
boxes as oclnn, and prints a Markdown table for docs/PERFORMANCE-detect.md.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torchvision


class XorShift:
    """The stream of tools/oclnn/bench_detect.c (next_unit)."""

    def __init__(self, seed):
        self.s = seed

    def unit(self):
        s = self.s
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        self.s = s
        return float(torch.tensor((s >> 8) * (1.0 / 16777216.0), dtype=torch.float32))


def roi_inputs(n, c, h, w, num_rois, scale):
    g = XorShift(12345)
    fmap = torch.tensor([g.unit() * 2 - 1 for _ in range(n * c * h * w)]).reshape(n, c, h, w)
    img_h, img_w = h / scale, w / scale
    rois = []
    for r in range(num_rois):
        bw = 16 + g.unit() * 384
        bh = 16 + g.unit() * 384
        x = g.unit() * (img_w + 32) - 16 - bw / 2
        y = g.unit() * (img_h + 32) - 16 - bh / 2
        rois.append([r % n, x, y, x + bw, y + bh])
    return fmap, torch.tensor(rois, dtype=torch.float32)


def nms_inputs(n, objects):
    g = XorShift(777)
    centers = [(100 + g.unit() * 600, 100 + g.unit() * 600) for _ in range(objects)]
    boxes, scores = [], []
    for _ in range(n):
        w = 20 + g.unit() * 180
        h = 20 + g.unit() * 180
        if objects:
            o = int(g.unit() * objects) % objects
            cx = centers[o][0] + (g.unit() - 0.5) * 40
            cy = centers[o][1] + (g.unit() - 0.5) * 40
        else:
            cx = g.unit() * 800
            cy = g.unit() * 800
        boxes.append([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        scores.append(g.unit())
    return torch.tensor(boxes, dtype=torch.float32), torch.tensor(scores, dtype=torch.float32)


def median_ms(fn, iters):
    for _ in range(2):
        fn()
    t = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        t.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(t)


def oclnn_ms(build, args, device, iters, threads=2):
    cmd = [f"{build}/oclnn", "bench"] + args + ["--json", "--verify", "--iters", str(iters), "--device", device]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stdout}{out.stderr}")
    r = json.loads(out.stdout)[0]
    return r["ms"], r["problem"]


def main(argv):
    build = argv[0] if argv else "build"
    iters = int(argv[argv.index("--iters") + 1]) if "--iters" in argv else 20
    fmap, rois = roi_inputs(1, 256, 50, 50, 300, 0.0625)
    rows = []
    cases = []
    for layout in ("nchw", "nhwc"):
        cases += [
            (f"roi_align {layout.upper()}", ["roi_align", "--layout", layout],
             lambda: torchvision.ops.roi_align(fmap, rois, (7, 7), 0.0625, 2, False)),
            (f"roi_pool {layout.upper()}", ["roi_pool", "--layout", layout],
             lambda: torchvision.ops.roi_pool(fmap, rois, (7, 7), 0.0625)),
        ]
    for n, objects in ((2000, 0), (2000, 50), (12000, 0)):
        b, s = nms_inputs(n, objects)
        kept = len(torchvision.ops.nms(b, s, 0.7))
        args = ["nms", "--boxes", str(n), "--objects", str(objects)]
        cases.append((f"nms {n} boxes, {'spread' if not objects else f'{objects} objects'} (kept {kept})",
                      args, (lambda b=b, s=s: torchvision.ops.nms(b, s, 0.7))))
    b, s = nms_inputs(2000, 0)
    idxs = torch.arange(2000) % 80
    kept = len(torchvision.ops.batched_nms(b, s, idxs, 0.7))
    cases.append((f"batched nms 2000 boxes, 80 classes (kept {kept})",
                  ["nms", "--boxes", "2000", "--classes", "80"],
                  lambda: torchvision.ops.batched_nms(b, s, idxs, 0.7)))
    for name, args, fn in cases:
        tv = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            tv.append(median_ms(fn, iters))
        cl, problem = oclnn_ms(build, args, "0:0", iters)
        cpu1, _ = oclnn_ms(build, args, "cpu", iters, threads=1)
        cpu, _ = oclnn_ms(build, args, "cpu", iters)
        if "nms" in name:
            kept = int(problem.split("kept")[1])
            if f"(kept {kept})" not in name:
                raise SystemExit(f"{name}: oclnn kept {kept}")
        rows.append((name, problem, tv[0], tv[1], cl, cpu1, cpu))
    print("| op | problem | torchvision 1 thread | torchvision 2 threads | oclnn OpenCL (PoCL) "
          "| oclnn C backend 1 thread | oclnn C backend 2 threads |")
    print("|---|---|---|---|---|---|---|")
    for name, problem, t1, t2, cl, c1, c2 in rows:
        print(f"| {name} | `{problem}` | {t1:.2f} ms | {t2:.2f} ms | {cl:.2f} ms | {c1:.2f} ms | {c2:.2f} ms |")


if __name__ == "__main__":
    main(sys.argv[1:])
