# SPDX-License-Identifier: MIT
"""Golden data for the detection pipeline stages (tests/test_detect_pipeline.c reads it; shapes
live there): RPN proposals (RegionProposalNetwork.filter_proposals, eval), MultiScaleRoIAlign,
RoIHeads.postprocess_detections, maskrcnn_inference + paste_masks_in_image, and the matching and
encoding of RoIHeads.select_training_samples. Raw float32; integers stored as floats.

torchvision's batched_nms takes a coordinate-offset shortcut for small inputs; oclnn computes
the per-class (per-level) NMS exactly. Each case asserts that both give the same result here, so
the data does not depend on that shortcut's rounding.
"""
import math
from collections import OrderedDict

import torch
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection import roi_heads as rh
from torchvision.models.detection import rpn as rpn_mod
from torchvision.ops import MultiScaleRoIAlign
from torchvision.ops import boxes as box_ops

from . import save

# RPN: two images in a 64x96 batch, three levels (strides 4, 8, 16), one size per level.
RPN_PADDED = (64, 96)  # strides differ by axis, as AnchorGenerator allows
RPN_SIZES = [(64, 80), (56, 96)]
RPN_MAPS = [(16, 32), (8, 16), (4, 8)]  # strides 4 x 3, 8 x 6, 16 x 12
RPN_ANCHOR_SIZES = ((16,), (32,), (64,))
RPN_PRE, RPN_POST = 50, 40


class _Fixed(torch.nn.Module):
    def __init__(self, out):
        super().__init__()
        self.out = out

    def forward(self, x):
        return self.out


def _vanilla_equal(fn):
    """Runs fn with torchvision's batched_nms and with the exact per-class variant; asserts
    they agree and returns the result."""
    a = fn()
    orig = box_ops.batched_nms
    box_ops.batched_nms = box_ops._batched_nms_vanilla
    try:
        b = fn()
    finally:
        box_ops.batched_nms = orig
    for x, y in zip(a, b):
        for u, v in zip(x, y):
            assert torch.equal(u, v), "batched_nms shortcut differs from the exact variant"
    return a


def make_rpn(out_dir, g):
    n = len(RPN_SIZES)
    obj = [torch.randn(n, 3, h, w, generator=g) * 2 for h, w in RPN_MAPS]
    dl = [torch.randn(n, 12, h, w, generator=g) * 0.5 for h, w in RPN_MAPS]
    gen = AnchorGenerator(RPN_ANCHOR_SIZES, ((0.5, 1.0, 2.0),) * 3)
    rpn = rpn_mod.RegionProposalNetwork(gen, _Fixed((obj, dl)), 0.7, 0.3, 256, 0.5,
                                        dict(training=RPN_PRE, testing=RPN_PRE),
                                        dict(training=RPN_POST, testing=RPN_POST), 0.7, 0.0)
    rpn.eval()
    images = ImageList(torch.zeros(n, 3, *RPN_PADDED), RPN_SIZES)
    feats = OrderedDict((str(i), torch.zeros(n, 1, h, w)) for i, (h, w) in enumerate(RPN_MAPS))

    def run():
        anchors = rpn.anchor_generator(images, list(feats.values()))
        num_per_level = [o[0].numel() for o in obj]
        o, d = rpn_mod.concat_box_prediction_layers(obj, dl)
        props = rpn.box_coder.decode(d.detach(), anchors).view(n, -1, 4)
        return rpn.filter_proposals(props, o, images.image_sizes, num_per_level)

    boxes, scores = _vanilla_equal(run)
    ref, _ = rpn(images, feats)
    for a, b in zip(ref, boxes):
        assert torch.equal(a, b)
    for i, (h, w) in enumerate(RPN_MAPS):
        save(out_dir, f"detpipe_rpn_obj{i}.bin", obj[i])
        save(out_dir, f"detpipe_rpn_del{i}.bin", dl[i])
    counts = torch.tensor([float(b.shape[0]) for b in boxes])
    out_b = torch.zeros(n, RPN_POST, 4)
    out_s = torch.zeros(n, RPN_POST)
    for i in range(n):
        out_b[i, : boxes[i].shape[0]] = boxes[i]
        out_s[i, : scores[i].shape[0]] = scores[i]
    save(out_dir, "detpipe_rpn_counts.bin", counts)
    save(out_dir, "detpipe_rpn_boxes.bin", out_b)
    save(out_dir, "detpipe_rpn_scores.bin", out_s)


