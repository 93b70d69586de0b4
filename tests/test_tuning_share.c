/* SPDX-License-Identifier: MIT */
/* Tuning that travels (issue 14): the folders searched for databases ($XDG_DATA_HOME,
 * $XDG_DATA_DIRS, the install prefix), the lookup levels (this device's database, then its
 * class's, then the class defaults) and what a context reports of them, class keys, the
 * families `oclnn tune` searches per device class (one algorithm per space), and the class
 * defaults measured on AVX-512 CPUs. `oclnn tune --merge` is checked by check_tune_merge.cmake. */
#include "support/harness.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/context.h"
#include "ops/conv2d.h"
#include "tune/db.h"
#include "tune/transfer.h"
#include "tune/tune.h"

#define CONV_3X3 "n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1"

static char dir[64];

/* The environment a test changes, restored by teardown. */
static const char *const saved_names[] = {"XDG_DATA_HOME", "XDG_DATA_DIRS", "HOME", "OCLNN_TUNING_DB"};
static char *saved[4];

static int setup(void **state) {
    (void)state;
    for (size_t i = 0; i < 4; i++) saved[i] = getenv(saved_names[i]) ? strdup(getenv(saved_names[i])) : NULL;
    strcpy(dir, "/tmp/oclnn-test-share-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    test_teardown(state);
    for (size_t i = 0; i < 4; i++) {
        if (saved[i]) setenv(saved_names[i], saved[i], 1);
        else unsetenv(saved_names[i]);
        free(saved[i]);
        saved[i] = NULL;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static oclnn_device_info fake_cpu(uint32_t lanes) {
    oclnn_device_info d;
    memset(&d, 0, sizeof d);
    d.backend = OCLNN_BACKEND_OPENCL;
    strcpy(d.name, "Fake CPU 16");
    strcpy(d.vendor, "Fake Inc.");
    strcpy(d.driver_version, "1.0");
    d.is_cpu = true;
    d.native_vector_width_float = lanes;
    d.max_work_group_size = 4096;
    d.local_mem_bytes = 65536;
    return d;
}

static void mkdirs(const char *sub) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    mkdir(path, 0700);
}

/* Writes a database (header for name/vendor/driver, then rows) to dir/sub/file. */
static void write_db(const char *sub, const char *file, const char *name, const char *vendor, const char *driver,
                     const char *rows) {
    mkdirs(sub);
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, file);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "oclnn-tuning 1\ndevice: %s\nvendor: %s\ndriver: %s\nkernels: %d\n%send\n", name, vendor, driver,
            OCLNN__KERNEL_VERSION, rows);
    fclose(f);
}

static void clean(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", dir);
    assert_int_equal(system(cmd), 0);
}

static void use_dirs(void) {
    clean();
    char home[128], sys[256];
    snprintf(home, sizeof home, "%s/user", dir);
    snprintf(sys, sizeof sys, "relative/ignored:%s/sys1::%s/sys2:%s/sys1", dir, dir, dir);
    setenv("XDG_DATA_HOME", home, 1);
    setenv("XDG_DATA_DIRS", sys, 1);
    unsetenv("OCLNN_TUNING_DB");
}

static void search_dirs(void **state) {
    (void)state;
    use_dirs();
    char dirs[8][1024], want[256];
    size_t n = oclnn__tune_search_dirs(dirs, 8);
    assert_true(n >= 3);
    snprintf(want, sizeof want, "%s/user/oclnn/tuning", dir);
    assert_string_equal(dirs[0], want);
    snprintf(want, sizeof want, "%s/sys1/oclnn/tuning", dir);
    assert_string_equal(dirs[1], want); /* the relative entry is skipped, the repeated one too */
    snprintf(want, sizeof want, "%s/sys2/oclnn/tuning", dir);
    assert_string_equal(dirs[2], want);
    assert_non_null(strstr(dirs[n - 1], "/oclnn/tuning")); /* the install prefix's, last */
    /* Without XDG_DATA_DIRS: the specification's default. */
    unsetenv("XDG_DATA_DIRS");
    n = oclnn__tune_search_dirs(dirs, 8);
    assert_true(n >= 3);
    assert_string_equal(dirs[1], "/usr/local/share/oclnn/tuning");
    assert_string_equal(dirs[2], "/usr/share/oclnn/tuning");
    /* A small table is not overrun. */
    assert_int_equal(oclnn__tune_search_dirs(dirs, 1), 1);
}

