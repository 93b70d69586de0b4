/* SPDX-License-Identifier: MIT */
/* libFuzzer target: ONNX models are untrusted input (users download them). The input is the
 * whole file, loaded from memory (external data is refused there); the loader must refuse
 * anything malformed, hostile or unsupported without crashing, reading out of bounds, leaking
 * or allocating more than the input justifies, and what it accepts must be a consistent graph:
 * shapes infer at a small input, or the failure is reported. */
#include <stdint.h>
#include <stdlib.h>

#include "oclnn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    oclnn_graph *g = NULL;
    oclnn_shape in;
    if (oclnn_graph_load_onnx_memory(data, size, &g, &in) != OCLNN_OK) {
        if (g) abort(); /* a failed load leaves nothing behind */
        return 0;
    }
    size_t n = oclnn_graph_node_count(g);
    if (!n || !in.c) abort();
    oclnn_shape *shapes = calloc(n, sizeof *shapes);
    if (!shapes) abort();
    oclnn_shape x = {1, in.c, in.h && in.h <= 64 ? in.h : 32, in.w && in.w <= 64 ? in.w : 32};
    (void)oclnn_graph_infer_shapes(g, x, shapes);
    free(shapes);
    oclnn_graph_destroy(g);
    return 0;
}
