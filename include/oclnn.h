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
 * Aliasing
 *   Each run states which inputs may be its output ("Aliasing:" beside it). Two tensors overlap
 *   when they share storage and some element (channel views of one tensor whose channel ranges
 *   are disjoint do not overlap). An input allowed to be the output must be exactly the same
 *   elements (the same tensor, or a view of the same channels); any other overlap is refused
 *   with OCLNN_ERROR_INVALID_ARGUMENT naming both tensors.
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
    bool unified_memory; /**< shares memory with the host (an integrated GPU, a CPU device) */
    char opencl_c_version[64]; /**< CL_DEVICE_OPENCL_C_VERSION, "OpenCL C 1.2 ..." */
    char default_reason[128];  /**< on the default device: why it was chosen */
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
/** Tuning on first use (issue 14; also OCLNN_TUNE=quick): the first time a convolution with
 *  algo AUTO is created for a problem the tuning database has no algorithm for, the algorithms
 *  are timed on it (AUTO's first, the others while the per-problem cap of
 *  OCLNN_FIRST_USE_BUDGET_MS lasts), the fastest the accuracy guard allows is recorded in the
 *  context's tuning state and saved to its database file (oclnn_context_save_tuning(ctx, NULL)),
 *  so later contexts start from it. OpenCL contexts with a tuning database only; the C backend
 *  has none and ignores the flag. The cost is logged (OCLNN_LOG=info). */
#define OCLNN_FLAG_TUNE_ON_FIRST_USE 0x2u
#define OCLNN_FIRST_USE_BUDGET_MS 2000

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
    /** NULL: OCLNN_DEVICE_CLASS, then the device's own class. "gpu" (or "nvidia", "amd",
     *  "intel") makes an OpenCL device use the GPU class's kernels, defaults and algorithm
     *  choices (for testing GPU code paths on a CPU device); "cpu" the CPU class's. */
    const char *device_class;
    /** C backend worker threads (1..1024). 0: OCLNN_THREADS, then OpenMP's default
     *  (OMP_NUM_THREADS, else the cores). The library applies it around its own calls only: the
     *  host process's OpenMP and BLAS settings are left as they were. */
    unsigned threads;
} oclnn_context_options;

#define OCLNN_CONTEXT_OPTIONS_INIT {NULL, OCLNN_LAYOUT_AUTO, NULL, NULL, NULL, NULL, 0u, NULL, 0u}
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
 * Aliasing: dst may be the src handle itself (nothing to do); any other overlap, another view of
 * the same channels included, is refused.
 */
OCLNN_API oclnn_status oclnn_tensor_copy(const oclnn_tensor *src, oclnn_tensor *dst);
/** Sets every element of the tensor (or view) to `value`. */
OCLNN_API oclnn_status oclnn_tensor_fill(oclnn_tensor *t, float value);

/* ---- Operators (common) ----------------------------------------------------------------- */
/* An operator is created once for a problem (validated, algorithm chosen, kernels compiled,
 * weights copied or transformed) and run many times. The families follow, one block each. */

/** Destroys any operator; NULL is fine. */
OCLNN_API void oclnn_op_destroy(oclnn_op *op);
/** The algorithm the operator runs ("direct", "winograd4", "gemm1x1", ...); "" for a bad handle. */
OCLNN_API const char *oclnn_op_algorithm(const oclnn_op *op);
/** Bytes of context scratch memory the operator uses while it runs. */
OCLNN_API size_t oclnn_op_workspace_size(const oclnn_op *op);

/* ---- Batch normalization ---------------------------------------------------------------- */

/**
 * Batch normalization per channel, as torch.nn.functional.batch_norm.
 *   Inference (training = false): dst = gamma * (src - running_mean) / sqrt(running_var + eps) + beta.
 *   Training forward (training = true): each run normalizes with the mini-batch statistics (mean
 *   and biased variance over n, h, w), then updates the running statistics as
 *   running = (1 - momentum) * running + momentum * batch, using the unbiased batch variance for
 *   running_var, as PyTorch does. The statistics stay in the operator: read them back with
 *   oclnn_batchnorm_stats. dst may be src (in place).
 */
typedef struct oclnn_batchnorm_desc {
    oclnn_shape shape; /**< of src and dst */
    float eps;         /**< added to the variance; PyTorch's default 1e-5 */
    float momentum;    /**< in [0, 1]; PyTorch's default 0.1 (training only) */
    bool training;     /**< false: fixed statistics; true: batch statistics + running update */
} oclnn_batchnorm_desc;

#define OCLNN_BATCHNORM_DESC_INIT {{0, 0, 0, 0}, 1e-5f, 0.1f, false}
OCLNN_API oclnn_batchnorm_desc oclnn_batchnorm_desc_default(void);

/**
 * Creates a batch-norm operator. Every array holds shape.c floats and is copied.
 *   [in] gamma, beta          scale and shift; NULL: 1 and 0 (PyTorch's affine=False)
 *   [in] running_mean/var     initial statistics; NULL: 0 and 1 (a fresh PyTorch layer)
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a zero dimension, eps <= 0, momentum outside
 * [0, 1], a negative running variance, or training with one value per channel (n*h*w == 1);
 * OCLNN_ERROR_(DEVICE_)OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_batchnorm_create(oclnn_context *ctx, const oclnn_batchnorm_desc *desc,
                                              const float *gamma, const float *beta,
                                              const float *running_mean, const float *running_var,
                                              oclnn_op **out);
/** Normalizes src into dst (same shape; any layouts or channel views).
 * Aliasing: dst may be src (the same elements, in place); any other overlap is refused. */
OCLNN_API oclnn_status oclnn_batchnorm_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst);
/**
 * Reads a training operator's statistics into host arrays of shape.c floats (each may be NULL):
 * the running mean and variance, and the last run's batch mean and biased variance.
 * Returns OCLNN_ERROR_INVALID_ARGUMENT for an inference operator (its statistics are folded into
 * a scale and shift at create) or for batch statistics before the first run.
 */
OCLNN_API oclnn_status oclnn_batchnorm_stats(oclnn_op *op, float *running_mean, float *running_var,
                                             float *batch_mean, float *batch_var);
/**
 * Folds inference batch norm into the convolution before it, on host arrays: for each output
 * channel k, s = gamma[k] / sqrt(var[k] + eps); weights[k][*] *= s; bias[k] = (bias[k] - mean[k])
 * * s + beta[k]. `weights` holds channels * weights_per_channel floats (KCRS order: the
 * channel's weights are contiguous); `bias` holds channels floats (zeros if the conv had none).
 * gamma/beta NULL mean 1/0. Computed in double.
 * Returns OCLNN_OK or OCLNN_ERROR_INVALID_ARGUMENT (NULL array, zero count, eps <= 0, var < 0).
 */
OCLNN_API oclnn_status oclnn_batchnorm_fold(uint32_t channels, size_t weights_per_channel,
                                            const float *gamma, const float *beta,
                                            const float *mean, const float *var, float eps,
                                            float *weights, float *bias);

/* ---- Depth concatenation and element-wise ops ------------------------------------------- */

/**
 * Depth concatenation (torch.cat along channels). The zero-copy way needs no operator: create the
 * output first and let each branch write into oclnn_tensor_view_channels(dst, offset, c) (every
 * op here and the tensor calls accept views as dst). This operator is for inputs that already
 * exist elsewhere: it copies each into its channel slice of dst.
 *   [in] inputs   `count` shapes that agree in n, h, w; copied
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for count 0, a zero dimension, mismatched
 * n/h/w or more than 2^32-1 channels in total; OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_concat_create(oclnn_context *ctx, const oclnn_shape *inputs,
                                           size_t count, oclnn_op **out);
/** The shape of the concatenation of `inputs` (same checks as oclnn_concat_create). */
OCLNN_API oclnn_status oclnn_concat_output_shape(const oclnn_shape *inputs, size_t count,
                                                 oclnn_shape *out);
/** Copies srcs[0..count) into consecutive channel slices of dst.
 * Aliasing: a src that is already its own slice (a view written in place) is skipped; any other
 * overlap of a src with dst is refused. */
OCLNN_API oclnn_status oclnn_concat_run(oclnn_op *op, const oclnn_tensor *const *srcs,
                                        oclnn_tensor *dst);

/* ---- issue 16: channel shuffle and channel slices (ShuffleNet) ---- */
/**
 * Channels [start, start + count) of the input, shuffled in `groups` (ShuffleNet's channel
 * shuffle: view as (groups, count / groups), transpose, flatten):
 *   dst[n, j] = src[n, start + (j % groups) * (count / groups) + j / groups]
 * groups 1 is a plain channel slice (Split, Slice and torch.chunk along channels). The output is
 * (n, count, h, w). Runs as `groups` strided copies on the backend.
 */
typedef struct oclnn_channel_shuffle_desc {
    oclnn_shape input;
    uint32_t start;  /**< first input channel read */
    uint32_t count;  /**< channels read and written; a multiple of groups; start + count <= c */
    uint32_t groups; /**< 1: a slice */
} oclnn_channel_shuffle_desc;
#define OCLNN_CHANNEL_SHUFFLE_DESC_INIT {{0, 0, 0, 0}, 0u, 0u, 1u}
OCLNN_API oclnn_channel_shuffle_desc oclnn_channel_shuffle_desc_default(void);
/** Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT naming the field (a zero dimension, count 0,
 * start + count beyond the channels, groups 0 or not dividing count); OCLNN_ERROR_OUT_OF_MEMORY. */
OCLNN_API oclnn_status oclnn_channel_shuffle_create(oclnn_context *ctx,
                                                    const oclnn_channel_shuffle_desc *desc,
                                                    oclnn_op **out);
/** dst (n, count, h, w) from src (the desc's input shape); src and dst must not overlap. */
OCLNN_API oclnn_status oclnn_channel_shuffle_run(oclnn_op *op, const oclnn_tensor *src,
                                                 oclnn_tensor *dst);

/** Element-wise operations (named apart from the convolution's fused oclnn_activation). */
typedef enum oclnn_eltwise_op {
    OCLNN_ELTWISE_ADD = 0,      /**< dst = a + b (residual) */
    OCLNN_ELTWISE_ADD_RELU = 1, /**< dst = max(a + b, 0) */
    OCLNN_ELTWISE_SCALE = 2,    /**< dst = a * scale[c] + shift[c] (shift NULL: 0) */
    OCLNN_ELTWISE_RELU = 3,     /**< dst = max(a, 0) */
    OCLNN_ELTWISE_RELU6 = 4,    /**< dst = min(max(a, 0), 6) */
    OCLNN_ELTWISE_SIGMOID = 5,  /**< dst = 1 / (1 + exp(-a)) */
    OCLNN_ELTWISE_TANH = 6,     /**< dst = tanh(a) */
    /* ---- issue 16 (ONNX): MobileNetV3 and EfficientNet activations and gates ---- */
    OCLNN_ELTWISE_HARDSIGMOID = 7, /**< dst = min(max(a + 3, 0), 6) / 6 (torch's hardsigmoid) */
    OCLNN_ELTWISE_HARDSWISH = 8,   /**< dst = a * min(max(a + 3, 0), 6) / 6 (torch's hardswish) */
    OCLNN_ELTWISE_MUL = 9,         /**< dst = a * b; b of shape (n, c, 1, 1) broadcasts over h, w */
    /* issue 16: slopes per channel in `scale` (LeakyRelu: all alpha; PReLU: one per channel) */
    OCLNN_ELTWISE_LEAKY_RELU = 10, /**< dst = a < 0 ? a * scale[c] : a */
    OCLNN_ELTWISE_ELU = 11,        /**< dst = a < 0 ? scale[c] * (exp(a) - 1) : a */
    /* issue 16: ONNX's Sub and Div of two tensors */
    OCLNN_ELTWISE_SUB = 12, /**< dst = a - b */
    OCLNN_ELTWISE_DIV = 13  /**< dst = a / b */
} oclnn_eltwise_op;

typedef struct oclnn_eltwise_desc {
    oclnn_shape shape; /**< of dst, and of a and b except a broadcast operand (see run) */
    oclnn_eltwise_op op;
} oclnn_eltwise_desc;

#define OCLNN_ELTWISE_DESC_INIT {{0, 0, 0, 0}, OCLNN_ELTWISE_ADD}
OCLNN_API oclnn_eltwise_desc oclnn_eltwise_desc_default(void);

