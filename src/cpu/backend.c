/* SPDX-License-Identifier: MIT */
/* The C backend: host memory, strided transfers, and the table of op families. It makes no
 * OpenCL call at all. Every entry that may run threads applies its context's thread count
 * (cpu/team.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/upsample.h"
#include "backend/detect.h"
#include "backend/nd.h"
#include "core/alloc.h"
#include "core/status.h"
#include "cpu/cpu.h"
#include "cpu/isa.h"
#include "cpu/pool.h"
#include "backend/layers.h"
#include "backend/conv2d.h"

static size_t cpu_enumerate(oclnn_device_info *out, size_t cap) {
    if (out && cap >= 1) {
        memset(out, 0, sizeof *out);
        out->backend = OCLNN_BACKEND_CPU;
        out->platform_index = out->device_index = UINT32_MAX;
        snprintf(out->platform_name, sizeof out->platform_name, "oclnn C backend");
        snprintf(out->name, sizeof out->name, "C backend (%d threads, %s)", oclnn__cpu_threads(),
                 oclnn__cpu_isa_name(oclnn__cpu_isa_active()));
        snprintf(out->vendor, sizeof out->vendor, "oclnn");
        snprintf(out->driver_version, sizeof out->driver_version, "%s", oclnn_version_string());
        snprintf(out->device_version, sizeof out->device_version, "C11");
        out->is_cpu = true;
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        out->compute_units = cores > 0 ? (uint32_t)cores : 1;
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        if (pages > 0 && page > 0) out->global_mem_bytes = (uint64_t)pages * (uint64_t)page;
        out->max_alloc_bytes = 0; /* no limit beyond size_t */
        out->fp64 = true;
    }
    return 1;
}

static oclnn_status cpu_context_init(oclnn_context *ctx) {
    ctx->impl = ctx; /* no state of its own; non-NULL marks it started */
    oclnn__cpu_pool_retain(); /* the pool's threads live while a C backend context does */
    return OCLNN_OK;
}

static void cpu_context_fini(oclnn_context *ctx) {
    if (ctx->impl) oclnn__cpu_pool_release();
    ctx->impl = NULL;
}
static oclnn_status cpu_finish(oclnn_context *ctx) { (void)ctx; return OCLNN_OK; }
static oclnn_status cpu_warm_up(oclnn_context *ctx) { (void)ctx; return OCLNN_OK; }

static oclnn_status cpu_storage_alloc(oclnn_context *ctx, oclnn__storage *s) {
    s->mem = oclnn__alloc(ctx->allocator, s->bytes);
    if (!s->mem)
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate %zu bytes of host memory",
                           s->bytes);
    return OCLNN_OK;
}

static void cpu_storage_free(oclnn_context *ctx, oclnn__storage *s) {
    oclnn__free(ctx->allocator, s->mem);
    s->mem = NULL;
}

static oclnn_status cpu_tensor_write(oclnn_tensor *dst, const float *src, oclnn_layout layout) {
    size_t ss[4];
    oclnn__dense_strides(dst->shape, dst->shape.c, layout, ss);
    oclnn__cpu_team team = oclnn__cpu_team_begin(dst->ctx);
    oclnn__cpu_copy_strided(dst->shape, src, ss, oclnn__cpu_data(dst), dst->stride);
    oclnn__cpu_team_end(team);
    return OCLNN_OK;
}

static oclnn_status cpu_tensor_read(const oclnn_tensor *src, float *dst, oclnn_layout layout) {
    size_t ds[4];
    oclnn__dense_strides(src->shape, src->shape.c, layout, ds);
    oclnn__cpu_team team = oclnn__cpu_team_begin(src->ctx);
    oclnn__cpu_copy_strided(src->shape, oclnn__cpu_cdata(src), src->stride, dst, ds);
    oclnn__cpu_team_end(team);
    return OCLNN_OK;
}

static oclnn_status cpu_tensor_copy(const oclnn_tensor *src, oclnn_tensor *dst) {
    oclnn__cpu_team team = oclnn__cpu_team_begin(dst->ctx);
    oclnn__cpu_copy_strided(src->shape, oclnn__cpu_cdata(src), src->stride, oclnn__cpu_data(dst),
                            dst->stride);
    oclnn__cpu_team_end(team);
    return OCLNN_OK;
}

static oclnn_status cpu_tensor_fill(oclnn_tensor *t, float value) {
    /* A fill is a copy from one value that every index reads (all source strides 0). */
    static const size_t broadcast[4] = {0, 0, 0, 0};
    oclnn__cpu_team team = oclnn__cpu_team_begin(t->ctx);
    oclnn__cpu_copy_strided(t->shape, &value, broadcast, oclnn__cpu_data(t), t->stride);
    oclnn__cpu_team_end(team);
    return OCLNN_OK;
}

const oclnn__backend oclnn__backend_cpu = {
    .name = "cpu",
    .kind = OCLNN_BACKEND_CPU,
    .enumerate = cpu_enumerate,
    .context_init = cpu_context_init,
    .context_fini = cpu_context_fini,
    .finish = cpu_finish,
    .warm_up = cpu_warm_up,
    .storage_alloc = cpu_storage_alloc,
    .storage_free = cpu_storage_free,
    .tensor_write = cpu_tensor_write,
    .tensor_read = cpu_tensor_read,
    .tensor_copy = cpu_tensor_copy,
    .tensor_fill = cpu_tensor_fill,
    .layers = &oclnn__layers_cpu,
    .detect = &oclnn__detect_cpu,
    .upsample = &oclnn__upsample_cpu, /* issue 18 */
    .nd = &oclnn__nd_cpu,
    .conv2d = &oclnn__conv2d_cpu,
};
