#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the 1-D and 3-D ONNX models tests/test_onnx_nd.c runs (issue 19), and PyTorch's float64
output for them; tools/make_onnx_test.py calls write_nd_models() too.

onnx_text1d.onnx / onnx_text1d_op11.onnx: a text-CNN-like 1-D network on (n, 4, 20) sequences:
BatchNorm1d on the input, parallel Conv1d of widths 3 and 5 (+ BN + ReLU), Concat, MaxPool1d,
AvgPool1d (count_include_pad), a grouped strided dilated padded Conv1d, global max pooling (adaptive_max_pool1d(1): GlobalMaxPool) beside global average pooling,
Flatten, Gemm. onnx_vid3d.onnx / onnx_vid3d_op11.onnx: a small 3-D network on (n, 3, 4, 8, 8)
clips: Conv3d 3x3x3 + BN + ReLU, a (2+1)-D 1x3x3 /(1,2,2) then 3x1x1 pair (BN, ReLU) with a 1x1x1
strided residual, MaxPool3d (padding), AvgPool3d (stride, padding, count_include_pad), a stand-alone BatchNorm3d,
AdaptiveAvgPool3d(1) (GlobalAveragePool) and adaptive_max_pool3d(1) (GlobalMaxPool), Concat,
Flatten, Gemm. Weights from torch.manual_seed(19), batch-norm statistics randomized, batch a
dynamic axis. <name>_x.bin / <name>_y.bin: the input (batch 2) and PyTorch's float64 output as
float32. onnx_nd_hand.onnx and onnx_gmax3d.onnx (hand-built): SAME_UPPER strided 1-D Conv and
SAME_LOWER 3-D Conv, each then GlobalMaxPool and Flatten. onnx_pool_same*.onnx: 2-D and 1-D
pooling with auto_pad SAME and asymmetric pads (issue 16), onnxruntime's output as golden (needs
node and onnxruntime-node). With --ort, also runs onnxruntime-node (NODE_PATH=/work/ort/node_modules) on each file
and prints its largest difference from PyTorch's output.
Usage: /usr/bin/python3 tools/make_onnx_nd_test.py [OUTDIR] [--ort]
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Text1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn0 = nn.BatchNorm1d(4)
        self.c3 = nn.Conv1d(4, 6, 3, padding=1)
        self.bn3 = nn.BatchNorm1d(6)
        self.c5 = nn.Conv1d(4, 6, 5, padding=2, bias=False)
        self.bn5 = nn.BatchNorm1d(6)
        self.c2 = nn.Conv1d(12, 8, 3, stride=2, padding=1, dilation=2, groups=2)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.bn0(x)
        a = F.relu(self.bn3(self.c3(x)))
        b = F.relu(self.bn5(self.c5(x)))
        y = F.max_pool1d(torch.cat([a, b], 1), 2)                   # 12 x 10
        y = F.avg_pool1d(y, 3, stride=1, padding=1)                  # count_include_pad
        y = F.relu(self.c2(y))                                       # 10 -> 4
        g = torch.cat([F.adaptive_max_pool1d(y, 1), F.adaptive_avg_pool1d(y, 1)], 1)
        return self.fc(torch.flatten(g, 1))


class Vid3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv3d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm3d(8)
        self.s = nn.Conv3d(8, 8, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), bias=False)
        self.bns = nn.BatchNorm3d(8)
        self.t = nn.Conv3d(8, 8, (3, 1, 1), padding=(1, 0, 0), bias=False)
        self.bnt = nn.BatchNorm3d(8)
        self.down = nn.Conv3d(8, 8, 1, stride=(1, 2, 2))
        self.bn2 = nn.BatchNorm3d(8)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))                          # 8 x 4 x 8 x 8
        r = self.down(x)                                             # 8 x 4 x 4 x 4
        y = F.relu(self.bns(self.s(x)))
        y = F.relu(self.bnt(self.t(y)) + r)                          # 8 x 4 x 4 x 4
        y = F.max_pool3d(y, 2, stride=1, padding=(1, 0, 0))          # 8 x 5 x 3 x 3
        y = self.bn2(F.avg_pool3d(y, 3, stride=(2, 1, 1), padding=1))  # 8 x 3 x 3 x 3
        g = torch.cat([F.adaptive_avg_pool3d(y, 1), F.adaptive_max_pool3d(y, 1)], 1)
        return self.fc(torch.flatten(g, 1))