/**
 * Creates an element-wise operator.
 *   [in] scale, shift   OCLNN_ELTWISE_SCALE only: shape.c floats each (shift may be NULL),
 *                       copied; must be NULL for the other ops, except scale (shape.c slopes
 *                       or alphas, shift NULL) for LEAKY_RELU and ELU (issue 16)
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a bad op, a zero dimension, a missing scale
 * or a scale given to another op; OCLNN_ERROR_(DEVICE_)OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_eltwise_create(oclnn_context *ctx, const oclnn_eltwise_desc *desc,
                                            const float *scale, const float *shift, oclnn_op **out);
/**
 * Runs it: b is the second operand of ADD/ADD_RELU/MUL/SUB/DIV and must be NULL otherwise; for
 * MUL it may also be (n, c, 1, 1), one factor per image and channel (a squeeze-excite gate).
 * Issue 16: for ADD, ADD_RELU, MUL, SUB and DIV either a or b (not both) may be (n, c, 1, 1),
 * read once per plane (broadcast over h and w), where the shape's h x w is not 1 x 1. Tensors
 * may have any layouts and be channel views.
 * Aliasing: dst may be a or b (the same tensor, or a view of exactly the same elements: in place),
 * except a broadcast operand; any other overlap is refused.
 */
OCLNN_API oclnn_status oclnn_eltwise_run(oclnn_op *op, const oclnn_tensor *a, const oclnn_tensor *b,
                                         oclnn_tensor *dst);

/* ---- Convolution ------------------------------------------------------------------------ */

/** Activation fused at the end of an operator (after bias and residual). */
typedef enum oclnn_activation {
    OCLNN_ACTIVATION_NONE = 0,
    OCLNN_ACTIVATION_RELU = 1 /**< max(x, 0) */
} oclnn_activation;

/** How the padding of a convolution (or pooling) is given. */
typedef enum oclnn_pad_mode {
    OCLNN_PAD_EXPLICIT = 0, /**< top, bottom, left, right as given */
    OCLNN_PAD_SAME = 1,     /**< output = ceil(input / stride); the odd extra pixel goes bottom/right */
    OCLNN_PAD_VALID = 2     /**< no padding */
} oclnn_pad_mode;

/** Padding of the input, in pixels per side (used only with OCLNN_PAD_EXPLICIT). */
typedef struct oclnn_padding {
    oclnn_pad_mode mode;
    uint32_t top, bottom, left, right;
} oclnn_padding;

/** Convolution algorithms. The names oclnn_conv_algo_name gives are in quotes. */
typedef enum oclnn_conv_algo {
    OCLNN_CONV_ALGO_AUTO = 0,           /**< the find result in the tuning state, else the heuristic */
    OCLNN_CONV_ALGO_DIRECT = 1,         /**< "direct": any shape */
    OCLNN_CONV_ALGO_IM2COL = 2,         /**< "im2col": im2col + GEMM (OpenCL: oclnn's GEMM); any shape */
    OCLNN_CONV_ALGO_GEMM1X1 = 3,        /**< "gemm1x1": 1x1, stride 1, no padding; GEMM, no im2col */
    OCLNN_CONV_ALGO_WINOGRAD_2X2 = 4,   /**< "winograd2": F(2x2,3x3); 3x3, stride 1, dilation 1, groups 1 */
    OCLNN_CONV_ALGO_WINOGRAD_4X4 = 5,   /**< "winograd4": F(4x4,3x3); same conditions */
    OCLNN_CONV_ALGO_DEPTHWISE = 6,      /**< "depthwise": groups == input channels (any multiplier) */
    OCLNN_CONV_ALGO_IM2COL_CLBLAST = 7, /**< "im2col-clblast": im2col + CLBlast's SGEMM (OpenCL only,
                                             needs libclblast.so.1) */
    OCLNN_CONV_ALGO_IMPLICIT_GEMM = 8,  /**< "implicit-gemm": the local-memory tiled GEMM engine with
                                             the im2col gather fused into its loads (no im2col
                                             buffer), all groups in one launch; any shape (OpenCL
                                             only: the C backend returns OCLNN_ERROR_UNSUPPORTED) */
    /* issue 19: Winograd F(6x6,3x3) */
    OCLNN_CONV_ALGO_WINOGRAD_6X6 = 9    /**< "winograd6": F(6x6,3x3) (points 0, +-1, +-2, +-1/2, inf);
                                             same conditions; a larger rounding error, so AUTO
                                             takes it only within its accuracy guard
                                             (docs/WINOGRAD.md) */
} oclnn_conv_algo;
#define OCLNN_CONV_ALGO_COUNT 10 /* issue 19: was 9 */

/**
 * A 2-D convolution. Start from OCLNN_CONV2D_DESC_INIT (or oclnn_conv2d_desc_default()).
 * dst = act(conv(src, weights) + bias + residual). Output size per axis:
 *   P = (H + pad_top + pad_bottom - dilation_h * (kernel_h - 1) - 1) / stride_h + 1.
 */
typedef struct oclnn_conv2d_desc {
    oclnn_shape input;      /**< n, c, h, w of src */
    uint32_t out_channels;  /**< K; a multiple of groups */
    uint32_t kernel_h, kernel_w;
    uint32_t stride_h, stride_w;
    uint32_t dilation_h, dilation_w;
    uint32_t groups;        /**< divides c and out_channels; c == groups is depthwise */
    oclnn_padding padding;
    oclnn_activation activation;
    bool has_bias;          /**< bias: out_channels floats at create */
    bool fuse_residual;     /**< run adds a residual tensor of dst's shape before the activation */
    oclnn_conv_algo algo;
} oclnn_conv2d_desc;

#define OCLNN_CONV2D_DESC_INIT                                                                   \
    {{0, 0, 0, 0}, 0, 0, 0, 1, 1, 1, 1, 1, {OCLNN_PAD_EXPLICIT, 0, 0, 0, 0},                    \
     OCLNN_ACTIVATION_NONE, false, false, OCLNN_CONV_ALGO_AUTO}
OCLNN_API oclnn_conv2d_desc oclnn_conv2d_desc_default(void);

/** "direct", "winograd4", ... ("auto" for AUTO); "" for a value out of range. */
OCLNN_API const char *oclnn_conv_algo_name(oclnn_conv_algo algo);

/**
 * The output shape of `desc` (n, out_channels, P, Q).
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for any invalid field (named in the message).
 */
OCLNN_API oclnn_status oclnn_conv2d_output_shape(const oclnn_conv2d_desc *desc, oclnn_shape *out);

/**
 * Creates a convolution: validates `desc`, chooses the algorithm (desc->algo, or for AUTO the
 * result of an earlier oclnn_conv2d_find on this context and problem, else the heuristic),
 * compiles its kernels and re-lays out or transforms the weights once.
 *   [in]  weights_kcrs  K x (C/groups) x kernel_h x kernel_w floats (PyTorch's layout); copied
 *   [in]  bias          out_channels floats when desc->has_bias, else must be NULL; copied
 *   [out] out           the operator
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (bad field, NULL weights, bias given or missing,
 * sizes that overflow); OCLNN_ERROR_UNSUPPORTED when an explicit algorithm does not apply (the
 * message says why); OCLNN_ERROR_BUILD_FAILED; OCLNN_ERROR_(DEVICE_)OUT_OF_MEMORY; OCLNN_ERROR_DEVICE.
 */
OCLNN_API oclnn_status oclnn_conv2d_create(oclnn_context *ctx, const oclnn_conv2d_desc *desc,
                                           const float *weights_kcrs, const float *bias,
                                           oclnn_op **out);

/**
 * Enqueues the convolution. src must have desc->input's shape; dst (and residual) the output
 * shape. Any layout and channel views are fine for each tensor, independently; all tensors must
 * belong to the operator's context.
 * Aliasing: residual may be dst itself (the same elements: the in-place residual add, on every
 * algorithm and backend); dst must not overlap src, nor partly overlap residual.
 *   [in] residual  a tensor of dst's shape when the op fuses a residual, else NULL
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (bad handle, shape mismatch, foreign tensor,
 * residual given or missing, overlap); OCLNN_ERROR_DEVICE(_OUT_OF_MEMORY) for scratch or launch.
 */
OCLNN_API oclnn_status oclnn_conv2d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                                        const oclnn_tensor *residual);

/** One algorithm's result from oclnn_conv2d_find. */
typedef struct oclnn_conv2d_perf {
    oclnn_conv_algo algo;
    oclnn_status status; /**< OCLNN_OK, or why it could not run (UNSUPPORTED for inapplicable) */
    double ms;           /**< median time of one run; valid when status is OCLNN_OK */
} oclnn_conv2d_perf;

/**
 * Runs every algorithm on the problem of `desc` (its algo field is ignored) with scratch data on
 * the context's layout, and returns them ranked: runnable ones by increasing time, then the
 * others. The fastest is recorded in the context's tuning database state for this problem (a
 * "conv_algo" row; the problem leaves out bias, activation and residual), so later creates with
 * OCLNN_CONV_ALGO_AUTO use it; oclnn_context_save_tuning writes it to the database file, for
 * later contexts. Weights values do not affect timing, so none are needed.
 * (issue 19: what is recorded is the fastest that AUTO's accuracy guard allows: winograd6 only
 * with at most 128 input channels, docs/WINOGRAD.md.)
 *   [out] results   up to `capacity` entries (NULL with capacity 0 to get the count)
 *   [out] count     number of algorithms tried (OCLNN_CONV_ALGO_COUNT - 1)
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a bad desc or count NULL; OCLNN_ERROR_UNSUPPORTED
 * when no algorithm runs; memory errors.
 */
OCLNN_API oclnn_status oclnn_conv2d_find(oclnn_context *ctx, const oclnn_conv2d_desc *desc,
                                         oclnn_conv2d_perf *results, size_t capacity,
                                         size_t *count);

/* ---- Detection (Fast/Faster/Mask R-CNN) ------------------------------------------------- */
/* The ops of region-based detectors (Fast/Faster/Mask R-CNN) with torchvision.ops semantics.
 *
 * Data placement. Feature maps and pooled outputs are oclnn tensors (either layout, views too).
 * Boxes, scores, class ids, RoIs and deltas are small and are produced or consumed on the host
 * between network stages, so they are plain host arrays of float32:
 *   box      4 floats (x1, y1, x2, y2), image coordinates, x2 >= x1 expected but not required;
 *   RoI      5 floats (batch_index, x1, y1, x2, y2), batch_index a whole number in [0, N).
 * The RoI ops and NMS run on the context's backend (OpenCL kernels or the C backend); box coding,
 * anchors, IoU, the losses and VOC AP are host functions that need no context. */

/** Which pooling an RoI operator does. */
typedef enum oclnn_roi_mode {
    OCLNN_ROI_ALIGN = 0, /**< torchvision.ops.roi_align: bilinear samples, averaged */
    OCLNN_ROI_POOL = 1   /**< torchvision.ops.roi_pool: max over rounded sub-windows */
} oclnn_roi_mode;

/** An RoI pooling problem; start from OCLNN_ROI_DESC_INIT. */
typedef struct oclnn_roi_desc {
    oclnn_roi_mode mode;
    uint32_t pooled_h, pooled_w; /**< output size per RoI, e.g. 7x7 */
    float spatial_scale;         /**< feature-map pixels per image pixel, e.g. 1/16 */
    int32_t sampling_ratio;      /**< ALIGN: samples per bin side; <= 0: ceil(roi size / pooled) */
    bool aligned;                /**< ALIGN: shift by -0.5 pixel (Detectron2's correct alignment) */
} oclnn_roi_desc;
#define OCLNN_ROI_DESC_INIT {OCLNN_ROI_ALIGN, 7u, 7u, 1.0f, -1, false}

/**
 * Creates an RoI pooling operator (compiles its kernels).
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a NULL pointer, a pooled size outside
 * 1..4096, a spatial_scale that is not finite and positive, a sampling_ratio above 1024, or an
 * unknown mode; OCLNN_ERROR_BUILD_FAILED.
 */
OCLNN_API oclnn_status oclnn_roi_create(oclnn_context *ctx, const oclnn_roi_desc *desc,
                                        oclnn_op **out);
/**
 * Pools `num_rois` RoIs of the feature map `src` (N, C, H, W) into dst (R, C, pooled_h,
 * pooled_w), R >= num_rois; rows past num_rois are left as they are, and num_rois = 0 does
 * nothing (torchvision's empty result). RoIs may lie partly or wholly outside the map.
 *   [in]  rois     num_rois x 5 floats on the host (see above); read before the call returns
 *   [out] argmax   ROI_POOL only, optional (NULL): same shape as dst, the flat index h * W + w
 *                  of each maximum within its map plane, -1 for an empty bin (as float)
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for mismatched shapes or contexts, a batch
 * index that is not a whole number in [0, N), a coordinate that is NaN, infinite or beyond
 * +-2^29 once scaled, an adaptive sampling grid above 65536 per side, or an argmax with
 * ROI_ALIGN; OCLNN_ERROR_OUT_OF_MEMORY; OCLNN_ERROR_DEVICE.
 * Aliasing: dst and argmax must not overlap src or each other.
 */
OCLNN_API oclnn_status oclnn_roi_run(oclnn_op *op, const oclnn_tensor *src, const float *rois,
                                     size_t num_rois, oclnn_tensor *dst, oclnn_tensor *argmax);

