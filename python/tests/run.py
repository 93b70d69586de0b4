# SPDX-License-Identifier: MIT
"""ctest's entry to the Python tests: pytest with the given arguments, or exit 77 (ctest's
"skipped") with a message when NumPy or pytest is missing."""
import sys

try:
    import numpy  # noqa: F401
    import pytest
except ImportError as e:
    print("python tests skipped: %s (apt-get install python3-numpy python3-pytest)" % e)
    sys.exit(77)
sys.exit(pytest.main(sys.argv[1:]))
