/* SPDX-License-Identifier: MIT */
/* The work-sharing pool (see cpu/pool.h).
 *
 * One loop is published at a time: its fields, then `claim` = (generation << 32 | back << 16 |
 * front), chunks [front, back) unclaimed, then `gen` = generation, which the workers watch. A
 * chunk is claimed by a compare-and-swap on `claim` that requires the worker's generation and a
 * nonempty range: the caller takes the front chunk, the workers the back one. So with two threads
 * each runs one end of every loop, the same end each time, and a layer that splits its output
 * the way the layer before did (cpu/conv2d_gemm.c's pixel-major tiles, the grouped convolution's
 * rows) reads what its own core wrote. Measured (docs/PERFORMANCE-net.md): ResNeXt-50 at batch 1
 * 41.8-42.3 against 42.1-43.6 ms, and 46-49 against 51.5-52 ms in this host's slow stretches;
 * ResNet-50 1% and GoogLeNet 3% faster at batch 1; batch 8 unchanged. A worker that wakes late,
 * after its loop has ended (empty range) or another has begun (another generation), claims
 * nothing: the fields it may have read from a later loop are never used. A loop's fields are
 * rewritten only after every chunk of the previous one has completed (`completed` == chunks).
 * The caller takes chunks like any worker and then waits for the chunks others still run: a
 * bounded spin, then a condition variable that the thread finishing the last chunk signals. */
#include "cpu/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "cpu/cpu.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/* How long an idle worker watches for the next loop before it sleeps, and how long the caller
 * spins for the other threads' last chunks before it sleeps (microseconds). */
#define OCLNN__POOL_SPIN_US 50
#define MAX_WORKERS 255
#define MAX_CHUNKS 0xffffu /* front and back are 16 bits of `claim`; the grain grows to fit */

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER; /* one loop, start, stop at a time */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards the two condition variables */
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;   /* a new generation, or quit */
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;   /* the last chunk completed */

/* Under `busy`. */
static unsigned refs, nworkers;
static pthread_t tids[MAX_WORKERS];

static _Atomic uint32_t gen;
static _Atomic uint64_t claim;
static _Atomic size_t completed;
static _Atomic unsigned sleepers;
static atomic_bool quit;
/* The published loop. */
static _Atomic(oclnn__cpu_task) job_fn;
static _Atomic(void *) job_arg;
static _Atomic size_t job_n, job_grain, job_chunks;
static _Atomic unsigned job_team;

static _Thread_local bool in_loop; /* a worker, or a caller running its loop */

