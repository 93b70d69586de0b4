/* SPDX-License-Identifier: MIT */
/* Context creation (option and environment precedence, device choice, backend start-up),
 * reference counting, the build log and the shared scratch buffer. */
#include "core/context.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backend/backend.h"
#include "core/alloc.h"
#include "core/device.h"
#include "core/handle.h"
#include "core/log.h"
#include "core/status.h"
#include "core/tensor.h"

oclnn_context_options oclnn_context_options_default(void) {
    oclnn_context_options o = OCLNN_CONTEXT_OPTIONS_INIT;
    return o;
}

oclnn_status oclnn__context_check(const oclnn_context *ctx, const char *arg_name) {
    if (!ctx) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", arg_name);
    if (!oclnn__handle_live(ctx) || ctx->magic != OCLNN__MAGIC_CONTEXT)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is not a live context", arg_name);
    if (!ctx->alive)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s was destroyed", arg_name);
    return OCLNN_OK;
}

void oclnn__context_free(oclnn_context *ctx) {
    if (ctx->scratch) {
        ctx->be->storage_free(ctx, ctx->scratch);
        oclnn__free(ctx->allocator, ctx->scratch);
    }
    if (ctx->impl) ctx->be->context_fini(ctx);
    if (ctx->tune_free) ctx->tune_free(ctx);
    const oclnn_allocator *a = ctx->allocator;
    oclnn__free(a, ctx->cache_dir);
    oclnn__free(a, ctx->kernel_dir);
    oclnn__free(a, ctx->tuning_db);
    oclnn__free(a, ctx->build_log);
    mtx_destroy(&ctx->lock);
    oclnn__handle_remove(ctx);
    ctx->magic = OCLNN__MAGIC_DEAD;
    oclnn_allocator copy = ctx->allocator_copy;
    oclnn__free(a ? &copy : NULL, ctx);
}

void oclnn__context_retain(oclnn_context *ctx) {
    mtx_lock(&ctx->lock);
    ctx->refs++;
    mtx_unlock(&ctx->lock);
}

void oclnn__context_release(oclnn_context *ctx) {
    mtx_lock(&ctx->lock);
    bool last = --ctx->refs == 0;
    mtx_unlock(&ctx->lock);
    if (last) oclnn__context_free(ctx);
}

void oclnn__context_set_build_log(oclnn_context *ctx, const char *log) {
    oclnn__free(ctx->allocator, ctx->build_log);
    ctx->build_log = oclnn__strdup(ctx->allocator, log ? log : "");
}

oclnn_status oclnn__check_host_bytes(size_t bytes, const char *what) {
    size_t limit = oclnn__host_memory_bytes();
    if (bytes <= limit) return OCLNN_OK;
    return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "%s needs %zu bytes, more than the host's memory (%zu bytes)",
                       what, bytes, limit);
}

oclnn_status oclnn__check_storage_bytes(const oclnn_context *ctx, size_t bytes, const char *what) {
    if (ctx->device.backend == OCLNN_BACKEND_CPU) return oclnn__check_host_bytes(bytes, what);
    const uint64_t most = ctx->device.max_alloc_bytes, global = ctx->device.global_mem_bytes;
    if ((most && bytes > most) || (global && bytes > global))
        return oclnn__fail(OCLNN_ERROR_DEVICE_OUT_OF_MEMORY,
                           "%s needs %zu bytes, more than the device allows (largest allocation %llu "
                           "bytes, memory %llu bytes)",
                           what, bytes, (unsigned long long)most, (unsigned long long)global);
    return OCLNN_OK;
}

oclnn_status oclnn__storage_alloc(oclnn_context *ctx, oclnn__storage *s, const char *what) {
    OCLNN__TRY(oclnn__check_storage_bytes(ctx, s->bytes, what));
    return ctx->be->storage_alloc(ctx, s);
}

