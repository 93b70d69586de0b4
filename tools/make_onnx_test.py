#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the small ONNX models tests/test_onnx.c runs, and PyTorch's output for them.

tests/data/onnx_small.onnx (opset 17) and onnx_small_op11.onnx (opset 11) hold one network that
touches every op the loader maps: Conv (grouped, dilated, strided, biased or not),
BatchNormalization, Relu, MaxPool (ceil_mode), AveragePool (count_include_pad both ways), a
same-shape residual Add, Concat, GlobalAveragePool, Flatten, Gemm and Softmax. Weights come from
torch.manual_seed(0); batch is a dynamic axis. onnx_small_x.bin / onnx_small_y.bin are the input
(2 x 3 x 12 x 12) and PyTorch's float64 output stored as float32 (little-endian, raw).
onnx_refused_*.onnx, onnx_escape.onnx and onnx_dangling.onnx are tiny models the loader must
refuse (an unsupported op, asymmetric pads, external data outside the folder, a dangling input);
onnx_external.onnx reads its conv weight from onnx_external.bin (offset 16). onnx_act.onnx and
onnx_act_op11.onnx: hardswish, ReLU6 (Clip), a squeeze-excite gate (HardSigmoid, Mul by a
(n, c, 1, 1) tensor), SiLU (Sigmoid, Mul), Tanh and ReduceMean, and Sub/Div/Add/Mul by
per-channel or scalar constants. onnx_gmax.onnx: GlobalMaxPool and Sigmoid on a rank-2 value (built by hand;
onnx_gmax_x.bin / onnx_gmax_y.bin as for onnx_linear). onnx_shuffle.onnx and onnx_shuffle_op11.onnx:
ShuffleNetV2's chunk, channel shuffle and a Split (issue 16). onnx_up.onnx, onnx_up_op11.onnx,
onnx_upsample_op9.onnx, onnx_resize_op10.onnx: ConvTranspose, Resize and Upsample (issue 16). onnx_slope.onnx,
onnx_slope_op11.onnx: LeakyRelu, Elu, PRelu (issue 16). onnx_padconv.onnx, onnx_padconv_op11.onnx:
zero Pads folded into Convs, asymmetric (issue 16). onnx_dynamic.onnx: onnx_small's network and
weights with the batch, height and width all symbolic, for oclnn_net_reshape (issue 16;
tests/test_net_reshape.c); onnx_batch1.onnx: the same with every dimension fixed (1, 3, 12, 12).
onnx_text1d*.onnx, onnx_vid3d*.onnx: 1-D and 3-D
models (issue 19; tools/make_onnx_nd_test.py).
onnx_norm.onnx, onnx_norm_op11.onnx: LRN, Sub/Div of two tensors and per-channel broadcasting, a
GlobalMaxPool head (issue 16); onnx_refused_lrn.onnx: an LRN of even size.
Usage: /usr/bin/python3 tools/make_onnx_test.py [OUTDIR]  (default tests/data)
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2)
        self.conv3 = nn.Conv2d(8, 6, 1)
        self.conv4 = nn.Conv2d(8, 4, 3, stride=2, padding=1)
        self.fc = nn.Linear(10, 5)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(x + self.conv2(x))
        x = F.max_pool2d(x, 3, stride=2, ceil_mode=True)            # 12 -> 6
        a = F.avg_pool2d(self.conv3(x), 3, stride=1, padding=1)     # count_include_pad=True
        b = F.avg_pool2d(self.conv4(x), 3, stride=1, padding=1, count_include_pad=False)
        a = F.adaptive_avg_pool2d(a, 1)
        b = F.adaptive_avg_pool2d(b, 1)
        x = torch.cat([a, b], 1)
        return F.softmax(self.fc(torch.flatten(x, 1)), dim=1)


