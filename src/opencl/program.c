/* SPDX-License-Identifier: MIT */
/* Programs and kernels: the per-context memory cache keyed by (path, options), the disk cache of
 * binaries keyed by a hash of (device, driver, oclnn version, resolved source, options), build
 * logs, kernel arguments and launches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/filecache.h"
#include "core/hash.h"
#include "core/log.h"
#include "opencl/opencl.h"
#include "opencl/source.h"

oclnn_status oclnn__cl_fail(cl_int err, const char *what) {
    oclnn_status st = OCLNN_ERROR_DEVICE;
    if (err == CL_MEM_OBJECT_ALLOCATION_FAILURE || err == CL_OUT_OF_RESOURCES ||
        err == CL_INVALID_BUFFER_SIZE)
        st = OCLNN_ERROR_DEVICE_OUT_OF_MEMORY;
    else if (err == CL_OUT_OF_HOST_MEMORY)
        st = OCLNN_ERROR_OUT_OF_MEMORY;
    return oclnn__fail(st, "%s failed: %s (%d)", what, oclnn__cl_error_name(err), (int)err);
}

static void append(oclnn__cl_options *o, const char *text) {
    size_t n = strlen(text);
    if (o->len + n + 2 > sizeof o->text) {
        o->overflow = true;
        return;
    }
    if (o->len) o->text[o->len++] = ' ';
    memcpy(o->text + o->len, text, n + 1);
    o->len += n;
}

void oclnn__cl_define_int(oclnn__cl_options *o, const char *name, long value) {
    char d[160];
    snprintf(d, sizeof d, "-D%s=%ld", name, value);
    append(o, d);
}

void oclnn__cl_define_str(oclnn__cl_options *o, const char *name, const char *value) {
    char d[320];
    snprintf(d, sizeof d, "-D%s=%s", name, value);
    append(o, d);
}

static void cache_key(const oclnn_context *ctx, const char *source, size_t size, const char *options,
                      uint8_t key[32]) {
    oclnn__sha256 h;
    oclnn__sha256_init(&h);
    oclnn__sha256_field(&h, "oclnn program cache 1");
    oclnn__sha256_field(&h, ctx->device.platform_name);
    oclnn__sha256_field(&h, ctx->device.name);
    oclnn__sha256_field(&h, ctx->device.vendor);
    oclnn__sha256_field(&h, ctx->device.driver_version);
    oclnn__sha256_field(&h, ctx->device.device_version);
    oclnn__sha256_field(&h, oclnn_version_string());
    oclnn__sha256_field(&h, options);
    oclnn__sha256_update(&h, source, size);
    oclnn__sha256_final(&h, key);
}

/* Keeps the build log in the context and names the first error line in the message. */
static oclnn_status build_failed(oclnn_context *ctx, cl_program prog, const char *path, cl_int err) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    size_t size = 0;
    char *log = NULL;
    if (clGetProgramBuildInfo(prog, s->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) == CL_SUCCESS &&
        size > 0 && (log = malloc(size + 1)) != NULL) {
        if (clGetProgramBuildInfo(prog, s->device, CL_PROGRAM_BUILD_LOG, size, log, NULL) != CL_SUCCESS)
            log[0] = '\0';
        log[size] = '\0';
    }
    oclnn__context_set_build_log(ctx, log ? log : "");
    char first[200] = "";
    if (log) {
        const char *e = strstr(log, "error");
        const char *start = e;
        while (start && start > log && start[-1] != '\n') start--;
        if (start) {
            size_t n = strcspn(start, "\n");
            if (n >= sizeof first) n = sizeof first - 1;
            memcpy(first, start, n);
            first[n] = '\0';
        }
    }
    free(log);
    return oclnn__fail(OCLNN_ERROR_BUILD_FAILED, "building %s failed (%s)%s%s", path,
                       oclnn__cl_error_name(err), first[0] ? ": " : "", first);
}

