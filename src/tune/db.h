/* SPDX-License-Identifier: MIT */
/* The tuning database: one human-readable text file per device.
 *
 *   oclnn-tuning 1
 *   device: pthread-skylake-avx512-AMD EPYC
 *   vendor: AuthenticAMD
 *   driver: 3.1+debian
 *   kernels: 1
 *   # any comment, e.g. the command that produced the file
 *   conv_im2col n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1 TM=8 VW=16 NV=1 12.345
 *   layout resnet50 NHWC=1 180.2
 *   end
 *
 * The header identifies the device (name, vendor, driver version) and the kernels (see
 * OCLNN__KERNEL_VERSION); a file for anything else is stale and ignored as a whole. Each row is a
 * kernel family, a canonical problem string, NAME=value pairs and the measured milliseconds. The
 * "end" line makes truncation detectable. Rows of unknown families or with values outside the
 * family's search space are skipped and counted; any other malformation makes the file corrupt.
 * Writes go to a temporary file in the same folder, renamed into place. */
#ifndef OCLNN_TUNE_DB_H
#define OCLNN_TUNE_DB_H

#include "core/devclass.h"
#include "oclnn.h"
#include "tune/problem.h"
#include "tune/space.h"

/* The version of the tunable kernels. Bump it whenever a kernel in cl/ changes in a way that
 * could move its best parameters (or their meaning): every database tuned before is then stale. */
#define OCLNN__KERNEL_VERSION 1
/* SHA-256 of the tunable kernels' sources at OCLNN__KERNEL_VERSION (tests/test_tuning.c hashes
 * the embedded conv/gemm.cl, direct.cl, depthwise.cl, winograd.h, winograd_f2x3.cl,
 * winograd_f4x3.cl and (issue 19) winograd_f6x3.cl, each preceded by its path, and fails when
 * they differ): a reminder to bump the version, then record the new hash the test prints. */
#define OCLNN__KERNEL_SOURCES_SHA256 "d4b7cfc05b07c52420f058b1101a2c79ddf4cda82104d6208a734da04bcd1127"
#define OCLNN__TUNE_FORMAT_VERSION 1
#define OCLNN__TUNE_MAX_FILE ((size_t)4 << 20)
#define OCLNN__TUNE_MAX_ROWS 65536

typedef struct oclnn__tune_row {
    const oclnn__tune_space *space;
    char problem[OCLNN__PROBLEM_MAX_LEN + 1];
    oclnn__problem parsed;
    oclnn__tune_values values;
    double ms;
} oclnn__tune_row;

typedef struct oclnn__tune_db {
    char device[128], vendor[128], driver[64];
    int kernels;       /* the kernel version the file was tuned with */
    char note[512];    /* the first comment line (e.g. the command), without "# " */
    oclnn__tune_row *rows;
    size_t n_rows, cap_rows;
    size_t rejected;   /* rows skipped by the loader */
} oclnn__tune_db;

typedef enum oclnn__tune_load {
    OCLNN__TUNE_MISSING = 0,
    OCLNN__TUNE_LOADED = 1,
    OCLNN__TUNE_STALE = 2,
    OCLNN__TUNE_CORRUPT = 3
} oclnn__tune_load;

/* An empty database for `dev` and the current kernel version. */
void oclnn__tune_db_init(oclnn__tune_db *db, const oclnn_device_info *dev);
void oclnn__tune_db_free(oclnn__tune_db *db);

/* Reads `path` for `dev`. Rows are validated against their space (device constraints with
 * `lim`; NULL skips those). Anything but LOADED leaves db empty (but initialized) and puts the
 * reason in why. */
oclnn__tune_load oclnn__tune_db_load(const char *path, const oclnn_device_info *dev,
                                     const oclnn__tune_limits *lim, oclnn__tune_db *db, char *why,
                                     size_t size);
/* As oclnn__tune_db_load, but a class database ("device: class <key>", see below) for
 * `class_key` is accepted too (oclnn__tune_db_is_class tells which it was). */
oclnn__tune_load oclnn__tune_db_load_class(const char *path, const oclnn_device_info *dev, const char *class_key,
                                           const oclnn__tune_limits *lim, oclnn__tune_db *db, char *why,
                                           size_t size);
/* Reads `path` whatever device it names (db's header is the file's): for merging. */
oclnn__tune_load oclnn__tune_db_read(const char *path, const oclnn__tune_limits *lim, oclnn__tune_db *db,
                                     char *why, size_t size);

/* A class database holds rows measured on one device, offered to every device of its class: its
 * header says "device: class <key>" (vendor and driver "*"), and it is named class-<key>.txt.
 * Keys: "cpu-avx512", "cpu-avx2", "cpu" (narrower vectors), and the GPU classes' names
 * ("gpu-nvidia", "gpu-amd", "gpu-intel", "gpu"). */
#define OCLNN__TUNE_CLASS_PREFIX "class "
bool oclnn__tune_db_is_class(const oclnn__tune_db *db);
void oclnn__tune_class_key(const oclnn_device_info *dev, oclnn__devclass cls, char *buf, size_t size);

/* The folders searched for databases, in order: the user's ($XDG_DATA_HOME/oclnn/tuning, else
 * ~/.local/share/oclnn/tuning), each absolute entry of $XDG_DATA_DIRS (default
 * /usr/local/share:/usr/share) + /oclnn/tuning, then the install prefix's share/oclnn/tuning
 * (duplicates dropped). Returns how many were written (at most max). */
size_t oclnn__tune_search_dirs(char dirs[][1024], size_t max);

/* Writes db to path atomically; false with the reason in why. */
bool oclnn__tune_db_save(const oclnn__tune_db *db, const char *path, char *why, size_t size);

/* Adds the row or replaces the one with the same family and problem; false when out of memory
 * or the problem string does not parse. */
bool oclnn__tune_db_put(oclnn__tune_db *db, const oclnn__tune_space *sp, const char *problem,
                        const oclnn__tune_values *v, double ms);
/* Removes the row of this family and problem; false when there is none. */
bool oclnn__tune_db_remove(oclnn__tune_db *db, const char *family, const char *problem);
/* The row of this family and problem, or NULL. */
const oclnn__tune_row *oclnn__tune_db_find(const oclnn__tune_db *db, const char *family,
                                           const char *problem);
/* The row of this family nearest to `problem` (oclnn__problem_distance), or NULL when none is
 * comparable; *distance gets its distance (0 for an exact match). */
const oclnn__tune_row *oclnn__tune_db_nearest(const oclnn__tune_db *db, const char *family,
                                              const char *problem, double *distance);

/* "pthread-skylake-avx512-AMD EPYC" -> "pthread-skylake-avx512-amd-epyc" (a-z, 0-9, '-'). */
void oclnn__tune_sanitize(const char *name, char *out, size_t size);
/* $XDG_DATA_HOME/oclnn/tuning/<sanitized name>.txt, else ~/.local/share/oclnn/tuning/...;
 * false when neither variable gives an absolute folder. */
bool oclnn__tune_default_path(const char *device_name, char *buf, size_t size);

#endif
