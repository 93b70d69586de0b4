# SPDX-License-Identifier: MIT
"""Golden data for the detection family (tests/test_detect.c reads it; shapes live there).

Every file is raw float32. Integer results (indices, argmax) are stored as floats (exact below
2^24). torchvision.ops supplies roi_align, roi_pool, nms, batched_nms (the per-class variant),
box_iou, BoxCoder, AnchorGenerator; torch.nn.functional the losses.
"""
import math

import torch
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.roi_heads import fastrcnn_loss
from torchvision.ops import boxes as box_ops

from . import save

MAP = (2, 5, 12, 15)  # N, C, H, W
SCALE = 0.5
POOLED = (3, 4)
NUM_ROIS = 24


def rois(g):
    """RoIs in image coordinates (the map is 24x30 image pixels at scale 0.5): inside, crossing
    every border, degenerate (x2 < x1, zero size), tiny, wholly outside, from both images."""
    r = torch.empty(NUM_ROIS, 5)
    r[:, 0] = torch.arange(NUM_ROIS) % MAP[0]
    xy = torch.rand(NUM_ROIS, 2, generator=g) * torch.tensor([40.0, 34.0]) - 8
    wh = torch.rand(NUM_ROIS, 2, generator=g) * 26
    r[:, 1:3] = xy
    r[:, 3:5] = xy + wh
    r[0, 1:] = torch.tensor([3.0, 2.0, 3.0, 2.0])      # zero size
    r[1, 1:] = torch.tensor([20.0, 10.0, 12.0, 4.0])   # x2 < x1, y2 < y1
    r[2, 1:] = torch.tensor([-30.0, -30.0, -12.0, -9.0])  # wholly outside (top left)
    r[3, 1:] = torch.tensor([50.0, 40.0, 70.0, 60.0])  # wholly outside (bottom right)
    r[4, 1:] = torch.tensor([-5.0, -3.0, 35.0, 29.0])  # covers the whole map and more
    r[5, 1:] = torch.tensor([10.2, 7.7, 10.9, 8.1])    # tiny
    r[6, 1:] = torch.tensor([0.0, 0.0, 29.0, 23.0])    # exactly the map
    r[7, 1:] = torch.tensor([1.25, 2.75, 17.5, 21.25])  # halves and quarters (rounding ties)
    return r