/** Non-maximum suppression settings; start from OCLNN_NMS_DESC_INIT. */
typedef struct oclnn_nms_desc {
    double iou_threshold;    /**< suppress when IoU > this (compared in double, as torchvision) */
    bool use_score_threshold;
    float score_threshold;   /**< with use_score_threshold: boxes with score < this are dropped */
    uint32_t top_k;          /**< keep at most this many (0: no limit) */
} oclnn_nms_desc;
#define OCLNN_NMS_DESC_INIT {0.7, false, 0.0f, 0u}

/**
 * Greedy NMS (torchvision.ops.nms / batched_nms): boxes are visited by descending score, ties in
 * ascending index order (torchvision's stable sort); each kept box suppresses the later boxes
 * whose IoU with it exceeds iou_threshold. With `classes`, boxes of different classes never
 * suppress each other: batched_nms computed per class (torchvision's _batched_nms_vanilla; its
 * coordinate-offset shortcut for small inputs rounds the shifted boxes and can differ when an
 * IoU is within rounding of the threshold). Runs on the context's backend; on OpenCL the IoU
 * bitmask is computed in parallel and the result equals the C backend's exactly on devices with
 * fp64 (without it, an IoU within 2.5 ulp of the threshold may be decided differently).
 *   [in]  boxes     n x 4 floats; scores n floats; classes n ids or NULL
 *   [out] keep      room for n (or top_k) indices into the input, sorted by descending score
 *   [out] num_kept  how many were written
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a NULL pointer, a threshold outside [0, 1],
 * a NaN score or a NaN/infinite coordinate; OCLNN_ERROR_OUT_OF_MEMORY; OCLNN_ERROR_DEVICE.
 */
OCLNN_API oclnn_status oclnn_nms(oclnn_context *ctx, const oclnn_nms_desc *desc, const float *boxes,
                                 const float *scores, const int32_t *classes, size_t n,
                                 uint32_t *keep, size_t *num_kept);

/** IoU matrix (torchvision.ops.box_iou): iou[i * nb + j] = IoU(a[i], b[j]); 0/0 gives NaN. */
OCLNN_API oclnn_status oclnn_box_iou(const float *a, size_t na, const float *b, size_t nb,
                                     float *iou);

/** torchvision's BoxCoder parameters; OCLNN_BOX_CODER_INIT is (1, 1, 1, 1) and log(1000/16). */
typedef struct oclnn_box_coder {
    float weights[4];   /**< wx, wy, ww, wh; Faster R-CNN's box head uses (10, 10, 5, 5) */
    float clip;         /**< dw, dh are clamped to at most this before exp */
} oclnn_box_coder;
#define OCLNN_BOX_CODER_INIT {{1.0f, 1.0f, 1.0f, 1.0f}, 4.135166556742356f}

/** Encodes n boxes against n reference boxes (proposals): deltas (dx, dy, dw, dh) per box. */
OCLNN_API oclnn_status oclnn_box_encode(const oclnn_box_coder *coder, const float *ref_boxes,
                                        const float *boxes, size_t n, float *deltas);
/**
 * Decodes n x k deltas (k boxes per reference box, e.g. one per class: 4k floats per row)
 * against n reference boxes into n x k boxes.
 */
OCLNN_API oclnn_status oclnn_box_decode(const oclnn_box_coder *coder, const float *ref_boxes,
                                        const float *deltas, size_t n, size_t k, float *boxes);
/** Clamps n boxes in place to the image: x to [0, width], y to [0, height]. */
OCLNN_API oclnn_status oclnn_box_clip(float *boxes, size_t n, float height, float width);

/**
 * Anchors as torchvision's AnchorGenerator for one feature map: for each cell (row-major over
 * grid_h x grid_w, shifted by the stride) the base anchors in torchvision's order (aspect ratio
 * outer, scale inner; base anchors rounded half to even). Writes grid_h * grid_w * num_scales *
 * num_ratios boxes (4 floats each) to `anchors`. Ratios are height / width.
 */
OCLNN_API oclnn_status oclnn_anchors(const float *scales, size_t num_scales, const float *ratios,
                                     size_t num_ratios, uint32_t grid_h, uint32_t grid_w,
                                     uint32_t stride_h, uint32_t stride_w, float *anchors);

/** How a loss reduces its elements (as PyTorch's `reduction`). */
typedef enum oclnn_reduction {
    OCLNN_REDUCTION_NONE = 0, /**< one value per element */
    OCLNN_REDUCTION_SUM = 1,
    OCLNN_REDUCTION_MEAN = 2
} oclnn_reduction;

/**
 * F.smooth_l1_loss: |d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta (beta = 0: L1), d = x - y.
 * `out` receives n values (NONE) or one. Sums accumulate in double.
 */
OCLNN_API oclnn_status oclnn_smooth_l1(const float *input, const float *target, size_t n,
                                       float beta, oclnn_reduction reduction, float *out);

/**
 * torchvision's fastrcnn_loss for n sampled RoIs: mean cross-entropy of class_logits (n x K)
 * against labels (0 = background), and the smooth-L1 (beta) sum over the foreground RoIs of the
 * deltas of their labelled class (box_regression n x 4K) against regression_targets (n x 4),
 * divided by n. torchvision uses beta = 1/9.
 */
OCLNN_API oclnn_status oclnn_fastrcnn_loss(const float *class_logits, const float *box_regression,
                                           const int32_t *labels, const float *regression_targets,
                                           size_t n, uint32_t num_classes, float beta,
                                           float *classification_loss, float *box_loss);

/** A ground-truth box for VOC evaluation. */
typedef struct oclnn_voc_gt {
    uint32_t image, class_id;
    float box[4];
    bool difficult; /**< matched detections count neither as true nor as false positives */
} oclnn_voc_gt;
/** A detection for VOC evaluation. */
typedef struct oclnn_voc_det {
    uint32_t image, class_id;
    float score;
    float box[4];
} oclnn_voc_det;
/** VOC evaluation settings; OCLNN_VOC_DESC_INIT is the VOC2010+ devkit (all points, IoU 0.5). */
typedef struct oclnn_voc_desc {
    double iou_threshold; /**< a detection matches when IoU >= this */
    bool eleven_point;    /**< VOC2007: mean of max precision at recall 0, 0.1, ..., 1 */
    float pixel_offset;   /**< 1: the devkit's inclusive pixels (w = x2 - x1 + 1); 0: continuous */
} oclnn_voc_desc;
#define OCLNN_VOC_DESC_INIT {0.5, false, 1.0f}

/**
 * VOC average precision per class and their mean. Detections are ranked by descending score
 * (ties by input order); each is matched to the unmatched ground truth of its image and class
 * with the highest IoU. A class without non-difficult ground truth gets AP = NaN and is left out
 * of the mean (mAP is NaN when every class is).
 *   [out] ap    num_classes values (may be NULL); [out] map  may be NULL
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for NULL arrays with nonzero counts, a
 * class_id >= num_classes or a non-finite score or coordinate; OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_voc_ap(const oclnn_voc_desc *desc, const oclnn_voc_det *dets,
                                    size_t num_dets, const oclnn_voc_gt *gts, size_t num_gts,
                                    uint32_t num_classes, float *ap, float *map);

/* ---- Detection pipeline (issue 18): proposals, multi-level RoIAlign, post-processing ------ */
/* The stages of torchvision's GeneralizedRCNN between the network's layers, in eval mode, with
 * torchvision's defaults (the *_default() functions). Network outputs (objectness, deltas, feature
 * maps) are oclnn tensors; boxes, scores and labels are host arrays as above, one image after
 * another, each image's part at a fixed stride (its capacity) with its count beside it. */

/** An image's size (height, width) in pixels: the size of the image as resized, before padding. */
typedef struct oclnn_image_size {
    uint32_t h, w;
} oclnn_image_size;

#define OCLNN_DETECT_MAX_LEVELS 8

/** Proposal generation (torchvision RegionProposalNetwork + AnchorGenerator, eval mode). */
typedef struct oclnn_rpn_desc {
    uint32_t num_levels;                       /**< feature maps, 1..OCLNN_DETECT_MAX_LEVELS */
    uint32_t num_sizes;                        /**< anchor sizes per level, 1..8 */
    float sizes[OCLNN_DETECT_MAX_LEVELS][8];   /**< sizes[level][i]; FPN: 32, 64, 128, 256, 512 */
    uint32_t num_ratios;                       /**< 1..8 */
    float ratios[8];                           /**< height / width: 0.5, 1, 2 */
    oclnn_box_coder coder;                     /**< (1, 1, 1, 1), clip log(1000/16) */
    uint32_t pre_nms_top_n;                    /**< per level and image, by objectness: 1000 */
    uint32_t post_nms_top_n;                   /**< per image after NMS: 1000 (capacity) */
    double nms_threshold;                      /**< 0.7, NMS per level (batched by level) */
    float score_threshold;                     /**< on sigmoid(objectness), kept when >=: 0.0 */
    float min_size;                            /**< boxes narrower or lower are removed: 1e-3 */
} oclnn_rpn_desc;
/** torchvision's fasterrcnn_resnet50_fpn RPN at test time (5 levels, one size each). */
OCLNN_API oclnn_rpn_desc oclnn_rpn_desc_default(void);

/**
 * Proposals for a batch of N images, as torchvision's RPN (eval): anchors per level (oclnn_anchors
 * with stride padded_size / map size, integer division), deltas decoded, per level the
 * pre_nms_top_n anchors of highest objectness, sigmoid, boxes clipped to their image's size,
 * small boxes and scores below the threshold removed, NMS per level (levels never suppress each
 * other), the post_nms_top_n best kept, by descending score. Tied logits rank by lower anchor
 * index. All of it runs on the context's backend (OpenCL: on the device; only the proposals
 * and counts are read back; a level of more than 8192 candidates runs on the host).
 *   [in]  objectness  num_levels tensors (N, A, H_l, W_l), A = num_sizes * num_ratios, logits
 *   [in]  deltas      num_levels tensors (N, 4A, H_l, W_l), torchvision's (dx, dy, dw, dh) per anchor
 *   [in]  image_sizes N sizes; padded_h x padded_w is the batched input's size (each >= an image)
 *   [out] boxes       N x post_nms_top_n x 4; image i's at i * post_nms_top_n * 4
 *   [out] scores      N x post_nms_top_n sigmoid scores, or NULL
 *   [out] counts      N: proposals written per image
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (bad desc, shapes, contexts, sizes, NULL, a NaN
 * objectness); OCLNN_ERROR_OUT_OF_MEMORY; OCLNN_ERROR_DEVICE. Details: docs/DETECTION.md.
 */
OCLNN_API oclnn_status oclnn_rpn_proposals(oclnn_context *ctx, const oclnn_rpn_desc *desc,
                                           const oclnn_tensor *const *objectness,
                                           const oclnn_tensor *const *deltas,
                                           const oclnn_image_size *image_sizes, uint32_t padded_h,
                                           uint32_t padded_w, float *boxes, float *scores,
                                           size_t *counts);

/** Multi-level RoIAlign (torchvision.ops.MultiScaleRoIAlign); see oclnn_msroi_desc_default. */
typedef struct oclnn_msroi_desc {
    uint32_t num_levels;         /**< feature maps, finest first, 1..OCLNN_DETECT_MAX_LEVELS */
    uint32_t pooled_h, pooled_w; /**< 7x7 for the box head, 14x14 for the mask head */
    int32_t sampling_ratio;      /**< 2 */
    bool aligned;                /**< false (Faster R-CNN v1) */
    float canonical_size;        /**< 224 */
    float canonical_level;       /**< 4 */
    float eps;                   /**< 1e-6 */
} oclnn_msroi_desc;
#define OCLNN_MSROI_DESC_INIT {4u, 7u, 7u, 2, false, 224.0f, 4.0f, 1e-6f}
OCLNN_API oclnn_msroi_desc oclnn_msroi_desc_default(void);

/**
 * Creates a multi-level RoIAlign operator (compiles its kernels).
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a NULL pointer or a field out of range;
 * OCLNN_ERROR_BUILD_FAILED.
 */
OCLNN_API oclnn_status oclnn_msroi_create(oclnn_context *ctx, const oclnn_msroi_desc *desc,
                                          oclnn_op **out);