class Act(nn.Module):
    """The activations and gates of MobileNetV2/V3 and EfficientNet (issue 16)."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.se1 = nn.Conv2d(8, 4, 1)
        self.se2 = nn.Conv2d(4, 8, 1)
        self.conv3 = nn.Conv2d(8, 6, 1)
        self.fc = nn.Linear(6, 5)
        self.register_buffer("mean", torch.tensor([0.4, -0.2, 0.1]).reshape(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([1.5, 0.5, 2.0]).reshape(1, 3, 1, 1))

    def forward(self, x):
        x = (x - self.mean) / self.std                # Sub, Div by per-channel constants
        x = F.hardswish(self.bn1(self.conv1(x)) + 0.25)  # Add of a scalar      # HardSwish (opset 14+), x * HardSigmoid before
        x = F.relu6(self.dw(x))                       # Clip [0, 6]
        s = F.adaptive_avg_pool2d(x, 1)
        s = F.hardsigmoid(self.se2(F.relu(self.se1(s))))
        x = s * x                                     # the (n, c, 1, 1) gate first
        x = 1.0 - 0.5 * self.conv3(x)                 # Mul by a scalar (constant first), Sub from one
        x = x * torch.sigmoid(x)                      # SiLU: Sigmoid, same-shape Mul
        x = torch.tanh(x)
        m = torch.flatten(F.adaptive_max_pool2d(x, 1), 1)  # exported as a whole-plane MaxPool
        x = x.mean((2, 3)) + m                        # ReduceMean over h and w, keepdims 0
        return self.fc(x)


def act_models(out):
    """onnx_act.onnx (opset 17) and onnx_act_op11.onnx: the Act network, input (2, 3, 10, 10)
    in onnx_act_x.bin, PyTorch's float64 output (2 x 5) in onnx_act_y.bin."""
    torch.manual_seed(1)
    m = Act().eval()
    with torch.no_grad():
        for p in m.bn1.parameters():
            p.uniform_(0.5, 1.5)
        m.bn1.running_mean.uniform_(-0.1, 0.1)
        m.bn1.running_var.uniform_(0.5, 1.5)
    x = torch.rand(2, 3, 10, 10) * 6 - 3
    for opset, name in ((17, "onnx_act.onnx"), (11, "onnx_act_op11.onnx")):
        torch.onnx.export(m, x, os.path.join(out, name), opset_version=opset, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}},
                          do_constant_folding=True)
    with torch.no_grad():
        y = m.double()(x.double()).float()
    x.numpy().astype("<f4").tofile(os.path.join(out, "onnx_act_x.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "onnx_act_y.bin"))


class Shuffle(nn.Module):
    """ShuffleNetV2's blocks (issue 16): torch.chunk (Slice with ends computed from Shape), the
    channel shuffle (Reshape to 5-D, Transpose, Reshape back, sizes from Shape/Gather/Div), a
    stride-2 block, and torch.split with uneven sizes (Split)."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.b1 = nn.Conv2d(4, 4, 3, padding=1, groups=4)
        self.b2 = nn.Conv2d(4, 4, 1)
        self.down1 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8)
        self.down2 = nn.Conv2d(8, 4, 1)
        self.down3 = nn.Conv2d(8, 8, 1)
        self.fc = nn.Linear(12, 5)

    @staticmethod
    def shuffle(x, groups):
        n, c, h, w = x.size()
        x = x.view(n, groups, c // groups, h, w)
        x = torch.transpose(x, 1, 2).contiguous()
        return x.view(n, c, h, w)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        a, b = x.chunk(2, dim=1)
        x = self.shuffle(torch.cat((a, F.relu(self.b2(self.b1(b)))), 1), 2)
        x = torch.cat((self.down2(self.down1(x)), F.max_pool2d(F.relu(self.down3(x)), 2)), 1)  # 12 channels, 4x4
        x = self.shuffle(x, 3)
        p, q = torch.split(x, [5, 7], dim=1)
        x = torch.cat((q, p * 0.5), 1)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def shuffle_models(out):
    """onnx_shuffle.onnx (opset 17) and onnx_shuffle_op11.onnx: the Shuffle network, input
    (2, 3, 8, 8) in onnx_shuffle_x.bin, PyTorch's float64 output (2 x 5) in onnx_shuffle_y.bin."""
    torch.manual_seed(3)
    m = Shuffle().eval()
    x = torch.rand(2, 3, 8, 8) * 2 - 1
    for opset, name in ((17, "onnx_shuffle.onnx"), (11, "onnx_shuffle_op11.onnx")):
        torch.onnx.export(m, x, os.path.join(out, name), opset_version=opset, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}},
                          do_constant_folding=True)
    with torch.no_grad():
        y = m.double()(x.double()).float()
    x.numpy().astype("<f4").tofile(os.path.join(out, "onnx_shuffle_x.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "onnx_shuffle_y.bin"))


class Up(nn.Module):
    """Decoder ops (issue 16 on issue 18's nodes): ConvTranspose2d (stride 2, padding,
    output_padding, groups, bias), interpolate nearest by a scale and to a size, bilinear by a
    scale (half_pixel) and with align_corners to a size."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.up1 = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
        self.up2 = nn.ConvTranspose2d(6, 4, 2, stride=2, bias=False)
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        x = F.relu(self.conv1(x))                                               # 5x5
        x = F.relu(self.up1(x))                                                 # 10x10
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)  # 20x20
        x = F.interpolate(x, size=(7, 9), mode="nearest")                      # 7x9
        x = self.up2(x)                                                          # 14x18
        x = F.interpolate(x, size=(5, 6), mode="bilinear", align_corners=True)  # 5x6
        x = F.interpolate(x, scale_factor=3.0, mode="nearest")                 # 15x18
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class UpNearest(nn.Module):
    """Exported at opset 9: nearest interpolate becomes Upsample."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 10 * 10, 5)

    def forward(self, x):
        x = F.interpolate(F.relu(self.conv1(x)), scale_factor=2.0, mode="nearest")
        return self.fc(torch.flatten(x, 1))


class Slope(nn.Module):
    """LeakyRelu, Elu and PRelu (per channel and scalar), issue 16."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, padding=1)
        self.conv2 = nn.Conv2d(6, 6, 3, padding=1)
        self.prelu1 = nn.PReLU(6)
        self.prelu2 = nn.PReLU()
        self.fc = nn.Linear(6, 5)

    def forward(self, x):
        x = F.leaky_relu(self.conv1(x), 0.1)
        x = F.elu(self.conv2(x), 0.7)
        x = self.prelu2(self.prelu1(x - 0.5))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def padconv_models(out):
    """onnx_padconv.onnx (opset 17), onnx_padconv_op11.onnx (issue 16), built by hand (torch
    exports F.pad with its pads computed at run time): Conv -> Relu -> Pad (zero; top 2, left 1,
    bottom 1, right 0) -> Conv (stride 2, pads 1) -> Relu -> Conv with asymmetric pads
    [1, 0, 1, 1] -> Conv 2x2 stride 2 auto_pad SAME_UPPER -> Conv 2x2 auto_pad SAME_LOWER ->
    GlobalAveragePool -> Flatten -> Gemm, and PyTorch's float64 output for a
    (2, 3, 7, 6) input in onnx_padconv_x.bin / onnx_padconv_y.bin."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    g = torch.Generator().manual_seed(6)
    w1, b1 = torch.rand(4, 3, 3, 3, generator=g) - 0.5, torch.rand(4, generator=g) - 0.5
    w2, b2 = torch.rand(6, 4, 3, 3, generator=g) - 0.5, torch.rand(6, generator=g) - 0.5
    w3, b3 = torch.rand(6, 6, 3, 3, generator=g) - 0.5, torch.rand(6, generator=g) - 0.5
    fw, fb = torch.rand(5, 6, generator=g) - 0.5, torch.rand(5, generator=g) - 0.5
    x = torch.rand(2, 3, 7, 6, generator=g) * 2 - 1
    w4, b4 = torch.rand(6, 6, 2, 2, generator=g) - 0.5, torch.rand(6, generator=g) - 0.5
    w5, b5 = torch.rand(6, 6, 2, 2, generator=g) - 0.5, torch.rand(6, generator=g) - 0.5
    for opset, name in ((17, "onnx_padconv.onnx"), (11, "onnx_padconv_op11.onnx")):
        inits = [numpy_helper.from_array(t.numpy(), n) for t, n in
                 ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (w3, "w3"), (b3, "b3"), (fw, "fw"), (fb, "fb"),
                  (w4, "w4"), (b4, "b4"), (w5, "w5"), (b5, "b5"))]
        inits.append(numpy_helper.from_array(np.array([0, 0, 2, 1, 0, 0, 1, 0], np.int64), "pads"))
        nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
                 helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
                 helper.make_node("Pad", ["r1", "pads"], ["p"], name="pad", mode="constant"),
                 helper.make_node("Conv", ["p", "w2", "b2"], ["c2"], name="conv2", strides=[2, 2], pads=[1, 1, 1, 1]),
                 helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
                 helper.make_node("Conv", ["r2", "w3", "b3"], ["c3"], name="conv3", pads=[1, 0, 1, 1]),
                 helper.make_node("Conv", ["c3", "w4", "b4"], ["c4"], name="conv4", strides=[2, 2],
                                  auto_pad="SAME_UPPER"),
                 helper.make_node("Conv", ["c4", "w5", "b5"], ["c5"], name="conv5", auto_pad="SAME_LOWER"),
                 helper.make_node("GlobalAveragePool", ["c5"], ["g"], name="gap"),
                 helper.make_node("Flatten", ["g"], ["f"], name="flat"),
                 helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1)]
        xi = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, 7, 6])
        yo = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        m = helper.make_model(helper.make_graph(nodes, "g", [xi], [yo], inits),
                              opset_imports=[helper.make_opsetid("", opset)])
        onnx.save(m, os.path.join(out, name))
    d = lambda t: t.double()
    with torch.no_grad():
        h = F.pad(F.relu(F.conv2d(d(x), d(w1), d(b1), padding=1)), (1, 0, 2, 1))
        h = F.relu(F.conv2d(h, d(w2), d(b2), stride=2, padding=1))
        h = F.conv2d(F.pad(h, (0, 1, 1, 1)), d(w3), d(b3))                  # 5x3
        h = F.conv2d(F.pad(h, (0, 1, 0, 1)), d(w4), d(b4), stride=2)          # SAME_UPPER: 3x2
        h = F.conv2d(F.pad(h, (1, 0, 1, 0)), d(w5), d(b5))                    # SAME_LOWER
        y = F.linear(h.mean((2, 3)), d(fw), d(fb)).float()
    x.numpy().astype("<f4").tofile(os.path.join(out, "onnx_padconv_x.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "onnx_padconv_y.bin"))


def slope_models(out):
    """onnx_slope.onnx (opset 17), onnx_slope_op11.onnx: the Slope network, input (2, 3, 6, 6) in
    onnx_slope_x.bin, PyTorch's float64 output (2 x 5) in onnx_slope_y.bin."""
    torch.manual_seed(5)
    m = Slope().eval()
    with torch.no_grad():
        m.prelu1.weight.uniform_(-0.5, 0.5)
        m.prelu2.weight.fill_(0.3)
    x = torch.rand(2, 3, 6, 6) * 4 - 2
    for opset, name in ((17, "onnx_slope.onnx"), (11, "onnx_slope_op11.onnx")):
        torch.onnx.export(m, x, os.path.join(out, name), opset_version=opset, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}},
                          do_constant_folding=True)
    with torch.no_grad():
        y = m.double()(x.double()).float()
    x.numpy().astype("<f4").tofile(os.path.join(out, "onnx_slope_x.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "onnx_slope_y.bin"))


def up_models(out):
    """onnx_up.onnx (opset 17), onnx_up_op11.onnx: the Up network; onnx_upsample_op9.onnx:
    UpNearest. Input (2, 3, 5, 5) in onnx_up_x.bin, PyTorch's float64 outputs (2 x 5) in
    onnx_up_y.bin and onnx_upsample_y.bin."""
    torch.manual_seed(4)
    x = torch.rand(2, 3, 5, 5) * 2 - 1
    for cls, files, y in ((Up, ((17, "onnx_up.onnx"), (11, "onnx_up_op11.onnx")), "onnx_up_y.bin"),
                          (UpNearest, ((9, "onnx_upsample_op9.onnx"),), "onnx_upsample_y.bin")):
        m = cls().eval()
        for opset, name in files:
            torch.onnx.export(m, x, os.path.join(out, name), opset_version=opset, input_names=["x"],
                              output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}},
                              do_constant_folding=True)
        with torch.no_grad():
            m.double()(x.double()).float().numpy().astype("<f4").tofile(os.path.join(out, y))
    x.numpy().astype("<f4").tofile(os.path.join(out, "onnx_up_x.bin"))
    resize_op10(out)


