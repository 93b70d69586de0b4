/* SPDX-License-Identifier: MIT */
/* The program cache: SHA-256 vectors, the verified file format (truncated, corrupt, foreign and
 * symlinked entries are refused), cold and warm starts, rebuild after corruption, concurrent
 * writers, the kernel override folder, build failures with their log, and the no-cache flag. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/filecache.h"
#include "core/hash.h"
#include "support/harness.h"

static void sha_hex(const char *msg, char hex[65]) {
    oclnn__sha256 h;
    uint8_t d[32];
    oclnn__sha256_init(&h);
    oclnn__sha256_update(&h, msg, strlen(msg));
    oclnn__sha256_final(&h, d);
    oclnn__sha256_hex(d, hex);
}

static void test_sha256_vectors(void **state) {
    (void)state;
    char hex[65];
    sha_hex("", hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_hex("abc", hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* One million 'a', fed in uneven pieces. */
    oclnn__sha256 h;
    uint8_t d[32];
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    oclnn__sha256_init(&h);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof chunk ? left : sizeof chunk;
        oclnn__sha256_update(&h, chunk, n);
        left -= n;
    }
    oclnn__sha256_final(&h, d);
    oclnn__sha256_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static char *make_temp_dir(void) {
    char *dir = strdup("/tmp/oclnn-test-cache-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(const char *dir) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Lists the single .bin file in dir (asserts there is exactly `expect` of them). */
static int count_entries(const char *dir, char *first, size_t cap, int *temps) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    *temps = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".bin")) {
            if (n++ == 0 && first) snprintf(first, cap, "%s/%s", dir, e->d_name);
        } else if (strstr(e->d_name, ".bin.")) {
            (*temps)++;
        }
    }
    closedir(d);
    return n;
}

static void test_file_format(void **state) {
    (void)state;
    char *dir = make_temp_dir();
    uint8_t key[32], other[32];
    memset(key, 0x11, 32);
    memset(other, 0x22, 32);
    const char payload[] = "compiled program bytes";
    void *data;
    size_t size;
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_MISS);
    assert_true(oclnn__filecache_store(dir, key, payload, sizeof payload));
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_HIT);
    assert_int_equal(size, sizeof payload);
    assert_memory_equal(data, payload, size);
    free(data);

    char path[512], other_path[512], hex[65];
    int temps;
    assert_int_equal(count_entries(dir, path, sizeof path, &temps), 1);
    assert_int_equal(temps, 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);

    /* Flipped payload byte: the checksum refuses it. */
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    char c;
    assert_int_equal(pread(fd, &c, 1, st.st_size - 3), 1);
    c ^= 0x40;
    assert_int_equal(pwrite(fd, &c, 1, st.st_size - 3), 1);
    close(fd);
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_REJECT);
    /* Truncated. */
    assert_true(oclnn__filecache_store(dir, key, payload, sizeof payload));
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_HIT);
    free(data);
    assert_int_equal(truncate(path, st.st_size - 5), 0);
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_REJECT);
    assert_int_equal(truncate(path, 10), 0);
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_REJECT);
    /* A valid entry for another key, renamed to this key's name. */
    assert_true(oclnn__filecache_store(dir, other, payload, sizeof payload));
    oclnn__sha256_hex(other, hex);
    snprintf(other_path, sizeof other_path, "%s/%s.bin", dir, hex);
    assert_int_equal(rename(other_path, path), 0);
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_REJECT);
    /* A symbolic link in place of the entry is not followed. */
    assert_true(oclnn__filecache_store(dir, other, payload, sizeof payload));
    unlink(path);
    assert_int_equal(symlink(other_path, path), 0);
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_REJECT);
    /* Rewriting replaces the link itself, never its target. */
    assert_true(oclnn__filecache_store(dir, key, payload, sizeof payload));
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(oclnn__filecache_load(dir, key, &data, &size), OCLNN__CACHE_HIT);
    free(data);
    remove_dir(dir);
    free(dir);
}

static void test_prepare_dir(void **state) {
    (void)state;
    char *dir = make_temp_dir();
    char sub[512], link[512];
    snprintf(sub, sizeof sub, "%s/a/b/c", dir);
    assert_true(oclnn__filecache_prepare_dir(sub));
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(link, sizeof link, "%s/link", dir);
    assert_int_equal(symlink(sub, link), 0);
    assert_false(oclnn__filecache_prepare_dir(link));
    snprintf(sub, sizeof sub, "%s/file", dir);
    FILE *f = fopen(sub, "w");
    fclose(f);
    assert_false(oclnn__filecache_prepare_dir(sub));
    remove_dir(dir);
    free(dir);
}

