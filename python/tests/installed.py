# SPDX-License-Identifier: MIT
"""ctest's check of the installed package: `cmake --install BUILD --prefix WORK/prefix`, then, with
PYTHONPATH at the installed package and no OCLNN_LIBRARY, the package must find the installed
library by itself (its baked relative path) and work. Exit 77 (skipped) without NumPy.
Usage: installed.py CMAKE BUILD WORK PYDIR"""
import os
import shutil
import subprocess
import sys

CHECK = r"""
import numpy as np, oclnn, sys
work = sys.argv[1]
assert oclnn.__file__.startswith(work), oclnn.__file__
assert oclnn._capi.lib._name.startswith(work), oclnn._capi.lib._name
with oclnn.Context(device="cpu") as ctx:
    x = np.arange(8, dtype=np.float32).reshape(1, 8, 1, 1)
    y = oclnn.softmax(ctx, shape=x.shape)(x)
    e = np.exp(x - x.max())
    np.testing.assert_allclose(y, e / e.sum(), rtol=1e-5)
print("installed package OK:", oclnn.__file__, oclnn._capi.lib._name)
"""

try:
    import numpy  # noqa: F401
except ImportError as e:
    print("python_install skipped: %s (apt-get install python3-numpy)" % e)
    sys.exit(77)
cmake, build, work, pydir = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
subprocess.run([cmake, "--install", build, "--prefix", os.path.join(work, "prefix")], check=True,
               stdout=subprocess.DEVNULL)
env = dict(os.environ, PYTHONPATH=os.path.join(work, "prefix", pydir), PYTHONDONTWRITEBYTECODE="1")
env.pop("OCLNN_LIBRARY", None)
sys.exit(subprocess.run([sys.executable, "-c", CHECK, os.path.realpath(work)], env=env,
                        cwd=work).returncode)
