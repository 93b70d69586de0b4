/* SPDX-License-Identifier: MIT */
/* The tuning database file: parsing with validation, atomic writing, exact and nearest lookup,
 * and the default location. The format is described in db.h. */
#include "tune/db.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "core/filecache.h"
#include "core/log.h"

#define MAGIC "oclnn-tuning"
#define MAX_LINE 1024

static void copy_str(char *dst, size_t size, const char *src) {
    snprintf(dst, size, "%s", src ? src : "");
}

void oclnn__tune_db_init(oclnn__tune_db *db, const oclnn_device_info *dev) {
    memset(db, 0, sizeof *db);
    copy_str(db->device, sizeof db->device, dev->name);
    copy_str(db->vendor, sizeof db->vendor, dev->vendor);
    copy_str(db->driver, sizeof db->driver, dev->driver_version);
    db->kernels = OCLNN__KERNEL_VERSION;
}

void oclnn__tune_db_free(oclnn__tune_db *db) {
    free(db->rows);
    db->rows = NULL;
    db->n_rows = db->cap_rows = 0;
}

static oclnn__tune_row *find_row(const oclnn__tune_db *db, const char *family, const char *problem) {
    for (size_t i = 0; i < db->n_rows; i++)
        if (!strcmp(db->rows[i].space->family, family) && !strcmp(db->rows[i].problem, problem))
            return &db->rows[i];
    return NULL;
}

bool oclnn__tune_db_put(oclnn__tune_db *db, const oclnn__tune_space *sp, const char *problem,
                        const oclnn__tune_values *v, double ms) {
    oclnn__tune_row row = {.space = sp, .values = *v, .ms = ms};
    char why[160];
    if (strlen(problem) >= sizeof row.problem || !oclnn__problem_parse(problem, &row.parsed, why, sizeof why))
        return false;
    memcpy(row.problem, problem, strlen(problem) + 1);
    oclnn__tune_row *old = find_row(db, sp->family, problem);
    if (old) {
        *old = row;
        return true;
    }
    if (db->n_rows == db->cap_rows) {
        size_t cap = db->cap_rows ? db->cap_rows * 2 : 32;
        oclnn__tune_row *rows = realloc(db->rows, cap * sizeof *rows);
        if (!rows) return false;
        db->rows = rows;
        db->cap_rows = cap;
    }
    db->rows[db->n_rows++] = row;
    return true;
}

const oclnn__tune_row *oclnn__tune_db_find(const oclnn__tune_db *db, const char *family,
                                           const char *problem) {
    return find_row(db, family, problem);
}

bool oclnn__tune_db_remove(oclnn__tune_db *db, const char *family, const char *problem) {
    oclnn__tune_row *row = find_row(db, family, problem);
    if (!row) return false;
    memmove(row, row + 1, (size_t)(db->rows + db->n_rows - (row + 1)) * sizeof *row); /* keeps the order */
    db->n_rows--;
    return true;
}

const oclnn__tune_row *oclnn__tune_db_nearest(const oclnn__tune_db *db, const char *family,
                                              const char *problem, double *distance) {
    oclnn__problem want;
    char why[160];
    if (!oclnn__problem_parse(problem, &want, why, sizeof why)) return NULL;
    const oclnn__tune_row *best = NULL;
    double best_d = INFINITY;
    for (size_t i = 0; i < db->n_rows; i++) {
        if (strcmp(db->rows[i].space->family, family)) continue;
        double d = oclnn__problem_distance(&want, &db->rows[i].parsed);
        if (d < best_d) {
            best_d = d;
            best = &db->rows[i];
        }
    }
    if (best) *distance = best_d;
    return best;
}