static bool load_binary(oclnn_context *ctx, const uint8_t key[32], cl_program *out) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    void *bin;
    size_t size;
    double t0 = oclnn__now_ms();
    oclnn__cache_result r = oclnn__filecache_load(ctx->cache_dir, key, &bin, &size);
    if (r == OCLNN__CACHE_MISS) return false;
    if (r == OCLNN__CACHE_REJECT) {
        ctx->stats.disk_rejects++;
        return false;
    }
    cl_int status = CL_SUCCESS, err;
    const unsigned char *bins[1] = {bin};
    cl_program prog = clCreateProgramWithBinary(s->context, 1, &s->device, &size, bins, &status, &err);
    free(bin);
    if (err == CL_SUCCESS && status == CL_SUCCESS)
        err = clBuildProgram(prog, 1, &s->device, "", NULL, NULL);
    if (err != CL_SUCCESS || status != CL_SUCCESS) {
        if (prog) clReleaseProgram(prog);
        ctx->stats.disk_rejects++;
        oclnn__log(OCLNN__LOG_INFO, "cached binary refused by the driver (%s); rebuilding",
                   oclnn__cl_error_name(err != CL_SUCCESS ? err : status));
        return false;
    }
    ctx->stats.disk_hits++;
    ctx->stats.load_ms += oclnn__now_ms() - t0;
    *out = prog;
    return true;
}

static void store_binary(oclnn_context *ctx, cl_program prog, const uint8_t key[32]) {
    size_t size = 0;
    if (clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS ||
        size == 0)
        return;
    unsigned char *bin = malloc(size);
    if (!bin) return;
    unsigned char *bins[1] = {bin};
    if (clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL) == CL_SUCCESS)
        oclnn__filecache_store(ctx->cache_dir, key, bin, size);
    free(bin);
}

static oclnn_status compile(oclnn_context *ctx, const char *path, const char *options,
                            cl_program *out) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    char *source;
    size_t size;
    OCLNN__TRY(oclnn__cl_resolve_source(ctx->kernel_dir, path, &source, &size));
    uint8_t key[32];
    cache_key(ctx, source, size, options, key);
    bool disk = ctx->cache_dir && oclnn__filecache_prepare_dir(ctx->cache_dir);
    if (disk && load_binary(ctx, key, out)) {
        oclnn__log(OCLNN__LOG_DEBUG, "program %s [%s] loaded from the cache", path, options);
        free(source);
        return OCLNN_OK;
    }
    double t0 = oclnn__now_ms();
    cl_int err;
    const char *texts[1] = {source};
    cl_program prog = clCreateProgramWithSource(s->context, 1, texts, &size, &err);
    free(source);
    if (err != CL_SUCCESS) return oclnn__cl_fail(err, "clCreateProgramWithSource");
    oclnn__log(OCLNN__LOG_INFO, "compiling %s [%s]", path, options);
    err = clBuildProgram(prog, 1, &s->device, options, NULL, NULL);
    if (err != CL_SUCCESS) {
        oclnn_status st = build_failed(ctx, prog, path, err);
        clReleaseProgram(prog);
        return st;
    }
    double ms = oclnn__now_ms() - t0;
    ctx->stats.builds++;
    ctx->stats.build_ms += ms;
    oclnn__log(OCLNN__LOG_INFO, "compiled %s in %.0f ms", path, ms);
    if (disk) store_binary(ctx, prog, key);
    *out = prog;
    return OCLNN_OK;
}

oclnn_status oclnn__cl_program(oclnn_context *ctx, const char *path, const char *options,
                               cl_program *out) {
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    char key[1400];
    int n = snprintf(key, sizeof key, "%s\n%s", path, options);
    if (n < 0 || (size_t)n >= sizeof key)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "build options for %s are too long", path);
    for (size_t i = 0; i < s->n_programs; i++)
        if (!strcmp(s->programs[i].key, key)) {
            ctx->stats.memory_hits++;
            *out = s->programs[i].program;
            return OCLNN_OK;
        }
    if (s->n_programs == s->cap_programs) {
        size_t cap = s->cap_programs ? s->cap_programs * 2 : 16;
        oclnn__cl_program_entry *p = realloc(s->programs, cap * sizeof *p);
        if (!p) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot grow the program cache");
        s->programs = p;
        s->cap_programs = cap;
    }
    char *key_copy = strdup(key);
    if (!key_copy) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot grow the program cache");
    cl_program prog = NULL;
    oclnn_status st = compile(ctx, path, options, &prog);
    if (st != OCLNN_OK) {
        free(key_copy);
        return st;
    }
    s->programs[s->n_programs++] = (oclnn__cl_program_entry){key_copy, prog, NULL, 0};
    *out = prog;
    return OCLNN_OK;
}

