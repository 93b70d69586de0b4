/* SPDX-License-Identifier: MIT */
/* Untrusted files: every reader (the file helper itself, .safetensors weights, .npy inputs,
 * tuning databases, program-cache entries, kernel override folders) refuses a FIFO with no
 * writer, an endless character device (/dev/zero, /dev/urandom), a directory and a symbolic link
 * to a FIFO at once, with a message naming the file, instead of blocking or growing without
 * bound. An alarm turns a hang into a failure. The .npy header is parsed as a dict literal. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "core/filecache.h"
#include "core/hash.h"
#include "npy.h"
#include "support/harness.h"
#include "tune/db.h"

/* A hang is a failure: each test must finish well within this (seconds). */
#define HANG_LIMIT_S 60

static char dir[64], fifo[96], link_fifo[96], folder[96], regular[96];

/* The kinds a reader must refuse, by path. */
static const char *bad_paths(int i) {
    switch (i) {
    case 0: return fifo;
    case 1: return link_fifo;
    case 2: return folder;
    case 3: return "/dev/zero";
    case 4: return "/dev/urandom";
    }
    return NULL;
}

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/oclnn-files-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(link_fifo, sizeof link_fifo, "%s/link", dir);
    snprintf(folder, sizeof folder, "%s/folder", dir);
    snprintf(regular, sizeof regular, "%s/regular", dir);
    if (mkfifo(fifo, 0600) || symlink(fifo, link_fifo) || mkdir(folder, 0700)) return -1;
    FILE *f = fopen(regular, "wb");
    if (!f) return -1;
    fputs("hello", f);
    fclose(f);
    alarm(HANG_LIMIT_S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    alarm(0);
    unlink(fifo);
    unlink(link_fifo);
    rmdir(folder);
    unlink(regular);
    rmdir(dir);
    return 0;
}

static void test_helper(void **state) {
    (void)state;
    char why[512];
    void *data;
    size_t size;
    for (int i = 0; bad_paths(i); i++) {
        assert_int_equal(oclnn__file_read(bad_paths(i), 1 << 20, 0, &data, &size, why, sizeof why),
                         OCLNN__FILE_NOT_REGULAR);
        assert_non_null(strstr(why, bad_paths(i)));
        assert_non_null(strstr(why, "not a regular file"));
    }
    assert_int_equal(oclnn__file_read(link_fifo, 100, OCLNN__FILE_NO_FOLLOW, &data, &size, why, sizeof why),
                     OCLNN__FILE_NOT_REGULAR);
    assert_non_null(strstr(why, "symbolic link"));
    assert_int_equal(oclnn__file_read(regular, 4, 0, &data, &size, why, sizeof why), OCLNN__FILE_TOO_LARGE);
    assert_non_null(strstr(why, "larger than 4 bytes"));
    assert_int_equal(oclnn__file_read("/no/such/file", 4, 0, &data, &size, why, sizeof why),
                     OCLNN__FILE_MISSING);
    assert_int_equal(oclnn__file_read(regular, 5, 0, &data, &size, why, sizeof why), OCLNN__FILE_OK);
    assert_int_equal(size, 5);
    assert_string_equal(data, "hello"); /* NUL-terminated */
    free(data);
}

static void test_safetensors(void **state) {
    (void)state;
    oclnn_graph *g;
    assert_ok(oclnn_graph_create(&g));
    for (int i = 0; bad_paths(i); i++) {
        assert_status(oclnn_graph_load_safetensors(g, bad_paths(i), NULL), OCLNN_ERROR_BAD_FILE);
        assert_error_mentions(bad_paths(i));
        assert_error_mentions("not a regular file");
    }
    oclnn_graph_destroy(g);
}

