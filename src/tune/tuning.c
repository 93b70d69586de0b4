/* SPDX-License-Identifier: MIT */
/* The context's tuning state: loading the database at context creation (reported once per
 * process when unusable), per-context overrides, the lookup chain, the measured layout, and the
 * public calls oclnn_context_tuning and oclnn_tuning_override. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "core/hash.h"
#include "core/log.h"
#include "core/status.h"
#include "tune/tune.h"

typedef struct override {
    const oclnn__tune_space *space;
    oclnn__tune_values values;
    uint32_t given; /* a bit per parameter set */
} override;

struct oclnn__tune_state {
    oclnn__tune_db db;
    /* Beneath a device database found by the lookup (not an explicit file): the class database,
     * which answers for the problems the device database has no row for (a quick tune's file
     * does not hide the class database's other rows). */
    oclnn__tune_db base;
    bool have_base;
    oclnn__tune_load load;
    char path[1024];      /* the file consulted */
    char save_path[1024]; /* where oclnn_context_save_tuning(ctx, NULL) writes: never a system file */
    char reason[256];
    oclnn__tune_level level;
    override overrides[8];
    size_t n_overrides;
};

oclnn__tune_limits oclnn__tune_limits_of(const oclnn_device_info *dev) {
    oclnn__tune_limits lim = {dev->max_work_group_size, dev->local_mem_bytes};
    return lim;
}

/* Hashes of (path, message) already reported; beyond the table's size messages repeat. */
static once_flag report_once_flag = ONCE_FLAG_INIT;
static mtx_t report_lock;
static uint8_t reported[64][8];
static size_t n_reported;

static void report_init(void) { mtx_init(&report_lock, mtx_plain); }

void oclnn__tune_report_once(const char *path, const char *message) {
    call_once(&report_once_flag, report_init);
    oclnn__sha256 h;
    uint8_t digest[32];
    oclnn__sha256_init(&h);
    oclnn__sha256_field(&h, path);
    oclnn__sha256_field(&h, message);
    oclnn__sha256_final(&h, digest);
    mtx_lock(&report_lock);
    bool seen = false;
    for (size_t i = 0; i < n_reported && !seen; i++) seen = !memcmp(reported[i], digest, 8);
    if (!seen && n_reported < sizeof reported / sizeof *reported) memcpy(reported[n_reported++], digest, 8);
    mtx_unlock(&report_lock);
    if (!seen) oclnn__log(OCLNN__LOG_ERROR, "tuning database %s ignored: %s", path, message);
}

static const char *layout_problem_name(void) { return "resnet50"; }

/* The database that answers for `problem`: the device's when it has a row of any family for it,
 * else the class database beneath it, so that rows are compared only with rows of one tune. */
static const oclnn__tune_db *db_for(const struct oclnn__tune_state *t, const char *problem) {
    if (!t->have_base) return &t->db;
    for (size_t i = 0; i < t->db.n_rows; i++)
        if (!strcmp(t->db.rows[i].problem, problem)) return &t->db;
    return &t->base;
}

static oclnn_layout measured_layout(const struct oclnn__tune_state *t) {
    const oclnn__tune_row *r = oclnn__tune_db_find(db_for(t, layout_problem_name()), "layout", layout_problem_name());
    if (!r) return OCLNN_LAYOUT_AUTO;
    return r->values.v[0] ? OCLNN_LAYOUT_NHWC : OCLNN_LAYOUT_NCHW;
}

/* Pass 0: this device's file in every folder; pass 1: its class's file. The first usable one is
 * loaded into db; the first unusable one is noted in found (and *first_bad). */