/* Reads the whole file (bounded, regular files only); NULL with the reason when it cannot. */
static char *read_all(const char *path, size_t *len, bool *missing, char *why, size_t size) {
    void *buf;
    oclnn__file_result r = oclnn__file_read(path, OCLNN__TUNE_MAX_FILE, 0, &buf, len, why, size);
    *missing = r == OCLNN__FILE_MISSING;
    return r == OCLNN__FILE_OK ? buf : NULL;
}

/* Splits off the next line (without its '\n'); NULL at the end. A line too long or holding a NUL
 * byte is reported through *bad. */
static char *next_line(char **cursor, const char *end, bool *bad) {
    char *start = *cursor;
    if (start >= end) return NULL;
    char *nl = memchr(start, '\n', (size_t)(end - start));
    char *stop = nl ? nl : (char *)end;
    if ((size_t)(stop - start) > MAX_LINE || memchr(start, '\0', (size_t)(stop - start))) *bad = true;
    *stop = '\0';
    if (stop > start && stop[-1] == '\r') stop[-1] = '\0';
    *cursor = nl ? nl + 1 : (char *)end;
    return start;
}

/* "key: value" -> value, or NULL when the line is not that key. */
static const char *header_value(const char *line, const char *key) {
    size_t n = strlen(key);
    if (strncmp(line, key, n) || line[n] != ':') return NULL;
    line += n + 1;
    while (*line == ' ') line++;
    return line;
}

typedef enum { ROW_OK, ROW_SKIP, ROW_BAD } row_result;

/* One data row; ROW_SKIP for a well-formed row that cannot be trusted (logged at debug). */
static row_result parse_row(char *line, const oclnn__tune_limits *lim, oclnn__tune_db *db, char *why,
                            size_t size) {
    char *tokens[2 + OCLNN__TUNE_MAX_PARAMS + 2];
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == sizeof tokens / sizeof *tokens) {
            snprintf(why, size, "a row has too many fields");
            return ROW_BAD;
        }
        tokens[n++] = t;
    }
    if (n < 4) {
        snprintf(why, size, "a row needs a family, a problem, parameters and a time");
        return ROW_BAD;
    }
    char *end;
    double ms = strtod(tokens[n - 1], &end);
    if (*end || !isfinite(ms) || ms < 0) {
        snprintf(why, size, "a row's time \"%.20s\" is not a non-negative number", tokens[n - 1]);
        return ROW_BAD;
    }
    oclnn__problem parsed;
    if (!oclnn__problem_parse(tokens[1], &parsed, why, size)) return ROW_BAD;
    const oclnn__tune_space *sp = oclnn__tune_space_find(tokens[0]);
    if (!sp) {
        oclnn__log(OCLNN__LOG_DEBUG, "tuning row for unknown kernel %.40s skipped", tokens[0]);
        return ROW_SKIP;
    }
    oclnn__tune_values v = oclnn__tune_defaults_of(sp);
    uint32_t given = 0, all = (1u << sp->n_params) - 1;
    for (size_t i = 2; i + 1 < n; i++) {
        uint32_t one;
        char reason[160];
        if (!strchr(tokens[i], '=')) {
            snprintf(why, size, "a row field \"%.20s\" is not NAME=value", tokens[i]);
            return ROW_BAD;
        }
        if (oclnn__tune_values_parse(sp, tokens[i], &v, &one, reason, sizeof reason) || (given & one)) {
            oclnn__log(OCLNN__LOG_DEBUG, "tuning row %s %s skipped: %s", sp->family, tokens[1],
                       (given & one) ? "a parameter is given twice" : reason);
            return ROW_SKIP;
        }
        given |= one;
    }
    char reason[160];
    if (given != all) {
        oclnn__log(OCLNN__LOG_DEBUG, "tuning row %s %s skipped: parameters missing", sp->family, tokens[1]);
        return ROW_SKIP;
    }
    if (oclnn__tune_check(sp, &v, lim, reason, sizeof reason)) {
        oclnn__log(OCLNN__LOG_DEBUG, "tuning row %s %s skipped: %s", sp->family, tokens[1], reason);
        return ROW_SKIP;
    }
    if (find_row(db, sp->family, tokens[1])) {
        snprintf(why, size, "%s %s appears twice", sp->family, tokens[1]);
        return ROW_BAD;
    }
    if (db->n_rows >= OCLNN__TUNE_MAX_ROWS) {
        snprintf(why, size, "more than %d rows", OCLNN__TUNE_MAX_ROWS);
        return ROW_BAD;
    }
    if (!oclnn__tune_db_put(db, sp, tokens[1], &v, ms)) {
        snprintf(why, size, "out of memory");
        return ROW_BAD;
    }
    return ROW_OK;
}

