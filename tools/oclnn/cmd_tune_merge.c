/* SPDX-License-Identifier: MIT */
/* `oclnn tune --merge A B ... --out C [--class KEY] [--json]`: merges tuning databases, as one
 * shares them between machines. The first usable file sets the device (or --class KEY makes the
 * result a class database, offered to every device of that class: src/tune/db.h). For each
 * (family, problem) key the faster row is kept. Refused, each with its reason: a file that is
 * unreadable, corrupt or of another format; a file of another kernel version (its rows were
 * measured on other kernels); without --class, a file of another device, vendor or driver; rows
 * outside their search space (the loader skips them; counted). Nothing is written when no row
 * is kept. */
#include <stdlib.h>
#include <string.h>

#include "tune.h"
#include "tune/db.h"

static bool same_device(const oclnn__tune_db *a, const oclnn__tune_db *b) {
    return !strcmp(a->device, b->device) && !strcmp(a->vendor, b->vendor) && !strcmp(a->driver, b->driver);
}

static bool valid_class(const char *key) {
    static const char *const keys[] = {"cpu-avx512", "cpu-avx2", "cpu", "gpu-nvidia", "gpu-amd", "gpu-intel", "gpu"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(key, keys[i])) return true;
    return false;
}

int tune_merge(const tune_options *o, const char *const *files, size_t n_files) {
    if (o->class_key && !valid_class(o->class_key)) {
        fprintf(stderr, "oclnn tune: --class \"%s\": not a device class (cpu-avx512, cpu-avx2, cpu, gpu-nvidia, "
                        "gpu-amd, gpu-intel, gpu)\n", o->class_key);
        return TOOL_USAGE;
    }
    oclnn__tune_db out;
    oclnn_device_info none = {0};
    oclnn__tune_db_init(&out, &none);
    bool have_identity = false;
    size_t kept = 0, replaced = 0, slower = 0, refused_files = 0, refused_rows = 0;
    if (o->json) printf("{\n  \"files\": [");
    for (size_t f = 0; f < n_files; f++) {
        oclnn__tune_db in;
        char why[512] = "";
        oclnn__tune_load r = oclnn__tune_db_read(files[f], NULL, &in, why, sizeof why);
        size_t file_kept = 0, file_replaced = 0, file_slower = 0;
        if (r == OCLNN__TUNE_MISSING) snprintf(why, sizeof why, "no such file");
        else if (r == OCLNN__TUNE_LOADED && in.kernels != OCLNN__KERNEL_VERSION) {
            snprintf(why, sizeof why, "tuned for kernel version %d; these kernels are version %d", in.kernels,
                     OCLNN__KERNEL_VERSION);
            r = OCLNN__TUNE_STALE;
        } else if (r == OCLNN__TUNE_LOADED && have_identity && !o->class_key && !same_device(&in, &out)) {
            snprintf(why, sizeof why, "tuned for \"%.60s\" (%.30s, driver %.20s), not \"%.60s\" (%.30s, driver %.20s) as the "
                     "first file", in.device, in.vendor, in.driver, out.device, out.vendor, out.driver);
            r = OCLNN__TUNE_STALE;
        }
        if (r != OCLNN__TUNE_LOADED) {
            refused_files++;
            refused_rows += in.n_rows;
            fprintf(stderr, "oclnn tune --merge: %s refused: %s\n", files[f], why);
        } else {
            if (!have_identity) {
                snprintf(out.device, sizeof out.device, "%s", in.device);
                snprintf(out.vendor, sizeof out.vendor, "%s", in.vendor);
                snprintf(out.driver, sizeof out.driver, "%s", in.driver);
                have_identity = true;
            }
            for (size_t i = 0; i < in.n_rows; i++) {
                const oclnn__tune_row *row = &in.rows[i];
                const oclnn__tune_row *old = oclnn__tune_db_find(&out, row->space->family, row->problem);
                if (old && !(row->ms < old->ms)) {
                    file_slower++;
                    continue;
                }
                if (!oclnn__tune_db_put(&out, row->space, row->problem, &row->values, row->ms)) {
                    fprintf(stderr, "oclnn tune --merge: out of memory\n");
                    oclnn__tune_db_free(&in);
                    oclnn__tune_db_free(&out);
                    return TOOL_FAIL;
                }
                if (old) file_replaced++;
                else file_kept++;
            }
            if (in.rejected)
                fprintf(stderr, "oclnn tune --merge: %s: %zu row(s) refused: unknown kernel, or values outside "
                                "its search space (OCLNN_LOG=debug lists them)\n", files[f], in.rejected);
            refused_rows += in.rejected;
            fprintf(stderr, "oclnn tune --merge: %s: %zu row(s) added, %zu replaced a slower row, %zu slower than "
                            "a row kept\n", files[f], file_kept, file_replaced, file_slower);
        }
        kept += file_kept, replaced += file_replaced, slower += file_slower;
        if (o->json) {
            printf("%s\n    {\"file\": ", f ? "," : "");
            json_string(stdout, files[f]);
            printf(", \"used\": %s, \"reason\": ", r == OCLNN__TUNE_LOADED ? "true" : "false");
            json_string(stdout, r == OCLNN__TUNE_LOADED ? "" : why);
            printf(", \"added\": %zu, \"replaced\": %zu, \"slower\": %zu, \"rows_refused\": %zu}", file_kept,
                   file_replaced, file_slower, r == OCLNN__TUNE_LOADED ? in.rejected : in.n_rows);
        }
        oclnn__tune_db_free(&in);
    }
    int rc = TOOL_OK;
    char why[256] = "";
    if (!out.n_rows) {
        snprintf(why, sizeof why, "no row to write");
        rc = TOOL_FAIL;
    } else {
        if (o->class_key) {
            snprintf(out.device, sizeof out.device, OCLNN__TUNE_CLASS_PREFIX "%s", o->class_key);
            snprintf(out.vendor, sizeof out.vendor, "*");
            snprintf(out.driver, sizeof out.driver, "*");
        }
        snprintf(out.note, sizeof out.note, "oclnn tune --merge (%zu file(s))%s%s", n_files,
                 o->class_key ? " --class " : "", o->class_key ? o->class_key : "");
        if (!oclnn__tune_db_save(&out, o->out, why, sizeof why)) rc = TOOL_FAIL;
    }
    if (rc != TOOL_OK) fprintf(stderr, "oclnn tune --merge: %s: %s\n", o->out, why);
    else
        fprintf(stderr, "oclnn tune --merge: %zu rows in %s (%zu added, %zu replaced a slower row, %zu slower "
                        "dropped; %zu file(s) refused, %zu row(s) refused)\n",
                out.n_rows, o->out, kept, replaced, slower, refused_files, refused_rows);
    if (o->json) {
        printf("\n  ],\n  \"out\": ");
        json_string(stdout, o->out);
        printf(", \"device\": ");
        json_string(stdout, out.device);
        printf(", \"rows\": %zu, \"files_refused\": %zu, \"rows_refused\": %zu, \"ok\": %s\n}\n", out.n_rows,
               refused_files, refused_rows, rc == TOOL_OK ? "true" : "false");
    }
    oclnn__tune_db_free(&out);
    return rc;
}