/* ONNX models (built with OCLNN_WITH_ONNX; without it the loader refuses every path anyway). */
static void test_onnx(void **state) {
    (void)state;
    for (int i = 0; bad_paths(i); i++) {
        oclnn_graph *g = NULL;
        oclnn_status st = oclnn_graph_load_onnx(bad_paths(i), &g, NULL);
        assert_null(g);
        if (st == OCLNN_ERROR_UNSUPPORTED) continue; /* built without ONNX */
        assert_status(st, OCLNN_ERROR_BAD_FILE);
        assert_error_mentions(bad_paths(i));
        assert_error_mentions("not a regular file");
    }
}

static void test_npy_kinds(void **state) {
    (void)state;
    npy_array a;
    char err[512];
    for (int i = 0; bad_paths(i); i++) {
        assert_false(npy_read(bad_paths(i), &a, err, sizeof err));
        assert_non_null(strstr(err, bad_paths(i)));
        assert_null(a.data);
    }
}

static bool parse(const char *dict, npy_array *a, char *err, size_t n) {
    unsigned char file[512] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    size_t len = strlen(dict);
    file[8] = (unsigned char)len;
    memcpy(file + 10, dict, len);
    memset(file + 10 + len, 0, 12); /* three floats of data for shape (1, 3) */
    return npy_parse(file, 10 + len + 12, "x.npy", a, err, n);
}

/* The header is a dict literal: key text inside a value fools nothing. */
static void test_npy_header(void **state) {
    (void)state;
    npy_array a;
    char err[512];
    static const struct {
        const char *dict, *why; /* why NULL: accepted */
    } cases[] = {
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }   \n", NULL},
        {"{\"descr\": \"<f4\", \"shape\": (1,3), \"fortran_order\": False}\n", NULL},
        {"{'descr':'<f4','fortran_order':False,'shape':(3,)}", NULL},
        /* the trick: a value holding key text, then the real fortran_order True */
        {"{'x': \"'fortran_order': False\", 'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }",
         "other than descr"},
        {"{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }", "Fortran order"},
        {"{'descr': '<f4', 'fortran_order': False, 'fortran_order': False, 'shape': (1, 3)}", "repeats"},
        {"{'descr': '>f4', 'fortran_order': False, 'shape': (1, 3), }", "'<f4'"},
        {"{'descr': '<f4 ', 'fortran_order': False, 'shape': (1, 3), }", "'<f4'"},
        {"{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1, 3), }", "descr"},
        {"{'descr': '<f\\'4', 'fortran_order': False, 'shape': (1, 3), }", "'<f4'"},
        {"{'descr': '<f4', 'fortran_order': 0, 'shape': (1, 3), }", "True or False"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3) } x", "after the header"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, -3), }", "bad shape"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", "shorter"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", "longer"},
        {"{'descr': '<f4', 'fortran_order': False }", "lacks"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3)", "dict"},
        {"['descr', '<f4']", "not a dict"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        err[0] = '\0';
        bool ok = parse(cases[i].dict, &a, err, sizeof err);
        if (ok != !cases[i].why || (cases[i].why && !strstr(err, cases[i].why)))
            fail_msg("case %zu %s: got %s \"%s\"", i, cases[i].dict, ok ? "accepted" : "refused", err);
        if (ok) {
            assert_int_equal(a.count, 3);
            free(a.data);
        } else {
            assert_non_null(strstr(err, "x.npy"));
        }
    }
}

static void test_tuning_db(void **state) {
    (void)state;
    oclnn_device_info dev;
    memset(&dev, 0, sizeof dev);
    oclnn__tune_db db;
    char why[512];
    for (int i = 0; bad_paths(i); i++) {
        why[0] = '\0';
        oclnn__tune_load r = oclnn__tune_db_load(bad_paths(i), &dev, NULL, &db, why, sizeof why);
        assert_int_not_equal(r, OCLNN__TUNE_LOADED);
        assert_non_null(strstr(why, bad_paths(i)));
        oclnn__tune_db_free(&db);
    }
}