/**
 * Pools each RoI from one level: level scales are 2^round(log2(map size / image size)) (the
 * batch's largest image size, as torchvision infers them; both axes must agree), k_min/k_max from
 * the first and last scale, an RoI's level floor(canonical_level + log2(sqrt(area) /
 * canonical_size) + eps) clamped to [k_min, k_max]. dst row r is RoI r, as torchvision's.
 *   [in]  levels      num_levels tensors (N, C, H_l, W_l), same N, C and context
 *   [in]  image_size  the largest image size of the batch (max h, max w over images)
 *   [in]  rois        num_rois x 5 floats (batch index, x1, y1, x2, y2) on the host
 *   [out] dst         (R >= num_rois, C, pooled_h, pooled_w)
 *   [out] level_of    num_rois level indices (0 = finest), or NULL
 * Returns as oclnn_roi_run, and OCLNN_ERROR_INVALID_ARGUMENT for levels whose scales differ by
 * axis or do not halve level by level (finest first), or an op made by oclnn_roi_create.
 * A zero or NaN area maps to the finest level. Aliasing: dst must not overlap any level.
 */
OCLNN_API oclnn_status oclnn_msroi_run(oclnn_op *op, const oclnn_tensor *const *levels,
                                       oclnn_image_size image_size, const float *rois,
                                       size_t num_rois, oclnn_tensor *dst, int32_t *level_of);

/** Detection post-processing (torchvision RoIHeads.postprocess_detections). */
typedef struct oclnn_detect_post_desc {
    oclnn_box_coder coder;         /**< (10, 10, 5, 5), clip log(1000/16) */
    float score_threshold;         /**< kept when score > this: 0.05 */
    float min_size;                /**< 1e-2 */
    double nms_threshold;          /**< per-class NMS: 0.5 */
    uint32_t detections_per_image; /**< 100 (capacity per image) */
} oclnn_detect_post_desc;
#define OCLNN_DETECT_POST_DESC_INIT \
    {{{10.0f, 10.0f, 5.0f, 5.0f}, 4.135166556742356f}, 0.05f, 1e-2f, 0.5, 100u}

/**
 * Final detections of N images from the box head: softmax of class_logits, each proposal's
 * deltas decoded per class (classes 1..K-1; 0 is background), clipped to the image, scores <=
 * threshold and small boxes removed, NMS per class, the best detections_per_image kept by
 * descending score.
 *   [in]  class_logits   P x K (P = sum of num_proposals), box_regression P x 4K
 *   [in]  proposals      P x 4, image after image; num_proposals N counts; image_sizes N
 *   [out] boxes N x D x 4, scores N x D, labels N x D (1..K-1), counts N (D = detections_per_image)
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT; OCLNN_ERROR_OUT_OF_MEMORY; OCLNN_ERROR_DEVICE.
 */
OCLNN_API oclnn_status oclnn_detect_postprocess(
    oclnn_context *ctx, const oclnn_detect_post_desc *desc, const float *class_logits,
    const float *box_regression, uint32_t num_classes, const float *proposals,
    const size_t *num_proposals, const oclnn_image_size *image_sizes, size_t num_images,
    float *boxes, float *scores, int32_t *labels, size_t *counts);

/** Mask pasting (torchvision maskrcnn_inference + paste_masks_in_image). */
typedef struct oclnn_mask_paste_desc {
    uint32_t padding;  /**< the mask is padded by this many zeros and its box expanded: 1 */
    bool logits;       /**< the masks are logits: apply the sigmoid (true) */
    bool binarize;     /**< write 1 where the probability is > threshold, else 0 (true) */
    float threshold;   /**< 0.5 */
} oclnn_mask_paste_desc;
#define OCLNN_MASK_PASTE_DESC_INIT {1u, true, true, 0.5f}

/**
 * Pastes n masks into image-sized planes: mask i is channel labels[i] of masks[i] (channel 0
 * when num_classes is 1), zero-padded, its box expanded by (M + 2 padding) / M and truncated to
 * integers, resized bilinearly (align_corners false) to the box and written into a zero plane.
 *   [in]  masks   n x num_classes x M x M (the mask head's output, NCHW order)
 *   [in]  labels  n class ids (< num_classes), or NULL when num_classes is 1
 *   [in]  boxes   n x 4 in the image's coordinates
 *   [out] out     n x image_h x image_w
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (NULL, label out of range, a non-finite box).
 */
OCLNN_API oclnn_status oclnn_mask_paste(const oclnn_mask_paste_desc *desc, const float *masks,
                                        size_t n, uint32_t num_classes, uint32_t mask_size,
                                        const int32_t *labels, const float *boxes,
                                        uint32_t image_h, uint32_t image_w, float *out);

/** RoI sampling for training (Fast R-CNN / torchvision RoIHeads.select_training_samples). */
typedef struct oclnn_roi_sample_desc {
    uint32_t batch_size_per_image; /**< 512 */
    float positive_fraction;       /**< 0.25 */
    float fg_iou_threshold;        /**< foreground when max IoU >= this: 0.5 */
    float bg_iou_high;             /**< background when max IoU < this: 0.5 */
    float bg_iou_low;              /**< ... and >= this: 0 (torchvision); the paper: 0.1 */
    bool append_gt;                /**< add the ground-truth boxes to the proposals (torchvision) */
    oclnn_box_coder coder;         /**< (10, 10, 5, 5) */
    uint64_t seed;                 /**< the random choice is a function of the seed */
} oclnn_roi_sample_desc;
#define OCLNN_ROI_SAMPLE_DESC_INIT \
    {512u, 0.25f, 0.5f, 0.5f, 0.0f, true, {{10.0f, 10.0f, 5.0f, 5.0f}, 4.135166556742356f}, 0u}

/**
 * Samples one image's RoIs: proposals (plus the ground truth with append_gt) matched to the
 * ground-truth box of highest IoU; foreground (label of that box) at max IoU >= fg_iou_threshold,
 * background (label 0) in [bg_iou_low, bg_iou_high), others ignored; up to batch_size_per_image
 * * positive_fraction foreground chosen at random, background fills the rest; the sample is
 * returned in proposal order with box-regression targets (encoded against the matched box,
 * zero for background).
 *   [in]  proposals n x 4; gt_boxes num_gt x 4; gt_labels num_gt (>= 1)
 *   [out] rois, targets (x 4), labels, matched (gt index or -1; may be NULL): room for
 *         batch_size_per_image; num_out: how many were written
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT; OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_roi_sample(const oclnn_roi_sample_desc *desc, const float *proposals,
                                        size_t n, const float *gt_boxes, const int32_t *gt_labels,
                                        size_t num_gt, float *rois, int32_t *labels,
                                        float *targets, int32_t *matched, size_t *num_out);

/* ---- Fully connected, softmax, LRN ------------------------------------------------------ */

/**
 * Fully connected (torch.nn.functional.linear over torch.flatten(src, 1)): dst[n][o] =
 * sum_k x[n][k] * weights[o][k] + bias[o], where x[n] is src's sample n flattened in (c, h, w)
 * order whatever its layout. dst has shape (n, out_features, 1, 1). Dropout at inference is the
 * identity and needs no operator; flattening is done here.
 */
typedef struct oclnn_fc_desc {
    oclnn_shape input;     /**< src shape; in_features = c * h * w */
    uint32_t out_features;
    bool has_bias;
} oclnn_fc_desc;

#define OCLNN_FC_DESC_INIT {{0, 0, 0, 0}, 0u, false}
OCLNN_API oclnn_fc_desc oclnn_fc_desc_default(void);

/**
 * Creates a fully connected operator. On OpenCL GPUs the product goes through CLBlast when
 * libclblast.so.1 can be loaded (oclnn_op_algorithm: "clblast"), else through oclnn's own kernel
 * ("gemm"); the environment variable OCLNN_CLBLAST=1 forces CLBlast on any OpenCL device, =0
 * disables it.
 *   [in] weights   out_features x (c*h*w) floats, row-major as torch's weight; copied
 *   [in] bias      out_features floats when has_bias, else NULL
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a zero size, a NULL weights, a bias that
 * disagrees with has_bias, or a weight matrix over 2^32 floats; OCLNN_ERROR_(DEVICE_)OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_fc_create(oclnn_context *ctx, const oclnn_fc_desc *desc,
                                       const float *weights, const float *bias, oclnn_op **out);
/** dst = linear(flatten(src)); dst is (n, out_features, 1, 1), any layout or a channel view.
 * Aliasing: dst must not overlap src. */
OCLNN_API oclnn_status oclnn_fc_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst);

/** Softmax over channels (dim 1), numerically stable (the channel maximum is subtracted). */
typedef struct oclnn_softmax_desc {
    oclnn_shape shape; /**< of src and dst */
} oclnn_softmax_desc;

#define OCLNN_SOFTMAX_DESC_INIT {{0, 0, 0, 0}}
OCLNN_API oclnn_softmax_desc oclnn_softmax_desc_default(void);
/** Returns OCLNN_ERROR_INVALID_ARGUMENT for a NULL desc or a zero dimension. */
OCLNN_API oclnn_status oclnn_softmax_create(oclnn_context *ctx, const oclnn_softmax_desc *desc,
                                            oclnn_op **out);
/** dst = softmax(src, dim=1).
 * Aliasing: dst may be src (the same elements, in place); any other overlap is refused. */
OCLNN_API oclnn_status oclnn_softmax_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst);

/**
 * Local response normalization across channels (torch.nn.functional.local_response_norm):
 * dst = src / (k + alpha / size * sum of src^2 over channels [c - size/2, c + (size-1)/2])^beta,
 * channels outside [0, C) counting as zero. Note that PyTorch divides alpha by size (Caffe's
 * convention); pass alpha as you would to PyTorch.
 */
typedef struct oclnn_lrn_desc {
    oclnn_shape shape; /**< of src and dst */
    uint32_t size;     /**< window, >= 1 */
    float alpha, beta, k;
} oclnn_lrn_desc;

#define OCLNN_LRN_DESC_INIT {{0, 0, 0, 0}, 5u, 1e-4f, 0.75f, 1.0f}
OCLNN_API oclnn_lrn_desc oclnn_lrn_desc_default(void);
/** Returns OCLNN_ERROR_INVALID_ARGUMENT for a zero dimension, size 0, k <= 0 or beta < 0. */
OCLNN_API oclnn_status oclnn_lrn_create(oclnn_context *ctx, const oclnn_lrn_desc *desc,
                                        oclnn_op **out);
/** dst = LRN(src).
 * Aliasing: dst must not overlap src (each output reads neighbouring channels). */
OCLNN_API oclnn_status oclnn_lrn_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst);

/* ---- Pooling ---------------------------------------------------------------------------- */

/** Pooling kinds. Global kinds pool the whole plane (window, stride and padding are ignored). */
typedef enum oclnn_pool_kind {
    OCLNN_POOL_MAX = 0,
    OCLNN_POOL_AVG = 1,
    OCLNN_POOL_GLOBAL_AVG = 2,
    OCLNN_POOL_GLOBAL_MAX = 3
} oclnn_pool_kind;

/**
 * 2-D pooling as torch.nn.functional.max_pool2d / avg_pool2d (dilation 1). Output size per axis:
 * floor_or_ceil((in + 2 * pad - kernel) / stride) + 1, and in ceil mode the last window must
 * start inside the input or the left padding (PyTorch's rule), else it is dropped. Padding is
 * symmetric and at most half the window.
 */
typedef struct oclnn_pool2d_desc {
    oclnn_shape input;
    oclnn_pool_kind kind;
    uint32_t kernel_h, kernel_w;
    uint32_t stride_h, stride_w; /**< 0: the window size (PyTorch's default) */
    uint32_t pad_h, pad_w;
    bool ceil_mode;
    bool count_include_pad; /**< average only: divide by the window clipped to input + padding
                                 (true, PyTorch's default) or by the input elements it covers */
    /* issue 16: when pad_asymmetric, pad_h/pad_w pad the top/left and these the bottom/right
     * (ONNX's asymmetric pads and auto_pad SAME); each side at most half the window. In ceil mode
     * the last window must start inside the input or the top/left padding. */
    bool pad_asymmetric;
    uint32_t pad_bottom, pad_right;
} oclnn_pool2d_desc;

#define OCLNN_POOL2D_DESC_INIT {{0, 0, 0, 0}, OCLNN_POOL_MAX, 1u, 1u, 0u, 0u, 0u, 0u, false, true, false, 0u, 0u}
OCLNN_API oclnn_pool2d_desc oclnn_pool2d_desc_default(void);

/** The output shape for `desc`; same checks as oclnn_pool2d_create. */
OCLNN_API oclnn_status oclnn_pool2d_output_shape(const oclnn_pool2d_desc *desc, oclnn_shape *out);
/**
 * Creates a pooling operator.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a bad kind, a zero dimension or window, a
 * padding over half the window, or an empty output; OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_pool2d_create(oclnn_context *ctx, const oclnn_pool2d_desc *desc,
                                           oclnn_op **out);
/**
 * Pools src into dst (the output shape). argmax (max kinds only, else NULL; may be NULL) receives,
 * per output element, the position of the maximum in its input plane as the float value
 * h * W + w (PyTorch's return_indices; exact in float, so argmax needs planes of at most 2^24
 * elements: OCLNN_ERROR_UNSUPPORTED beyond). The first maximum wins ties, and NaN propagates as
 * in PyTorch. Windows may be any size up to 2^32 - 1 (only the taps inside the input are
 * visited; the average's divisor is computed without overflow).
 * Aliasing: dst and argmax must not overlap src or each other.
 */
