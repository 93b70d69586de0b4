/* SPDX-License-Identifier: MIT */
/* Tuning: the database file (round trip; stale, corrupt, truncated and hostile files), the
 * problem-string parser and nearest-shape lookup, the lookup chain on a real context, the public
 * calls' error paths, and the search on tiny spaces with an injected, deterministic measurement
 * (known-best found, failing and wrong candidates skipped, the budget respected). White-box. */
#include "support/harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hash.h"
#include "ops/conv2d.h"
#include "opencl/registry.h"
#include "ref/ref.h"
#include "tune/db.h"
#include "tune/job.h"
#include "tune/search.h"
#include "tune/tune.h"

#define CONV_3X3 "n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1"
#define CONV_3X3_B "n1c256h14w14k256r3s3st1x1pad1,1,1,1dil1x1g1"
#define CONV_3X3_MID "n1c128h28w28k128r3s3st1x1pad1,1,1,1dil1x1g1"
#define CONV_1X1 "n1c64h56w56k256r1s1st1x1pad0,0,0,0dil1x1g1"

static char dir[64];

static oclnn_device_info fake_device(void) {
    oclnn_device_info d;
    memset(&d, 0, sizeof d);
    d.backend = OCLNN_BACKEND_OPENCL;
    strcpy(d.name, "Fake Device 9000");
    strcpy(d.vendor, "Fake Inc.");
    strcpy(d.driver_version, "1.2.3");
    d.is_gpu = true;
    d.max_work_group_size = 256;
    d.local_mem_bytes = 32768;
    return d;
}

static void path_of(const char *name, char *out, size_t size) { snprintf(out, size, "%s/%s", dir, name); }

static void write_file(const char *path, const char *text, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static oclnn__tune_values values(const oclnn__tune_space *sp, const char *text) {
    oclnn__tune_values v = oclnn__tune_defaults_of(sp);
    uint32_t given;
    char why[160];
    const char *err = oclnn__tune_values_parse(sp, text, &v, &given, why, sizeof why);
    if (err) fail_msg("%s", err);
    return v;
}

/* A header for `dev` followed by `rows` and "end". */
static void write_db(const char *path, const oclnn_device_info *dev, int kernels, const char *rows) {
    char text[8192];
    int n = snprintf(text, sizeof text, "oclnn-tuning 1\ndevice: %s\nvendor: %s\ndriver: %s\nkernels: %d\n%send\n",
                     dev->name, dev->vendor, dev->driver_version, kernels, rows);
    write_file(path, text, (size_t)n);
}

static oclnn__tune_load load(const char *path, const oclnn_device_info *dev, oclnn__tune_db *db, char *why) {
    oclnn__tune_limits lim = oclnn__tune_limits_of(dev);
    return oclnn__tune_db_load(path, dev, &lim, db, why, 256);
}

static int setup(void **state) {
    (void)state;
    strcpy(dir, "/tmp/oclnn-test-tuning-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    test_teardown(state);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- problem strings ------------------------------------------------------------------- */

static void problem_parse(void **state) {
    (void)state;
    oclnn__problem p;
    char why[160];
    assert_true(oclnn__problem_parse(CONV_3X3, &p, why, sizeof why));
    assert_int_equal(p.n_fields, 11);
    assert_string_equal(p.f[0].name, "n");
    assert_string_equal(p.f[7].name, "st");
    assert_int_equal(p.f[8].count, 4); /* pad1,1,1,1 */
    assert_int_equal(p.f[1].v[0], 64);
    static const char *const bad[] = {"", "64c", "n", "nXc4", "n1c", "n99999999999", "N1",
                                      "n1c2h3w4k5r6s7st8x9pad1,2,3,4,5dil1g1", "n1 c2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (oclnn__problem_parse(bad[i], &p, why, sizeof why)) fail_msg("\"%s\" parsed", bad[i]);
    char longer[200];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_false(oclnn__problem_parse(longer, &p, why, sizeof why));
    assert_non_null(strstr(why, "longer"));
}

static void problem_distance(void **state) {
    (void)state;
    oclnn__problem a, b, c, d;
    char why[160];
    assert_true(oclnn__problem_parse(CONV_3X3, &a, why, sizeof why));
    assert_true(oclnn__problem_parse(CONV_3X3_B, &b, why, sizeof why));
    assert_true(oclnn__problem_parse(CONV_1X1, &c, why, sizeof why));
    assert_true(oclnn__problem_parse("n1c64", &d, why, sizeof why));
    assert_true(oclnn__problem_distance(&a, &a) == 0.0);
    assert_true(oclnn__problem_distance(&a, &b) > 0.0);
    assert_true(oclnn__problem_distance(&a, &b) == oclnn__problem_distance(&b, &a));
    /* A different kernel size weighs more than a 4x different channel count. */
    assert_true(oclnn__problem_distance(&a, &c) > oclnn__problem_distance(&a, &b) / 2);
    assert_true(isinf(oclnn__problem_distance(&a, &d)));
}

/* ---- the database file ----------------------------------------------------------------- */

static void db_round_trip(void **state) {
    (void)state;
    oclnn_device_info dev = fake_device();
    oclnn__tune_db db;
    oclnn__tune_db_init(&db, &dev);
    snprintf(db.note, sizeof db.note, "oclnn tune --conv test");
    const oclnn__tune_space *im2col = &oclnn__tune_space_conv_im2col, *direct = &oclnn__tune_space_conv_direct;
    oclnn__tune_values v1 = values(im2col, "TM=4,VW=8,NV=2"), v2 = values(direct, "KB=8 QB=2");
    assert_true(oclnn__tune_db_put(&db, im2col, CONV_3X3, &v1, 12.5));
    assert_true(oclnn__tune_db_put(&db, direct, CONV_3X3, &v2, 3.25));
    assert_true(oclnn__tune_db_put(&db, im2col, CONV_3X3, &v1, 11.5)); /* replaces */
    assert_int_equal(db.n_rows, 2);
    char path[128], why[256];
    path_of("sub/round.txt", path, sizeof path);
    assert_true(oclnn__tune_db_save(&db, path, why, sizeof why));
    oclnn__tune_db_free(&db);

    oclnn__tune_db back;
    assert_int_equal(load(path, &dev, &back, why), OCLNN__TUNE_LOADED);
    assert_int_equal(back.n_rows, 2);
    assert_int_equal(back.rejected, 0);
    assert_string_equal(back.note, "oclnn tune --conv test");
    const oclnn__tune_row *r = oclnn__tune_db_find(&back, "conv_im2col", CONV_3X3);
    assert_non_null(r);
    assert_memory_equal(r->values.v, v1.v, sizeof v1.v);
    assert_true(fabs(r->ms - 11.5) < 1e-9);
    r = oclnn__tune_db_find(&back, "conv_direct", CONV_3X3);
    assert_non_null(r);
    assert_memory_equal(r->values.v, v2.v, sizeof v2.v);
    assert_null(oclnn__tune_db_find(&back, "conv_direct", CONV_1X1));
    /* Saving again gives the same bytes: the printer is canonical. */
    size_t len1, len2;
    char *first = read_file(path, &len1);
    char path2[128];
    path_of("round2.txt", path2, sizeof path2);
    assert_true(oclnn__tune_db_save(&back, path2, why, sizeof why));
    char *second = read_file(path2, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(first, second, len1);
    free(first);
    free(second);
    oclnn__tune_db_free(&back);
    /* No temporary file is left next to it. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls '%s/sub' | grep -q tmp", dir);
    assert_int_not_equal(system(cmd), 0);
}

static void db_stale(void **state) {
    (void)state;
    oclnn_device_info dev = fake_device(), other = dev;
    char path[128], why[256];
    oclnn__tune_db db;
    path_of("stale.txt", path, sizeof path);
    strcpy(other.driver_version, "1.2.4");
    write_db(path, &other, OCLNN__KERNEL_VERSION, "conv_depthwise " CONV_3X3 " QB=4 1.0\n");
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_STALE);
    assert_non_null(strstr(why, "driver"));
    assert_int_equal(db.n_rows, 0);
    write_db(path, &dev, OCLNN__KERNEL_VERSION + 1, "conv_depthwise " CONV_3X3 " QB=4 1.0\n");
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_STALE);
    assert_non_null(strstr(why, "kernel version"));
    write_file(path, "oclnn-tuning 2\nwhatever\n", 24);
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_STALE);
    assert_non_null(strstr(why, "format version"));
    path_of("missing.txt", path, sizeof path);
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_MISSING);
}

static void db_corrupt(void **state) {
    (void)state;
    oclnn_device_info dev = fake_device();
    char path[128], why[256];
    oclnn__tune_db db;
    path_of("corrupt.txt", path, sizeof path);
    static const char *const rows[] = {
        "conv_depthwise " CONV_3X3 " QB=4\n",                      /* no time */
        "conv_depthwise " CONV_3X3 " QB=4 fast\n",                 /* time not a number */
        "conv_depthwise " CONV_3X3 " QB=4 nan\n",
        "conv_depthwise " CONV_3X3 " QB=4 -1\n",
        "conv_depthwise not-a-problem QB=4 1.0\n",
        "conv_depthwise " CONV_3X3 " QB 1.0\n",                    /* not NAME=value */
        "conv_depthwise " CONV_3X3 " QB=4 1.0\nconv_depthwise " CONV_3X3 " QB=8 2.0\n", /* twice */
        "conv_im2col " CONV_3X3 " A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8 I=9 J=10 11 1.0\n", /* too many */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        write_db(path, &dev, OCLNN__KERNEL_VERSION, rows[i]);
        if (load(path, &dev, &db, why) != OCLNN__TUNE_CORRUPT) fail_msg("row %zu accepted: %s", i, rows[i]);
        assert_int_equal(db.n_rows, 0);
    }
    static const char *const files[] = {
        "", "garbage\n", "oclnn-tuning 1\n", "oclnn-tuning 1x\ndevice: a\n",
        "oclnn-tuning 1\nvendor: x\ndevice: y\ndriver: z\nkernels: 1\nend\n", /* header order */
        "oclnn-tuning 1\ndevice: Fake Device 9000\nvendor: Fake Inc.\ndriver: 1.2.3\nkernels: one\nend\n",
        "oclnn-tuning 1\ndevice: Fake Device 9000\nvendor: Fake Inc.\ndriver: 1.2.3\nkernels: 1\nend\nmore\n",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        write_file(path, files[i], strlen(files[i]));
        if (load(path, &dev, &db, why) != OCLNN__TUNE_CORRUPT) fail_msg("file %zu accepted", i);
    }
    /* A NUL byte inside a row, and a line far longer than any legal one. */
    char text[4096];
    int n = snprintf(text, sizeof text, "oclnn-tuning 1\ndevice: %s\nvendor: %s\ndriver: %s\nkernels: %d\n",
                     dev.name, dev.vendor, dev.driver_version, OCLNN__KERNEL_VERSION);
    memcpy(text + n, "conv_depthwise x\0y QB=4 1.0\nend\n", 32);
    write_file(path, text, (size_t)n + 32);
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_CORRUPT);
    memset(text + n, 'a', 2000);
    memcpy(text + n + 2000, "\nend\n", 5);
    write_file(path, text, (size_t)n + 2005);
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_CORRUPT);
    assert_non_null(strstr(why, "longer"));
    /* A file larger than the 4 MiB bound is refused without being parsed. */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 5 * 1024; i++) fwrite(text, 1, 1024, f);
    fclose(f);
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_CORRUPT);
    assert_non_null(strstr(why, "4 MiB"));
    /* A folder where the file should be. */
    path_of("", path, sizeof path);
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_CORRUPT);
}