oclnn_status oclnn__context_scratch(oclnn_context *ctx, size_t bytes, oclnn__storage **out) {
    if (ctx->scratch && ctx->scratch->bytes >= bytes) {
        *out = ctx->scratch;
        return OCLNN_OK;
    }
    if (!ctx->scratch) {
        ctx->scratch = oclnn__calloc(ctx->allocator, 1, sizeof *ctx->scratch);
        if (!ctx->scratch) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate scratch");
        ctx->scratch->refs = 1;
    } else {
        ctx->be->storage_free(ctx, ctx->scratch);
    }
    ctx->scratch->bytes = bytes;
    oclnn_status st = oclnn__storage_alloc(ctx, ctx->scratch, "the scratch buffer");
    if (st != OCLNN_OK) {
        ctx->scratch->bytes = 0;
        ctx->scratch->mem = NULL;
        return st;
    }
    *out = ctx->scratch;
    return OCLNN_OK;
}

/* The option if set, else the environment variable if set, else NULL. */
static const char *pick(const char *option, const char *env_name) {
    if (option) return option;
    const char *v = getenv(env_name);
    return v && *v ? v : NULL;
}

static char *default_cache_dir(const oclnn_allocator *a) {
    char buf[4096];
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/') snprintf(buf, sizeof buf, "%s/oclnn", xdg);
    else if (home && home[0] == '/') snprintf(buf, sizeof buf, "%s/.cache/oclnn", home);
    else return NULL;
    return oclnn__strdup(a, buf);
}

static oclnn_status parse_layout_env(oclnn_layout *out) {
    const char *v = getenv("OCLNN_LAYOUT");
    if (!v || !*v || !strcasecmp(v, "auto")) return OCLNN_OK;
    if (!strcasecmp(v, "nchw")) *out = OCLNN_LAYOUT_NCHW;
    else if (!strcasecmp(v, "nhwc")) *out = OCLNN_LAYOUT_NHWC;
    else return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "OCLNN_LAYOUT=\"%s\" is not nchw, nhwc or auto", v);
    return OCLNN_OK;
}

/* OCLNN_TUNE: "quick" sets OCLNN_FLAG_TUNE_ON_FIRST_USE; "off" (or unset, or empty) leaves the
 * flags as they are. */
static oclnn_status parse_tune_env(uint32_t *flags) {
    const char *v = getenv("OCLNN_TUNE");
    if (!v || !*v || !strcmp(v, "off")) return OCLNN_OK;
    if (strcmp(v, "quick"))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "OCLNN_TUNE=\"%s\" is not quick or off", v);
    *flags |= OCLNN_FLAG_TUNE_ON_FIRST_USE;
    return OCLNN_OK;
}

/* The worker-thread count: options->threads, else OCLNN_THREADS, else 0 (OpenMP's default). */
enum { MAX_THREADS = 1024 };
static oclnn_status pick_threads(unsigned option, unsigned *out) {
    if (option > MAX_THREADS)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "options->threads (%u) is over %d", option,
                           MAX_THREADS);
    *out = option;
    const char *v = getenv("OCLNN_THREADS");
    if (option || !v || !*v) return OCLNN_OK;
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || *end || v[0] == '-' || n < 1 || n > MAX_THREADS)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "OCLNN_THREADS=\"%s\" is not a thread count from 1 to %d", v, MAX_THREADS);
    *out = (unsigned)n;
    return OCLNN_OK;
}

oclnn_status oclnn__context_bind(oclnn_context *ctx, const oclnn_device_info *dev,
                                const char *devclass, const struct oclnn__backend *be) {
    ctx->device = *dev;
    if (!oclnn__devclass_of(dev, devclass, &ctx->devclass))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "device class \"%s\" (options->device_class or OCLNN_DEVICE_CLASS) is "
                           "not cpu, gpu, nvidia, amd or intel",
                           devclass);
    ctx->be = be;
    if (ctx->layout == OCLNN_LAYOUT_AUTO || ctx->layout_from_device) {
        ctx->layout = dev->layout;
        ctx->layout_from_device = true;
    }
    return OCLNN_OK;
}

static oclnn_status start_backend(oclnn_context *ctx, const oclnn_device_info *dev,
                                  const char *devclass) {
    const oclnn__backend *be =
        dev->backend == OCLNN_BACKEND_CPU ? &oclnn__backend_cpu : &oclnn__backend_opencl;
    OCLNN__TRY(oclnn__context_bind(ctx, dev, devclass, be));
    return ctx->be->context_init(ctx);
}

