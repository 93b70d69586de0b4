#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Global-memory bytes per FLOP of convolution kernels, counted by Oclgrind.

Runs `oclnn bench conv` once per (shape, algorithm, device class, tuning) under Oclgrind with
OCLGRIND_INST_COUNTS=1, sums the "load global (N bytes)" of every kernel launched and divides by
the convolution's FLOPs (2 * K * C/groups * R * S * N * P * Q). Also reports whether any kernel
loads or stores private memory ("load private": a private array the compiler could not keep in
registers, such as one indexed with a run-time value).

  tools/bytes_per_flop.py [--oclnn build/oclnn] [--only NAME]   # prints a Markdown table

Slow (Oclgrind interprets every instruction): minutes per shape on a small machine.
"""
import argparse
import os
import re
import subprocess
import tempfile

OCLGRIND = "/usr/lib/oclgrind/liboclgrind-rt.so"

# name, bench arguments, M x N x K of its GEMM (for the table)
SHAPES = [
    ("res3 3x3 at 14x14 (GEMM 128x196x1152)", "1,128,14,14 128,128,3,3 --pad 1", "128x196x1152"),
    ("res2 1x1 reduce at 14x14", "1,256,14,14 64,256,1,1", "64x196x256"),
    ("stem 7x7/2 at 56x56", "1,3,56,56 64,3,7,7 --stride 2 --pad 3", "64x784x147"),
]

# label, algorithm, device class, tuning rows (family NAME=value...), None: class defaults
VARIANTS = [
    ("before: im2col + gemm.cl (GPU defaults TM=4 VW=4)", "im2col", "cpu",
     "conv_im2col {p} TM=4 VW=4 NV=1 1.0"),
    ("before: gemm1x1 on gemm.cl (TM=4 VW=4)", "gemm1x1", "cpu", "conv_gemm1x1 {p} TM=4 VW=4 NV=1 1.0"),
    ("after: implicit-gemm, NVIDIA default tiles (64x64x32)", "implicit-gemm", "nvidia", None),
    ("after: gemm1x1 on the engine, NVIDIA default tiles", "gemm1x1", "nvidia", None),
    ("after: implicit-gemm, 128x64x32 tiles (16x16 work-items)", "implicit-gemm", "nvidia",
     "conv_xgemm {p} MWG=128 NWG=64 KWG=32 MDIMC=16 NDIMC=16 DB=0 1.0"),
]

HEADER = """oclnn-tuning 1
device: Oclgrind Simulator
vendor: Oclgrind
driver: Oclgrind 21.10
kernels: 1
"""


def flops(args):
    nums = re.findall(r"[\d,]+", args)
    n, c, h, w = map(int, nums[0].split(","))
    k, cg, r, s = map(int, nums[1].split(","))
    stride = int(re.search(r"--stride (\d+)", args).group(1)) if "--stride" in args else 1
    pad = int(re.search(r"--pad (\d+)", args).group(1)) if "--pad" in args else 0
    p = (h + 2 * pad - r) // stride + 1
    q = (w + 2 * pad - s) // stride + 1
    return 2 * k * cg * r * s * n * p * q


def run(oclnn, args, algo, cls, rows):
    env = dict(os.environ, OCLNN_OPENCL_LIBRARY=OCLGRIND, OCLGRIND_INST_COUNTS="1",
               OCLNN_DEVICE_CLASS=cls, OCLNN_CACHE_DIR="none", OCLNN_LAYOUT="nchw")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as db:
        db.write(HEADER + "".join(r + "\n" for r in rows) + "end\n")
    env["OCLNN_TUNING_DB"] = db.name
    cmd = [oclnn, "bench", "conv"] + args.split() + ["--algo", algo, "--device", "0:0", "--iters",
                                                    "1", "--warmup", "0", "--layout", "nchw"]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    out = r.stdout + r.stderr
    os.unlink(db.name)
    return out


def parse(text):
    """{kernel: (global load bytes, private accesses)} summed over launches."""
    kernels = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"Instructions executed for kernel '(\w+)'", line)
        if m:
            current = m.group(1)
            kernels.setdefault(current, [0, 0])
            continue
        if current is None:
            continue
        m = re.search(r"load global \((\d+) bytes\)", line)
        if m:
            kernels[current][0] += int(m.group(1))
        if "private" in line and ("load" in line or "store" in line):
            kernels[current][1] += int(line.split()[0])
    return kernels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oclnn", default="build/oclnn")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    print("| shape | GEMM | variant | kernel: global bytes loaded | bytes/FLOP | private accesses |")
    print("|---|---|---|---|---|---|")
    for name, args, gemm in SHAPES:
        if a.only and a.only not in name:
            continue
        one_by_one = ",1,1" in args.split()[1] and "--stride" not in args
        for label, algo, cls, row in VARIANTS:
            if (algo == "gemm1x1") != one_by_one:
                continue
            rows = [row.format(p=canonical(args))] if row else []
            out = run(a.oclnn, args, algo, cls, rows)
            ks = parse(out)
            total = sum(v[0] for v in ks.values())
            priv = sum(v[1] for v in ks.values())
            detail = ", ".join(f"{k} {v[0]:,}" for k, v in ks.items())
            print(f"| {name} | {gemm} | {label} | {detail} | {total / flops(args):.3f} | {priv} |",
                  flush=True)


def canonical(args):
    nums = re.findall(r"[\d,]+", args)
    n, c, h, w = map(int, nums[0].split(","))
    k, cg, r, s = map(int, nums[1].split(","))
    stride = int(re.search(r"--stride (\d+)", args).group(1)) if "--stride" in args else 1
    pad = int(re.search(r"--pad (\d+)", args).group(1)) if "--pad" in args else 0
    return f"n{n}c{c}h{h}w{w}k{k}r{r}s{s}st{stride}x{stride}pad{pad},{pad},{pad},{pad}dil1x1g1"


if __name__ == "__main__":
    main()
