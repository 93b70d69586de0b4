/* SPDX-License-Identifier: MIT */
/* Filling a graph's parameters: oclnn's deterministic generator (reproduced bit for bit by
 * tools/export_weights.py) and loading a PyTorch state_dict from .safetensors by name. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/safetensors.h"
#include "core/status.h"
#include "graph/graph.h"

/* The generator: element i of stream `name` with `seed` is splitmix64(fnv1a64(name) +
 * seed * GOLDEN + i); its top 24 bits give u in [0, 1), and the value is (float)(lo + (hi - lo) * u)
 * computed in double. */
#define GOLDEN 0x9E3779B97F4A7C15ull

static uint64_t fnv1a64(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static uint64_t splitmix64(uint64_t z) {
    z += GOLDEN;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void uniform(const char *name, uint64_t seed, double lo, double hi, float *dst, size_t count) {
    uint64_t key = fnv1a64(name) + seed * GOLDEN;
    for (size_t i = 0; i < count; i++) {
        double u = (double)(splitmix64(key + i) >> 40) * (1.0 / 16777216.0);
        dst[i] = (float)(lo + (hi - lo) * u);
    }
}

oclnn_status oclnn_random_uniform(const char *name, uint64_t seed, double lo, double hi, float *dst,
                                  size_t count) {
    OCLNN__ENTER();
    if (!name || !dst) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "%s is NULL", !name ? "name" : "dst");
    if (!(lo <= hi) || !isfinite(lo) || !isfinite(hi))
        return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "range [%g, %g) is not a finite interval", lo, hi);
    uniform(name, seed, lo, hi, dst, count);
    return OCLNN_OK;
}

oclnn_status oclnn_graph_init_random(oclnn_graph *g, uint64_t seed) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__graph_check(g, "g"));
    for (size_t i = 0; i < g->count; i++)
        for (size_t k = 0; k < g->nodes[i].param_count; k++) {
            oclnn__param *p = &g->nodes[i].params[k];
            double b;
            switch (p->role) {
            case OCLNN__PARAM_CONV_WEIGHT:
                b = sqrt(6.0 / (double)p->fan_in);
                uniform(p->name, seed, -b, b, p->data, p->count);
                break;
            case OCLNN__PARAM_FAN_IN_BIAS:
                b = 1.0 / sqrt((double)p->fan_in);
                uniform(p->name, seed, -b, b, p->data, p->count);
                break;
            case OCLNN__PARAM_BN_SCALE: uniform(p->name, seed, 0.5, 1.5, p->data, p->count); break;
            case OCLNN__PARAM_BN_SHIFT: uniform(p->name, seed, -0.1, 0.1, p->data, p->count); break;
            }
        }
    return OCLNN_OK;
}

oclnn_status oclnn_graph_load_safetensors(oclnn_graph *g, const char *path, size_t *unused) {
    OCLNN__ENTER();
    OCLNN__TRY(oclnn__graph_check(g, "g"));
    if (!path) return oclnn__fail(OCLNN_ERROR_INVALID_ARGUMENT, "path is NULL");
    oclnn__safetensors *st;
    OCLNN__TRY(oclnn__safetensors_read(path, &st));
    size_t used = 0;
    oclnn_status status = OCLNN_OK;
    /* Check everything before writing anything, so a failed load leaves the graph as it was. */
    for (int pass = 0; pass < 2 && status == OCLNN_OK; pass++)
        for (size_t i = 0; i < g->count && status == OCLNN_OK; i++)
            for (size_t k = 0; k < g->nodes[i].param_count; k++) {
                oclnn__param *p = &g->nodes[i].params[k];
                const oclnn__st_tensor *t = oclnn__safetensors_find(st, p->name);
                if (!t) {
                    status = oclnn__fail(OCLNN_ERROR_BAD_FILE, "%s: the graph's parameter \"%s\" is missing", path,
                                         p->name);
                    break;
                }
                bool same = t->ndim == p->ndim;
                for (uint32_t d = 0; same && d < p->ndim; d++) same = t->shape[d] == p->dims[d];
                if (!same) {
                    char want[96] = "", got[96] = "";
                    for (uint32_t d = 0; d < p->ndim; d++)
                        snprintf(want + strlen(want), sizeof want - strlen(want), "%s%llu", d ? "x" : "",
                                 (unsigned long long)p->dims[d]);
                    for (uint32_t d = 0; d < t->ndim; d++)
                        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%llu", d ? "x" : "",
                                 (unsigned long long)t->shape[d]);
                    status = oclnn__fail(OCLNN_ERROR_BAD_FILE, "%s: parameter \"%s\" has shape [%s], the graph needs [%s]",
                                         path, p->name, got, want);
                    break;
                }
                if (pass == 1) {
                    memcpy(p->data, t->data, p->count * sizeof(float));
                    used++;
                }
            }
    if (status == OCLNN_OK && unused) *unused = st->count - used;
    oclnn__safetensors_free(st);
    return status;
}
