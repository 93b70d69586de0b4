#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""oclnn's fasterrcnn_resnet50_fpn beside torchvision's, on this machine, in one run.

    /usr/bin/python3 tools/compare_detector.py BUILD_DIR [--size H,W] [--min-size N] [--iters N]
        [--weights OUT.safetensors] [--devices cpu,0:0]

1. Builds torchvision's model with oclnn's seeded weights, batch-norm statistics calibrated on one
   image and the RPN outputs scaled (tools/golden/detector.py: the test's model; torchvision has no
   pretrained weights offline here) and saves its state_dict as .safetensors, which
   `oclnn detect --weights` and `oclnn bench net --weights` load by torchvision's names.
2. Writes a seeded image (PPM), runs `oclnn detect --json` on it on each device and checks the
   detections against torchvision's (same label, IoU >= 0.97, score within 5e-3, for the
   detections above the top-k cut).
3. Times torchvision (1 and 2 threads; whole model and each stage, timed by wrapping the stage
   modules' forward) and `oclnn bench net --json` (whole run and each stage) on each device; the
   image is the bench's fixed pattern for oclnn and the seeded one for torchvision (random
   weights: the content only changes the number of detections post-processed, at most 100).
Prints a Markdown table; the load average before and after is printed too.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_weights import write_safetensors  # noqa: E402
from golden import detector as gd  # noqa: E402

STAGES = ["transform", "backbone", "fpn", "rpn", "roi_heads", "postprocess"]


def model_for(min_size, max_size):
    model = gd.build(min_size, max_size, 1000, 1000, 0.05, 100)
    stats = gd.calibrate(gd.build(800, 1333, 1000, 1000, 0.05, 100))
    with torch.no_grad():
        i = 0
        for m in gd.bn_layers(model):
            c = m.num_features
            m.running_mean.copy_(stats[i:i + c])
            m.running_var.copy_(stats[i + c:i + 2 * c])
            i += 2 * c
        sd = model.state_dict()
        for prefix, scale in gd.RPN_SCALES.items():
            for suffix in ("weight", "bias"):
                sd[f"{prefix}.{suffix}"].mul_(scale)
    return model


def staged(model):
    """Wraps the stage modules' forward to accumulate wall time per stage."""
    times = {s: 0.0 for s in STAGES + ["_post_detections"]}

    def wrap(obj, attr, stage):
        f = getattr(obj, attr)

        def g(*a, **k):
            t = time.perf_counter()
            r = f(*a, **k)
            times[stage] += (time.perf_counter() - t) * 1e3
            return r
        setattr(obj, attr, g)

    wrap(model.transform, "forward", "transform")
    wrap(model.transform, "postprocess", "postprocess")
    wrap(model.backbone.body, "forward", "backbone")
    wrap(model.backbone.fpn, "forward", "fpn")
    wrap(model.rpn, "forward", "rpn")
    wrap(model.roi_heads, "forward", "roi_heads")
    wrap(model.roi_heads, "postprocess_detections", "_post_detections")  # moved to postprocess
    return times


def iou(a, b):
    ix = min(a[2], b[2]) - max(a[0], b[0])
    iy = min(a[3], b[3]) - max(a[1], b[1])
    inter = ix * iy if ix > 0 and iy > 0 else 0.0
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area if area > 0 else 0.0


def check(ref, got):
    """(matched, required) as tests/test_detector.c matches detections."""
    cut = ref["scores"][-1] if len(ref["scores"]) else 0.0
    used, matched, required = set(), 0, 0
    for b, s, l in zip(ref["boxes"], ref["scores"], ref["labels"]):
        if s < cut + 1e-2:
            continue
        required += 1
        best, bj = 0.0, None
        for j, d in enumerate(got):
            if j in used or d["label"] != l or abs(d["score"] - s) > 5e-3:
                continue
            v = iou(b, d["box"])
            if v > best:
                best, bj = v, j
        if bj is not None and best >= 0.97:
            used.add(bj)
            matched += 1
    return matched, required


def median(xs):
    return sorted(xs)[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size", default="480,640")
    ap.add_argument("--min-size", type=int, default=800)
    ap.add_argument("--max-size", type=int, default=1333)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--weights")
    ap.add_argument("--devices", default="cpu,0:0")
    a = ap.parse_args()
    h, w = (int(v) for v in a.size.split(","))
    tool = os.path.join(a.build, "oclnn")
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    model = model_for(a.min_size, a.max_size)
    tmp = tempfile.mkdtemp()
    weights = a.weights or os.path.join(tmp, "frcnn.safetensors")
    write_safetensors(weights, model.state_dict())

    img = gd.image("compare", h, w)
    ppm = os.path.join(tmp, "img.ppm")
    u8 = (img.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    with open(ppm, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + u8.tobytes())
    x = torch.from_numpy(u8).permute(2, 0, 1).float() / 255
    with torch.no_grad():
        out = model([x])[0]
    ref = {k: out[k].tolist() for k in ("boxes", "scores", "labels")}
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    devices = a.devices.split(",")
    for dev in devices:
        r = subprocess.run([tool, "detect", "fasterrcnn_resnet50_fpn", ppm, "--weights", weights, "--json",
                            "--score", "0", "--min-size", str(a.min_size), "--max-size", str(a.max_size),
                            "--device", dev], capture_output=True, text=True, env=env, check=True)
        got = json.loads(r.stdout)["detections"]
        m, req = check(ref, got)
        print(f"oclnn detect --device {dev}: {len(got)} detections (torchvision {len(ref['scores'])}), "
              f"{m} of {req} above the cut matched")

    rows = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        times = staged(model)
        whole, per = [], {s: [] for s in STAGES}
        with torch.no_grad():
            model([x])
            for _ in range(a.iters):
                for s in times:
                    times[s] = 0.0
                t = time.perf_counter()
                model([x])
                whole.append((time.perf_counter() - t) * 1e3)
                times["roi_heads"] -= times["_post_detections"]
                times["postprocess"] += times["_post_detections"]
                for s in STAGES:
                    per[s].append(times[s])
        # stages as oclnn's: rpn = head + proposals; roi_heads = RoIAlign + box head;
        # postprocess = postprocess_detections + transform.postprocess
        rows[f"torchvision {threads} thread{'s' if threads > 1 else ''}"] = (
            median(whole), {s: median(per[s]) for s in STAGES})
        model = model_for(a.min_size, a.max_size)  # unwrapped again
    for dev in devices:
        r = subprocess.run([tool, "bench", "net", "fasterrcnn_resnet50_fpn", "--weights", weights, "--size",
                            f"{h},{w}", "--json", "--iters", str(a.iters), "--warmup", "1", "--device", dev],
                           capture_output=True, text=True, env=env, check=True)
        j = json.loads(r.stdout)
        rows[f"oclnn {dev} ({j['device']}, {j['layout']})"] = (j["median_ms"], j["stages"])
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    print(f"\nimage {h}x{w}, min_size {a.min_size}, max_size {a.max_size}, median of {a.iters} runs (ms)\n")
    print("| | whole | " + " | ".join(STAGES) + " |")
    print("|---|---|" + "---|" * len(STAGES))
    for name, (whole, st) in rows.items():
        print(f"| {name} | {whole:.0f} | " + " | ".join(f"{st[s]:.0f}" for s in STAGES) + " |")


if __name__ == "__main__":
    main()
