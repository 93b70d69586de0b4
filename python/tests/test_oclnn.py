# SPDX-License-Identifier: MIT
"""The Python package against PyTorch when it is importable, else against NumPy references of the
same formulas; the OpenCL backend also against the C backend. Every op on both backends and both
layouts (OpenCL cases skip when there is no device); lifetimes, errors and nets."""
import gc
import os

import numpy as np
import pytest

import oclnn

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

# float32 sums of at most a few hundred O(1) products, in another order than the reference.
ATOL, RTOL = 1e-4, 1e-4

CONFIGS = [("cpu", "nchw"), ("cpu", "nhwc"), ("opencl", "nchw"), ("opencl", "nhwc")]
_contexts = {}


def context(backend, layout):
    key = (backend, layout)
    if key not in _contexts:
        device = "cpu" if backend == "cpu" else os.environ.get("OCLNN_TEST_DEVICE", "0:0")
        if backend == "opencl" and os.environ.get("OCLNN_TEST_SKIP_OPENCL", "0") not in ("", "0"):
            pytest.skip("OpenCL disabled by OCLNN_TEST_SKIP_OPENCL")
        try:
            _contexts[key] = oclnn.Context(device=device, layout=layout)
        except oclnn.Error as e:
            pytest.skip("no OpenCL device: %s" % e)
    return _contexts[key]


@pytest.fixture(params=CONFIGS, ids=["%s-%s" % c for c in CONFIGS])
def ctx(request):
    return context(*request.param)


def rand(*shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape).astype(np.float32)


def ref_conv2d(x, w, b, stride, pad, dilation=1, groups=1, relu=False):
    if torch is not None:
        y = F.conv2d(torch.from_numpy(x), torch.from_numpy(w),
                     None if b is None else torch.from_numpy(b), stride, pad, dilation, groups)
        return (F.relu(y) if relu else y).numpy()
    n, c, h, wd = x.shape
    k, cg, r, s = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    p = (h + 2 * pad - dilation * (r - 1) - 1) // stride + 1
    q = (wd + 2 * pad - dilation * (s - 1) - 1) // stride + 1
    y = np.zeros((n, k, p, q))
    kg = k // groups
    for g in range(groups):
        for i in range(r):
            for j in range(s):
                patch = xp[:, g * cg:(g + 1) * cg, i * dilation:i * dilation + stride * p:stride,
                           j * dilation:j * dilation + stride * q:stride]
                y[:, g * kg:(g + 1) * kg] += np.einsum("nchw,kc->nkhw", patch,
                                                       w[g * kg:(g + 1) * kg, :, i, j])
    if b is not None:
        y += b[None, :, None, None]
    return np.maximum(y, 0) if relu else y


def ref_pool(x, kind, k, stride, pad):
    if torch is not None:
        t = torch.from_numpy(x)
        return (F.max_pool2d(t, k, stride, pad) if kind == "max"
                else F.avg_pool2d(t, k, stride, pad)).numpy()
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)
    p = (x.shape[2] + 2 * pad - k) // stride + 1
    q = (x.shape[3] + 2 * pad - k) // stride + 1
    win = np.stack([xp[:, :, i:i + stride * p:stride, j:j + stride * q:stride]
                    for i in range(k) for j in range(k)])
    return win.max(0) if kind == "max" else win.mean(0)


