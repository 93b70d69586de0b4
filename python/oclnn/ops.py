# SPDX-License-Identifier: MIT
"""The operators, created with the C API's names and descriptor fields as keyword arguments:
conv2d, batchnorm, pool2d, eltwise, concat, fc, softmax, lrn, roi, plus the host-side nms and
box_iou. An op's run(...) takes tensors as the C run call does; calling an op with NumPy arrays
(NCHW) allocates the tensors, runs it and returns the result as a NumPy array."""
import ctypes

import numpy as np

from . import _capi
from ._capi import lib
from .core import Handle, Tensor, as_floats, check, shape4

ACTIVATIONS = {None: 0, "none": 0, "relu": 1}
PAD_MODES = {"explicit": 0, "same": 1, "valid": 2}
ALGOS = {"auto": 0, "direct": 1, "im2col": 2, "gemm1x1": 3, "winograd2": 4, "winograd4": 5,
         "depthwise": 6, "im2col-clblast": 7}
ALGOS["winograd6"] = 9  # issue 19: Winograd F(6x6,3x3)
POOL_KINDS = {"max": 0, "avg": 1, "global_avg": 2, "global_max": 3}
ELTWISE_OPS = {"add": 0, "add_relu": 1, "scale": 2, "relu": 3, "relu6": 4, "sigmoid": 5,
               "tanh": 6, "hardsigmoid": 7, "hardswish": 8, "mul": 9,
               "leaky_relu": 10, "elu": 11,  # issue 16: alphas per channel in scale
               "sub": 12, "div": 13}  # issue 16: ONNX's Sub and Div
ROI_MODES = {"align": 0, "pool": 1}


def _code(table, value, what):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return table[value.lower() if isinstance(value, str) else value]
    except KeyError:
        raise ValueError("%s %r is not one of %s" % (what, value, sorted(k for k in table if k)))


def _opt(array, name):
    if array is None:
        return None, None
    return as_floats(array, name)


class Op(Handle):
    """A created operator; `algorithm` is the C op's algorithm name."""
    _destroy = "oclnn_op_destroy"

    def __init__(self, ctx, handle, run, out_shape):
        super().__init__(handle, (ctx,))
        self._run = run
        self.out_shape = out_shape

    @property
    def context(self):
        return self._keep[0]

    @property
    def algorithm(self):
        return lib.oclnn_op_algorithm(self.handle).decode()

    @property
    def workspace_size(self):
        return lib.oclnn_op_workspace_size(self.handle)

    def run(self, *tensors):
        """The C run call with these tensors (None for optional ones); returns nothing."""
        check(self._run(self.handle, *[t.handle if t is not None else None for t in tensors]))

    def __call__(self, *arrays):
        """NumPy in (NCHW), NumPy out: the inputs become tensors, the output is read back."""
        ctx = self.context
        ins = [ctx.from_numpy(a) if a is not None else None for a in arrays]
        out = ctx.tensor(self.out_shape)
        try:
            self.run(*ins, out)
            return out.numpy()
        finally:
            for t in ins + [out]:
                if t is not None:
                    t.close()


def _create(ctx, fn, *args):
    h = ctypes.c_void_p()
    check(fn(ctx.handle, *args, ctypes.byref(h)))
    return h.value


def conv2d(ctx, weights, bias=None, *, input, stride_h=1, stride_w=1, dilation_h=1,
           dilation_w=1, groups=1, padding="explicit", pad=(0, 0, 0, 0), activation=None,
           fuse_residual=False, algo="auto"):
    """oclnn_conv2d_create. weights: K x C/groups x R x S (PyTorch's layout); input: the input
    shape; padding: "explicit" (pad = (top, bottom, left, right)), "same" or "valid".
    run(src, residual_or_None, dst) as oclnn_conv2d_run(src, dst, residual); calling it takes
    (x) or, with fuse_residual, (x, residual)."""
    w, wp = as_floats(weights, "weights")
    if w.ndim != 4:
        raise ValueError("weights must be 4-D (K, C/groups, R, S), not %r" % (w.shape,))
    b, bp = _opt(bias, "bias")
    d = _capi.Conv2dDesc()
    d.input = shape4(input)
    d.out_channels, d.kernel_h, d.kernel_w = w.shape[0], w.shape[2], w.shape[3]
    d.stride_h, d.stride_w, d.dilation_h, d.dilation_w = stride_h, stride_w, dilation_h, dilation_w
    d.groups = groups
    top, bottom, left, right = pad
    d.padding = _capi.Padding(_code(PAD_MODES, padding, "padding"), top, bottom, left, right)
    d.activation = _code(ACTIVATIONS, activation, "activation")
    d.has_bias, d.fuse_residual = b is not None, fuse_residual
    d.algo = _code(ALGOS, algo, "algo")
    out = _capi.Shape()
    check(lib.oclnn_conv2d_output_shape(ctypes.byref(d), ctypes.byref(out)))
    h = _create(ctx, lib.oclnn_conv2d_create, ctypes.byref(d), wp, bp)

    def run(op, src, residual, dst=None):
        if dst is None:  # run(src, dst): no residual
            residual, dst = None, residual
        return lib.oclnn_conv2d_run(op, src, dst, residual)
    return Op(ctx, h, run, out.tuple())


