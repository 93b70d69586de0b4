/* SPDX-License-Identifier: MIT */
/* Fully connected: dst(n, o) = x[n] . w[o] + bias[o], x dense (N, K), w dense (O, K).
 *
 * Required defines: none.
 * Tunables: ROWS, samples per work-item (default 4): each weight row is read once per ROWS
 *   samples, which is what bounds the op at small batch.
 * Index mapping: global (x, y) = (output feature o, sample block n / ROWS). dst is addressed by
 *   its n and c strides, so any layout or a channel view works. */
#ifndef ROWS
#define ROWS 4
#endif

kernel void oclnn_fc(global const float *x, global const float *w, global const float *bias,
                     global float *dst, uint d_off, uint2 d_stride, uint N, uint K, uint O) {
    uint o = get_global_id(0), n0 = get_global_id(1) * ROWS;
    if (o >= O || n0 >= N) return;
    uint rows = min((uint)ROWS, N - n0);
    global const float *wr = w + (size_t)o * K;
    float4 acc[ROWS];
    for (uint r = 0; r < ROWS; r++) acc[r] = (float4)(0.0f);
    uint k4 = K / 4;
    for (uint k = 0; k < k4; k++) {
        float4 wv = vload4(k, wr);
        for (uint r = 0; r < rows; r++) acc[r] += vload4(k, x + (size_t)(n0 + r) * K) * wv;
    }
    for (uint r = 0; r < rows; r++) {
        global const float *xr = x + (size_t)(n0 + r) * K;
        float sum = acc[r].x + acc[r].y + acc[r].z + acc[r].w;
        for (uint k = k4 * 4; k < K; k++) sum += xr[k] * wr[k];
        if (bias) sum += bias[o];
        dst[d_off + (n0 + r) * d_stride.x + o * d_stride.y] = sum;
    }
}

/* dst(n, o) += bias[o], after a library GEMM that has no bias: global (x, y) = (o, n). */
kernel void oclnn_fc_bias(global const float *bias, global float *dst, uint d_off, uint2 d_stride,
                          uint N, uint O) {
    uint o = get_global_id(0), n = get_global_id(1);
    if (o >= O || n >= N) return;
    dst[d_off + n * d_stride.x + o * d_stride.y] += bias[o];
}