static void class_keys(void **state) {
    (void)state;
    char key[32];
    oclnn_device_info d = fake_cpu(16);
    oclnn__tune_class_key(&d, OCLNN__DEVCLASS_CPU, key, sizeof key);
    assert_string_equal(key, "cpu-avx512");
    d = fake_cpu(8);
    oclnn__tune_class_key(&d, OCLNN__DEVCLASS_CPU, key, sizeof key);
    assert_string_equal(key, "cpu-avx2");
    d = fake_cpu(4);
    oclnn__tune_class_key(&d, OCLNN__DEVCLASS_CPU, key, sizeof key);
    assert_string_equal(key, "cpu");
    oclnn__tune_class_key(&d, OCLNN__DEVCLASS_GPU_NVIDIA, key, sizeof key);
    assert_string_equal(key, oclnn__devclass_name(OCLNN__DEVCLASS_GPU_NVIDIA));
}

#define ROW_DIRECT(kb) "conv_direct " CONV_3X3 " KB=" #kb " QB=4 1.5\n"

/* Device file > class file > class defaults; unusable files are passed over. */
static void lookup_levels(void **state) {
    (void)state;
    use_dirs();
    oclnn_device_info d = fake_cpu(16);
    oclnn__tune_db db;
    oclnn__tune_found found;
    char want[256];
    /* nothing: the class defaults, and the user's file is where a save goes */
    assert_int_equal(oclnn__tune_locate(&d, OCLNN__DEVCLASS_CPU, NULL, false, &db, &found), OCLNN__TUNE_MISSING);
    assert_int_equal(found.level, OCLNN__TUNE_LEVEL_CLASS_DEFAULT);
    snprintf(want, sizeof want, "%s/user/oclnn/tuning/fake-cpu-16.txt", dir);
    assert_string_equal(found.save_path, want);
    assert_string_equal(oclnn__tune_level_name(found.level), "class defaults");
    oclnn__tune_db_free(&db);

    /* a class file of another class, then of this class, in a system folder */
    write_db("sys1/oclnn/tuning", "class-cpu-avx512.txt", "class cpu-avx2", "*", "*", ROW_DIRECT(1));
    assert_int_equal(oclnn__tune_locate(&d, OCLNN__DEVCLASS_CPU, NULL, false, &db, &found), OCLNN__TUNE_STALE);
    assert_int_equal(found.level, OCLNN__TUNE_LEVEL_CLASS_DEFAULT);
    assert_non_null(strstr(found.reason, "cpu-avx2"));
    oclnn__tune_db_free(&db);
    write_db("sys2/oclnn/tuning", "class-cpu-avx512.txt", "class cpu-avx512", "*", "*", ROW_DIRECT(2));
    assert_int_equal(oclnn__tune_locate(&d, OCLNN__DEVCLASS_CPU, NULL, false, &db, &found), OCLNN__TUNE_LOADED);
    assert_int_equal(found.level, OCLNN__TUNE_LEVEL_CLASS);
    assert_true(oclnn__tune_db_is_class(&db));
    assert_int_equal(oclnn__tune_db_find(&db, "conv_direct", CONV_3X3)->values.v[0], 2);
    oclnn__tune_db_free(&db);

    /* this device's file in a system folder beats the class file */
    write_db("sys2/oclnn/tuning", "fake-cpu-16.txt", d.name, d.vendor, d.driver_version, ROW_DIRECT(8));
    assert_int_equal(oclnn__tune_locate(&d, OCLNN__DEVCLASS_CPU, NULL, false, &db, &found), OCLNN__TUNE_LOADED);
    assert_int_equal(found.level, OCLNN__TUNE_LEVEL_DEVICE);
    assert_int_equal(oclnn__tune_db_find(&db, "conv_direct", CONV_3X3)->values.v[0], 8);
    snprintf(want, sizeof want, "%s/sys2/oclnn/tuning/fake-cpu-16.txt", dir);
    assert_string_equal(found.path, want);
    oclnn__tune_db_free(&db);

    /* a stale file in the user's folder (another driver) is passed over; a good one wins */
    write_db("user/oclnn/tuning", "fake-cpu-16.txt", d.name, d.vendor, "0.9", ROW_DIRECT(16));
    assert_int_equal(oclnn__tune_locate(&d, OCLNN__DEVCLASS_CPU, NULL, false, &db, &found), OCLNN__TUNE_LOADED);
    assert_int_equal(oclnn__tune_db_find(&db, "conv_direct", CONV_3X3)->values.v[0], 8);
    oclnn__tune_db_free(&db);
    write_db("user/oclnn/tuning", "fake-cpu-16.txt", d.name, d.vendor, d.driver_version, ROW_DIRECT(16));
    assert_int_equal(oclnn__tune_locate(&d, OCLNN__DEVCLASS_CPU, NULL, false, &db, &found), OCLNN__TUNE_LOADED);
    assert_int_equal(oclnn__tune_db_find(&db, "conv_direct", CONV_3X3)->values.v[0], 16);
    oclnn__tune_db_free(&db);

    /* an explicit file is the only one consulted; a class file is accepted there too */
    char path[256];
    snprintf(path, sizeof path, "%s/sys2/oclnn/tuning/class-cpu-avx512.txt", dir);
    assert_int_equal(oclnn__tune_locate(&d, OCLNN__DEVCLASS_CPU, path, false, &db, &found), OCLNN__TUNE_LOADED);
    assert_int_equal(found.level, OCLNN__TUNE_LEVEL_CLASS);
    assert_string_equal(found.save_path, path);
    oclnn__tune_db_free(&db);
    snprintf(path, sizeof path, "%s/nowhere.txt", dir);
    assert_int_equal(oclnn__tune_locate(&d, OCLNN__DEVCLASS_CPU, path, false, &db, &found), OCLNN__TUNE_MISSING);
    oclnn__tune_db_free(&db);

    /* a device with narrower vectors: another class; a file named for it but holding another
     * class's rows is not used */
    oclnn_device_info narrow = fake_cpu(8);
    snprintf(narrow.name, sizeof narrow.name, "Fake CPU 8");
    assert_int_equal(oclnn__tune_locate(&narrow, OCLNN__DEVCLASS_CPU, NULL, false, &db, &found), OCLNN__TUNE_MISSING);
    oclnn__tune_db_free(&db);
    write_db("sys2/oclnn/tuning", "class-cpu-avx2.txt", "class cpu-avx512", "*", "*", ROW_DIRECT(2));
    assert_int_equal(oclnn__tune_locate(&narrow, OCLNN__DEVCLASS_CPU, NULL, false, &db, &found), OCLNN__TUNE_STALE);
    assert_int_equal(found.level, OCLNN__TUNE_LEVEL_CLASS_DEFAULT);
    oclnn__tune_db_free(&db);
}

