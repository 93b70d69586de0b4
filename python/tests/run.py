# SPDX-License-Identifier: MIT
"""ctest's entry to the Python tests and example: exit 77 (ctest's "skipped") with a message when
NumPy or pytest is missing, else `run.py ARGS` runs pytest with ARGS and
`run.py --script FILE ARGS` runs FILE as a program with ARGS."""
import runpy
import sys

try:
    import numpy  # noqa: F401
    if sys.argv[1:2] != ["--script"]:
        import pytest
except ImportError as e:
    print("python tests skipped: %s (apt-get install python3-numpy python3-pytest)" % e)
    sys.exit(77)
if sys.argv[1:2] == ["--script"]:
    sys.argv = sys.argv[2:]
    runpy.run_path(sys.argv[0], run_name="__main__")
    sys.exit(0)
sys.exit(pytest.main(sys.argv[1:]))
