/* SPDX-License-Identifier: MIT */
/* interop: oclnn inside an OpenCL program (include/oclnn_cl.h). The program owns the OpenCL
 * context and queue; its own kernel draws an image into its own buffer, oclnn runs a Sobel
 * convolution straight on that buffer (no copy), and the program's second kernel turns the two
 * gradients into an edge magnitude. The three steps are ordered by events only; the host waits
 * once, for the final read. The result is checked against a host computation.
 *
 *   interop [--cpu]
 *
 * --cpu (or no OpenCL device) runs the same calls on oclnn's C backend, where, by the header's
 * rules, they run synchronously and return no event; the drawing and the magnitude are then
 * done on the host. Exit 0 when the edges match the host's. */
#define CL_TARGET_OPENCL_VERSION 120
#include "oclnn_cl.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { H = 96, W = 128 };

static const char *SRC =
    "__kernel void draw(__global float *img, uint h, uint w) {\n"
    "    uint x = get_global_id(0), y = get_global_id(1);\n"
    "    if (x >= w || y >= h) return;\n"
    "    float dx = x - 64.0f, dy = y - 48.0f;\n"
    "    float disc = dx * dx + dy * dy < 900.0f ? 1.0f : 0.0f;\n"
    "    img[y * w + x] = 0.25f * (float)(x / 16u % 2u) + disc;\n"
    "}\n"
    "__kernel void magnitude(__global const float *grad, __global float *out, uint n) {\n"
    "    uint i = get_global_id(0);\n"
    "    if (i < n) out[i] = sqrt(grad[i] * grad[i] + grad[n + i] * grad[n + i]);\n"
    "}\n";

/* Sobel x and y: 2 output channels, 1 input channel, 3 x 3 (KCRS). */
static const float SOBEL[2 * 9] = {-1, 0, 1, -2, 0, 2, -1, 0, 1, -1, -2, -1, 0, 0, 0, 1, 2, 1};

static float draw(int x, int y) {
    float disc = (x - 64.0f) * (x - 64.0f) + (y - 48.0f) * (y - 48.0f) < 900.0f ? 1.0f : 0.0f;
    return 0.25f * (float)(x / 16 % 2) + disc;
}

/* Host reference: Sobel with zero padding, then the magnitude. */
static void reference(float *out) {
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double gx = 0, gy = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) {
                    int yy = y + i - 1, xx = x + j - 1;
                    double v = yy >= 0 && yy < H && xx >= 0 && xx < W ? draw(xx, yy) : 0.0;
                    gx += SOBEL[i * 3 + j] * v;
                    gy += SOBEL[9 + i * 3 + j] * v;
                }
            out[y * W + x] = (float)sqrt(gx * gx + gy * gy);
        }
}

static int verify(const float *got) {
    static float want[H * W];
    reference(want);
    double worst = 0;
    size_t edges = 0;
    for (size_t i = 0; i < (size_t)H * W; i++) {
        worst = fmax(worst, fabs(got[i] - want[i]));
        edges += got[i] > 0.5f;
    }
    /* Sums of nine products of small exact values: float's rounding only in the sqrt. */
    bool ok = worst < 1e-4 && edges > 100;
    printf("edge pixels: %zu, max |error| vs host: %.2e: %s\n", edges, worst,
           ok ? "the edges match the host's" : "MISMATCH");
    return ok ? 0 : 1;
}

static oclnn_status make_sobel(oclnn_context *ctx, oclnn_op **op) {
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){1, 1, H, W};
    d.out_channels = 2;
    d.kernel_h = d.kernel_w = 3;
    d.padding.mode = OCLNN_PAD_SAME;
    return oclnn_conv2d_create(ctx, &d, SOBEL, NULL, op);
}

#define TRY(call)                                                                                 \
    do {                                                                                          \
        if ((call) != OCLNN_OK) {                                                                 \
            fprintf(stderr, "interop: %s: %s\n", #call, oclnn_last_error());                      \
            return 1;                                                                             \
        }                                                                                         \
    } while (0)
#define CL_TRY(call)                                                                              \
    do {                                                                                          \
        cl_int e_ = (call);                                                                       \
        if (e_ != CL_SUCCESS) {                                                                   \
            fprintf(stderr, "interop: %s: OpenCL error %d\n", #call, e_);                         \
            return 1;                                                                             \
        }                                                                                         \
    } while (0)

/* The C backend: the same oclnn_cl_* calls, synchronous, no events. */
static int run_cpu(void) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    oclnn_context *ctx;
    oclnn_op *op;
    oclnn_tensor *img, *grad;
    TRY(oclnn_context_create(&o, &ctx));
    TRY(make_sobel(ctx, &op));
    TRY(oclnn_tensor_create(ctx, (oclnn_shape){1, 1, H, W}, OCLNN_LAYOUT_AUTO, &img));
    TRY(oclnn_tensor_create(ctx, (oclnn_shape){1, 2, H, W}, OCLNN_LAYOUT_AUTO, &grad));
    static float host[H * W], g[2 * H * W], mag[H * W];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) host[y * W + x] = draw(x, y);
    cl_event ev[3];
    TRY(oclnn_cl_tensor_write(img, host, OCLNN_LAYOUT_NCHW, 0, NULL, &ev[0]));
    TRY(oclnn_cl_conv2d_run(op, img, grad, NULL, 0, NULL, &ev[1]));
    TRY(oclnn_cl_tensor_read(grad, g, OCLNN_LAYOUT_NCHW, 0, NULL, &ev[2]));
    if (ev[0] || ev[1] || ev[2]) {
        fprintf(stderr, "interop: the C backend gave an event\n");
        return 1;
    }
    for (int i = 0; i < H * W; i++) mag[i] = sqrtf(g[i] * g[i] + g[H * W + i] * g[H * W + i]);
    printf("C backend: synchronous oclnn_cl_* calls, no events\n");
    oclnn_tensor_destroy(img);
    oclnn_tensor_destroy(grad);
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    return verify(mag);
}

