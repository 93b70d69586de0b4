/* SPDX-License-Identifier: MIT */
/* OpenCL interop (include/oclnn_cl.h) on the caller's own OpenCL objects: a caller kernel writes
 * a buffer, oclnn convolves it in place of a copy, a caller kernel reads the result, all ordered
 * by events only, across two queues; non-blocking transfers; host-visible tensors; lifetimes
 * (the caller releases its objects early); every error path; and the C backend's rules. This test
 * links the ICD loader itself, as an interop user does. */
#define CL_TARGET_OPENCL_VERSION 120
#include "oclnn_cl.h"

#include <stdlib.h>
#include <string.h>

#include "ref/ref.h"
#include "support/harness.h"

/* The convolution sums 72 products of O(1) terms in float in another order than the double
 * reference (test_conv2d's bound); the caller's y = 2x + 1 doubles it. */
#define TOL_ATOL 5e-5
#define TOL_RTOL 2e-4

static const char *CALLER_SRC =
    "__kernel void produce(__global float *buf, uint off, uint n) {\n"
    "    uint i = get_global_id(0);\n"
    "    if (i < n) buf[off + i] = (float)((i * 37u) % 101u) * 0.02f - 1.0f;\n"
    "}\n"
    "__kernel void consume(__global const float *in, uint off, __global float *out, uint n) {\n"
    "    uint i = get_global_id(0);\n"
    "    if (i < n) out[i] = 2.0f * in[off + i] + 1.0f;\n"
    "}\n";

typedef struct caller {
    cl_platform_id platform;
    cl_device_id device;
    cl_context context;
    cl_command_queue oclnn_queue; /* lent to oclnn, created without profiling */
    cl_command_queue own_queue;   /* the caller's kernels: ordering between the two is by events */
    cl_program program;
    cl_kernel produce, consume;
} caller;

static caller C;
static bool have_cl;
/* Oclgrind (reached as an ICD with OCL_ICD_VENDORS) runs clFlush as clFinish, so a command held
 * behind a user event the same thread opens later would wait forever: no gate there. */
static bool flush_blocks;

static int setup(void **state) {
    (void)state;
    /* A different OpenCL library inside oclnn (Oclgrind) cannot take the ICD loader's handles. */
    const char *lib = getenv("OCLNN_OPENCL_LIBRARY");
    if (test_opencl_disabled() || (lib && *lib)) return 0;
    unsigned pi = 0, di = 0;
    const char *d = getenv("OCLNN_TEST_DEVICE");
    if (d && *d && sscanf(d, "%u:%u", &pi, &di) != 2) return 0;
    cl_platform_id platforms[8];
    cl_device_id devices[8];
    cl_uint np = 0, nd = 0;
    if (clGetPlatformIDs(8, platforms, &np) != CL_SUCCESS || pi >= np) return 0;
    C.platform = platforms[pi];
    if (clGetDeviceIDs(C.platform, CL_DEVICE_TYPE_ALL, 8, devices, &nd) != CL_SUCCESS || di >= nd)
        return 0;
    C.device = devices[di];
    char name[256] = "";
    clGetPlatformInfo(C.platform, CL_PLATFORM_NAME, sizeof name - 1, name, NULL);
    flush_blocks = strstr(name, "Oclgrind") != NULL;
    cl_int err;
    C.context = clCreateContext(NULL, 1, &C.device, NULL, NULL, &err);
    if (err != CL_SUCCESS) return 0;
    C.oclnn_queue = clCreateCommandQueue(C.context, C.device, 0, &err);
    assert_int_equal(err, CL_SUCCESS);
    C.own_queue = clCreateCommandQueue(C.context, C.device, 0, &err);
    assert_int_equal(err, CL_SUCCESS);
    C.program = clCreateProgramWithSource(C.context, 1, &CALLER_SRC, NULL, &err);
    assert_int_equal(err, CL_SUCCESS);
    assert_int_equal(clBuildProgram(C.program, 1, &C.device, "", NULL, NULL), CL_SUCCESS);
    C.produce = clCreateKernel(C.program, "produce", &err);
    C.consume = clCreateKernel(C.program, "consume", &err);
    assert_int_equal(err, CL_SUCCESS);
    have_cl = true;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    if (!have_cl) return 0;
    clReleaseKernel(C.produce);
    clReleaseKernel(C.consume);
    clReleaseProgram(C.program);
    clReleaseCommandQueue(C.own_queue);
    clReleaseCommandQueue(C.oclnn_queue);
    clReleaseContext(C.context);
    return 0;
}

