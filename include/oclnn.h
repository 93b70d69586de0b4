/* SPDX-License-Identifier: MIT */
/*
 * oclnn: convolutional-network primitives for any OpenCL device, with a plain C fallback.
 *
 * This header is the whole public API. It needs no OpenCL headers: a program that only uses the
 * C backend compiles and runs without them.
 *
 * Objects and lifetime
 *   A context (oclnn_context) owns one device (an OpenCL device or the C backend), its queue, its
 *   program cache and its scratch memory. Tensors and operators belong to one context. Every
 *   *_create has exactly one *_destroy, which returns nothing and accepts NULL. A context destroyed
 *   while tensors or operators still live is released when the last of them is destroyed; using
 *   such a context for anything new fails with OCLNN_ERROR_INVALID_ARGUMENT.
 *
 * Errors
 *   Every call that can fail returns an oclnn_status. On failure, oclnn_last_error() gives this
 *   thread's message for its most recent call, naming the argument and the values at fault. No
 *   call aborts, exits or prints unless OCLNN_LOG asks it to. Output pointers (**out) are written
 *   only on success and set to NULL on failure.
 *
 * Threads
 *   Distinct contexts are independent. A context and its objects may be used from several threads:
 *   the context serializes its calls with an internal lock, so two threads running on one context
 *   take turns (use one context per thread for parallel work). The kernel registry, the on-disk
 *   program cache and the error message are thread-safe. Work is enqueued in order; reads and
 *   oclnn_context_finish() wait for it.
 *
 * Shapes are always given in logical NCHW order (n, c, h, w) whatever the memory layout.
 */
#ifndef OCLNN_H
#define OCLNN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ---------------------------------------------------------------------------- */

#define OCLNN_VERSION_MAJOR 0
#define OCLNN_VERSION_MINOR 1
#define OCLNN_VERSION_PATCH 0
#define OCLNN_VERSION_NUMBER                                                                    \
    (OCLNN_VERSION_MAJOR * 10000 + OCLNN_VERSION_MINOR * 100 + OCLNN_VERSION_PATCH)

/* ---- Export ----------------------------------------------------------------------------- */

#if defined(_WIN32)
#if defined(OCLNN_BUILDING)
#define OCLNN_API __declspec(dllexport)
#else
#define OCLNN_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define OCLNN_API __attribute__((visibility("default")))
#else
#define OCLNN_API
#endif

/** Returns OCLNN_VERSION_NUMBER of the library that is loaded (compare with the header's). */
OCLNN_API unsigned oclnn_version(void);
/** Returns the loaded library's version as "MAJOR.MINOR.PATCH". */
OCLNN_API const char *oclnn_version_string(void);

/* ---- Status and errors ------------------------------------------------------------------ */

/** Status codes. Values are fixed and never reused. */
typedef enum oclnn_status {
    OCLNN_OK = 0,
    OCLNN_ERROR_INVALID_ARGUMENT = 1,     /**< NULL, out of range, mismatched, stale or foreign handle */
    OCLNN_ERROR_UNSUPPORTED = 2,          /**< valid request that this backend/algorithm does not do */
    OCLNN_ERROR_OUT_OF_MEMORY = 3,        /**< host memory */
    OCLNN_ERROR_DEVICE_OUT_OF_MEMORY = 4, /**< device memory */
    OCLNN_ERROR_NO_DEVICE = 5,            /**< the requested device does not exist or cannot be used */
    OCLNN_ERROR_BUILD_FAILED = 6,         /**< a kernel failed to compile; see oclnn_context_build_log */
    OCLNN_ERROR_DEVICE = 7,               /**< another OpenCL failure; the message has its name and code */
    OCLNN_ERROR_IO = 8,                   /**< reading or writing a file failed */
    OCLNN_ERROR_BAD_FILE = 9              /**< a file the caller named is corrupt or incompatible */
} oclnn_status;

/** Static text for a status ("invalid argument", ...); never NULL. */
OCLNN_API const char *oclnn_status_string(oclnn_status status);
/**
 * This thread's message for its most recent call that reports a status: "" after a success, the
 * reason after a failure. The *_destroy functions cannot fail and leave it unchanged. Never NULL.
 */
OCLNN_API const char *oclnn_last_error(void);

/* ---- Enumerations and value types ------------------------------------------------------- */

/** Memory layout of a 4-D tensor. */
typedef enum oclnn_layout {
    OCLNN_LAYOUT_AUTO = 0, /**< the context's preferred layout (see oclnn_context_layout) */
    OCLNN_LAYOUT_NCHW = 1,
    OCLNN_LAYOUT_NHWC = 2
} oclnn_layout;