static uint64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Claims and runs chunks of generation g as worker w until none is left. */
static void run_chunks(uint32_t g, unsigned w) {
    const oclnn__cpu_task fn = atomic_load_explicit(&job_fn, memory_order_relaxed);
    void *arg = atomic_load_explicit(&job_arg, memory_order_relaxed);
    const size_t n = atomic_load_explicit(&job_n, memory_order_relaxed);
    const size_t grain = atomic_load_explicit(&job_grain, memory_order_relaxed);
    const size_t chunks = atomic_load_explicit(&job_chunks, memory_order_relaxed);
    uint64_t v = atomic_load_explicit(&claim, memory_order_acquire);
    for (;;) {
        const uint32_t front = (uint32_t)v & 0xffffu, back = (uint32_t)v >> 16 & 0xffffu;
        if ((uint32_t)(v >> 32) != g || front == back) return;
        const uint64_t next = w == 0 ? v + 1 : v - ((uint64_t)1 << 16);
        if (!atomic_compare_exchange_weak_explicit(&claim, &v, next, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;
        /* A successful claim means loop g is still running, so the fields read above are its. */
        const size_t i = w == 0 ? front : back - 1, b = i * grain, e = b + grain < n ? b + grain : n;
        fn(arg, b, e, w);
        if (atomic_fetch_add_explicit(&completed, 1, memory_order_acq_rel) + 1 == chunks) {
            pthread_mutex_lock(&lock);
            pthread_cond_signal(&done);
            pthread_mutex_unlock(&lock);
        }
        v = atomic_load_explicit(&claim, memory_order_acquire);
    }
}

static void *worker_main(void *p) {
    const unsigned w = (unsigned)(uintptr_t)p;
    in_loop = true;
#ifdef _OPENMP
    omp_set_num_threads(1); /* an OpenMP BLAS called from a chunk stays on this thread */
#endif
    uint32_t seen = atomic_load(&gen);
    for (;;) {
        uint32_t g = atomic_load_explicit(&gen, memory_order_acquire);
        if (g == seen && !atomic_load(&quit)) {
            const uint64_t t0 = now_us();
            for (unsigned spin = 1;; spin++) {
                CPU_RELAX();
                g = atomic_load_explicit(&gen, memory_order_acquire);
                if (g != seen || atomic_load_explicit(&quit, memory_order_relaxed)) break;
                if (!(spin & 255) && now_us() - t0 > OCLNN__POOL_SPIN_US) break;
            }
        }
        if (g == seen && !atomic_load(&quit)) {
            atomic_fetch_add(&sleepers, 1);
            pthread_mutex_lock(&lock);
            while ((g = atomic_load(&gen)) == seen && !atomic_load(&quit)) pthread_cond_wait(&wake, &lock);
            pthread_mutex_unlock(&lock);
            atomic_fetch_sub(&sleepers, 1);
        }
        if (atomic_load(&quit)) return NULL;
        seen = g;
        if (w < atomic_load_explicit(&job_team, memory_order_relaxed)) run_chunks(g, w);
    }
}

/* Under `busy`: grows the pool to `want` workers (as many as the system gives). */
static void grow(unsigned want) {
    if (want > MAX_WORKERS) want = MAX_WORKERS;
    while (nworkers < want) {
        if (pthread_create(&tids[nworkers], NULL, worker_main, (void *)(uintptr_t)(nworkers + 1)))
            return;
        nworkers++;
    }
}

void oclnn__cpu_pool_retain(void) {
    pthread_mutex_lock(&busy);
    refs++;
    pthread_mutex_unlock(&busy);
}

void oclnn__cpu_pool_release(void) {
    pthread_mutex_lock(&busy);
    if (refs && !--refs && nworkers) {
        atomic_store(&quit, true);
        pthread_mutex_lock(&lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&lock);
        for (unsigned i = 0; i < nworkers; i++) pthread_join(tids[i], NULL);
        nworkers = 0;
        atomic_store(&quit, false);
    }
    pthread_mutex_unlock(&busy);
}

unsigned oclnn__cpu_pool_workers(void) {
    pthread_mutex_lock(&busy);
    unsigned n = nworkers;
    pthread_mutex_unlock(&busy);
    return n;
}

size_t oclnn__cpu_grain(size_t n, size_t per_thread, size_t min_grain) {
    size_t parts = (size_t)oclnn__cpu_threads() * (per_thread ? per_thread : 1);
    size_t g = (n + parts - 1) / parts;
    return g < min_grain ? min_grain : g ? g : 1;
}

/* Runs a whole loop on the calling thread as worker 0. A loop nested in it runs there too, as it
 * would inside a pool loop: a body never sees its inner loop's chunks on other workers, whether
 * its own loop ran alone (one thread, or the pool busy with another user thread's loop) or not. */
static void run_alone(oclnn__cpu_task fn, void *arg, size_t n) {
    const bool outer = in_loop;
    in_loop = true;
    fn(arg, 0, n, 0);
    in_loop = outer;
}

float *oclnn__cpu_worker_scratch(size_t floats, size_t *share) {
    const size_t threads = (size_t)oclnn__cpu_threads();
    size_t bytes;
    if (!floats || floats > SIZE_MAX / sizeof(float) - 16) return NULL;
    *share = (floats + 15) / 16 * 16;
    if (__builtin_mul_overflow(threads, *share * sizeof(float), &bytes)) return NULL;
    return aligned_alloc(64, bytes);
}

void oclnn__cpu_parallel_for(size_t n, size_t grain, oclnn__cpu_task fn, void *arg) {
    if (!n) return;
    if (!grain) grain = 1;
    if ((n - 1) / grain + 1 > MAX_CHUNKS) grain = (n - 1) / MAX_CHUNKS + 1;
    const size_t chunks = (n - 1) / grain + 1;
    size_t team = (size_t)oclnn__cpu_threads();
    if (team > chunks) team = chunks;
    if (team <= 1 || in_loop || pthread_mutex_trylock(&busy)) {
        run_alone(fn, arg, n);
        return;
    }
    if (refs && nworkers < team - 1) grow((unsigned)(team - 1));
    if (!refs || !nworkers) {
        pthread_mutex_unlock(&busy);
        run_alone(fn, arg, n);
        return;
    }
    if (team > nworkers + 1u) team = nworkers + 1u;
#ifdef _OPENMP
    const int omp_saved = omp_get_max_threads();
    omp_set_num_threads(1);
#endif
    in_loop = true;
    atomic_store_explicit(&job_fn, fn, memory_order_relaxed);
    atomic_store_explicit(&job_arg, arg, memory_order_relaxed);
    atomic_store_explicit(&job_n, n, memory_order_relaxed);
    atomic_store_explicit(&job_grain, grain, memory_order_relaxed);
    atomic_store_explicit(&job_chunks, chunks, memory_order_relaxed);
    atomic_store_explicit(&job_team, (unsigned)team, memory_order_relaxed);
    atomic_store_explicit(&completed, 0, memory_order_relaxed);
    const uint32_t g = atomic_load_explicit(&gen, memory_order_relaxed) + 1;
    atomic_store_explicit(&claim, (uint64_t)g << 32 | (uint64_t)chunks << 16, memory_order_release);
    atomic_store(&gen, g); /* seq_cst: pairs with the workers' sleepers increment */
    if (atomic_load(&sleepers)) {
        pthread_mutex_lock(&lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&lock);
    }
    run_chunks(g, 0);
    if (atomic_load_explicit(&completed, memory_order_acquire) != chunks) {
        const uint64_t t0 = now_us();
        for (unsigned spin = 1; atomic_load_explicit(&completed, memory_order_acquire) != chunks; spin++) {
            CPU_RELAX();
            if (!(spin & 255) && now_us() - t0 > OCLNN__POOL_SPIN_US) {
                pthread_mutex_lock(&lock);
                while (atomic_load(&completed) != chunks) pthread_cond_wait(&done, &lock);
                pthread_mutex_unlock(&lock);
                break;
            }
        }
    }
    in_loop = false;
#ifdef _OPENMP
    omp_set_num_threads(omp_saved);
#endif
    pthread_mutex_unlock(&busy);
}
