/* SPDX-License-Identifier: MIT */
/* Helpers over the conv2d contract's tables. */
#include "backend/conv2d.h"

const oclnn__conv2d_row *oclnn__conv2d_row_of(const oclnn__conv2d_family *f, oclnn_conv_algo algo) {
    for (size_t i = 0; f && i < f->n_rows; i++)
        if (f->rows[i].algo == algo) return &f->rows[i];
    return NULL;
}