/* The starter of oclnn_context_create: the requested (or best) device, falling back to the C
 * backend when an unnamed default OpenCL device will not start. */
static oclnn_status start_chosen(oclnn_context *ctx, const oclnn_context_options *opt,
                                 const char *devclass, void *arg) {
    (void)arg;
    const char *request = pick(opt->device, "OCLNN_DEVICE");
    oclnn_device_info *list;
    size_t count;
    OCLNN__TRY(oclnn__device_list(&list, &count));
    long index = oclnn__device_choose(list, count, request);
    if (index < 0) {
        free(list);
        return oclnn__fail(OCLNN_ERROR_NO_DEVICE,
                           "no device matches \"%s\" (try `oclnn devices`; \"cpu\" is the C "
                           "backend)",
                           request);
    }
    oclnn_status st = start_backend(ctx, &list[index], devclass);
    if (st != OCLNN_OK && (!request || !*request) && list[index].backend != OCLNN_BACKEND_CPU) {
        /* The default OpenCL device would not start: fall back to the C backend. */
        oclnn__log(OCLNN__LOG_INFO, "default device \"%s\" failed (%s); using the C backend",
                   list[index].name, oclnn_last_error());
        ctx->impl = NULL;
        oclnn__clear_error(); /* the fallback starts with no message */
        st = start_backend(ctx, &list[count - 1], devclass);
    }
    free(list);
    return st;
}

oclnn_status oclnn__context_create_with(const oclnn_context_options *options,
                                       oclnn__context_starter start, void *arg,
                                       oclnn_context **out) {
    if (!out) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    oclnn_context_options opt = options ? *options : oclnn_context_options_default();
    if (opt.layout != OCLNN_LAYOUT_AUTO && opt.layout != OCLNN_LAYOUT_NCHW &&
        opt.layout != OCLNN_LAYOUT_NHWC)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "options->layout (%d) is not a layout",
                           (int)opt.layout);
    if (opt.allocator && (!opt.allocator->alloc || !opt.allocator->free))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "options->allocator needs both alloc and free");
    const uint32_t known = OCLNN_FLAG_NO_DISK_CACHE | OCLNN_FLAG_TUNE_ON_FIRST_USE;
    if (opt.flags & ~known)
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "options->flags has unknown bits 0x%x",
                           opt.flags & ~known);
    OCLNN__TRY(parse_tune_env(&opt.flags));
    oclnn_layout layout = opt.layout;
    if (layout == OCLNN_LAYOUT_AUTO) OCLNN__TRY(parse_layout_env(&layout));
    unsigned threads;
    OCLNN__TRY(pick_threads(opt.threads, &threads));

    const oclnn_allocator *a = opt.allocator;
    oclnn_context *ctx = oclnn__calloc(a, 1, sizeof *ctx);
    if (!ctx) {
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the context");
    }
    if (a) {
        ctx->allocator_copy = *a;
        ctx->allocator = &ctx->allocator_copy;
    }
    if (mtx_init(&ctx->lock, mtx_plain) != thrd_success) {
        oclnn__free(a, ctx);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot create the context lock");
    }
    if (!oclnn__handle_add(ctx)) {
        mtx_destroy(&ctx->lock);
        oclnn__free(a, ctx);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot register the context");
    }
    ctx->magic = OCLNN__MAGIC_CONTEXT;
    ctx->alive = true;
    ctx->refs = 1;
    ctx->flags = opt.flags;
    ctx->threads = threads;
    ctx->layout = layout;
    ctx->layout_from_device = layout == OCLNN_LAYOUT_AUTO;
    const char *cache = pick(opt.cache_dir, "OCLNN_CACHE_DIR");
    if (!(opt.flags & OCLNN_FLAG_NO_DISK_CACHE) && !(cache && !strcmp(cache, "none")))
        ctx->cache_dir = cache ? oclnn__strdup(a, cache) : default_cache_dir(a);
    const char *kdir = pick(opt.kernel_dir, "OCLNN_KERNEL_DIR");
    if (kdir) ctx->kernel_dir = oclnn__strdup(a, kdir);
    const char *tdb = pick(opt.tuning_db, "OCLNN_TUNING_DB");
    if (tdb) ctx->tuning_db = oclnn__strdup(a, tdb);
    if ((cache && !ctx->cache_dir && !(opt.flags & OCLNN_FLAG_NO_DISK_CACHE) && strcmp(cache, "none")) ||
        (kdir && !ctx->kernel_dir) || (tdb && !ctx->tuning_db)) {
        oclnn__context_free(ctx);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot copy the context options");
    }

    const char *devclass = pick(opt.device_class, "OCLNN_DEVICE_CLASS");
    oclnn_status st = start(ctx, &opt, devclass, arg);
    if (st != OCLNN_OK) {
        ctx->impl = NULL;
        oclnn__context_free(ctx);
        return st;
    }
    oclnn__log(OCLNN__LOG_INFO, "context on \"%s\" (%s backend, %s, device class %s)",
               ctx->device.name, ctx->be->name, oclnn__layout_name(ctx->layout),
               oclnn__devclass_name(ctx->devclass));
    *out = ctx;
    return OCLNN_OK;
}