static void need_cl(void) {
    if (!have_cl) {
        print_message("no OpenCL device reachable through the ICD loader: skipped\n");
        skip();
    }
}

/* The gate the first command of a pipeline waits for, opened once everything is enqueued: NULL
 * (no gate, ordering by the other events only) where clFlush blocks. */
static cl_event make_gate(void) {
    if (flush_blocks) {
        print_message("this OpenCL runs clFlush as clFinish: no user-event gate\n");
        return NULL;
    }
    cl_int err;
    cl_event gate = clCreateUserEvent(C.context, &err);
    assert_int_equal(err, CL_SUCCESS);
    return gate;
}

static void open_gate(cl_event gate) {
    if (!gate) return;
    assert_int_equal(clSetUserEventStatus(gate, CL_COMPLETE), CL_SUCCESS);
    clReleaseEvent(gate);
}

static oclnn_context *borrow(oclnn_layout layout) {
    oclnn_context_options o = oclnn_context_options_default();
    o.layout = layout;
    oclnn_context *ctx;
    assert_ok(oclnn_cl_context_create(C.context, C.device, C.oclnn_queue, &o, &ctx));
    return ctx;
}

static cl_mem buffer(size_t bytes) {
    cl_int err;
    cl_mem m = clCreateBuffer(C.context, CL_MEM_READ_WRITE, bytes, NULL, &err);
    assert_int_equal(err, CL_SUCCESS);
    return m;
}

static cl_event run_1d(cl_kernel k, size_t n, cl_uint n_wait, const cl_event *wait) {
    cl_event ev;
    assert_int_equal(clEnqueueNDRangeKernel(C.own_queue, k, 1, NULL, &n, NULL, n_wait, wait, &ev),
                     CL_SUCCESS);
    assert_int_equal(clFlush(C.own_queue), CL_SUCCESS);
    return ev;
}

static float produced(size_t i) { return (float)((i * 37u) % 101u) * 0.02f - 1.0f; }

static oclnn_conv2d_desc conv_desc(void) {
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){1, 8, 12, 12};
    d.out_channels = 16;
    d.kernel_h = d.kernel_w = 3;
    d.padding.mode = OCLNN_PAD_SAME;
    d.has_bias = true;
    d.activation = OCLNN_ACTIVATION_RELU;
    return d;
}

/* The pipeline of the issue: produce (caller, own queue) -> conv (oclnn, lent queue) -> consume
 * (caller, own queue) -> read, with events as the only ordering and no clFinish in between. */