/* An OpenCL context with its own cache folder (and kernel folder); skips without OpenCL. */
static oclnn_context *cl_context(const char *cache_dir, const char *kernel_dir, uint32_t flags) {
    if (test_opencl_disabled()) skip();
    oclnn_context_options o = oclnn_context_options_default();
    o.device = getenv("OCLNN_TEST_DEVICE") ? getenv("OCLNN_TEST_DEVICE") : "0:0";
    o.cache_dir = cache_dir;
    o.kernel_dir = kernel_dir;
    o.flags = flags;
    oclnn_context *ctx;
    oclnn_status st = oclnn_context_create(&o, &ctx);
    if (st == OCLNN_ERROR_NO_DEVICE) skip();
    assert_ok(st);
    return ctx;
}

/* Skips the test (before it allocates anything) when no OpenCL device is usable. */
static void require_opencl(void) {
    oclnn_context_destroy(cl_context("none", NULL, OCLNN_FLAG_NO_DISK_CACHE));
}

/* A layout-changing copy needs the copy kernel; checks the values while at it. */
/* Writes and reads a channel view (not dense, same layout), which goes through
 * tensor/copy.cl in every device class (the GPU class transposes layout changes with
 * tensor/transpose_gpu.cl instead). */
static oclnn_status use_copy_kernel(oclnn_context *ctx) {
    oclnn_shape s = {2, 6, 4, 5};
    float src[120], got[120];
    for (int i = 0; i < 120; i++) src[i] = (float)i;
    oclnn_tensor *t, *v = NULL;
    oclnn_status st = oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &t);
    if (st != OCLNN_OK) return st;
    st = oclnn_tensor_view_channels(t, 1, 3, &v);
    if (st == OCLNN_OK) st = oclnn_tensor_write(v, src, OCLNN_LAYOUT_NCHW);
    if (st == OCLNN_OK) st = oclnn_tensor_read(v, got, OCLNN_LAYOUT_NCHW);
    if (st == OCLNN_OK && memcmp(src, got, sizeof got) != 0) st = OCLNN_ERROR_DEVICE;
    oclnn_tensor_destroy(v);
    oclnn_tensor_destroy(t);
    return st;
}

static oclnn_cache_stats stats_of(oclnn_context *ctx) {
    oclnn_cache_stats s;
    assert_ok(oclnn_context_cache_stats(ctx, &s));
    return s;
}

static void test_cold_warm_corrupt(void **state) {
    (void)state;
    require_opencl();
    char *dir = make_temp_dir();
    oclnn_context *ctx = cl_context(dir, NULL, 0);
    assert_ok(use_copy_kernel(ctx));
    oclnn_cache_stats s = stats_of(ctx);
    assert_int_equal(s.builds, 1);
    assert_int_equal(s.disk_hits, 0);
    assert_ok(use_copy_kernel(ctx)); /* in memory now */
    assert_int_equal(stats_of(ctx).builds, 1);
    assert_true(stats_of(ctx).memory_hits >= 1);
    oclnn_context_destroy(ctx);

    char path[512];
    int temps;
    assert_int_equal(count_entries(dir, path, sizeof path, &temps), 1);
    assert_int_equal(temps, 0);

    ctx = cl_context(dir, NULL, 0); /* warm start: from disk */
    assert_ok(use_copy_kernel(ctx));
    s = stats_of(ctx);
    assert_int_equal(s.builds, 0);
    assert_int_equal(s.disk_hits, 1);
    oclnn_context_destroy(ctx);

    /* Corrupt the entry: refused, rebuilt, rewritten. */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size / 2), 0);
    ctx = cl_context(dir, NULL, 0);
    assert_ok(use_copy_kernel(ctx));
    s = stats_of(ctx);
    assert_int_equal(s.disk_rejects, 1);
    assert_int_equal(s.builds, 1);
    oclnn_context_destroy(ctx);
    /* Garbage of the right size with a valid header would fail the checksum; garbage everywhere
     * fails the magic. Either way the next start is clean again. */
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 4096; i++) fputc(i * 7, f);
    fclose(f);
    ctx = cl_context(dir, NULL, 0);
    assert_ok(use_copy_kernel(ctx));
    assert_int_equal(stats_of(ctx).disk_rejects, 1);
    oclnn_context_destroy(ctx);
    ctx = cl_context(dir, NULL, 0);
    assert_ok(use_copy_kernel(ctx));
    assert_int_equal(stats_of(ctx).disk_hits, 1);
    oclnn_context_destroy(ctx);
    remove_dir(dir);
    free(dir);
}