/* A cache entry that is a FIFO, a symlink to one or a folder is refused (then rebuilt). */
static void test_cache_entries(void **state) {
    (void)state;
    uint8_t key[32] = {1, 2, 3};
    char hex[65], entry[160];
    oclnn__sha256_hex(key, hex);
    snprintf(entry, sizeof entry, "%s/%s.bin", dir, hex);
    void *data = NULL;
    size_t size;
    for (int kind = 0; kind < 3; kind++) {
        if (kind == 0) assert_int_equal(mkfifo(entry, 0600), 0);
        if (kind == 1) assert_int_equal(symlink(fifo, entry), 0);
        if (kind == 2) assert_int_equal(mkdir(entry, 0700), 0);
        assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_REJECT);
        assert_null(data);
        if (kind == 2) rmdir(entry);
        else unlink(entry);
    }
}

/* A kernel override folder whose pool/pool.cl is a FIFO, a link to one, or a folder: the
 * embedded kernel is used (and the refusal logged), the pooling runs. */
static void test_kernel_dir(void **state) {
    (void)state;
    if (test_opencl_disabled()) skip();
    char sub[128], file[160];
    snprintf(sub, sizeof sub, "%s/kernels", dir);
    snprintf(file, sizeof file, "%s/pool", sub);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mkdir(file, 0700), 0);
    snprintf(file, sizeof file, "%s/pool/pool.cl", sub);
    for (int kind = 0; kind < 3; kind++) {
        if (kind == 0) assert_int_equal(mkfifo(file, 0600), 0);
        if (kind == 1) assert_int_equal(symlink(fifo, file), 0);
        if (kind == 2) assert_int_equal(mkdir(file, 0700), 0);
        oclnn_context_options o = oclnn_context_options_default();
        o.kernel_dir = sub;
        o.cache_dir = "none";
        o.tuning_db = "none";
        oclnn_context *ctx;
        oclnn_status st = oclnn_context_create(&o, &ctx);
        if (st == OCLNN_ERROR_NO_DEVICE) skip();
        assert_ok(st);
        oclnn_device_info info;
        assert_ok(oclnn_context_device(ctx, &info));
        if (info.backend != OCLNN_BACKEND_OPENCL) {
            oclnn_context_destroy(ctx);
            skip();
        }
        oclnn_pool2d_desc d = oclnn_pool2d_desc_default();
        d.input = (oclnn_shape){1, 1, 2, 2};
        d.kernel_h = d.kernel_w = 2;
        oclnn_op *op;
        oclnn_tensor *src, *dst;
        const float x[4] = {1, 4, 3, 2};
        float y;
        assert_ok(oclnn_pool2d_create(ctx, &d, &op));
        assert_ok(oclnn_tensor_create(ctx, d.input, OCLNN_LAYOUT_AUTO, &src));
        assert_ok(oclnn_tensor_create(ctx, (oclnn_shape){1, 1, 1, 1}, OCLNN_LAYOUT_AUTO, &dst));
        assert_ok(oclnn_tensor_write(src, x, OCLNN_LAYOUT_NCHW));
        assert_ok(oclnn_pool2d_run(op, src, dst, NULL));
        assert_ok(oclnn_tensor_read(dst, &y, OCLNN_LAYOUT_NCHW));
        assert_true(y == 4.0f);
        oclnn_tensor_destroy(src);
        oclnn_tensor_destroy(dst);
        oclnn_op_destroy(op);
        oclnn_context_destroy(ctx);
        if (kind == 2) rmdir(file);
        else unlink(file);
    }
    snprintf(file, sizeof file, "%s/pool", sub);
    rmdir(file);
    rmdir(sub);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_helper),        cmocka_unit_test(test_safetensors),
        cmocka_unit_test(test_npy_kinds),     cmocka_unit_test(test_npy_header),
        cmocka_unit_test(test_tuning_db),     cmocka_unit_test(test_cache_entries),
        cmocka_unit_test(test_kernel_dir),    cmocka_unit_test(test_onnx),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