OCLNN_API oclnn_status oclnn_pool2d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                                        oclnn_tensor *argmax);

/* ---- Transposed convolution and resizing (issue 18) ------------------------------------- */

/** Transposed-convolution algorithms. */
typedef enum oclnn_deconv_algo {
    OCLNN_DECONV_ALGO_AUTO = 0,   /**< the backend's choice (docs/UPSAMPLE.md) */
    OCLNN_DECONV_ALGO_DIRECT = 1, /**< "direct": each output gathers its taps; any shape */
    OCLNN_DECONV_ALGO_COL2IM = 2  /**< "col2im": a GEMM into columns (C backend: the BLAS;
                                       OpenCL: a 1x1 convolution op, oclnn's GEMM engines, into
                                       an op-owned buffer of N x K*kh*kw x H x W floats), then
                                       col2im; any shape with columns below 2^31 elements */
} oclnn_deconv_algo;

/**
 * A 2-D transposed convolution (torch.nn.ConvTranspose2d). Start from OCLNN_DECONV2D_DESC_INIT
 * (or oclnn_deconv2d_desc_default()). dst = act(conv_transpose(src, weights) + bias), with
 * torch's weights of (C, out_channels / groups, kernel_h, kernel_w). Output size per axis:
 *   OH = (H - 1) * stride_h - 2 * pad_h + dilation_h * (kernel_h - 1) + output_pad_h + 1.
 * output_pad must be below the stride or the dilation (torch's rule).
 */
typedef struct oclnn_deconv2d_desc {
    oclnn_shape input;     /**< n, c, h, w of src */
    uint32_t out_channels; /**< a multiple of groups */
    uint32_t kernel_h, kernel_w;
    uint32_t stride_h, stride_w;
    uint32_t pad_h, pad_w;               /**< torch's padding: cut from each side of the output */
    uint32_t output_pad_h, output_pad_w; /**< torch's output_padding: added at the bottom/right */
    uint32_t dilation_h, dilation_w;
    uint32_t groups; /**< divides c and out_channels */
    oclnn_activation activation;
    bool has_bias; /**< bias: out_channels floats at create */
    oclnn_deconv_algo algo;
} oclnn_deconv2d_desc;

#define OCLNN_DECONV2D_DESC_INIT                                                                 \
    {{0, 0, 0, 0}, 0u, 0u, 0u, 1u, 1u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, OCLNN_ACTIVATION_NONE,         \
     false, OCLNN_DECONV_ALGO_AUTO}
OCLNN_API oclnn_deconv2d_desc oclnn_deconv2d_desc_default(void);

/** The output shape of desc. Returns OCLNN_OK or OCLNN_ERROR_INVALID_ARGUMENT naming the field. */
OCLNN_API oclnn_status oclnn_deconv2d_output_shape(const oclnn_deconv2d_desc *desc,
                                                   oclnn_shape *out);

/**
 * Creates a transposed convolution; the weights (C x out_channels/groups x kh x kw, torch's
 * order) and bias are copied.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT naming the field (zero sizes, groups not dividing
 * the channels, output padding not below stride or dilation, an empty or too large output, NULL
 * weights, bias not matching has_bias); OCLNN_ERROR_UNSUPPORTED for an algorithm the backend
 * lacks or col2im columns of 2^31 elements or more; OCLNN_ERROR_OUT_OF_MEMORY;
 * OCLNN_ERROR_BUILD (OpenCL).
 */
OCLNN_API oclnn_status oclnn_deconv2d_create(oclnn_context *ctx, const oclnn_deconv2d_desc *desc,
                                             const float *weights, const float *bias,
                                             oclnn_op **out);
/** Runs it: src of desc->input, dst of the output shape, any layouts or views, not overlapping.
 * Returns OCLNN_OK or OCLNN_ERROR_INVALID_ARGUMENT naming the tensor. */
OCLNN_API oclnn_status oclnn_deconv2d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst);

/** Resize (upsampling) interpolation, as torch.nn.functional.interpolate's mode. */
typedef enum oclnn_resize_mode {
    OCLNN_RESIZE_NEAREST = 0, /**< "nearest": src = min(floor(dst * scale), in - 1) */
    OCLNN_RESIZE_BILINEAR = 1 /**< "bilinear", align_corners either way */
} oclnn_resize_mode;

/**
 * Resizing of the spatial plane with torch.nn.functional.interpolate's semantics (ATen's
 * upsample_{nearest,bilinear}2d with output_size and scales):
 *   interpolate(x, size=(OH, OW))          -> out_h = OH, out_w = OW, scale_h = scale_w = 0;
 *   interpolate(x, scale_factor=(fh, fw))  -> out_h = out_w = 0 (floor(H * fh) x floor(W * fw)),
 *                                             scale_h = fh, scale_w = fw;
 *   ... with recompute_scale_factor=True   -> out size floor(H * fh), scale 0.
 * The source coordinate uses scale = 1 / scale_h when scale_h > 0, else H / OH (align_corners:
 * (H - 1) / (OH - 1), 0 for OH = 1). Nearest: src = min(floor(dst * scale), H - 1) in float, as
 * torch computes it. Bilinear: src = max((dst + 0.5) * scale - 0.5, 0) (align_corners: dst *
 * scale), the two neighbours weighted by the fraction. Nearest is the floor rule of torch's
 * contiguous kernel for every size; torch 1.13's channels-last and single-plane paths instead copy
 * when the size is kept and halve when it doubles, which differs only for a scale_factor that is
 * not the size ratio (2.05 on 5 rows; docs/UPSAMPLE.md).
 */
typedef struct oclnn_resize_desc {
    oclnn_shape input;
    oclnn_resize_mode mode;
    uint32_t out_h, out_w;   /**< output size; 0: floor(input * scale) (then scale must be > 0) */
    double scale_h, scale_w; /**< torch's scale_factor; 0: none */
    bool align_corners;      /**< bilinear only (torch refuses it for nearest) */
} oclnn_resize_desc;

#define OCLNN_RESIZE_DESC_INIT {{0, 0, 0, 0}, OCLNN_RESIZE_NEAREST, 0u, 0u, 0.0, 0.0, false}
OCLNN_API oclnn_resize_desc oclnn_resize_desc_default(void);

/** The output shape of desc. Returns OCLNN_OK or OCLNN_ERROR_INVALID_ARGUMENT naming the field. */
OCLNN_API oclnn_status oclnn_resize_output_shape(const oclnn_resize_desc *desc, oclnn_shape *out);
/** Creates a resize. Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT naming the field (bad mode,
 * no output size and no scale, a scale that is not finite and positive, an empty or too large
 * output, align_corners with nearest); OCLNN_ERROR_OUT_OF_MEMORY. */
OCLNN_API oclnn_status oclnn_resize_create(oclnn_context *ctx, const oclnn_resize_desc *desc,
                                           oclnn_op **out);
/** Runs it: src of desc->input, dst of the output shape, any layouts or views, not overlapping.
 * Returns OCLNN_OK or OCLNN_ERROR_INVALID_ARGUMENT naming the tensor. */
OCLNN_API oclnn_status oclnn_resize_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst);

/* ---- 1-D convolution and pooling (issue 19) ------------------------------------------- */
/*
 * Sequences (speech, text) are 3-D tensors (n, c, l), stored as the 4-D tensor (n, c, 1, l):
 * NCL is NCHW with h = 1, NLC is NHWC with h = 1, the same bytes. A 1-D op is the 2-D op with a
 * 1 x k window (every 2-D algorithm, tuning and fusion applies; oclnn_op_algorithm names the one
 * chosen), so 1-D batch norm and element-wise ops are the 4-D ones on the (n, c, 1, l) shape.
 */

/** A 3-D shape (n, c, l) in logical NCL order. */
typedef struct oclnn_shape1d {
    uint32_t n, c, l;
} oclnn_shape1d;

#define OCLNN_LAYOUT_NCL OCLNN_LAYOUT_NCHW /**< n, c, l; l innermost */
#define OCLNN_LAYOUT_NLC OCLNN_LAYOUT_NHWC /**< n, l, c; c innermost */

/** Creates a 3-D (n, c, l) tensor, stored as (n, c, 1, l); the checks of oclnn_tensor_create. */
OCLNN_API oclnn_status oclnn_tensor_create1d(oclnn_context *ctx, oclnn_shape1d shape,
                                             oclnn_layout layout, oclnn_tensor **out);

/**
 * A 1-D convolution, as torch.nn.functional.conv1d (padding EXPLICIT: left/right as given, so
 * PyTorch's padding=p is left = right = p; SAME: PyTorch's padding='same', the odd extra
 * element on the right; VALID: none). dst = act(conv(src) + bias + residual).
 * Output: L' = (L + left + right - dilation * (kernel - 1) - 1) / stride + 1.
 */
typedef struct oclnn_conv1d_desc {
    oclnn_shape1d input;
    uint32_t out_channels;
    uint32_t kernel, stride, dilation;
    oclnn_pad_mode pad_mode;
    uint32_t pad_left, pad_right;
    uint32_t groups;        /**< divides c and out_channels; c == groups is depthwise */
    oclnn_activation activation;
    bool has_bias;
    bool fuse_residual;
    oclnn_conv_algo algo;   /**< as for oclnn_conv2d_desc (AUTO: the 2-D heuristic) */
} oclnn_conv1d_desc;

#define OCLNN_CONV1D_DESC_INIT                                                                   \
    {{0, 0, 0}, 0, 0, 1, 1, OCLNN_PAD_EXPLICIT, 0, 0, 1, OCLNN_ACTIVATION_NONE, false, false,     \
     OCLNN_CONV_ALGO_AUTO}
OCLNN_API oclnn_conv1d_desc oclnn_conv1d_desc_default(void);
/** The output shape (n, out_channels, L'); the checks of oclnn_conv1d_create. */
OCLNN_API oclnn_status oclnn_conv1d_output_shape(const oclnn_conv1d_desc *desc, oclnn_shape1d *out);
/**
 * Creates a 1-D convolution (weights K x C/groups x kernel, PyTorch's layout; bias K floats
 * when has_bias). Returns what oclnn_conv2d_create returns for the (1 x kernel) problem.
 */
OCLNN_API oclnn_status oclnn_conv1d_create(oclnn_context *ctx, const oclnn_conv1d_desc *desc,
                                           const float *weights, const float *bias, oclnn_op **out);
/** Runs it: src (n, c, l), dst and residual (n, k, L') tensors, any layout or channel views;
 *  the aliasing rules of oclnn_conv2d_run. */
OCLNN_API oclnn_status oclnn_conv1d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                                        const oclnn_tensor *residual);

/** 1-D pooling as max_pool1d / avg_pool1d (and global kinds over the whole sequence: "max over
 *  time"); the rules of oclnn_pool2d_desc along l. */
typedef struct oclnn_pool1d_desc {
    oclnn_shape1d input;
    oclnn_pool_kind kind;
    uint32_t kernel, stride, pad; /**< stride 0: the window */
    bool ceil_mode;
    bool count_include_pad;
} oclnn_pool1d_desc;

#define OCLNN_POOL1D_DESC_INIT {{0, 0, 0}, OCLNN_POOL_MAX, 1u, 0u, 0u, false, true}
OCLNN_API oclnn_pool1d_desc oclnn_pool1d_desc_default(void);
OCLNN_API oclnn_status oclnn_pool1d_output_shape(const oclnn_pool1d_desc *desc, oclnn_shape1d *out);
OCLNN_API oclnn_status oclnn_pool1d_create(oclnn_context *ctx, const oclnn_pool1d_desc *desc,
                                           oclnn_op **out);
/** Pools src (n, c, l) into dst (n, c, L'); dst must not overlap src. */
OCLNN_API oclnn_status oclnn_pool1d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst);

/* ---- 3-D convolution and pooling (issue 19) ------------------------------------------- */
/*
 * Volumes and video clips are 5-D tensors: n, c, d (depth or time), h, w. A 5-D tensor is stored
 * exactly as the 4-D tensor (n, c, d * h, w) of the same layout: NCDHW is NCHW with the depth
 * folded into the rows, NDHWC is NHWC the same way. So every 4-D call (oclnn_tensor_shape, read,
 * write, copy, channel views, batch norm, element-wise ops, concat) works on a 5-D tensor as on
 * that folded 4-D tensor: BatchNorm3d is oclnn_batchnorm with shape (n, c, d * h, w).
 */

/** A 5-D shape in logical NCDHW order, whatever the layout. */
typedef struct oclnn_shape3d {
    uint32_t n, c, d, h, w;
} oclnn_shape3d;