static oclnn__tune_load search_pass(const oclnn_device_info *dev, const char *key, const char *name, int pass,
                                    bool report, oclnn__tune_db *db, oclnn__tune_found *found,
                                    oclnn__tune_load *first_bad) {
    oclnn__tune_limits lim = oclnn__tune_limits_of(dev);
    char dirs[8][1024];
    size_t n_dirs = oclnn__tune_search_dirs(dirs, 8);
    for (size_t i = 0; i < n_dirs; i++) {
        char path[1400], why[256];
        snprintf(path, sizeof path, "%s/%s%s.txt", dirs[i], pass ? "class-" : "", pass ? key : name);
        oclnn__tune_db_free(db);
        oclnn__tune_load r = pass ? oclnn__tune_db_load_class(path, dev, key, &lim, db, why, sizeof why)
                                  : oclnn__tune_db_load(path, dev, &lim, db, why, sizeof why);
        if (r == OCLNN__TUNE_LOADED) {
            snprintf(found->path, sizeof found->path, "%.1023s", path);
            found->reason[0] = '\0';
            found->level = pass ? OCLNN__TUNE_LEVEL_CLASS : OCLNN__TUNE_LEVEL_DEVICE;
            return r;
        }
        if (r == OCLNN__TUNE_MISSING) continue;
        if (report) oclnn__tune_report_once(path, why);
        if (*first_bad == OCLNN__TUNE_MISSING) {
            *first_bad = r;
            snprintf(found->path, sizeof found->path, "%.1023s", path);
            snprintf(found->reason, sizeof found->reason, "%s", why);
        }
    }
    return OCLNN__TUNE_MISSING;
}

oclnn__tune_load oclnn__tune_locate(const oclnn_device_info *dev, oclnn__devclass cls, const char *explicit_path,
                                    bool report, oclnn__tune_db *db, oclnn__tune_found *found) {
    memset(found, 0, sizeof *found);
    found->level = OCLNN__TUNE_LEVEL_CLASS_DEFAULT;
    oclnn__tune_limits lim = oclnn__tune_limits_of(dev);
    char key[32], name[160];
    oclnn__tune_class_key(dev, cls, key, sizeof key);
    oclnn__tune_sanitize(dev->name, name, sizeof name);
    oclnn__tune_db_init(db, dev);
    if (explicit_path) { /* options.tuning_db or OCLNN_TUNING_DB: that file only */
        snprintf(found->path, sizeof found->path, "%s", explicit_path);
        snprintf(found->save_path, sizeof found->save_path, "%s", explicit_path);
        oclnn__tune_db_free(db);
        oclnn__tune_load r =
            oclnn__tune_db_load_class(explicit_path, dev, key, &lim, db, found->reason, sizeof found->reason);
        if (r == OCLNN__TUNE_LOADED)
            found->level = oclnn__tune_db_is_class(db) ? OCLNN__TUNE_LEVEL_CLASS : OCLNN__TUNE_LEVEL_DEVICE;
        else if ((r == OCLNN__TUNE_STALE || r == OCLNN__TUNE_CORRUPT) && report)
            oclnn__tune_report_once(explicit_path, found->reason);
        if (r == OCLNN__TUNE_MISSING) found->reason[0] = '\0';
        return r;
    }
    if (!oclnn__tune_default_path(dev->name, found->save_path, sizeof found->save_path)) found->save_path[0] = '\0';
    oclnn__tune_load first_bad = OCLNN__TUNE_MISSING;
    for (int pass = 0; pass < 2; pass++)
        if (search_pass(dev, key, name, pass, report, db, found, &first_bad) == OCLNN__TUNE_LOADED)
            return OCLNN__TUNE_LOADED;
    if (first_bad == OCLNN__TUNE_MISSING) snprintf(found->path, sizeof found->path, "%s", found->save_path);
    return first_bad;
}

bool oclnn__tune_locate_level(const oclnn_device_info *dev, oclnn__devclass cls, oclnn__tune_level level,
                              oclnn__tune_db *db, char *path, size_t size) {
    char key[32], name[160];
    oclnn__tune_class_key(dev, cls, key, sizeof key);
    oclnn__tune_sanitize(dev->name, name, sizeof name);
    oclnn__tune_db_init(db, dev);
    oclnn__tune_found found;
    memset(&found, 0, sizeof found);
    oclnn__tune_load first_bad = OCLNN__TUNE_MISSING;
    int pass = level == OCLNN__TUNE_LEVEL_DEVICE ? 0 : 1;
    bool ok = level != OCLNN__TUNE_LEVEL_CLASS_DEFAULT &&
              search_pass(dev, key, name, pass, false, db, &found, &first_bad) == OCLNN__TUNE_LOADED;
    if (ok && path) snprintf(path, size, "%s", found.path);
    return ok;
}

bool oclnn__tune_locate_class(const oclnn_device_info *dev, oclnn__devclass cls, oclnn__tune_db *db) {
    return oclnn__tune_locate_level(dev, cls, OCLNN__TUNE_LEVEL_CLASS, db, NULL, 0);
}

const char *oclnn__tune_level_name(oclnn__tune_level level) {
    static const char *const names[] = {"device database", "class database", "class defaults"};
    return names[level];
}