typedef struct app {
    cl_context context;
    cl_device_id device;
    cl_command_queue queue;
    cl_kernel draw, magnitude;
    cl_mem image, grad, edges;
} app;

static int app_init(app *a) {
    cl_platform_id platform;
    cl_int err;
    if (clGetPlatformIDs(1, &platform, NULL) != CL_SUCCESS ||
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &a->device, NULL) != CL_SUCCESS)
        return -1;
    a->context = clCreateContext(NULL, 1, &a->device, NULL, NULL, &err);
    CL_TRY(err);
    a->queue = clCreateCommandQueue(a->context, a->device, 0, &err); /* in-order, no profiling */
    CL_TRY(err);
    cl_program p = clCreateProgramWithSource(a->context, 1, &SRC, NULL, &err);
    CL_TRY(err);
    CL_TRY(clBuildProgram(p, 1, &a->device, "", NULL, NULL));
    a->draw = clCreateKernel(p, "draw", &err);
    CL_TRY(err);
    a->magnitude = clCreateKernel(p, "magnitude", &err);
    CL_TRY(err);
    clReleaseProgram(p);
    a->image = clCreateBuffer(a->context, CL_MEM_READ_WRITE, sizeof(float) * H * W, NULL, &err);
    CL_TRY(err);
    a->grad = clCreateBuffer(a->context, CL_MEM_READ_WRITE, sizeof(float) * 2 * H * W, NULL, &err);
    CL_TRY(err);
    a->edges = clCreateBuffer(a->context, CL_MEM_READ_WRITE, sizeof(float) * H * W, NULL, &err);
    CL_TRY(err);
    return 0;
}

static void app_fini(app *a) {
    clReleaseMemObject(a->image);
    clReleaseMemObject(a->grad);
    clReleaseMemObject(a->edges);
    clReleaseKernel(a->draw);
    clReleaseKernel(a->magnitude);
    clReleaseCommandQueue(a->queue);
    clReleaseContext(a->context);
}

/* draw (program) -> Sobel (oclnn, on the program's buffers) -> magnitude (program) -> read. */
static int pipeline(app *a, oclnn_context *ctx, float *edges) {
    oclnn_op *op;
    oclnn_tensor *img, *grad;
    TRY(make_sobel(ctx, &op));
    /* NCHW: the program's kernels index the buffers as planes. */
    TRY(oclnn_cl_tensor_wrap(ctx, a->image, 0, (oclnn_shape){1, 1, H, W}, OCLNN_LAYOUT_NCHW, &img));
    TRY(oclnn_cl_tensor_wrap(ctx, a->grad, 0, (oclnn_shape){1, 2, H, W}, OCLNN_LAYOUT_NCHW, &grad));
    cl_uint h = H, w = W, n = H * W;
    size_t g2[2] = {W, H}, g1 = (size_t)H * W;
    cl_event drawn, convolved, done;
    CL_TRY(clSetKernelArg(a->draw, 0, sizeof a->image, &a->image));
    CL_TRY(clSetKernelArg(a->draw, 1, sizeof h, &h));
    CL_TRY(clSetKernelArg(a->draw, 2, sizeof w, &w));
    CL_TRY(clEnqueueNDRangeKernel(a->queue, a->draw, 2, NULL, g2, NULL, 0, NULL, &drawn));
    TRY(oclnn_cl_conv2d_run(op, img, grad, NULL, 1, &drawn, &convolved));
    CL_TRY(clSetKernelArg(a->magnitude, 0, sizeof a->grad, &a->grad));
    CL_TRY(clSetKernelArg(a->magnitude, 1, sizeof a->edges, &a->edges));
    CL_TRY(clSetKernelArg(a->magnitude, 2, sizeof n, &n));
    CL_TRY(clEnqueueNDRangeKernel(a->queue, a->magnitude, 1, NULL, &g1, NULL, 1, &convolved,
                                  &done));
    CL_TRY(clEnqueueReadBuffer(a->queue, a->edges, CL_TRUE, 0, sizeof(float) * H * W, edges, 1,
                               &done, NULL));
    clReleaseEvent(drawn);
    clReleaseEvent(convolved);
    clReleaseEvent(done);
    oclnn_tensor_destroy(img);
    oclnn_tensor_destroy(grad);
    oclnn_op_destroy(op);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--cpu"))) {
        fprintf(stderr, "usage: interop [--cpu]\n");
        return 2;
    }
    if (argc == 2) return run_cpu();
    app a = {0};
    int st = app_init(&a);
    if (st < 0) {
        printf("no OpenCL device: the C backend instead\n");
        return run_cpu();
    }
    if (st) return 1;
    oclnn_context *ctx;
    TRY(oclnn_cl_context_create(a.context, a.device, a.queue, NULL, &ctx));
    oclnn_device_info dev;
    oclnn_context_device(ctx, &dev);
    printf("OpenCL pipeline on \"%s\": program kernel -> oclnn Sobel -> program kernel, "
           "ordered by events\n", dev.name);
    static float edges[H * W];
    int rc = pipeline(&a, ctx, edges);
    oclnn_context_destroy(ctx);
    app_fini(&a);
    return rc ? rc : verify(edges);
}