def randomize_bn(m):
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm3d)):
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)


def ort_check(path, x, want):
    node_path = os.environ.get("NODE_PATH", "/work/ort/node_modules")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    with tempfile.TemporaryDirectory() as tmp:
        xb, yb = os.path.join(tmp, "x.bin"), os.path.join(tmp, "y.bin")
        x.astype("<f4").tofile(xb)
        # ort_run.js takes the shape as a comma list; any rank works
        subprocess.run(["node", os.path.join(root, "tools", "ort_run.js"), path, xb, ",".join(map(str, x.shape)), "1",
                        "1", yb], check=True, env=dict(os.environ, NODE_PATH=node_path), stdout=subprocess.DEVNULL)
        got = np.fromfile(yb, "<f4")
    print(f"{os.path.basename(path)}: max |onnxruntime - torch float64| = {np.abs(got - want.ravel()).max():.3g}")


def write_nd_models(out, ort=False):
    for cls, name, shape in ((Text1d, "onnx_text1d", (2, 4, 20)), (Vid3d, "onnx_vid3d", (2, 3, 4, 8, 8))):
        torch.manual_seed(19)
        m = cls().eval()
        randomize_bn(m)
        x = torch.rand(*shape) * 2 - 1
        files = []
        for opset, suffix in ((17, ""), (11, "_op11")):
            path = os.path.join(out, f"{name}{suffix}.onnx")
            torch.onnx.export(m, x, path, opset_version=opset, input_names=["x"], output_names=["y"],
                              dynamic_axes={"x": {0: "n"}, "y": {0: "n"}}, do_constant_folding=True)
            files.append(path)
        with torch.no_grad():
            y = m.double()(x.double()).float()
        x.numpy().astype("<f4").tofile(os.path.join(out, f"{name}_x.bin"))
        y.numpy().astype("<f4").tofile(os.path.join(out, f"{name}_y.bin"))
        if ort:
            for path in files:
                ort_check(path, x.numpy(), y.numpy())
    hand_models(out, ort)
    pool_same_model(out)


