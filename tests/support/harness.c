/* SPDX-License-Identifier: MIT */
#include "support/harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const test_cfg CFG_CL_NCHW = {OCLNN_BACKEND_OPENCL, OCLNN_LAYOUT_NCHW, "opencl/NCHW"};
const test_cfg CFG_CL_NHWC = {OCLNN_BACKEND_OPENCL, OCLNN_LAYOUT_NHWC, "opencl/NHWC"};
const test_cfg CFG_CPU_NCHW = {OCLNN_BACKEND_CPU, OCLNN_LAYOUT_NCHW, "cpu/NCHW"};
const test_cfg CFG_CPU_NHWC = {OCLNN_BACKEND_CPU, OCLNN_LAYOUT_NHWC, "cpu/NHWC"};

static oclnn_context *contexts[2];
static bool opencl_missing;

static void (*extra_teardown)(void);

void test_at_teardown(void (*fn)(void)) { extra_teardown = fn; }

static void destroy_contexts(void) {
    if (extra_teardown) extra_teardown();
    for (int i = 0; i < 2; i++) {
        oclnn_context_destroy(contexts[i]);
        contexts[i] = NULL;
    }
}

int test_teardown(void **state) {
    (void)state;
    destroy_contexts();
    return 0;
}

static bool env_flag(const char *name) {
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

/* OCLNN_TEST_FILTER: only the tests whose name matches this cmocka pattern ("test_find",
 * "test_all_*") run, in every program; set before main so no program needs a line for it. */
__attribute__((constructor)) static void test_filter(void) {
    const char *f = getenv("OCLNN_TEST_FILTER");
    if (f && *f) cmocka_set_test_filter(f);
}

bool test_opencl_disabled(void) { return env_flag("OCLNN_TEST_SKIP_OPENCL"); }

const char *test_opencl_device(void) {
    const char *d = getenv("OCLNN_TEST_DEVICE");
    return d && *d ? d : "0:0";
}

const char *test_device_of(const test_cfg *cfg) {
    return cfg->backend == OCLNN_BACKEND_CPU ? "cpu" : test_opencl_device();
}

bool test_small(void) { return env_flag("OCLNN_TEST_SMALL"); }

bool test_under_valgrind(void) {
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "vgpreload");
}

bool test_runs(double work) { return !test_small() || work <= TEST_SMALL_WORK; }

const char *test_data_dir(void) {
    const char *d = getenv("OCLNN_TEST_DATA_DIR");
    return d && *d ? d : OCLNN_TEST_DATA_DIR;
}

oclnn_context *test_context(const test_cfg *cfg) {
    int i = cfg->backend == OCLNN_BACKEND_CPU;
    if (!i && (opencl_missing || test_opencl_disabled())) skip();
    if (i && env_flag("OCLNN_TEST_SKIP_CPU")) skip();
    if (!contexts[i]) {
        oclnn_context_options o = oclnn_context_options_default();
        o.device = test_device_of(cfg);
        if (oclnn_context_create(&o, &contexts[i]) != OCLNN_OK) {
            if (i) fail_msg("the C backend did not start: %s", oclnn_last_error());
            print_message("no OpenCL device (%s): OpenCL cases skipped\n", oclnn_last_error());
            opencl_missing = true;
            skip();
        }
        static bool registered;
        if (!registered) atexit(destroy_contexts);
        registered = true;
    }
    return contexts[i];
}

void assert_status_impl(oclnn_status got, oclnn_status want, const char *what, const char *file,
                        int line) {
    if (got == want) return;
    print_error("%s:%d: %s returned %s (%d), expected %s: %s\n", file, line, what,
                   oclnn_status_string(got), (int)got, oclnn_status_string(want), oclnn_last_error());
    _fail(file, line);
}

void assert_error_mentions_impl(const char *keyword, const char *file, int line) {
    if (strstr(oclnn_last_error(), keyword)) return;
    print_error("%s:%d: last error \"%s\" does not mention \"%s\"\n", file, line,
                   oclnn_last_error(), keyword);
    _fail(file, line);
}

void fill_random(float *dst, size_t n, uint32_t seed, float lo, float hi) {
    uint32_t x = seed * 2654435761u + 0x9e3779b9u;
    if (!x) x = 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        dst[i] = lo + (hi - lo) * (float)((x >> 8) * (1.0 / 16777216.0));
    }
}

float *alloc_random(size_t n, uint32_t seed, float lo, float hi) {
    float *p = malloc((n ? n : 1) * sizeof *p);
    assert_non_null(p);
    fill_random(p, n, seed, lo, hi);
    return p;
}

bool check_close(const float *got, const float *ref, size_t n, double atol, double rtol,
                 const char *problem) {
    size_t bad = 0, worst = 0;
    double worst_excess = -1;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - (double)ref[i]);
        double allowed = atol + rtol * fabs((double)ref[i]);
        bool ok = d <= allowed && !isnan(got[i]);
        if (!ok) {
            bad++;
            double excess = isnan(got[i]) ? INFINITY : d - allowed;
            if (excess > worst_excess) {
                worst_excess = excess;
                worst = i;
            }
        }
    }
    if (bad) {
        print_error("%zu of %zu elements differ (atol %g, rtol %g); worst at %zu: got %.9g, ref %.9g "
                    "[%s]\n",
                    bad, n, atol, rtol, worst, got[worst], ref[worst], problem ? problem : "");
    }
    return bad == 0;
}

float *load_golden(const char *name, size_t *count) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", test_data_dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *data = size > 0 ? malloc((size_t)size) : NULL;
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *count = (size_t)size / sizeof(float);
    return data;
}

float *golden(const char *name, size_t want) {
    size_t n = 0;
    float *p = load_golden(name, &n);
    if (!p)
        fail_msg("missing %s/%s: run /usr/bin/python3 tools/make_golden.py (or set "
                 "OCLNN_TEST_DATA_DIR)", test_data_dir(), name);
    if (n != want) {
        free(p);
        fail_msg("%s/%s has %zu floats, expected %zu", test_data_dir(), name, n, want);
    }
    return p;
}
