/* SPDX-License-Identifier: MIT */
/* ConvTranspose, Resize and Upsample onto the deconv and resize graph nodes (issues 18 and 16).
 * Only what those nodes compute exactly is mapped: torch's exports (ConvTranspose2d; interpolate
 * nearest as asymmetric + floor, bilinear as half_pixel / pytorch_half_pixel or align_corners);
 * every other mode is refused naming the attribute. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "graph/graph.h"

#ifndef OCLNN_WITH_ONNX
typedef int oclnn__onnx_upsample_disabled; /* ISO C wants a declaration in every translation unit */
#else

#include "graph/onnx.h"

oclnn_status oclnn__onnx_conv_transpose(oclnn__onnx_node *c) {
    static const char *const known[] = {"auto_pad", "dilations", "group", "kernel_shape", "output_padding",
                                        "output_shape", "pads", "strides", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, known));
    if (oclnn__onnx_attr(c, "output_shape")) return oclnn__onnx_refuse("attribute output_shape (only pads and output_padding)");
    int auto_pad;
    OCLNN__TRY(oclnn__onnx_attr_auto_pad(c, &auto_pad));
    if (auto_pad == 2) return oclnn__onnx_refuse("attribute auto_pad SAME_* (only NOTSET or VALID)");
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    int64_t group, strides[2], dil[2], ks[2], opad[2];
    OCLNN__TRY(oclnn__onnx_attr_int(c, "group", 1, &group));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "strides", 2, 1, 1, 1 << 16, strides));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "dilations", 2, 1, 1, 1 << 16, dil));
    OCLNN__TRY(oclnn__onnx_attr_ints(c, "output_padding", 2, 0, 0, 1 << 16, opad));
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_DECONV;
    OCLNN__TRY(oclnn__onnx_attr_pads(c, &d.pad_h, &d.pad_w));
    uint32_t cin = oclnn__onnx_channels_of(c, x->node);
    oclnn__onnx_const w, b;
    memset(&b, 0, sizeof b);
    oclnn_status st = oclnn__onnx_input_const(c, 1, true, &w);
    if (st == OCLNN_OK) st = oclnn__onnx_input_const(c, 2, false, &b);
    if (st == OCLNN_OK && (w.ndim != 4 || w.dims[0] < 1 || w.dims[1] < 1 || w.dims[2] < 1 || w.dims[3] < 1))
        st = oclnn__onnx_refuse("weight is not a 4-D (C, K/group, kh, kw) tensor (only 2-D)");
    if (st == OCLNN_OK && (group < 1 || group > (1 << 20) || w.dims[0] != (int64_t)cin || cin % group))
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "group %lld and weight (%lld, ...) do not fit %u input channels",
                         (long long)group, (long long)w.dims[0], cin);
    if (st == OCLNN_OK) st = oclnn__onnx_attr_ints(c, "kernel_shape", 2, 0, 1, 1 << 16, ks);
    if (st == OCLNN_OK && oclnn__onnx_attr(c, "kernel_shape") && (ks[0] != w.dims[2] || ks[1] != w.dims[3]))
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "kernel_shape disagrees with the weight");
    int64_t k = st == OCLNN_OK ? w.dims[1] * group : 0;
    if (st == OCLNN_OK && (k > (1 << 24) || w.dims[2] > (1 << 16) || w.dims[3] > (1 << 16)))
        st = oclnn__onnx_refuse("weight (%lld, %lld, %lld, %lld) is too large", (long long)w.dims[0], (long long)w.dims[1],
                                (long long)w.dims[2], (long long)w.dims[3]);
    if (st == OCLNN_OK && b.t && !oclnn__onnx_is_vector(&b, (size_t)k, false))
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "bias has %zu values for %lld output channels", b.count, (long long)k);
    if (st == OCLNN_OK) {
        d.channels = (uint32_t)k;
        d.kernel_h = (uint32_t)w.dims[2];
        d.kernel_w = (uint32_t)w.dims[3];
        d.stride_h = (uint32_t)strides[0];
        d.stride_w = (uint32_t)strides[1];
        d.dilation_h = (uint32_t)dil[0];
        d.dilation_w = (uint32_t)dil[1];
        d.output_pad_h = (uint32_t)opad[0];
        d.output_pad_w = (uint32_t)opad[1];
        d.groups = (uint32_t)group;
        d.bias = b.t != NULL;
        st = oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
    }
    if (st == OCLNN_OK) st = oclnn__onnx_set_param(c, "weight", w.data, w.count);
    if (st == OCLNN_OK && b.t) st = oclnn__onnx_set_param(c, "bias", b.data, b.count);
    free(w.data);
    free(b.data);
    return st;
}