def batchnorm(ctx, *, shape, gamma=None, beta=None, running_mean=None, running_var=None,
              eps=1e-5, momentum=0.1, training=False):
    """oclnn_batchnorm_create; run(src, dst)."""
    arrays = [_opt(a, n) for a, n in ((gamma, "gamma"), (beta, "beta"),
                                      (running_mean, "running_mean"), (running_var, "running_var"))]
    d = _capi.BatchnormDesc(shape4(shape), eps, momentum, training)
    h = _create(ctx, lib.oclnn_batchnorm_create, ctypes.byref(d), *[p for _, p in arrays])
    return Op(ctx, h, lib.oclnn_batchnorm_run, tuple(shape))


def pool2d(ctx, *, input, kind="max", kernel_h=1, kernel_w=1, stride_h=0, stride_w=0, pad_h=0,
           pad_w=0, ceil_mode=False, count_include_pad=True):
    """oclnn_pool2d_create; run(src, dst) (argmax: run(src, dst, argmax))."""
    d = _capi.Pool2dDesc(shape4(input), _code(POOL_KINDS, kind, "kind"), kernel_h, kernel_w,
                         stride_h, stride_w, pad_h, pad_w, ceil_mode, count_include_pad)
    out = _capi.Shape()
    check(lib.oclnn_pool2d_output_shape(ctypes.byref(d), ctypes.byref(out)))
    h = _create(ctx, lib.oclnn_pool2d_create, ctypes.byref(d))
    return Op(ctx, h, lambda op, src, dst, argmax=None: lib.oclnn_pool2d_run(op, src, dst, argmax),
              out.tuple())


def eltwise(ctx, *, shape, op="add", scale=None, shift=None):
    """oclnn_eltwise_create; run(a, b, dst) for add/add_relu/mul/sub/div, run(a, dst) otherwise."""
    code = _code(ELTWISE_OPS, op, "op")
    s, sp = _opt(scale, "scale")
    t, tp = _opt(shift, "shift")
    d = _capi.EltwiseDesc(shape4(shape), code)
    h = _create(ctx, lib.oclnn_eltwise_create, ctypes.byref(d), sp, tp)

    def run(handle, a, b, dst=None):
        if dst is None:
            b, dst = None, b
        return lib.oclnn_eltwise_run(handle, a, b, dst)
    return Op(ctx, h, run, tuple(shape))


def concat(ctx, *, inputs):
    """oclnn_concat_create over input shapes; run(src0, src1, ..., dst)."""
    shapes = (_capi.Shape * len(inputs))(*[shape4(s) for s in inputs])
    out = _capi.Shape()
    check(lib.oclnn_concat_output_shape(shapes, len(inputs), ctypes.byref(out)))
    h = _create(ctx, lib.oclnn_concat_create, shapes, len(inputs))

    def run(handle, *tensors):
        srcs = (ctypes.c_void_p * (len(tensors) - 1))(*tensors[:-1])
        return lib.oclnn_concat_run(handle, srcs, tensors[-1])
    return Op(ctx, h, run, out.tuple())


def fc(ctx, weights, bias=None, *, input):
    """oclnn_fc_create: weights out_features x (c*h*w); run(src, dst), dst (n, out, 1, 1)."""
    w, wp = as_floats(weights, "weights")
    if w.ndim != 2:
        raise ValueError("weights must be 2-D (out_features, in_features), not %r" % (w.shape,))
    b, bp = _opt(bias, "bias")
    d = _capi.FcDesc(shape4(input), w.shape[0], b is not None)
    h = _create(ctx, lib.oclnn_fc_create, ctypes.byref(d), wp, bp)
    return Op(ctx, h, lib.oclnn_fc_run, (input[0], w.shape[0], 1, 1))