oclnn_status oclnn__cl_kernel(oclnn_context *ctx, const char *path, const oclnn__cl_options *options,
                              const char *name, cl_kernel *out) {
    if (options && options->overflow)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "build options for %s are too long", path);
    cl_program prog = NULL;
    OCLNN__TRY(oclnn__cl_program(ctx, path, options ? options->text : "", &prog));
    oclnn__cl_state *s = oclnn__cl_state_of(ctx);
    oclnn__cl_program_entry *e = NULL;
    for (size_t i = 0; i < s->n_programs && !e; i++)
        if (s->programs[i].program == prog) e = &s->programs[i];
    for (size_t i = 0; i < e->n_kernels; i++)
        if (!strcmp(e->kernels[i].name, name)) {
            *out = e->kernels[i].kernel;
            return OCLNN_OK;
        }
    oclnn__cl_kernel_entry *k = realloc(e->kernels, (e->n_kernels + 1) * sizeof *k);
    if (!k) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot grow the kernel cache");
    e->kernels = k;
    cl_int err;
    cl_kernel kernel = clCreateKernel(prog, name, &err);
    if (err != CL_SUCCESS)
        return oclnn__fail(err == CL_INVALID_KERNEL_NAME ? OCLNN_ERROR_BUILD_FAILED : OCLNN_ERROR_DEVICE,
                           "kernel %s not found in %s: %s", name, path, oclnn__cl_error_name(err));
    char *name_copy = strdup(name);
    if (!name_copy) {
        clReleaseKernel(kernel);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot grow the kernel cache");
    }
    e->kernels[e->n_kernels++] = (oclnn__cl_kernel_entry){name_copy, kernel, 0, 0};
    *out = kernel;
    return OCLNN_OK;
}

void oclnn__cl_programs_release(oclnn__cl_state *s) {
    for (size_t i = 0; i < s->n_programs; i++) {
        oclnn__cl_program_entry *e = &s->programs[i];
        for (size_t k = 0; k < e->n_kernels; k++) {
            clReleaseKernel(e->kernels[k].kernel);
            free(e->kernels[k].name);
        }
        free(e->kernels);
        clReleaseProgram(e->program);
        free(e->key);
    }
    free(s->programs);
    s->programs = NULL;
    for (size_t i = 0; i < s->n_events; i++) clReleaseEvent(s->events[i]);
    free(s->events);
    s->events = NULL;
    s->n_events = s->cap_events = 0;
    s->n_programs = s->cap_programs = 0;
}

oclnn_status oclnn__cl_set_args(cl_kernel k, size_t count, const oclnn__cl_arg *args) {
    for (size_t i = 0; i < count; i++) {
        cl_int err = clSetKernelArg(k, (cl_uint)i, args[i].size, args[i].value);
        if (err != CL_SUCCESS) {
            char what[64];
            snprintf(what, sizeof what, "clSetKernelArg(%zu)", i);
            return oclnn__cl_fail(err, what);
        }
    }
    return OCLNN_OK;
}

void oclnn__cl_walk(oclnn_shape shape, const size_t stride[4], cl_uint4 *dims, cl_uint4 *order,
                    size_t global[3]) {
    const uint32_t sizes[4] = {shape.n, shape.c, shape.h, shape.w};
    int o[4] = {0, 1, 2, 3};
    for (int i = 1; i < 4; i++)
        for (int j = i; j > 0 && stride[o[j]] > stride[o[j - 1]]; j--) {
            int t = o[j];
            o[j] = o[j - 1];
            o[j - 1] = t;
        }
    for (int i = 0; i < 4; i++) {
        order->s[i] = (cl_uint)o[i];
        dims->s[i] = sizes[o[i]];
    }
    global[0] = dims->s[3];
    global[1] = dims->s[2];
    global[2] = (size_t)dims->s[0] * dims->s[1];
}

cl_uint4 oclnn__cl_strides(const oclnn_tensor *t) {
    cl_uint4 v;
    for (int i = 0; i < 4; i++) v.s[i] = (cl_uint)t->stride[i];
    return v;
}

cl_uint4 oclnn__cl_shape(oclnn_shape s) {
    cl_uint4 v;
    v.s[0] = s.n;
    v.s[1] = s.c;
    v.s[2] = s.h;
    v.s[3] = s.w;
    return v;
}
