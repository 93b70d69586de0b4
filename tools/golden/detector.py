# SPDX-License-Identifier: MIT
"""Golden data for the detectors (tests/test_detector.c): torchvision's fasterrcnn_resnet50_fpn in
eval mode with oclnn's seeded weights (tools/export_weights.py oclnn_init: the values
oclnn_detector_init_random(SEED) gives in C; batch-norm statistics random in [0.5, 1.5) and
[-0.1, 0.1), so nothing is degenerate) on seeded noise images (oclnn_random_uniform("detector.
image<i>", SEED, 0, 1), 3 x H x W planes), at small sizes so the test is fast.

Random batch-norm statistics make ResNet-50's activations grow to ~1e5 (the RPN then proposes
nothing), so the statistics are calibrated: each BatchNorm2d's running mean and variance are
those of one seeded calibration image (train mode, momentum None), written to detector_bn.bin
(per layer in module order: mean, then variance) for the test to load through
oclnn_detector_param.

The FPN's maps still have a standard deviation near 20 (no normalisation after the body), so
the RPN's logits saturate the sigmoid (ties at 1.0 make the proposal order arbitrary) and its
deltas throw every box off the image: the RPN head's outputs are scaled by powers of two
(RPN_SCALES, exact in float32 on both sides), giving logits and deltas of a trained network's
magnitude.

Each case writes detector_<case>.bin, raw float32, image after image:
    num_proposals, proposals (num_proposals x 4, resized-image coordinates),
    proposal scores (num_proposals, sigmoid objectness),
    num_detections, boxes (num_detections x 4, original image), scores, labels.
The settings of each case (CASES) are repeated in tests/test_detector.c.
"""
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from export_weights import oclnn_generator, oclnn_init  # noqa: E402

from . import save  # noqa: E402

SEED = 7
# name: (image sizes (h, w), min_size, max_size, rpn pre / post NMS top-n, score threshold, detections)
CASES = {
    "batch": (((80, 112), (100, 90)), 128, 224, 200, 50, 0.0, 20),
    "single": (((150, 200),), 192, 320, 300, 50, 0.0, 20),
}


def image(i, h, w):
    return torch.from_numpy(oclnn_generator(f"detector.image{i}", SEED, 0.0, 1.0, 3 * h * w).reshape(3, h, w))


CALIB = (128, 160)
RPN_SCALES = {"rpn.head.cls_logits": 2.0 ** -6, "rpn.head.bbox_pred": 2.0 ** -7}  # as test_detector.c


def bn_layers(model):
    return [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]


def calibrate(model):
    """Running statistics of one seeded image, returned as the flat file's contents."""
    for m in bn_layers(model):
        m.reset_running_stats()
        m.momentum = None
    model.backbone.train()
    with torch.no_grad():
        images, _ = model.transform([image("calib", *CALIB)])
        model.backbone(images.tensors)
    model.eval()
    return torch.cat([torch.cat([m.running_mean, m.running_var]) for m in bn_layers(model)])


def build(min_size, max_size, pre, post, thresh, dets):
    torch.manual_seed(0)
    model = torchvision.models.detection.fasterrcnn_resnet50_fpn(
        weights=None, weights_backbone=None, num_classes=91, min_size=min_size, max_size=max_size,
        rpn_pre_nms_top_n_test=pre, rpn_post_nms_top_n_test=post, box_score_thresh=thresh,
        box_detections_per_img=dets).eval()
    oclnn_init(model, SEED)
    return model


def run_case(sizes, min_size, max_size, pre, post, thresh, dets):
    model = build(min_size, max_size, pre, post, thresh, dets)
    stats = calibrate(build(800, 1333, 1000, 1000, 0.05, 100))
    with torch.no_grad():
        i = 0
        for m in bn_layers(model):
            c = m.num_features
            m.running_mean.copy_(stats[i:i + c])
            m.running_var.copy_(stats[i + c:i + 2 * c])
            i += 2 * c
        sd = model.state_dict()
        for prefix, scale in RPN_SCALES.items():
            for suffix in ("weight", "bias"):
                sd[f"{prefix}.{suffix}"].mul_(scale)
    captured = {}
    filter_proposals = model.rpn.filter_proposals

    def capture(*args, **kwargs):
        boxes, scores = filter_proposals(*args, **kwargs)
        captured["boxes"], captured["scores"] = boxes, scores
        return boxes, scores

    model.rpn.filter_proposals = capture  # noqa: E305
    images = [image(i, h, w) for i, (h, w) in enumerate(sizes)]
    with torch.no_grad():
        out = model(images)
    flat = []
    for i, o in enumerate(out):
        pb, ps = captured["boxes"][i], captured["scores"][i]
        flat += [torch.tensor([float(len(pb))]), pb.flatten(), ps.flatten()]
        flat += [torch.tensor([float(len(o["boxes"]))]), o["boxes"].flatten(), o["scores"].flatten(),
                 o["labels"].float().flatten()]
        print(f"  image {i} {sizes[i]}: {len(pb)} proposals, {len(o['boxes'])} detections, "
              f"scores {o['scores'][:3].tolist()}", file=sys.stderr)
    return torch.cat(flat)


def make(out_dir):
    torch.set_num_threads(1)
    save(out_dir, "detector_bn.bin", calibrate(build(800, 1333, 1000, 1000, 0.05, 100)))
    for name, case in CASES.items():
        save(out_dir, f"detector_{name}.bin", run_case(*case))