static void test_pipeline_by_events(void **state) {
    need_cl();
    oclnn_layout layout = TEST_CFG(state)->layout;
    oclnn_context *ctx = borrow(layout);
    oclnn_conv2d_desc d = conv_desc();
    oclnn_shape out_shape;
    assert_ok(oclnn_conv2d_output_shape(&d, &out_shape));
    size_t n_in = 8 * 12 * 12, n_out = 16 * 12 * 12, w_n = 16 * 8 * 9;
    float *w = alloc_random(w_n, 5, -0.3f, 0.3f), *bias = alloc_random(16, 6, -0.1f, 0.1f);
    oclnn_op *op;
    assert_ok(oclnn_conv2d_create(ctx, &d, w, bias, &op));

    const cl_uint in_off = 16; /* the image sits 64 bytes into the caller's buffer */
    cl_mem in_buf = buffer((in_off + n_in) * sizeof(float));
    cl_mem out_buf = buffer(n_out * sizeof(float));
    cl_mem final_buf = buffer(n_out * sizeof(float));
    oclnn_tensor *src, *dst;
    assert_ok(oclnn_cl_tensor_wrap(ctx, in_buf, in_off * sizeof(float), d.input, layout, &src));
    assert_ok(oclnn_cl_tensor_wrap(ctx, out_buf, 0, out_shape, layout, &dst));
    clReleaseMemObject(in_buf); /* the tensors hold their own references */
    clReleaseMemObject(out_buf);
    cl_mem dst_mem;
    size_t dst_off;
    assert_ok(oclnn_cl_tensor_mem(dst, &dst_mem, &dst_off));
    assert_ptr_equal(dst_mem, out_buf);
    assert_int_equal(dst_off, 0);

    /* The producer waits for a gate the test opens only after the whole pipeline is enqueued:
     * an oclnn run that did not wait for the producer's event would convolve the zeros. */
    float fill = 0.0f;
    assert_int_equal(clEnqueueFillBuffer(C.own_queue, in_buf, &fill, sizeof fill, 0,
                                         (in_off + n_in) * sizeof(float), 0, NULL, NULL),
                     CL_SUCCESS);
    assert_int_equal(clFinish(C.own_queue), CL_SUCCESS);
    cl_event gate = make_gate();
    cl_uint n = (cl_uint)n_in, m = (cl_uint)n_out, zero = 0;
    clSetKernelArg(C.produce, 0, sizeof in_buf, &in_buf);
    clSetKernelArg(C.produce, 1, sizeof in_off, &in_off);
    clSetKernelArg(C.produce, 2, sizeof n, &n);
    cl_event produced_ev = run_1d(C.produce, n_in, gate ? 1 : 0, gate ? &gate : NULL);
    cl_event conv_ev;
    assert_ok(oclnn_cl_conv2d_run(op, src, dst, NULL, 1, &produced_ev, &conv_ev));
    assert_non_null(conv_ev);
    clSetKernelArg(C.consume, 0, sizeof dst_mem, &dst_mem);
    clSetKernelArg(C.consume, 1, sizeof zero, &zero);
    clSetKernelArg(C.consume, 2, sizeof final_buf, &final_buf);
    clSetKernelArg(C.consume, 3, sizeof m, &m);
    cl_event consumed_ev = run_1d(C.consume, n_out, 1, &conv_ev);
    open_gate(gate);
    float *got = malloc(n_out * sizeof *got);
    assert_int_equal(clEnqueueReadBuffer(C.own_queue, final_buf, CL_TRUE, 0, n_out * sizeof(float),
                                         got, 1, &consumed_ev, NULL),
                     CL_SUCCESS);

    float *x = malloc(n_in * sizeof *x), *ref = malloc(n_out * sizeof *ref);
    for (size_t i = 0; i < n_in; i++) x[i] = produced(i); /* dense in `layout`, as written */
    oclnn__ref_conv2d(&d, x, layout, w, bias, NULL, ref);
    for (size_t i = 0; i < n_out; i++) ref[i] = 2.0f * ref[i] + 1.0f;
    assert_close(got, ref, n_out, TOL_ATOL, TOL_RTOL, "n1c8h12w12k16r3s3 (interop pipeline)");

    clReleaseEvent(produced_ev);
    clReleaseEvent(conv_ev);
    clReleaseEvent(consumed_ev);
    clReleaseMemObject(final_buf);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    free(got), free(x), free(ref), free(w), free(bias);
}

