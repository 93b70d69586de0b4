# SPDX-License-Identifier: MIT
"""oclnn for Python: ctypes bindings over liboclnn, with NumPy arrays in and out.

    import numpy as np, oclnn
    with oclnn.Context(device="cpu") as ctx:
        net = oclnn.Net.builtin("resnet18", seed=1, context=ctx)
        probs = net(np.random.rand(1, 3, 224, 224).astype(np.float32))

The library is found through OCLNN_LIBRARY, then the installed copy, then ../../build next to
this package (the source tree), then the system's library path."""
from ._capi import lib as _lib
from .core import (Context, Device, Error, InvalidArgumentError, Tensor, UnsupportedError,
                   devices)
from .graph import Graph
from .net import Net, builtin_names
from .ops import (Op, RoiOp, batchnorm, box_iou, concat, conv2d, eltwise, fc, lrn, nms, pool2d,
                  roi, softmax)

__version__ = _lib.oclnn_version_string().decode()

__all__ = ["Context", "Device", "Error", "InvalidArgumentError", "UnsupportedError", "Tensor",
           "devices", "Graph", "Net", "builtin_names", "Op", "RoiOp", "batchnorm", "box_iou", "concat",
           "conv2d", "eltwise", "fc", "lrn", "nms", "pool2d", "roi", "softmax"]