def ref_softmax(x):
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def ref_lrn(x, size, alpha, beta, k):
    if torch is not None:
        return F.local_response_norm(torch.from_numpy(x), size, alpha, beta, k).numpy()
    sq = np.pad(x.astype(np.float64) ** 2, ((0, 0), (size // 2, (size - 1) // 2), (0, 0), (0, 0)))
    div = sum(sq[:, i:i + x.shape[1]] for i in range(size)) / size
    return x / (k + alpha * div) ** beta


def ref_nms(boxes, scores, thr):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    keep = []
    area = lambda b: (b[2] - b[0]) * (b[3] - b[1])  # noqa: E731
    for i in order:
        ok = True
        for j in keep:
            a, b = boxes[i].astype(np.float64), boxes[j].astype(np.float64)
            iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
            ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
            inter = iw * ih
            if inter / (area(a) + area(b) - inter) > thr:
                ok = False
                break
        if ok:
            keep.append(i)
    return np.array(keep, dtype=np.int64)


def test_devices_end_with_the_c_backend():
    devs = oclnn.devices()
    assert devs[-1].backend == "cpu" and devs[-1].spec == "cpu"
    assert all(d.name for d in devs)


def test_tensor_round_trip(ctx):
    x = rand(2, 3, 5, 7)
    with ctx.from_numpy(x) as t:
        assert t.shape == x.shape and t.layout == ctx.layout
        np.testing.assert_array_equal(t.numpy(), x)
        np.testing.assert_array_equal(np.asarray(t), x)
        t.fill(2.5)
        assert (t.numpy() == 2.5).all()


@pytest.mark.parametrize("stride,pad,groups,relu", [(1, 1, 1, True), (2, 0, 1, False),
                                                    (1, 1, 2, False), (1, 1, 4, True)])
def test_conv2d(ctx, stride, pad, groups, relu):
    x, w, b = rand(2, 4, 9, 9, seed=1), rand(8, 4 // groups, 3, 3, seed=2), rand(8, seed=3)
    op = oclnn.conv2d(ctx, w, b, input=x.shape, stride_h=stride, stride_w=stride, groups=groups,
                      pad=(pad,) * 4, activation="relu" if relu else None)
    np.testing.assert_allclose(op(x), ref_conv2d(x, w, b, stride, pad, 1, groups, relu),
                               atol=ATOL, rtol=RTOL)
    assert op.algorithm



# issue 19: Winograd F(6x6,3x3) by name, on a size that is no multiple of its 6x6 tile
def test_conv2d_winograd6(ctx):
    x, w, b = rand(2, 8, 13, 11, seed=7), rand(16, 8, 3, 3, seed=8), rand(16, seed=9)
    op = oclnn.conv2d(ctx, w, b, input=x.shape, pad=(1,) * 4, activation="relu", algo="winograd6")
    assert op.algorithm == "winograd6"
    np.testing.assert_allclose(op(x), ref_conv2d(x, w, b, 1, 1, 1, 1, True), atol=ATOL, rtol=RTOL)
def test_conv2d_residual_and_explicit_tensors(ctx):
    x, w, r = rand(1, 3, 6, 6, seed=4), rand(5, 3, 1, 1, seed=5), rand(1, 5, 6, 6, seed=6)
    op = oclnn.conv2d(ctx, w, input=x.shape, fuse_residual=True, activation="relu")
    want = np.maximum(ref_conv2d(x, w, None, 1, 0) + r, 0)
    np.testing.assert_allclose(op(x, r), want, atol=ATOL, rtol=RTOL)
    with ctx.from_numpy(x) as src, ctx.from_numpy(r, layout="nchw") as res, \
            ctx.tensor(op.out_shape, layout="nhwc") as dst:
        op.run(src, res, dst)
        np.testing.assert_allclose(dst.numpy(), want, atol=ATOL, rtol=RTOL)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d(ctx, kind):
    x = rand(2, 3, 10, 10, seed=7)
    op = oclnn.pool2d(ctx, input=x.shape, kind=kind, kernel_h=3, kernel_w=3, stride_h=2,
                      stride_w=2, pad_h=1, pad_w=1)
    np.testing.assert_allclose(op(x), ref_pool(x, kind, 3, 2, 1), atol=ATOL, rtol=RTOL)


def test_batchnorm(ctx):
    x = rand(2, 4, 5, 5, seed=8)
    g, b, m, v = rand(4, seed=9), rand(4, seed=10), rand(4, seed=11), rand(4, seed=12, lo=0.5)
    op = oclnn.batchnorm(ctx, shape=x.shape, gamma=g, beta=b, running_mean=m, running_var=v)
    want = ((x - m[None, :, None, None]) / np.sqrt(v[None, :, None, None] + 1e-5) *
            g[None, :, None, None] + b[None, :, None, None])
    np.testing.assert_allclose(op(x), want, atol=ATOL, rtol=RTOL)


@pytest.mark.parametrize("name", ["add", "add_relu", "relu", "sigmoid", "tanh", "sub", "div"])
def test_eltwise(ctx, name):
    a, b = rand(2, 3, 4, 5, seed=13), rand(2, 3, 4, 5, seed=14)
    if name == "div":  # issue 16: sub and div; a divisor away from 0
        b = (b * b + 1).astype(np.float32)
    op = oclnn.eltwise(ctx, shape=a.shape, op=name)
    want = {"add": a + b, "add_relu": np.maximum(a + b, 0), "relu": np.maximum(a, 0),
            "sigmoid": 1 / (1 + np.exp(-a)), "tanh": np.tanh(a), "sub": a - b, "div": a / b}[name]
    got = op(a, b) if name in ("add", "add_relu", "sub", "div") else op(a)
    np.testing.assert_allclose(got, want, atol=ATOL, rtol=RTOL)


def test_concat(ctx):
    a, b = rand(2, 3, 4, 4, seed=15), rand(2, 5, 4, 4, seed=16)
    op = oclnn.concat(ctx, inputs=[a.shape, b.shape])
    np.testing.assert_array_equal(op(a, b), np.concatenate([a, b], 1))


def test_fc_and_softmax(ctx):
    x, w, b = rand(3, 4, 2, 2, seed=17), rand(10, 16, seed=18), rand(10, seed=19)
    y = oclnn.fc(ctx, w, b, input=x.shape)(x)
    want = (x.reshape(3, -1) @ w.T + b).reshape(3, 10, 1, 1)
    np.testing.assert_allclose(y, want, atol=ATOL, rtol=RTOL)
    s = oclnn.softmax(ctx, shape=y.shape)(y)
    np.testing.assert_allclose(s, ref_softmax(want), atol=1e-6, rtol=1e-5)


def test_lrn(ctx):
    x = rand(2, 7, 4, 4, seed=20)
    op = oclnn.lrn(ctx, shape=x.shape, size=3, alpha=0.1, beta=0.75, k=2.0)
    np.testing.assert_allclose(op(x), ref_lrn(x, 3, 0.1, 0.75, 2.0), atol=ATOL, rtol=RTOL)


def test_nms_and_box_iou(ctx):
    rng = np.random.default_rng(21)
    xy = rng.uniform(0, 50, (40, 2)).astype(np.float32)
    boxes = np.concatenate([xy, xy + rng.uniform(5, 30, (40, 2)).astype(np.float32)], 1)
    scores = rng.uniform(0, 1, 40).astype(np.float32)
    np.testing.assert_array_equal(oclnn.nms(ctx, boxes, scores, iou_threshold=0.5),
                                  ref_nms(boxes, scores, 0.5))
    iou = oclnn.box_iou(boxes[:3], boxes)
    assert iou.shape == (3, 40) and np.allclose(np.diag(iou[:, :3]), 1.0)


def test_roi_align_matches_the_c_backend(ctx):
    feat = rand(1, 4, 16, 16, seed=22)
    rois = np.array([[0, 1, 1, 10, 12], [0, 4.5, 2.25, 15, 9]], dtype=np.float32)
    op = oclnn.roi(ctx, mode="align", pooled_h=3, pooled_w=3, spatial_scale=0.5,
                   sampling_ratio=2)
    got = op(feat, rois)
    assert got.shape == (2, 4, 3, 3)
    if torch is not None:
        import importlib.util
        if importlib.util.find_spec("torchvision"):
            import torchvision
            want = torchvision.ops.roi_align(torch.from_numpy(feat), torch.from_numpy(rois),
                                             (3, 3), 0.5, 2).numpy()
            np.testing.assert_allclose(got, want, atol=ATOL, rtol=RTOL)
            return
    cpu = oclnn.roi(context("cpu", "nchw"), mode="align", pooled_h=3, pooled_w=3,
                    spatial_scale=0.5, sampling_ratio=2)(feat, rois)
    np.testing.assert_allclose(got, cpu, atol=1e-5, rtol=1e-5)


def test_errors_carry_the_c_message(ctx):
    with pytest.raises(oclnn.InvalidArgumentError) as e:
        oclnn.softmax(ctx, shape=(1, 0, 2, 2))
    assert "oclnn_softmax_create" in str(e.value) and "zero dimension" in str(e.value)
    assert e.value.status_name == "INVALID_ARGUMENT"
    with pytest.raises(ValueError):
        ctx.tensor((1, 2, 3))
    with pytest.raises(oclnn.UnsupportedError):
        oclnn.conv2d(ctx, rand(2, 2, 5, 5), input=(1, 2, 8, 8), algo="winograd2")
    with pytest.raises(oclnn.Error) as e:
        oclnn.Context(device="no such device")
    assert e.value.status_name == "NO_DEVICE"


def test_lifetimes():
    ctx = oclnn.Context(device="cpu")
    t = ctx.from_numpy(np.ones((1, 2, 3, 4), np.float32))
    op = oclnn.softmax(ctx, shape=(1, 2, 3, 4))
    del ctx
    gc.collect()  # the tensor and op keep their context alive
    with t.context.tensor(t.shape) as out:
        op.run(t, out)
        np.testing.assert_allclose(out.numpy(), 0.5)
    c2 = oclnn.Context(device="cpu")
    with c2:
        u = c2.tensor((1, 1, 1, 1))
    with pytest.raises(oclnn.InvalidArgumentError, match="destroyed"):
        u.numpy()  # the context was closed: its tensors report it, never crash
    u.close()
    u.close()  # closing twice is fine
    with pytest.raises(ValueError, match="closed"):
        u.numpy()


def test_net_builtin_opencl_matches_cpu():
    cpu = oclnn.Net.builtin("resnet18", seed=3, input_shape=(1, 3, 64, 64),
                            context=context("cpu", "nchw"))
    x = rand(1, 3, 64, 64, seed=23)
    y = cpu(x)
    assert y.shape == (1, 1000, 1, 1)
    layers = cpu.profile(x)
    assert len(layers) > 10 and all(l["ms"] >= 0 for l in layers)
    assert layers[0]["op"].startswith("conv") and sum(l["flops"] for l in layers) > 1e8
    assert cpu.memory()["peak"] > 0
    cl = oclnn.Net.builtin("resnet18", seed=3, input_shape=(1, 3, 64, 64),
                           context=context("opencl", "nhwc"))
    np.testing.assert_allclose(cl(x), y, atol=1e-3, rtol=1e-3)
    assert "resnet18" in oclnn.builtin_names()


def test_threads_option():
    before = os.environ.get("OCLNN_THREADS")
    with oclnn.Context(device="cpu", threads=1) as ctx:
        x = rand(1, 4, 3, 3, seed=24)
        np.testing.assert_allclose(oclnn.softmax(ctx, shape=x.shape)(x), ref_softmax(x),
                                   atol=1e-6, rtol=1e-5)
    assert os.environ.get("OCLNN_THREADS") == before  # the process's value is left alone
    for bad in (0, 1025, 2.5, "4"):
        with pytest.raises(ValueError, match="threads"):
            oclnn.Context(device="cpu", threads=bad)


def test_net_builtin_errors(tmp_path):
    cpu = context("cpu", "nchw")
    with pytest.raises(oclnn.InvalidArgumentError, match="resnet18"):
        oclnn.Net.builtin("no_such_net", context=cpu)  # the message lists the names
    with pytest.raises(oclnn.Error) as e:
        oclnn.Net.builtin("resnet18", weights=str(tmp_path / "missing.safetensors"), context=cpu)
    assert e.value.status_name == "IO" and "missing.safetensors" in str(e.value)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    with pytest.raises(oclnn.Error) as e:
        oclnn.Net.builtin("resnet18", weights=str(bad), context=cpu)
    assert e.value.status_name == "BAD_FILE"
    with pytest.raises(ValueError, match="weights or seed"):
        oclnn.Net.builtin("resnet18", weights=str(bad), seed=1, context=cpu)


DATA = os.environ.get("OCLNN_TEST_DATA_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data")


def data(name):
    return os.path.join(DATA, name)


def golden(name):
    """A raw little-endian float32 file of tests/data (tools/make_golden.py's format)."""
    return np.fromfile(data(name), dtype="<f4")


def skip_without_onnx():
    try:
        oclnn.Graph.from_onnx(data("onnx_small.onnx")).close()
    except oclnn.UnsupportedError as e:
        if "without ONNX" in str(e):
            pytest.skip(str(e))
        raise


@pytest.mark.parametrize("source", ["path", "bytes"])
def test_net_from_onnx(ctx, source):
    """tests/test_onnx.c's check: the small PyTorch export (batch symbolic) against PyTorch's
    float64 output, from a path and from the file's bytes."""
    skip_without_onnx()
    model = data("onnx_small.onnx")
    if source == "bytes":
        with open(model, "rb") as f:
            model = f.read()
    with oclnn.Graph.from_onnx(model) as g:
        assert g.onnx_input_shape == (0, 3, 12, 12)
    x = golden("onnx_small_x.bin").reshape(2, 3, 12, 12)
    want = golden("onnx_small_y.bin").reshape(2, 5, 1, 1)
    with oclnn.Net.from_onnx(model, batch=2, context=ctx) as net:
        assert net.input_shape == (2, 3, 12, 12)
        got = net(x)
    assert got.shape == (2, 5, 1, 1)
    np.testing.assert_allclose(got, want, atol=1e-4, rtol=1e-3)  # ONNX_ATOL, ONNX_RTOL


def test_net_from_onnx_activations(ctx):
    """The activations and squeeze-excite gate model (HardSwish, Clip, HardSigmoid, Mul, Sigmoid,
    Tanh, ReduceMean; tools/make_onnx_test.py) against PyTorch's float64 output."""
    skip_without_onnx()
    x = golden("onnx_act_x.bin").reshape(2, 3, 10, 10)
    want = golden("onnx_act_y.bin").reshape(2, 5, 1, 1)
    for name in ("onnx_act.onnx", "onnx_act_op11.onnx"):
        with oclnn.Net.from_onnx(data(name), batch=2, context=ctx) as net:
            got = net(x)
        np.testing.assert_allclose(got, want, atol=1e-4, rtol=1e-3, err_msg=name)


def test_net_reshape(ctx):
    """issue 16: Net.reshape changes batch and size without new weights; outputs match a net
    created at the new shape (float32 re-association only: a fresh net may pick other conv
    algorithms), memory follows, sizes the model fixes are refused naming the node."""
    skip_without_onnx()
    model = data("onnx_dynamic.onnx")  # n, h and w symbolic
    rng = np.random.default_rng(0)
    with oclnn.Net.from_onnx(model, input_shape=(1, 3, 12, 12), context=ctx) as net:
        io1 = net.memory()["io"]
        for shape in ((3, 3, 12, 12), (2, 3, 16, 10)):
            net.reshape(shape[0], shape[2], shape[3])
            assert net.input_shape == shape and net.input.shape == shape
            x = rng.uniform(-1, 1, shape).astype(np.float32)
            with oclnn.Net.from_onnx(model, input_shape=shape, context=ctx) as fresh:
                np.testing.assert_allclose(net(x), fresh(x), atol=2e-6, rtol=1e-4)
                for key in ("io", "weights", "activations_live"):
                    assert net.memory()[key] == fresh.memory()[key], key
        net.reshape(3, 12, 12)
        assert net.memory()["io"] == 3 * io1
        with pytest.raises(oclnn.Error, match="at least 1"):
            net.reshape(0)
        assert net.input_shape == (3, 3, 12, 12)
    with oclnn.Net.from_onnx(data("onnx_small.onnx"), batch=1, context=ctx) as net:
        net.reshape(2)  # the batch always changes
        with pytest.raises(oclnn.UnsupportedError, match="declares its input as 12 x 12"):
            net.reshape(2, 16, 16)


def test_net_from_onnx_nd(ctx):
    """Issue 19: the 1-D and 3-D exports (tools/make_onnx_nd_test.py) run on (n, c, l) and
    (n, c, d, h, w) arrays against PyTorch's float64 output; a sequence of another length is refused."""
    skip_without_onnx()
    for name, shape in (("onnx_text1d", (2, 4, 20)), ("onnx_vid3d", (2, 3, 4, 8, 8))):
        x = golden(name + "_x.bin").reshape(shape)
        want = golden(name + "_y.bin").reshape(2, 5, 1, 1)
        with oclnn.Net.from_onnx(data(name + ".onnx"), batch=2, context=ctx) as net:
            got = net(x)
            if name == "onnx_text1d":
                with pytest.raises(ValueError):
                    net(np.zeros((2, 4, 21), np.float32))
        np.testing.assert_allclose(got, want, atol=1e-4, rtol=1e-3, err_msg=name)


def test_net_from_onnx_errors(tmp_path):
    skip_without_onnx()
    cpu = context("cpu", "nchw")
    with pytest.raises(ValueError, match="batch"):
        oclnn.Net.from_onnx(data("onnx_small.onnx"), context=cpu)  # the batch is symbolic
    with pytest.raises(ValueError, match="4-D"):
        oclnn.Net.from_onnx(data("onnx_small.onnx"), input_shape=(2, 3), context=cpu)
    # input_shape's None entries keep the model's dimensions
    net = oclnn.Net.from_onnx(data("onnx_small.onnx"), input_shape=(1, None, None, None),
                              context=cpu)
    assert net.input_shape == (1, 3, 12, 12)
    net.close()
    with pytest.raises(oclnn.UnsupportedError, match="Erf") as e:  # names the op
        oclnn.Net.from_onnx(data("onnx_refused_op.onnx"), batch=1, context=cpu)
    assert e.value.status_name == "UNSUPPORTED" and isinstance(e.value, NotImplementedError)
    with pytest.raises(oclnn.Error, match="not an ONNX model") as e:
        oclnn.Net.from_onnx(b"\xff\xff\xff", batch=1, context=cpu)
    assert e.value.status_name == "BAD_FILE"
    with open(data("onnx_small.onnx"), "rb") as f:
        truncated = f.read()[:100]
    with pytest.raises(oclnn.Error):
        oclnn.Net.from_onnx(bytearray(truncated), batch=1, context=cpu)
    bad = tmp_path / "corrupt.onnx"
    bad.write_bytes(b"\xff\xff\xff")
    with pytest.raises(oclnn.Error, match="not an ONNX model"):
        oclnn.Net.from_onnx(bad, batch=1, context=cpu)  # os.PathLike
    with pytest.raises(oclnn.Error) as e:
        oclnn.Net.from_onnx(str(tmp_path / "missing.onnx"), batch=1, context=cpu)
    assert e.value.status_name == "IO"
    with pytest.raises(TypeError):
        oclnn.Net.from_onnx(42, batch=1, context=cpu)


def test_graph_built_in_python(ctx):
    """A conv + ReLU + global pooling + FC network built node by node, weights set through
    param() views, against the NumPy formulas."""
    g = oclnn.Graph()
    x_id = g.add("input", "input", channels=3)
    c = g.add("conv", "conv", [x_id], channels=6, kernel_h=3, kernel_w=3, pad_h=1, pad_w=1,
              bias=True)
    r = g.add("relu", "relu", [c])
    p = g.add("pool", "adaptive_avg_pool", [r], out_h=1, out_w=1)
    g.add("fc", "fc", [p], channels=4, bias=True)
    w, b = rand(6, 3, 3, 3, seed=30), rand(6, seed=31)
    fw, fb = rand(4, 6, seed=32), rand(4, seed=33)
    g.param("conv.weight")[:] = w.reshape(-1)
    g.param("conv.bias")[:] = b
    g.param("fc.weight")[:] = fw.reshape(-1)
    g.param("fc.bias")[:] = fb
    assert g.infer_shapes((2, 3, 8, 8))[-1] == (2, 4, 1, 1)
    with pytest.raises(oclnn.InvalidArgumentError, match="nope"):
        g.param("nope.weight")
    with pytest.raises(ValueError, match="not a field"):
        g.add("bad", "relu", [c], kernel=3)
    x = rand(2, 3, 8, 8, seed=34)
    net = oclnn.Net(ctx, g, x.shape)
    g.close()  # the net does not need the graph
    feat = ref_conv2d(x, w, b, 1, 1, relu=True).mean(axis=(2, 3))
    want = (feat @ fw.T + fb).reshape(2, 4, 1, 1)
    np.testing.assert_allclose(net(x), want, atol=ATOL, rtol=RTOL)
    assert [l["op"] for l in net.layers()][0].startswith("conv")


def test_host_visible_map(ctx):
    x = rand(1, 3, 4, 5, seed=35)
    with ctx.tensor(x.shape, host_visible=True) as t:
        with t.map("w") as a:
            assert a.shape == (x.shape if t.layout == "nchw" else (1, 4, 5, 3))
            a[...] = x if t.layout == "nchw" else x.transpose(0, 2, 3, 1)
        np.testing.assert_array_equal(t.numpy(), x)
        op = oclnn.eltwise(ctx, shape=x.shape, op="relu")
        op.run(t, t)  # in place
        with t.map("r") as a:
            got = a.copy() if t.layout == "nchw" else a.transpose(0, 3, 1, 2).copy()
        np.testing.assert_array_equal(got, np.maximum(x, 0))
        with pytest.raises(ValueError, match="mode"):
            with t.map("x"):
                pass


def test_struct_sizes_match_the_header():
    """Every struct in _capi.py has the C size (ctest passes the printer's path). ContextOptions
    may be larger: it already declares the threads field appended by the CPU-speed work."""
    exe = os.environ.get("OCLNN_STRUCT_SIZES")
    if not exe:
        pytest.skip("OCLNN_STRUCT_SIZES (python/tests/struct_sizes.c, built by CMake) not set")
    import ctypes
    import subprocess
    from oclnn import _capi
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        name, size = line.split()
        py = ctypes.sizeof(getattr(_capi, name))
        assert py == int(size), "%s: C %s bytes, Python %d: update _capi.py" % (name, size, py)