/* Four processes warm up the same empty cache at once: all succeed, no temporary files remain,
 * and every entry left is valid (a fifth start loads everything from disk). The writers are
 * fresh processes (this binary re-executed), since a fork of a process with a live OpenCL
 * runtime is not safe. */
static const char *self_path;

static int warm_up_child(const char *dir) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = getenv("OCLNN_TEST_DEVICE") ? getenv("OCLNN_TEST_DEVICE") : "0:0";
    o.cache_dir = dir;
    oclnn_context *ctx;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) return 1;
    int rc = oclnn_context_warm_up(ctx) == OCLNN_OK && use_copy_kernel(ctx) == OCLNN_OK ? 0 : 2;
    oclnn_context_destroy(ctx);
    return rc;
}

static void test_concurrent_writers(void **state) {
    (void)state;
    require_opencl();
    char *dir = make_temp_dir();
    pid_t kids[4];
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        assert_true(kids[i] >= 0);
        if (kids[i] == 0) {
            execl(self_path, self_path, "--warm-up-child", dir, (char *)NULL);
            _exit(127);
        }
    }
    for (int i = 0; i < 4; i++) {
        int status;
        assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    int temps;
    int entries = count_entries(dir, NULL, 0, &temps);
    assert_true(entries >= 1);
    assert_int_equal(temps, 0);
    oclnn_context *ctx = cl_context(dir, NULL, 0);
    assert_ok(oclnn_context_warm_up(ctx));
    oclnn_cache_stats s = stats_of(ctx);
    assert_int_equal(s.builds, 0);
    assert_int_equal(s.disk_rejects, 0);
    assert_int_equal(s.disk_hits, (uint64_t)entries);
    oclnn_context_destroy(ctx);
    remove_dir(dir);
    free(dir);
}

static void write_file(const char *dir, const char *rel, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700);
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A broken kernel in the override folder: a clean BUILD_FAILED naming the file, the compiler log
 * kept, and the context still usable for work that needs no kernel. */
static void test_build_failure(void **state) {
    (void)state;
    require_opencl();
    char *kdir = make_temp_dir();
    write_file(kdir, "tensor/copy.cl", "kernel void oclnn_tensor_copy(global float *x) { this is not C; }\n");
    oclnn_context *ctx = cl_context(NULL, kdir, OCLNN_FLAG_NO_DISK_CACHE);
    assert_status(use_copy_kernel(ctx), OCLNN_ERROR_BUILD_FAILED);
    assert_error_mentions("tensor/copy.cl");
    assert_true(strlen(oclnn_context_build_log(ctx)) > 0);
    assert_non_null(strstr(oclnn_context_build_log(ctx), "error"));
    /* Still usable: a same-layout transfer needs no kernel. */
    oclnn_shape s = {1, 2, 3, 4};
    float in[24], out[24];
    for (int i = 0; i < 24; i++) in[i] = (float)i * 0.5f;
    oclnn_tensor *t;
    assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &t));
    assert_ok(oclnn_tensor_write(t, in, OCLNN_LAYOUT_NCHW));
    assert_ok(oclnn_tensor_read(t, out, OCLNN_LAYOUT_NCHW));
    assert_memory_equal(in, out, sizeof in);
    oclnn_tensor_destroy(t);
    oclnn_context_destroy(ctx);

    /* A missing include is a build failure too, with the file named. */
    write_file(kdir, "tensor/copy.cl", "#include \"common/nonexistent.h\"\n");
    ctx = cl_context(NULL, kdir, OCLNN_FLAG_NO_DISK_CACHE);
    assert_status(use_copy_kernel(ctx), OCLNN_ERROR_BUILD_FAILED);
    assert_error_mentions("common/nonexistent.h");
    oclnn_context_destroy(ctx);
    remove_dir(kdir);
    free(kdir);
}

