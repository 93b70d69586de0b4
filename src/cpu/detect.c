/* SPDX-License-Identifier: MIT */
/* The C backend's detection family table. */
#include "cpu/detect.h"

#include "core/op.h"
#include "cpu/cpu.h"

/* RoI pooling with its context's thread count (cpu/team.c); NMS and proposals are single-threaded. */
static oclnn_status cpu_roi_run(oclnn_op *op, const oclnn_tensor *src, const oclnn__roi_plan *plan,
                                oclnn_tensor *dst, oclnn_tensor *argmax) {
    int team = oclnn__cpu_team_begin(op->ctx);
    oclnn_status st = oclnn__cpu_roi_run(op, src, plan, dst, argmax);
    oclnn__cpu_team_end(team);
    return st;
}

const oclnn__detect_family oclnn__detect_cpu = {
    .roi_create = oclnn__cpu_roi_create,
    .roi_run = cpu_roi_run,
    .nms = oclnn__cpu_nms,
    .rpn_proposals = oclnn__cpu_rpn_proposals,
};
