#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end worth of tuning databases (issue 14): times whole networks with `oclnn bench net`
on one OpenCL device under each database, interleaved, and prints a Markdown table.

    tools/compare_tuning.py --oclnn build/oclnn --device 0:0 \
        --db none=none --db class=tools/tuning/class-cpu-avx512.txt \
        --db quick=/tmp/quick.txt --db full=/tmp/full.txt [--nets resnet50,googlenet] [--rounds 3]

Each --db is LABEL=PATH; PATH goes to OCLNN_TUNING_DB ("none": the class defaults of
src/tune/defaults.c, no database). One process per cell (its own program cache and database
load), cells interleaved in each round (database order rotated between rounds, so no database
always runs right after another), `--iters` timed runs after `--warmup` per process. A cell is
the median over the rounds of each process's median; the speedup column is against the first
--db. The rounds are printed in brackets so the noise shows."""
import argparse
import json
import os
import statistics
import subprocess
import sys


def run_cell(tool, net, device, db, iters, warmup):
    env = dict(os.environ, OCLNN_TUNING_DB=db)
    cmd = [tool, "bench", "net", net, "--device", device, "--iters", str(iters), "--warmup", str(warmup), "--json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)["median_ms"]


def load_avg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--oclnn", default="build/oclnn")
    p.add_argument("--device", default="0:0")
    p.add_argument("--db", action="append", required=True, help="LABEL=PATH (PATH for OCLNN_TUNING_DB)")
    p.add_argument("--nets", default="resnet50,googlenet")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    a = p.parse_args()
    dbs = []
    for spec in a.db:
        label, sep, path = spec.partition("=")
        if not sep or not label or not path:
            p.error(f"--db {spec!r}: expected LABEL=PATH")
        if path != "none" and not os.path.exists(path):
            p.error(f"--db {spec!r}: {path} does not exist")
        dbs.append((label, path))
    nets = a.nets.split(",")
    times = {(net, label): [] for net in nets for label, _ in dbs}
    loads = [load_avg()]
    for r in range(a.rounds):
        order = dbs[r % len(dbs):] + dbs[:r % len(dbs)]
        for net in nets:
            for label, path in order:
                ms = run_cell(a.oclnn, net, a.device, path, a.iters, a.warmup)
                times[(net, label)].append(ms)
                print(f"round {r + 1}/{a.rounds} {net} {label}: {ms:.1f} ms", file=sys.stderr)
        loads.append(load_avg())
    print(f"device {a.device}; {a.rounds} rounds; load average {min(loads):.1f}-{max(loads):.1f}\n")
    print("| database | " + " | ".join(f"{n} ms" for n in nets) + " |")
    print("|---|" + "---|" * len(nets))
    first = dbs[0][0]
    for label, path in dbs:
        cells = []
        for net in nets:
            t = times[(net, label)]
            med = statistics.median(t)
            base = statistics.median(times[(net, first)])
            rounds = ", ".join(f"{x:.1f}" for x in t)
            cells.append(f"{med:.1f} [{rounds}] ({base / med:.2f}x)")
        print(f"| {label} (`{path}`) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
