/* SPDX-License-Identifier: MIT */
/* Reference 3-D convolution and pooling (issue 19): plain loops over dense NCDHW arrays,
 * accumulating in double, with PyTorch's output-size rules written out again here. */
#include <math.h>

#include "ref/ref.h"

static size_t idx5(oclnn_shape3d s, size_t n, size_t c, size_t z, size_t y, size_t x) {
    return (((n * s.c + c) * s.d + z) * s.h + y) * s.w + x;
}

void oclnn__ref_conv3d(const oclnn_conv3d_desc *d, const float *src, const float *weights,
                       const float *bias, const float *residual, float *dst) {
    const oclnn_shape3d in = d->input;
    const long isz[3] = {in.d, in.h, in.w};
    long osz[3];
    for (int a = 0; a < 3; a++)
        osz[a] = (isz[a] + 2 * (long)d->pad[a] - (long)d->dilation[a] * (d->kernel[a] - 1) - 1) /
                     d->stride[a] +
                 1;
    const oclnn_shape3d os = {in.n, d->out_channels, (uint32_t)osz[0], (uint32_t)osz[1],
                              (uint32_t)osz[2]};
    const size_t cg = in.c / d->groups, kg = d->out_channels / d->groups;
    for (size_t n = 0; n < in.n; n++)
        for (size_t k = 0; k < d->out_channels; k++)
            for (long oz = 0; oz < osz[0]; oz++)
                for (long oy = 0; oy < osz[1]; oy++)
                    for (long ox = 0; ox < osz[2]; ox++) {
                        double acc = bias ? bias[k] : 0.0;
                        size_t g = k / kg;
                        for (size_t ci = 0; ci < cg; ci++)
                            for (long t = 0; t < d->kernel[0]; t++)
                                for (long r = 0; r < d->kernel[1]; r++)
                                    for (long s = 0; s < d->kernel[2]; s++) {
                                        long z = oz * d->stride[0] - d->pad[0] + t * d->dilation[0];
                                        long y = oy * d->stride[1] - d->pad[1] + r * d->dilation[1];
                                        long x = ox * d->stride[2] - d->pad[2] + s * d->dilation[2];
                                        if (z < 0 || z >= isz[0] || y < 0 || y >= isz[1] || x < 0 ||
                                            x >= isz[2])
                                            continue;
                                        size_t wi =
                                            (((k * cg + ci) * d->kernel[0] + t) * d->kernel[1] +
                                             r) *
                                                d->kernel[2] +
                                            s;
                                        acc += (double)weights[wi] *
                                               src[idx5(in, n, g * cg + ci, z, y, x)];
                                    }
                        size_t o = idx5(os, n, k, oz, oy, ox);
                        if (residual) acc += residual[o];
                        if (d->activation == OCLNN_ACTIVATION_RELU && acc < 0) acc = 0;
                        dst[o] = (float)acc;
                    }
}

oclnn_shape3d oclnn__ref_pool3d(const oclnn_pool3d_desc *d, const float *src, float *dst) {
    const oclnn_shape3d in = d->input;
    const long isz[3] = {in.d, in.h, in.w};
    long k[3], st[3], pad[3], osz[3];
    bool global = d->kind == OCLNN_POOL_GLOBAL_AVG || d->kind == OCLNN_POOL_GLOBAL_MAX;
    bool is_max = d->kind == OCLNN_POOL_MAX || d->kind == OCLNN_POOL_GLOBAL_MAX;
    for (int a = 0; a < 3; a++) {
        if (d->adaptive) {
            osz[a] = d->output_size[a];
            continue;
        }
        k[a] = global ? isz[a] : d->kernel[a];
        st[a] = global ? isz[a] : d->stride[a] ? d->stride[a] : k[a];
        pad[a] = global ? 0 : d->pad[a];
        osz[a] = (isz[a] + 2 * pad[a] - k[a]) / st[a] + 1;
    }
    const oclnn_shape3d os = {in.n, in.c, (uint32_t)osz[0], (uint32_t)osz[1], (uint32_t)osz[2]};
    for (size_t n = 0; n < in.n; n++)
        for (size_t c = 0; c < in.c; c++)
            for (long oz = 0; oz < osz[0]; oz++)
                for (long oy = 0; oy < osz[1]; oy++)
                    for (long ox = 0; ox < osz[2]; ox++) {
                        long o[3] = {oz, oy, ox}, lo[3], hi[3];
                        double count = 1;
                        for (int a = 0; a < 3; a++) {
                            if (d->adaptive) {
                                lo[a] = (long)floor((double)o[a] * isz[a] / osz[a]);
                                hi[a] = (long)ceil((double)(o[a] + 1) * isz[a] / osz[a]);
                                count *= (double)(hi[a] - lo[a]);
                                continue;
                            }
                            long s0 = o[a] * st[a] - pad[a], s1 = s0 + k[a];
                            long p1 = s1 < isz[a] + pad[a] ? s1 : isz[a] + pad[a];
                            lo[a] = s0 < 0 ? 0 : s0;
                            hi[a] = s1 > isz[a] ? isz[a] : s1;
                            count *= (d->count_include_pad || global) ? (double)(p1 - s0)
                                                                      : (double)(hi[a] - lo[a]);
                        }
                        double sum = 0, best = -INFINITY;
                        bool nan = false;
                        for (long z = lo[0]; z < hi[0]; z++)
                            for (long y = lo[1]; y < hi[1]; y++)
                                for (long x = lo[2]; x < hi[2]; x++) {
                                    double v = src[idx5(in, n, c, z, y, x)];
                                    nan = nan || isnan(v);
                                    if (v > best) best = v;
                                    sum += v;
                                }
                        dst[idx5(os, n, c, oz, oy, ox)] =
                            (float)(is_max ? (nan ? NAN : best) : sum / count);
                    }
    return os;
}
