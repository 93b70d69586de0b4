# SPDX-License-Identifier: MIT
"""Errors, devices, contexts and tensors. Every object owns one C handle, freed by close() (or
the `with` block, or the garbage collector); objects keep the objects they depend on alive
(a tensor its context), and the C library counts references too, so no order of frees is
unsafe."""
import contextlib
import ctypes
import os

import numpy as np

from . import _capi
from ._capi import lib

LAYOUTS = {"auto": 0, "nchw": 1, "nhwc": 2}
LAYOUT_NAMES = {v: k for k, v in LAYOUTS.items()}
STATUS_NAMES = {1: "INVALID_ARGUMENT", 2: "UNSUPPORTED", 3: "OUT_OF_MEMORY",
                4: "DEVICE_OUT_OF_MEMORY", 5: "NO_DEVICE", 6: "BUILD_FAILED", 7: "DEVICE",
                8: "IO", 9: "BAD_FILE"}


class Error(Exception):
    """A failed oclnn call: `status` is the C status code, `status_name` its name (e.g.
    "INVALID_ARGUMENT") and the message is oclnn_last_error()."""

    def __init__(self, status, message):
        self.status = status
        self.status_name = STATUS_NAMES.get(status, str(status))
        self.message = message
        super().__init__("%s (%s)" % (message, self.status_name))


class InvalidArgumentError(Error, ValueError):
    pass


class UnsupportedError(Error, NotImplementedError):
    pass


def check(status):
    if status != 0:
        msg = lib.oclnn_last_error().decode(errors="replace")
        cls = {1: InvalidArgumentError, 2: UnsupportedError}.get(status, Error)
        raise cls(status, msg)


def layout_code(layout):
    if layout is None:
        return 0
    if isinstance(layout, int):
        return layout
    try:
        return LAYOUTS[layout.lower()]
    except (KeyError, AttributeError):
        raise ValueError("layout %r is not 'auto', 'nchw' or 'nhwc'" % (layout,)) from None


def shape4(shape):
    s = tuple(int(v) for v in shape)
    if len(s) != 4:
        raise ValueError("shape %r is not 4-D (n, c, h, w)" % (shape,))
    return _capi.Shape(*s)


def as_floats(array, name):
    """A C-contiguous float32 copy (or the array itself) and its pointer."""
    a = np.ascontiguousarray(array, dtype=np.float32)
    return a, a.ctypes.data_as(_capi.c_float_p)


class Device:
    """One entry of devices(): the C struct's fields as attributes, plus `spec`, the string
    Context(device=...) accepts for it."""

    def __init__(self, info):
        for name, _ in _capi.DeviceInfo._fields_:
            v = getattr(info, name)
            if isinstance(v, bytes):
                v = v.decode(errors="replace")
            setattr(self, name, v)
        self.max_work_item_sizes = tuple(info.max_work_item_sizes)
        self.backend = "cpu" if info.backend == 1 else "opencl"
        self.layout = LAYOUT_NAMES.get(info.layout, "auto")
        self.spec = "cpu" if self.backend == "cpu" else "%d:%d" % (self.platform_index,
                                                                  self.device_index)

    def __repr__(self):
        return "Device(%r, %s, %s)" % (self.name, self.spec, self.backend)


def devices():
    """Every OpenCL device, then the C backend (always last)."""
    n = ctypes.c_size_t()
    check(lib.oclnn_devices(None, 0, ctypes.byref(n)))
    infos = (_capi.DeviceInfo * n.value)()
    check(lib.oclnn_devices(infos, n.value, ctypes.byref(n)))
    return [Device(i) for i in infos[: n.value]]


class Handle:
    """Owns one C handle; subclasses name the destroy function."""
    _destroy = None

    def __init__(self, handle, keep=()):
        self._h = handle
        self._keep = keep  # objects that must outlive this one

    @property
    def handle(self):
        if not self._h:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._h

    def close(self):
        h, self._h = getattr(self, "_h", None), None
        if h and _capi is not None and lib is not None:
            getattr(lib, self._destroy)(h)
        self._keep = ()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone
            pass


class Context(Handle):
    """An oclnn context. device: None (OCLNN_DEVICE, then the best device), "cpu", "P:D" or a
    name substring; layout: "auto", "nchw" or "nhwc"; threads: the C backend's worker threads
    for this context (1..1024; None: OCLNN_THREADS, then OpenMP's default), passed as
    options.threads and as OCLNN_THREADS while the context is created."""
    _destroy = "oclnn_context_destroy"

    def __init__(self, device=None, layout="auto", cache_dir=None, kernel_dir=None,
                 tuning_db=None, device_class=None, no_disk_cache=False, threads=None):
        enc = lambda s: s.encode() if s is not None else None  # noqa: E731
        opt = _capi.ContextOptions(enc(device), layout_code(layout), enc(cache_dir),
                                   enc(kernel_dir), enc(tuning_db), None,
                                   1 if no_disk_cache else 0, enc(device_class),
                                   threads if isinstance(threads, int) else 0)
        h = ctypes.c_void_p()
        with _threads_env(threads):
            check(lib.oclnn_context_create(ctypes.byref(opt), ctypes.byref(h)))
        super().__init__(h.value)

    @property
    def device(self):
        info = _capi.DeviceInfo()
        check(lib.oclnn_context_device(self.handle, ctypes.byref(info)))
        return Device(info)

    @property
    def layout(self):
        return LAYOUT_NAMES[lib.oclnn_context_layout(self.handle)]

    def finish(self):
        check(lib.oclnn_context_finish(self.handle))

    def tensor(self, shape, layout="auto", host_visible=False):
        """An uninitialized tensor of `shape` (n, c, h, w) in `layout` on this context;
        host_visible: in host-reachable device memory, so Tensor.map() costs no copy on devices
        that share memory with the host (oclnn_cl_tensor_create_host_visible)."""
        return Tensor(self, shape, layout, host_visible=host_visible)

    def from_numpy(self, array, layout="auto"):
        """A tensor holding `array` (4-D, NCHW, converted to float32), stored in `layout`."""
        a = np.asarray(array)
        t = Tensor(self, a.shape, layout)
        t.write(a)
        return t

    def __repr__(self):
        return "Context(%r)" % (self.device.name if self._h else "closed")


