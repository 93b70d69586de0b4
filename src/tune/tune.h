/* SPDX-License-Identifier: MIT */
/* The context's side of tuning: the database loaded at context creation, overrides, and the
 * lookup chain the kernels' host code calls when it builds a program:
 *   override > exact problem > nearest problem of the family > device-class default > kernel default. */
#ifndef OCLNN_TUNE_TUNE_H
#define OCLNN_TUNE_TUNE_H

#include "core/context.h"
#include "tune/db.h"

typedef enum oclnn__tune_source {
    OCLNN__TUNE_FROM_OVERRIDE,
    OCLNN__TUNE_FROM_EXACT,
    OCLNN__TUNE_FROM_NEAREST,
    OCLNN__TUNE_FROM_DEVICE_CLASS,
    OCLNN__TUNE_FROM_KERNEL_DEFAULT
} oclnn__tune_source;

/* Nearest rows farther than this (oclnn__problem_distance) are not used: a layer 16x larger in
 * two sizes is about 5.5 away, a different kernel size 4 or more per number. */
#define OCLNN__TUNE_MAX_DISTANCE 8.0

/* An algorithm other than the heuristic's is chosen from the database only when its row is at
 * least this much faster than the heuristic's row: times within a few percent are noise on a
 * loaded machine, and switching on noise loses as often as it wins. */
#define OCLNN__TUNE_SWITCH_MARGIN 0.05

/* Which level of the lookup chain answers for a device: its own database, a database of its
 * device class (class-<key>.txt), or no file (the class defaults of defaults.c). */
typedef enum oclnn__tune_level {
    OCLNN__TUNE_LEVEL_DEVICE,
    OCLNN__TUNE_LEVEL_CLASS,
    OCLNN__TUNE_LEVEL_CLASS_DEFAULT
} oclnn__tune_level;
const char *oclnn__tune_level_name(oclnn__tune_level level);

typedef struct oclnn__tune_found {
    oclnn__tune_level level;
    char path[1024];      /* the file loaded; else the first unusable one; else save_path */
    char save_path[1024]; /* the explicit file, else the user's file for this device */
    char reason[256];     /* why `path` was not used ("" when loaded or missing) */
} oclnn__tune_found;

/* Finds the database for `dev` in class `cls`: `explicit_path` (options.tuning_db or
 * OCLNN_TUNING_DB) only, when given; else this device's file in each folder of
 * oclnn__tune_search_dirs, then the class's file (class-<key>.txt) in each. The first usable
 * one is loaded into db (initialized here; free it). Files found unusable are logged once per
 * process when `report`. Returns LOADED, else the state of the first unusable file, else MISSING. */
oclnn__tune_load oclnn__tune_locate(const oclnn_device_info *dev, oclnn__devclass cls, const char *explicit_path,
                                    bool report, oclnn__tune_db *db, oclnn__tune_found *found);

/* The class database of `dev` (class-<key>.txt, the first usable in the lookup folders), loaded
 * into db (initialized here; free it); false when there is none. */
bool oclnn__tune_locate_class(const oclnn_device_info *dev, oclnn__devclass cls, oclnn__tune_db *db);

/* One level of the lookup on its own: this device's file (`<sanitized name>.txt`) or its class
 * database, the first usable in the lookup folders, loaded into db (initialized here; free it)
 * and its path into path (may be NULL); false when there is none. */
bool oclnn__tune_locate_level(const oclnn_device_info *dev, oclnn__devclass cls, oclnn__tune_level level,
                              oclnn__tune_db *db, char *path, size_t size);

/* The row of `family` in db that answers for `problem` by the lookup chain's rule: the exact
 * row, else the nearest within OCLNN__TUNE_MAX_DISTANCE; NULL when none. */
const oclnn__tune_row *oclnn__tune_db_answer(const oclnn__tune_db *db, const char *family, const char *problem);

/* Loads the database for a new context (OpenCL only); fails only when out of memory. A file
 * that cannot be used is logged once per process and ignored. Applies a measured layout when
 * the context's layout follows the device (no option, no OCLNN_LAYOUT). */
oclnn_status oclnn__tune_attach(oclnn_context *ctx);
void oclnn__tune_detach(oclnn_context *ctx);

/* Whether the context has a tuning state to record into (an OpenCL context whose tuning_db is
 * not "none"). */
bool oclnn__tune_can_record(const oclnn_context *ctx);
/* Adds (or replaces) a row of the context's database in memory, as a measurement made now; it is
 * saved with the database. Fails only when out of memory. Call with the context locked. */
oclnn_status oclnn__tune_record(oclnn_context *ctx, const oclnn__tune_space *sp,
                                const char *problem, const oclnn__tune_values *v, double ms);
/* The default of `sp` for `dev` in device class `cls` (defaults.c); false when the class has none. */
bool oclnn__tune_device_default(const oclnn__tune_space *sp, const oclnn_device_info *dev,
                                oclnn__devclass cls, oclnn__tune_values *out);

/* The parameters `family` should use for `problem` on ctx (see the chain above). Never fails:
 * an unknown family gets an empty set. *source may be NULL. */
oclnn__tune_values oclnn__tune_lookup(const oclnn_context *ctx, const oclnn__tune_space *sp,
                                      const char *problem, oclnn__tune_source *source);

/* Among `families`, the one with the fastest exact row for `problem` in ctx's database; -1 when
 * none has a row. Used by a chooser to follow measurements rather than its heuristic. */
int oclnn__tune_fastest(const oclnn_context *ctx, const char *const *families, size_t count,
                        const char *problem);

/* The context's database row of `family` for exactly `problem`, or NULL. */
const oclnn__tune_row *oclnn__tune_row_of(const oclnn_context *ctx, const char *family, const char *problem);

/* The device limits the constraints check (from the context's device). */
oclnn__tune_limits oclnn__tune_limits_of(const oclnn_device_info *dev);

/* Logs `message` about `path` once per process (a tuning file is reported once, not per context). */
void oclnn__tune_report_once(const char *path, const char *message);

#endif
