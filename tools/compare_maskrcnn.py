#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`oclnn detect maskrcnn_resnet50_fpn --weights` beside torchvision's Mask R-CNN, end to end.

    /usr/bin/python3 tools/compare_maskrcnn.py BUILD_DIR [--size H,W] [--min-size N]
        [--detections N] [--devices cpu,0:0] [--out DIR] [--legacy-names]

Builds torchvision's maskrcnn_resnet50_fpn with the test's seeded weights
(tools/golden/detector_mask.py: calibrated batch norm, RPN and mask logits scaled), saves its
state_dict as .safetensors (torchvision's names, as a user's export), writes a seeded PPM image,
runs `oclnn detect --json --score 0` on each device and compares: detections as
tests/test_detector.c (same label, IoU >= 0.97, score within 5e-3, above the top-k cut), and for
each matched detection the mask decoded from the JSON's COCO run-lengths against torchvision's
mask > 0.5 (differing pixels counted). With --out, also writes DIR/<device>.png (the overlay).
--legacy-names saves the mask head as torchvision before 0.13 named it (mask_head.mask_fcn1..4).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_weights import write_safetensors  # noqa: E402
from golden import detector as gd  # noqa: E402
from golden import detector_mask as gm  # noqa: E402
from compare_detector import iou  # noqa: E402


def rle_decode(m):
    h, w = m["size"]
    flat = np.zeros(h * w, bool)
    at, on = 0, False
    for c in m["counts"]:
        flat[at:at + c] = on
        at += c
        on = not on
    assert at == h * w, (at, h * w)
    assert sum(m["counts"][1::2]) == m["area"]
    return flat.reshape(w, h).T  # column-major


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size", default="240,320")
    ap.add_argument("--min-size", type=int, default=320)
    ap.add_argument("--max-size", type=int, default=1333)
    ap.add_argument("--detections", type=int, default=20)
    ap.add_argument("--devices", default="cpu,0:0")
    ap.add_argument("--out")
    ap.add_argument("--legacy-names", action="store_true")
    a = ap.parse_args()
    h, w = (int(v) for v in a.size.split(","))
    torch.set_num_threads(2)
    model = gm.model_for(a.min_size, a.max_size, 1000, 1000, 0.05, a.detections)
    tmp = tempfile.mkdtemp()
    weights = os.path.join(tmp, "maskrcnn.safetensors")
    sd = {k: v for k, v in model.state_dict().items() if "num_batches" not in k}
    if a.legacy_names:
        for i in range(4):
            for suffix in ("weight", "bias"):
                sd[f"roi_heads.mask_head.mask_fcn{i + 1}.{suffix}"] = sd.pop(f"roi_heads.mask_head.{i}.0.{suffix}")
    write_safetensors(weights, sd)
    img = gd.image("compare", h, w)
    ppm = os.path.join(tmp, "img.ppm")
    u8 = (img.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    with open(ppm, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + u8.tobytes())
    x = torch.from_numpy(u8).permute(2, 0, 1).float() / 255
    with torch.no_grad():
        out = model([x])[0]
    boxes, scores, labels = out["boxes"].tolist(), out["scores"].tolist(), out["labels"].tolist()
    masks = (out["masks"][:, 0] > 0.5).numpy()
    cut = scores[-1] if scores else 0.0
    status = 0
    for dev in a.devices.split(","):
        cmd = [os.path.join(a.build, "oclnn"), "detect", "maskrcnn_resnet50_fpn", ppm, "--weights", weights,
               "--json", "--score", "0", "--min-size", str(a.min_size), "--max-size", str(a.max_size),
               "--detections", str(a.detections), "--device", dev]
        if a.out:
            cmd += ["--out", os.path.join(a.out, dev.replace(":", "_") + ".png")]
        got = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)["detections"]
        used, matched, required, diff, union = set(), 0, 0, 0, 0
        for b, s, l, m in zip(boxes, scores, labels, masks):
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
            if bj is None or best < 0.97:
                continue
            used.add(bj)
            matched += 1
            g = rle_decode(got[bj]["mask"])
            diff += int((g != m).sum())
            union += int((g | m).sum())
        print(f"oclnn detect --device {dev}: {len(got)} detections (torchvision {len(scores)}), {matched} of "
              f"{required} above the cut matched; masks: {diff} of {union} marked pixels differ")
        status |= matched != required
    sys.exit(status)


if __name__ == "__main__":
    main()