oclnn_status oclnn__tune_attach(oclnn_context *ctx) {
    struct oclnn__tune_state *t = calloc(1, sizeof *t);
    if (!t) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate the tuning state");
    ctx->tune = t;
    ctx->tune_free = oclnn__tune_detach;
    oclnn__tune_db_init(&t->db, &ctx->device);
    t->load = OCLNN__TUNE_MISSING;
    t->level = OCLNN__TUNE_LEVEL_CLASS_DEFAULT;
    if (ctx->device.backend != OCLNN_BACKEND_OPENCL) return OCLNN_OK;
    if (ctx->tuning_db && !strcmp(ctx->tuning_db, "none")) return OCLNN_OK;
    oclnn__tune_found found;
    t->load = oclnn__tune_locate(&ctx->device, ctx->devclass, ctx->tuning_db, true, &t->db, &found);
    oclnn__tune_db_init(&t->base, &ctx->device);
    if (t->load == OCLNN__TUNE_LOADED && found.level == OCLNN__TUNE_LEVEL_DEVICE && !ctx->tuning_db) {
        oclnn__tune_db_free(&t->base);
        t->have_base = oclnn__tune_locate_class(&ctx->device, ctx->devclass, &t->base);
        if (t->have_base)
            oclnn__log(OCLNN__LOG_INFO, "class database beneath it: %zu entries, for the problems it has no row for",
                       t->base.n_rows);
    }
    t->level = found.level;
    snprintf(t->path, sizeof t->path, "%s", found.path);
    snprintf(t->save_path, sizeof t->save_path, "%s", found.save_path);
    snprintf(t->reason, sizeof t->reason, "%s", found.reason);
    switch (t->load) {
    case OCLNN__TUNE_LOADED:
        oclnn__log(OCLNN__LOG_INFO, "tuning database %s (%s): %zu entries (%zu rows skipped)", t->path,
                   oclnn__tune_level_name(t->level), t->db.n_rows, t->db.rejected);
        if (t->db.rejected)
            oclnn__tune_report_once(t->path, "some rows are outside their search space (OCLNN_LOG=debug lists them)");
        break;
    case OCLNN__TUNE_MISSING:
        /* The usual case for an untuned device: only worth a debug line (and only when named). */
        oclnn__log(ctx->tuning_db ? OCLNN__LOG_INFO : OCLNN__LOG_DEBUG, "no tuning database at %s: class defaults",
                   t->path);
        break;
    case OCLNN__TUNE_STALE:
    case OCLNN__TUNE_CORRUPT: break; /* reported by oclnn__tune_locate */
    }
    oclnn_layout l = measured_layout(t);
    if (ctx->layout_from_device && l != OCLNN_LAYOUT_AUTO) {
        ctx->layout = l;
        oclnn__log(OCLNN__LOG_INFO, "layout %s, as measured by oclnn tune",
                   l == OCLNN_LAYOUT_NHWC ? "NHWC" : "NCHW");
    }
    return OCLNN_OK;
}

void oclnn__tune_detach(oclnn_context *ctx) {
    if (!ctx->tune) return;
    oclnn__tune_db_free(&ctx->tune->db);
    oclnn__tune_db_free(&ctx->tune->base);
    free(ctx->tune);
    ctx->tune = NULL;
}

bool oclnn__tune_can_record(const oclnn_context *ctx) { return ctx->tune != NULL; }

oclnn_status oclnn__tune_record(oclnn_context *ctx, const oclnn__tune_space *sp,
                                const char *problem, const oclnn__tune_values *v, double ms) {
    if (!ctx->tune || !oclnn__tune_db_put(&ctx->tune->db, sp, problem, v, ms))
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot record %s %s in the tuning state",
                           sp->family, problem);
    return OCLNN_OK;
}

/* The nearest row of `family` within OCLNN__TUNE_MAX_DISTANCE, or NULL. */
static const oclnn__tune_row *near_row(const oclnn__tune_db *db, const char *family, const char *problem) {
    double distance = 0;
    const oclnn__tune_row *row = oclnn__tune_db_nearest(db, family, problem, &distance);
    return row && distance <= OCLNN__TUNE_MAX_DISTANCE ? row : NULL;
}

const oclnn__tune_row *oclnn__tune_db_answer(const oclnn__tune_db *db, const char *family, const char *problem) {
    const oclnn__tune_row *row = oclnn__tune_db_find(db, family, problem);
    return row ? row : near_row(db, family, problem);
}

