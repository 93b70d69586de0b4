/* SPDX-License-Identifier: MIT */
/* Diagnostics on stderr, off unless OCLNN_LOG=error|info|debug asks for them. */
#ifndef OCLNN_CORE_LOG_H
#define OCLNN_CORE_LOG_H

#include "core/status.h"

typedef enum { OCLNN__LOG_OFF = 0, OCLNN__LOG_ERROR = 1, OCLNN__LOG_INFO = 2, OCLNN__LOG_DEBUG = 3 } oclnn__log_level;

oclnn__log_level oclnn__log_threshold(void);
void oclnn__log(oclnn__log_level level, const char *fmt, ...) OCLNN__PRINTF(2, 3);

#endif
