#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Per-convolution comparison of oclnn's C backend with onnxruntime (CPU) on one network: where
the time is lost, layer by layer.

    /usr/bin/python3 tools/compare_layers.py NET [--batch 1] [--threads 2] [--iters 10]
        [--rounds 1] [--oclnn build/oclnn] [--ort /work/ort] [--onnx-dir /tmp/oclnn-onnx]

Runs tools/ort_profile.js (ORT's own per-node profiler on NET_b<batch>.onnx) and `oclnn bench net
NET --device cpu --json --weights NET.safetensors`, alternately, --rounds times each, and takes
each layer's median over the rounds. Each oclnn convolution is matched to one ORT Conv node (ORT
fuses BN, ReLU and the residual add into its Conv as oclnn does): among the unmatched ORT Convs
with the same output shape, the one whose module path (its name up to the last '/') names the
oclnn layer, else the first in ORT's execution order. Prints both times per layer, their ratio
(oclnn / ORT) and the loss (oclnn - ORT, ms), sorted by loss, then the sums; --json prints the
rows instead. ORT's profiled node times exclude its session overhead, as oclnn's per-layer times
exclude its own: compare the sums, not the whole-run medians, to the rows.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def size_of(name):
    return 299 if name == "inception_v3" else 224


def ort_nodes(a):
    model = os.path.join(a.onnx_dir, f"{a.net}_b{a.batch}.onnx")
    s = size_of(a.net)
    env = dict(os.environ, NODE_PATH=os.path.join(a.ort, "node_modules"))
    out = subprocess.run(["node", os.path.join(HERE, "ort_profile.js"), model,
                          f"{a.batch},3,{s},{s}", str(a.iters), str(a.threads)],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def oclnn_layers(a):
    cmd = [a.oclnn, "bench", "net", a.net, "--device", "cpu", "--threads", str(a.threads),
           "--iters", str(a.iters), "--batch", str(a.batch), "--json"]
    w = os.path.join(a.onnx_dir, f"{a.net}.safetensors")
    if os.path.exists(w):
        cmd += ["--weights", w]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    runs = json.loads(out) if out.lstrip().startswith("[") else [json.loads(out)]
    return runs[0]


def module_path(ort_name):
    """'/layer1/layer1.0/conv3/Conv_output_0_nchwc' -> 'layer1.0.conv3' (torch's export scopes:
    a segment that extends the one before it, 'layer1' then 'layer1.0', replaces it)."""
    segs = [x for x in ort_name.split("/")[:-1] if x]
    name = []
    for seg in segs:
        if name and seg.startswith(name[-1] + "."):
            name[-1] = seg
        else:
            name.append(seg)
    return ".".join(name)


def match(ort, layers):
    convs = sorted(((n, v) for n, v in ort["nodes"].items() if v["op"] in ("Conv", "FusedConv")
                    and v.get("out")), key=lambda x: x[1]["order"])
    used, rows = set(), []
    for layer in layers:
        if not layer["op"].startswith("conv"):
            continue
        cands = [(n, v) for n, v in convs if n not in used and v["out"][1:] == layer["shape"][1:]]
        named = [(n, v) for n, v in cands if module_path(n) and
                 (layer["name"] + ".").startswith(module_path(n) + ".")]
        pick = (named or cands or [None])[0]
        if pick:
            used.add(pick[0])
        rows.append({"layer": layer["name"], "algo": layer.get("algo"), "shape": layer["shape"],
                     "oclnn_ms": layer["ms"], "ort_node": pick[0] if pick else None,
                     "ort_ms": pick[1]["ms"] if pick else None})
    return rows


def median_rows(rounds):
    rows = rounds[0]
    for i, r in enumerate(rows):
        for key in ("oclnn_ms", "ort_ms"):
            v = [rr[i][key] for rr in rounds if rr[i][key] is not None]
            r[key] = statistics.median(v) if v else None
    return rows


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("net")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--oclnn", default=os.path.join(HERE, "..", "build", "oclnn"))
    p.add_argument("--ort", default="/work/ort")
    p.add_argument("--onnx-dir", default="/tmp/oclnn-onnx")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    rounds, totals = [], {"ort": [], "oclnn": []}
    for _ in range(a.rounds):
        ort = ort_nodes(a)
        net = oclnn_layers(a)
        totals["ort"].append(ort["total_ms"])
        totals["oclnn"].append(net["median_ms"])
        rounds.append(match(ort, net["layers"]))
    rows = median_rows(rounds)
    if a.json:
        print(json.dumps(rows, indent=1))
        return 0
    loss = lambda r: (r["oclnn_ms"] - r["ort_ms"]) if r["ort_ms"] is not None else 0.0
    print(f"{'layer':34} {'algo':10} {'output':>16} {'oclnn ms':>9} {'ORT ms':>8} {'ratio':>6} "
          f"{'loss':>7}  ORT node")
    for r in sorted(rows, key=loss, reverse=True):
        shape = "x".join(str(x) for x in r["shape"][1:])
        ort_ms = f"{r['ort_ms']:8.3f}" if r["ort_ms"] is not None else f"{'-':>8}"
        ratio = f"{r['oclnn_ms'] / r['ort_ms']:6.2f}" if r["ort_ms"] else f"{'-':>6}"
        print(f"{r['layer'][:34]:34} {str(r['algo'])[:10]:10} {shape:>16} {r['oclnn_ms']:9.3f} "
              f"{ort_ms} {ratio} {loss(r):7.3f}  {r['ort_node'] or '-'}")
    so = sum(r["oclnn_ms"] for r in rows)
    sr = sum(r["ort_ms"] for r in rows if r["ort_ms"] is not None)
    print(f"\nconvolutions: oclnn {so:.2f} ms, ORT {sr:.2f} ms (sum of medians, {a.rounds} round(s), "
          f"{a.iters} runs each); whole run medians: oclnn "
          f"{statistics.median(totals['oclnn']):.2f} ms, ORT (profiling on) "
          f"{statistics.median(totals['ort']):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
