# SPDX-License-Identifier: MIT
"""Golden data for the layers family (issue 4): torch.nn.functional pooling (ceil_mode,
count_include_pad, return_indices, global), batch_norm (eval and training, with the running
update), local_response_norm, softmax over channels, torch.cat of four branches and linear. Inputs are saved too, so the
tests need not reproduce torch's generator. Shapes are in tests/test_{pool2d,batchnorm,concat,norm,fc}.c.
"""
import torch
import torch.nn.functional as F

from golden import save

# (name, kind, kernel, stride, padding, ceil_mode, count_include_pad) on POOL_IN.
POOLS = [
    ("max_k3s2p1_ceil", "max", (3, 3), (2, 2), (1, 1), True, True),
    ("max_k3s2p0_ceil", "max", (3, 3), (2, 2), (0, 0), True, True),
    ("max_k3x2s1x2p1x0_ceil", "max", (3, 2), (1, 2), (1, 0), True, True),
    ("avg_k3s2p1_ceil_incl", "avg", (3, 3), (2, 2), (1, 1), True, True),
    ("avg_k3s2p1_ceil_excl", "avg", (3, 3), (2, 2), (1, 1), True, False),
    ("avg_k2x3s2x1p1x1_floor_incl", "avg", (2, 3), (2, 1), (1, 1), False, True),
]


def make(out_dir):
    torch.manual_seed(4)
    x = torch.randn(2, 3, 9, 10)
    save(out_dir, "layers_pool_in.bin", x)
    for name, kind, k, s, p, ceil, incl in POOLS:
        if kind == "max":
            y, idx = F.max_pool2d(x, k, s, p, ceil_mode=ceil, return_indices=True)
            save(out_dir, f"layers_pool_{name}.bin", y)
            save(out_dir, f"layers_pool_{name}_argmax.bin", idx.float())
        else:
            y = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=incl)
            save(out_dir, f"layers_pool_{name}.bin", y)
    save(out_dir, "layers_pool_global_avg.bin", F.adaptive_avg_pool2d(x, 1))
    save(out_dir, "layers_pool_global_max.bin", F.adaptive_max_pool2d(x, 1))

    x = torch.randn(3, 5, 4, 6) * 2 + 0.5
    gamma, beta = torch.randn(5), torch.randn(5)
    rm, rv = torch.randn(5) * 0.1, torch.rand(5) + 0.5
    for n, t in [("in", x), ("gamma", gamma), ("beta", beta), ("rmean", rm), ("rvar", rv)]:
        save(out_dir, f"layers_bn_{n}.bin", t)
    save(out_dir, "layers_bn_eval.bin", F.batch_norm(x, rm, rv, gamma, beta, False, 0.1, 1e-5))
    rm2, rv2 = rm.clone(), rv.clone()
    y = F.batch_norm(x, rm2, rv2, gamma, beta, True, 0.1, 1e-5)
    save(out_dir, "layers_bn_train.bin", y)
    save(out_dir, "layers_bn_train_rmean.bin", rm2)
    save(out_dir, "layers_bn_train_rvar.bin", rv2)

    x = torch.randn(2, 7, 3, 4) * 3
    save(out_dir, "layers_lrn_in.bin", x)
    save(out_dir, "layers_lrn_s5.bin", F.local_response_norm(x, 5, alpha=0.5, beta=0.75, k=2.0))
    save(out_dir, "layers_lrn_s4.bin", F.local_response_norm(x, 4, alpha=1e-2, beta=0.6, k=1.0))
    x = torch.randn(2, 10, 3, 2) * 5
    save(out_dir, "layers_softmax_in.bin", x)
    save(out_dir, "layers_softmax.bin", F.softmax(x, dim=1))

    # Inception-style branches written into one concat buffer (test_concat's zero-copy case)
    parts = [torch.randn(2, c, 6, 7) for c in (5, 8, 3, 4)]
    for i, t in enumerate(parts):
        save(out_dir, f"layers_cat_in{i}.bin", t)
    branches = [F.relu(parts[0]), F.max_pool2d(parts[1], 3, 1, 1), parts[2] + parts[2],
                torch.tanh(parts[3])]
    save(out_dir, "layers_cat.bin", torch.cat(branches, 1))

    x, w, b = torch.randn(3, 4, 2, 3), torch.randn(5, 24), torch.randn(5)
    for n, t in [("in", x), ("w", w), ("b", b)]:
        save(out_dir, f"layers_fc_{n}.bin", t)
    save(out_dir, "layers_fc.bin", F.linear(torch.flatten(x, 1), w, b))
