/* SPDX-License-Identifier: MIT */
/* Error reporting: every public entry point calls OCLNN__ENTER() first, which names the call and
 * clears this thread's message; oclnn__fail() then formats "oclnn_xxx: reason" and returns the
 * status, so a check and its message fit on one line. */
#ifndef OCLNN_CORE_STATUS_H
#define OCLNN_CORE_STATUS_H

#include "oclnn.h"

#if defined(__GNUC__)
#define OCLNN__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OCLNN__PRINTF(a, b)
#endif

void oclnn__enter(const char *api_name);
oclnn_status oclnn__fail(oclnn_status status, const char *fmt, ...) OCLNN__PRINTF(2, 3);
/* Appends to the current message (used to add a cause to an error already set). */
void oclnn__append_error(const char *fmt, ...) OCLNN__PRINTF(1, 2);
const char *oclnn__current_api(void);

#define OCLNN__ENTER() oclnn__enter(__func__)

/* Propagates a failure: the message is already set by the callee. */
#define OCLNN__TRY(expr)                                                                        \
    do {                                                                                        \
        oclnn_status oclnn__st_ = (expr);                                                       \
        if (oclnn__st_ != OCLNN_OK) return oclnn__st_;                                          \
    } while (0)

#endif
