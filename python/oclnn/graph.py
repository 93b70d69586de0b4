# SPDX-License-Identifier: MIT
"""Graphs: networks built node by node (oclnn_graph_*), with parameters under PyTorch's
state_dict names, visible as writable NumPy arrays. Net(context, graph, input_shape) compiles
one."""
import ctypes
import os

import numpy as np

from . import _capi
from ._capi import lib
from .core import Handle, check

NODE_OPS = {"input": 0, "conv": 1, "batchnorm": 2, "relu": 3, "max_pool": 4, "avg_pool": 5,
            "adaptive_avg_pool": 6, "concat": 7, "add": 8, "fc": 9, "softmax": 10,
            "activation": 11, "mul": 12, "global_max_pool": 13,
            "channel_shuffle": 30, "lrn": 40, "binary": 41,  # issue 16
            "conv3d": 50, "max_pool3d": 51, "avg_pool3d": 52, "adaptive_avg_pool3d": 53}  # issue 19


class Graph(Handle):
    """A host-side network description. add() appends nodes (the last one added is the output);
    param(name) is a parameter's floats as a flat, writable NumPy array sharing the graph's memory
    (it keeps the graph alive; after an explicit close() it must not be used)."""
    _destroy = "oclnn_graph_destroy"

    def __init__(self, _handle=None):
        if _handle is None:
            h = ctypes.c_void_p()
            check(lib.oclnn_graph_create(ctypes.byref(h)))
            _handle = h.value
        super().__init__(_handle)

    @classmethod
    def builtin(cls, name):
        """One of oclnn.builtin_names(), parameters zero."""
        h = ctypes.c_void_p()
        check(lib.oclnn_graph_builtin(name.encode(), ctypes.byref(h)))
        return cls(h.value)

    @classmethod
    def from_onnx(cls, model):
        """An ONNX model (opsets 7 to 17, float32; docs/ONNX.md lists what oclnn runs): `model` is
        a path (str or os.PathLike) or the file's bytes (bytes, bytearray or memoryview; external
        data is then refused). Parameters come from the model. The graph's `onnx_input_shape` is
        the model's input shape (n, c, h, w), 0 where the model leaves a dimension symbolic (the
        batch, usually). Raises UnsupportedError for an op or attribute oclnn cannot run (or a
        liboclnn built without ONNX), Error (BAD_FILE, IO) for a malformed or unreadable model."""
        h, shape = ctypes.c_void_p(), _capi.Shape()
        if isinstance(model, (bytes, bytearray, memoryview)):
            data = bytes(model)  # bytes are passed without a copy; the others are copied once
            check(lib.oclnn_graph_load_onnx_memory(data, len(data), ctypes.byref(h),
                                                   ctypes.byref(shape)))
        elif isinstance(model, (str, os.PathLike)):
            check(lib.oclnn_graph_load_onnx(os.fsencode(model), ctypes.byref(h),
                                            ctypes.byref(shape)))
        else:
            raise TypeError("model must be a path or the model's bytes, not %s"
                            % type(model).__name__)
        g = cls(h.value)
        g.onnx_input_shape = shape.tuple()
        return g

    def add(self, name, op, inputs=(), **fields):
        """Appends node `name` doing `op` (a key of NODE_OPS) on the nodes `inputs` (ids from
        earlier add calls); `fields` are oclnn_node_desc's (channels, kernel_h, stride_w, bias,
        eps, ...), the rest keep OCLNN_NODE_DESC_INIT's values. Returns the node's id."""
        d = lib.oclnn_node_desc_default()
        d.op = NODE_OPS[op] if isinstance(op, str) else op
        for key, value in fields.items():
            if key not in dict(_capi.NodeDesc._fields_) or key == "op":
                raise ValueError("%r is not a field of oclnn_node_desc" % key)
            setattr(d, key, value)
        ids = (ctypes.c_int * max(len(inputs), 1))(*inputs)
        out = ctypes.c_int()
        check(lib.oclnn_graph_add(self.handle, name.encode(), ctypes.byref(d), ids, len(inputs),
                                  ctypes.byref(out)))
        return out.value

    def __len__(self):
        return lib.oclnn_graph_node_count(self.handle)

    def param(self, name):
        data, count = _capi.c_float_p(), ctypes.c_size_t()
        check(lib.oclnn_graph_param(self.handle, name.encode(), ctypes.byref(data),
                                    ctypes.byref(count)))
        buf = (ctypes.c_float * count.value).from_address(ctypes.addressof(data.contents))
        buf.graph = self  # the array's base keeps the graph (and so its memory) alive
        return np.frombuffer(buf, dtype=np.float32)

    def init_random(self, seed):
        check(lib.oclnn_graph_init_random(self.handle, seed))

    def load_safetensors(self, path):
        """Loads every parameter from a PyTorch state_dict saved as .safetensors; returns how
        many tensors of the file the graph did not use."""
        unused = ctypes.c_size_t()
        check(lib.oclnn_graph_load_safetensors(self.handle, str(path).encode(),
                                               ctypes.byref(unused)))
        return unused.value

    def infer_shapes(self, input_shape):
        """Every node's output shape (n, c, h, w) for an input shape."""
        shapes = (_capi.Shape * len(self))()
        check(lib.oclnn_graph_infer_shapes(self.handle, _capi.Shape(*input_shape), shapes))
        return [s.tuple() for s in shapes]


__all__ = ["Graph", "NODE_OPS"]