/* Every proper prefix of a valid file is refused (the "end" line catches truncation). */
static void db_truncated(void **state) {
    (void)state;
    oclnn_device_info dev = fake_device();
    char path[128], cut[128], why[256];
    path_of("full.txt", path, sizeof path);
    path_of("cut.txt", cut, sizeof cut);
    write_db(path, &dev, OCLNN__KERNEL_VERSION,
             "conv_depthwise " CONV_3X3 " QB=4 1.0\nconv_direct " CONV_1X1 " KB=2 QB=16 2.5\n");
    size_t len;
    char *text = read_file(path, &len);
    oclnn__tune_db db;
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_LOADED);
    assert_int_equal(db.n_rows, 2);
    oclnn__tune_db_free(&db);
    for (size_t n = 0; n + 1 < len; n++) {
        write_file(cut, text, n);
        oclnn__tune_load r = load(cut, &dev, &db, why);
        if (r != OCLNN__TUNE_CORRUPT) fail_msg("a prefix of %zu bytes gave %d", n, (int)r);
        assert_int_equal(db.n_rows, 0);
    }
    write_file(cut, text, len - 1); /* only the last newline missing: still whole */
    assert_int_equal(load(cut, &dev, &db, why), OCLNN__TUNE_LOADED);
    oclnn__tune_db_free(&db);
    free(text);
}

/* Well-formed rows that cannot be trusted are skipped one by one; the rest of the file is used. */
static void db_hostile_rows(void **state) {
    (void)state;
    oclnn_device_info dev = fake_device();
    char path[128], why[256];
    path_of("hostile.txt", path, sizeof path);
    write_db(path, &dev, OCLNN__KERNEL_VERSION,
             "# comments are fine\n"
             "conv_im2col " CONV_3X3 " TM=7 VW=16 NV=1 1.0\n"          /* not a candidate */
             "conv_im2col " CONV_3X3_B " TM=16 VW=16 NV=2 1.0\n"       /* register tile 512 */
             "conv_im2col " CONV_1X1 " TM=8 VW=16 1.0\n"               /* NV missing */
             "conv_im2col " CONV_3X3_MID " TM=8 VW=16 NV=1 XX=3 1.0\n" /* unknown name */
             "conv_im2col n1c1h1w1k1r1s1st1x1pad0,0,0,0dil1x1g1 TM=99999999999 VW=4 NV=1 1.0\n"
             "future_kernel " CONV_3X3 " A=1 1.0\n"                    /* unknown family */
             "conv_direct " CONV_3X3 " KB=16 QB=16 1.0\n"              /* 256 > 128 */
             "\n"
             "conv_direct " CONV_1X1 " KB=2 QB=16 2.5\n");
    oclnn__tune_db db;
    assert_int_equal(load(path, &dev, &db, why), OCLNN__TUNE_LOADED);
    assert_int_equal(db.n_rows, 1);
    assert_int_equal(db.rejected, 7);
    assert_non_null(oclnn__tune_db_find(&db, "conv_direct", CONV_1X1));
    oclnn__tune_db_free(&db);
}

static void db_nearest(void **state) {
    (void)state;
    oclnn_device_info dev = fake_device();
    oclnn__tune_db db;
    oclnn__tune_db_init(&db, &dev);
    const oclnn__tune_space *sp = &oclnn__tune_space_conv_direct;
    oclnn__tune_values a = values(sp, "KB=1,QB=1"), b = values(sp, "KB=2,QB=2"), c = values(sp, "KB=8,QB=8");
    assert_true(oclnn__tune_db_put(&db, sp, CONV_3X3, &a, 1));
    assert_true(oclnn__tune_db_put(&db, sp, CONV_3X3_B, &b, 1));
    assert_true(oclnn__tune_db_put(&db, sp, CONV_1X1, &c, 1));
    double d;
    const oclnn__tune_row *r = oclnn__tune_db_nearest(&db, "conv_direct", CONV_3X3, &d);
    assert_non_null(r);
    assert_true(d == 0.0);
    assert_string_equal(r->problem, CONV_3X3);
    /* 28x28x128 lies one octave from both 3x3 rows in every size: some row, at a positive distance. */
    r = oclnn__tune_db_nearest(&db, "conv_direct", CONV_3X3_MID, &d);
    assert_non_null(r);
    assert_true(d > 0.0);
    assert_int_not_equal(strcmp(r->problem, CONV_1X1), 0);
    /* A 3x3 layer with 128 channels at 56x56 is nearest the 56x56 3x3 layer, not the 1x1 one. */
    r = oclnn__tune_db_nearest(&db, "conv_direct", "n1c128h56w56k128r3s3st1x1pad1,1,1,1dil1x1g1", &d);
    assert_string_equal(r->problem, CONV_3X3);
    r = oclnn__tune_db_nearest(&db, "conv_direct", "n1c64h56w56k256r1s1st1x1pad0,0,0,0dil1x1g2", &d);
    assert_string_equal(r->problem, CONV_1X1);
    assert_null(oclnn__tune_db_nearest(&db, "conv_depthwise", CONV_3X3, &d));
    assert_null(oclnn__tune_db_nearest(&db, "conv_direct", "n1c64", &d));
    /* removing a row (oclnn tune --quick drops a losing family's): the others stay, in order */
    assert_true(oclnn__tune_db_remove(&db, "conv_direct", CONV_3X3_B));
    assert_false(oclnn__tune_db_remove(&db, "conv_direct", CONV_3X3_B));
    assert_false(oclnn__tune_db_remove(&db, "conv_im2col", CONV_3X3));
    assert_int_equal(db.n_rows, 2);
    assert_string_equal(db.rows[0].problem, CONV_3X3);
    assert_string_equal(db.rows[1].problem, CONV_1X1);
    assert_null(oclnn__tune_db_find(&db, "conv_direct", CONV_3X3_B));
    oclnn__tune_db_free(&db);
}

static void default_path(void **state) {
    (void)state;
    char buf[512], name[64];
    oclnn__tune_sanitize("pthread-skylake-avx512-AMD EPYC", name, sizeof name);
    assert_string_equal(name, "pthread-skylake-avx512-amd-epyc");
    oclnn__tune_sanitize("../../etc/passwd", name, sizeof name);
    assert_string_equal(name, "etc-passwd");
    oclnn__tune_sanitize("///", name, sizeof name);
    assert_string_equal(name, "unnamed");
    char *old_xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("XDG_DATA_HOME", "/data", 1);
    assert_true(oclnn__tune_default_path("GPU X", buf, sizeof buf));
    assert_string_equal(buf, "/data/oclnn/tuning/gpu-x.txt");
    setenv("XDG_DATA_HOME", "relative", 1);
    setenv("HOME", "/home/u", 1);
    assert_true(oclnn__tune_default_path("GPU X", buf, sizeof buf));
    assert_string_equal(buf, "/home/u/.local/share/oclnn/tuning/gpu-x.txt");
    if (old_xdg) setenv("XDG_DATA_HOME", old_xdg, 1);
    else unsetenv("XDG_DATA_HOME");
    if (old_home) setenv("HOME", old_home, 1);
    else unsetenv("HOME");
    free(old_xdg);
    free(old_home);
}

/* ---- a real context --------------------------------------------------------------------- */

static oclnn_context *cl_context(const char *tuning_db, oclnn_layout layout) {
    if (test_opencl_disabled()) skip();
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_opencl_device();
    o.tuning_db = tuning_db;
    o.layout = layout;
    oclnn_context *ctx;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) {
        print_message("no OpenCL device (%s): skipped\n", oclnn_last_error());
        skip();
    }
    return ctx;
}

