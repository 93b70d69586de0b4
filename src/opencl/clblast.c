/* SPDX-License-Identifier: MIT */
/* dlopen'd CLBlast (see clblast.h). CLBlast links the ICD loader itself; both go through the
 * same loader, so our cl_mem and cl_command_queue handles are valid for it. */
#include "opencl/clblast.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "core/log.h"

enum { CLBLAST_ROW_MAJOR = 101, CLBLAST_NO_TRANSPOSE = 111 };
typedef int (*clblast_sgemm_fn)(int layout, int ta, int tb, size_t m, size_t n, size_t k,
                                float alpha, cl_mem a, size_t a_off, size_t lda, cl_mem b,
                                size_t b_off, size_t ldb, float beta, cl_mem c, size_t c_off,
                                size_t ldc, cl_command_queue *queue, cl_event *event);

static once_flag once = ONCE_FLAG_INIT;
static clblast_sgemm_fn sgemm_fn;

static void load(void) {
    const char *name = getenv("OCLNN_CLBLAST_LIBRARY");
    if (!name || !*name) name = "libclblast.so.1";
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    void *sym = h ? dlsym(h, "CLBlastSgemm") : NULL;
    if (sym) memcpy(&sgemm_fn, &sym, sizeof sgemm_fn);
    oclnn__log(OCLNN__LOG_INFO, "CLBlast: %s", sym ? name : "not available");
}

bool oclnn__clblast_available(void) {
    call_once(&once, load);
    return sgemm_fn != NULL;
}

oclnn_status oclnn__clblast_sgemm(cl_command_queue queue, size_t m, size_t n, size_t k, cl_mem a,
                                  size_t a_off, size_t lda, cl_mem b, size_t b_off, size_t ldb,
                                  cl_mem c, size_t c_off, size_t ldc) {
    if (!oclnn__clblast_available())
        return oclnn__fail(OCLNN_ERROR_UNSUPPORTED, "libclblast.so.1 could not be loaded");
    int st = sgemm_fn(CLBLAST_ROW_MAJOR, CLBLAST_NO_TRANSPOSE, CLBLAST_NO_TRANSPOSE, m, n, k, 1.0f,
                      a, a_off, lda, b, b_off, ldb, 0.0f, c, c_off, ldc, &queue, NULL);
    if (st != 0)
        return oclnn__fail(OCLNN_ERROR_DEVICE, "CLBlastSgemm(%zu x %zu x %zu) failed with status %d",
                           m, n, k, st);
    return OCLNN_OK;
}
