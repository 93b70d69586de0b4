/* SPDX-License-Identifier: MIT */
/* `oclnn devices [--json]`: every device with the capabilities oclnn reads, the layout it prefers
 * and which one a context gets by default. */
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "tune/db.h"
#include "tune/tune.h"

/* What a context on `d` would find as its tuning database (OCLNN_TUNING_DB, else the device's
 * file, else its class's, in the search folders; src/tune/tuning.c) and which level answered. */
typedef struct tuning {
    const char *state; /* "loaded", "missing", "stale", "corrupt", "none" (disabled or C backend) */
    const char *source; /* "device database", "class database", "class defaults", "none" */
    char class_key[32];
    size_t entries;
    char path[1024];
    char reason[256];
} tuning;

static void tuning_of(const oclnn_device_info *d, tuning *t) {
    memset(t, 0, sizeof *t);
    t->state = "none";
    t->source = "none";
    if (d->backend != OCLNN_BACKEND_OPENCL) return;
    oclnn__devclass cls = OCLNN__DEVCLASS_CPU;
    oclnn__devclass_of(d, getenv("OCLNN_DEVICE_CLASS"), &cls); /* an unknown name: as the context refuses it */
    oclnn__tune_class_key(d, cls, t->class_key, sizeof t->class_key);
    t->source = oclnn__tune_level_name(OCLNN__TUNE_LEVEL_CLASS_DEFAULT);
    const char *env = getenv("OCLNN_TUNING_DB");
    if (env && !strcmp(env, "none")) return;
    oclnn__tune_db db;
    oclnn__tune_found found;
    static const char *const states[] = {"missing", "loaded", "stale", "corrupt"};
    oclnn__tune_load r = oclnn__tune_locate(d, cls, env && *env ? env : NULL, false, &db, &found);
    t->state = states[r];
    t->source = oclnn__tune_level_name(found.level);
    t->entries = db.n_rows;
    snprintf(t->path, sizeof t->path, "%s", found.path);
    snprintf(t->reason, sizeof t->reason, "%s", found.reason);
    oclnn__tune_db_free(&db);
}

/* Compiles every kernel into the cache and reports cold/warm numbers on stderr/stdout. */
static int warm_up(const char *device, bool json) {
    oclnn_context_options o = oclnn_context_options_default();
    o.device = device;
    oclnn_context *ctx;
    if (oclnn_context_create(&o, &ctx) != OCLNN_OK) {
        fprintf(stderr, "oclnn devices: %s\n", oclnn_last_error());
        return TOOL_FAIL;
    }
    oclnn_device_info info;
    oclnn_context_device(ctx, &info);
    fprintf(stderr, "oclnn devices: compiling every kernel for \"%s\"...\n", info.name);
    oclnn_status st = oclnn_context_warm_up(ctx);
    oclnn_cache_stats s;
    oclnn_context_cache_stats(ctx, &s);
    if (st != OCLNN_OK) fprintf(stderr, "oclnn devices: %s\n", oclnn_last_error());
    else if (json) {
        printf("{\"device\": ");
        json_string(stdout, info.name);
        printf(", \"builds\": %llu, \"build_ms\": %.1f, \"disk_hits\": %llu, "
               "\"load_ms\": %.1f, \"disk_rejects\": %llu}\n",
               (unsigned long long)s.builds, s.build_ms, (unsigned long long)s.disk_hits,
               s.load_ms, (unsigned long long)s.disk_rejects);
    } else
        printf("%s: %llu programs compiled in %.0f ms, %llu loaded from the cache in %.1f ms, "
               "%llu cache entries refused\n",
               info.name, (unsigned long long)s.builds, s.build_ms, (unsigned long long)s.disk_hits,
               s.load_ms, (unsigned long long)s.disk_rejects);
    oclnn_context_destroy(ctx);
    return st == OCLNN_OK ? TOOL_OK : TOOL_FAIL;
}

static const char *kind(const oclnn_device_info *d) {
    if (d->backend == OCLNN_BACKEND_CPU) return "c-backend";
    return d->is_gpu ? "gpu" : d->is_cpu ? "cpu" : d->is_accelerator ? "accelerator" : "other";
}

static void print_id(char *buf, size_t n, const oclnn_device_info *d) {
    if (d->backend == OCLNN_BACKEND_CPU) snprintf(buf, n, "cpu");
    else snprintf(buf, n, "%u:%u", d->platform_index, d->device_index);
}

