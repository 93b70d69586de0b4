/* SPDX-License-Identifier: MIT */
/* The detector's state, shared by detector.c (create, load, destroy) and detector_run.c (compile
 * and run). */
#ifndef OCLNN_GRAPH_DETECTOR_STATE_H
#define OCLNN_GRAPH_DETECTOR_STATE_H

#include "graph/detector.h"
#include "graph/net.h"

#define OCLNN__MAGIC_DETECTOR 0x6f446574u /* "oDet" */
#define PAD_STRIDE 32u
#define MASK_CHUNK 32u /* at most this many detections per run of the mask head's net */

struct oclnn_detector {
    uint32_t magic;
    oclnn_context *ctx;
    oclnn_detector_options opt;
    oclnn_graph *backbone, *rpn, *box;
    int levels[OCLNN__FPN_LEVELS], rpn_cls, box_cls;
    oclnn_op *msroi;
    /* Mask R-CNN only (mask is NULL for Faster R-CNN) */
    oclnn_graph *mask;
    oclnn_op *mask_msroi;
    float *masks;          /* every image's masks, one after the other */
    size_t masks_cap;      /* floats allocated in masks */
    /* compiled for shape */
    oclnn_shape shape;
    oclnn_net *bnet, *rnet[OCLNN__FPN_LEVELS], *hnet, *mnet;
    uint32_t mchunk;       /* mnet's batch */
    float *mrois, *mlogits; /* n x detections x 5 RoIs (resized image); mchunk x classes x 28 x 28 */
    size_t *mdet;           /* the detection (image x detections_per_img + j) of each mask RoI */
    /* host buffers, sized for shape.n images */
    float *input, *proposals, *pscores, *rois, *packed, *logits, *regression, *boxes, *scores;
    int32_t *labels;
    size_t *pcounts, *counts;
    oclnn_image_size *sizes;
    oclnn_detections *results;
    size_t images;
    double stage_ms[OCLNN_DETECTOR_STAGES];
};

/* OCLNN_OK when det is a live detector on a live context, else a failure naming det. */
oclnn_status oclnn__detector_check(const oclnn_detector *det);
/* Frees the compiled nets and the host buffers sized for det->shape (which becomes 0). */
void oclnn__detector_release_compiled(oclnn_detector *det);

#endif
