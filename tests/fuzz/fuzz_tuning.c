/* SPDX-License-Identifier: MIT */
/* libFuzzer target: tuning databases are untrusted input (a file anyone may hand over, or edit
 * by hand). The input is the whole file, loaded for a fixed fake device; the loader must never
 * crash, read out of bounds or leak, and whatever it accepts must hold up: every row's values are
 * candidates that meet their space's constraints, and saving and reloading keeps every row. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_kinds.h"
#include "tune/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool tuning_refuses(const char *path) {
    oclnn_device_info dev;
    memset(&dev, 0, sizeof dev);
    oclnn__tune_db db;
    char why[256] = "";
    oclnn__tune_load r = oclnn__tune_db_load(path, &dev, NULL, &db, why, sizeof why);
    oclnn__tune_db_free(&db);
    return r != OCLNN__TUNE_LOADED && why[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[96], copy[112];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/oclnn-fuzz-tuning-%d.txt", (int)getpid());
        snprintf(copy, sizeof copy, "%s.copy", path);
    }
    fuzz_check_file_kinds(path, tuning_refuses);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
    oclnn_device_info dev;
    memset(&dev, 0, sizeof dev);
    dev.backend = OCLNN_BACKEND_OPENCL;
    strcpy(dev.name, "Fuzz Device"); /* the device the seed corpus was written for */
    strcpy(dev.vendor, "Fuzz Inc.");
    strcpy(dev.driver_version, "1.0");
    dev.max_work_group_size = 256;
    dev.local_mem_bytes = 32768;
    oclnn__tune_limits lim = {256, 32768};
    oclnn__tune_db db;
    char why[256];
    oclnn__tune_load r = oclnn__tune_db_load(path, &dev, &lim, &db, why, sizeof why);
    if (r != OCLNN__TUNE_LOADED && db.n_rows != 0) abort();
    for (size_t i = 0; i < db.n_rows; i++) {
        char reason[160];
        if (oclnn__tune_check(db.rows[i].space, &db.rows[i].values, &lim, reason, sizeof reason)) abort();
    }
    if (r == OCLNN__TUNE_LOADED) {
        if (!oclnn__tune_db_save(&db, copy, why, sizeof why)) abort();
        oclnn__tune_db back;
        if (oclnn__tune_db_load(copy, &dev, &lim, &back, why, sizeof why) != OCLNN__TUNE_LOADED ||
            back.n_rows != db.n_rows || back.rejected != 0)
            abort();
        oclnn__tune_db_free(&back);
        unlink(copy);
    }
    oclnn__tune_db_free(&db);
    unlink(path);
    return 0;
}
