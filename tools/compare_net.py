#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Times whole networks with onnxruntime (CPU), PyTorch (CPU, fastest inference mode) and oclnn
(`oclnn bench net --json`, the C backend and/or PoCL) in one run, interleaved, and prints a
Markdown table.

    /usr/bin/python3 tools/compare_net.py [--oclnn build/oclnn] [--ort /work/ort]
        [--nets resnet18,resnet50,...] [--batches 1,8] [--iters 10] [--rounds 3] [--threads 2]
        [--devices cpu,opencl] [--engines ort,torch,oclnn]

Interleaved: each round times every engine once per (net, batch), so a noisy stretch of a shared
machine hits all engines alike; the table shows the median over rounds of each engine's median
of --iters runs (each after its own warm-up). Each round's times go to stderr as it ends, so a
row that one slow stretch moved can be told from one that moved in every round.

onnxruntime: npm `onnxruntime-node` (install it outside the repository, e.g.
`mkdir -p /work/ort && cd /work/ort && npm install --ignore-scripts onnxruntime-node@1.30.0`),
run by tools/ort_bench.js with --threads intra-op threads, on the torchvision model exported to
ONNX (opset 13, cached in --onnx-dir). PyTorch: torchvision model (weights=None, seeded), eval,
--threads threads, torch.jit.freeze(torch.jit.script) + torch.jit.optimize_for_inference,
channels_last and contiguous both tried (the faster is reported). oclnn: the median `oclnn bench
net` reports with --threads for the C backend, on the same torchvision weights as the ONNX file
(tools/export_weights.py, seed 0; --seeded: oclnn's own). All at 224x224 (inception_v3 299x299).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def size_of(name):
    return 299 if name == "inception_v3" else 224


def torch_model(name):
    sys.path.insert(0, HERE)
    import export_weights as ew
    return ew.build(name, 0)


def torch_ms(name, batch, iters, threads):
    import torch
    torch.set_num_threads(threads)
    model = torch_model(name)
    best = None
    for channels_last in (False, True):
        x = torch.randn(batch, 3, size_of(name), size_of(name))
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


def onnx_file(name, batch, folder):
    path = os.path.join(folder, f"{name}_b{batch}.onnx")
    if not os.path.exists(path):
        import torch
        os.makedirs(folder, exist_ok=True)
        x = torch.randn(batch, 3, size_of(name), size_of(name))
        torch.onnx.export(torch_model(name), x, path, opset_version=13, input_names=["input"],
                          output_names=["output"])
    return path


def ort_ms(ort_dir, name, batch, iters, threads, folder):
    model = onnx_file(name, batch, folder)
    shape = f"{batch},3,{size_of(name)},{size_of(name)}"
    env = dict(os.environ, NODE_PATH=os.path.join(ort_dir, "node_modules"))
    out = subprocess.run(["node", os.path.join(HERE, "ort_bench.js"), model, shape, str(iters),
                          str(threads)], check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)["median_ms"]


def weights_file(name, folder):
    """The torchvision model's weights (seed 0, as the ONNX export) for `oclnn bench net
    --weights`, so that every engine runs the same weights."""
    path = os.path.join(folder, f"{name}.safetensors")
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(HERE, "export_weights.py"), name, path,
                        "--size", str(size_of(name))], check=True, capture_output=True)
    return path


