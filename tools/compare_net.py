#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Times whole networks with oclnn (`oclnn bench net --json`, on PoCL and on the C backend) and
with PyTorch CPU in its fastest inference mode, in the same run, and prints a Markdown table.

    /usr/bin/python3 tools/compare_net.py [--oclnn build/oclnn] [--nets resnet50,googlenet,...]
        [--batches 1,8] [--iters 10] [--threads 2] [--devices opencl,cpu]

PyTorch: torchvision model (weights=None, seeded), eval, 2 threads, torch.jit.freeze(torch.jit.script)
+ torch.jit.optimize_for_inference, channels_last and contiguous both tried (the faster is
reported), median of --iters runs after 3 warm-up runs. oclnn: the median oclnn bench net reports
(its own warm-up, then --iters runs, each waiting for the device). Both use 224x224 inputs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX")


def torch_ms(name, batch, iters, threads):
    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import export_weights as ew
    torch.set_num_threads(threads)
    model = ew.build(name, 0)
    best = None
    for channels_last in (False, True):
        x = torch.randn(batch, 3, 224, 224)
        m = model
        if channels_last:
            m = m.to(memory_format=torch.channels_last)
            x = x.to(memory_format=torch.channels_last)
        with torch.no_grad():
            f = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(m)))
            for _ in range(3):
                f(x)
            t = []
            for _ in range(iters):
                t0 = time.perf_counter()
                f(x)
                t.append((time.perf_counter() - t0) * 1e3)
        ms = statistics.median(t)
        best = ms if best is None else min(best, ms)
    return best


def oclnn_run(tool, name, batch, iters, device):
    cmd = [tool, "bench", "net", name, "--batch", str(batch), "--iters", str(iters), "--json"]
    if device == "cpu":
        cmd += ["--device", "cpu"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--oclnn", default=os.path.join(os.path.dirname(__file__), "..", "build", "oclnn"))
    p.add_argument("--nets", default="resnet50,googlenet,resnext50_32x4d,vgg16")
    p.add_argument("--batches", default="1")
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--devices", default="opencl,cpu")
    a = p.parse_args(argv)
    devices = a.devices.split(",")
    head = "| net | batch | PyTorch jit ms |" + "".join(f" oclnn {d} ms | ratio |" for d in devices)
    head += " peak MiB |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in a.nets.split(","):
        for batch in (int(b) for b in a.batches.split(",")):
            pt = torch_ms(name, batch, a.iters, a.threads)
            row = f"| {name} | {batch} | {pt:.1f} |"
            peak = 0
            for d in devices:
                r = oclnn_run(a.oclnn, name, batch, a.iters, d)
                row += f" {r['median_ms']:.1f} | {r['median_ms'] / pt:.2f}x |"
                peak = r["peak_device_bytes"] / 1048576
            print(row + f" {peak:.0f} |", flush=True)
    print(f"\nratio = oclnn / PyTorch (below 1: oclnn faster); {a.threads} threads; median of {a.iters} runs")


if __name__ == "__main__":
    main(sys.argv[1:])