static void print_json(const oclnn_device_info *list, size_t count) {
    printf("[");
    for (size_t i = 0; i < count; i++) {
        const oclnn_device_info *d = &list[i];
        char id[32];
        print_id(id, sizeof id, d);
        printf("%s\n  {\"id\": ", i ? "," : "");
        json_string(stdout, id);
        printf(", \"backend\": \"%s\", \"type\": \"%s\", \"platform\": ",
               d->backend == OCLNN_BACKEND_CPU ? "cpu" : "opencl", kind(d));
        json_string(stdout, d->platform_name);
        printf(", \"name\": ");
        json_string(stdout, d->name);
        printf(", \"vendor\": ");
        json_string(stdout, d->vendor);
        printf(", \"driver_version\": ");
        json_string(stdout, d->driver_version);
        printf(", \"device_version\": ");
        json_string(stdout, d->device_version);
        printf(", \"compute_units\": %u, \"clock_mhz\": %u, \"global_mem_bytes\": %llu, "
               "\"local_mem_bytes\": %llu, \"max_alloc_bytes\": %llu, \"max_work_group_size\": %zu, "
               "\"max_work_item_sizes\": [%zu, %zu, %zu], \"preferred_vector_width_float\": %u, "
               "\"native_vector_width_float\": %u, \"fp16\": %s, \"fp64\": %s, \"images\": %s, "
               "\"subgroups\": %s, \"layout\": \"%s\", \"default\": %s",
               d->compute_units, d->clock_mhz, (unsigned long long)d->global_mem_bytes,
               (unsigned long long)d->local_mem_bytes, (unsigned long long)d->max_alloc_bytes,
               d->max_work_group_size, d->max_work_item_sizes[0], d->max_work_item_sizes[1],
               d->max_work_item_sizes[2], d->preferred_vector_width_float,
               d->native_vector_width_float, d->fp16 ? "true" : "false", d->fp64 ? "true" : "false",
               d->images ? "true" : "false", d->subgroups ? "true" : "false",
               layout_name(d->layout), d->is_default ? "true" : "false");
        printf(", \"unified_memory\": %s, \"opencl_c_version\": ", d->unified_memory ? "true" : "false");
        json_string(stdout, d->opencl_c_version);
        if (d->is_default) {
            printf(", \"default_reason\": ");
            json_string(stdout, d->default_reason);
        }
        tuning t;
        tuning_of(d, &t);
        printf(", \"tuning\": {\"state\": \"%s\", \"source\": \"%s\", \"class\": \"%s\", \"entries\": %zu, "
               "\"path\": ", t.state, t.source, t.class_key, t.entries);
        json_string(stdout, t.path);
        printf(", \"reason\": ");
        json_string(stdout, t.reason);
        printf("}}");
    }
    printf("\n]\n");
}

static void print_table(const oclnn_device_info *list, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const oclnn_device_info *d = &list[i];
        char id[32];
        print_id(id, sizeof id, d);
        printf("%s %-5s %s%s\n", d->is_default ? "*" : " ", id, d->name,
               d->is_default ? "   (default)" : "");
        if (d->is_default) printf("        why default   %s\n", d->default_reason);
        if (d->backend == OCLNN_BACKEND_OPENCL) {
            printf("        platform      %s\n", d->platform_name);
            printf("        vendor        %s\n", d->vendor);
            printf("        version       %s, driver %s\n", d->device_version, d->driver_version);
        }
        printf("        type          %s\n", kind(d));
        printf("        compute units %u", d->compute_units);
        if (d->clock_mhz) printf(" at %u MHz", d->clock_mhz);
        printf("\n        memory        %.1f GiB global", d->global_mem_bytes / 1073741824.0);
        if (d->backend == OCLNN_BACKEND_OPENCL)
            printf(", %.0f KiB local, %.1f GiB largest buffer", d->local_mem_bytes / 1024.0,
                   d->max_alloc_bytes / 1073741824.0);
        printf("\n");
        if (d->backend == OCLNN_BACKEND_OPENCL) {
            printf("        work-group    %zu max, items %zu x %zu x %zu\n", d->max_work_group_size,
                   d->max_work_item_sizes[0], d->max_work_item_sizes[1], d->max_work_item_sizes[2]);
            printf("        float vectors preferred %u, native %u\n", d->preferred_vector_width_float,
                   d->native_vector_width_float);
            printf("        features      fp16 %s, fp64 %s, images %s, subgroups %s\n",
                   d->fp16 ? "yes" : "no", d->fp64 ? "yes" : "no", d->images ? "yes" : "no",
                   d->subgroups ? "yes" : "no");
        }
        printf("        layout        %s\n", layout_name(d->layout));
        if (d->backend == OCLNN_BACKEND_OPENCL) {
            tuning t;
            tuning_of(d, &t);
            if (!strcmp(t.state, "loaded")) printf("        tuned         yes, %zu entries (%s)\n", t.entries, t.path);
            else if (!strcmp(t.state, "missing")) printf("        tuned         no (run `oclnn tune --quick`; it writes %s)\n", t.path);
            else if (!strcmp(t.state, "none")) printf("        tuned         no (tuning disabled)\n");
            else printf("        tuned         no: %s is %s (%s)\n", t.path, t.state, t.reason);
            printf("        tuning from   %s (class %s)\n", t.source, t.class_key);
        }
    }
}

int cmd_devices(int argc, char **argv) {
    bool json = false, warm = false;
    const char *device = NULL;
    const tool_opt opts[] = {
        {"json", NULL, "print a JSON array, one object per device", NULL, &json},
        {"warm-up", NULL, "compile every kernel into the program cache; report the time taken", NULL, &warm},
        {"device", "D", "with --warm-up: \"P:D\", \"cpu\" or a name substring (default: the default device)",
         opt_string, &device},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const tool_cmd cmd = {"devices", "",
                          "Lists the OpenCL devices (as P:D indices for OCLNN_DEVICE and --device) and the C\n"
                          "backend (\"cpu\"), with the capabilities oclnn reads and their tuning state.",
                          opts, NULL, 0, 0};
    const char *args[1];
    int n_args;
    int rc = tool_parse(&cmd, argc, argv, args, &n_args);
    if (rc != TOOL_OK) return rc == TOOL_HELP ? TOOL_OK : rc;
    if (device && !warm) return tool_usage_error(&cmd, "--device only goes with --warm-up");
    if (warm) return warm_up(device, json);
    size_t count = 0;
    if (oclnn_devices(NULL, 0, &count) != OCLNN_OK) {
        fprintf(stderr, "oclnn devices: %s\n", oclnn_last_error());
        return TOOL_FAIL;
    }
    oclnn_device_info *list = calloc(count, sizeof *list);
    if (!list || oclnn_devices(list, count, &count) != OCLNN_OK) {
        fprintf(stderr, "oclnn devices: %s\n", list ? oclnn_last_error() : "out of memory");
        free(list);
        return TOOL_FAIL;
    }
    if (json) print_json(list, count);
    else print_table(list, count);
    free(list);
    return TOOL_OK;
}