def hand_models(out, ort=False):
    """onnx_nd_hand.onnx (by hand, opset 13): on (n, 3, 9) sequences a Conv of width 4, stride 2,
    auto_pad SAME_UPPER (pads 1 and 2); onnx_gmax3d.onnx: on (n, 2, 3, 4, 5) clips a 1x3x3 Conv with
    auto_pad SAME_LOWER; each then GlobalMaxPool and Flatten. Outputs from PyTorch in float64."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    g = torch.Generator().manual_seed(7)
    cases = (("onnx_nd_hand", (2, 3, 9), (4, 3, 4), dict(strides=[2], auto_pad="SAME_UPPER")),
             ("onnx_gmax3d", (2, 2, 3, 4, 5), (3, 2, 1, 3, 3), dict(auto_pad="SAME_LOWER")))
    for name, xs, ws, attrs in cases:
        w = torch.rand(*ws, generator=g) - 0.5
        nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", **attrs),
                 helper.make_node("GlobalMaxPool", ["c"], ["p"], name="gmax"),
                 helper.make_node("Flatten", ["p"], ["y"], name="flat")]
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"] + list(xs[1:]))
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        init = [numpy_helper.from_array(w.numpy(), "w")]
        m = helper.make_model(helper.make_graph(nodes, "g", [x], [y], init), opset_imports=[helper.make_opsetid("", 13)])
        onnx.save(m, os.path.join(out, name + ".onnx"))
        xv = torch.rand(*xs, generator=g) * 2 - 1
        if len(xs) == 3:
            c = F.conv1d(F.pad(xv.double(), (1, 2)), w.double(), stride=2)
        else:
            c = F.conv3d(xv.double(), w.double(), padding=(0, 1, 1))
        yv = c.flatten(2).amax(2)
        xv.numpy().astype("<f4").tofile(os.path.join(out, name + "_x.bin"))
        yv.float().numpy().astype("<f4").tofile(os.path.join(out, name + "_y.bin"))
        if ort:
            ort_check(os.path.join(out, name + ".onnx"), xv.numpy(), yv.numpy())


def ort_run(path, x):
    node_path = os.environ.get("NODE_PATH", "/work/ort/node_modules")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    with tempfile.TemporaryDirectory() as tmp:
        xb, yb = os.path.join(tmp, "x.bin"), os.path.join(tmp, "y.bin")
        x.astype("<f4").tofile(xb)
        subprocess.run(["node", os.path.join(root, "tools", "ort_run.js"), path, xb, ",".join(map(str, x.shape)), "1",
                        "1", yb], check=True, env=dict(os.environ, NODE_PATH=node_path), stdout=subprocess.DEVNULL)
        return np.fromfile(yb, "<f4")


def pool_same_model(out):
    """onnx_pool_same.onnx (issue 16, by hand, opset 13): on (n, 3, 7, 6) an AveragePool 2x2 with
    auto_pad SAME_LOWER (count_include_pad 0), a MaxPool 3x3 /2 with SAME_UPPER, an AveragePool 3x3
    with pads [1, 0, 0, 1] counting the padding, Flatten; and on (n, 3, 9) sequences
    onnx_pool_same1d.onnx: MaxPool 4 /3 SAME_UPPER, AveragePool 3 pads [0, 1] (count_include_pad 0).
    The golden output is onnxruntime's (tools/ort_run.js; onnxruntime-node in NODE_PATH)."""
    import onnx
    from onnx import TensorProto, helper
    rng = np.random.default_rng(16)
    cases = (("onnx_pool_same", (2, 3, 7, 6), [
        helper.make_node("AveragePool", ["x"], ["a"], name="avg_lower", kernel_shape=[2, 2], auto_pad="SAME_LOWER"),
        helper.make_node("MaxPool", ["a"], ["b"], name="max_upper", kernel_shape=[3, 3], strides=[2, 2],
                         auto_pad="SAME_UPPER"),
        helper.make_node("AveragePool", ["b"], ["c"], name="avg_asym", kernel_shape=[3, 3], pads=[1, 0, 0, 1],
                         count_include_pad=1)]),
             ("onnx_pool_same1d", (2, 3, 9), [
        helper.make_node("MaxPool", ["x"], ["b"], name="max_upper", kernel_shape=[4], strides=[3], auto_pad="SAME_UPPER"),
        helper.make_node("AveragePool", ["b"], ["c"], name="avg_asym", kernel_shape=[3], pads=[0, 1])]))
    for name, xs, nodes in cases:
        nodes = nodes + [helper.make_node("Flatten", ["c"], ["y"], name="flat")]
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"] + list(xs[1:]))
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        m = helper.make_model(helper.make_graph(nodes, "g", [x], [y]), opset_imports=[helper.make_opsetid("", 13)])
        path = os.path.join(out, name + ".onnx")
        onnx.save(m, path)
        xv = rng.uniform(-2, 2, xs).astype(np.float32)
        xv.astype("<f4").tofile(os.path.join(out, name + "_x.bin"))
        ort_run(path, xv).astype("<f4").tofile(os.path.join(out, name + "_y.bin"))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--ort"]
    write_nd_models(args[0] if args else os.path.join(os.path.dirname(__file__), "..", "tests", "data"),
                    "--ort" in sys.argv)
