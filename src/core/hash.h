/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4): keys and verifies the on-disk program cache. */
#ifndef OCLNN_CORE_HASH_H
#define OCLNN_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct oclnn__sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used;
} oclnn__sha256;

void oclnn__sha256_init(oclnn__sha256 *h);
void oclnn__sha256_update(oclnn__sha256 *h, const void *data, size_t size);
/* Hashes a NUL-terminated string including its terminator, so fields cannot run together. */
void oclnn__sha256_field(oclnn__sha256 *h, const char *s);
void oclnn__sha256_final(oclnn__sha256 *h, uint8_t digest[32]);
void oclnn__sha256_hex(const uint8_t digest[32], char hex[65]);

#endif