#define OCLNN_LAYOUT_NCDHW OCLNN_LAYOUT_NCHW /**< n, c, d, h, w, w innermost */
#define OCLNN_LAYOUT_NDHWC OCLNN_LAYOUT_NHWC /**< n, d, h, w, c, c innermost */

/**
 * Creates a 5-D float32 tensor (uninitialized), stored as the 4-D tensor (n, c, d * h, w).
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a zero dimension, d * h beyond 32 bits or a
 * byte size that does not fit; OCLNN_ERROR_(DEVICE_)OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_tensor_create3d(oclnn_context *ctx, oclnn_shape3d shape,
                                             oclnn_layout layout, oclnn_tensor **out);
/** The 5-D shape of a tensor made by oclnn_tensor_create3d (or a channel view of one); a 4-D
 *  tensor reads as d = 1. All zero for a bad handle. */
OCLNN_API oclnn_shape3d oclnn_tensor_shape3d(const oclnn_tensor *t);

/**
 * A 3-D convolution, as torch.nn.functional.conv3d. Start from OCLNN_CONV3D_DESC_INIT.
 * dst = act(conv(src, weights) + bias + residual). Arrays are in (d, h, w) order. Output size per
 * axis: O = (I + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1.
 */
typedef struct oclnn_conv3d_desc {
    oclnn_shape3d input;    /**< n, c, d, h, w of src */
    uint32_t out_channels;  /**< K; a multiple of groups */
    uint32_t kernel[3];     /**< T, R, S: any sizes (3x3x3, 1x3x3, 3x1x1, ...) */
    uint32_t stride[3];
    uint32_t dilation[3];
    uint32_t pad[3];        /**< symmetric padding per axis (PyTorch's padding=(pd, ph, pw)) */
    uint32_t groups;        /**< divides c and out_channels */
    oclnn_activation activation;
    bool has_bias;          /**< bias: out_channels floats at create */
    bool fuse_residual;     /**< run adds a residual tensor of dst's shape before the activation */
    oclnn_conv_algo algo;   /**< AUTO, DIRECT, IM2COL or IMPLICIT_GEMM (see oclnn_conv3d_create) */
} oclnn_conv3d_desc;

#define OCLNN_CONV3D_DESC_INIT                                                                   \
    {{0, 0, 0, 0, 0}, 0, {0, 0, 0}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, 1,                          \
     OCLNN_ACTIVATION_NONE, false, false, OCLNN_CONV_ALGO_AUTO}
OCLNN_API oclnn_conv3d_desc oclnn_conv3d_desc_default(void);

/** The output shape of `desc` (n, out_channels, OD, OH, OW); the checks of oclnn_conv3d_create. */
OCLNN_API oclnn_status oclnn_conv3d_output_shape(const oclnn_conv3d_desc *desc,
                                                 oclnn_shape3d *out);
/**
 * Creates a 3-D convolution. Algorithms: "direct" (both backends), "im2col" (C backend:
 * im2col-3d into GEMM panels, tile by tile, and the backend's GEMM) and "implicit-gemm" (OpenCL:
 * the local-memory tiled GEMM engine with the im2col-3d gather fused into its loads); each
 * backend returns OCLNN_ERROR_UNSUPPORTED for the other's GEMM form. AUTO picks im2col on the C
 * backend, implicit-gemm on OpenCL GPUs, and on OpenCL CPU devices implicit-gemm from 256 output
 * pixels (N * OD * OH * OW), else direct (docs/ND.md).
 *   [in] weights  K x (C/groups) x T x R x S floats (PyTorch's layout); copied
 *   [in] bias     out_channels floats when desc->has_bias, else must be NULL; copied
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (bad field, named; sizes that overflow);
 * OCLNN_ERROR_UNSUPPORTED; OCLNN_ERROR_BUILD_FAILED; OCLNN_ERROR_(DEVICE_)OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_conv3d_create(oclnn_context *ctx, const oclnn_conv3d_desc *desc,
                                           const float *weights, const float *bias,
                                           oclnn_op **out);
/**
 * Enqueues the convolution. src, dst (and residual) are 5-D tensors of the input and output
 * shapes (oclnn_tensor_create3d, or channel views of them), any layout each.
 * Aliasing: residual may be dst itself (in place); dst must not overlap src, nor partly residual.
 */
OCLNN_API oclnn_status oclnn_conv3d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst,
                                        const oclnn_tensor *residual);

/**
 * 3-D pooling as torch.nn.functional.max_pool3d / avg_pool3d (dilation 1, floor mode,
 * count_include_pad as given) and adaptive_avg_pool3d. Padding is at most half the window.
 * OCLNN_POOL_GLOBAL_AVG / _MAX pool the whole volume.
 */
typedef struct oclnn_pool3d_desc {
    oclnn_shape3d input;
    oclnn_pool_kind kind;
    uint32_t kernel[3];     /**< (d, h, w) */
    uint32_t stride[3];     /**< 0: the window size */
    uint32_t pad[3];
    bool count_include_pad; /**< average only (PyTorch's default true) */
    bool adaptive;          /**< average only: adaptive_avg_pool3d to `output_size` */
    uint32_t output_size[3];
} oclnn_pool3d_desc;

#define OCLNN_POOL3D_DESC_INIT                                                                   \
    {{0, 0, 0, 0, 0}, OCLNN_POOL_MAX, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}, true, false, {0, 0, 0}}
OCLNN_API oclnn_pool3d_desc oclnn_pool3d_desc_default(void);
/** The output shape for `desc`; the checks of oclnn_pool3d_create. */
OCLNN_API oclnn_status oclnn_pool3d_output_shape(const oclnn_pool3d_desc *desc, oclnn_shape3d *out);
/** Creates a 3-D pooling operator. Returns OCLNN_OK or OCLNN_ERROR_INVALID_ARGUMENT (named). */
OCLNN_API oclnn_status oclnn_pool3d_create(oclnn_context *ctx, const oclnn_pool3d_desc *desc,
                                           oclnn_op **out);
/** Pools 5-D src into 5-D dst (the output shape). NaN propagates in max pooling.
 *  Aliasing: dst must not overlap src. */
OCLNN_API oclnn_status oclnn_pool3d_run(oclnn_op *op, const oclnn_tensor *src, oclnn_tensor *dst);

/**
 * torchvision's video classifiers (torchvision.models.video) "r3d_18", "mc3_18" and
 * "r2plus1d_18" as chains of 3-D ops, with every eval-mode batch norm folded into its
 * convolution and the residual add + ReLU fused into each block's second convolution.
 *   [in] weights  a .safetensors file holding the torchvision state_dict (F32; the class count
 *                 is fc.bias's length), or NULL for oclnn's generator with `seed` (the rule of
 *                 oclnn_graph_init_random; tools/golden/video.py rebuilds it in PyTorch)
 *   [in] input    the clip's shape (n, 3, frames, h, w), e.g. (1, 3, 16, 112, 112)
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (unknown arch, input channels not 3, a clip too
 * small for the strides); OCLNN_ERROR_IO / OCLNN_ERROR_BAD_FILE (a parameter missing or of
 * another size, named); OCLNN_ERROR_(DEVICE_)OUT_OF_MEMORY.
 */
typedef struct oclnn_video_net oclnn_video_net;
OCLNN_API oclnn_status oclnn_video_net_create(oclnn_context *ctx, const char *arch,
                                              const char *weights, uint64_t seed,
                                              oclnn_shape3d input, oclnn_video_net **out);
/** The names oclnn_video_net_create knows, NULL-terminated. */
OCLNN_API const char *const *oclnn_video_net_names(void);
/** The 5-D input tensor to write the clip into (NCDHW host data: oclnn_tensor_write with
 *  OCLNN_LAYOUT_NCDHW), and the (n, classes, 1, 1) logits. Owned by the network. */
OCLNN_API oclnn_tensor *oclnn_video_net_input(oclnn_video_net *net);
OCLNN_API oclnn_tensor *oclnn_video_net_output(oclnn_video_net *net);
/** Runs the network on its input tensor. */
OCLNN_API oclnn_status oclnn_video_net_run(oclnn_video_net *net);
/** Frees the network, its ops and tensors; NULL is fine. */
OCLNN_API void oclnn_video_net_destroy(oclnn_video_net *net);

/* ---- Graphs and networks ---------------------------------------------------------------- */
/*
 * A network is built as a graph of nodes (oclnn_graph, host-side: structure plus parameters under
 * PyTorch's names), then compiled for a context and an input shape (oclnn_net): shapes inferred
 * and checked, inference batch norm folded into the convolution before it, conv + bias + ReLU and
 * conv + residual add + ReLU fused into one convolution, concat inputs written straight into
 * their channel slices of the concat output, intermediate tensors sharing device buffers by
 * lifetime. A compiled net runs many times.
 *
 * Parameters are created with their node and named "<node name>.<param>" as in a PyTorch
 * state_dict: conv "weight" (K x C/groups x kh x kw) and "bias"; batch norm "weight", "bias",
 * "running_mean", "running_var"; fc "weight" (out x in) and "bias". They start at zero; fill
 * them with oclnn_graph_init_random, oclnn_graph_load_safetensors or oclnn_graph_param.
 */

typedef struct oclnn_graph oclnn_graph;
typedef struct oclnn_net oclnn_net;

/** Node operations. */
typedef enum oclnn_node_op {
    OCLNN_NODE_INPUT = 0,             /**< the network's input (exactly one, the first node) */
    OCLNN_NODE_CONV = 1,              /**< 2-D convolution (1 input) */
    OCLNN_NODE_BATCHNORM = 2,         /**< inference batch norm (1 input) */
    OCLNN_NODE_RELU = 3,              /**< max(x, 0) (1 input) */
    OCLNN_NODE_MAX_POOL = 4,          /**< max pooling (1 input) */
    OCLNN_NODE_AVG_POOL = 5,          /**< average pooling (1 input) */
    OCLNN_NODE_ADAPTIVE_AVG_POOL = 6, /**< torch's AdaptiveAvgPool2d((out_h, out_w)) (1 input) */
    OCLNN_NODE_CONCAT = 7,            /**< channel concatenation (2 or more inputs) */
    OCLNN_NODE_ADD = 8,               /**< element-wise sum (2 inputs of one shape) */
    OCLNN_NODE_FC = 9,                /**< linear layer over the flattened input (1 input) */
    OCLNN_NODE_SOFTMAX = 10,          /**< softmax over channels (1 input) */
    /* ---- issue 16 (ONNX) ---- */
    OCLNN_NODE_ACTIVATION = 11,       /**< the one-operand oclnn_eltwise_op `eltwise` (1 input) */
    OCLNN_NODE_MUL = 12,              /**< a * b: one shape, or b (n, c, 1, 1) (2 inputs) */
    OCLNN_NODE_GLOBAL_MAX_POOL = 13,  /**< max over h and w to (n, c, 1, 1) (1 input) */
    /* issue 18 (numbers 20+ so that other families' additions do not collide) */
    OCLNN_NODE_DECONV = 20, /**< 2-D transposed convolution, torch's ConvTranspose2d (1 input) */
    OCLNN_NODE_RESIZE = 21, /**< nearest/bilinear resize, torch's F.interpolate (1 input) */
    /* issue 16 (numbers 30+): ShuffleNet's channel shuffle and channel slices */
    OCLNN_NODE_CHANNEL_SHUFFLE = 30, /**< oclnn_channel_shuffle: channels, groups, channel_start (1 input) */
    /* issue 16 (numbers 40+): ONNX's LRN, and Sub/Div/Add with per-channel broadcasting */
    OCLNN_NODE_LRN = 40,    /**< oclnn_lrn across channels: lrn_size, lrn_alpha, lrn_beta, lrn_bias (1 input) */
    OCLNN_NODE_BINARY = 41, /**< a `eltwise` b (ADD, SUB, MUL or DIV): one shape, or either (n, c, 1, 1) (2 inputs) */
    /* issue 19 (numbers 50+): 3-D nodes on 5-D values (n, c, d, h, w); see oclnn_node_desc */
    OCLNN_NODE_CONV3D = 50,              /**< oclnn_conv3d (1 input) */
    OCLNN_NODE_MAX_POOL3D = 51,          /**< oclnn_pool3d max (1 input) */
    OCLNN_NODE_AVG_POOL3D = 52,          /**< oclnn_pool3d average (1 input) */
    OCLNN_NODE_ADAPTIVE_AVG_POOL3D = 53  /**< adaptive_avg_pool3d to (out_d, out_h, out_w) (1 input) */
} oclnn_node_op;

