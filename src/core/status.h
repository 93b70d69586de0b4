/* SPDX-License-Identifier: MIT */
/* Error reporting: every public entry point calls OCLNN__ENTER() first, which (for the outermost
 * call on this thread) names the call and clears the message; oclnn__fail() then formats
 * "oclnn_xxx: [context]reason" and returns the status, so a check and its message fit on one
 * line. */
#ifndef OCLNN_CORE_STATUS_H
#define OCLNN_CORE_STATUS_H

#include "oclnn.h"

#if defined(__GNUC__)
#define OCLNN__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OCLNN__PRINTF(a, b)
#endif

/* Names the current call and clears this thread's message, whatever the nesting (tests, and the
 * fallback OCLNN__ENTER). */
void oclnn__enter(const char *api_name);
oclnn_status oclnn__fail(oclnn_status status, const char *fmt, ...) OCLNN__PRINTF(2, 3);
/* Appends to the current message (used to add a cause to an error already set). */
void oclnn__append_error(const char *fmt, ...) OCLNN__PRINTF(1, 2);
/* Clears the message, keeping the call's name (an outer call that handled an inner failure). */
void oclnn__clear_error(void);
/* Sets the text that oclnn__fail puts after the call's name until it is set again (NULL clears
 * it), e.g. "node \"conv1\": " around the public calls a network makes for one node, so the
 * nested call's message names the node without being relabeled. Cleared by the outermost entry. */
void oclnn__error_context(const char *fmt, ...) OCLNN__PRINTF(1, 2);
const char *oclnn__current_api(void);

/* Nesting-aware entry: only the outermost public call on this thread names the message and clears
 * it, so a public call made by another (a network creating its convolutions, find creating
 * tensors) reports its failure under the outer call's name. The depth is restored when the call
 * returns (the cleanup attribute of GCC and Clang); other compilers name every call, as before. */
typedef struct oclnn__entry {
    int unused;
} oclnn__entry;
oclnn__entry oclnn__enter_scope(const char *api_name);
void oclnn__leave(oclnn__entry *e);
#if defined(__GNUC__)
#define OCLNN__ENTER()                                                                          \
    oclnn__entry oclnn__entry_ __attribute__((cleanup(oclnn__leave), unused)) =                 \
        oclnn__enter_scope(__func__)
#else
#define OCLNN__ENTER() oclnn__enter(__func__)
#endif

/* Propagates a failure: the message is already set by the callee. */
#define OCLNN__TRY(expr)                                                                        \
    do {                                                                                        \
        oclnn_status oclnn__st_ = (expr);                                                       \
        if (oclnn__st_ != OCLNN_OK) return oclnn__st_;                                          \
    } while (0)

#endif