def make(out_dir):
    g = torch.Generator().manual_seed(5)
    fmap = torch.randn(*MAP, generator=g)
    r = rois(g)
    save(out_dir, "detect_map.bin", fmap)
    save(out_dir, "detect_rois.bin", r)
    for aligned in (False, True):
        for sampling in (2, -1):
            y = torchvision.ops.roi_align(fmap, r, POOLED, SCALE, sampling, aligned)
            save(out_dir, f"detect_roi_align_a{int(aligned)}_s{max(sampling, 0)}.bin", y)
    y, argmax = torch.ops.torchvision.roi_pool(fmap, r, SCALE, POOLED[0], POOLED[1])
    save(out_dir, "detect_roi_pool.bin", y)
    save(out_dir, "detect_roi_pool_argmax.bin", argmax.float())

    # NMS: 3000 boxes around 60 objects (realistic clusters) with continuous scores.
    n = 3000
    centers = torch.rand(60, 2, generator=g) * 600
    pick = torch.randint(0, 60, (n,), generator=g)
    ctr = centers[pick] + torch.randn(n, 2, generator=g) * 12
    size = torch.rand(n, 2, generator=g) * 80 + 20
    boxes = torch.cat([ctr - size / 2, ctr + size / 2], 1)
    scores = torch.rand(n, generator=g)
    classes = torch.randint(0, 5, (n,), generator=g)
    save(out_dir, "detect_nms_boxes.bin", boxes)
    save(out_dir, "detect_nms_scores.bin", scores)
    save(out_dir, "detect_nms_classes.bin", classes.float())
    for thr in (0.5, 0.7):
        save(out_dir, f"detect_nms_keep_{int(thr * 10)}.bin", torchvision.ops.nms(boxes, scores, thr).float())
        keep = box_ops._batched_nms_vanilla(boxes, scores, classes, thr)
        assert torch.equal(keep, torchvision.ops.batched_nms(boxes, scores, classes, thr))
        save(out_dir, f"detect_nms_batched_{int(thr * 10)}.bin", keep.float())

    # Ties: integer boxes on a coarse grid (many IoUs exactly 0.5, 1/3, ...) and scores in
    # quarters, so both the stable order of equal scores and IoU == threshold are exercised.
    m = 400
    tb = torch.randint(0, 8, (m, 2), generator=g).float() * 4
    twh = torch.randint(1, 4, (m, 2), generator=g).float() * 4
    tboxes = torch.cat([tb, tb + twh], 1)
    tscores = torch.randint(0, 4, (m,), generator=g).float() / 4
    save(out_dir, "detect_tie_boxes.bin", tboxes)
    save(out_dir, "detect_tie_scores.bin", tscores)
    for thr in (0.5, 1.0 / 3.0):
        save(out_dir, f"detect_tie_keep_{int(thr * 10)}.bin", torchvision.ops.nms(tboxes, tscores, thr).float())

    # IoU matrix, including degenerate boxes (0/0 gives NaN as in torchvision).
    a = boxes[:20].clone()
    a[3] = torch.tensor([5.0, 5.0, 5.0, 5.0])
    b = boxes[100:130].clone()
    save(out_dir, "detect_iou_a.bin", a)
    save(out_dir, "detect_iou_b.bin", b)
    save(out_dir, "detect_iou.bin", box_ops.box_iou(a, b))

    # Box coding with the box head's weights; deltas include big dw/dh that hit the clamp.
    coder = det_utils.BoxCoder((10.0, 10.0, 5.0, 5.0))
    props, gts = boxes[:50], boxes[50:100]
    save(out_dir, "detect_encode.bin", coder.encode_single(gts, props))
    deltas = torch.randn(50, 12, generator=g) * 3
    deltas[0, 2] = 40.0
    deltas[1, 7] = 60.0
    save(out_dir, "detect_deltas.bin", deltas)
    dec = coder.decode_single(deltas, props)  # (50 * 3, 4)
    save(out_dir, "detect_decode.bin", dec)
    save(out_dir, "detect_decode_clipped.bin", box_ops.clip_boxes_to_image(dec, (480, 640)))

    # Anchors: torchvision's defaults on a 5x7 grid of an 80x112 image (stride 16).
    gen = AnchorGenerator(((32.0, 64.0, 128.0),), ((0.5, 1.0, 2.0),))
    images = ImageList(torch.zeros(1, 3, 80, 112), [(80, 112)])
    feats = [torch.zeros(1, 1, 5, 7)]
    save(out_dir, "detect_anchors.bin", gen(images, feats)[0])
    gen2 = AnchorGenerator(((128, 256, 512),), ((0.5, 1.0, 2.0),))
    feats = [torch.zeros(1, 1, 3, 4)]
    images = ImageList(torch.zeros(1, 3, 48, 96), [(48, 96)])  # strides 16 x 24
    save(out_dir, "detect_anchors2.bin", gen2(images, feats)[0])

    # Smooth-L1 and the Fast R-CNN loss.
    x = torch.randn(200, generator=g)
    y = torch.randn(200, generator=g)
    save(out_dir, "detect_sl1_x.bin", x)
    save(out_dir, "detect_sl1_y.bin", y)
    out = []
    for beta in (1.0 / 9, 1.0, 0.0):
        out.append(torch.nn.functional.smooth_l1_loss(x, y, beta=beta, reduction="none"))
        out.append(torch.nn.functional.smooth_l1_loss(x, y, beta=beta, reduction="sum").reshape(1))
        out.append(torch.nn.functional.smooth_l1_loss(x, y, beta=beta, reduction="mean").reshape(1))
    save(out_dir, "detect_sl1.bin", torch.cat(out))
    nr, k = 16, 5
    logits = torch.randn(nr, k, generator=g) * 2
    regr = torch.randn(nr, 4 * k, generator=g)
    labels = torch.randint(0, k, (nr,), generator=g)
    labels[:4] = 0
    targets = torch.randn(nr, 4, generator=g)
    cls_loss, box_loss = fastrcnn_loss(logits, regr, [labels], [targets])
    save(out_dir, "detect_frcnn_in.bin", torch.cat([logits.flatten(), regr.flatten(),
                                                    labels.float(), targets.flatten()]))
    save(out_dir, "detect_frcnn_out.bin", torch.stack([cls_loss, box_loss]))
    assert math.isfinite(float(box_loss))