/* A real context reports the level; a class database is used but never written by a save. */
static void context_reports_level(void **state) {
    (void)state;
    if (test_opencl_disabled()) skip();
    use_dirs();
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_opencl_device();
    oclnn_context *ctx;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) skip();
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(ctx, &dev));
    oclnn_tuning_info info;
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_int_equal(info.state, OCLNN_TUNING_NONE);
    assert_string_equal(info.source, "class defaults");
    char key[32], name[64], file[80];
    oclnn__tune_class_key(&dev, ctx->devclass, key, sizeof key);
    oclnn_context_destroy(ctx);

    snprintf(file, sizeof file, "class-%s.txt", key);
    snprintf(name, sizeof name, "class %s", key);
    write_db("sys2/oclnn/tuning", file, name, "*", "*", ROW_DIRECT(2));
    assert_ok(oclnn_context_create(&o, &ctx));
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_int_equal(info.state, OCLNN_TUNING_LOADED);
    assert_string_equal(info.source, "class database");
    assert_int_equal(info.entries, 1);
    oclnn__tune_source src;
    const oclnn__tune_space *sp = oclnn__conv2d_space_of(ctx, OCLNN_CONV_ALGO_DIRECT);
    oclnn__tune_values v = oclnn__tune_lookup(ctx, sp, CONV_3X3, &src);
    if (sp == &oclnn__tune_space_conv_direct) {
        assert_int_equal(src, OCLNN__TUNE_FROM_EXACT);
        assert_int_equal(v.v[0], 2);
    }
    /* save(NULL) goes to the user's file, not the system-wide class file */
    assert_ok(oclnn_context_save_tuning(ctx, NULL));
    oclnn_context_destroy(ctx);
    char sanitized[160], path[512];
    oclnn__tune_sanitize(dev.name, sanitized, sizeof sanitized);
    snprintf(path, sizeof path, "%s/user/oclnn/tuning/%s.txt", dir, sanitized);
    oclnn__tune_db db;
    char why[256];
    assert_int_equal(oclnn__tune_db_load(path, &dev, NULL, &db, why, sizeof why), OCLNN__TUNE_LOADED);
    oclnn__tune_db_free(&db);
    /* now the device's own file answers */
    assert_ok(oclnn_context_create(&o, &ctx));
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_string_equal(info.source, "device database");
    assert_string_equal(info.path, path);
    oclnn_context_destroy(ctx);
}