oclnn_status oclnn__context_create(const oclnn_context_options *options, oclnn_context **out) {
    return oclnn__context_create_with(options, start_chosen, NULL, out);
}

void oclnn_context_destroy(oclnn_context *ctx) {
    /* No OCLNN__ENTER: a destroy cannot fail, so it leaves the last error message alone. */
    if (!ctx || !oclnn__handle_live(ctx) || ctx->magic != OCLNN__MAGIC_CONTEXT || !ctx->alive) return;
    ctx->alive = false;
    oclnn__context_release(ctx);
}

oclnn_status oclnn_context_device(const oclnn_context *ctx, oclnn_device_info *info) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!info) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "info is NULL");
    *info = ctx->device;
    info->layout = ctx->layout;
    return OCLNN_OK;
}

oclnn_layout oclnn_context_layout(const oclnn_context *ctx) {
    OCLNN__ENTER();
    if (oclnn__context_check(ctx, "ctx") != OCLNN_OK) return OCLNN_LAYOUT_AUTO;
    return ctx->layout;
}

oclnn_status oclnn_context_finish(oclnn_context *ctx) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->finish(ctx);
    mtx_unlock(&ctx->lock);
    return st;
}

const char *oclnn_context_build_log(const oclnn_context *ctx) {
    OCLNN__ENTER();
    if (oclnn__context_check(ctx, "ctx") != OCLNN_OK) return "";
    return ctx->build_log ? ctx->build_log : "";
}

oclnn_status oclnn_context_cache_stats(const oclnn_context *ctx, oclnn_cache_stats *st) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!st) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "st is NULL");
    mtx_lock((mtx_t *)&ctx->lock);
    *st = ctx->stats;
    mtx_unlock((mtx_t *)&ctx->lock);
    return OCLNN_OK;
}

oclnn_status oclnn_context_warm_up(oclnn_context *ctx) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    mtx_lock(&ctx->lock);
    oclnn_status st = ctx->be->warm_up(ctx);
    mtx_unlock(&ctx->lock);
    return st;
}

unsigned oclnn_version(void) { return OCLNN_VERSION_NUMBER; }

const char *oclnn_version_string(void) {
#define OCLNN__STR2(x) #x
#define OCLNN__STR(x) OCLNN__STR2(x)
    return OCLNN__STR(OCLNN_VERSION_MAJOR) "." OCLNN__STR(OCLNN_VERSION_MINOR) "." OCLNN__STR(
        OCLNN_VERSION_PATCH);
}

static double wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void oclnn__context_timer_begin(oclnn_context *ctx) {
    mtx_lock(&ctx->lock);
    if (ctx->be->timing_begin) ctx->be->timing_begin(ctx);
    ctx->timer_start_ms = wall_ms();
    mtx_unlock(&ctx->lock);
}

oclnn_status oclnn__context_timer_end(oclnn_context *ctx, double *ms) {
    mtx_lock(&ctx->lock);
    oclnn_status st;
    if (ctx->be->timing_end) {
        st = ctx->be->timing_end(ctx, ms);
    } else {
        st = ctx->be->finish(ctx);
        *ms = wall_ms() - ctx->timer_start_ms;
    }
    mtx_unlock(&ctx->lock);
    return st;
}
