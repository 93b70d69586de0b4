#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Times the ResNet-50 3x3 convolutions on oclnn (C backend and an OpenCL device, every
algorithm) and on PyTorch CPU in the same run, and prints a Markdown table.

Run with Debian's interpreter from the repository root after building:
    /usr/bin/python3 tools/compare_conv.py [--build build] [--batches 1,8] [--rounds 3]
        [--device 0:0] [--threads 2] [--json out.json]

The machine is shared and noisy, so each measurement is repeated --rounds times, interleaved
(every layer in turn, each as PyTorch, C backend, OpenCL), and the best median of each is kept. GFLOP/s counts
2*N*K*C*R*S*P*Q per convolution (no Winograd discount), so it is an *effective* rate.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

LAYERS = [  # name, channels, spatial size (3x3, stride 1, pad 1, channels in == out)
    ("conv2_x", 64, 56),
    ("conv3_x", 128, 28),
    ("conv4_x", 256, 14),
    ("conv5_x", 512, 7),
]
PEAK_GFLOPS = 375.0  # fp32 AVX-512 FMA peak of this 2-core machine (docs: PEERS.md)


def flops(n, c, hw):
    return 2.0 * n * c * c * 9 * hw * hw


def torch_ms(torch, n, c, hw, iters):
    x = torch.rand(n, c, hw, hw)
    w = torch.rand(c, c, 3, 3)
    with torch.no_grad():
        for _ in range(3):
            torch.nn.functional.conv2d(x, w, None, 1, 1)
        t = []
        for _ in range(iters):
            t0 = time.perf_counter()
            torch.nn.functional.conv2d(x, w, None, 1, 1)
            t.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(t)


def oclnn_ms(tool, device, n, c, hw, iters, algo):
    cmd = [tool, "bench", "conv", f"{n},{c},{hw},{hw}", f"{c},{c},3,3", "--pad", "1",
           "--algo", algo, "--device", device, "--iters", str(iters), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="2"))
    if out.returncode != 0 and not out.stdout.strip():
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return {r["algo"]: r["ms"] for r in json.loads(out.stdout)}, " ".join(cmd)


def best(dicts):
    res = {}
    for d in dicts:
        for k, v in d.items():
            res[k] = min(res.get(k, float("inf")), v)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--device", default="0:0", help="the OpenCL device (oclnn --device); none: skip")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--merge", nargs="+", metavar="JSON",
                    help="measure nothing: print the best of earlier --json runs, cell by cell")
    args = ap.parse_args()
    if args.merge:
        merged = {}
        for path in args.merge:
            with open(path) as fh:
                for row in json.load(fh):
                    key = (row["layer"], row["n"])
                    if key not in merged:
                        merged[key] = row
                        continue
                    m = merged[key]
                    m["torch_ms"] = min(m["torch_ms"], row["torch_ms"])
                    m["cpu"] = best([m["cpu"], row["cpu"]])
                    m["opencl"] = best([m["opencl"], row["opencl"]])
        report(list(merged.values()), f"best of {len(args.merge)} runs", "?", args)
        return
    import torch
    torch.set_num_threads(args.threads)
    tool = os.path.join(args.build, "oclnn")
    rows = []
    for n in [int(b) for b in args.batches.split(",")]:
        for name, c, hw in LAYERS:
            rows.append({"layer": name, "n": n, "c": c, "hw": hw, "gflop": flops(n, c, hw) / 1e9,
                         "pt": [], "cpu_runs": [], "cl_runs": []})
    # Rounds go over the whole list, so a burst of load from elsewhere hits one round of each
    # layer rather than every round of one layer.
    for rnd in range(args.rounds):
        for row in rows:
            n, c, hw = row["n"], row["c"], row["hw"]
            row["pt"].append(torch_ms(torch, n, c, hw, 20))
            # PyTorch's OpenMP workers keep spinning for a while after the last op; let them
            # stop before oclnn starts, or its first runs compete with them for the two cores.
            time.sleep(1.0)
            r, row["cmd_cpu"] = oclnn_ms(tool, "cpu", n, c, hw, 20, "all")
            row["cpu_runs"].append(r)
            if args.device != "none":
                r, row["cmd_opencl"] = oclnn_ms(tool, args.device, n, c, hw, 5 if n > 1 else 10, "all")
                row["cl_runs"].append(r)
            else:
                row["cmd_opencl"] = "(OpenCL skipped)"
            print(f"round {rnd + 1}: {row['layer']} batch {n}", file=sys.stderr)
    for row in rows:
        row["torch_ms"] = min(row.pop("pt"))
        row["cpu"] = best(row.pop("cpu_runs"))
        row["opencl"] = best(row.pop("cl_runs"))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    report(rows, f"best of {args.rounds} interleaved rounds", torch.__version__, args)


def report(rows, how, torch_version, args):
    def g(ms, f):
        return f / (ms * 1e6)

    print(f"PyTorch {torch_version} ({args.threads} threads) vs oclnn; effective GFLOP/s "
          f"(fraction of the {PEAK_GFLOPS:.0f} GFLOP/s peak); {how}.\n")
    print("### C backend vs PyTorch CPU\n")
    print("| layer | N | PyTorch ms (GFLOP/s) | oclnn best: algo, ms (GFLOP/s, % peak) | oclnn / PyTorch time | all C-backend algos (GFLOP/s) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        f = r["gflop"] * 1e9
        a, ms = min(r["cpu"].items(), key=lambda kv: kv[1])
        others = ", ".join(f"{k} {g(v, f):.0f}" for k, v in sorted(r["cpu"].items(), key=lambda kv: kv[1]))
        print(f"| {r['layer']} {r['c']}x{r['hw']}x{r['hw']} | {r['n']} | {r['torch_ms']:.2f} ({g(r['torch_ms'], f):.0f}) "
              f"| {a}, {ms:.2f} ({g(ms, f):.0f}, {100 * g(ms, f) / PEAK_GFLOPS:.0f}%) | {ms / r['torch_ms']:.2f} | {others} |")
    if not any(r["opencl"] for r in rows):
        return
    print("\n### OpenCL (PoCL) algorithms\n")
    print("| layer | N | " + " | ".join(["winograd4", "winograd2", "im2col", "direct", "im2col-clblast"])
          + " | winograd4 / best non-Winograd | best / CLBlast |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        f = r["gflop"] * 1e9
        cl = r["opencl"]
        cells = []
        for a in ["winograd4", "winograd2", "im2col", "direct", "im2col-clblast"]:
            cells.append(f"{g(cl[a], f):.1f} ({100 * g(cl[a], f) / PEAK_GFLOPS:.0f}%)" if a in cl else "-")
        non_w = min(v for k, v in cl.items() if not k.startswith("winograd"))
        best_ms = min(cl.values())
        clb = cl.get("im2col-clblast")
        print(f"| {r['layer']} | {r['n']} | " + " | ".join(cells) +
              f" | {non_w / cl['winograd4']:.2f}x | " + (f"{clb / best_ms:.1f}x" if clb else "-") + " |")
    print("\nCommand lines (one round):\n")
    for r in rows:
        print(f"    {r['cmd_cpu']}\n    {r['cmd_opencl']}")


if __name__ == "__main__":
    main()