/* A small graph: conv(3x3) + ReLU, max pool, conv(1x1). */
static oclnn_graph *small_graph(void) {
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    oclnn_node_desc d = oclnn_node_desc_default();
    int x, a, b, c;
    d.op = OCLNN_NODE_INPUT;
    d.channels = 3;
    assert_ok(oclnn_graph_add(g, "input", &d, NULL, 0, &x));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CONV;
    d.channels = 8;
    d.kernel_h = d.kernel_w = 3;
    d.pad_h = d.pad_w = 1;
    d.bias = true;
    assert_ok(oclnn_graph_add(g, "conv1", &d, &x, 1, &a));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_RELU;
    assert_ok(oclnn_graph_add(g, "relu", &d, &a, 1, &b));
    d.op = OCLNN_NODE_MAX_POOL;
    d.kernel_h = d.kernel_w = 2;
    assert_ok(oclnn_graph_add(g, "pool", &d, &b, 1, &c));
    d = oclnn_node_desc_default();
    d.op = OCLNN_NODE_CONV;
    d.channels = 4;
    assert_ok(oclnn_graph_add(g, "conv2", &d, &c, 1, NULL));
    assert_ok(oclnn_graph_init_random(g, 9));
    return g;
}

/* A whole net behind a gate: non-blocking write -> net run -> the caller's kernel reading oclnn's
 * own output buffer (oclnn_cl_tensor_mem), each waiting for the previous event; checked against
 * the same net on the C backend. */