/* A device database found by the lookup does not hide the class database: the class's rows answer
 * for the problems the device's file has no row for (a quick tune's file holds a few), and a
 * problem the device's file has rows for is answered by that file alone. */
#define CONV_1X1 "n1c256h14w14k1024r1s1st1x1pad0,0,0,0dil1x1g1"
static void device_database_over_class(void **state) {
    (void)state;
    if (test_opencl_disabled()) skip();
    use_dirs();
    oclnn_context_options o = oclnn_context_options_default();
    o.device = test_opencl_device();
    oclnn_context *ctx;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) skip();
    oclnn_device_info dev;
    assert_ok(oclnn_context_device(ctx, &dev));
    const oclnn__tune_space *sp = oclnn__conv2d_space_of(ctx, OCLNN_CONV_ALGO_DIRECT);
    char key[32], name[64], file[200];
    oclnn__tune_class_key(&dev, ctx->devclass, key, sizeof key);
    oclnn_context_destroy(ctx);
    if (sp != &oclnn__tune_space_conv_direct) skip(); /* the GPU class's direct space has other parameters */
    snprintf(file, sizeof file, "class-%s.txt", key);
    snprintf(name, sizeof name, "class %s", key);
    write_db("sys2/oclnn/tuning", file, name, "*", "*",
             ROW_DIRECT(2) "conv_direct " CONV_1X1 " KB=8 QB=2 1.0\n");
    char sanitized[160];
    oclnn__tune_sanitize(dev.name, sanitized, sizeof sanitized);
    snprintf(file, sizeof file, "%s.txt", sanitized);
    write_db("user/oclnn/tuning", file, dev.name, dev.vendor, dev.driver_version,
             "conv_direct " CONV_1X1 " KB=16 QB=8 0.5\n");
    assert_ok(oclnn_context_create(&o, &ctx));
    oclnn_tuning_info info;
    assert_ok(oclnn_context_tuning(ctx, &info));
    assert_string_equal(info.source, "device database");
    assert_int_equal(info.entries, 1);
    oclnn__tune_source src;
    oclnn__tune_values v = oclnn__tune_lookup(ctx, sp, CONV_3X3, &src); /* the class's row */
    assert_int_equal(src, OCLNN__TUNE_FROM_EXACT);
    assert_int_equal(v.v[oclnn__tune_param_index(sp, "KB")], 2);
    v = oclnn__tune_lookup(ctx, sp, CONV_1X1, &src); /* the device's row, not the class's */
    assert_int_equal(src, OCLNN__TUNE_FROM_EXACT);
    assert_int_equal(v.v[oclnn__tune_param_index(sp, "KB")], 16);
    oclnn_context_destroy(ctx);
    /* an explicit file is the only one consulted */
    char path[512];
    snprintf(path, sizeof path, "%s/user/oclnn/tuning/%s", dir, file);
    o.tuning_db = path;
    assert_ok(oclnn_context_create(&o, &ctx));
    v = oclnn__tune_lookup(ctx, sp, CONV_3X3, &src);
    assert_int_not_equal(src, OCLNN__TUNE_FROM_EXACT);
    oclnn_context_destroy(ctx);
}

static bool has_space(const struct oclnn__tune_space *const *spaces, size_t n, const oclnn__tune_space *sp) {
    for (size_t i = 0; i < n; i++)
        if (spaces[i] == sp) return true;
    return false;
}

