#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the golden test data in tests/data/ with PyTorch/torchvision (Debian's python3-torch).

Run with Debian's interpreter: /usr/bin/python3 tools/make_golden.py [family ...]
Each family is a module tools/golden/<family>.py with a function make(out_dir) that writes small
little-endian float32 .bin files (raw, no header; the shapes live in the tests). The data is
seeded, so rerunning reproduces the same files.
"""
import importlib
import os
import pkgutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "tests", "data")


def main(argv):
    sys.path.insert(0, HERE)
    import golden  # noqa: F401  (the package of families)
    names = argv or sorted(m.name for m in pkgutil.iter_modules([os.path.join(HERE, "golden")]))
    os.makedirs(OUT, exist_ok=True)
    for name in names:
        module = importlib.import_module("golden." + name)
        print(f"golden: {name}", file=sys.stderr)
        module.make(OUT)


if __name__ == "__main__":
    main(sys.argv[1:])