/**
 * One node. Start from OCLNN_NODE_DESC_INIT; each op reads only its own fields:
 *   INPUT: channels. CONV: channels (output), kernel, stride, pad, dilation, groups, bias.
 *   MAX_POOL/AVG_POOL: kernel, stride (0: the kernel), pad, ceil_mode, count_include_pad (avg).
 *   ADAPTIVE_AVG_POOL: out_h, out_w. BATCHNORM: eps. FC: channels (out_features), bias, and
 *   kernel_h x kernel_w: the spatial size of its input (1x1 after global pooling, 7x7 in VGG),
 *   so the weight is out_features x (c * kernel_h * kernel_w) as in torch.
 *   ACTIVATION: eltwise (RELU, RELU6, SIGMOID, TANH, HARDSIGMOID or HARDSWISH; issue 16:
 *   LEAKY_RELU or ELU, whose per-channel alphas are the node's parameter "weight").
 *   DECONV: channels (output), kernel, stride, pad, dilation, groups, bias, output_pad; its
 *   weight is c x channels/groups x kh x kw as in torch. RESIZE: resize_mode, align_corners,
 *   and scale_h/scale_w (> 0: F.interpolate's scale_factor) or else out_h x out_w (its size).
 *   CHANNEL_SHUFFLE (issue 16): channels (output count), groups (1: a slice), channel_start.
 *   LRN (issue 16): lrn_size (odd window), lrn_alpha (as torch's and ONNX's: divided by the
 *   size), lrn_beta, lrn_bias (k). BINARY (issue 16): eltwise, ADD, SUB, MUL or DIV; the
 *   output has the larger input's shape.
 */
typedef struct oclnn_node_desc {
    oclnn_node_op op;
    uint32_t channels;
    uint32_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w, groups;
    bool bias;
    bool ceil_mode, count_include_pad;
    uint32_t out_h, out_w;
    float eps;
    oclnn_eltwise_op eltwise; /**< ACTIVATION and BINARY only */
    /* issue 18: DECONV and RESIZE */
    uint32_t output_pad_h, output_pad_w;
    oclnn_resize_mode resize_mode;
    bool align_corners;
    double scale_h, scale_w;
    /* issue 16: CHANNEL_SHUFFLE reads input channels [channel_start, channel_start + channels) */
    uint32_t channel_start;
    /* issue 16: CONV, MAX_POOL and AVG_POOL: when pad_asymmetric, pad_h/pad_w pad the top/left
     * and these the bottom/right (ONNX's asymmetric pads and auto_pad SAME, a Pad folded into
     * the conv) */
    bool pad_asymmetric;
    uint32_t pad_bottom, pad_right;
    /* issue 19: the depth axis. INPUT: depth > 0 makes the input 5-D (n, c, depth, h / depth, w),
     * the net's input shape holding depth * h in h (the 5-D storage of oclnn_tensor_create3d).
     * CONV3D: as CONV plus kernel_d, stride_d, pad_d, dilation_d (weight K x C/groups x kd x kh
     * x kw). MAX_POOL3D/AVG_POOL3D: kernel, stride (0: the kernel), pad of the three axes,
     * count_include_pad (avg; floor mode only). ADAPTIVE_AVG_POOL3D: out_d, out_h, out_w. */
    uint32_t depth;
    uint32_t kernel_d, stride_d, pad_d, dilation_d, out_d;
    /* issue 16: LRN only (oclnn_lrn_desc's size, alpha, beta, k) */
    uint32_t lrn_size;
    float lrn_alpha, lrn_beta, lrn_bias;
} oclnn_node_desc;

#define OCLNN_NODE_DESC_INIT                                                                     \
    {OCLNN_NODE_INPUT, 0u, 1u, 1u, 1u, 1u, 0u, 0u, 1u, 1u, 1u, false, false, true, 1u, 1u, 1e-5f, \
     OCLNN_ELTWISE_ADD, 0u, 0u, OCLNN_RESIZE_NEAREST, false, 0.0, 0.0, 0u, false, 0u, 0u,     \
     0u, 1u, 1u, 0u, 1u, 1u, 5u, 1e-4f, 0.75f, 1.0f}
OCLNN_API oclnn_node_desc oclnn_node_desc_default(void);

/** "input", "conv", "batchnorm", "relu", "max_pool", "avg_pool", "adaptive_avg_pool",
 * "concat", "add", "fc", "softmax", "activation", "mul", "global_max_pool", "deconv", "resize",
 * "channel_shuffle", "lrn", "binary" (issue 16); "conv3d", "max_pool3d", "avg_pool3d",
 * "adaptive_avg_pool3d" (issue 19); "" for a value out of range. */
OCLNN_API const char *oclnn_node_op_name(oclnn_node_op op);

/** Creates an empty graph. Returns OCLNN_OK, OCLNN_ERROR_INVALID_ARGUMENT (out NULL) or
 * OCLNN_ERROR_OUT_OF_MEMORY. */
OCLNN_API oclnn_status oclnn_graph_create(oclnn_graph **out);
/** Destroys a graph and its parameters; compiled nets do not need it. NULL is fine. */
OCLNN_API void oclnn_graph_destroy(oclnn_graph *g);

/**
 * Appends a node that reads the nodes `inputs[0..count)` (ids returned by earlier calls) and
 * creates its parameters, zeroed. Channel counts are checked here; spatial sizes at compile.
 * The last node added is the network's output.
 *   [in]  name   unique, 1 to 127 characters; the prefix of the node's parameter names
 *   [out] id     the node's id (may be NULL)
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT naming the field (bad op, wrong input count or
 * id, duplicate name, a zero size, groups not dividing the channels, channel mismatch, ...);
 * OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_graph_add(oclnn_graph *g, const char *name,
                                       const oclnn_node_desc *desc, const int *inputs,
                                       size_t count, int *id);

/** What a node is, for tools and reference executors. Pointers stay valid while g lives. */
typedef struct oclnn_node_info {
    const char *name;
    oclnn_node_desc desc;
    const int *inputs;
    size_t input_count;
    uint32_t out_channels;
} oclnn_node_info;
/** Number of nodes; 0 for a bad handle. */
OCLNN_API size_t oclnn_graph_node_count(const oclnn_graph *g);
OCLNN_API oclnn_status oclnn_graph_node(const oclnn_graph *g, int id, oclnn_node_info *info);

/**
 * The parameter `name` ("layer1.0.conv1.weight"): its floats, writable, and their count.
 * Returns OCLNN_OK or OCLNN_ERROR_INVALID_ARGUMENT when there is none by that name.
 */
OCLNN_API oclnn_status oclnn_graph_param(oclnn_graph *g, const char *name, float **data,
                                         size_t *count);
/** Total number of parameter floats. */
OCLNN_API size_t oclnn_graph_param_floats(const oclnn_graph *g);

/**
 * Fills every parameter with oclnn's deterministic generator (documented in
 * tools/export_weights.py, which reproduces it bit for bit in PyTorch): conv weights uniform in
 * +-sqrt(6 / fan_in), fc weights and all biases +-1/sqrt(fan_in), batch-norm weight and
 * running_var in [0.5, 1.5), bias and running_mean in [-0.1, 0.1). Element i of parameter P
 * depends only on (seed, P's name, i).
 */
OCLNN_API oclnn_status oclnn_graph_init_random(oclnn_graph *g, uint64_t seed);
/** The generator itself: `count` values uniform in [lo, hi) for stream `name`, seed `seed`. */
OCLNN_API oclnn_status oclnn_random_uniform(const char *name, uint64_t seed, double lo, double hi,
                                            float *dst, size_t count);

/**
 * Loads parameters by name from a .safetensors file holding a PyTorch state_dict (F32 tensors).
 * Every parameter of the graph must be present with its exact shape; tensors the graph does not
 * have (aux heads, num_batches_tracked) are skipped and counted in *unused (may be NULL).
 * Returns OCLNN_OK; OCLNN_ERROR_IO; OCLNN_ERROR_BAD_FILE (malformed file, non-F32 dtype,
 * missing parameter or wrong shape, named in the message); OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_graph_load_safetensors(oclnn_graph *g, const char *path,
                                                    size_t *unused);

/**
 * Infers every node's output shape for `input` (n, c, h, w). shapes has oclnn_graph_node_count
 * entries. Issue 19: where the input node has a depth, input.h is depth * h, and a 5-D value's
 * shape is its folded (n, c, d * h, w). Returns OCLNN_OK or OCLNN_ERROR_INVALID_ARGUMENT naming the node whose input is too
 * small, whose inputs disagree, or whose adaptive pooling is not an integer ratio.
 */
OCLNN_API oclnn_status oclnn_graph_infer_shapes(const oclnn_graph *g, oclnn_shape input,
                                                oclnn_shape *shapes);

/**
 * Builds one of torchvision's networks by its function name, with 1000 classes and torchvision's
 * node and parameter names: "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
 * "wide_resnet50_2", "resnext50_32x4d", "vgg16", "googlenet", "inception_v3" (both Inceptions
 * without auxiliary heads, which only run in training, and with the input used as given, i.e.
 * torchvision's transform_input=False; Inception-v3 expects 299x299, at least 75x75).
 * Parameters are zero: call oclnn_graph_init_random or oclnn_graph_load_safetensors next.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for an unknown name (the message lists them);
 * OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_graph_builtin(const char *name, oclnn_graph **out);
/** NULL-terminated list of the names oclnn_graph_builtin accepts. */
OCLNN_API const char *const *oclnn_graph_builtin_names(void);

/**
 * Loads a CNN from an ONNX model file (opsets 7 to 17, float32): the graph's nodes from the
 * model's nodes and its parameters from the initializers (raw_data or float_data, or external
 * data files named relative to the model's folder and never outside it). Supported: Conv (group,
 * dilation, symmetric pads, auto_pad where it gives symmetric pads), BatchNormalization, Relu,
 * MaxPool, AveragePool (ceil_mode, count_include_pad), GlobalAveragePool, Add of two tensors of
 * one shape, Concat over channels, Flatten and Reshape to (batch, features), Gemm and MatMul (+
 * Add of a bias) as a linear layer, Softmax over the features of a 2-D tensor, Dropout,
 * Identity, Constant (folded). Anything else (op, attribute value or shape) is refused, naming
 * the node, its op type and what is missing; docs/ONNX.md lists it all.
 *   [out] out    the graph, with its parameters loaded
 *   [out] input  the model's input shape (n, c, h, w); 0 where the model leaves a dimension
 *                symbolic (the batch, usually): pick it when calling oclnn_net_create (may be NULL).
 *                Issue 19: a rank-3 input (n, c, l) is (n, c, 1, l); a rank-5 input (n, c, d, h, w)
 *                is (n, c, d * h, w), its fixed depth d in the graph's input node (desc.depth)
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (NULL path or out); OCLNN_ERROR_IO;
 * OCLNN_ERROR_BAD_FILE (malformed model, not a regular file, external data outside the folder);
 * OCLNN_ERROR_UNSUPPORTED (an op, attribute or shape oclnn cannot run, or a library built
 * without ONNX support); OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_graph_load_onnx(const char *path, oclnn_graph **out, oclnn_shape *input);
/** As oclnn_graph_load_onnx, from a model in memory (size bytes); external data is refused
 * (OCLNN_ERROR_UNSUPPORTED) since there is no folder to read it from. */
OCLNN_API oclnn_status oclnn_graph_load_onnx_memory(const void *data, size_t size, oclnn_graph **out,
                                                    oclnn_shape *input);

/**
 * Compiles `g` for `ctx` and an input shape: every op is created (kernels compiled, weights
 * copied), buffers planned and allocated in the context's layout. The net does not keep g.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (bad handle, shape errors naming the node);
 * OCLNN_ERROR_UNSUPPORTED naming the node; any status of the op creates.
 */
OCLNN_API oclnn_status oclnn_net_create(oclnn_context *ctx, const oclnn_graph *g,
                                        oclnn_shape input, oclnn_net **out);
/** Reports progress of a long call: `done` of `total` steps are finished, the last named `what`. */
typedef void (*oclnn_progress_fn)(void *user, size_t done, size_t total, const char *what);
/**
 * As oclnn_net_create, calling progress(user, done, total, node name) after each node of g is
 * compiled (a network's first compile on a device can take tens of seconds), on the calling
 * thread. progress may be NULL. Returns as oclnn_net_create.
 */
OCLNN_API oclnn_status oclnn_net_create_progress(oclnn_context *ctx, const oclnn_graph *g,
                                                 oclnn_shape input, oclnn_progress_fn progress,
                                                 void *user, oclnn_net **out);
