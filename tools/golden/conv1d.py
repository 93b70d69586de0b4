# SPDX-License-Identifier: MIT
"""Golden data for tests/test_conv1d.c (issue 19): PyTorch's conv1d, max_pool1d, avg_pool1d and
a small text-classification CNN (embedding, parallel conv1d of widths 3/4/5 + ReLU, max over
time, concat, linear; Kim 2014).

conv1d cases write <name>_x.bin (N,C,L), _w.bin (K x C/groups x k), _b.bin, _y.bin (float64
result stored as float32); pool cases _x.bin and _y.bin; the text CNN textcnn_tokens.bin (token
ids as floats), textcnn_emb.bin, textcnn_w{3,4,5}.bin, textcnn_b{3,4,5}.bin, textcnn_fcw.bin,
textcnn_fcb.bin and textcnn_y.bin. Shapes are repeated in the test.
"""
import torch

from golden import save

# name: (N, C, L), K, kernel, stride, padding (int or "same"), dilation, groups
CONV = {
    "conv1d_k3": ((2, 5, 17), 7, 3, 1, 1, 1, 1),
    "conv1d_strided": ((3, 4, 23), 6, 5, 2, 3, 2, 1),
    "conv1d_depthwise": ((2, 6, 11), 12, 3, 1, 1, 1, 6),
    "conv1d_same_k4": ((1, 3, 10), 5, 4, 1, "same", 1, 1),
}

POOL = {  # name: (N, C, L), kind, kernel, stride, pad, count_include_pad
    "pool1d_max": ((2, 3, 19), "max", 3, 2, 1, True),
    "pool1d_avg": ((3, 2, 14), "avg", 4, 3, 2, False),
}

TEXT = dict(vocab=30, embed=12, length=17, batch=3, filters=6, widths=(3, 4, 5), classes=4)


def make(out_dir):
    torch.manual_seed(119)
    F = torch.nn.functional
    for name, (shape, k, ks, stride, pad, dil, groups) in CONV.items():
        x = torch.rand(shape) * 2 - 1
        fan_in = shape[1] // groups * ks
        w = (torch.rand(k, shape[1] // groups, ks) * 2 - 1) / fan_in ** 0.5
        b = torch.rand(k) - 0.5
        y = F.conv1d(x.double(), w.double(), b.double(), stride, pad, dil, groups)
        for suffix, t in (("x", x), ("w", w), ("b", b), ("y", y.float())):
            save(out_dir, f"{name}_{suffix}.bin", t)
    for name, (shape, kind, ks, stride, pad, include) in POOL.items():
        x = torch.rand(shape) * 2 - 1
        if kind == "max":
            y = F.max_pool1d(x, ks, stride, pad)
        else:
            y = F.avg_pool1d(x.double(), ks, stride, pad, count_include_pad=include).float()
        save(out_dir, f"{name}_x.bin", x)
        save(out_dir, f"{name}_y.bin", y)
    t = TEXT
    tokens = torch.randint(0, t["vocab"], (t["batch"], t["length"]))
    emb = torch.rand(t["vocab"], t["embed"]) * 2 - 1
    x = emb.double()[tokens].transpose(1, 2)  # (batch, embed, length)
    pooled = []
    save(out_dir, "textcnn_tokens.bin", tokens.float())
    save(out_dir, "textcnn_emb.bin", emb)
    for k in t["widths"]:
        w = (torch.rand(t["filters"], t["embed"], k) * 2 - 1) / (t["embed"] * k) ** 0.5
        b = torch.rand(t["filters"]) - 0.5
        save(out_dir, f"textcnn_w{k}.bin", w)
        save(out_dir, f"textcnn_b{k}.bin", b)
        pooled.append(F.relu(F.conv1d(x, w.double(), b.double())).amax(dim=2))
    feat = torch.cat(pooled, dim=1)
    fcw = (torch.rand(t["classes"], feat.shape[1]) * 2 - 1) / feat.shape[1] ** 0.5
    fcb = torch.rand(t["classes"]) - 0.5
    save(out_dir, "textcnn_fcw.bin", fcw)
    save(out_dir, "textcnn_fcb.bin", fcb)
    save(out_dir, "textcnn_y.bin", F.linear(feat, fcw.double(), fcb.double()).float())