static oclnn__tune_load parse(char *text, size_t len, const oclnn_device_info *dev, const char *class_key,
                              const oclnn__tune_limits *lim, oclnn__tune_db *db, char *why, size_t size) {
    char *cursor = text, *end = text + len, *line;
    bool bad = false;
    int stage = 0; /* 0 magic, 1..4 header keys, 5 rows */
    static const char *const keys[] = {"device", "vendor", "driver", "kernels"};
    while ((line = next_line(&cursor, end, &bad)) != NULL) {
        if (bad) {
            snprintf(why, size, "a line is longer than %d bytes or holds a NUL byte", MAX_LINE);
            return OCLNN__TUNE_CORRUPT;
        }
        if (line[0] == '#') {
            if (!db->note[0]) copy_str(db->note, sizeof db->note, line + (line[1] == ' ' ? 2 : 1));
            continue;
        }
        if (stage == 0) {
            int version;
            char tail;
            if (sscanf(line, MAGIC " %d%c", &version, &tail) != 1) {
                snprintf(why, size, "the first line is not \"" MAGIC " <version>\"");
                return OCLNN__TUNE_CORRUPT;
            }
            if (version != OCLNN__TUNE_FORMAT_VERSION) {
                snprintf(why, size, "format version %d (this oclnn reads %d)", version,
                         OCLNN__TUNE_FORMAT_VERSION);
                return OCLNN__TUNE_STALE;
            }
            stage = 1;
            continue;
        }
        if (stage <= 4) {
            const char *value = header_value(line, keys[stage - 1]);
            if (!value) {
                snprintf(why, size, "header line %d should be \"%s: ...\"", stage + 1, keys[stage - 1]);
                return OCLNN__TUNE_CORRUPT;
            }
            if (stage == 1) copy_str(db->device, sizeof db->device, value);
            if (stage == 2) copy_str(db->vendor, sizeof db->vendor, value);
            if (stage == 3) copy_str(db->driver, sizeof db->driver, value);
            if (stage == 4) {
                char *e;
                long k = strtol(value, &e, 10);
                if (e == value || *e || k < 0 || k > 1000000) {
                    snprintf(why, size, "\"kernels: %.20s\" is not a version number", value);
                    return OCLNN__TUNE_CORRUPT;
                }
                db->kernels = (int)k;
            }
            stage++;
            continue;
        }
        if (!strcmp(line, "end")) {
            while ((line = next_line(&cursor, end, &bad)) != NULL)
                if (bad || line[strspn(line, " \t")] != '\0') {
                    snprintf(why, size, "text after the \"end\" line");
                    return OCLNN__TUNE_CORRUPT;
                }
            stage = 6;
            break;
        }
        if (line[strspn(line, " \t")] == '\0') continue;
        row_result r = parse_row(line, lim, db, why, size);
        if (r == ROW_BAD) return OCLNN__TUNE_CORRUPT;
        if (r == ROW_SKIP) db->rejected++;
    }
    if (stage != 6) {
        snprintf(why, size, stage < 5 ? "the header is incomplete" : "no \"end\" line (truncated?)");
        return OCLNN__TUNE_CORRUPT;
    }
    if (!dev) return OCLNN__TUNE_LOADED; /* oclnn__tune_db_read: any device */
    if (class_key && !strncmp(db->device, OCLNN__TUNE_CLASS_PREFIX, strlen(OCLNN__TUNE_CLASS_PREFIX))) {
        if (strcmp(db->device + strlen(OCLNN__TUNE_CLASS_PREFIX), class_key)) {
            snprintf(why, size, "a database for device class \"%s\", not this device's (%s)",
                     db->device + strlen(OCLNN__TUNE_CLASS_PREFIX), class_key);
            return OCLNN__TUNE_STALE;
        }
    } else if (strcmp(db->device, dev->name) || strcmp(db->vendor, dev->vendor) ||
               strcmp(db->driver, dev->driver_version)) {
        snprintf(why, size, "tuned for \"%s\" (%s, driver %s), not this device (driver %s)", db->device,
                 db->vendor, db->driver, dev->driver_version);
        return OCLNN__TUNE_STALE;
    }
    if (db->kernels != OCLNN__KERNEL_VERSION) {
        snprintf(why, size, "tuned for kernel version %d; these kernels are version %d", db->kernels,
                 OCLNN__KERNEL_VERSION);
        return OCLNN__TUNE_STALE;
    }
    return OCLNN__TUNE_LOADED;
}