oclnn__tune_values oclnn__tune_lookup(const oclnn_context *ctx, const oclnn__tune_space *sp,
                                      const char *problem, oclnn__tune_source *source) {
    oclnn__tune_source src_dummy;
    if (!source) source = &src_dummy;
    oclnn__tune_values v = oclnn__tune_defaults_of(sp);
    *source = OCLNN__TUNE_FROM_KERNEL_DEFAULT;
    const struct oclnn__tune_state *t = ctx->tune;
    const oclnn__tune_row *row = NULL;
    const oclnn__tune_db *db = t ? db_for(t, problem) : NULL;
    if (db && (row = oclnn__tune_db_find(db, sp->family, problem)) != NULL) {
        v = row->values;
        *source = OCLNN__TUNE_FROM_EXACT;
    } else if (t && ((row = near_row(&t->db, sp->family, problem)) != NULL ||
                     (t->have_base && (row = near_row(&t->base, sp->family, problem)) != NULL))) {
        /* the device's nearest row, else the class's */
        v = row->values;
        *source = OCLNN__TUNE_FROM_NEAREST;
    } else if (oclnn__tune_device_default(sp, &ctx->device, ctx->devclass, &v)) {
        *source = OCLNN__TUNE_FROM_DEVICE_CLASS;
    }
    for (size_t i = 0; t && i < t->n_overrides; i++) {
        const override *o = &t->overrides[i];
        if (o->space != sp) continue;
        for (size_t p = 0; p < sp->n_params; p++)
            if (o->given & (1u << p)) v.v[p] = o->values.v[p];
        *source = OCLNN__TUNE_FROM_OVERRIDE;
        /* Mixing overridden and looked-up values can break a constraint: then the kernel defaults
         * fill in what was not overridden. */
        char why[160];
        oclnn__tune_limits lim = oclnn__tune_limits_of(&ctx->device);
        if (oclnn__tune_check(sp, &v, &lim, why, sizeof why)) {
            v = oclnn__tune_defaults_of(sp);
            for (size_t p = 0; p < sp->n_params; p++)
                if (o->given & (1u << p)) v.v[p] = o->values.v[p];
        }
    }
    if (oclnn__log_threshold() >= OCLNN__LOG_DEBUG) {
        static const char *const names[] = {"override", "tuned", "nearest tuned", "device-class default",
                                            "kernel default"};
        char text[160];
        oclnn__tune_values_str(sp, &v, ' ', text, sizeof text);
        oclnn__log(OCLNN__LOG_DEBUG, "%s %s: %s (%s)", sp->family, problem, text, names[*source]);
    }
    return v;
}

const oclnn__tune_row *oclnn__tune_row_of(const oclnn_context *ctx, const char *family, const char *problem) {
    return ctx->tune ? oclnn__tune_db_find(db_for(ctx->tune, problem), family, problem) : NULL;
}

int oclnn__tune_fastest(const oclnn_context *ctx, const char *const *families, size_t count,
                        const char *problem) {
    if (!ctx->tune) return -1;
    int best = -1;
    double best_ms = 0;
    for (size_t i = 0; i < count; i++) {
        const oclnn__tune_row *r = oclnn__tune_db_find(db_for(ctx->tune, problem), families[i], problem);
        if (r && (best < 0 || r->ms < best_ms)) {
            best = (int)i;
            best_ms = r->ms;
        }
    }
    return best;
}

oclnn_status oclnn_context_tuning(const oclnn_context *ctx, oclnn_tuning_info *info) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!info) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "info is NULL");
    memset(info, 0, sizeof *info);
    const struct oclnn__tune_state *t = ctx->tune;
    info->layout = OCLNN_LAYOUT_AUTO;
    if (!t) return OCLNN_OK;
    static const oclnn_tuning_state states[] = {OCLNN_TUNING_NONE, OCLNN_TUNING_LOADED, OCLNN_TUNING_STALE,
                                                OCLNN_TUNING_CORRUPT};
    info->state = states[t->load];
    info->entries = t->db.n_rows;
    info->rejected = t->db.rejected;
    info->layout = measured_layout(t);
    snprintf(info->path, sizeof info->path, "%s", t->path);
    snprintf(info->reason, sizeof info->reason, "%s", t->reason);
    snprintf(info->source, sizeof info->source, "%s",
             ctx->device.backend != OCLNN_BACKEND_OPENCL ? "none" : oclnn__tune_level_name(t->level));
    return OCLNN_OK;
}

