/* SPDX-License-Identifier: MIT */
/* The context object. Children (tensors, ops) hold a reference, so a context the user destroyed
 * stays allocated, but unusable, until its last child goes. Public calls on a context take its
 * lock; internal code never calls a public function while holding it. */
#ifndef OCLNN_CORE_CONTEXT_H
#define OCLNN_CORE_CONTEXT_H

#include <threads.h>

#include "core/devclass.h"
#include "oclnn.h"

#define OCLNN__MAGIC_CONTEXT 0x6f43747au /* "oCtz" */
#define OCLNN__MAGIC_DEAD 0xdeadbeefu

struct oclnn__backend;
struct oclnn__storage;
struct oclnn__tune_state;

struct oclnn_context {
    uint32_t magic;
    bool alive;  /* false once oclnn_context_destroy was called */
    size_t refs; /* the user's reference + one per live tensor and op */
    mtx_t lock;
    const struct oclnn__backend *be;
    void *impl; /* backend state */
    oclnn_device_info device;
    oclnn__devclass devclass; /* what kernels, defaults and choices are shaped for (devclass.h) */
    oclnn_layout layout;
    bool layout_from_device; /* layout follows the device rule (no option or OCLNN_LAYOUT) */
    oclnn_allocator allocator_copy;
    const oclnn_allocator *allocator; /* &allocator_copy or NULL */
    char *cache_dir;                  /* NULL: no disk cache */
    char *kernel_dir;                 /* NULL: embedded kernels only */
    char *tuning_db;
    /* The tuning database, overrides and find results: opaque to core, attached after the core
     * context by oclnn_context_create (src/ops/context.c) and freed through tune_free. */
    struct oclnn__tune_state *tune;
    void (*tune_free)(oclnn_context *ctx);
    uint32_t flags;
    unsigned threads; /* C backend worker threads; 0: OpenMP's default (options.threads, OCLNN_THREADS) */
    oclnn_cache_stats stats;
    char *build_log; /* last failed build's log, or NULL */
    struct oclnn__storage *scratch;
    struct oclnn__conv2d_memo *conv2d_memo; /* family conv2d: oclnn_conv2d_find results */
    double timer_start_ms; /* oclnn__context_timer_begin's wall clock */
};

/* Everything of oclnn_context_create that core does (options, device, backend start-up); the
 * public call (src/ops/context.c) then attaches the layers above. Sets the message on failure. */
oclnn_status oclnn__context_create(const oclnn_context_options *options, oclnn_context **out);
/* Frees a context that has no children (used when attaching the layers above fails). */
void oclnn__context_free(oclnn_context *ctx);

/* Context creation with its device part supplied: `start` binds ctx to a device and backend
 * (oclnn__context_bind, then the backend's own start-up) after the options are validated and
 * copied; on failure it leaves ctx->impl NULL or freeable by the backend's context_fini.
 * oclnn__context_create passes the chooser of OCLNN_DEVICE; oclnn_cl_context_create passes the
 * OpenCL backend's adopter of the caller's objects (src/ops/context_cl.c). No layer above core
 * is attached: the public calls do that (src/ops/context.c). */
typedef oclnn_status (*oclnn__context_starter)(oclnn_context *ctx, const oclnn_context_options *opt,
                                               const char *devclass, void *arg);
oclnn_status oclnn__context_create_with(const oclnn_context_options *options,
                                       oclnn__context_starter start, void *arg,
                                       oclnn_context **out);
/* Sets ctx->device, ->devclass (from `devclass`, the option or environment value, may be NULL),
 * ->be and the layout rule, without starting the backend. */
oclnn_status oclnn__context_bind(oclnn_context *ctx, const oclnn_device_info *dev,
                                const char *devclass, const struct oclnn__backend *be);
/* Checks a context handle given to a public call (magic, alive); sets the message on failure. */
oclnn_status oclnn__context_check(const oclnn_context *ctx, const char *arg_name);
void oclnn__context_retain(oclnn_context *ctx);
void oclnn__context_release(oclnn_context *ctx);
/* Replaces the stored build log (takes a copy). */
void oclnn__context_set_build_log(oclnn_context *ctx, const char *log);
/* Kernel timing for tuning and benchmarks: the summed device time of the kernels launched between
 * begin and end (profiling events), or the wall-clock time where the backend has no events (the
 * C backend). end waits for the device. Both take the context's lock. */
void oclnn__context_timer_begin(oclnn_context *ctx);
oclnn_status oclnn__context_timer_end(oclnn_context *ctx, double *ms);
/* A scratch buffer of at least `bytes`, shared by the context's ops (they run in order). */
oclnn_status oclnn__context_scratch(oclnn_context *ctx, size_t bytes, struct oclnn__storage **out);

#endif
