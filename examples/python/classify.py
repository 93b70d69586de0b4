#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""classify.py: examples/classify in Python. Runs a built-in torchvision architecture on a PPM
image and prints the top 5 classes.

    classify.py [--net resnet18] [--weights FILE.safetensors | --seed N] [--labels FILE]
                [--device cpu|P:D|name] [--size 224] IMAGE.ppm

Preprocessing is torchvision's: shorter side to size*256/224 (bilinear), center crop, ImageNet
mean/std. With the source tree: PYTHONPATH=python OCLNN_LIBRARY=build/liboclnn.so."""
import argparse

import numpy as np

import oclnn


def read_ppm(path):
    """A binary PPM (P6, 8 or 16 bits) as an H x W x 3 float array in [0, 1]."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while pos < len(data) and (data[pos:pos + 1].isspace() or data[pos:pos + 1] == b"#"):
            if data[pos:pos + 1] == b"#":
                pos = data.index(b"\n", pos)
            pos += 1
        end = pos
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6":
        raise ValueError("%s is not a binary PPM (P6)" % path)
    w, h, maxval = (int(v) for v in fields[1:])
    dtype = np.dtype(">u2") if maxval > 255 else np.uint8
    pixels = np.frombuffer(data, dtype=dtype, count=w * h * 3, offset=pos + 1)
    return pixels.reshape(h, w, 3).astype(np.float32) / maxval


def preprocess(img, size):
    h, w, _ = img.shape
    scale = min(h, w) / (size * 256.0 / 224.0)  # source pixels per resized pixel
    oy, ox = (h / scale - size) / 2, (w / scale - size) / 2
    sy = np.clip((np.arange(size) + oy + 0.5) * scale - 0.5, 0, h - 1)
    sx = np.clip((np.arange(size) + ox + 0.5) * scale - 0.5, 0, w - 1)
    y0, x0 = sy.astype(int), sx.astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    fy, fx = (sy - y0)[:, None, None], (sx - x0)[None, :, None]
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bottom = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    crop = top * (1 - fy) + bottom * fy
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    return ((crop - mean) / std).transpose(2, 0, 1)[None].astype(np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("image")
    p.add_argument("--net", default="resnet18", choices=oclnn.builtin_names())
    p.add_argument("--weights")
    p.add_argument("--seed", type=int)
    p.add_argument("--labels")
    p.add_argument("--device")
    p.add_argument("--size", type=int, default=224)
    a = p.parse_args()
    x = preprocess(read_ppm(a.image), a.size)
    with oclnn.Context(device=a.device) as ctx:
        net = oclnn.Net.builtin(a.net, weights=a.weights,
                                seed=None if a.weights else (a.seed if a.seed is not None else 1),
                                input_shape=x.shape, context=ctx)
        logits = net(x).reshape(-1).astype(np.float64)
        net.close()
        print("%s on \"%s\", %s weights" % (a.net, ctx.device.name, a.weights or "seeded"))
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    labels = open(a.labels).read().splitlines() if a.labels else []
    for rank, i in enumerate(np.argsort(-logits, kind="stable")[:5], 1):
        label = labels[i] if i < len(labels) else ""
        print("%d. class %4d  p=%.4f  %s" % (rank, i, probs[i], label))


if __name__ == "__main__":
    main()