oclnn_status oclnn_tuning_override(oclnn_context *ctx, const char *kernel, const char *params) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (!kernel) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "kernel is NULL");
    const oclnn__tune_space *sp = oclnn__tune_space_find(kernel);
    if (!sp || !strcmp(kernel, "layout"))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "kernel \"%.60s\" is not a tunable kernel (conv_im2col, conv_gemm1x1, "
                           "conv_winograd2, conv_winograd4, conv_winograd6, conv_direct, conv_depthwise)",
                           kernel);
    if (ctx->device.backend != OCLNN_BACKEND_OPENCL || !ctx->tune)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the C backend has no tunable kernels");
    struct oclnn__tune_state *t = ctx->tune;
    size_t slot = t->n_overrides;
    for (size_t i = 0; i < t->n_overrides; i++)
        if (t->overrides[i].space == sp) slot = i;
    if (!params || !*params) {
        if (slot < t->n_overrides) t->overrides[slot] = t->overrides[--t->n_overrides];
        return OCLNN_OK;
    }
    override o = {sp, oclnn__tune_defaults_of(sp), 0};
    char why[200];
    if (oclnn__tune_values_parse(sp, params, &o.values, &o.given, why, sizeof why))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "params \"%.80s\": %s", params, why);
    oclnn__tune_limits lim = oclnn__tune_limits_of(&ctx->device);
    if (oclnn__tune_check(sp, &o.values, &lim, why, sizeof why))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "params \"%.80s\": %s", params, why);
    mtx_lock(&ctx->lock);
    if (slot == t->n_overrides) t->n_overrides++;
    t->overrides[slot] = o;
    mtx_unlock(&ctx->lock);
    return OCLNN_OK;
}

oclnn_status oclnn_context_save_tuning(oclnn_context *ctx, const char *path) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__context_check(ctx, "ctx"));
    if (ctx->device.backend != OCLNN_BACKEND_OPENCL || !ctx->tune)
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "the C backend has no tuning database");
    struct oclnn__tune_state *t = ctx->tune;
    if (path && (!*path || !strcmp(path, "none")))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "path \"%s\" is not a file name", path);
    char target[1024];
    if (path) {
        if (strlen(path) >= sizeof target)
            return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "path is longer than %zu bytes", sizeof target - 1);
        snprintf(target, sizeof target, "%s", path);
    } else if (t->save_path[0]) {
        snprintf(target, sizeof target, "%s", t->save_path);
    } else {
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT,
                           "path is NULL and the context has no tuning database file (tuning_db \"none\", "
                           "or neither XDG_DATA_HOME nor HOME is set)");
    }
    /* Merge: the rows already in the file stay, the context's rows replace theirs. A stale or
     * corrupt file is replaced, as oclnn tune does. */
    oclnn__tune_db db;
    oclnn__tune_limits lim = oclnn__tune_limits_of(&ctx->device);
    char why[256];
    oclnn__tune_load loaded = oclnn__tune_db_load(target, &ctx->device, &lim, &db, why, sizeof why);
    if (loaded == OCLNN__TUNE_STALE || loaded == OCLNN__TUNE_CORRUPT)
        oclnn__log(OCLNN__LOG_INFO, "tuning database %s replaced: %s", target, why);
    if (!db.note[0]) snprintf(db.note, sizeof db.note, "oclnn_context_save_tuning");
    oclnn_status st = OCLNN_OK;
    mtx_lock(&ctx->lock);
    for (size_t i = 0; i < t->db.n_rows && st == OCLNN_OK; i++) {
        const oclnn__tune_row *r = &t->db.rows[i];
        if (!oclnn__tune_db_put(&db, r->space, r->problem, &r->values, r->ms))
            st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot copy the tuning state");
    }
    mtx_unlock(&ctx->lock);
    if (st == OCLNN_OK && !oclnn__tune_db_save(&db, target, why, sizeof why))
        st = oclnn__fail(OCLNN_ERROR_IO, "cannot save the tuning database: %s", why);
    if (st == OCLNN_OK)
        oclnn__log(OCLNN__LOG_INFO, "tuning database %s saved: %zu entries", target, db.n_rows);
    oclnn__tune_db_free(&db);
    return st;
}