/* What `oclnn tune` searches and AUTO compares: one algorithm per space, the class's spaces. */
static void tuned_families_per_class(void **state) {
    (void)state;
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){1, 64, 56, 56};
    d.out_channels = 256;
    d.kernel_h = d.kernel_w = 1;
    oclnn__conv2d_problem pb;
    assert_ok(oclnn__conv2d_resolve(&d, &pb));
    oclnn_conv_algo algos[OCLNN_CONV_ALGO_COUNT];
    const oclnn__tune_space *spaces[OCLNN_CONV_ALGO_COUNT];
    oclnn__conv2d_caps cpu = {OCLNN_BACKEND_OPENCL, false, OCLNN__DEVCLASS_CPU};
    size_t n = oclnn__conv2d_tuned_families(&pb, &cpu, algos, spaces);
    assert_int_equal(algos[0], oclnn__conv2d_choose(&pb, &cpu)); /* the heuristic first */
    assert_true(has_space(spaces, n, &oclnn__tune_space_conv_im2col));
    assert_true(has_space(spaces, n, &oclnn__tune_space_conv_gemm1x1));
    assert_true(has_space(spaces, n, &oclnn__tune_space_conv_direct));
    assert_true(has_space(spaces, n, &oclnn__tune_space_conv_xgemm));
    for (oclnn__devclass c = OCLNN__DEVCLASS_GPU_NVIDIA; c < OCLNN__DEVCLASS_COUNT; c++) {
        oclnn__conv2d_caps gpu = {OCLNN_BACKEND_OPENCL, false, c};
        n = oclnn__conv2d_tuned_families(&pb, &gpu, algos, spaces);
        assert_int_equal(algos[0], oclnn__conv2d_choose(&pb, &gpu));
        assert_int_equal(algos[0], OCLNN_CONV_ALGO_GEMM1X1); /* it claims the engine's space */
        assert_ptr_equal(spaces[0], &oclnn__tune_space_conv_xgemm);
        assert_false(has_space(spaces, n, &oclnn__tune_space_conv_im2col));
        assert_false(has_space(spaces, n, &oclnn__tune_space_conv_gemm1x1));
        assert_false(has_space(spaces, n, &oclnn__tune_space_conv_direct));
        assert_true(has_space(spaces, n, &oclnn__tune_space_conv_direct_gpu));
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) assert_ptr_not_equal(spaces[i], spaces[j]);
    }
}

/* The AVX-512 class default of the direct kernel (measured: tools/tuning/...), valid on the
 * device; narrower CPUs keep the kernel's. */
static void cpu_class_defaults(void **state) {
    (void)state;
    oclnn__tune_values v;
    oclnn_device_info wide = fake_cpu(16), narrow = fake_cpu(8);
    assert_true(oclnn__tune_device_default(&oclnn__tune_space_conv_direct, &wide, OCLNN__DEVCLASS_CPU, &v));
    assert_int_equal(v.v[oclnn__tune_param_index(&oclnn__tune_space_conv_direct, "KB")], 16);
    assert_int_equal(v.v[oclnn__tune_param_index(&oclnn__tune_space_conv_direct, "QB")], 8);
    assert_false(oclnn__tune_device_default(&oclnn__tune_space_conv_direct, &narrow, OCLNN__DEVCLASS_CPU, &v));
    assert_true(oclnn__tune_device_default(&oclnn__tune_space_conv_im2col, &narrow, OCLNN__DEVCLASS_CPU, &v));
    assert_int_equal(v.v[oclnn__tune_param_index(&oclnn__tune_space_conv_im2col, "VW")], 8);
}

/* The shipped databases (installed into share/oclnn/tuning) are well formed, every row inside
 * its space, and the class database is one. */
static void shipped_databases_load(void **state) {
    (void)state;
    static const char *const files[] = {"class-cpu-avx512.txt", "pthread-skylake-avx512-amd-epyc.txt",
                                        "pthread-skylake-avx512-intel-r-xeon-r-processor.txt"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[512], why[256];
        snprintf(path, sizeof path, "%s/../../tools/tuning/%s", OCLNN_TEST_DATA_DIR, files[i]);
        oclnn__tune_db db;
        assert_int_equal(oclnn__tune_db_read(path, NULL, &db, why, sizeof why), OCLNN__TUNE_LOADED);
        assert_int_equal(db.rejected, 0);
        assert_int_equal(db.kernels, OCLNN__KERNEL_VERSION);
        assert_true(db.n_rows > 0);
        assert_int_equal(oclnn__tune_db_is_class(&db), i == 0);
        oclnn__tune_db_free(&db);
    }
}

