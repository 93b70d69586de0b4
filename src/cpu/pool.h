/* SPDX-License-Identifier: MIT */
/* The C backend's one work-sharing thread pool, which runs every parallel loop of the backend.
 *
 * A loop of n items is cut into chunks of `grain` items that the caller and the pool's workers
 * claim from one atomic range, the caller from its front and the workers from its back (with
 * two threads, the caller runs a prefix of every loop and the worker the rest: loops that cut the
 * same data the same way keep each part on one core); the caller always takes part, so a loop
 * completes even when no worker gets a core (an oversubscribed machine): a worker that is asleep
 * or descheduled simply takes no chunk. Workers wait for the next loop by spinning for a short
 * bounded time (OCLNN__POOL_SPIN_US), then sleep on a condition variable: they never spin past
 * that bound.
 *
 * One loop runs on the pool at a time. A loop started while the pool is busy with another
 * thread's loop, or from inside a loop (nesting), runs on the calling thread alone, and so does
 * any loop nested in a loop that ran alone: the rule for nesting holds either way. The pool's
 * threads exist while a C backend context exists (oclnn__cpu_pool_retain / _release, from the
 * backend's context init and fini), are started on the first loop that wants them, and are
 * joined when the last such context is destroyed. */
#ifndef OCLNN_CPU_POOL_H
#define OCLNN_CPU_POOL_H

#include <stddef.h>

/* Runs items [begin, end) of a loop; `worker` (< the team's size) tells the threads apart, for
 * per-thread scratch: no two chunks run at once with the same worker index. */
typedef void (*oclnn__cpu_task)(void *arg, size_t begin, size_t end, unsigned worker);

/* Runs fn over [0, n) in chunks of `grain` items (0 is taken as 1) on up to
 * oclnn__cpu_threads() threads, returning when every item has run. Runs fn(arg, 0, n, 0) on the
 * calling thread alone when n <= grain, the team is one thread, or the pool is unavailable. */
void oclnn__cpu_parallel_for(size_t n, size_t grain, oclnn__cpu_task fn, void *arg);

/* A grain that cuts n items into about `per_thread` chunks per thread of the current team, at
 * least min_grain items each. */
size_t oclnn__cpu_grain(size_t n, size_t per_thread, size_t min_grain);

/* Scratch for a loop's workers: oclnn__cpu_threads() shares of `floats` floats each, 64-byte
 * aligned, *share floats apart (worker w's share at w * *share); NULL when floats is 0, the size
 * overflows or the memory cannot be had (the caller then takes a path without it). Freed with
 * free(). On the heap: a loop's body also runs on the caller's thread, whose stack may be small. */
float *oclnn__cpu_worker_scratch(size_t floats, size_t *share);

/* Called by the C backend's context init / fini. */
void oclnn__cpu_pool_retain(void);
void oclnn__cpu_pool_release(void);

/* Worker threads the pool holds now (tests). */
unsigned oclnn__cpu_pool_workers(void);

#endif
