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

/* Biggest first (then earliest): each value then only ever joins buffers at least its size. */
static int cmp_order(const void *a, const void *b) {
    const order_item *x = a, *y = b;
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static bool overlaps(const oclnn__plan_value *a, const oclnn__plan_value *b) {
    return a->first <= b->last && b->first <= a->last;
}

bool oclnn__plan_memory(oclnn__plan_value *v, size_t n, size_t *buffer_bytes,
                        oclnn__plan_result *result) {
    result->buffers = result->total_bytes = result->live_peak = 0;
    if (n == 0) return true;
    order_item *order = malloc(n * sizeof *order);
    if (!order) return false;
    bool ok = true;
    int max_step = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].last < v[i].first) ok = false;
        if (v[i].last > max_step) max_step = v[i].last;
        v[i].buffer = -1;
        order[i] = (order_item){i, v[i].first, v[i].bytes};
    }
    if (!ok) goto done;
    qsort(order, n, sizeof *order, cmp_order);
    size_t nb = 0;
    for (size_t k = 0; k < n; k++) {
        oclnn__plan_value *x = &v[order[k].index];
        size_t best = SIZE_MAX;
        for (size_t b = 0; b < nb; b++) {
            if (best != SIZE_MAX && buffer_bytes[b] >= buffer_bytes[best]) continue;
            bool free_ = true;
            for (size_t j = 0; j < k && free_; j++) {
                const oclnn__plan_value *y = &v[order[j].index];
                if (y->buffer == (int)b && overlaps(x, y)) free_ = false;
            }
            if (free_) best = b;
        }
        if (best == SIZE_MAX) {
            best = nb++;
            buffer_bytes[best] = x->bytes;
        }
        x->buffer = (int)best;
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
    return ok;
}