static void context_loads_database(void **state) {
    (void)state;
    oclnn_context *probe = cl_context("none", OCLNN_LAYOUT_AUTO);
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(probe, &dev));
    oclnn_tuning_info info;
    assert_ok(oclnn_context_tuning(probe, &info));
    assert_int_equal(info.state, OCLNN_TUNING_NONE);
    assert_string_equal(info.path, "");
    oclnn_context_destroy(probe);

    char path[128];
    path_of("device.txt", path, sizeof path);
    write_db(path, &dev, OCLNN__KERNEL_VERSION,
             "conv_direct " CONV_3X3 " KB=2 QB=16 2.5\n"
             "conv_direct " CONV_1X1 " KB=8 QB=1 2.5\n"
             "conv_im2col " CONV_3X3 " TM=99 VW=16 NV=1 1.0\n"
             "layout resnet50 NHWC=0 100\n");
    oclnn_context *ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_int_equal(info.state, OCLNN_TUNING_LOADED);
    assert_int_equal(info.entries, 3);
    assert_int_equal(info.rejected, 1);
    assert_string_equal(info.path, path);
    assert_int_equal(info.layout, OCLNN_LAYOUT_NCHW);
    assert_int_equal(oclnn_context_layout(ctx), OCLNN_LAYOUT_NCHW); /* the measured layout wins */

    const oclnn__tune_space *sp = &oclnn__tune_space_conv_direct;
    oclnn__tune_source src;
    oclnn__tune_values v = oclnn__tune_lookup(ctx, sp, CONV_3X3, &src);
    assert_int_equal(src, OCLNN__TUNE_FROM_EXACT);
    assert_int_equal(v.v[0], 2);
    assert_int_equal(v.v[1], 16);
    v = oclnn__tune_lookup(ctx, sp, CONV_3X3_B, &src);
    assert_int_equal(src, OCLNN__TUNE_FROM_NEAREST);
    assert_int_equal(v.v[0], 2);
    /* Too far from anything tuned (1x1 vs 7x7 stride 2): the kernel default. */
    v = oclnn__tune_lookup(ctx, sp, "n1c3h224w224k64r7s7st2x2pad3,3,3,3dil1x1g1", &src);
    assert_true(src == OCLNN__TUNE_FROM_KERNEL_DEFAULT || src == OCLNN__TUNE_FROM_DEVICE_CLASS);
    oclnn__tune_values def = oclnn__tune_defaults_of(sp);
    if (src == OCLNN__TUNE_FROM_KERNEL_DEFAULT) assert_memory_equal(v.v, def.v, sizeof v.v);
    /* The rejected im2col row is not used. */
    v = oclnn__tune_lookup(ctx, &oclnn__tune_space_conv_im2col, CONV_3X3, &src);
    assert_true(src != OCLNN__TUNE_FROM_EXACT && src != OCLNN__TUNE_FROM_NEAREST);
    /* The fastest family for a problem follows the rows' times. */
    const char *const fams[] = {"conv_im2col", "conv_direct"};
    assert_int_equal(oclnn__tune_fastest(ctx, fams, 2, CONV_3X3), 1);
    assert_int_equal(oclnn__tune_fastest(ctx, fams, 1, CONV_3X3), -1);

    /* An override wins over the database, merges with it, and goes away. */
    assert_ok(oclnn_tuning_override(ctx, "conv_direct", "QB=4"));
    v = oclnn__tune_lookup(ctx, sp, CONV_3X3, &src);
    assert_int_equal(src, OCLNN__TUNE_FROM_OVERRIDE);
    assert_int_equal(v.v[0], 2);
    assert_int_equal(v.v[1], 4);
    assert_ok(oclnn_tuning_override(ctx, "conv_direct", NULL));
    v = oclnn__tune_lookup(ctx, sp, CONV_3X3, &src);
    assert_int_equal(src, OCLNN__TUNE_FROM_EXACT);
    oclnn_context_destroy(ctx);

    /* An explicit layout beats the measured one. */
    ctx = cl_context(path, OCLNN_LAYOUT_NHWC);
    assert_int_equal(oclnn_context_layout(ctx), OCLNN_LAYOUT_NHWC);
    oclnn_context_destroy(ctx);
}

static void context_ignores_bad_database(void **state) {
    (void)state;
    oclnn_context *probe = cl_context("none", OCLNN_LAYOUT_AUTO);
    oclnn_device_info dev, other;
    assert_ok(oclnn_context_device(probe, &dev));
    oclnn_layout untuned = oclnn_context_layout(probe);
    oclnn_context_destroy(probe);
    other = dev;
    other.driver_version[0] ^= 0x20; /* another driver version */
    char path[128];
    path_of("ctx-stale.txt", path, sizeof path);
    write_db(path, &other, OCLNN__KERNEL_VERSION, "layout resnet50 NHWC=0 1\n");
    oclnn_context *ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
    oclnn_tuning_info info;
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_int_equal(info.state, OCLNN_TUNING_STALE);
    assert_int_equal(info.entries, 0);
    assert_non_null(strstr(info.reason, "driver"));
    assert_int_equal(oclnn_context_layout(ctx), untuned);
    oclnn_context_destroy(ctx);

    path_of("ctx-corrupt.txt", path, sizeof path);
    write_file(path, "oclnn-tuning 1\ndevice: \x01\x02\n", 25);
    ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_int_equal(info.state, OCLNN_TUNING_CORRUPT);
    assert_true(info.reason[0] != '\0');
    oclnn_context_destroy(ctx);

    path_of("ctx-missing.txt", path, sizeof path);
    ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_int_equal(info.state, OCLNN_TUNING_NONE);
    assert_string_equal(info.path, path);
    oclnn_context_destroy(ctx);
}