static void test_net_by_events(void **state) {
    need_cl();
    oclnn_layout layout = TEST_CFG(state)->layout;
    oclnn_graph *g = small_graph();
    oclnn_shape in = {2, 3, 10, 10};
    oclnn_context *ctx = borrow(layout), *cpu;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    assert_ok(oclnn_context_create(&o, &cpu));
    oclnn_net *net, *ref_net;
    assert_ok(oclnn_net_create(ctx, g, in, &net));
    assert_ok(oclnn_net_create(cpu, g, in, &ref_net));
    oclnn_graph_destroy(g);
    size_t n_in = 2 * 3 * 10 * 10;
    float *x = alloc_random(n_in, 12, -1, 1), *staged = calloc(n_in, sizeof *staged);
    oclnn_tensor *out = oclnn_net_output(net);
    oclnn_shape os = oclnn_tensor_shape(out);
    size_t n_out = (size_t)os.n * os.c * os.h * os.w;
    cl_mem out_mem;
    size_t out_off;
    assert_ok(oclnn_cl_tensor_mem(out, &out_mem, &out_off));
    cl_mem final_buf = buffer(n_out * sizeof(float));
    cl_event gate = make_gate(), wrote, ran, consumed;
    if (!gate) memcpy(staged, x, n_in * sizeof *x);
    /* The write reads `staged` only once the gate opens, and the data is put there just before. */
    assert_ok(oclnn_cl_tensor_write(oclnn_net_input(net), staged, OCLNN_LAYOUT_NCHW, gate ? 1 : 0,
                                    gate ? &gate : NULL, &wrote));
    assert_ok(oclnn_cl_net_run(net, 1, &wrote, &ran));
    cl_uint off = (cl_uint)(out_off / sizeof(float)), m = (cl_uint)n_out;
    clSetKernelArg(C.consume, 0, sizeof out_mem, &out_mem);
    clSetKernelArg(C.consume, 1, sizeof off, &off);
    clSetKernelArg(C.consume, 2, sizeof final_buf, &final_buf);
    clSetKernelArg(C.consume, 3, sizeof m, &m);
    consumed = run_1d(C.consume, n_out, 1, &ran);
    if (gate) memcpy(staged, x, n_in * sizeof *x);
    open_gate(gate);
    float *got = malloc(n_out * sizeof *got), *want = malloc(n_out * sizeof *want);
    assert_int_equal(clEnqueueReadBuffer(C.own_queue, final_buf, CL_TRUE, 0, n_out * sizeof(float),
                                         got, 1, &consumed, NULL),
                     CL_SUCCESS);
    /* The reference: the C backend's run, in the OpenCL output's layout, then y = 2x + 1. */
    assert_ok(oclnn_tensor_write(oclnn_net_input(ref_net), x, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_net_run(ref_net));
    assert_ok(oclnn_tensor_read(oclnn_net_output(ref_net), want, oclnn_tensor_layout(out)));
    for (size_t i = 0; i < n_out; i++) want[i] = 2.0f * want[i] + 1.0f;
    assert_close(got, want, n_out, TOL_ATOL, TOL_RTOL, "small net (interop events)");
    clReleaseEvent(wrote);
    clReleaseEvent(ran);
    clReleaseEvent(consumed);
    clReleaseMemObject(final_buf);
    oclnn_net_destroy(net);
    oclnn_net_destroy(ref_net);
    oclnn_context_destroy(ctx);
    oclnn_context_destroy(cpu);
    free(x), free(staged), free(got), free(want);
}

/* Non-blocking write then read (through the layout change when the tensor is NHWC), the second
 * waiting for the first's event; and a net run ordered the same way. */
static void test_async_transfers(void **state) {
    need_cl();
    oclnn_layout layout = TEST_CFG(state)->layout;
    oclnn_context *ctx = borrow(layout);
    oclnn_shape s = {2, 3, 5, 7};
    size_t n = 2 * 3 * 5 * 7;
    float *data = alloc_random(n, 11, -1, 1), *back = calloc(n, sizeof *back);
    oclnn_tensor *t;
    assert_ok(oclnn_tensor_create(ctx, s, layout, &t));
    cl_event wrote, read;
    assert_ok(oclnn_cl_tensor_write(t, data, OCLNN_LAYOUT_NCHW, 0, NULL, &wrote));
    assert_ok(oclnn_cl_tensor_read(t, back, OCLNN_LAYOUT_NCHW, 1, &wrote, &read));
    assert_int_equal(clWaitForEvents(1, &read), CL_SUCCESS);
    assert_memory_equal(back, data, n * sizeof *data);
    clReleaseEvent(wrote);
    clReleaseEvent(read);

    /* A channel view (strided: the staged path in both layouts), written and read back. */
    oclnn_tensor *view;
    assert_ok(oclnn_tensor_view_channels(t, 1, 2, &view));
    size_t nv = 2 * 2 * 5 * 7;
    float *vdata = alloc_random(nv, 13, -1, 1), *vback = calloc(nv, sizeof *vback);
    assert_ok(oclnn_cl_tensor_write(view, vdata, OCLNN_LAYOUT_NHWC, 0, NULL, NULL));
    assert_ok(oclnn_cl_tensor_read(view, vback, OCLNN_LAYOUT_NHWC, 0, NULL, &read));
    assert_int_equal(clWaitForEvents(1, &read), CL_SUCCESS);
    clReleaseEvent(read);
    assert_memory_equal(vback, vdata, nv * sizeof *vdata);
    assert_ok(oclnn_tensor_read(t, back, OCLNN_LAYOUT_NCHW)); /* channel 0 unchanged */
    for (size_t b = 0; b < 2; b++)
        for (size_t i = 0; i < 35; i++) assert_true(back[b * 105 + i] == data[b * 105 + i]);
    oclnn_tensor_destroy(view);
    free(vdata), free(vback);

    cl_command_queue q;
    assert_ok(oclnn_cl_context_objects(ctx, NULL, NULL, &q));
    assert_ptr_equal(q, C.oclnn_queue);
    cl_event marker;
    assert_ok(oclnn_cl_marker(ctx, &marker));
    assert_int_equal(clWaitForEvents(1, &marker), CL_SUCCESS);
    clReleaseEvent(marker);
    oclnn_tensor_destroy(t);
    oclnn_context_destroy(ctx);
    free(data), free(back);
}

/* A host-visible tensor is written through a mapping, convolved, and the host-visible output is
 * read back through a mapping; both agree with the blocking read. */
static void test_host_visible(void **state) {
    const test_cfg *cfg = TEST_CFG(state);
    oclnn_context *ctx;
    if (cfg->backend == OCLNN_BACKEND_OPENCL) {
        need_cl();
        ctx = borrow(cfg->layout);
    } else {
        oclnn_context_options o = oclnn_context_options_default();
        o.device = "cpu";
        o.layout = cfg->layout;
        assert_ok(oclnn_context_create(&o, &ctx));
    }
    oclnn_conv2d_desc d = conv_desc();
    oclnn_shape out_shape;
    assert_ok(oclnn_conv2d_output_shape(&d, &out_shape));
    size_t n_in = 8 * 12 * 12, n_out = 16 * 12 * 12;
    float *w = alloc_random(16 * 8 * 9, 5, -0.3f, 0.3f), *bias = alloc_random(16, 6, -0.1f, 0.1f);
    oclnn_op *op;
    assert_ok(oclnn_conv2d_create(ctx, &d, w, bias, &op));
    oclnn_tensor *src, *dst;
    assert_ok(oclnn_cl_tensor_create_host_visible(ctx, d.input, cfg->layout, &src));
    assert_ok(oclnn_cl_tensor_create_host_visible(ctx, out_shape, cfg->layout, &dst));
    float *p;
    assert_ok(oclnn_cl_tensor_map(src, OCLNN_MAP_WRITE, &p));
    for (size_t i = 0; i < n_in; i++) p[i] = produced(i);
    assert_ok(oclnn_cl_tensor_unmap(src, p));
    assert_ok(oclnn_conv2d_run(op, src, dst, NULL));
    float *got = malloc(n_out * sizeof *got), *ref = malloc(n_out * sizeof *ref);
    float *x = malloc(n_in * sizeof *x);
    for (size_t i = 0; i < n_in; i++) x[i] = produced(i);
    oclnn__ref_conv2d(&d, x, cfg->layout, w, bias, NULL, ref);
    assert_ok(oclnn_cl_tensor_map(dst, OCLNN_MAP_READ, &p));
    memcpy(got, p, n_out * sizeof *got);
    assert_ok(oclnn_cl_tensor_unmap(dst, p));
    assert_close(got, ref, n_out, TOL_ATOL, TOL_RTOL, "n1c8h12w12k16r3s3 (host-visible)");

    /* Errors: a view cannot be mapped, flags must name a direction. */
    oclnn_tensor *view;
    assert_ok(oclnn_tensor_view_channels(dst, 0, 4, &view));
    assert_status(oclnn_cl_tensor_map(view, OCLNN_MAP_READ, &p), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("view");
    assert_status(oclnn_cl_tensor_map(dst, 0, &p), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("flags");
    assert_status(oclnn_cl_tensor_unmap(dst, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    oclnn_tensor_destroy(view);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    free(got), free(ref), free(x), free(w), free(bias);
}

/* The caller's objects are retained: releasing them right after creation changes nothing, and
 * oclnn's context outlives the caller's references. */
static void test_lifetimes(void **state) {
    (void)state;
    need_cl();
    cl_int err;
    cl_context cc = clCreateContext(NULL, 1, &C.device, NULL, NULL, &err);
    assert_int_equal(err, CL_SUCCESS);
    cl_command_queue q = clCreateCommandQueue(cc, C.device, CL_QUEUE_PROFILING_ENABLE, &err);
    assert_int_equal(err, CL_SUCCESS);
    oclnn_context *ctx;
    assert_ok(oclnn_cl_context_create(cc, C.device, q, NULL, &ctx));
    clReleaseCommandQueue(q);
    clReleaseContext(cc);
    cl_mem m = clCreateBuffer(cc, CL_MEM_READ_WRITE, 4 * 64, NULL, &err);
    assert_int_equal(err, CL_SUCCESS);
    oclnn_tensor *t;
    assert_ok(oclnn_cl_tensor_wrap(ctx, m, 0, (oclnn_shape){1, 4, 4, 4}, OCLNN_LAYOUT_AUTO, &t));
    clReleaseMemObject(m);
    assert_ok(oclnn_tensor_fill(t, 3.5f));
    float v[64];
    assert_ok(oclnn_tensor_read(t, v, OCLNN_LAYOUT_AUTO));
    for (int i = 0; i < 64; i++) assert_true(v[i] == 3.5f);
    oclnn_context_destroy(ctx); /* freed with its last tensor */
    oclnn_tensor_destroy(t);
}

static void test_errors(void **state) {
    (void)state;
    need_cl();
    oclnn_context *ctx;
    assert_status(oclnn_cl_context_create(NULL, C.device, C.oclnn_queue, NULL, &ctx),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("context");
    assert_status(oclnn_cl_context_create(C.context, C.device, NULL, NULL, &ctx),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("queue");
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "0:0";
    assert_status(oclnn_cl_context_create(C.context, C.device, C.oclnn_queue, &o, &ctx),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("options->device");
    cl_int err;
    cl_context other = clCreateContext(NULL, 1, &C.device, NULL, NULL, &err);
    assert_int_equal(err, CL_SUCCESS);
    assert_status(oclnn_cl_context_create(other, C.device, C.oclnn_queue, NULL, &ctx),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("another cl_context");
    cl_command_queue ooo = clCreateCommandQueue(C.context, C.device,
                                                CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, &err);
    if (err == CL_SUCCESS) {
        assert_status(oclnn_cl_context_create(C.context, C.device, ooo, NULL, &ctx),
                      OCLNN_ERROR_UNSUPPORTED);
        assert_error_mentions("out-of-order");
        clReleaseCommandQueue(ooo);
    }

    ctx = borrow(OCLNN_LAYOUT_NCHW);
    oclnn_tensor *t;
    oclnn_shape s = {1, 2, 3, 4};
    cl_mem m = buffer(24 * sizeof(float) + 8);
    assert_status(oclnn_cl_tensor_wrap(ctx, NULL, 0, s, OCLNN_LAYOUT_NCHW, &t),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("mem");
    assert_status(oclnn_cl_tensor_wrap(ctx, m, 2, s, OCLNN_LAYOUT_NCHW, &t),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("offset_bytes");
    assert_status(oclnn_cl_tensor_wrap(ctx, m, 12, s, OCLNN_LAYOUT_NCHW, &t),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("fewer");
    assert_status(oclnn_cl_tensor_wrap(ctx, m, 0, s, (oclnn_layout)9, &t),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("layout");
    assert_ok(oclnn_cl_tensor_wrap(ctx, m, 8, s, OCLNN_LAYOUT_NCHW, &t));
    cl_mem foreign = clCreateBuffer(other, CL_MEM_READ_WRITE, 1024, NULL, &err);
    assert_int_equal(err, CL_SUCCESS);
    oclnn_tensor *t2;
    assert_status(oclnn_cl_tensor_wrap(ctx, foreign, 0, s, OCLNN_LAYOUT_NCHW, &t2),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("another cl_context");
    assert_status(oclnn_cl_wait(ctx, 2, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("wait_list");
    assert_status(oclnn_cl_marker(ctx, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    float x[24];
    assert_status(oclnn_cl_tensor_write(t, NULL, OCLNN_LAYOUT_NCHW, 0, NULL, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_cl_tensor_read(t, x, (oclnn_layout)7, 0, NULL, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("dst_layout");
    assert_status(oclnn_cl_net_run(NULL, 0, NULL, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_status(oclnn_cl_conv2d_run(NULL, t, t, NULL, 0, NULL, NULL),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    clReleaseMemObject(foreign);
    clReleaseMemObject(m);
    clReleaseContext(other);
    oclnn_tensor_destroy(t);
    oclnn_context_destroy(ctx);
}

/* The C backend: OpenCL-only calls are UNSUPPORTED; the event-ordered calls wait for the list,
 * run synchronously and give a NULL event. */
static void test_cpu_rules(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    oclnn_context *ctx;
    assert_ok(oclnn_context_create(&o, &ctx));
    oclnn_tensor *t;
    oclnn_shape s = {1, 8, 12, 12};
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_AUTO, &t));
    cl_mem m = NULL;
    assert_status(oclnn_cl_tensor_mem(t, &m, NULL), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("C backend");
    assert_status(oclnn_cl_context_objects(ctx, NULL, NULL, NULL), OCLNN_ERROR_UNSUPPORTED);
    oclnn_tensor *w;
    assert_status(oclnn_cl_tensor_wrap(ctx, (cl_mem)(void *)&m, 0, s, OCLNN_LAYOUT_AUTO, &w),
                  OCLNN_ERROR_UNSUPPORTED);

    oclnn_conv2d_desc d = conv_desc();
    oclnn_shape out_shape;
    assert_ok(oclnn_conv2d_output_shape(&d, &out_shape));
    float *wt = alloc_random(16 * 8 * 9, 5, -0.3f, 0.3f), *bias = alloc_random(16, 6, -0.1f, 0.1f);
    oclnn_op *op;
    assert_ok(oclnn_conv2d_create(ctx, &d, wt, bias, &op));
    oclnn_tensor *dst;
    assert_ok(oclnn_tensor_create(ctx, out_shape, OCLNN_LAYOUT_AUTO, &dst));
    size_t n_in = 8 * 12 * 12, n_out = 16 * 12 * 12;
    float *x = malloc(n_in * sizeof *x), *got = malloc(n_out * sizeof *got);
    float *ref = malloc(n_out * sizeof *ref);
    for (size_t i = 0; i < n_in; i++) x[i] = produced(i);
    /* With an OpenCL device, a completed caller event is waited for; without, no list. */
    cl_event done = NULL;
    if (have_cl) {
        assert_int_equal(clEnqueueMarkerWithWaitList(C.own_queue, 0, NULL, &done), CL_SUCCESS);
        assert_int_equal(clFinish(C.own_queue), CL_SUCCESS);
    }
    cl_event ev = (cl_event)(void *)&ev;
    cl_uint n_done = done ? 1 : 0;
    const cl_event *done_list = done ? &done : NULL;
    assert_ok(oclnn_cl_tensor_write(t, x, OCLNN_LAYOUT_NCHW, n_done, done_list, &ev));
    assert_null(ev);
    ev = (cl_event)(void *)&ev;
    assert_ok(oclnn_cl_conv2d_run(op, t, dst, NULL, n_done, done_list, &ev));
    assert_null(ev);
    ev = (cl_event)(void *)&ev;
    assert_ok(oclnn_cl_tensor_read(dst, got, OCLNN_LAYOUT_NCHW, 0, NULL, &ev));
    assert_null(ev);
    oclnn__ref_conv2d(&d, x, OCLNN_LAYOUT_NCHW, wt, bias, NULL, ref);
    assert_close(got, ref, n_out, TOL_ATOL, TOL_RTOL, "n1c8h12w12k16r3s3 (C backend, events)");
    if (done) clReleaseEvent(done);
    oclnn_tensor_destroy(t);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    free(x), free(got), free(ref), free(wt), free(bias);
}

static const test_cfg CFG_NCHW = {OCLNN_BACKEND_OPENCL, OCLNN_LAYOUT_NCHW, "opencl/NCHW"};
static const test_cfg CFG_NHWC = {OCLNN_BACKEND_OPENCL, OCLNN_LAYOUT_NHWC, "opencl/NHWC"};

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_pipeline_by_events, (void *)&CFG_NCHW),
        cmocka_unit_test_prestate(test_pipeline_by_events, (void *)&CFG_NHWC),
        cmocka_unit_test_prestate(test_net_by_events, (void *)&CFG_NCHW),
        cmocka_unit_test_prestate(test_net_by_events, (void *)&CFG_NHWC),
        cmocka_unit_test_prestate(test_async_transfers, (void *)&CFG_NCHW),
        cmocka_unit_test_prestate(test_async_transfers, (void *)&CFG_NHWC),
        TEST_ALL_CFGS(test_host_visible),
        cmocka_unit_test(test_lifetimes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_cpu_rules),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
