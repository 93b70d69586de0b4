/* SPDX-License-Identifier: MIT */
/* 3-D convolution and pooling (issue 19). A 5-D tensor arrives as the 4-D tensor
 * (n, c, d * h, w) that stores it, as (buffer, offset, strides (n, c, h, w)); element
 * (n, c, z, y, x) is at offset + n * s.x + c * s.y + (z * H + y) * s.z + x * s.w, so one kernel
 * serves NCDHW, NDHWC and channel views.
 *
 * Required defines: none. Tunables: none.
 *
 * oclnn_conv3d_direct: one work-item per output element; global (x, y, z) = (ow, oh, fused
 * (n, k, od) with od innermost). dims = (n, c, d, h, w, k, kt, kr, ks, od, oh, ow, cg, kg, flags,
 * -) with flags bit 0 bias, bit 1 residual, bit 2 ReLU; geo = (stride d, h, w, dilation d, h, w,
 * pad d, h, w, ...). Weights are dense K x cg x kt x kr x ks.
 *
 * oclnn_pool3d: one work-item per output element, global (ow, oh, fused (n, c, od)).
 * dims as above with c and (od, oh, ow) set and flags bit 0 max, bit 1 include_pad, bit 2
 * adaptive; geo = (kernel d, h, w, stride d, h, w, pad d, h, w). */

#define AT5(st, H_, n_, c_, z_, y_, x_)                                                           \
    ((ulong)(n_) * (st).x + (ulong)(c_) * (st).y + ((ulong)(z_) * (H_) + (y_)) * (st).z +        \
     (ulong)(x_) * (st).w)

/* First tap t of [0, taps) with start + t * dil >= 0, and one past the last inside [0, in). */
static inline void tap_range(long start, long in, long dil, long taps, long *t0, long *t1) {
    long lo = start >= 0 ? 0 : (-start + dil - 1) / dil;
    long hi = start >= in ? 0 : (in - start + dil - 1) / dil;
    *t0 = lo;
    *t1 = hi < taps ? hi : taps;
}

kernel void oclnn_conv3d_direct(global const float *src, uint s_off, uint4 s_st,
                                global float *dst, uint d_off, uint4 d_st,
                                global const float *res, uint r_off, uint4 r_st,
                                global const float *wts, global const float *bias,
                                uint16 dims, uint16 geo) {
    const uint ox = get_global_id(0), oy = get_global_id(1), zk = get_global_id(2);
    const uint C = dims.s1, D = dims.s2, H = dims.s3, W = dims.s4, K = dims.s5;
    const uint KT = dims.s6, KR = dims.s7, KS = dims.s8, OD = dims.s9, OH = dims.sa, OW = dims.sb;
    const uint CG = dims.sc, KG = dims.sd, flags = dims.se;
    if (ox >= OW || oy >= OH || zk >= dims.s0 * K * OD) return;
    const uint oz = zk % OD, k = zk / OD % K, n = zk / OD / K, g = k / KG;
    const long zs = (long)oz * geo.s0 - geo.s6, ys = (long)oy * geo.s1 - geo.s7,
               xs = (long)ox * geo.s2 - geo.s8;
    long t0, t1, r0, r1, q0, q1;
    tap_range(zs, D, geo.s3, KT, &t0, &t1);
    tap_range(ys, H, geo.s4, KR, &r0, &r1);
    tap_range(xs, W, geo.s5, KS, &q0, &q1);
    const uint taps = KT * KR * KS;
    global const float *wk = wts + (ulong)k * CG * taps;
    float acc = 0.0f;
    for (uint ci = 0; ci < CG; ci++) {
        global const float *xc = src + s_off + (ulong)n * s_st.x + (ulong)(g * CG + ci) * s_st.y;
        global const float *wc = wk + (ulong)ci * taps;
        for (long t = t0; t < t1; t++) {
            ulong z = (ulong)(zs + t * geo.s3);
            for (long r = r0; r < r1; r++) {
                ulong y = (ulong)(ys + r * geo.s4);
                global const float *row = xc + (z * H + y) * s_st.z;
                global const float *wr = wc + ((ulong)t * KR + (ulong)r) * KS;
                for (long q = q0; q < q1; q++)
                    acc = fma(wr[q], row[(ulong)(xs + q * geo.s5) * s_st.w], acc);
            }
        }
    }
    if (flags & 1u) acc += bias[k];
    if (flags & 2u) acc += res[r_off + AT5(r_st, OH, n, k, oz, oy, ox)];
    if ((flags & 4u) && acc < 0.0f) acc = 0.0f;
    dst[d_off + AT5(d_st, OH, n, k, oz, oy, ox)] = acc;
}

kernel void oclnn_pool3d(global const float *src, uint s_off, uint4 s_st, global float *dst,
                         uint d_off, uint4 d_st, uint16 dims, uint16 geo) {
    const uint ox = get_global_id(0), oy = get_global_id(1), zc = get_global_id(2);
    const uint C = dims.s1, OD = dims.s9, OH = dims.sa, OW = dims.sb, flags = dims.se;
    if (ox >= OW || oy >= OH || zc >= dims.s0 * C * OD) return;
    const uint oz = zc % OD, c = zc / OD % C, n = zc / OD / C;
    const long in[3] = {dims.s2, dims.s3, dims.s4};
    const long o[3] = {oz, oy, ox}, osz[3] = {OD, OH, OW};
    const long kern[3] = {geo.s0, geo.s1, geo.s2}, str[3] = {geo.s3, geo.s4, geo.s5},
               pad[3] = {geo.s6, geo.s7, geo.s8};
    long lo[3], hi[3];
    float div = 1.0f;
    for (int a = 0; a < 3; a++) {
        if (flags & 4u) {
            lo[a] = o[a] * in[a] / osz[a];
            hi[a] = ((o[a] + 1) * in[a] + osz[a] - 1) / osz[a];
            div *= (float)(hi[a] - lo[a]);
            continue;
        }
        long s0 = o[a] * str[a] - pad[a], s1 = s0 + kern[a];
        long e1 = min(s1, in[a] + pad[a]);
        lo[a] = max(s0, 0L);
        hi[a] = min(s1, in[a]);
        div *= (flags & 2u) ? (float)(e1 - s0) : (float)(hi[a] - lo[a]);
    }
    global const float *p = src + s_off + (ulong)n * s_st.x + (ulong)c * s_st.y;
    const ulong H = dims.s3;
    float best = -INFINITY, sum = 0.0f;
    int nan = 0;
    for (long z = lo[0]; z < hi[0]; z++)
        for (long y = lo[1]; y < hi[1]; y++)
            for (long x = lo[2]; x < hi[2]; x++) {
                float v = p[((ulong)z * H + (ulong)y) * s_st.z + (ulong)x * s_st.w];
                nan |= isnan(v);
                best = fmax(best, v);
                sum += v;
            }
    dst[d_off + AT5(d_st, OH, n, c, oz, oy, ox)] =
        (flags & 1u) ? (nan ? NAN : best) : sum / div;
}