/* ---- oclnn tune --quick's candidates (src/tune/transfer.c) ---------------------------------- */

#define QUICK_1X1 "n1c64h56w56k256r1s1st1x1pad0,0,0,0dil1x1g1"
#define QUICK_1X1_NEAR "n1c64h28w28k256r1s1st1x1pad0,0,0,0dil1x1g1"

/* The families `oclnn tune` searches for the 1x1 problem on a CPU device, and its heuristic's. */
static size_t families_1x1(oclnn__tune_family *out, oclnn_conv_algo *heuristic, const char *problem) {
    oclnn_conv2d_desc d = oclnn_conv2d_desc_default();
    d.input = (oclnn_shape){1, 64, strstr(problem, "h28") ? 28 : 56, strstr(problem, "h28") ? 28 : 56};
    d.out_channels = 256;
    d.kernel_h = d.kernel_w = 1;
    oclnn__conv2d_problem pb;
    assert_ok(oclnn__conv2d_resolve(&d, &pb));
    char str[OCLNN__CONV2D_PROBLEM_MAX];
    oclnn__conv2d_problem_str(&pb, str, sizeof str);
    assert_string_equal(str, problem);
    oclnn_conv_algo algos[OCLNN_CONV_ALGO_COUNT];
    const oclnn__tune_space *spaces[OCLNN_CONV_ALGO_COUNT];
    oclnn__conv2d_caps cpu = {OCLNN_BACKEND_OPENCL, false, OCLNN__DEVCLASS_CPU};
    size_t n = oclnn__conv2d_tuned_families(&pb, &cpu, algos, spaces);
    for (size_t i = 0; i < n; i++) out[i] = (oclnn__tune_family){algos[i], spaces[i]};
    *heuristic = oclnn__conv2d_choose(&pb, &cpu);
    return n;
}

static const oclnn__tune_seed *seed_of(const oclnn__tune_seed *s, size_t n, const oclnn__tune_space *sp) {
    for (size_t i = 0; i < n; i++)
        if (s[i].family.space == sp) return &s[i];
    return NULL;
}

/* Without a shipped database: the class default of the family AUTO uses untuned, alone (the
 * search of that family that --quick ran before issue 14's transfer). */
static void quick_seeds_without_known(void **state) {
    (void)state;
    use_dirs();
    oclnn_device_info d = fake_cpu(16);
    oclnn__tune_known k;
    assert_int_equal(oclnn__tune_known_load(&d, OCLNN__DEVCLASS_CPU, &k), 0);
    oclnn__tune_family fams[OCLNN_CONV_ALGO_COUNT];
    oclnn_conv_algo heuristic;
    size_t n_fams = families_1x1(fams, &heuristic, QUICK_1X1);
    assert_true(n_fams >= 3);
    oclnn__tune_seed seeds[OCLNN__TUNE_MAX_SEEDS];
    size_t n = oclnn__tune_quick_seeds(&k, &d, OCLNN__DEVCLASS_CPU, QUICK_1X1, fams, n_fams, heuristic, 2.0, seeds);
    assert_int_equal(n, 1);
    assert_int_equal(seeds[0].family.algo, heuristic);
    assert_false(seeds[0].transferred);
    oclnn__tune_values def;
    assert_true(oclnn__tune_device_default(seeds[0].family.space, &d, OCLNN__DEVCLASS_CPU, &def));
    assert_memory_equal(&seeds[0].values, &def, sizeof def);
    oclnn__tune_known_free(&k);
}

/* With a class database (and this device's own file): every family's recorded configuration
 * follows the class default, exact rows fastest first, then the nearest shape's; a row equal to
 * the class default is not timed twice; a family the class database found hopeless is left out. */
