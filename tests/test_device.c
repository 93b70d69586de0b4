/* SPDX-License-Identifier: MIT */
/* Device enumeration and selection: the pure choice rules on fabricated device lists, the layout
 * rule, and real contexts on the default device, on "cpu" and through OCLNN_DEVICE. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include "core/devclass.h"
#include "core/device.h"
#include "tune/faster.h"
#include "support/harness.h"

static oclnn_device_info cl_dev(uint32_t p, uint32_t d, const char *name, const char *vendor,
                                bool gpu, uint32_t cus, uint32_t mhz) {
    oclnn_device_info i;
    memset(&i, 0, sizeof i);
    i.backend = OCLNN_BACKEND_OPENCL;
    i.platform_index = p;
    i.device_index = d;
    snprintf(i.name, sizeof i.name, "%s", name);
    snprintf(i.vendor, sizeof i.vendor, "%s", vendor);
    snprintf(i.platform_name, sizeof i.platform_name, "%s platform", vendor);
    i.is_gpu = gpu;
    i.is_cpu = !gpu;
    i.compute_units = cus;
    i.clock_mhz = mhz;
    i.native_vector_width_float = gpu ? 1 : 8;
    return i;
}

static oclnn_device_info c_backend(void) {
    oclnn_device_info i;
    memset(&i, 0, sizeof i);
    i.backend = OCLNN_BACKEND_CPU;
    snprintf(i.name, sizeof i.name, "C backend");
    return i;
}

static void test_choose_default_prefers_fastest_gpu(void **state) {
    (void)state;
    oclnn_device_info list[] = {
        cl_dev(0, 0, "pthread-skylake", "Intel", false, 64, 3000),
        cl_dev(1, 0, "Small iGPU", "Intel(R) Corporation", true, 24, 1100),
        cl_dev(1, 1, "NVIDIA H100", "NVIDIA Corporation", true, 132, 1755),
        c_backend(),
    };
    assert_int_equal(oclnn__device_choose(list, 4, NULL), 2);
    assert_int_equal(oclnn__device_choose(list, 4, ""), 2);
    assert_int_equal(oclnn__device_default(list, 4), 2);
}

/* Without a GPU the C backend is the default, unless a tuning database measured the OpenCL CPU
 * device faster (on a 2-core machine PoCL runs ResNet-50 4-5x slower than the C backend). */
static void test_choose_default_without_gpu(void **state) {
    (void)state;
    oclnn_device_info list[] = {cl_dev(0, 0, "pocl cpu", "AuthenticAMD", false, 2, 2600), c_backend()};
    assert_int_equal(oclnn__device_choose(list, 2, NULL), 1);
    char why[128];
    assert_int_equal(oclnn__device_default_why(list, 2, NULL, why, sizeof why), 1);
    assert_non_null(strstr(why, "no GPU"));
    const bool slower[2] = {false, false}, faster[2] = {true, false};
    assert_int_equal(oclnn__device_default_why(list, 2, slower, why, sizeof why), 1);
    assert_int_equal(oclnn__device_default_why(list, 2, faster, why, sizeof why), 0);
    assert_non_null(strstr(why, "measured"));
    oclnn_device_info only_c[] = {c_backend()};
    assert_int_equal(oclnn__device_choose(only_c, 1, NULL), 0);
    assert_int_equal(oclnn__device_choose(only_c, 1, "0:0"), -1);
}

/* Writes a tuning database for dev with one convolution row per (problem, ms). */
static void write_db(const oclnn_device_info *dev, const char *const *problems, const double *ms,
                     size_t n) {
    oclnn__tune_db db;
    oclnn__tune_db_init(&db, dev);
    oclnn__tune_values v = oclnn__tune_defaults_of(&oclnn__tune_space_conv_direct);
    for (size_t i = 0; i < n; i++)
        assert_true(oclnn__tune_db_put(&db, &oclnn__tune_space_conv_direct, problems[i], &v, ms[i]));
    char path[4096], why[256];
    assert_true(oclnn__tune_default_path(dev->name, path, sizeof path));
    if (!oclnn__tune_db_save(&db, path, why, sizeof why)) fail_msg("%s: %s", path, why);
    oclnn__tune_db_free(&db);
}

/* With no GPU, the OpenCL CPU device is the default only when its tuning database and the C
 * backend's measured common convolution problems and it was faster over them (issue 12). */