/** Element type. Only float32 exists today. */
typedef enum oclnn_dtype { OCLNN_DTYPE_F32 = 0 } oclnn_dtype;

/** Which backend a context runs on. */
typedef enum oclnn_backend_kind {
    OCLNN_BACKEND_OPENCL = 0,
    OCLNN_BACKEND_CPU = 1 /**< the plain C backend: no OpenCL call at all */
} oclnn_backend_kind;

/** A 4-D shape in logical NCHW order, whatever the layout. */
typedef struct oclnn_shape {
    uint32_t n, c, h, w;
} oclnn_shape;

/** Host allocator used for all host memory of a context (NULL members: the C library's). */
typedef struct oclnn_allocator {
    void *(*alloc)(void *user, size_t size, size_t alignment); /**< alignment is a power of two */
    void (*free)(void *user, void *ptr);
    void *user;
} oclnn_allocator;

/* ---- Devices ---------------------------------------------------------------------------- */

/** What oclnn knows of one OpenCL device (or the C backend). Strings are NUL-terminated. */
typedef struct oclnn_device_info {
    oclnn_backend_kind backend;
    uint32_t platform_index, device_index; /**< the "P:D" indices OCLNN_DEVICE accepts */
    char platform_name[128];
    char name[128];
    char vendor[128];
    char driver_version[64];
    char device_version[64]; /**< "OpenCL 3.0 ..." */
    bool is_gpu, is_cpu, is_accelerator;
    uint32_t compute_units;
    uint32_t clock_mhz;
    uint64_t global_mem_bytes, local_mem_bytes, max_alloc_bytes;
    size_t max_work_group_size;
    size_t max_work_item_sizes[3];
    uint32_t preferred_vector_width_float, native_vector_width_float;
    bool fp16, fp64, images, subgroups;
    oclnn_layout layout; /**< the layout oclnn prefers on this device */
    bool is_default;     /**< the device a context gets without any choice */
} oclnn_device_info;

/**
 * Lists the devices: every OpenCL device found through the ICD loader, then the C backend, which
 * is always last. Pass infos = NULL to get the count only.
 *   [out] infos     array of `capacity` entries, or NULL
 *   [out] count     the number of devices that exist (may exceed capacity; only `capacity` filled)
 * Returns OCLNN_OK, or OCLNN_ERROR_INVALID_ARGUMENT when count is NULL. A machine without any
 * OpenCL library or platform is not an error: the list is just the C backend.
 */
OCLNN_API oclnn_status oclnn_devices(oclnn_device_info *infos, size_t capacity, size_t *count);

/* ---- Context ---------------------------------------------------------------------------- */

typedef struct oclnn_context oclnn_context;
typedef struct oclnn_tensor oclnn_tensor;
typedef struct oclnn_op oclnn_op;

/** Bits for oclnn_context_options.flags. */
#define OCLNN_FLAG_NO_DISK_CACHE 0x1u /**< never read or write compiled programs on disk */

/**
 * Options for oclnn_context_create. Start from OCLNN_CONTEXT_OPTIONS_INIT (or
 * oclnn_context_options_default()) so fields added later keep safe defaults. For each string,
 * precedence is: this field > its environment variable > the default.
 */
typedef struct oclnn_context_options {
    const char *device;     /**< "cpu", "P:D" indices, or a name substring; NULL: OCLNN_DEVICE, then best */
    oclnn_layout layout;    /**< AUTO: the device's preferred layout */
    const char *cache_dir;  /**< NULL: OCLNN_CACHE_DIR, then $XDG_CACHE_HOME/oclnn, then ~/.cache/oclnn */
    const char *kernel_dir; /**< NULL: OCLNN_KERNEL_DIR; kernels found there replace the embedded ones */
    const char *tuning_db;  /**< NULL: OCLNN_TUNING_DB, then the device's default file; "none": no tuning */
    const oclnn_allocator *allocator; /**< NULL: malloc/free */
    uint32_t flags;                   /**< OCLNN_FLAG_* */
} oclnn_context_options;

#define OCLNN_CONTEXT_OPTIONS_INIT {NULL, OCLNN_LAYOUT_AUTO, NULL, NULL, NULL, NULL, 0u}
OCLNN_API oclnn_context_options oclnn_context_options_default(void);