static void c_backend_has_no_tuning(void **state) {
    (void)state;
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    o.tuning_db = "/nonexistent/file.txt";
    oclnn_context *ctx;
    assert_ok(oclnn_context_create(&o, &ctx));
    oclnn_tuning_info info;
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_int_equal(info.state, OCLNN_TUNING_NONE);
    assert_status(oclnn_tuning_override(ctx, "conv_direct", "KB=2"), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("C backend");
    oclnn_context_destroy(ctx);
}

static void public_error_paths(void **state) {
    (void)state;
    oclnn_tuning_info info;
    assert_status(oclnn_context_tuning(NULL, &info), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("ctx is NULL");
    assert_status(oclnn_tuning_override(NULL, "conv_direct", "KB=2"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("ctx is NULL");
    oclnn_context *ctx = cl_context("none", OCLNN_LAYOUT_AUTO);
    assert_status(oclnn_context_tuning(ctx, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("info is NULL");
    assert_status(oclnn_tuning_override(ctx, NULL, "KB=2"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("kernel is NULL");
    assert_status(oclnn_tuning_override(ctx, "conv_fft", "KB=2"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("\"conv_fft\" is not a tunable kernel");
    assert_status(oclnn_tuning_override(ctx, "layout", "NHWC=1"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a tunable kernel");
    assert_status(oclnn_tuning_override(ctx, "conv_direct", "XB=2"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("no parameter XB");
    assert_status(oclnn_tuning_override(ctx, "conv_direct", "KB=3"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("KB=3 is not one of 1,2,4,8,16");
    assert_status(oclnn_tuning_override(ctx, "conv_direct", "KB=2,KB=4"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("twice");
    assert_status(oclnn_tuning_override(ctx, "conv_direct", "KB=two"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("integer");
    assert_status(oclnn_tuning_override(ctx, "conv_direct", "KB"), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("NAME=value");
    assert_status(oclnn_tuning_override(ctx, "conv_im2col", "TM=16,VW=16,NV=2"),
                  OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("register tile");
    assert_ok(oclnn_tuning_override(ctx, "conv_im2col", "TM=4, VW=8"));
    assert_string_equal(oclnn_last_error(), "");
    oclnn_context_destroy(ctx);
}

/* ---- the search --------------------------------------------------------------------------- */

/* A tiny space: A in {1,2,4}, B in {1,2,3,4}, A*B <= 8; default A=1 B=1. */
static const oclnn__tune_space TINY = {
    "tiny", "(test)", 2, {{"A", {1, 2, 4}, 3, 1}, {"B", {1, 2, 3, 4}, 4, 1}}, 1,
    {{OCLNN__TUNE_PRODUCT_AT_MOST, 0, 1, -1, 8}}, NULL};

typedef struct fake {
    int calls;
    double clock;
    int fail_a, fail_b;   /* this candidate "fails to compile" */
    int wrong_a, wrong_b; /* this candidate computes garbage (and would be the fastest) */
    int seen[3][5];
} fake;

/* ms = 10 + (A - 2)^2 + (B - 3)^2: the best valid candidate is A=2, B=3 at 10 ms. */
static oclnn__tune_outcome fake_measure(void *user, const oclnn__tune_values *v, double *ms) {
    fake *f = user;
    f->calls++;
    f->clock += 1.0;
    int a = v->v[0], b = v->v[1];
    f->seen[a == 1 ? 0 : a == 2 ? 1 : 2][b]++;
    if (a == f->fail_a && b == f->fail_b) return OCLNN__TUNE_FAILED;
    if (a == f->wrong_a && b == f->wrong_b) {
        *ms = 0.5;
        return OCLNN__TUNE_WRONG;
    }
    *ms = 10.0 + (a - 2) * (a - 2) + (b - 3) * (b - 3);
    return OCLNN__TUNE_MEASURED;
}

static double fake_clock(void *user) { return ((fake *)user)->clock; }

static oclnn__tune_job tiny_job(fake *f, oclnn__tune_strategy strategy) {
    oclnn__tune_job j = {0};
    j.space = &TINY;
    j.limits = (oclnn__tune_limits){256, 32768};
    j.strategy = strategy;
    j.seed = 7;
    j.measure = fake_measure;
    j.clock = fake_clock;
    j.user = f;
    return j;
}

static void search_finds_best(void **state) {
    (void)state;
    for (int s = 0; s < 3; s++) {
        fake f = {0};
        oclnn__tune_job j = tiny_job(&f, (oclnn__tune_strategy)s);
        oclnn__tune_result r;
        assert_true(oclnn__tune_search(&j, &r));
        assert_true(r.found);
        assert_int_equal(r.best.v[0], 2);
        assert_int_equal(r.best.v[1], 3);
        assert_true(r.best_ms == 10.0);
        assert_true(r.default_measured);
        assert_true(r.default_ms == 10.0 + 1 + 4);
        assert_int_equal(r.valid, 10); /* 12 points, A=4 with B=3 or 4 excluded */
        assert_int_equal(r.excluded, 2);
        assert_int_equal(r.evaluated, 10);
        assert_int_equal(f.calls, 10);
        assert_int_equal(f.seen[2][3] + f.seen[2][4], 0); /* never measured what the device cannot run */
        for (int a = 0; a < 3; a++)
            for (int b = 1; b <= 4; b++) assert_true(f.seen[a][b] <= 1); /* nothing measured twice */
        assert_false(r.out_of_budget);
    }
}

static void search_skips_failures(void **state) {
    (void)state;
    fake f = {0};
    f.fail_a = 2, f.fail_b = 3;   /* the true best does not compile */
    f.wrong_a = 1, f.wrong_b = 2; /* the "fastest" is wrong */
    oclnn__tune_job j = tiny_job(&f, OCLNN__TUNE_EXHAUSTIVE);
    oclnn__tune_result r;
    assert_true(oclnn__tune_search(&j, &r));
    assert_true(r.found);
    assert_int_equal(r.failed, 1);
    assert_int_equal(r.wrong, 1);
    assert_int_equal(r.evaluated, 10);
    /* Next best: (2,2) or (2,4) at 11 ms; (2,2) comes first in the exhaustive order. */
    assert_int_equal(r.best.v[0], 2);
    assert_int_equal(r.best.v[1], 2);
    assert_true(r.best_ms == 11.0);
    /* A failing default is no obstacle either. */
    fake g = {0};
    g.fail_a = 1, g.fail_b = 1;
    j = tiny_job(&g, OCLNN__TUNE_RANDOM);
    assert_true(oclnn__tune_search(&j, &r));
    assert_false(r.default_measured);
    assert_int_equal(r.best.v[0], 2);
    assert_int_equal(r.best.v[1], 3);
}

static void search_respects_budget(void **state) {
    (void)state;
    fake f = {0};
    oclnn__tune_job j = tiny_job(&f, OCLNN__TUNE_RANDOM);
    j.budget_s = 3.0; /* each fake measurement takes 1 s */
    oclnn__tune_result r;
    assert_true(oclnn__tune_search(&j, &r));
    assert_int_equal(r.evaluated, 3);
    assert_true(r.out_of_budget);
    assert_true(r.default_measured); /* the default always goes first */
    assert_true(r.best_ms <= r.default_ms);
    fake g = {0};
    j = tiny_job(&g, OCLNN__TUNE_ANNEAL);
    j.max_evals = 1;
    assert_true(oclnn__tune_search(&j, &r));
    assert_int_equal(r.evaluated, 1);
    assert_int_equal(g.calls, 1);
    assert_true(r.out_of_budget);
    assert_int_equal(r.best.v[0], 1);
    assert_int_equal(r.best.v[1], 1);
    /* The same seed gives the same order. */
    fake h1 = {0}, h2 = {0};
    j = tiny_job(&h1, OCLNN__TUNE_RANDOM);
    j.max_evals = 4;
    assert_true(oclnn__tune_search(&j, &r));
    j = tiny_job(&h2, OCLNN__TUNE_RANDOM);
    j.max_evals = 4;
    assert_true(oclnn__tune_search(&j, &r));
    assert_memory_equal(h1.seen, h2.seen, sizeof h1.seen);
}

/* Seeds (oclnn tune --quick's known configurations) are measured right after the start, and
 * verified like any candidate: a wrong one is rejected, however fast. */
static void search_seeds_first_and_verified(void **state) {
    (void)state;
    fake f = {0};
    f.wrong_a = 1, f.wrong_b = 2; /* the first seed computes garbage (0.5 ms) */
    oclnn__tune_job j = tiny_job(&f, OCLNN__TUNE_ANNEAL);
    const oclnn__tune_values seeds[2] = {{{1, 2}}, {{2, 3}}};
    j.seeds = seeds;
    j.n_seeds = 2;
    j.max_evals = 3;
    oclnn__tune_result r;
    assert_true(oclnn__tune_search(&j, &r));
    assert_int_equal(r.evaluated, 3); /* the start (1,1), then the two seeds: nothing else */
    assert_int_equal(f.seen[0][1] + f.seen[0][2] + f.seen[1][3], 3);
    assert_int_equal(r.wrong, 1);
    assert_true(r.found);
    assert_int_equal(r.best.v[0], 2); /* the right seed, not the wrong "fastest" */
    assert_int_equal(r.best.v[1], 3);
    assert_true(r.default_measured && r.default_ms == 15.0);
    /* a seed outside the space is skipped, not measured */
    fake g = {0};
    const oclnn__tune_values bad[1] = {{{3, 3}}};
    j = tiny_job(&g, OCLNN__TUNE_EXHAUSTIVE);
    j.seeds = bad;
    j.n_seeds = 1;
    j.max_evals = 2;
    assert_true(oclnn__tune_search(&j, &r));
    assert_int_equal(r.evaluated, 2);
    assert_int_equal(r.wrong + r.failed, 0);
}

static void strategy_names(void **state) {
    (void)state;
    oclnn__tune_strategy s;
    assert_true(oclnn__tune_strategy_parse("anneal", &s));
    assert_int_equal(s, OCLNN__TUNE_ANNEAL);
    assert_true(oclnn__tune_strategy_parse("exhaustive", &s));
    assert_int_equal(s, OCLNN__TUNE_EXHAUSTIVE);
    assert_false(oclnn__tune_strategy_parse("greedy", &s));
}

/* Every shipped space: defaults are candidates and meet their constraints on a small GPU. */
static void spaces_are_consistent(void **state) {
    (void)state;
    size_t n;
    const oclnn__tune_space *const *all = oclnn__tune_spaces(&n);
    oclnn__tune_limits lim = {256, 32768};
    char why[160];
    for (size_t i = 0; i < n; i++) {
        oclnn__tune_values d = oclnn__tune_defaults_of(all[i]);
        const char *err = oclnn__tune_check(all[i], &d, &lim, why, sizeof why);
        if (err) fail_msg("%s: %s", all[i]->family, err);
        assert_ptr_equal(oclnn__tune_space_find(all[i]->family), all[i]);
        for (size_t k = 0; k < oclnn__tune_space_size(all[i]); k++) {
            oclnn__tune_values v = oclnn__tune_candidate(all[i], k);
            assert_int_equal(oclnn__tune_ordinal(all[i], &v), k);
        }
        oclnn_device_info gpu = fake_device(), cpu = fake_device();
        gpu.is_gpu = true;
        cpu.is_gpu = false, cpu.is_cpu = true, cpu.native_vector_width_float = 8;
        oclnn__tune_values v;
        for (int c = 0; c < OCLNN__DEVCLASS_COUNT; c++) /* every class's defaults are valid */
            if (oclnn__tune_device_default(all[i], c ? &gpu : &cpu, (oclnn__devclass)c, &v))
                assert_null(oclnn__tune_check(all[i], &v, &lim, why, sizeof why));
    }
    assert_null(oclnn__tune_space_find("nope"));
}


/* ---- tuned parameters reach the convolution kernels -------------------------------------- */

/* Tolerance against the double reference: float rounding over C*R*S terms; Winograd F(4x4)
 * amplifies it (as tests/test_conv2d.c bounds it). */
#define CONV_RTOL 1e-4
#define CONV_ATOL 1e-4
#define CONV_ATOL_WINOGRAD4 2e-3
#define CONV_ATOL_WINOGRAD6 2e-3 /* issue 19: 1-2.2x F(4x4)'s error (docs/WINOGRAD.md) */

typedef struct conv_case {
    oclnn_conv2d_desc d;
    float *src, *w, *bias, *ref;
    size_t src_n, dst_n;
    oclnn_shape dst;
} conv_case;

static void conv_case_make(conv_case *c, uint32_t n, uint32_t ch, uint32_t h, uint32_t w, uint32_t k,
                           uint32_t r, uint32_t groups, oclnn_layout layout) {
    memset(c, 0, sizeof *c);
    c->d = oclnn_conv2d_desc_default();
    c->d.input = (oclnn_shape){n, ch, h, w};
    c->d.out_channels = k;
    c->d.kernel_h = c->d.kernel_w = r;
    c->d.padding = (oclnn_padding){OCLNN_PAD_EXPLICIT, r / 2, r / 2, r / 2, r / 2};
    c->d.groups = groups;
    c->d.has_bias = true;
    assert_ok(oclnn_conv2d_output_shape(&c->d, &c->dst));
    c->src_n = (size_t)n * ch * h * w;
    c->dst_n = (size_t)c->dst.n * c->dst.c * c->dst.h * c->dst.w;
    size_t wn = (size_t)k * (ch / groups) * r * r;
    c->src = alloc_random(c->src_n, 1, -1, 1);
    c->w = alloc_random(wn, 2, -0.5f, 0.5f);
    c->bias = alloc_random(k, 3, -1, 1);
    c->ref = malloc(c->dst_n * sizeof *c->ref);
    oclnn__ref_conv2d(&c->d, c->src, layout, c->w, c->bias, NULL, c->ref);
}

static void conv_case_free(conv_case *c) {
    free(c->src), free(c->w), free(c->bias), free(c->ref);
}

/* Creates `algo` for c on ctx (with whatever override is set), runs it and compares. Returns
 * the create status (the run must then succeed and match). */
static oclnn_status conv_check(oclnn_context *ctx, conv_case *c, oclnn_conv_algo algo, oclnn_layout layout,
                               const char *what) {
    oclnn_conv2d_desc d = c->d;
    d.algo = algo;
    oclnn_op *op;
    oclnn_status st = oclnn_conv2d_create(ctx, &d, c->w, c->bias, &op);
    if (st != OCLNN_OK) return st;
    oclnn_tensor *src, *dst;
    assert_ok(oclnn_tensor_create(ctx, d.input, layout, &src));
    assert_ok(oclnn_tensor_create(ctx, c->dst, layout, &dst));
    assert_ok(oclnn_tensor_write(src, c->src, layout));
    assert_ok(oclnn_conv2d_run(op, src, dst, NULL));
    float *got = malloc(c->dst_n * sizeof *got);
    assert_ok(oclnn_tensor_read(dst, got, layout));
    double atol = algo == OCLNN_CONV_ALGO_WINOGRAD_4X4   ? CONV_ATOL_WINOGRAD4
                  : algo == OCLNN_CONV_ALGO_WINOGRAD_6X6 ? CONV_ATOL_WINOGRAD6
                                                         : CONV_ATOL;
    assert_close(got, c->ref, c->dst_n, atol, CONV_RTOL, what);
    free(got);
    oclnn_tensor_destroy(src);
    oclnn_tensor_destroy(dst);
    oclnn_op_destroy(op);
    return OCLNN_OK;
}

/* Every candidate value of every parameter of every conv family (one parameter moved from the
 * defaults at a time, as the device allows) computes the right result: host code and kernels
 * agree on each tunable, in both layouts. */
static void tuned_parameters_compute_correctly(void **state) {
    (void)state;
    oclnn_context *ctx = cl_context("none", OCLNN_LAYOUT_AUTO);
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(ctx, &dev));
    oclnn__tune_limits lim = oclnn__tune_limits_of(&dev);
    static const oclnn_layout layouts[2] = {OCLNN_LAYOUT_NCHW, OCLNN_LAYOUT_NHWC};
    for (int l = 0; l < 2; l++) {
        conv_case c3, c1, dw;
        conv_case_make(&c3, 2, 12, 9, 11, 20, 3, 1, layouts[l]); /* odd sizes: edges of every tile */
        conv_case_make(&c1, 1, 24, 7, 9, 36, 1, 1, layouts[l]);
        conv_case_make(&dw, 1, 12, 9, 19, 12, 3, 12, layouts[l]);
        for (int a = 1; a < OCLNN_CONV_ALGO_COUNT; a++) {
            const oclnn__tune_space *sp = oclnn__conv2d_space((oclnn_conv_algo)a);
            /* conv_xgemm's candidates are verified in tests/test_gemm_engine.c */
            if (!sp || a == OCLNN_CONV_ALGO_IMPLICIT_GEMM) continue;
            conv_case *c = a == OCLNN_CONV_ALGO_GEMM1X1 ? &c1 : a == OCLNN_CONV_ALGO_DEPTHWISE ? &dw : &c3;
            for (size_t p = 0; p < sp->n_params; p++)
                for (size_t k = 0; k < sp->params[p].n_values; k++) {
                    oclnn__tune_values v = oclnn__tune_defaults_of(sp);
                    v.v[p] = sp->params[p].values[k];
                    char why[160], params[160], what[256];
                    if (oclnn__tune_check(sp, &v, &lim, why, sizeof why)) continue;
                    oclnn__tune_values_str(sp, &v, ',', params, sizeof params);
                    snprintf(what, sizeof what, "%s %s %s", sp->family, params, l ? "NHWC" : "NCHW");
                    assert_ok(oclnn_tuning_override(ctx, sp->family, params));
                    assert_ok(conv_check(ctx, c, (oclnn_conv_algo)a, layouts[l], what));
                }
            assert_ok(oclnn_tuning_override(ctx, sp->family, NULL));
        }
        conv_case_free(&c3), conv_case_free(&c1), conv_case_free(&dw);
    }
    oclnn_context_destroy(ctx);
}

/* The spaces' defaults are the kernels' own #ifndef defaults (an untuned op passes no define). */
static void space_defaults_match_kernels(void **state) {
    (void)state;
    static const struct { const char *file, *name; const oclnn__tune_space *sp; } uses[] = {
        {"conv/gemm.cl", "TM", &oclnn__tune_space_conv_im2col},
        {"conv/gemm.cl", "VW", &oclnn__tune_space_conv_im2col},
        {"conv/gemm.cl", "NV", &oclnn__tune_space_conv_im2col},
        {"conv/gemm.cl", "TM", &oclnn__tune_space_conv_winograd4},
        {"conv/winograd.h", "CB", &oclnn__tune_space_conv_winograd2},
        {"conv/winograd.h", "CB", &oclnn__tune_space_conv_winograd6}, /* issue 19 */
        {"conv/direct.cl", "KB", &oclnn__tune_space_conv_direct},
        {"conv/direct.cl", "QB", &oclnn__tune_space_conv_direct},
        {"conv/depthwise.cl", "QB", &oclnn__tune_space_conv_depthwise},
        {"gemm/xgemm.cl", "MWG", &oclnn__tune_space_conv_xgemm},
        {"gemm/xgemm.cl", "NWG", &oclnn__tune_space_conv_xgemm},
        {"gemm/xgemm.cl", "KWG", &oclnn__tune_space_conv_xgemm},
        {"gemm/xgemm.cl", "MDIMC", &oclnn__tune_space_conv_xgemm},
        {"gemm/xgemm.cl", "NDIMC", &oclnn__tune_space_conv_xgemm},
        {"gemm/xgemm.cl", "DB", &oclnn__tune_space_conv_xgemm},
        {"gemm/xgemm.cl", "VW", &oclnn__tune_space_conv_xgemm},
    };
    for (size_t i = 0; i < sizeof uses / sizeof *uses; i++) {
        const oclnn__cl_source *src = oclnn__cl_source_find(uses[i].file);
        assert_non_null(src);
        char pattern[32];
        snprintf(pattern, sizeof pattern, "#define %s ", uses[i].name);
        const char *at = strstr((const char *)src->data, pattern);
        if (!at) fail_msg("%s has no \"%s\"", uses[i].file, pattern);
        int idx = oclnn__tune_param_index(uses[i].sp, uses[i].name);
        assert_true(idx >= 0);
        int kernel_default = atoi(at + strlen(pattern));
        if (kernel_default != uses[i].sp->params[idx].def)
            fail_msg("%s: %s defaults to %d, its space to %d", uses[i].file, uses[i].name, kernel_default,
                     (int)uses[i].sp->params[idx].def);
    }
}


/* The tunable kernels are the ones OCLNN__KERNEL_VERSION was defined for: a change to them must
 * bump the version (every database tuned before becomes stale) and record the new hash. */
static void kernel_version_matches_sources(void **state) {
    (void)state;
    static const char *const files[] = {"conv/gemm.cl",    "conv/direct.cl",        "conv/depthwise.cl",
                                        "conv/winograd.h", "conv/winograd_f2x3.cl", "conv/winograd_f4x3.cl",
                                        "conv/winograd_f6x3.cl" /* issue 19 */};
    oclnn__sha256 h;
    uint8_t digest[32];
    char hex[65];
    oclnn__sha256_init(&h);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        const oclnn__cl_source *src = oclnn__cl_source_find(files[i]);
        assert_non_null(src);
        oclnn__sha256_field(&h, files[i]);
        oclnn__sha256_field(&h, (const char *)src->data);
    }
    oclnn__sha256_final(&h, digest);
    oclnn__sha256_hex(digest, hex);
    if (strcmp(hex, OCLNN__KERNEL_SOURCES_SHA256))
        fail_msg("the tunable kernels changed: bump OCLNN__KERNEL_VERSION in src/tune/db.h (tuned databases "
                 "become stale), set OCLNN__KERNEL_SOURCES_SHA256 to %s and re-run oclnn tune for "
                 "tools/tuning/",
                 hex);
}

/* Tuning on first use (issue 14): OCLNN_FLAG_TUNE_ON_FIRST_USE or OCLNN_TUNE=quick make an AUTO
 * create of an unknown problem time the algorithms and save the winner; a known problem, a
 * context without the flag and the C backend search nothing. */
static oclnn_context *first_use_context(const char *db, uint32_t flags, const char *device) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = device;
    o.tuning_db = db;
    o.flags = flags;
    oclnn_context *ctx;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) {
        print_message("no device %s (%s): skipped\n", device, oclnn_last_error());
        skip();
    }
    return ctx;
}

static bool file_has_algo_row(const char *path, const char *problem, int *algo) {
    size_t len;
    char *text = read_file(path, &len);
    char key[192];
    snprintf(key, sizeof key, "conv_algo %s ALGO=", problem);
    const char *at = text ? strstr(text, key) : NULL;
    if (at && algo) *algo = atoi(at + strlen(key));
    free(text);
    return at != NULL;
}

static void first_use_tunes_and_saves(void **state) {
    (void)state;
    if (test_opencl_disabled()) skip();
    oclnn_context *probe = cl_context("none", OCLNN_LAYOUT_AUTO);
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(probe, &dev));
    oclnn_layout layout = oclnn_context_layout(probe);
    oclnn_context_destroy(probe);
    conv_case c;
    conv_case_make(&c, 1, 16, 10, 10, 16, 3, 1, layout);
    oclnn_conv2d_desc d = c.d, other = d, third = d;
    other.input.h = 14;
    third.input.h = 18;
    char p1[160], p2[160], p3[160], path[128];
    oclnn__conv2d_problem pb;
    assert_ok(oclnn__conv2d_resolve(&d, &pb));
    oclnn__conv2d_problem_str(&pb, p1, sizeof p1);
    assert_ok(oclnn__conv2d_resolve(&other, &pb));
    oclnn__conv2d_problem_str(&pb, p2, sizeof p2);
    assert_ok(oclnn__conv2d_resolve(&third, &pb));
    oclnn__conv2d_problem_str(&pb, p3, sizeof p3);
    path_of("first_use.txt", path, sizeof path);
    write_db(path, &dev, OCLNN__KERNEL_VERSION, "conv_direct " CONV_1X1 " KB=8 QB=1 2.5\n");

    /* Without the flag: nothing is searched or saved. */
    oclnn_context *ctx = first_use_context(path, 0, test_opencl_device());
    oclnn_op *op;
    assert_ok(oclnn_conv2d_create(ctx, &d, c.w, c.bias, &op));
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    assert_false(file_has_algo_row(path, p1, NULL));

    /* With it: the row is saved, and the op runs the saved winner. */
    ctx = first_use_context(path, OCLNN_FLAG_TUNE_ON_FIRST_USE, test_opencl_device());
    assert_ok(oclnn_conv2d_create(ctx, &d, c.w, c.bias, &op));
    int algo = 0;
    assert_true(file_has_algo_row(path, p1, &algo));
    assert_true(algo > 0 && algo < OCLNN_CONV_ALGO_COUNT);
    assert_string_equal(oclnn_op_algorithm(op), oclnn_conv_algo_name((oclnn_conv_algo)algo));
    oclnn_op_destroy(op);
    /* A known problem is not searched again: a different recorded winner stays as it is. */
    oclnn_conv_algo forced = algo == OCLNN_CONV_ALGO_DIRECT ? OCLNN_CONV_ALGO_IM2COL : OCLNN_CONV_ALGO_DIRECT;
    oclnn__tune_values fv = {{(int32_t)forced}};
    mtx_lock(&ctx->lock);
    assert_ok(oclnn__tune_record(ctx, &oclnn__tune_space_conv_algo, p1, &fv, 1.0));
    mtx_unlock(&ctx->lock);
    assert_ok(oclnn_conv2d_create(ctx, &d, c.w, c.bias, &op));
    assert_string_equal(oclnn_op_algorithm(op), oclnn_conv_algo_name(forced));
    oclnn_op_destroy(op);
    /* An explicit algorithm is never a reason to search. */
    other.algo = OCLNN_CONV_ALGO_DIRECT;
    assert_ok(oclnn_conv2d_create(ctx, &other, c.w, c.bias, &op));
    oclnn_op_destroy(op);
    assert_false(file_has_algo_row(path, p2, NULL));
    oclnn_context_destroy(ctx);

    /* OCLNN_TUNE=quick sets the flag; another value is refused, naming the variable. */
    setenv("OCLNN_TUNE", "sometimes", 1);
    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    assert_status(oclnn_context_create(&o, &ctx), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("OCLNN_TUNE");
    setenv("OCLNN_TUNE", "quick", 1);
    ctx = first_use_context(path, 0, test_opencl_device());
    assert_ok(oclnn_conv2d_create(ctx, &third, c.w, c.bias, &op));
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    assert_true(file_has_algo_row(path, p3, NULL));
    /* The C backend has no tuning database: the flag changes nothing there. */
    ctx = first_use_context(NULL, OCLNN_FLAG_TUNE_ON_FIRST_USE, "cpu");
    assert_ok(oclnn_conv2d_create(ctx, &d, c.w, c.bias, &op));
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    unsetenv("OCLNN_TUNE");
    conv_case_free(&c);
}

/* issue 19: AUTO's accuracy guard. A database naming winograd6 (a find result, and a tuned row
 * far faster than the others) is followed with 64 input channels and ignored with 256, where
 * winograd6's measured error exceeds its bound (docs/WINOGRAD.md). */
static void auto_guards_winograd6(void **state) {
    (void)state;
    oclnn_context *probe = cl_context("none", OCLNN_LAYOUT_AUTO);
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(probe, &dev));
    oclnn_layout layout = oclnn_context_layout(probe);
    oclnn_context_destroy(probe);
    static const uint32_t channels[] = {64, 256};
    for (int i = 0; i < 2; i++) {
        conv_case c;
        conv_case_make(&c, 1, channels[i], 12, 12, 32, 3, 1, layout);
        oclnn__conv2d_problem pb;
        assert_ok(oclnn__conv2d_resolve(&c.d, &pb));
        char problem[160], path[128];
        oclnn__conv2d_problem_str(&pb, problem, sizeof problem);
        for (int kind = 0; kind < 2; kind++) {
            char rows[1024];
            if (kind == 0)
                snprintf(rows, sizeof rows, "conv_algo %s ALGO=%d 1.0\n", problem, (int)OCLNN_CONV_ALGO_WINOGRAD_6X6);
            else
                snprintf(rows, sizeof rows,
                         "conv_direct %s KB=4 QB=8 9\nconv_im2col %s TM=8 VW=16 NV=1 9\n"
                         "conv_winograd2 %s TM=8 VW=16 NV=1 CB=4 9\nconv_winograd4 %s TM=8 VW=16 NV=1 CB=4 9\n"
                         "conv_winograd6 %s TM=8 VW=16 NV=1 CB=4 1\n",
                         problem, problem, problem, problem, problem);
            path_of("guard.txt", path, sizeof path);
            write_db(path, &dev, OCLNN__KERNEL_VERSION, rows);
            oclnn_context *ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
            oclnn_op *op;
            assert_ok(oclnn_conv2d_create(ctx, &c.d, c.w, c.bias, &op));
            if (channels[i] <= 128) assert_string_equal(oclnn_op_algorithm(op), "winograd6");
            else assert_string_not_equal(oclnn_op_algorithm(op), "winograd6");
            oclnn_op_destroy(op);
            assert_ok(conv_check(ctx, &c, OCLNN_CONV_ALGO_AUTO, layout, "guarded AUTO"));
            oclnn_context_destroy(ctx);
        }
        conv_case_free(&c);
    }
}

/* AUTO follows the database: for a problem with rows, the family with the fastest row. */
static void auto_follows_database(void **state) {
    (void)state;
    oclnn_context *probe = cl_context("none", OCLNN_LAYOUT_AUTO);
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(probe, &dev));
    oclnn_layout layout = oclnn_context_layout(probe);
    conv_case c;
    conv_case_make(&c, 1, 16, 12, 12, 16, 3, 1, layout);
    oclnn_conv2d_desc d = c.d, other = d;
    other.input.h = 40; /* a problem without rows */
    oclnn_op *op;
    assert_ok(oclnn_conv2d_create(probe, &other, c.w, c.bias, &op));
    char heuristic[32];
    snprintf(heuristic, sizeof heuristic, "%s", oclnn_op_algorithm(op));
    oclnn_op_destroy(op);
    assert_ok(oclnn_conv2d_create(probe, &d, c.w, c.bias, &op));
    char heuristic_d[32];
    snprintf(heuristic_d, sizeof heuristic_d, "%s", oclnn_op_algorithm(op));
    oclnn_op_destroy(op);
    oclnn_context_destroy(probe);
    oclnn__conv2d_problem pb;
    assert_ok(oclnn__conv2d_resolve(&d, &pb));
    char problem[160], rows[1024], path[128];
    oclnn__conv2d_problem_str(&pb, problem, sizeof problem);
    static const char *const fastest[] = {"direct", "im2col", "winograd2"};
    for (int i = 0; i < 3; i++) {
        snprintf(rows, sizeof rows,
                 "conv_direct %s KB=4 QB=8 %d\nconv_im2col %s TM=8 VW=16 NV=1 %d\n"
                 "conv_winograd2 %s TM=8 VW=16 NV=1 CB=4 %d\n",
                 problem, i == 0 ? 1 : 9, problem, i == 1 ? 1 : 9, problem, i == 2 ? 1 : 9);
        path_of("auto.txt", path, sizeof path);
        write_db(path, &dev, OCLNN__KERNEL_VERSION, rows);
        oclnn_context *ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
        assert_ok(oclnn_conv2d_create(ctx, &d, c.w, c.bias, &op));
        assert_string_equal(oclnn_op_algorithm(op), fastest[i]);
        oclnn_op_destroy(op);
        assert_ok(conv_check(ctx, &c, OCLNN_CONV_ALGO_AUTO, layout, fastest[i]));
        /* Another problem still gets the heuristic. */
        assert_ok(oclnn_conv2d_create(ctx, &other, c.w, c.bias, &op));
        assert_string_equal(oclnn_op_algorithm(op), heuristic);
        oclnn_op_destroy(op);
        oclnn_context_destroy(ctx);
    }
    /* Another family only 2% faster than the heuristic's is noise: the heuristic stays. */
    char family[48], params[160];
    snprintf(family, sizeof family, "conv_%s", heuristic_d);
    const oclnn__tune_space *hs = oclnn__tune_space_find(family);
    assert_non_null(hs);
    oclnn__tune_values hv = oclnn__tune_defaults_of(hs);
    oclnn__tune_values_str(hs, &hv, ' ', params, sizeof params);
    const char *rival = strcmp(heuristic_d, "direct") ? "conv_direct" : "conv_im2col";
    const char *rival_params = strcmp(heuristic_d, "direct") ? "KB=4 QB=8" : "TM=8 VW=16 NV=1";
    snprintf(rows, sizeof rows, "%s %s %s 1.0\n%s %s %s 0.98\n", family, problem, params, rival, problem,
             rival_params);
    write_db(path, &dev, OCLNN__KERNEL_VERSION, rows);
    oclnn_context *ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
    assert_ok(oclnn_conv2d_create(ctx, &d, c.w, c.bias, &op));
    assert_string_equal(oclnn_op_algorithm(op), heuristic_d);
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    /* 10% faster is clear: it wins. */
    snprintf(rows, sizeof rows, "%s %s %s 1.0\n%s %s %s 0.9\n", family, problem, params, rival, problem,
             rival_params);
    write_db(path, &dev, OCLNN__KERNEL_VERSION, rows);
    ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
    assert_ok(oclnn_conv2d_create(ctx, &d, c.w, c.bias, &op));
    assert_string_equal(oclnn_op_algorithm(op), rival + 5);
    oclnn_op_destroy(op);
    oclnn_context_destroy(ctx);
    conv_case_free(&c);
}

/* oclnn_conv2d_find records into the context's tuning state; oclnn_context_save_tuning writes
 * it to the database file, keeping the file's other rows, and a new context's AUTO follows it. */
static void find_saved_and_followed(void **state) {
    (void)state;
    oclnn_context *probe = cl_context("none", OCLNN_LAYOUT_AUTO);
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(probe, &dev));
    oclnn_layout layout = oclnn_context_layout(probe);
    conv_case c;
    conv_case_make(&c, 1, 16, 12, 12, 16, 3, 1, layout);
    oclnn_conv2d_desc d = c.d, other = d;
    other.input.h = 20;
    oclnn_op *op;
    assert_ok(oclnn_conv2d_create(probe, &other, c.w, c.bias, &op));
    char heuristic[32];
    snprintf(heuristic, sizeof heuristic, "%s", oclnn_op_algorithm(op));
    oclnn_op_destroy(op);
    /* Saving needs a file: none for a "none" context without a path. */
    assert_status(oclnn_context_save_tuning(probe, NULL), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("no tuning database file");
    oclnn_context_destroy(probe);
    oclnn__conv2d_problem pb;
    char problem[160], other_problem[160], path[128], rows[1024];
    assert_ok(oclnn__conv2d_resolve(&d, &pb));
    oclnn__conv2d_problem_str(&pb, problem, sizeof problem);
    assert_ok(oclnn__conv2d_resolve(&other, &pb));
    oclnn__conv2d_problem_str(&pb, other_problem, sizeof other_problem);

    path_of("find.txt", path, sizeof path);
    write_db(path, &dev, OCLNN__KERNEL_VERSION, "conv_direct " CONV_1X1 " KB=8 QB=1 2.5\n");
    oclnn_context *ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
    /* Meanwhile another process (a tuner) adds a row: saving keeps it. */
    write_db(path, &dev, OCLNN__KERNEL_VERSION,
             "conv_direct " CONV_1X1 " KB=8 QB=1 2.5\nconv_direct " CONV_3X3_B " KB=2 QB=16 3.5\n");
    oclnn_conv2d_perf best;
    size_t count;
    assert_ok(oclnn_conv2d_find(ctx, &d, &best, 1, &count));
    /* A recorded winner the heuristic would not pick for the other problem (as find records). */
    oclnn_conv_algo forced = strcmp(heuristic, "direct") ? OCLNN_CONV_ALGO_DIRECT : OCLNN_CONV_ALGO_IM2COL;
    oclnn__tune_values fv = {{(int32_t)forced}};
    mtx_lock(&ctx->lock);
    assert_ok(oclnn__tune_record(ctx, &oclnn__tune_space_conv_algo, other_problem, &fv, 1.0));
    mtx_unlock(&ctx->lock);
    assert_ok(oclnn_context_save_tuning(ctx, NULL)); /* the file the context loaded */
    oclnn_context_destroy(ctx);

    size_t len;
    char *text = read_file(path, &len);
    snprintf(rows, sizeof rows, "conv_algo %s ALGO=%d ", problem, (int)best.algo);
    assert_non_null(strstr(text, rows));
    snprintf(rows, sizeof rows, "conv_algo %s ALGO=%d ", other_problem, (int)forced);
    assert_non_null(strstr(text, rows));
    assert_non_null(strstr(text, "conv_direct " CONV_3X3_B " KB=2 QB=16 "));
    assert_non_null(strstr(text, "conv_direct " CONV_1X1 " KB=8 QB=1 "));
    free(text);

    /* A new context on that file: AUTO takes the saved results. */
    ctx = cl_context(path, OCLNN_LAYOUT_AUTO);
    oclnn_tuning_info info;
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_int_equal(info.state, OCLNN_TUNING_LOADED);
    assert_int_equal(info.entries, 4);
    assert_ok(oclnn_conv2d_create(ctx, &d, c.w, c.bias, &op));
    assert_string_equal(oclnn_op_algorithm(op), oclnn_conv_algo_name(best.algo));
    oclnn_op_destroy(op);
    assert_ok(oclnn_conv2d_create(ctx, &other, c.w, c.bias, &op));
    assert_string_equal(oclnn_op_algorithm(op), oclnn_conv_algo_name(forced));
    assert_string_not_equal(oclnn_op_algorithm(op), heuristic);
    oclnn_op_destroy(op);
    assert_ok(conv_check(ctx, &c, OCLNN_CONV_ALGO_AUTO, layout, "saved find"));

    /* An explicit path: a new file, in a folder created for it. */
    char copy[160];
    snprintf(copy, sizeof copy, "%s/sub/copy.txt", dir);
    assert_ok(oclnn_context_save_tuning(ctx, copy));
    oclnn__tune_db db;
    char why[256];
    assert_int_equal(load(copy, &dev, &db, why), OCLNN__TUNE_LOADED);
    assert_int_equal(db.n_rows, 4);
    oclnn__tune_db_free(&db);

    /* Bad arguments. */
    assert_status(oclnn_context_save_tuning(NULL, path), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("ctx is NULL");
    assert_status(oclnn_context_save_tuning(ctx, ""), OCLNN_ERROR_INVALID_ARGUMENT);
    assert_error_mentions("not a file name");
    assert_status(oclnn_context_save_tuning(ctx, "none"), OCLNN_ERROR_INVALID_ARGUMENT);
    char plain[128], below[160];
    path_of("plain-file", plain, sizeof plain);
    write_file(plain, "x", 1);
    snprintf(below, sizeof below, "%s/db.txt", plain); /* a folder that is a file */
    assert_status(oclnn_context_save_tuning(ctx, below), OCLNN_ERROR_IO);
    assert_error_mentions("cannot save the tuning database");
    snprintf(below, sizeof below, "%s", dir); /* a folder, not a file */
    assert_status(oclnn_context_save_tuning(ctx, below), OCLNN_ERROR_IO);
    oclnn_context_destroy(ctx);

    oclnn_context_options o = oclnn_context_options_default();
    o.device = "cpu";
    assert_ok(oclnn_context_create(&o, &ctx));
    assert_status(oclnn_context_save_tuning(ctx, path), OCLNN_ERROR_UNSUPPORTED);
    assert_error_mentions("C backend");
    oclnn_context_destroy(ctx);
    conv_case_free(&c);
}

/* The search with real candidates: conv/direct.cl is replaced (options.kernel_dir) by a copy
 * that does not compile for QB=2; the timing is injected (deterministic) and would favour
 * QB=2, yet the search skips it and returns the best candidate that compiles and verifies. */
typedef struct real_search {
    oclnn_context *ctx;
    conv_case *c;
    oclnn_layout layout;
    int compile_failures;
} real_search;

static oclnn__tune_outcome real_measure(void *user, const oclnn__tune_values *v, double *ms) {
    real_search *r = user;
    char params[64];
    oclnn__tune_values_str(&oclnn__tune_space_conv_direct, v, ',', params, sizeof params);
    if (oclnn_tuning_override(r->ctx, "conv_direct", params) != OCLNN_OK) return OCLNN__TUNE_FAILED;
    oclnn_status st = conv_check(r->ctx, r->c, OCLNN_CONV_ALGO_DIRECT, r->layout, params);
    oclnn_tuning_override(r->ctx, "conv_direct", NULL);
    if (st == OCLNN_ERROR_BUILD_FAILED) {
        r->compile_failures++;
        return OCLNN__TUNE_FAILED;
    }
    if (st != OCLNN_OK) return OCLNN__TUNE_FAILED;
    *ms = 10.0 - v->v[0] - 2.0 * (v->v[1] == 2); /* KB larger is faster; QB=2 fastest of all */
    return OCLNN__TUNE_MEASURED;
}

/* Writes the kernel folder `name` (in the test's scratch folder; its path into kdir) whose
 * conv/direct.cl is the shipped one with `prelude` in front: a variant broken for some parameters. */
static void write_direct_variant(const char *name, const char *prelude, char *kdir, size_t size) {
    char conv_dir[160], file[200], cmd[256];
    path_of(name, kdir, size);
    snprintf(conv_dir, sizeof conv_dir, "%s/conv", kdir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", conv_dir);
    assert_int_equal(system(cmd), 0);
    snprintf(file, sizeof file, "%s/direct.cl", conv_dir);
    const oclnn__cl_source *orig = oclnn__cl_source_find("conv/direct.cl");
    assert_non_null(orig);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fprintf(f, "%s%s", prelude, orig->data);
    fclose(f);
}

static void search_skips_real_compile_failure(void **state) {
    (void)state;
    char kdir[128];
    write_direct_variant("kernels", "#if defined(QB) && QB == 2\n#error \"QB=2 is broken in this test\"\n#endif\n", kdir,
                         sizeof kdir);

    if (test_opencl_disabled()) skip();
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_opencl_device();
    o.tuning_db = "none";
    o.kernel_dir = kdir;
    o.device_class = "cpu"; /* conv_direct's kernel is the CPU class's (the GPU class has its own) */
    real_search r = {0};
    if (oclnn_context_create(&o, &r.ctx) != OCLNN_OK) skip();
    r.layout = oclnn_context_layout(r.ctx);
    conv_case c;
    conv_case_make(&c, 1, 8, 6, 7, 12, 3, 1, r.layout);
    r.c = &c;
    /* A small space with the same parameter names (the override validates against the real one). */
    static const oclnn__tune_space SMALL = {
        "conv_direct", "conv/direct.cl", 2, {{"KB", {2, 4}, 2, 4}, {"QB", {1, 2, 4}, 3, 8}}, 0, {{0}}, NULL};
    oclnn__tune_job job = {0};
    job.space = &SMALL;
    job.limits = oclnn__tune_limits_of(&(oclnn_device_info){.max_work_group_size = 1024});
    job.strategy = OCLNN__TUNE_EXHAUSTIVE;
    job.measure = real_measure;
    job.user = &r;
    oclnn__tune_result res;
    assert_true(oclnn__tune_search(&job, &res));
    assert_int_equal(res.evaluated, 6);
    assert_int_equal(res.failed, 2); /* KB=2,QB=2 and KB=4,QB=2 */
    assert_int_equal(r.compile_failures, 2);
    assert_int_equal(res.wrong, 0);
    assert_true(res.found);
    assert_int_equal(res.best.v[0], 4);
    assert_int_not_equal(res.best.v[1], 2);
    assert_true(res.best_ms == 6.0);
    assert_non_null(strstr(oclnn_context_build_log(r.ctx), "QB=2 is broken"));
    conv_case_free(&c);
    oclnn_context_destroy(r.ctx);
}

/* The tuner's job helpers: the verification limits (Winograd F(4x4) has its own), the error
 * measure and the median. */
static void job_helpers(void **state) {
    (void)state;
    assert_true(oclnn__tune_verify_limit(OCLNN_CONV_ALGO_WINOGRAD_4X4) > oclnn__tune_verify_limit(OCLNN_CONV_ALGO_AUTO));
    assert_true(oclnn__tune_verify_limit(OCLNN_CONV_ALGO_IM2COL) == OCLNN__TUNE_VERIFY_REL);
    double v[4] = {4, 1, 3, 2}, w[3] = {5, 9, 7};
    assert_true(oclnn__tune_median(v, 4) == 2.5);
    assert_true(oclnn__tune_median(w, 3) == 7);
    const float ref[3] = {10, -2, 0}, got[3] = {10, -1.99f, 0.001f};
    double ma, mr;
    oclnn__tune_errors(got, ref, 3, &ma, &mr);
    assert_true(fabs(ma - 0.01) < 1e-6);
    assert_true(fabs(mr - 0.1) < 1e-5); /* 0.001 against the floor 1e-3 * max|ref| = 0.01 */
}

static void job_note(void *user, oclnn__tune_outcome outcome, const char *text) {
    (void)text;
    ++((size_t *)user)[outcome == OCLNN__TUNE_WRONG];
}

/* One real search and confirmation on the OpenCL device, as `oclnn tune` runs them: every
 * candidate verified, the best recorded in the database file, then the confirmation's rows. */
static void job_search_and_confirm(void **state) {
    (void)state;
    if (test_opencl_disabled()) skip();
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_opencl_device();
    o.tuning_db = "none";
    size_t notes[2] = {0, 0};
    oclnn__tuner t = {0};
    if (oclnn_context_create(&o, &t.ctx) != OCLNN_OK) skip();
    t.layout = oclnn_context_layout(t.ctx);
    t.note = job_note;
    t.user = notes;
    conv_case c;
    conv_case_make(&c, 1, 8, 6, 7, 12, 3, 1, t.layout);
    char problem[OCLNN__CONV2D_PROBLEM_MAX], path[256];
    oclnn__conv2d_problem pb;
    assert_ok(oclnn__conv2d_resolve(&c.d, &pb));
    oclnn__conv2d_problem_str(&pb, problem, sizeof problem);
    oclnn__tune_conv conv = {"case", problem, c.d, c.dst, c.src, c.w, c.bias, c.ref};
    oclnn_device_info info;
    oclnn_context_device(t.ctx, &info);
    oclnn__tune_db db;
    oclnn__tune_db_init(&db, &info);
    path_of("job.txt", path, sizeof path);
    oclnn__tune_family f = {OCLNN_CONV_ALGO_DIRECT, &oclnn__tune_space_conv_direct};
    oclnn__tune_job job = {0};
    job.limits = oclnn__tune_limits_of(&info);
    job.strategy = OCLNN__TUNE_RANDOM;
    job.max_evals = 3;
    oclnn__tune_result r;
    char why[256];
    assert_true(oclnn__tune_conv_search(&t, &conv, f, job, &db, path, &r, why, sizeof why));
    assert_true(r.found);
    assert_int_equal(r.wrong, 0);
    assert_int_equal(notes[1], 0);
    assert_non_null(oclnn__tune_db_find(&db, "conv_direct", problem));
    oclnn__tune_confirmed out[OCLNN_CONV_ALGO_COUNT];
    size_t n_out;
    oclnn_conv_algo chosen;
    double heuristic_ms, chosen_ms;
    oclnn__tune_family fams[2] = {f, {OCLNN_CONV_ALGO_IM2COL, &oclnn__tune_space_conv_im2col}};
    assert_true(oclnn__tune_conv_confirm(&t, &conv, fams, 2, OCLNN_CONV_ALGO_IM2COL, &db, path, out, &n_out, &chosen,
                                         &heuristic_ms, &chosen_ms, why, sizeof why));
    assert_int_equal(n_out, 2); /* the searched family and the heuristic's */
    assert_true(chosen == OCLNN_CONV_ALGO_DIRECT || chosen == OCLNN_CONV_ALGO_IM2COL);
    assert_true(heuristic_ms > 0 && chosen_ms > 0 && chosen_ms <= heuristic_ms);
    oclnn__tune_db loaded;
    oclnn__tune_limits lim = oclnn__tune_limits_of(&info);
    assert_int_equal(oclnn__tune_db_load(path, &info, &lim, &loaded, why, sizeof why), OCLNN__TUNE_LOADED);
    assert_non_null(oclnn__tune_db_find(&loaded, "conv_im2col", problem));
    oclnn__tune_db_free(&loaded);
    oclnn__tune_db_free(&db);
    oclnn__tuner_free(&t);
    oclnn_context_destroy(t.ctx);
    conv_case_free(&c);
}

/* A transferred candidate (a search seed, as oclnn tune --quick takes it from a shipped database)
 * that computes a wrong result on this device is rejected by the real verification against the
 * reference, and not recorded; a right one is recorded. direct.cl is broken for QB=2 here. */
static void transferred_candidate_verified(void **state) {
    (void)state;
    char kdir[128];
    write_direct_variant("kernels-wrong", "#if defined(QB) && QB == 2\n#define fma(a, b, c) ((a) * (b) + (c) + 1.0f)\n#endif\n",
                         kdir, sizeof kdir);

    if (test_opencl_disabled()) skip();
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_opencl_device();
    o.tuning_db = "none";
    o.kernel_dir = kdir;
    o.device_class = "cpu";
    size_t notes[2] = {0, 0};
    oclnn__tuner t = {0};
    if (oclnn_context_create(&o, &t.ctx) != OCLNN_OK) skip();
    t.layout = oclnn_context_layout(t.ctx);
    t.note = job_note;
    t.user = notes;
    conv_case c;
    conv_case_make(&c, 1, 8, 6, 7, 12, 3, 1, t.layout);
    char problem[OCLNN__CONV2D_PROBLEM_MAX], path[256], why[256];
    oclnn__conv2d_problem pb;
    assert_ok(oclnn__conv2d_resolve(&c.d, &pb));
    oclnn__conv2d_problem_str(&pb, problem, sizeof problem);
    oclnn__tune_conv conv = {"case", problem, c.d, c.dst, c.src, c.w, c.bias, c.ref};
    oclnn_device_info info;
    oclnn_context_device(t.ctx, &info);
    path_of("transferred.txt", path, sizeof path);
    oclnn__tune_family fam = {OCLNN_CONV_ALGO_DIRECT, &oclnn__tune_space_conv_direct};
    for (int broken = 1; broken >= 0; broken--) {
        oclnn__tune_db db;
        oclnn__tune_db_init(&db, &info);
        notes[0] = notes[1] = 0;
        const oclnn__tune_values start = {{4, 4}}, seed = {{4, broken ? 2 : 1}};
        oclnn__tune_job job = {0};
        job.limits = oclnn__tune_limits_of(&info);
        job.strategy = OCLNN__TUNE_ANNEAL;
        job.start = &start;
        job.seeds = &seed;
        job.n_seeds = 1;
        job.max_evals = 2;
        oclnn__tune_result r;
        assert_true(oclnn__tune_conv_search(&t, &conv, fam, job, &db, path, &r, why, sizeof why));
        assert_int_equal(r.evaluated, 2);
        assert_true(r.default_measured);
        assert_int_equal(r.wrong, broken);
        assert_int_equal(notes[1], (size_t)broken);
        const oclnn__tune_row *row = oclnn__tune_db_find(&db, "conv_direct", problem);
        assert_non_null(row);
        if (broken) assert_int_equal(row->values.v[1], 4); /* the start, never the wrong seed */
        oclnn__tune_db_free(&db);
    }
    conv_case_free(&c);
    oclnn__tuner_free(&t);
    oclnn_context_destroy(t.ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(problem_parse),
        cmocka_unit_test(problem_distance),
        cmocka_unit_test(db_round_trip),
        cmocka_unit_test(db_stale),
        cmocka_unit_test(db_corrupt),
        cmocka_unit_test(db_truncated),
        cmocka_unit_test(db_hostile_rows),
        cmocka_unit_test(db_nearest),
        cmocka_unit_test(default_path),
        cmocka_unit_test(context_loads_database),
        cmocka_unit_test(context_ignores_bad_database),
        cmocka_unit_test(c_backend_has_no_tuning),
        cmocka_unit_test(public_error_paths),
        cmocka_unit_test(search_finds_best),
        cmocka_unit_test(search_skips_failures),
        cmocka_unit_test(search_respects_budget),
        cmocka_unit_test(strategy_names),
        cmocka_unit_test(spaces_are_consistent),
        cmocka_unit_test(space_defaults_match_kernels),
        cmocka_unit_test(kernel_version_matches_sources),
        cmocka_unit_test(tuned_parameters_compute_correctly),
        cmocka_unit_test(auto_follows_database),
        cmocka_unit_test(auto_guards_winograd6), /* issue 19 */
        cmocka_unit_test(find_saved_and_followed),
        cmocka_unit_test(first_use_tunes_and_saves), /* issue 14 */
        cmocka_unit_test(search_skips_real_compile_failure),
        cmocka_unit_test(job_helpers),
        cmocka_unit_test(job_search_and_confirm),
        cmocka_unit_test(search_seeds_first_and_verified),
        cmocka_unit_test(transferred_candidate_verified),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