def softmax(ctx, *, shape):
    """oclnn_softmax_create (over channels); run(src, dst)."""
    d = _capi.SoftmaxDesc(shape4(shape))
    return Op(ctx, _create(ctx, lib.oclnn_softmax_create, ctypes.byref(d)), lib.oclnn_softmax_run,
              tuple(shape))


def lrn(ctx, *, shape, size=5, alpha=1e-4, beta=0.75, k=1.0):
    """oclnn_lrn_create (PyTorch's local_response_norm arguments); run(src, dst)."""
    d = _capi.LrnDesc(shape4(shape), size, alpha, beta, k)
    return Op(ctx, _create(ctx, lib.oclnn_lrn_create, ctypes.byref(d)), lib.oclnn_lrn_run,
              tuple(shape))


class RoiOp(Op):
    """oclnn_roi_*: run(src, rois, dst, argmax=None) with rois a (R, 5) host array; calling it
    as op(features, rois) returns (R, C, pooled_h, pooled_w)."""

    def run(self, src, rois, dst, argmax=None):
        r, rp = as_floats(rois, "rois")
        if r.ndim != 2 or r.shape[1] != 5:
            raise ValueError("rois must be (R, 5), not %r" % (r.shape,))
        check(lib.oclnn_roi_run(self.handle, src.handle, rp, r.shape[0], dst.handle,
                                argmax.handle if argmax is not None else None))

    def __call__(self, features, rois):
        ctx = self.context
        r = np.asarray(rois, dtype=np.float32)
        with ctx.from_numpy(features) as src, \
                ctx.tensor((max(r.shape[0], 1), src.shape[1]) + self.out_shape) as dst:
            self.run(src, r, dst)
            return dst.numpy()[: r.shape[0]]


def roi(ctx, *, mode="align", pooled_h=7, pooled_w=7, spatial_scale=1.0, sampling_ratio=-1,
        aligned=False):
    """oclnn_roi_create (torchvision's roi_align / roi_pool)."""
    d = _capi.RoiDesc(_code(ROI_MODES, mode, "mode"), pooled_h, pooled_w, spatial_scale,
                      sampling_ratio, aligned)
    return RoiOp(ctx, _create(ctx, lib.oclnn_roi_create, ctypes.byref(d)), None,
                 (pooled_h, pooled_w))


def nms(ctx, boxes, scores, classes=None, *, iou_threshold=0.7, score_threshold=None, top_k=0):
    """oclnn_nms (torchvision.ops.nms, or batched_nms with classes): the kept indices, by
    descending score, as an int64 array."""
    b, bp = as_floats(boxes, "boxes")
    s, sp = as_floats(scores, "scores")
    n = s.shape[0]
    if b.shape != (n, 4):
        raise ValueError("boxes must be (%d, 4), not %r" % (n, b.shape))
    cp = None
    if classes is not None:
        c = np.ascontiguousarray(classes, dtype=np.int32)
        cp = c.ctypes.data_as(ctypes.POINTER(ctypes.c_int32))
    d = _capi.NmsDesc(iou_threshold, score_threshold is not None,
                      score_threshold if score_threshold is not None else 0.0, top_k)
    keep = np.zeros(max(n, 1), dtype=np.uint32)
    kept = ctypes.c_size_t()
    check(lib.oclnn_nms(ctx.handle, ctypes.byref(d), bp, sp, cp, n,
                        keep.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32)), ctypes.byref(kept)))
    return keep[: kept.value].astype(np.int64)


def box_iou(a, b):
    """oclnn_box_iou (torchvision.ops.box_iou): the (len(a), len(b)) IoU matrix."""
    x, xp = as_floats(a, "a")
    y, yp = as_floats(b, "b")
    out = np.empty((x.shape[0], y.shape[0]), dtype=np.float32)
    check(lib.oclnn_box_iou(xp, x.shape[0], yp, y.shape[0], out.ctypes.data_as(_capi.c_float_p)))
    return out


__all__ = ["Op", "RoiOp", "Tensor", "conv2d", "batchnorm", "pool2d", "eltwise", "concat", "fc",
           "softmax", "lrn", "roi", "nms", "box_iou"]
