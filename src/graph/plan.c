/* SPDX-License-Identifier: MIT */
/* Lifetime-based buffer sharing for the compiled graph (see plan.h). */
#include "graph/plan.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct order_item {
    size_t index;
    int first;
    size_t bytes;
} order_item;

static int cmp_order(const void *a, const void *b) {
    const order_item *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1; /* bigger first */
    return x->index < y->index ? -1 : x->index > y->index;
}

bool oclnn__plan_memory(oclnn__plan_value *v, size_t n, size_t *buffer_bytes,
                        oclnn__plan_result *result) {
    result->buffers = result->total_bytes = result->live_peak = 0;
    if (n == 0) return true;
    order_item *order = malloc(n * sizeof *order);
    int *busy_until = malloc(n * sizeof *busy_until);
    if (!order || !busy_until) {
        free(order);
        free(busy_until);
        return false;
    }
    bool ok = true;
    int max_step = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].last < v[i].first) ok = false;
        if (v[i].last > max_step) max_step = v[i].last;
        order[i] = (order_item){i, v[i].first, v[i].bytes};
    }
    if (!ok) goto done;
    qsort(order, n, sizeof *order, cmp_order);
    size_t nb = 0;
    for (size_t k = 0; k < n; k++) {
        oclnn__plan_value *x = &v[order[k].index];
        size_t best = SIZE_MAX, largest = SIZE_MAX;
        for (size_t b = 0; b < nb; b++) {
            if (busy_until[b] >= x->first) continue;
            if (buffer_bytes[b] >= x->bytes && (best == SIZE_MAX || buffer_bytes[b] < buffer_bytes[best]))
                best = b;
            if (largest == SIZE_MAX || buffer_bytes[b] > buffer_bytes[largest]) largest = b;
        }
        size_t b = best != SIZE_MAX ? best : largest;
        if (b == SIZE_MAX) {
            b = nb++;
            buffer_bytes[b] = 0;
        }
        if (buffer_bytes[b] < x->bytes) buffer_bytes[b] = x->bytes;
        busy_until[b] = x->last;
        x->buffer = (int)b;
    }
    result->buffers = nb;
    for (size_t b = 0; b < nb; b++)
        if (__builtin_add_overflow(result->total_bytes, buffer_bytes[b], &result->total_bytes)) ok = false;
    /* The lower bound: the most bytes live at any one step. */
    for (int s = 0; s <= max_step && ok; s++) {
        size_t live = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i].first <= s && s <= v[i].last) live += v[i].bytes;
        if (live > result->live_peak) result->live_peak = live;
    }
done:
    free(order);
    free(busy_until);
    return ok;
}
