/* SPDX-License-Identifier: MIT */
/* PASCAL VOC average precision on the host, as the VOC devkit's VOCevaldet / VOCap: per class,
 * detections ranked by score are matched greedily to the best-overlapping unmatched ground truth
 * of their image (IoU >= threshold); matches to difficult objects are ignored, repeats are false
 * positives; AP is the 11-point interpolation (VOC2007) or the area under the monotone
 * precision envelope (VOC2010+). Precision with no counted detection yet is 0 (py-faster-rcnn's
 * eps guard), which only matters when the ranking starts with ignored detections. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "backend/detect.h"

typedef struct ranked_det {
    float score;
    size_t index;
} ranked_det;

static int by_score(const void *pa, const void *pb) {
    const ranked_det *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

static double overlap(const float *a, const float *b, double off) {
    double iw = fmin(a[2], b[2]) - fmax(a[0], b[0]) + off;
    double ih = fmin(a[3], b[3]) - fmax(a[1], b[1]) + off;
    if (iw <= 0 || ih <= 0) return 0;
    double inter = iw * ih;
    double ua = ((double)a[2] - a[0] + off) * ((double)a[3] - a[1] + off) +
                ((double)b[2] - b[0] + off) * ((double)b[3] - b[1] + off) - inter;
    return ua > 0 ? inter / ua : 0;
}

/* AP from cumulative tp/fp counts over the ranking (length m). */
static double average_precision(const double *tp, const double *fp, size_t m, double npos,
                                bool eleven_point, double *rec, double *prec) {
    for (size_t i = 0; i < m; i++) {
        rec[i] = tp[i] / npos;
        prec[i] = tp[i] / fmax(tp[i] + fp[i], DBL_EPSILON);
    }
    if (eleven_point) {
        double ap = 0;
        for (int t = 0; t <= 10; t++) {
            double p = 0;
            for (size_t i = 0; i < m; i++)
                if (rec[i] >= t / 10.0) p = fmax(p, prec[i]);
            ap += p / 11.0;
        }
        return ap;
    }
    /* Envelope: precision made non-increasing from the right; area where recall steps. */
    double ap = 0, prev_rec = 0, env = 0;
    for (size_t i = m; i-- > 0;) {
        env = fmax(env, prec[i]);
        prec[i] = env;
    }
    for (size_t i = 0; i < m; i++) {
        if (rec[i] != prev_rec) ap += (rec[i] - prev_rec) * prec[i];
        prev_rec = rec[i];
    }
    return ap;
}

/* Every class id below num_classes, every score and coordinate finite. */
static oclnn_status check_voc_inputs(const oclnn_voc_det *dets, size_t num_dets, const oclnn_voc_gt *gts,
                                     size_t num_gts, uint32_t num_classes) {
    for (size_t i = 0; i < num_dets; i++) {
        if (dets[i].class_id >= num_classes)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "dets[%zu].class_id %u is >= num_classes %u", i, dets[i].class_id,
                               num_classes);
        if (!isfinite(dets[i].score))
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "dets[%zu].score is %g (not finite)",
                               i, dets[i].score);
        for (int k = 0; k < 4; k++)
            if (!isfinite(dets[i].box[k]))
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "dets[%zu].box[%d] is %g (not finite)", i, k, dets[i].box[k]);
    }
    for (size_t i = 0; i < num_gts; i++) {
        if (gts[i].class_id >= num_classes)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                               "gts[%zu].class_id %u is >= num_classes %u", i, gts[i].class_id,
                               num_classes);
        for (int k = 0; k < 4; k++)
            if (!isfinite(gts[i].box[k]))
                return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                                   "gts[%zu].box[%d] is %g (not finite)", i, k, gts[i].box[k]);
    }
    return OCLNN_OK;
}

oclnn_status oclnn_voc_ap(const oclnn_voc_desc *desc, const oclnn_voc_det *dets, size_t num_dets,
                          const oclnn_voc_gt *gts, size_t num_gts, uint32_t num_classes, float *ap,
                          float *map) {
    OCLNN__ENTER();
    if (!desc) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "desc is NULL");
    if ((num_dets && !dets) || (num_gts && !gts))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL",
                           num_dets && !dets ? "dets" : "gts");
    if (num_classes == 0) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "num_classes is 0");
    if (!(desc->iou_threshold >= 0 && desc->iou_threshold <= 1))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "iou_threshold %g is outside [0, 1]",
                           desc->iou_threshold);
    if (!isfinite(desc->pixel_offset) || desc->pixel_offset < 0)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "pixel_offset %g must be finite and >= 0",
                           desc->pixel_offset);
    OCLNN__TRY(check_voc_inputs(dets, num_dets, gts, num_gts, num_classes));
    const size_t nd = num_dets ? num_dets : 1, ng = num_gts ? num_gts : 1;
    ranked_det *order = malloc(nd * sizeof *order);
    double *tp = malloc(nd * sizeof *tp), *fp = malloc(nd * sizeof *fp);
    double *rec = malloc(nd * sizeof *rec), *prec = malloc(nd * sizeof *prec);
    unsigned char *used = malloc(ng);
    oclnn_status st = OCLNN_OK;
    if (!order || !tp || !fp || !rec || !prec || !used) {
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate VOC evaluation state");
        goto done;
    }
    const double off = desc->pixel_offset;
    double sum = 0;
    size_t counted = 0;
    for (uint32_t c = 0; c < num_classes; c++) {
        double npos = 0;
        for (size_t g = 0; g < num_gts; g++) {
            used[g] = 0;
            if (gts[g].class_id == c && !gts[g].difficult) npos++;
        }
        size_t m = 0;
        for (size_t i = 0; i < num_dets; i++)
            if (dets[i].class_id == c) order[m++] = (ranked_det){dets[i].score, i};
        qsort(order, m, sizeof *order, by_score);
        double ctp = 0, cfp = 0;
        for (size_t r = 0; r < m; r++) {
            const oclnn_voc_det *d = dets + order[r].index;
            double best = -INFINITY;
            size_t best_g = 0;
            for (size_t g = 0; g < num_gts; g++) {
                if (gts[g].class_id != c || gts[g].image != d->image) continue;
                double ov = overlap(d->box, gts[g].box, off);
                if (ov > best) {
                    best = ov;
                    best_g = g;
                }
            }
            if (best >= desc->iou_threshold) {
                if (gts[best_g].difficult) {
                    /* ignored: neither true nor false positive */
                } else if (!used[best_g]) {
                    used[best_g] = 1;
                    ctp++;
                } else {
                    cfp++;
                }
            } else {
                cfp++;
            }
            tp[r] = ctp;
            fp[r] = cfp;
        }
        double a = NAN;
        if (npos > 0) {
            a = average_precision(tp, fp, m, npos, desc->eleven_point, rec, prec);
            sum += a;
            counted++;
        }
        if (ap) ap[c] = (float)a;
    }
    if (map) *map = counted ? (float)(sum / (double)counted) : NAN;
done:
    free(order);
    free(tp);
    free(fp);
    free(rec);
    free(prec);
    free(used);
    return st;
}