/**
 * Creates a context on the chosen device.
 *   [in]  options   NULL for all defaults
 *   [out] out       the new context
 * Returns OCLNN_OK; OCLNN_ERROR_NO_DEVICE when the named device does not exist (an unnamed
 * choice falls back to the C backend instead); OCLNN_ERROR_INVALID_ARGUMENT for a bad option;
 * OCLNN_ERROR_OUT_OF_MEMORY; OCLNN_ERROR_DEVICE when OpenCL refuses the device.
 */
OCLNN_API oclnn_status oclnn_context_create(const oclnn_context_options *options,
                                            oclnn_context **out);
/** Releases the caller's reference; the context is freed once its tensors and ops are gone. */
OCLNN_API void oclnn_context_destroy(oclnn_context *ctx);
/** The device this context runs on. */
OCLNN_API oclnn_status oclnn_context_device(const oclnn_context *ctx, oclnn_device_info *info);
/** The layout the context prefers (what OCLNN_LAYOUT_AUTO means for it); AUTO for a bad handle. */
OCLNN_API oclnn_layout oclnn_context_layout(const oclnn_context *ctx);
/** Waits until all work enqueued on the context has finished. */
OCLNN_API oclnn_status oclnn_context_finish(oclnn_context *ctx);
/** The compiler log of the context's last failed kernel build, or "" (context-owned). */
OCLNN_API const char *oclnn_context_build_log(const oclnn_context *ctx);

/** Program-cache statistics of a context, for tools and tests. */
typedef struct oclnn_cache_stats {
    uint64_t memory_hits;  /**< programs found already built in this context */
    uint64_t disk_hits;    /**< programs loaded from valid cached binaries */
    uint64_t disk_rejects; /**< cache files found but refused (truncated, corrupt, mismatched) */
    uint64_t builds;       /**< programs compiled from source */
    double build_ms;       /**< time spent compiling from source */
    double load_ms;        /**< time spent loading cached binaries */
} oclnn_cache_stats;
OCLNN_API oclnn_status oclnn_context_cache_stats(const oclnn_context *ctx, oclnn_cache_stats *st);

/**
 * Compiles every embedded kernel file with its default defines for this context's device (like
 * CLBlast's FillCache): after it, the disk cache holds them all. On the C backend it does nothing.
 * Returns OCLNN_OK or the first failure (OCLNN_ERROR_BUILD_FAILED names the file).
 */
OCLNN_API oclnn_status oclnn_context_warm_up(oclnn_context *ctx);

/* ---- Tensors ---------------------------------------------------------------------------- */

/**
 * Creates a float32 tensor with uninitialized contents.
 *   [in] layout    OCLNN_LAYOUT_AUTO picks the context's layout
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a zero dimension or a byte size that does
 * not fit size_t or the device's largest allocation; OCLNN_ERROR_(DEVICE_)OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_tensor_create(oclnn_context *ctx, oclnn_shape shape,
                                           oclnn_layout layout, oclnn_tensor **out);
/**
 * Creates a view of channels [c_offset, c_offset + channels) of `parent`: same n, h, w, same
 * storage. Writing the view writes the parent's slice (the Inception concat writes branches this
 * way, with no copy). The view keeps its parent's storage alive.
 */
OCLNN_API oclnn_status oclnn_tensor_view_channels(oclnn_tensor *parent, uint32_t c_offset,
                                                  uint32_t channels, oclnn_tensor **out);
/** Destroys a tensor or view; storage goes when its last view goes. NULL is fine. */
OCLNN_API void oclnn_tensor_destroy(oclnn_tensor *t);

OCLNN_API oclnn_shape oclnn_tensor_shape(const oclnn_tensor *t);
OCLNN_API oclnn_layout oclnn_tensor_layout(const oclnn_tensor *t);
/** True when `t` is a channel view of another tensor. */
OCLNN_API bool oclnn_tensor_is_view(const oclnn_tensor *t);
/** Number of elements (n*c*h*w); 0 for a bad handle. */
OCLNN_API size_t oclnn_tensor_elements(const oclnn_tensor *t);

/**
 * Writes the whole tensor from host memory `src`, which holds n*c*h*w floats in `src_layout`
 * (AUTO: the tensor's own layout). The layout conversion is done for you.
 */
OCLNN_API oclnn_status oclnn_tensor_write(oclnn_tensor *dst, const float *src,
                                          oclnn_layout src_layout);
/** Reads the whole tensor into host memory `dst` in `dst_layout` (AUTO: the tensor's layout). */
OCLNN_API oclnn_status oclnn_tensor_read(const oclnn_tensor *src, float *dst,
                                         oclnn_layout dst_layout);
/**
 * Copies src into dst on the device; shapes must match, layouts and views may differ (this is the
 * on-device layout transform). src and dst must belong to the same context.
 */