static void test_measured_default(void **state) {
    (void)state;
    char dir[] = "/tmp/oclnn-measured-XXXXXX", sub[256];
    assert_non_null(mkdtemp(dir));
    const char *old = getenv("XDG_DATA_HOME");
    char *saved = old ? strdup(old) : NULL;
    setenv("XDG_DATA_HOME", dir, 1);
    snprintf(sub, sizeof sub, "%s/oclnn", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/oclnn/tuning", dir);
    mkdir(sub, 0700);
    oclnn_device_info list[] = {cl_dev(0, 0, "pocl measured cpu", "AuthenticAMD", false, 2, 2600),
                                c_backend()};
    char why[128];
    assert_int_equal(oclnn__device_default_measured(list, 2, why, sizeof why), 1); /* no databases */
    const char *const p[3] = {"n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1",
                              "n1c16h8w8k16r1s1st1x1pad0,0,0,0dil1x1g1",
                              "n1c8h9w9k8r3s3st2x2pad1,1,1,1dil1x1g1"};
    const double fast[2] = {2.0, 1.0}, slow[2] = {3.0, 1.5};
    write_db(&list[0], p, fast, 2);
    write_db(&list[1], p + 1, slow + 1, 1); /* one common problem: 1.0 against 1.5 ms */
    assert_int_equal(oclnn__device_default_measured(list, 2, why, sizeof why), 0);
    assert_non_null(strstr(why, "measured"));
    assert_int_equal(oclnn__device_choose(list, 2, NULL), 0);
    write_db(&list[1], p, (const double[]){1.0, 0.5}, 2); /* the C backend faster */
    assert_int_equal(oclnn__device_default_measured(list, 2, why, sizeof why), 1);
    write_db(&list[1], p + 2, slow, 1); /* nothing in common */
    assert_int_equal(oclnn__device_default_measured(list, 2, why, sizeof why), 1);
    /* the pure comparison: each problem's fastest row counts */
    oclnn__tune_db a, b;
    oclnn__tune_db_init(&a, &list[0]);
    oclnn__tune_db_init(&b, &list[1]);
    oclnn__tune_values v = oclnn__tune_defaults_of(&oclnn__tune_space_conv_direct);
    oclnn__tune_values w = oclnn__tune_defaults_of(&oclnn__tune_space_conv_im2col);
    assert_true(oclnn__tune_db_put(&a, &oclnn__tune_space_conv_direct, p[0], &v, 9.0));
    assert_true(oclnn__tune_db_put(&a, &oclnn__tune_space_conv_im2col, p[0], &w, 1.0));
    assert_true(oclnn__tune_db_put(&b, &oclnn__tune_space_conv_direct, p[0], &v, 2.0));
    size_t common;
    assert_true(oclnn__tune_db_faster(&a, &b, &common));
    assert_int_equal(common, 1);
    assert_false(oclnn__tune_db_faster(&b, &a, &common));
    oclnn__tune_db_free(&a);
    oclnn__tune_db_free(&b);
    if (saved) setenv("XDG_DATA_HOME", saved, 1);
    else unsetenv("XDG_DATA_HOME");
    free(saved);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* GPUs: discrete before integrated, then compute units x lanes per unit (by vendor) x clock. */
static void test_choose_default_ranks_gpus(void **state) {
    (void)state;
    /* 28 SMs x 128 lanes (RTX 3060) beat 40 CUs x 64 lanes (RX 6700) at like clocks: 3584 vs
     * 2560 lanes; 96 Intel Gen9 EUs x 8 lanes lose to both. */
    oclnn_device_info list[] = {
        cl_dev(0, 0, "Intel(R) UHD Graphics 770", "Intel(R) Corporation", true, 96, 1450),
        cl_dev(1, 0, "AMD Radeon RX 6700 XT", "Advanced Micro Devices, Inc.", true, 40, 2000),
        cl_dev(2, 0, "NVIDIA GeForce RTX 3060", "NVIDIA Corporation", true, 28, 1800),
        c_backend(),
    };
    list[0].unified_memory = true;
    char why[128];
    assert_int_equal(oclnn__device_default_why(list, 4, NULL, why, sizeof why), 2);
    assert_non_null(strstr(why, "discrete"));
    assert_true(oclnn__device_lanes(&list[0]) == 8.0);
    assert_true(oclnn__device_lanes(&list[1]) == 64.0);
    assert_true(oclnn__device_lanes(&list[2]) == 128.0);
    oclnn_device_info v100 = cl_dev(0, 0, "Tesla V100-SXM2-16GB", "NVIDIA Corporation", true, 80, 1530);
    assert_true(oclnn__device_lanes(&v100) == 64.0);
    oclnn_device_info arc = cl_dev(0, 0, "Intel(R) Arc(TM) A770 Graphics", "Intel(R) Corporation", true, 512, 2400);
    assert_true(oclnn__device_lanes(&arc) == 16.0);
    /* A discrete GPU beats a faster-looking integrated one. */
    oclnn_device_info two[] = {cl_dev(0, 0, "Big iGPU", "Intel(R) Corporation", true, 512, 2400),
                               cl_dev(1, 0, "Radeon RX 6400", "Advanced Micro Devices, Inc.", true, 12, 2300),
                               c_backend()};
    two[0].unified_memory = true;
    assert_int_equal(oclnn__device_default(two, 3), 1);
    two[1].unified_memory = true; /* both integrated: the estimate decides */
    assert_int_equal(oclnn__device_default(two, 3), 0);
    assert_non_null(strstr(why, "GPU"));
}

static void test_choose_by_request(void **state) {
    (void)state;
    oclnn_device_info list[] = {
        cl_dev(0, 0, "pthread-skylake", "Intel", false, 64, 3000),
        cl_dev(1, 0, "Radeon RX 7900", "Advanced Micro Devices, Inc.", true, 96, 2500),
        c_backend(),
    };
    assert_int_equal(oclnn__device_choose(list, 3, "cpu"), 2);
    assert_int_equal(oclnn__device_choose(list, 3, "CPU"), 2);
    assert_int_equal(oclnn__device_choose(list, 3, "0:0"), 0);
    assert_int_equal(oclnn__device_choose(list, 3, "1:0"), 1);
    assert_int_equal(oclnn__device_choose(list, 3, "1:1"), -1);
    assert_int_equal(oclnn__device_choose(list, 3, "radeon"), 1);
    assert_int_equal(oclnn__device_choose(list, 3, "SKYLAKE"), 0);
    assert_int_equal(oclnn__device_choose(list, 3, "Advanced Micro"), 1); /* platform name */
    assert_int_equal(oclnn__device_choose(list, 3, "no such device"), -1);
    assert_int_equal(oclnn__device_choose(list, 3, "1:"), -1);
    assert_int_equal(oclnn__device_choose(list, 3, "99999999:0"), -1);
}

static void test_layout_rule(void **state) {
    (void)state;
    oclnn_device_info nv = cl_dev(0, 0, "H100", "NVIDIA Corporation", true, 132, 1755);
    oclnn_device_info amd = cl_dev(0, 0, "gfx1100", "Advanced Micro Devices, Inc.", true, 48, 2500);
    oclnn_device_info intel = cl_dev(0, 0, "Arc A770", "Intel(R) Corporation", true, 32, 2400);
    oclnn_device_info pocl = cl_dev(0, 0, "pthread", "AuthenticAMD", false, 2, 2600);
    oclnn_device_info c = c_backend();
    assert_int_equal(oclnn__device_layout_rule(&nv), OCLNN_LAYOUT_NCHW);
    assert_int_equal(oclnn__device_layout_rule(&amd), OCLNN_LAYOUT_NCHW);
    assert_int_equal(oclnn__device_layout_rule(&intel), OCLNN_LAYOUT_NHWC);
    assert_int_equal(oclnn__device_layout_rule(&pocl), OCLNN_LAYOUT_NHWC);
    assert_int_equal(oclnn__device_layout_rule(&c), OCLNN_LAYOUT_NHWC);
}

/* The device-class rule: GPU vendors by name, CPU devices and the C backend as CPU, overrides. */
static void test_device_class(void **state) {
    (void)state;
    oclnn_device_info nv = cl_dev(0, 0, "H200", "NVIDIA Corporation", true, 132, 1980);
    oclnn_device_info amd = cl_dev(0, 0, "gfx1100", "Advanced Micro Devices, Inc.", true, 48, 2500);
    oclnn_device_info intel = cl_dev(0, 0, "Arc A770", "Intel(R) Corporation", true, 32, 2400);
    oclnn_device_info mali = cl_dev(0, 0, "Mali-G78", "ARM", true, 24, 850);
    oclnn_device_info pocl = cl_dev(0, 0, "pthread-znver3", "AuthenticAMD", false, 2, 2600);
    oclnn_device_info c = c_backend();
    oclnn__devclass k;
    assert_true(oclnn__devclass_of(&nv, NULL, &k));
    assert_int_equal(k, OCLNN__DEVCLASS_GPU_NVIDIA);
    assert_true(oclnn__devclass_of(&amd, "", &k));
    assert_int_equal(k, OCLNN__DEVCLASS_GPU_AMD);
    assert_true(oclnn__devclass_of(&intel, NULL, &k));
    assert_int_equal(k, OCLNN__DEVCLASS_GPU_INTEL);
    assert_true(oclnn__devclass_of(&mali, NULL, &k));
    assert_int_equal(k, OCLNN__DEVCLASS_GPU_OTHER);
    assert_true(oclnn__devclass_of(&pocl, NULL, &k));
    assert_int_equal(k, OCLNN__DEVCLASS_CPU);
    assert_true(oclnn__devclass_of(&pocl, "GPU", &k));
    assert_int_equal(k, OCLNN__DEVCLASS_GPU_OTHER);
    assert_true(oclnn__devclass_of(&pocl, "nvidia", &k));
    assert_int_equal(k, OCLNN__DEVCLASS_GPU_NVIDIA);
    assert_true(oclnn__devclass_of(&nv, "cpu", &k));
    assert_int_equal(k, OCLNN__DEVCLASS_CPU);
    assert_true(oclnn__devclass_of(&c, "gpu", &k)); /* the C backend has no GPU kernels */
    assert_int_equal(k, OCLNN__DEVCLASS_CPU);
    k = OCLNN__DEVCLASS_COUNT;
    assert_false(oclnn__devclass_of(&pocl, "tpu", &k));
    assert_int_equal(k, OCLNN__DEVCLASS_COUNT);
    assert_string_equal(oclnn__devclass_name(OCLNN__DEVCLASS_GPU_AMD), "gpu-amd");

    /* Through the context: a bad override is refused with the variable named. */
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    o.device_class = "tpu";
    oclnn_context *ctx = NULL;
    assert_int_equal(oclnn_context_create(&o, &ctx), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("OCLNN_DEVICE_CLASS");
    assert_null(ctx);
}

/* The real list: the C backend is last, exactly one default, capabilities filled in. */
static void test_enumerate(void **state) {
    (void)state;
    size_t n = 0;
    assert_ok(oclnn_devices(NULL, 0, &n));
    assert_true(n >= 1);
    oclnn_device_info *list = calloc(n, sizeof *list);
    size_t n2 = 0;
    assert_ok(oclnn_devices(list, n, &n2));
    assert_int_equal(n, n2);
    assert_int_equal(list[n - 1].backend, OCLNN_BACKEND_CPU);
    int defaults = 0;
    for (size_t i = 0; i < n; i++) {
        defaults += list[i].is_default;
        if (list[i].is_default) assert_true(list[i].default_reason[0] != '\0');
        assert_true(strlen(list[i].name) > 0);
        assert_true(list[i].compute_units >= 1);
        assert_true(list[i].layout == OCLNN_LAYOUT_NCHW || list[i].layout == OCLNN_LAYOUT_NHWC);
        if (list[i].backend == OCLNN_BACKEND_OPENCL) {
            assert_true(list[i].max_work_group_size >= 1);
            assert_true(list[i].global_mem_bytes > 0);
            assert_true(list[i].max_alloc_bytes > 0);
            assert_true(strncmp(list[i].device_version, "OpenCL", 6) == 0);
        }
    }
    assert_int_equal(defaults, 1);
    /* A short array gets the first entries and the full count. */
    oclnn_device_info one;
    assert_ok(oclnn_devices(&one, 1, &n2));
    assert_int_equal(n2, n);
    assert_string_equal(one.name, list[0].name);
    free(list);
}

static void test_context_on_each_device(void **state) {
    (void)state;
    size_t n = 0;
    assert_ok(oclnn_devices(NULL, 0, &n));
    oclnn_device_info *list = calloc(n, sizeof *list);
    assert_ok(oclnn_devices(list, n, &n));
    for (size_t i = 0; i < n; i++) {
        char id[32];
        if (list[i].backend == OCLNN_BACKEND_CPU) snprintf(id, sizeof id, "cpu");
        else snprintf(id, sizeof id, "%u:%u", list[i].platform_index, list[i].device_index);
        oclnn_context_options o = oclnn_context_options_default();
        o.device = id;
        oclnn_context *ctx;
        assert_ok(oclnn_context_create(&o, &ctx));
        oclnn_device_info got;
        assert_ok(oclnn_context_device(ctx, &got));
        assert_string_equal(got.name, list[i].name);
        assert_int_equal(got.backend, list[i].backend);
        assert_int_equal(oclnn_context_layout(ctx), list[i].layout);
        oclnn_context_destroy(ctx);
    }
    free(list);
}

/* OCLNN_DEVICE picks the device; an explicit option wins over it; the layout option wins over the
 * device rule and OCLNN_LAYOUT. */
static void test_environment_precedence(void **state) {
    (void)state;
    oclnn_context *ctx;
    oclnn_device_info info;
    setenv("OCLNN_DEVICE", "cpu", 1);
    assert_ok(oclnn_context_create(NULL, &ctx));
    assert_ok(oclnn_context_device(ctx, &info));
    assert_int_equal(info.backend, OCLNN_BACKEND_CPU);
    oclnn_context_destroy(ctx);

    setenv("OCLNN_DEVICE", "no such device anywhere", 1);
    assert_status(oclnn_context_create(NULL, &ctx), OCLNN_ERROR_NO_DEVICE);
    assert_error_mentions("no such device anywhere");
    assert_null(ctx);
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    assert_ok(oclnn_context_create(&o, &ctx)); /* the option beats the variable */
    oclnn_context_destroy(ctx);
    unsetenv("OCLNN_DEVICE");

    setenv("OCLNN_LAYOUT", "nchw", 1);
    assert_ok(oclnn_context_create(&o, &ctx));
    assert_int_equal(oclnn_context_layout(ctx), OCLNN_LAYOUT_NCHW);
    oclnn_context_destroy(ctx);
    o.layout = OCLNN_LAYOUT_NHWC;
    assert_ok(oclnn_context_create(&o, &ctx));
    assert_int_equal(oclnn_context_layout(ctx), OCLNN_LAYOUT_NHWC);
    oclnn_context_destroy(ctx);
    setenv("OCLNN_LAYOUT", "diagonal", 1);
    o.layout = OCLNN_LAYOUT_AUTO;
    assert_status(oclnn_context_create(&o, &ctx), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("OCLNN_LAYOUT");
    unsetenv("OCLNN_LAYOUT");
}

/* Without any OpenCL library, and with a loader that finds no platform, the list is just the C
 * backend and the default context runs on it. Checked in child processes, since the library
 * loads OpenCL once per process. */
static const char *self_path;

static int probe_no_opencl(void) {
    size_t n = 0;
    if (oclnn_devices(NULL, 0, &n) != OCLNN_OK) return 10;
    oclnn_context *ctx;
    if (oclnn_context_create(NULL, &ctx) != OCLNN_OK) return 11;
    oclnn_device_info info;
    oclnn_context_device(ctx, &info);
    oclnn_context_destroy(ctx);
    if (info.backend != OCLNN_BACKEND_CPU) return 12;
    return n == 1 ? 0 : 13;
}

static void test_no_opencl(void **state) {
    (void)state;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "env OCLNN_TEST_PROBE=1 OCLNN_OPENCL_LIBRARY=/nonexistent/libOpenCL.so %s",
             self_path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "env OCLNN_TEST_PROBE=1 OCL_ICD_VENDORS=/nonexistent %s", self_path);
    assert_int_equal(system(cmd), 0);
}

int main(int argc, char **argv) {
    (void)argc;
    if (getenv("OCLNN_TEST_PROBE")) return probe_no_opencl();
    self_path = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choose_default_prefers_fastest_gpu),
        cmocka_unit_test(test_choose_default_without_gpu),
        cmocka_unit_test(test_measured_default),
        cmocka_unit_test(test_choose_default_ranks_gpus),
        cmocka_unit_test(test_choose_by_request),
        cmocka_unit_test(test_layout_rule),
        cmocka_unit_test(test_device_class),
        cmocka_unit_test(test_enumerate),
        cmocka_unit_test(test_context_on_each_device),
        cmocka_unit_test(test_environment_precedence),
        cmocka_unit_test(test_no_opencl),
    };
    return cmocka_run_group_tests(tests, NULL, test_teardown);
}