def resize_op10(out):
    """onnx_resize_op10.onnx: onnx_upsample_op9.onnx with its Upsample as an opset-10 Resize (the
    same x_in = x_out / scale, nearest by floor); PyTorch's output is onnx_upsample_y.bin."""
    import onnx
    m = onnx.load(os.path.join(out, "onnx_upsample_op9.onnx"))
    for n in m.graph.node:
        if n.op_type == "Upsample":
            n.op_type = "Resize"
    m.opset_import[0].version = 10
    onnx.save(m, os.path.join(out, "onnx_resize_op10.onnx"))


def refused_models(out):
    """Tiny hand-made models the loader must refuse, each for one reason."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def model(nodes, inits, name):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 2, 4, 4])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        g = helper.make_graph(nodes, "g", [x], [y], inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
        onnx.save(m, os.path.join(out, name))

    w = numpy_helper.from_array(np.ones((2, 2, 3, 3), np.float32), "w")
    model([helper.make_node("Erf", ["x"], ["y"], name="erf")], [], "onnx_refused_op.onnx")
    model([helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3], pads=[1, 1, 0, 0], ceil_mode=1)],
          [], "onnx_refused_pads.onnx")  # asymmetric pads are taken since issue 16, but not with ceil_mode
    model([helper.make_node("Relu", ["nowhere"], ["y"], name="relu")], [], "onnx_dangling.onnx")
    e = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2, 2, 3, 3])
    e.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "../escape.bin"), ("offset", "0"), ("length", "144")):
        entry = e.external_data.add()
        entry.key, entry.value = k, v
    model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])], [e],
          "onnx_escape.onnx")
    # External data inside the folder: weight i is i / 36, stored after 16 bytes of padding.
    wv = (np.arange(36, dtype=np.float32) / 36).astype("<f4")
    with open(os.path.join(out, "onnx_external.bin"), "wb") as f:
        f.write(b"\0" * 16 + wv.tobytes())
    e = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2, 2, 3, 3])
    e.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "onnx_external.bin"), ("offset", "16"), ("length", "144")):
        entry = e.external_data.add()
        entry.key, entry.value = k, v
    model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])], [e],
          "onnx_external.onnx")


def refused_models_16(out):
    """Issue 16's refusals: Resize with cubic mode, nearest with half_pixel coordinates, and a
    Transpose that is not the channel shuffle's."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def model(nodes, inits, name):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 2, 4, 4])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        g = helper.make_graph(nodes, "g", [x], [y], inits)
        onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), os.path.join(out, name))

    sc = numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")
    model([helper.make_node("Resize", ["x", "", "scales"], ["y"], name="up", mode="cubic")], [sc],
          "onnx_refused_cubic.onnx")
    model([helper.make_node("Resize", ["x", "", "scales"], ["y"], name="up", mode="nearest",
                            coordinate_transformation_mode="half_pixel")], [sc], "onnx_refused_nearest.onnx")
    model([helper.make_node("Transpose", ["x"], ["y"], name="tr", perm=[0, 2, 3, 1])], [], "onnx_refused_transpose.onnx")


