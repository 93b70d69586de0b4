/* SPDX-License-Identifier: MIT */
/* Detectors (src/graph/detector*.c): the layer graphs of torchvision's R-CNN family and the
 * host-side image transform. */
#ifndef OCLNN_GRAPH_DETECTOR_H
#define OCLNN_GRAPH_DETECTOR_H

#include "graph/graph.h"

#define OCLNN__FPN_LEVELS 5     /* '0', '1', '2', '3', 'pool' */
#define OCLNN__FPN_CHANNELS 256u
#define OCLNN__BOX_POOL 7u      /* MultiScaleRoIAlign output for the box head */
#define OCLNN__BOX_HEAD_DIM 1024u
#define OCLNN__MASK_POOL 14u    /* MultiScaleRoIAlign output for the mask head */
#define OCLNN__MASK_SIZE 28u    /* the mask head's output (ConvTranspose2d 2x2 stride 2) */
#define OCLNN__RPN_ANCHORS 3u   /* aspect ratios 0.5, 1, 2; one size per level */

/* ResNet-50 body + FPN; levels[] receives the node ids of the five pyramid outputs. */
oclnn_status oclnn__detector_backbone_graph(oclnn_graph **out, int levels[OCLNN__FPN_LEVELS]);
/* RPN head over one level; the output is bbox_pred, *cls the node id of cls_logits. */
oclnn_status oclnn__detector_rpn_graph(oclnn_graph **out, uint32_t anchors, int *cls);
/* Box head + predictor over (R, 256, 7, 7); the output is bbox_pred, *cls the id of cls_score. */
oclnn_status oclnn__detector_box_graph(oclnn_graph **out, uint32_t num_classes, int *cls);
/* Mask head + predictor over (R, 256, 14, 14); the output is the mask logits (R, num_classes,
 * 28, 28). */
oclnn_status oclnn__detector_mask_graph(oclnn_graph **out, uint32_t num_classes);

/* torchvision's GeneralizedRCNNTransform.resize size: the scale min(min_size / short side,
 * max_size / long side) in float32, each side floor(side * scale) in double. */
void oclnn__detector_resized_size(uint32_t h, uint32_t w, uint32_t min_size, uint32_t max_size, uint32_t *rh,
                                  uint32_t *rw);
/* Normalises (ImageNet mean/std) 3 x h x w planes and resizes them bilinearly (align_corners
 * false, scale = in / out, as F.interpolate with recompute_scale_factor) into dst, a padded
 * 3 x ph x pw area whose top-left rh x rw part it writes (the rest is left as it is). */
void oclnn__detector_transform(const float *src, uint32_t h, uint32_t w, uint32_t rh, uint32_t rw, float *dst,
                               uint32_t ph, uint32_t pw);

#endif