@contextlib.contextmanager
def _threads_env(threads):
    """The C backend's thread count goes to the library twice: as options.threads (a field the
    library reads once the CPU-speed work that appends it is merged) and as OCLNN_THREADS, which
    the context reads when it is created; the process's own value is restored afterwards."""
    if threads is None:
        yield
        return
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= 1024:
        raise ValueError("threads (%r) is not a thread count from 1 to 1024" % (threads,))
    old = os.environ.get("OCLNN_THREADS")
    os.environ["OCLNN_THREADS"] = str(threads)
    try:
        yield
    finally:
        if old is None:
            del os.environ["OCLNN_THREADS"]
        else:
            os.environ["OCLNN_THREADS"] = old


class Tensor(Handle):
    """A 4-D float32 tensor on a context. Host data is NCHW; the device layout is `layout`."""
    _destroy = "oclnn_tensor_destroy"

    def __init__(self, ctx, shape, layout="auto", _handle=None, _owner=None, host_visible=False):
        if _handle is not None:  # a tensor owned elsewhere (a net's input or output)
            Handle.__init__(self, _handle, (ctx, _owner))
            self._borrowed = True
            return
        h = ctypes.c_void_p()
        create = lib.oclnn_cl_tensor_create_host_visible if host_visible else \
            lib.oclnn_tensor_create
        check(create(ctx.handle, shape4(shape), layout_code(layout), ctypes.byref(h)))
        super().__init__(h.value, (ctx,))
        self._borrowed = False

    def close(self):
        if getattr(self, "_borrowed", False):
            self._h, self._keep = None, ()
        else:
            Handle.close(self)

    @property
    def context(self):
        return self._keep[0]

    @property
    def shape(self):
        return lib.oclnn_tensor_shape(self.handle).tuple()

    @property
    def layout(self):
        return LAYOUT_NAMES[lib.oclnn_tensor_layout(self.handle)]

    def write(self, array):
        a, p = as_floats(array, "array")
        if a.shape != self.shape:
            raise ValueError("array shape %r is not the tensor's %r (NCHW)" % (a.shape, self.shape))
        check(lib.oclnn_tensor_write(self.handle, p, LAYOUTS["nchw"]))

    def numpy(self):
        """The tensor's values as a new NCHW float32 array (waits for the work before it)."""
        out = np.empty(self.shape, dtype=np.float32)
        check(lib.oclnn_tensor_read(self.handle, out.ctypes.data_as(_capi.c_float_p),
                                    LAYOUTS["nchw"]))
        return out

    def __array__(self, dtype=None, copy=None):
        """np.asarray(tensor): the values, NCHW."""
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    @contextlib.contextmanager
    def map(self, mode="rw"):
        """The tensor's memory as a NumPy array in its own layout ((n, c, h, w) for NCHW,
        (n, h, w, c) for NHWC), for the `with` block only: waits for the work before it, and the
        tensor must not be used by oclnn until the block ends. mode: "r", "w" or "rw"."""
        flags = (1 if "r" in mode else 0) | (2 if "w" in mode else 0)
        if not flags or set(mode) - set("rw"):
            raise ValueError("mode %r is not 'r', 'w' or 'rw'" % (mode,))
        n, c, h, w = self.shape
        dims = (n, c, h, w) if self.layout == "nchw" else (n, h, w, c)
        ptr = _capi.c_float_p()
        check(lib.oclnn_cl_tensor_map(self.handle, flags, ctypes.byref(ptr)))
        try:
            yield np.ctypeslib.as_array(ptr, shape=dims)
        finally:
            check(lib.oclnn_cl_tensor_unmap(self.handle, ptr))

    def fill(self, value):
        check(lib.oclnn_tensor_fill(self.handle, float(value)))

    def copy_(self, src):
        check(lib.oclnn_tensor_copy(src.handle, self.handle))

    def view_channels(self, offset, channels):
        h = ctypes.c_void_p()
        check(lib.oclnn_tensor_view_channels(self.handle, offset, channels, ctypes.byref(h)))
        t = Tensor.__new__(Tensor)
        Handle.__init__(t, h.value, (self.context, self))
        t._borrowed = False
        return t

    def __repr__(self):
        return "Tensor(shape=%r, layout=%s)" % (self.shape, self.layout) if self._h else \
            "Tensor(closed)"
