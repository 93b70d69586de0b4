#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Exports a torchvision model's state_dict to .safetensors for `oclnn bench net --weights`.

Run with Debian's interpreter (python3-torch, python3-torchvision):
    /usr/bin/python3 tools/export_weights.py resnet50 resnet50.safetensors
        [--init torch|oclnn] [--seed S] [--size H[,W]] [--batch N]
        [--input in.npy --output out.npy]

--init torch (default): torchvision's own initialization after torch.manual_seed(seed), weights=None.
--init oclnn: every parameter and buffer is overwritten with oclnn's deterministic generator (the
    same values oclnn_graph_init_random(seed) gives in C; see oclnn_generator below), so a test can
    rebuild the weights in C without a 45 MB file.
--input/--output: also write a seeded input of shape (batch, 3, H, W) and the model's output on it
    (eval mode, float64 arithmetic, stored as float32), to compare with
    `oclnn bench net NAME --weights F --input in.npy --output o.npy`.

The file is written by hand (8-byte little-endian header length, JSON header, raw float32 data),
so the `safetensors` Python package is not needed. BatchNorm's num_batches_tracked (int64, unused
at inference) is left out; GoogLeNet is built without its auxiliary heads and with
transform_input=False, as oclnn's googlenet.
"""
import argparse
import json
import math
import struct
import sys

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def fnv1a64(name):
    h = 0xCBF29CE484222325
    for b in name.encode():
        h = ((h ^ b) * 0x100000001B3) & MASK
    return h


def oclnn_generator(name, seed, lo, hi, count):
    """oclnn_random_uniform: element i is splitmix64(fnv1a64(name) + seed * GOLDEN + i); its top
    24 bits give u in [0, 1); the value is float32(lo + (hi - lo) * u) computed in double."""
    key = (fnv1a64(name) + seed * GOLDEN) & MASK
    with np.errstate(over="ignore"):
        z = np.arange(count, dtype=np.uint64) + np.uint64(key) + np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(40)).astype(np.float64) * (1.0 / 16777216.0)
    return (lo + (hi - lo) * u).astype(np.float32)


def build(name, seed):
    import torch
    import torchvision
    torch.manual_seed(seed)
    kwargs = {"weights": None}
    if name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=True, transform_input=False)
    if name == "inception_v3":
        kwargs.update(aux_logits=False, init_weights=True, transform_input=False)
    return getattr(torchvision.models, name)(**kwargs).eval()


def oclnn_init(model, seed):
    """Overwrites parameters and batch-norm statistics as oclnn_graph_init_random does."""
    import torch
    sd = model.state_dict()
    for mod_name, m in model.named_modules():
        prefix = mod_name + "." if mod_name else ""
        if isinstance(m, torch.nn.Conv2d):
            fan_in = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
            b = math.sqrt(6.0 / fan_in)
            fill(sd, prefix + "weight", seed, -b, b)
            if m.bias is not None:
                b = 1.0 / math.sqrt(fan_in)
                fill(sd, prefix + "bias", seed, -b, b)
        elif isinstance(m, torch.nn.ConvTranspose2d):  # issue 18: fan_in as oclnn's DECONV node
            fan_in = m.out_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
            b = math.sqrt(6.0 / fan_in)
            fill(sd, prefix + "weight", seed, -b, b)
            if m.bias is not None:
                b = 1.0 / math.sqrt(fan_in)
                fill(sd, prefix + "bias", seed, -b, b)
        elif isinstance(m, torch.nn.Linear):
            b = 1.0 / math.sqrt(m.in_features)
            fill(sd, prefix + "weight", seed, -b, b)
            if m.bias is not None:
                fill(sd, prefix + "bias", seed, -b, b)
        elif isinstance(m, torch.nn.BatchNorm2d):
            fill(sd, prefix + "weight", seed, 0.5, 1.5)
            fill(sd, prefix + "running_var", seed, 0.5, 1.5)
            fill(sd, prefix + "bias", seed, -0.1, 0.1)
            fill(sd, prefix + "running_mean", seed, -0.1, 0.1)
    model.load_state_dict(sd)


def fill(sd, key, seed, lo, hi):
    import torch
    t = sd[key]
    sd[key] = torch.from_numpy(oclnn_generator(key, seed, lo, hi, t.numel()).reshape(t.shape))


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4"))
        header[key] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data area starts 8-aligned, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def state_tensors(model):
    return {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


def run_double(model, x):
    import torch
    with torch.no_grad():
        return model.double()(torch.from_numpy(x).double()).float().numpy()


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("name")
    p.add_argument("out")
    p.add_argument("--init", choices=["torch", "oclnn"], default="torch")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--size", default="224")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--input")
    p.add_argument("--output")
    a = p.parse_args(argv)
    model = build(a.name, a.seed)
    if a.init == "oclnn":
        oclnn_init(model, a.seed)
    write_safetensors(a.out, state_tensors(model))
    if a.input or a.output:
        hw = [int(v) for v in a.size.split(",")]
        h, w = hw[0], hw[-1]
        x = oclnn_generator("input", a.seed, -1.0, 1.0, a.batch * 3 * h * w).reshape(a.batch, 3, h, w)
        if a.input:
            np.save(a.input, x)
        if a.output:
            np.save(a.output, run_double(model, x))


if __name__ == "__main__":
    main(sys.argv[1:])