/* The override folder really replaces the embedded file (and its includes resolve from the
 * embedded copies), and an edited kernel never reuses the binary cached for the old text. */
static void test_kernel_override(void **state) {
    (void)state;
    require_opencl();
    char *kdir = make_temp_dir(), *cdir = make_temp_dir();
    write_file(kdir, "tensor/copy.cl",
               "#include \"common/index.h\"\n"
               "kernel void oclnn_tensor_fill(global float *dst, uint off, uint4 s, uint4 dims,\n"
               "                              uint4 order, float value) {\n"
               "    uint i3 = get_global_id(0), i2 = get_global_id(1), i01 = get_global_id(2);\n"
               "    if (i3 >= dims.w || i2 >= dims.z || i01 >= dims.x * dims.y) return;\n"
               "    uint r[4]; r[order.x] = i01 / dims.y; r[order.y] = i01 % dims.y;\n"
               "    r[order.z] = i2; r[order.w] = i3;\n"
               "    dst[off + OCLNN_AT(s, r[0], r[1], r[2], r[3])] = 2.0f * value;\n"
               "}\n");
    for (int round = 0; round < 2; round++) {
        oclnn_context *ctx = cl_context(cdir, round ? NULL : kdir, 0);
        oclnn_shape s = {1, 4, 2, 2};
        oclnn_tensor *t, *v;
        assert_ok(oclnn_tensor_create(ctx, s, OCLNN_LAYOUT_NCHW, &t));
        assert_ok(oclnn_tensor_fill(t, 0.0f));
        assert_ok(oclnn_tensor_view_channels(t, 1, 2, &v)); /* a view takes the kernel path */
        assert_ok(oclnn_tensor_fill(v, 3.0f));
        float got[16];
        assert_ok(oclnn_tensor_read(t, got, OCLNN_LAYOUT_NCHW));
        float want = round ? 3.0f : 6.0f; /* round 1: the embedded kernel again, not the cached edit */
        for (int i = 0; i < 16; i++) assert_true(got[i] == (i >= 4 && i < 12 ? want : 0.0f));
        oclnn_tensor_destroy(v);
        oclnn_tensor_destroy(t);
        oclnn_context_destroy(ctx);
    }
    remove_dir(kdir);
    remove_dir(cdir);
    free(kdir);
    free(cdir);
}

static void test_no_disk_cache_flag(void **state) {
    (void)state;
    require_opencl();
    char *dir = make_temp_dir();
    oclnn_context *ctx = cl_context(dir, NULL, OCLNN_FLAG_NO_DISK_CACHE);
    assert_ok(use_copy_kernel(ctx));
    oclnn_context_destroy(ctx);
    int temps;
    assert_int_equal(count_entries(dir, NULL, 0, &temps), 0);
    /* "none" as the folder disables it too. */
    ctx = cl_context("none", NULL, 0);
    assert_ok(use_copy_kernel(ctx));
    assert_int_equal(stats_of(ctx).disk_hits, 0);
    oclnn_context_destroy(ctx);
    remove_dir(dir);
    free(dir);
}

/* An unusable cache folder (a file, or a symbolic link) only disables the disk cache. */
static void test_unusable_cache_dir(void **state) {
    (void)state;
    require_opencl();
    char *dir = make_temp_dir();
    char file[512], link[512];
    snprintf(file, sizeof file, "%s/plain-file", dir);
    FILE *f = fopen(file, "w");
    fclose(f);
    oclnn_context *ctx = cl_context(file, NULL, 0);
    assert_ok(use_copy_kernel(ctx));
    oclnn_context_destroy(ctx);
    snprintf(link, sizeof link, "%s/link", dir);
    assert_int_equal(symlink("/tmp", link), 0);
    ctx = cl_context(link, NULL, 0);
    assert_ok(use_copy_kernel(ctx));
    assert_int_equal(stats_of(ctx).disk_hits, 0);
    oclnn_context_destroy(ctx);
    remove_dir(dir);
    free(dir);
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--warm-up-child")) return warm_up_child(argv[2]);
    self_path = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_file_format),
        cmocka_unit_test(test_prepare_dir),
        cmocka_unit_test(test_cold_warm_corrupt),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_build_failure),
        cmocka_unit_test(test_kernel_override),
        cmocka_unit_test(test_no_disk_cache_flag),
        cmocka_unit_test(test_unusable_cache_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