static oclnn__tune_load load(const char *path, const oclnn_device_info *dev, const char *class_key,
                             const oclnn__tune_limits *lim, oclnn__tune_db *db, char *why, size_t size) {
    oclnn_device_info none = {0};
    oclnn__tune_db_init(db, dev ? dev : &none);
    why[0] = '\0';
    size_t len;
    bool missing;
    char *text = read_all(path, &len, &missing, why, size);
    if (!text) return missing ? OCLNN__TUNE_MISSING : OCLNN__TUNE_CORRUPT;
    oclnn__tune_load r = parse(text, len, dev, class_key, lim, db, why, size);
    free(text);
    if (r != OCLNN__TUNE_LOADED) {
        oclnn__tune_db_free(db);
        oclnn__tune_db_init(db, dev ? dev : &none);
    }
    return r;
}

oclnn__tune_load oclnn__tune_db_load(const char *path, const oclnn_device_info *dev,
                                     const oclnn__tune_limits *lim, oclnn__tune_db *db, char *why,
                                     size_t size) {
    return load(path, dev, NULL, lim, db, why, size);
}

oclnn__tune_load oclnn__tune_db_load_class(const char *path, const oclnn_device_info *dev, const char *class_key,
                                           const oclnn__tune_limits *lim, oclnn__tune_db *db, char *why,
                                           size_t size) {
    return load(path, dev, class_key, lim, db, why, size);
}

oclnn__tune_load oclnn__tune_db_read(const char *path, const oclnn__tune_limits *lim, oclnn__tune_db *db,
                                     char *why, size_t size) {
    return load(path, NULL, NULL, lim, db, why, size);
}

bool oclnn__tune_db_is_class(const oclnn__tune_db *db) {
    return !strncmp(db->device, OCLNN__TUNE_CLASS_PREFIX, strlen(OCLNN__TUNE_CLASS_PREFIX));
}

void oclnn__tune_class_key(const oclnn_device_info *dev, oclnn__devclass cls, char *buf, size_t size) {
    if (oclnn__devclass_is_gpu(cls)) snprintf(buf, size, "%s", oclnn__devclass_name(cls));
    else
        snprintf(buf, size, "cpu%s", dev->native_vector_width_float >= 16  ? "-avx512"
                                     : dev->native_vector_width_float >= 8 ? "-avx2"
                                                                           : "");
}