def linear_model(out):
    """onnx_linear.onnx: the ops PyTorch's exporter does not emit for the small network, built by
    hand: Conv 1x1 -> Identity -> Reshape (0, -1) -> MatMul + Add -> Relu -> Gemm (transB 0) ->
    Dropout -> Softmax, with numpy's float64 output for a seeded (2, 2, 4, 4) input."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(1)
    cw = rng.uniform(-1, 1, (3, 2, 1, 1)).astype(np.float32)
    cb = rng.uniform(-1, 1, 3).astype(np.float32)
    mw = rng.uniform(-0.3, 0.3, (48, 5)).astype(np.float32)
    mb = rng.uniform(-1, 1, 5).astype(np.float32)
    gw = rng.uniform(-1, 1, (5, 4)).astype(np.float32)
    gb = rng.uniform(-1, 1, 4).astype(np.float32)
    inits = [numpy_helper.from_array(a, n) for a, n in
             ((cw, "cw"), (cb, "cb"), (mw, "mw"), (mb, "mb"), (gw, "gw"), (gb, "gb"),
              (np.array([0, -1], np.int64), "shape"))]
    nodes = [helper.make_node("Conv", ["x", "cw", "cb"], ["c"], name="conv"),
             helper.make_node("Identity", ["c"], ["i"], name="id"),
             helper.make_node("Reshape", ["i", "shape"], ["r"], name="flat"),
             helper.make_node("MatMul", ["r", "mw"], ["m"], name="mm"),
             helper.make_node("Add", ["m", "mb"], ["a"], name="bias"),
             helper.make_node("Relu", ["a"], ["h"], name="relu"),
             helper.make_node("Gemm", ["h", "gw", "gb"], ["g"], name="gemm"),
             helper.make_node("Dropout", ["g"], ["d"], name="drop"),
             helper.make_node("Softmax", ["d"], ["y"], name="softmax", axis=1)]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 2, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    m = helper.make_model(helper.make_graph(nodes, "g", [x], [y], inits),
                          opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(m, os.path.join(out, "onnx_linear.onnx"))
    xv = rng.uniform(-1, 1, (2, 2, 4, 4)).astype(np.float32)
    c = np.einsum("kc,nchw->nkhw", cw[:, :, 0, 0].astype(np.float64), xv) + cb[None, :, None, None]
    h = np.maximum(c.reshape(2, -1) @ mw + mb, 0)
    g = h @ gw + gb
    e = np.exp(g - g.max(1, keepdims=True))
    xv.astype("<f4").tofile(os.path.join(out, "onnx_linear_x.bin"))
    (e / e.sum(1, keepdims=True)).astype("<f4").tofile(os.path.join(out, "onnx_linear_y.bin"))


def gmax_model(out):
    """onnx_gmax.onnx: GlobalMaxPool -> Flatten -> Sigmoid, numpy's output for a (2, 3, 5, 4) input."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper
    nodes = [helper.make_node("GlobalMaxPool", ["x"], ["p"], name="gmax"),
             helper.make_node("Flatten", ["p"], ["f"], name="flat"),
             helper.make_node("Sigmoid", ["f"], ["y"], name="sig")]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, 5, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    m = helper.make_model(helper.make_graph(nodes, "g", [x], [y]), opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(m, os.path.join(out, "onnx_gmax.onnx"))
    xv = np.random.default_rng(2).uniform(-3, 3, (2, 3, 5, 4)).astype(np.float32)
    xv.astype("<f4").tofile(os.path.join(out, "onnx_gmax_x.bin"))
    yv = 1 / (1 + np.exp(-xv.astype(np.float64).max((2, 3))))
    yv.astype("<f4").tofile(os.path.join(out, "onnx_gmax_y.bin"))


def norm_models(out):
    """onnx_norm.onnx (opset 17), onnx_norm_op11.onnx (issue 16), built by hand (torch exports
    LocalResponseNorm as Pad/AveragePool/Pow arithmetic): Conv -> Relu -> LRN (size 5, alpha 0.5,
    beta 0.75, bias 2) -> two Convs a, b; Sub and Div of two tensors (a - b, a / (b * b + 1)); a
    (n, c, 1, 1) mean m (ReduceMean keepdims) broadcast in Sub, Div and Add on either side
    (q - m, m - q, q / (m * m + 1), (m * m + 1) / (q * q + 1), m + ...); LRN (size 3, default
    alpha, beta, bias) -> GlobalMaxPool -> Flatten -> Gemm. PyTorch's float64 output for a
    (2, 3, 6, 6) input in onnx_norm_x.bin / onnx_norm_y.bin. onnx_refused_lrn.onnx: an LRN of even
    size, which the loader refuses."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    g = torch.Generator().manual_seed(7)
    w1, b1 = torch.rand(6, 3, 3, 3, generator=g) - 0.5, torch.rand(6, generator=g) - 0.5
    wa, ba = torch.rand(6, 6, 3, 3, generator=g) - 0.5, torch.rand(6, generator=g) - 0.5
    wb, bb = torch.rand(6, 6, 1, 1, generator=g) - 0.5, torch.rand(6, generator=g) - 0.5
    fw, fb = torch.rand(5, 6, generator=g) - 0.5, torch.rand(5, generator=g) - 0.5
    x = torch.rand(2, 3, 6, 6, generator=g) * 4 - 2
    N = helper.make_node
    nodes = [N("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             N("Relu", ["c1"], ["r1"], name="relu1"),
             N("LRN", ["r1"], ["l1"], name="lrn1", size=5, alpha=0.5, beta=0.75, bias=2.0),
             N("Conv", ["l1", "wa", "ba"], ["a"], name="conva", pads=[1, 1, 1, 1]),
             N("Conv", ["l1", "wb", "bb"], ["b"], name="convb"),
             N("Sub", ["a", "b"], ["d"], name="sub_ab"),
             N("Mul", ["b", "b"], ["b2"], name="b_sq"),
             N("Add", ["b2", "one"], ["b21"], name="b_sq1"),
             N("Div", ["a", "b21"], ["q"], name="div_ab"),
             N("ReduceMean", ["d"], ["m"], name="mean", axes=[2, 3], keepdims=1),
             N("Sub", ["q", "m"], ["s"], name="sub_qm"),
             N("Sub", ["m", "q"], ["t"], name="sub_mq"),
             N("Mul", ["m", "m"], ["m2"], name="m_sq"),
             N("Add", ["m2", "one"], ["m21"], name="m_sq1"),
             N("Div", ["q", "m21"], ["u"], name="div_qm"),
             N("Mul", ["q", "q"], ["q2"], name="q_sq"),
             N("Add", ["q2", "one"], ["q21"], name="q_sq1"),
             N("Div", ["m21", "q21"], ["w"], name="div_mq"),
             N("Add", ["s", "u"], ["z1"], name="add_su"),
             N("Add", ["m", "z1"], ["z2"], name="add_mz"),
             N("Add", ["z2", "w"], ["z3"], name="add_zw"),
             N("Sub", ["z3", "t"], ["z4"], name="sub_zt"),
             N("LRN", ["z4"], ["l2"], name="lrn2", size=3),
             N("GlobalMaxPool", ["l2"], ["p"], name="gmax"),
             N("Flatten", ["p"], ["f"], name="flat"),
             N("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1)]
    inits = [numpy_helper.from_array(t.numpy(), n) for t, n in
             ((w1, "w1"), (b1, "b1"), (wa, "wa"), (ba, "ba"), (wb, "wb"), (bb, "bb"), (fw, "fw"), (fb, "fb"))]
    inits.append(numpy_helper.from_array(np.array(1.0, np.float32), "one"))
    xi = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, 6, 6])
    yo = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    for opset, name in ((17, "onnx_norm.onnx"), (11, "onnx_norm_op11.onnx")):
        m = helper.make_model(helper.make_graph(nodes, "g", [xi], [yo], inits),
                              opset_imports=[helper.make_opsetid("", opset)])
        onnx.save(m, os.path.join(out, name))
    bad = helper.make_model(helper.make_graph([N("LRN", ["x"], ["y"], name="lrn_even", size=4)], "g", [xi], [yo]),
                            opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(bad, os.path.join(out, "onnx_refused_lrn.onnx"))
    d = lambda t: t.double()
    with torch.no_grad():
        h = F.local_response_norm(F.relu(F.conv2d(d(x), d(w1), d(b1), padding=1)), 5, 0.5, 0.75, 2.0)
        a, b = F.conv2d(h, d(wa), d(ba), padding=1), F.conv2d(h, d(wb), d(bb))
        q = a / (b * b + 1)
        m = (a - b).mean((2, 3), keepdim=True)
        s, t, u, w = q - m, m - q, q / (m * m + 1), (m * m + 1) / (q * q + 1)
        z = F.local_response_norm(m + (s + u) + w - t, 3, 1e-4, 0.75, 1.0)
        y = F.linear(torch.flatten(F.adaptive_max_pool2d(z, 1), 1), d(fw), d(fb)).float()
    x.numpy().astype("<f4").tofile(os.path.join(out, "onnx_norm_x.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "onnx_norm_y.bin"))


def seeded_small():
    """Small with main()'s seed and batch-norm statistics, and main()'s input (2 x 3 x 12 x 12)."""
    torch.manual_seed(0)
    m = Small().eval()
    with torch.no_grad():
        for p in m.bn1.parameters():
            p.uniform_(0.5, 1.5)
        m.bn1.running_mean.uniform_(-0.1, 0.1)
        m.bn1.running_var.uniform_(0.5, 1.5)
    x = torch.rand(2, 3, 12, 12) * 2 - 1
    return m, x


def dynamic_model(out):
    """onnx_dynamic.onnx: onnx_small's network and weights with symbolic n, h and w;
    onnx_batch1.onnx: the same with every dimension fixed (1, 3, 12, 12), for `oclnn run` on a
    batch of 2 (issue 16)."""
    m, x = seeded_small()
    axes = {"x": {0: "n", 2: "h", 3: "w"}, "y": {0: "n"}}
    torch.onnx.export(m, x, os.path.join(out, "onnx_dynamic.onnx"), opset_version=17, input_names=["x"],
                      output_names=["y"], dynamic_axes=axes, do_constant_folding=True)
    torch.onnx.export(m, x[:1], os.path.join(out, "onnx_batch1.onnx"), opset_version=17, input_names=["x"],
                      output_names=["y"], do_constant_folding=True)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data")
    torch.manual_seed(0)
    m = Small().eval()
    with torch.no_grad():
        for p in m.bn1.parameters():
            p.uniform_(0.5, 1.5)
        m.bn1.running_mean.uniform_(-0.1, 0.1)
        m.bn1.running_var.uniform_(0.5, 1.5)
    x = torch.rand(2, 3, 12, 12) * 2 - 1
    for opset, name in ((17, "onnx_small.onnx"), (11, "onnx_small_op11.onnx")):
        torch.onnx.export(m, x, os.path.join(out, name), opset_version=opset, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}},
                          do_constant_folding=True)
    with torch.no_grad():
        y = m.double()(x.double()).float()
    x.numpy().astype("<f4").tofile(os.path.join(out, "onnx_small_x.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "onnx_small_y.bin"))
    import numpy as np
    np.save(os.path.join(out, "onnx_small_x.npy"), x.numpy())  # for `oclnn run` (tests/check_onnx_tool.cmake)
    refused_models(out)
    refused_models_16(out)
    linear_model(out)
    act_models(out)
    gmax_model(out)
    shuffle_models(out)
    up_models(out)
    slope_models(out)
    padconv_models(out)
    dynamic_model(out)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_onnx_nd_test import write_nd_models  # issue 19: the 1-D and 3-D models
    write_nd_models(out)
    norm_models(out)


if __name__ == "__main__":
    main()