OCLNN_API void oclnn_net_destroy(oclnn_net *net);
/**
 * Changes the batch and the input's height and width of a created net (issue 16; the channels
 * stay the model's). No weight is copied or uploaded again and no kernel that does not depend on
 * the size is compiled again: convolutions keep the algorithm and tunables chosen at create and
 * share their weights, fully-connected, batch-norm and element-wise layers change their shape in
 * place, weightless layers (pooling, concat, softmax, resize, shuffle) are made again from the
 * context's program cache, and the buffers are planned again (oclnn_net_memory reports the new
 * sizes). The input and output tensors are new: get them again with oclnn_net_input and
 * oclnn_net_output (earlier pointers are destroyed). The batch can always change; the size only
 * where the graph allows it. On any failure the net is left as it was.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (bad handle, a zero or over-32-bit batch, height
 * or width, a size the graph's shapes refuse, e.g. a fully-connected layer whose weights fix the
 * size, naming the node); OCLNN_ERROR_UNSUPPORTED naming the node (a transposed convolution; a
 * layer compiled away at create that the new size needs; a convolution algorithm chosen at create
 * that does not apply to the new size); OCLNN_ERROR_OUT_OF_MEMORY or _DEVICE_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_net_reshape(oclnn_net *net, size_t batch, size_t height, size_t width);
/** The net's input tensor (write it before a run) and output tensor (read it after); net-owned. */
OCLNN_API oclnn_tensor *oclnn_net_input(oclnn_net *net);
OCLNN_API oclnn_tensor *oclnn_net_output(oclnn_net *net);
/** Enqueues the whole network (does not wait). */
OCLNN_API oclnn_status oclnn_net_run(oclnn_net *net);
/** Runs the network once waiting after each layer, recording each layer's wall-clock time. */
OCLNN_API oclnn_status oclnn_net_run_profiled(oclnn_net *net);

/** One compiled layer (a fused group of nodes). */
typedef struct oclnn_net_layer_info {
    const char *name;  /**< the first node's name */
    const char *op;    /**< "conv+bn+relu", "conv+bn+add+relu", "max_pool", "concat", ... */
    const char *algo;  /**< the op's algorithm */
    oclnn_shape shape; /**< output shape */
    double flops;      /**< floating-point operations of one run (multiply-adds count 2) */
    double ms;         /**< time in the last oclnn_net_run_profiled, else 0 */
} oclnn_net_layer_info;
OCLNN_API size_t oclnn_net_layer_count(const oclnn_net *net);
OCLNN_API oclnn_status oclnn_net_layer(const oclnn_net *net, size_t index, oclnn_net_layer_info *info);

/** Device memory of a compiled net, in bytes. */
typedef struct oclnn_net_memory_info {
    size_t activations;      /**< the shared intermediate buffers, as allocated */
    size_t activations_live; /**< lower bound: the most intermediate bytes live at one layer */
    size_t io;               /**< the input and output tensors */
    size_t weights;          /**< parameters after folding (as given to the ops) */
    size_t workspace;        /**< the largest op workspace (context scratch) */
    size_t peak;             /**< activations + io + weights + workspace */
} oclnn_net_memory_info;
OCLNN_API oclnn_status oclnn_net_memory(const oclnn_net *net, oclnn_net_memory_info *info);

/* ---- Detectors (issue 18): Faster R-CNN / Mask R-CNN with ResNet-50-FPN ----------------- */
/*
 * torchvision's fasterrcnn_resnet50_fpn and maskrcnn_resnet50_fpn in eval mode, with
 * torchvision's parameter names (a state_dict saved as .safetensors loads; batch norm is folded,
 * as FrozenBatchNorm2d). A run takes a batch of images of any sizes and does, as torchvision's
 * GeneralizedRCNN: the transform on the host (normalise by ImageNet's mean and std, bilinear
 * resize so the short side is min_size unless the long side would pass max_size, zero-pad the
 * batch to the largest image rounded up to a multiple of 32), the backbone and FPN (one net),
 * the RPN head per level, proposals (oclnn_rpn_proposals), multi-level RoIAlign (oclnn_msroi_*),
 * the box head (TwoMLPHead + predictor, one net), post-processing (oclnn_detect_postprocess) and
 * the boxes scaled back to each original image. Nets are compiled for the padded batch shape on
 * first use and kept while the shape stays the same.
 */
typedef struct oclnn_detector oclnn_detector;

/** Settings of a detector (torchvision's constructor arguments); start from
 * OCLNN_DETECTOR_OPTIONS_INIT (torchvision's defaults). */
typedef struct oclnn_detector_options {
    uint32_t min_size, max_size;        /**< transform's resize: 800, 1333 */
    uint32_t rpn_pre_nms_top_n;         /**< per level: 1000 */
    uint32_t rpn_post_nms_top_n;        /**< per image: 1000 */
    float rpn_nms_thresh;               /**< 0.7 */
    float rpn_score_thresh;             /**< 0.0 */
    float box_score_thresh;             /**< 0.05 */
    float box_nms_thresh;               /**< 0.5 */
    uint32_t box_detections_per_img;    /**< 100 */
    uint32_t num_classes;               /**< with background: 91 (COCO) */
} oclnn_detector_options;
#define OCLNN_DETECTOR_OPTIONS_INIT {800u, 1333u, 1000u, 1000u, 0.7f, 0.0f, 0.05f, 0.5f, 100u, 91u}
OCLNN_API oclnn_detector_options oclnn_detector_options_default(void);

/** An input image: 3 x height x width floats, RGB planes in [0, 1] (torchvision's tensor). */
typedef struct oclnn_image {
    const float *data;
    uint32_t height, width;
} oclnn_image;

/** One image's result; the arrays belong to the detector and stay valid until its next run. */
typedef struct oclnn_detections {
    size_t count;               /**< detections, by descending score */
    const float *boxes;         /**< count x 4 (x1, y1, x2, y2) in the original image */
    const float *scores;        /**< count */
    const int32_t *labels;      /**< count, 1..num_classes-1 (COCO ids) */
    const float *masks;         /**< Mask R-CNN: count x height x width, 0 or 1; else NULL */
    uint32_t height, width;     /**< the original image's size */
    size_t num_proposals;       /**< the RPN's proposals for this image */
    const float *proposals;     /**< num_proposals x 4 in the resized image's coordinates */
    const float *proposal_scores; /**< num_proposals sigmoid objectness, descending */
    uint32_t resized_h, resized_w;
} oclnn_detections;

/** The stages a run is timed by (oclnn_detector_stage_ms). */
typedef enum oclnn_detector_stage {
    OCLNN_DETECTOR_STAGE_TRANSFORM = 0, /**< host: normalise, resize, pad, upload */
    OCLNN_DETECTOR_STAGE_BACKBONE = 1,  /**< ResNet-50 body */
    OCLNN_DETECTOR_STAGE_FPN = 2,       /**< feature pyramid */
    OCLNN_DETECTOR_STAGE_RPN = 3,       /**< RPN head and proposals */
    OCLNN_DETECTOR_STAGE_ROI_HEADS = 4, /**< multi-level RoIAlign, box head (and mask head) */
    OCLNN_DETECTOR_STAGE_POST = 5,      /**< post-processing, mask pasting, rescaling */
    OCLNN_DETECTOR_STAGES = 6
} oclnn_detector_stage;

/** "fasterrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn", NULL-terminated. */
OCLNN_API const char *const *oclnn_detector_names(void);

/**
 * Creates a detector `name` (oclnn_detector_names) on ctx; parameters are zero until
 * oclnn_detector_load_safetensors or oclnn_detector_init_random.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (NULL, unknown name, an option out of range);
 * OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_detector_create(oclnn_context *ctx, const char *name,
                                             const oclnn_detector_options *options,
                                             oclnn_detector **out);
OCLNN_API void oclnn_detector_destroy(oclnn_detector *det);
/** Loads a torchvision state_dict (.safetensors); every parameter must be present with its shape.
 * Returns as oclnn_graph_load_safetensors. */
OCLNN_API oclnn_status oclnn_detector_load_safetensors(oclnn_detector *det, const char *path);
/** Seeded parameters as oclnn_graph_init_random (tools/golden/detector.py reproduces them). */
OCLNN_API oclnn_status oclnn_detector_init_random(oclnn_detector *det, uint64_t seed);
/**
 * The parameter `name` (torchvision's, e.g. "backbone.body.bn1.running_var") as a writable view
 * of `*count` floats, as oclnn_graph_param; valid until the detector is destroyed. The compiled
 * nets are dropped, so the next run compiles them with the values written.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (NULL, no such parameter).
 */
OCLNN_API oclnn_status oclnn_detector_param(oclnn_detector *det, const char *name, float **data,
                                            size_t *count);
/**
 * Detects objects in `count` images (one batch). With `profile`, each stage is finished and
 * timed (oclnn_detector_stage_ms), and the backbone and FPN run layer by layer.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT (NULL, an empty image); the failures of the
 * nets and detection ops it runs.
 */
OCLNN_API oclnn_status oclnn_detector_run(oclnn_detector *det, const oclnn_image *images,
                                          size_t count, bool profile);
/** Image `index`'s result of the last run. Returns OCLNN_ERROR_INVALID_ARGUMENT past the batch. */
OCLNN_API oclnn_status oclnn_detector_result(const oclnn_detector *det, size_t index,
                                             oclnn_detections *out);
/** The last profiled run's time per stage, ms (OCLNN_DETECTOR_STAGES values). */
OCLNN_API oclnn_status oclnn_detector_stage_ms(const oclnn_detector *det, double *ms);
/** "transform", "backbone", "fpn", "rpn", "roi_heads", "postprocess"; "" out of range. */
OCLNN_API const char *oclnn_detector_stage_name(oclnn_detector_stage stage);
/** COCO's category name of torchvision's label id (1..90), "N/A" for unused ids, "" out of range. */
OCLNN_API const char *oclnn_coco_label(int32_t label);

/* ---- Tuning ----------------------------------------------------------------------------- */
/* Tuned kernel parameters. `oclnn tune` measures, per device, the compile-time parameters of the
 * kernels (work per work-item, vector widths) on real shapes, and the faster layout, and writes
 * them to a per-device text file. A context on an OpenCL device loads that file when it is
 * created: options.tuning_db, else OCLNN_TUNING_DB, else
 * $XDG_DATA_HOME/oclnn/tuning/<device>.txt (~/.local/share/... without XDG_DATA_HOME), then the
 * same name under each $XDG_DATA_DIRS/oclnn/tuning and the install prefix's share/oclnn/tuning,
 * then a database of the device's class (class-<key>.txt, docs/TUNING.md) in those folders; "none"
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
    /* issue 14: which level of the lookup answered */
    char source[32];     /**< "device database", "class database", "class defaults" (no usable
                              file: the device class's built-in defaults) or "none" (C backend) */
} oclnn_tuning_info;

/**
 * Reports the context's tuning database.
 *   [out] info   filled on success
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a bad context or a NULL info.
 */
OCLNN_API oclnn_status oclnn_context_tuning(const oclnn_context *ctx, oclnn_tuning_info *info);

/**
 * Saves the context's tuning state, which holds the rows it loaded and what oclnn_conv2d_find
 * recorded since ("conv_algo" rows), to a tuning database file, so later contexts on this device
 * (whose OCLNN_CONV_ALGO_AUTO reads the database) use those find results.
 *   [in] path  the file; NULL: options.tuning_db, else OCLNN_TUNING_DB, else the device's file
 *              in the user's folder (never a system-wide or class database), which need not exist
 * The rows already in the file are kept and the context's rows replace those of the same kernel
 * and problem; a file for another device, driver or kernel version, or a corrupt one, is
 * replaced (as `oclnn tune` does). The file is written to a temporary file in the same folder
 * (created if missing) and renamed into place.
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a bad context, an empty path or "none", or
 * a NULL path when the context has no database file (tuning_db "none"); OCLNN_ERROR_UNSUPPORTED on
 * the C backend, which has no tuning database; OCLNN_ERROR_IO when the file cannot be written
 * (the message names it); OCLNN_ERROR_OUT_OF_MEMORY.
 */
OCLNN_API oclnn_status oclnn_context_save_tuning(oclnn_context *ctx, const char *path);

/**
 * Overrides the parameters of one tunable kernel for the operators created afterwards on `ctx`
 * (like CLBlastOverrideParameters); they win over the database. Ops already created keep theirs.
 *   [in] kernel  a tunable kernel family: "conv_im2col", "conv_gemm1x1", "conv_winograd2",
 *                "conv_winograd4", "conv_direct", "conv_depthwise"
 *                (issue 19: and "conv_winograd6")
 *   [in] params  "NAME=value" pairs separated by commas or spaces, e.g. "TM=4,VW=8"; names not
 *                given keep their usual values; NULL or "" removes the kernel's override
 * Returns OCLNN_OK; OCLNN_ERROR_INVALID_ARGUMENT for a bad context, an unknown kernel, an unknown
 * name, a value outside the kernel's candidates or a combination the device cannot run (the
 * message names it); OCLNN_ERROR_UNSUPPORTED on the C backend, which has no tunable kernels.
 */
OCLNN_API oclnn_status oclnn_tuning_override(oclnn_context *ctx, const char *kernel,
                                             const char *params);


#ifdef __cplusplus
}
#endif

#endif /* OCLNN_H */