# MultiScaleRoIAlign: four levels (scales 1/4 .. 1/32) of a 256x320 batch, 2 channels.
MS_SIZES = [(256, 320), (240, 300)]
MS_MAPS = [(64, 80), (32, 40), (16, 20), (8, 10)]
MS_C, MS_POOLED, MS_ROIS = 2, 7, 40


def make_msroi(out_dir, g):
    n = len(MS_SIZES)
    feats = OrderedDict((f"f{i}", torch.randn(n, MS_C, h, w, generator=g))
                        for i, (h, w) in enumerate(MS_MAPS))
    # Sizes from 4 to 700 pixels (levels 2 to 5 and the clamps), some crossing the image.
    side = torch.exp(torch.rand(MS_ROIS, 2, generator=g) * math.log(700 / 4)) * 4
    xy = torch.rand(MS_ROIS, 2, generator=g) * torch.tensor([300.0, 240.0]) - 20
    boxes = torch.cat([xy, xy + side], 1)
    boxes[0] = torch.tensor([10.0, 10.0, 66.0, 66.0])     # sqrt(area) 56: exactly level 2
    boxes[1] = torch.tensor([0.0, 0.0, 112.0, 112.0])     # 112: level 3
    boxes[2] = torch.tensor([5.0, 5.0, 5.0, 9.0])         # zero area: k_min
    boxes[3] = torch.tensor([0.0, 0.0, 500.0, 460.0])     # 480: level 5 (k_max)
    boxes[4] = torch.tensor([-50.0, -40.0, 900.0, 800.0])  # beyond k_max: clamped
    per = [boxes[: MS_ROIS // 2], boxes[MS_ROIS // 2:]]
    pool = MultiScaleRoIAlign([f"f{i}" for i in range(4)], MS_POOLED, 2)
    y = pool(feats, per, MS_SIZES)
    levels = pool.map_levels(per)
    rois = torch.cat([torch.cat([torch.full((b.shape[0], 1), float(i)), b], 1)
                      for i, b in enumerate(per)])
    for i in range(4):
        save(out_dir, f"detpipe_ms_f{i}.bin", feats[f"f{i}"])
    save(out_dir, "detpipe_ms_rois.bin", rois)
    save(out_dir, "detpipe_ms_out.bin", y)
    save(out_dir, "detpipe_ms_levels.bin", levels.float())


# postprocess_detections: two images, 5 classes, 60 and 45 proposals, 20 detections kept.
PP_SIZES = [(120, 160), (100, 140)]
PP_COUNTS = [60, 45]
PP_K, PP_DET = 5, 20


def make_post(out_dir, g):
    props = []
    for (h, w), c in zip(PP_SIZES, PP_COUNTS):
        ctr = torch.rand(c, 2, generator=g) * torch.tensor([float(w), float(h)])
        wh = torch.rand(c, 2, generator=g) * 50 + 4
        props.append(torch.cat([ctr - wh / 2, ctr + wh / 2], 1))
    total = sum(PP_COUNTS)
    logits = torch.randn(total, PP_K, generator=g) * 2
    reg = torch.randn(total, 4 * PP_K, generator=g)
    heads = rh.RoIHeads(None, None, None, 0.5, 0.5, 512, 0.25, (10.0, 10.0, 5.0, 5.0), 0.05, 0.5,
                        PP_DET)
    b, s, l = _vanilla_equal(lambda: heads.postprocess_detections(logits, reg, props, PP_SIZES))
    save(out_dir, "detpipe_pp_props.bin", torch.cat(props))
    save(out_dir, "detpipe_pp_logits.bin", logits)
    save(out_dir, "detpipe_pp_reg.bin", reg)
    ob, os_, ol = torch.zeros(2, PP_DET, 4), torch.zeros(2, PP_DET), torch.zeros(2, PP_DET)
    for i in range(2):
        k = b[i].shape[0]
        ob[i, :k], os_[i, :k], ol[i, :k] = b[i], s[i], l[i].float()
    save(out_dir, "detpipe_pp_counts.bin", torch.tensor([float(x.shape[0]) for x in b]))
    save(out_dir, "detpipe_pp_boxes.bin", ob)
    save(out_dir, "detpipe_pp_scores.bin", os_)
    save(out_dir, "detpipe_pp_labels.bin", ol)


# Mask pasting: 8 masks of 6x6 (3 classes) into a 40x50 image.
MK_N, MK_K, MK_M, MK_H, MK_W = 8, 3, 6, 40, 50


def make_masks(out_dir, g):
    x = torch.randn(MK_N, MK_K, MK_M, MK_M, generator=g) * 3
    labels = torch.randint(0, MK_K, (MK_N,), generator=g)
    xy = torch.rand(MK_N, 2, generator=g) * torch.tensor([45.0, 35.0])
    wh = torch.rand(MK_N, 2, generator=g) * 25 + 1
    boxes = torch.cat([xy, xy + wh], 1)
    boxes[:, 0::2] = boxes[:, 0::2].clamp(0, MK_W)
    boxes[:, 1::2] = boxes[:, 1::2].clamp(0, MK_H)
    boxes[0] = torch.tensor([0.0, 0.0, 50.0, 40.0])      # the whole image
    boxes[1] = torch.tensor([10.3, 12.7, 10.9, 13.1])    # under a pixel
    probs = rh.maskrcnn_inference(x, [labels])[0]
    pasted = rh.paste_masks_in_image(probs, boxes, (MK_H, MK_W), padding=1)
    save(out_dir, "detpipe_mask_logits.bin", x)
    save(out_dir, "detpipe_mask_labels.bin", labels.float())
    save(out_dir, "detpipe_mask_boxes.bin", boxes)
    save(out_dir, "detpipe_mask_pasted.bin", pasted)


# Training-sample matching and encoding: 80 proposals around 4 ground-truth boxes.
TS_N, TS_G = 80, 4


def make_sampling(out_dir, g):
    gt = torch.tensor([[10.0, 10.0, 60.0, 50.0], [70.0, 20.0, 120.0, 90.0],
                       [30.0, 60.0, 80.0, 110.0], [90.0, 90.0, 140.0, 130.0]])
    gl = torch.tensor([1, 3, 2, 3])
    pick = torch.randint(0, TS_G, (TS_N,), generator=g)
    jitter = torch.randn(TS_N, 4, generator=g) * 12
    props = gt[pick] + jitter
    props[:, 2:] = torch.maximum(props[:, 2:], props[:, :2] + 2)
    heads = rh.RoIHeads(None, None, None, 0.5, 0.5, 512, 0.25, (10.0, 10.0, 5.0, 5.0), 0.05, 0.5,
                        100)
    allp = torch.cat([props, gt])  # add_gt_proposals
    matched, labels = heads.assign_targets_to_proposals([allp], [gt], [gl])
    targets = heads.box_coder.encode([gt[matched[0]]], [allp])[0]
    save(out_dir, "detpipe_ts_props.bin", props)
    save(out_dir, "detpipe_ts_gt.bin", gt)
    save(out_dir, "detpipe_ts_gt_labels.bin", gl.float())
    save(out_dir, "detpipe_ts_labels.bin", labels[0].float())
    save(out_dir, "detpipe_ts_targets.bin", targets)


def make(out_dir):
    g = torch.Generator().manual_seed(18)
    make_rpn(out_dir, g)
    make_msroi(out_dir, g)
    make_post(out_dir, g)
    make_masks(out_dir, g)
    make_sampling(out_dir, g)