static bool str_attr(const oclnn__onnx_node *c, const char *name, const char *def, char *out, size_t cap) {
    const Onnx__AttributeProto *a = oclnn__onnx_attr(c, name);
    if (!a) {
        strcpy(out, def);
        return true;
    }
    if (!a->has_s || a->s.len >= cap) return false;
    if (a->s.len) memcpy(out, a->s.data, a->s.len); /* an empty string has no data */
    out[a->s.len] = 0;
    return true;
}

/* Resize (opset 10+) and Upsample (opsets 7 to 9): nearest with asymmetric coordinates and floor
 * rounding, or linear with half_pixel, pytorch_half_pixel or align_corners coordinates; by
 * constant scales (1 on n and c) or sizes (folded at load, n and c unchanged). */
oclnn_status oclnn__onnx_resize(oclnn__onnx_node *c, bool upsample) {
    static const char *const kresize[] = {"mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
                                          "exclude_outside", "extrapolation_value", NULL};
    static const char *const kup[] = {"mode", "scales", NULL};
    OCLNN__TRY(oclnn__onnx_attrs_known(c, upsample ? kup : kresize));
    char mode[16], ctm[32], nearest[32];
    /* Upsample and opset-10 Resize: x_in = x_out / scale, nearest by floor (no attributes for it) */
    const bool legacy = upsample || c->ld->opset < 11;
    if (!str_attr(c, "mode", "nearest", mode, sizeof mode)) return oclnn__onnx_refuse("attribute mode is not a known string");
    if (!str_attr(c, "coordinate_transformation_mode", legacy ? "asymmetric" : "half_pixel", ctm, sizeof ctm))
        return oclnn__onnx_refuse("attribute coordinate_transformation_mode is not a known string");
    if (!str_attr(c, "nearest_mode", legacy ? "floor" : "round_prefer_floor", nearest, sizeof nearest))
        return oclnn__onnx_refuse("attribute nearest_mode is not a known string");
    int64_t exclude;
    OCLNN__TRY(oclnn__onnx_attr_int(c, "exclude_outside", 0, &exclude));
    if (exclude) return oclnn__onnx_refuse("attribute exclude_outside 1");
    oclnn_node_desc d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RESIZE;
    bool pytorch_half = false;
    if (!strcmp(mode, "nearest")) {
        d.resize_mode = OCLNN_RESIZE_NEAREST;
        if (strcmp(ctm, "asymmetric"))
            return oclnn__onnx_refuse("attribute coordinate_transformation_mode \"%s\" with mode nearest (only asymmetric, "
                                      "torch's nearest)", ctm);
        if (strcmp(nearest, "floor"))
            return oclnn__onnx_refuse("attribute nearest_mode \"%s\" (only floor, torch's nearest)", nearest);
    } else if (!strcmp(mode, "linear") || (upsample && !strcmp(mode, "bilinear"))) {
        d.resize_mode = OCLNN_RESIZE_BILINEAR;
        if (legacy)
            return oclnn__onnx_refuse("attribute mode linear of Upsample or an opset-10 Resize (asymmetric coordinates; torch's "
                                      "bilinear is Resize from opset 11)");
        if (!strcmp(ctm, "align_corners")) d.align_corners = true;
        else if (!strcmp(ctm, "pytorch_half_pixel")) pytorch_half = true;
        else if (strcmp(ctm, "half_pixel"))
            return oclnn__onnx_refuse("attribute coordinate_transformation_mode \"%s\" with mode linear (only half_pixel, "
                                      "pytorch_half_pixel, align_corners)", ctm);
    } else {
        return oclnn__onnx_refuse("attribute mode \"%s\" (only nearest and linear)", mode);
    }
    const oclnn__onnx_value *x;
    OCLNN__TRY(oclnn__onnx_input_node(c, 0, 4, &x));
    oclnn_shape xs;
    OCLNN__TRY(oclnn__onnx_node_shape(c, x->node, &xs));
    /* scales: the attribute (Upsample opset 7), input 1 (Upsample 9, Resize 10) or 2 (Resize 11+) */
    float scales[4] = {0, 0, 0, 0};
    bool have_scales = false;
    const Onnx__AttributeProto *sa = oclnn__onnx_attr(c, "scales");
    if (sa) {
        if (sa->n_floats != 4) return oclnn__onnx_refuse("attribute scales has %zu values (4 needed)", sa->n_floats);
        for (int i = 0; i < 4; i++) scales[i] = sa->floats[i];
        have_scales = true;
    }
    size_t si = upsample || c->ld->opset < 11 ? 1 : 2;
    if (!sa && oclnn__onnx_in_name(c, si)) {
        oclnn__onnx_const k;
        OCLNN__TRY(oclnn__onnx_input_const(c, si, true, &k));
        if (k.count == 4) {
            for (int i = 0; i < 4; i++) scales[i] = k.data[i];
            have_scales = true;
        }
        free(k.data);
        if (k.count != 0 && k.count != 4) return oclnn__onnx_refuse("scales has %zu values (4 needed)", k.count);
    }
    if (have_scales) {
        if (scales[0] != 1.0f || scales[1] != 1.0f) return oclnn__onnx_refuse("scales of n or c other than 1");
        if (!(scales[2] > 0 && scales[2] <= 1e6f && scales[3] > 0 && scales[3] <= 1e6f))
            return oclnn__onnx_refuse("scales (%g, %g) are not positive and finite", (double)scales[2], (double)scales[3]);
        d.scale_h = scales[2];
        d.scale_w = scales[3];
        double oh = floor((double)xs.h * d.scale_h), ow = floor((double)xs.w * d.scale_w);
        if (!(oh >= 1 && oh <= (1 << 24) && ow >= 1 && ow <= (1 << 24)))
            return oclnn__onnx_refuse("scales (%g, %g) give an empty or too large output", d.scale_h, d.scale_w);
        d.out_h = (uint32_t)oh;
        d.out_w = (uint32_t)ow;
    } else {
        if (upsample || !oclnn__onnx_in_name(c, 3)) return oclnn__fail(OCLNN_ERROR_BAD_FILE, "neither scales nor sizes");
        oclnn__onnx_value s;
        OCLNN__TRY(oclnn__onnx_ints_of(c, 3, &s));
        bool batch = s.sym[0] == OCLNN__ONNX_BATCH || (!s.sym[0] && c->ld->input.n && s.ints[0] == c->ld->input.n);
        if (s.count != 4 || !batch || s.sym[1] || s.ints[1] != (int64_t)xs.c || s.sym[2] || s.sym[3] || s.ints[2] < 1 ||
            s.ints[3] < 1 || s.ints[2] > (1 << 24) || s.ints[3] > (1 << 24))
            return oclnn__onnx_refuse("sizes other than (n, c, h, w) with n and c unchanged");
        d.out_h = (uint32_t)s.ints[2];
        d.out_w = (uint32_t)s.ints[3];
    }
    if (pytorch_half && (d.out_h == 1 || d.out_w == 1))
        return oclnn__onnx_refuse("coordinate_transformation_mode pytorch_half_pixel to a size of 1 (torch's bilinear differs there)");
    return oclnn__onnx_add_node(c, &d, &x->node, 1, 4);
}

#endif
