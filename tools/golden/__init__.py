# SPDX-License-Identifier: MIT
"""Golden-data makers, one module per op family (see tools/make_golden.py)."""
import numpy as np


def save(out_dir, name, tensor):
    """Writes a tensor (torch or numpy) as raw little-endian float32."""
    a = tensor.detach().cpu().numpy() if hasattr(tensor, "detach") else np.asarray(tensor)
    a.astype("<f4").tofile(f"{out_dir}/{name}")