def oclnn_run(tool, name, batch, iters, device, threads, base=None, weights=None):
    """device: "cpu", "cpu-passive" (the C backend with OMP_WAIT_POLICY=passive in its
    environment), "cpu-avx2" / "cpu-scalar" (the C backend with OCLNN_CPU_ISA forcing that
    path), "cpu-base" (the C backend of another build, --oclnn-base: before/after in one run)
    or "opencl" (the default OpenCL device)."""
    if device == "cpu-base":
        tool = base
    cmd = [tool, "bench", "net", name, "--batch", str(batch), "--iters", str(iters), "--json"]
    if weights:
        cmd += ["--weights", weights]
    env = dict(os.environ)
    if device.startswith("cpu"):
        cmd += ["--device", "cpu", "--threads", str(threads)]
    if device == "cpu-passive":
        env["OMP_WAIT_POLICY"] = "passive"
    if device in ("cpu-avx2", "cpu-scalar"):
        env["OCLNN_CPU_ISA"] = device.split("-", 1)[1]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def c_backend_name(tool):
    """The C backend's line in `oclnn devices` (thread count and ISA path)."""
    out = subprocess.run([tool, "devices"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "C backend (" in line:
            return line.strip().split(None, 1)[1]
    return "C backend"


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--oclnn", default=os.path.join(HERE, "..", "build", "oclnn"))
    p.add_argument("--ort", default="/work/ort", help="folder holding node_modules/onnxruntime-node")
    p.add_argument("--onnx-dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "oclnn-onnx"))
    p.add_argument("--nets", default="resnet18,resnet50,googlenet,resnext50_32x4d,vgg16,inception_v3")
    p.add_argument("--batches", default="1,8")
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--devices", default="cpu",
                   help="oclnn columns: cpu, cpu-passive (OMP_WAIT_POLICY=passive), cpu-avx2, "
                        "cpu-scalar (OCLNN_CPU_ISA forced), cpu-base (--oclnn-base), opencl")
    p.add_argument("--oclnn-base", help="another build's oclnn, for the cpu-base column")
    p.add_argument("--seeded", action="store_true",
                   help="oclnn on its own seeded weights instead of the exported torchvision ones")
    p.add_argument("--engines", default="ort,torch,oclnn")
    a = p.parse_args(argv)
    engines = a.engines.split(",")
    devices = a.devices.split(",") if "oclnn" in engines else []
    cols = [e for e in ("ort", "torch") if e in engines] + [f"oclnn-{d}" for d in devices]
    title = {"ort": "onnxruntime", "torch": "PyTorch jit", "oclnn-cpu": "oclnn C backend",
             "oclnn-cpu-passive": "oclnn C, OMP_WAIT_POLICY=passive", "oclnn-opencl": "oclnn OpenCL",
             "oclnn-cpu-avx2": "oclnn C, avx2 path", "oclnn-cpu-scalar": "oclnn C, scalar path",
             "oclnn-cpu-base": "oclnn C, base build"}
    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; {a.threads} threads; "
          f"{c_backend_name(a.oclnn)}\n")
    head = "| net | batch |" + "".join(f" {title[c]} ms |" for c in cols)
    ratios = [c for c in cols if c.startswith("oclnn-cpu")] if "ort" in cols else []
    head += "".join(f" {title[c]} / onnxruntime |" for c in ratios)
    head += " oclnn peak MiB | load avg |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in a.nets.split(","):
        for batch in (int(b) for b in a.batches.split(",")):
            times = {c: [] for c in cols}
            peak = {}
            load0 = os.getloadavg()[0]
            weights = None if a.seeded or "oclnn" not in engines else weights_file(name, a.onnx_dir)
            for _ in range(a.rounds):
                for c in cols:
                    if c == "ort":
                        times[c].append(ort_ms(a.ort, name, batch, a.iters, a.threads, a.onnx_dir))
                    elif c == "torch":
                        times[c].append(torch_ms(name, batch, a.iters, a.threads))
                    else:
                        r = oclnn_run(a.oclnn, name, batch, a.iters, c.split("-", 1)[1], a.threads,
                                      a.oclnn_base, weights)
                        times[c].append(r["median_ms"])
                        peak[c] = r["peak_device_bytes"] / 1048576
                print(f"{name} batch {batch} round {len(times[cols[0]])}: " +
                      ", ".join(f"{c} {times[c][-1]:.1f} ms" for c in cols), file=sys.stderr, flush=True)
            med = {c: statistics.median(v) for c, v in times.items()}
            row = f"| {name} | {batch} |" + "".join(f" {med[c]:.1f} |" for c in cols)
            row += "".join(f" {med[c] / med['ort']:.2f}x |" for c in ratios)
            first = next((c for c in cols if c in peak), None)  # the first oclnn column's peak
            print(row + f" {peak[first] if first else 0.0:.1f} | {load0:.1f}-{os.getloadavg()[0]:.1f} |",
                  flush=True)
    print("\noclnn peak MiB: the first oclnn column's peak device memory (`bench net`)")
    print(f"load avg: the 1-minute load average before and after the row, on "
          f"{os.cpu_count()} CPUs")
    print(f"median over {a.rounds} interleaved rounds of each engine's median of {a.iters} runs; "
          "ratio below 1: oclnn faster")


if __name__ == "__main__":
    main(sys.argv[1:])