OCLNN_API oclnn_status oclnn_tensor_copy(const oclnn_tensor *src, oclnn_tensor *dst);
/** Sets every element of the tensor (or view) to `value`. */
OCLNN_API oclnn_status oclnn_tensor_fill(oclnn_tensor *t, float value);

/* ---- Operators (common) ----------------------------------------------------------------- */
/* An operator is created once for a problem (validated, algorithm chosen, kernels compiled,
 * weights copied or transformed) and run many times. Families add their create/run calls below,
 * one block each, in alphabetical order. */

/** Destroys any operator; NULL is fine. */
OCLNN_API void oclnn_op_destroy(oclnn_op *op);
/** The algorithm the operator runs ("direct", "winograd4", "gemm1x1", ...); "" for a bad handle. */
OCLNN_API const char *oclnn_op_algorithm(const oclnn_op *op);
/** Bytes of context scratch memory the operator uses while it runs. */
OCLNN_API size_t oclnn_op_workspace_size(const oclnn_op *op);

/* ==== family: batchnorm (issue 4) ==== */

/* ==== family: concat and eltwise (issue 4) ==== */

/* ==== family: conv2d (issue 3) ==== */

/* ==== family: detection (issue 5) ==== */

/* ==== family: fc, softmax, lrn (issue 4) ==== */

/* ==== family: pool2d (issue 4) ==== */

/* ==== family: tuning (issue 7) ==== */
/* Tuned kernel parameters. `oclnn tune` measures, per device, the compile-time parameters of the
 * kernels (work per work-item, vector widths) on real shapes, and the faster layout, and writes
 * them to a per-device text file. A context on an OpenCL device loads that file when it is
 * created: options.tuning_db, else OCLNN_TUNING_DB, else
 * $XDG_DATA_HOME/oclnn/tuning/<device>.txt (~/.local/share/... without XDG_DATA_HOME); "none"
 * loads nothing. A missing, stale (other device, driver or kernel version) or corrupt file is
 * logged once and ignored: the kernels then use their defaults, which are always correct.
 * For an untuned shape the nearest tuned shape of the same kernel is used, then the device
 * class's default, then the kernel's own. */

/** Where a context's tuned parameters came from. */
typedef enum oclnn_tuning_state {
    OCLNN_TUNING_NONE = 0,   /**< no file (missing, "none", or the C backend, which has no tunables) */
    OCLNN_TUNING_LOADED = 1, /**< the file is in use */
    OCLNN_TUNING_STALE = 2,  /**< the file is for another device, driver or kernel version: ignored */
    OCLNN_TUNING_CORRUPT = 3 /**< the file is unreadable or malformed: ignored */
} oclnn_tuning_state;

/** What a context knows of its tuning database. Strings are NUL-terminated. */
typedef struct oclnn_tuning_info {
    oclnn_tuning_state state;
    size_t entries;      /**< rows in use */
    size_t rejected;     /**< rows skipped: unknown kernel, or values outside its search space */
    oclnn_layout layout; /**< the measured faster layout, or OCLNN_LAYOUT_AUTO when not measured */
    char path[1024];     /**< the file consulted, "" when none */
    char reason[256];    /**< why the file was ignored, "" when it was not */
} oclnn_tuning_info;

/**
 * Reports the context's tuning database.
 *   [out] info   filled on success
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a bad context or a NULL info.
 */
OCLNN_API oclnn_status oclnn_context_tuning(const oclnn_context *ctx, oclnn_tuning_info *info);

/**
 * Overrides the parameters of one tunable kernel for the operators created afterwards on `ctx`
 * (like CLBlastOverrideParameters); they win over the database. Ops already created keep theirs.
 *   [in] kernel  a tunable kernel family: "conv_im2col", "conv_gemm1x1", "conv_winograd2",
 *                "conv_winograd4", "conv_direct", "conv_depthwise"
 *   [in] params  "NAME=value" pairs separated by commas or spaces, e.g. "TM=4,VW=8"; names not
 *                given keep their usual values; NULL or "" removes the kernel's override
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a bad context, an unknown kernel, an unknown
 * name, a value outside the kernel's candidates or a combination the device cannot run (the
 * message names it); OCLNN_ERROR_UNSUPPORTED on the C backend, which has no tunable kernels.
 */
OCLNN_API oclnn_status oclnn_tuning_override(oclnn_context *ctx, const char *kernel,
                                             const char *params);

/* ==== end of families ==== */

#ifdef __cplusplus
}
#endif

#endif /* OCLNN_H */
