# SPDX-License-Identifier: MIT
"""Golden data for Mask R-CNN (tests/test_detector.c, test_mask_*): torchvision's
maskrcnn_resnet50_fpn in eval mode, set up exactly as the Faster R-CNN case of detector.py (oclnn's
seeded weights, the same calibrated batch-norm statistics detector_bn.bin, the RPN head scaled by
RPN_SCALES, the same seeded noise images); the mask head (roi_heads.mask_head.*,
roi_heads.mask_predictor.*) gets oclnn's seeded weights too, its logits scaled by MASK_SCALE (a
power of two, exact on both sides) so the masks are neither all 0 nor all 1.

detector_mask_<case>.bin holds what detector_<case>.bin holds (proposals, then detections, image
after image; see detector.py). detector_mask_<case>_masks.bin holds the masks thresholded as
torchvision's users do (probability > 0.5): for each image, each detection, height x width bits
(row-major, numpy packbits little bit order, one stream over all masks), zero-padded to a
multiple of 4 bytes.
"""
import sys

import numpy as np
import torch
import torchvision

from . import save  # noqa: E402
from .detector import RPN_SCALES, SEED, bn_layers, build, calibrate, image  # noqa: E402
from export_weights import oclnn_init  # noqa: E402

# name: (image sizes (h, w), min_size, max_size, rpn pre / post NMS top-n, score threshold, detections)
CASES = {
    "batch": (((80, 112), (100, 90)), 128, 224, 200, 50, 0.0, 8),
    "single": (((150, 200),), 192, 320, 300, 50, 0.0, 8),
    # the case CI's valgrind stage runs (a fifth of the single case's work)
    "small": (((60, 80),), 96, 160, 100, 20, 0.0, 4),
}
MASK_SCALE = 2.0 ** -4  # roi_heads.mask_predictor.mask_fcn_logits, as test_detector.c


def model_for(min_size, max_size, pre, post, thresh, dets):
    """torchvision's Mask R-CNN set up as the test's (also used by tools/compare_maskrcnn.py)."""
    torch.manual_seed(0)
    model = torchvision.models.detection.maskrcnn_resnet50_fpn(
        weights=None, weights_backbone=None, num_classes=91, min_size=min_size, max_size=max_size,
        rpn_pre_nms_top_n_test=pre, rpn_post_nms_top_n_test=post, box_score_thresh=thresh,
        box_detections_per_img=dets).eval()
    oclnn_init(model, SEED)
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
        for suffix in ("weight", "bias"):
            sd[f"roi_heads.mask_predictor.mask_fcn_logits.{suffix}"].mul_(MASK_SCALE)
    return model


def run_case(sizes, min_size, max_size, pre, post, thresh, dets):
    model = model_for(min_size, max_size, pre, post, thresh, dets)
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
    flat, bits = [], []
    for i, o in enumerate(out):
        pb, ps = captured["boxes"][i], captured["scores"][i]
        flat += [torch.tensor([float(len(pb))]), pb.flatten(), ps.flatten()]
        flat += [torch.tensor([float(len(o["boxes"]))]), o["boxes"].flatten(), o["scores"].flatten(),
                 o["labels"].float().flatten()]
        p = o["masks"][:, 0].numpy()
        bits.append((p > 0.5).reshape(-1))
        near = np.abs(p - 0.5) < 0.01
        print(f"  image {i} {sizes[i]}: {len(pb)} proposals, {len(o['boxes'])} detections, mask pixels on "
              f"{[int(m.sum()) for m in (p > 0.5)]}, within 0.01 of 0.5: {int(near.sum())}", file=sys.stderr)
    packed = np.packbits(np.concatenate(bits), bitorder="little")
    packed = np.concatenate([packed, np.zeros(-len(packed) % 4, np.uint8)])
    return torch.cat(flat), packed


def make(out_dir):
    torch.set_num_threads(1)
    for name, case in CASES.items():
        flat, packed = run_case(*case)
        save(out_dir, f"detector_mask_{name}.bin", flat)
        packed.tofile(f"{out_dir}/detector_mask_{name}_masks.bin")