/* Header values are single lines: a device name with a newline would break the file. */
static void one_line(char *dst, size_t size, const char *src) {
    copy_str(dst, size, src);
    for (char *p = dst; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
}

bool oclnn__tune_db_save(const oclnn__tune_db *db, const char *path, char *why, size_t size) {
    char dir[4096];
    copy_str(dir, sizeof dir, path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (!oclnn__filecache_prepare_dir(dir)) {
            snprintf(why, size, "cannot use the folder %s", dir);
            return false;
        }
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(why, size, "cannot create %s: %s", tmp, strerror(errno));
        return false;
    }
    char device[128], vendor[128], driver[64], note[512];
    one_line(device, sizeof device, db->device);
    one_line(vendor, sizeof vendor, db->vendor);
    one_line(driver, sizeof driver, db->driver);
    one_line(note, sizeof note, db->note);
    fprintf(f, MAGIC " %d\ndevice: %s\nvendor: %s\ndriver: %s\nkernels: %d\n", OCLNN__TUNE_FORMAT_VERSION,
            device, vendor, driver, db->kernels);
    if (note[0]) fprintf(f, "# %s\n", note);
    fprintf(f, "# family problem NAME=value... milliseconds\n");
    for (size_t i = 0; i < db->n_rows; i++) {
        const oclnn__tune_row *r = &db->rows[i];
        char values[160];
        oclnn__tune_values_str(r->space, &r->values, ' ', values, sizeof values);
        fprintf(f, "%s %s %s %.4f\n", r->space->family, r->problem, values, r->ms);
    }
    fprintf(f, "end\n");
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(why, size, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
        return false;
    }
    return true;
}

void oclnn__tune_sanitize(const char *name, char *out, size_t size) {
    size_t n = 0;
    bool dash = false;
    for (const char *p = name; *p && n + 1 < size; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) && c < 0x80) {
            if (dash && n > 0 && n + 2 < size) out[n++] = '-';
            out[n++] = (char)tolower(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    if (n == 0 && size > 7) {
        memcpy(out, "unnamed", 7);
        n = 7;
    }
    out[n] = '\0';
}

bool oclnn__tune_default_path(const char *device_name, char *buf, size_t size) {
    char name[160];
    oclnn__tune_sanitize(device_name, name, sizeof name);
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/') n = snprintf(buf, size, "%s/oclnn/tuning/%s.txt", xdg, name);
    else if (home && home[0] == '/') n = snprintf(buf, size, "%s/.local/share/oclnn/tuning/%s.txt", home, name);
    else return false;
    return n > 0 && (size_t)n < size;
}

#ifndef OCLNN_INSTALL_DATADIR
#define OCLNN_INSTALL_DATADIR "/usr/local/share"
#endif

size_t oclnn__tune_search_dirs(char dirs[][1024], size_t max) {
    size_t n = 0;
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (n < max && xdg && xdg[0] == '/') snprintf(dirs[n++], 1024, "%s/oclnn/tuning", xdg);
    else if (n < max && home && home[0] == '/') snprintf(dirs[n++], 1024, "%s/.local/share/oclnn/tuning", home);
    const char *sys = getenv("XDG_DATA_DIRS");
    if (!sys || !*sys) sys = "/usr/local/share:/usr/share"; /* the XDG base directory default */
    char install[1024];
    snprintf(install, sizeof install, "%s/oclnn/tuning", OCLNN_INSTALL_DATADIR);
    for (const char *p = sys; *p && n < max;) {
        size_t len = strcspn(p, ":");
        if (len > 0 && p[0] == '/' && len < 900) { /* relative entries are ignored, as the spec says */
            snprintf(dirs[n], 1024, "%.*s/oclnn/tuning", (int)len, p);
            bool dup = false;
            for (size_t i = 0; i < n && !dup; i++) dup = !strcmp(dirs[i], dirs[n]);
            if (!dup) n++;
        }
        p += len + (p[len] == ':');
    }
    bool dup = false;
    for (size_t i = 0; i < n && !dup; i++) dup = !strcmp(dirs[i], install);
    if (!dup && n < max) snprintf(dirs[n++], 1024, "%s", install);
    return n;
}
