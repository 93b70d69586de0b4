# SPDX-License-Identifier: MIT
"""Compiled networks: Net.builtin(name, weights=... or seed=...), Net.from_onnx(model, batch=...),
net(x) -> NumPy, net.reshape(batch, height, width), per-layer profiles and memory figures."""
import ctypes

import numpy as np

from . import _capi
from ._capi import lib
from .core import Context, Handle, Tensor, check, shape4
from .graph import Graph


def builtin_names():
    """The names Net.builtin accepts (torchvision's function names)."""
    names, p = [], lib.oclnn_graph_builtin_names()
    i = 0
    while p[i]:
        names.append(p[i].decode())
        i += 1
    return names


class Net(Handle):
    """A network compiled for one context and input shape: Net(context, graph, input_shape), or
    Net.builtin or Net.from_onnx. The net does not keep the graph. Its
    input and output are tensors owned by the net."""
    _destroy = "oclnn_net_destroy"

    def __init__(self, ctx, graph, input_shape):
        h = ctypes.c_void_p()
        check(lib.oclnn_net_create(ctx.handle, graph.handle, shape4(input_shape),
                                   ctypes.byref(h)))
        super().__init__(h.value, (ctx,))
        self.input_shape = tuple(input_shape)

    @classmethod
    def builtin(cls, name, weights=None, seed=None, input_shape=(1, 3, 224, 224), context=None):
        """One of builtin_names(), with parameters from a .safetensors file (`weights`, a PyTorch
        state_dict) or oclnn's seeded generator (`seed`; the default when neither is given is
        seed 0). context: a Context, or None for a new default one."""
        if weights is not None and seed is not None:
            raise ValueError("give weights or seed, not both")
        with Graph.builtin(name) as g:
            if weights is not None:
                g.load_safetensors(weights)
            else:
                g.init_random(seed or 0)
            return cls(context if context is not None else Context(), g, input_shape)

    @classmethod
    def from_onnx(cls, model, batch=None, input_shape=None, context=None):
        """An ONNX model (a path, or the file's bytes: see Graph.from_onnx) compiled for an input
        shape: the model's own (n, c, h, w), with `batch` as n when given, and where `input_shape`
        is given, its entries other than None in place of the model's. Every dimension the model
        leaves symbolic (0; the batch, usually) must be given, else ValueError. context: a
        Context, or None for a new default one. The graph is freed before this returns."""
        with Graph.from_onnx(model) as g:
            shape = list(g.onnx_input_shape)
            if input_shape is not None:
                if len(input_shape) != 4:
                    raise ValueError("input_shape %r is not 4-D (n, c, h, w)" % (input_shape,))
                shape = [s if v is None else int(v) for s, v in zip(shape, input_shape)]
            if batch is not None:
                if input_shape is not None and input_shape[0] is not None and \
                        int(input_shape[0]) != int(batch):
                    raise ValueError("batch %d and input_shape[0] %d differ"
                                     % (batch, input_shape[0]))
                shape[0] = int(batch)
            missing = [name for name, v in zip("nchw", shape) if v == 0]
            if missing:
                raise ValueError(
                    "the model's input shape %s leaves %s symbolic: give %s"
                    % (tuple(g.onnx_input_shape), ", ".join(missing),
                       "batch=N" if missing == ["n"] else
                       "input_shape=(n, c, h, w) (None keeps the model's value)"))
            return cls(context if context is not None else Context(), g, tuple(shape))

    def reshape(self, batch, height=None, width=None):
        """Changes the batch (and the input's height and width; None keeps them) without copying
        the weights again (oclnn_net_reshape). Sizes the graph fixes (an fc's in-features, an
        ONNX model's declared size) are refused with oclnn.Error naming the node; the net is then
        as it was. Tensors taken from .input and .output before are no longer valid."""
        n, c, h, w = self.input_shape
        h = h if height is None else int(height)
        w = w if width is None else int(width)
        check(lib.oclnn_net_reshape(self.handle, int(batch), h, w))
        self.input_shape = (int(batch), c, h, w)

    @property
    def context(self):
        return self._keep[0]

    @property
    def input(self):
        return Tensor(self.context, None, _handle=lib.oclnn_net_input(self.handle), _owner=self)

    @property
    def output(self):
        return Tensor(self.context, None, _handle=lib.oclnn_net_output(self.handle), _owner=self)

    def run(self):
        """Enqueues the network on what its input tensor holds."""
        check(lib.oclnn_net_run(self.handle))

    def __call__(self, x):
        """Runs the net on x (NCHW, the input shape) and returns the output as NumPy (NCHW).
        Issue 19: x may be (n, c, l) for a 1-D network (input (n, c, 1, l)) and (n, c, d, h, w)
        for a 3-D one (input (n, c, d * h, w) of depth d)."""
        x = np.asarray(x)
        if x.ndim in (3, 5):
            s = lib.oclnn_tensor_shape3d(lib.oclnn_net_input(self.handle))
            want = (s.n, s.c, s.w) if x.ndim == 3 else (s.n, s.c, s.d, s.h, s.w)
            if x.ndim == 3 and (s.d != 1 or s.h != 1):
                want = None
            if want is None or tuple(x.shape) != want:
                raise ValueError("input of shape %r does not fit the net's input %r"
                                 % (tuple(x.shape), (s.n, s.c, s.d, s.h, s.w)))
            x = x.reshape(self.input_shape)
        self.input.write(x)
        self.run()
        return self.output.numpy()

    def profile(self, x=None):
        """Runs once layer by layer (waiting after each) and returns a list of dicts: name, op,
        algo, shape, flops and ms per layer."""
        if x is not None:
            self.input.write(x)
        check(lib.oclnn_net_run_profiled(self.handle))
        return self.layers()

    def layers(self):
        out = []
        for i in range(lib.oclnn_net_layer_count(self.handle)):
            info = _capi.NetLayerInfo()
            check(lib.oclnn_net_layer(self.handle, i, ctypes.byref(info)))
            out.append({"name": info.name.decode(), "op": info.op.decode(),
                        "algo": (info.algo or b"").decode(), "shape": info.shape.tuple(),
                        "flops": info.flops, "ms": info.ms})
        return out

    def memory(self):
        m = _capi.NetMemoryInfo()
        check(lib.oclnn_net_memory(self.handle, ctypes.byref(m)))
        return {name: getattr(m, name) for name, _ in _capi.NetMemoryInfo._fields_}


__all__ = ["Net", "builtin_names", "np"]