static void quick_seeds_from_known(void **state) {
    (void)state;
    use_dirs();
    oclnn_device_info d = fake_cpu(16);
    oclnn__tune_family fams[OCLNN_CONV_ALGO_COUNT];
    oclnn_conv_algo heuristic;
    size_t n_fams = families_1x1(fams, &heuristic, QUICK_1X1);
    assert_int_equal(heuristic, OCLNN_CONV_ALGO_GEMM1X1);
    oclnn__tune_values def;
    assert_true(oclnn__tune_device_default(&oclnn__tune_space_conv_gemm1x1, &d, OCLNN__DEVCLASS_CPU, &def));
    char rows[1024];
    snprintf(rows, sizeof rows,
             "conv_gemm1x1 " QUICK_1X1 " TM=%d VW=%d NV=%d 3.0\n"   /* the class default again */
             "conv_im2col " QUICK_1X1 " TM=4 VW=16 NV=1 2.5\n"
             "conv_direct " QUICK_1X1 " KB=8 QB=4 2.0\n"
             "conv_xgemm " QUICK_1X1 " MWG=64 NWG=64 KWG=16 MDIMC=8 NDIMC=16 DB=0 VW=1 9.0\n", /* 4.5x the fastest */
             def.v[0], def.v[1], def.v[2]);
    write_db("sys2/oclnn/tuning", "class-cpu-avx512.txt", "class cpu-avx512", "*", "*", rows);
    oclnn__tune_known k;
    assert_int_equal(oclnn__tune_known_load(&d, OCLNN__DEVCLASS_CPU, &k), 1);
    oclnn__tune_seed s[OCLNN__TUNE_MAX_SEEDS];
    size_t n = oclnn__tune_quick_seeds(&k, &d, OCLNN__DEVCLASS_CPU, QUICK_1X1, fams, n_fams, heuristic, 2.0, s);
    assert_int_equal(n, 3);
    assert_ptr_equal(s[0].family.space, &oclnn__tune_space_conv_gemm1x1); /* what runs untuned, first */
    assert_false(s[0].transferred);
    assert_ptr_equal(s[1].family.space, &oclnn__tune_space_conv_direct); /* another family's row */
    assert_true(s[1].transferred && s[1].exact);
    assert_int_equal(s[1].values.v[0], 8);
    assert_int_equal(s[1].values.v[1], 4);
    assert_ptr_equal(s[2].family.space, &oclnn__tune_space_conv_im2col);
    assert_int_equal(s[2].values.v[0], 4);
    assert_null(seed_of(s, n, &oclnn__tune_space_conv_xgemm));
    /* without the ratio the hopeless row is a candidate too */
    n = oclnn__tune_quick_seeds(&k, &d, OCLNN__DEVCLASS_CPU, QUICK_1X1, fams, n_fams, heuristic, 0, s);
    assert_int_equal(n, 4);
    assert_non_null(seed_of(s, n, &oclnn__tune_space_conv_xgemm));
    /* a shape the class database has no row for: its nearest shape's rows, marked not exact */
    oclnn__tune_family near[OCLNN_CONV_ALGO_COUNT];
    size_t n_near = families_1x1(near, &heuristic, QUICK_1X1_NEAR);
    n = oclnn__tune_quick_seeds(&k, &d, OCLNN__DEVCLASS_CPU, QUICK_1X1_NEAR, near, n_near, heuristic, 2.0, s);
    assert_int_equal(n, 3);
    assert_true(s[1].transferred && !s[1].exact);
    assert_non_null(seed_of(s, n, &oclnn__tune_space_conv_direct));
    oclnn__tune_known_free(&k);
    /* this device's own file adds its configuration (a second candidate of the family) */
    write_db("user/oclnn/tuning", "fake-cpu-16.txt", d.name, d.vendor, d.driver_version,
             "conv_direct " QUICK_1X1 " KB=16 QB=2 1.5\n");
    assert_int_equal(oclnn__tune_known_load(&d, OCLNN__DEVCLASS_CPU, &k), 2);
    n = oclnn__tune_quick_seeds(&k, &d, OCLNN__DEVCLASS_CPU, QUICK_1X1, fams, n_fams, heuristic, 2.0, s);
    assert_int_equal(n, 4);
    assert_ptr_equal(s[1].family.space, &oclnn__tune_space_conv_direct);
    assert_int_equal(s[1].values.v[0], 16); /* 1.5 ms: recorded fastest */
    assert_int_equal(s[1].values.v[1], 2);
    oclnn__tune_known_free(&k);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(search_dirs),
        cmocka_unit_test(class_keys),
        cmocka_unit_test(lookup_levels),
        cmocka_unit_test(context_reports_level),
        cmocka_unit_test(device_database_over_class),
        cmocka_unit_test(tuned_families_per_class),
        cmocka_unit_test(cpu_class_defaults),
        cmocka_unit_test(shipped_databases_load),
        cmocka_unit_test(quick_seeds_without_known),
        cmocka_unit_test(quick_seeds_from_known),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
