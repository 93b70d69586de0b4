/* SPDX-License-Identifier: MIT */
/* dlopen() of CLBlast, once per process, and the one routine oclnn uses (SGEMM). The enum values
 * are CLBlast's C API (clblast_c.h): they are part of its ABI. */
#include "opencl/clblast.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "core/log.h"

enum { CLBLAST_ROW_MAJOR = 101, CLBLAST_NO_TRANSPOSE = 111, CLBLAST_TRANSPOSE = 112 };

typedef int (*sgemm_fn)(int layout, int a_transpose, int b_transpose, size_t m, size_t n, size_t k,
                        float alpha, cl_mem a, size_t a_offset, size_t a_ld, cl_mem b,
                        size_t b_offset, size_t b_ld, float beta, cl_mem c, size_t c_offset,
                        size_t c_ld, cl_command_queue *queue, cl_event *event);

static sgemm_fn sgemm;
static once_flag once = ONCE_FLAG_INIT;

static void load(void) {
    const char *name = getenv("OCLNN_CLBLAST_LIBRARY");
    if (!name || !*name) name = "libclblast.so.1";
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    void *sym = library ? dlsym(library, "CLBlastSgemm") : NULL;
    if (sym) memcpy(&sgemm, &sym, sizeof sgemm); /* kept open for the process's lifetime */
    else if (library) dlclose(library);
    oclnn__log(OCLNN__LOG_INFO, "CLBlast: %s", sym ? name : "not available");
}

bool oclnn__clblast_available(void) {
    call_once(&once, load);
    return sgemm != NULL;
}

int oclnn__clblast_sgemm(cl_command_queue queue, bool b_transposed, size_t m, size_t n, size_t k,
                         cl_mem a, size_t a_off, size_t lda, cl_mem b, size_t b_off, size_t ldb,
                         cl_mem c, size_t c_off, size_t ldc, cl_event *event) {
    if (!oclnn__clblast_available()) return -1;
    return sgemm(CLBLAST_ROW_MAJOR, CLBLAST_NO_TRANSPOSE,
                 b_transposed ? CLBLAST_TRANSPOSE : CLBLAST_NO_TRANSPOSE, m, n, k, 1.0f, a, a_off,
                 lda, b, b_off, ldb, 0.0f, c, c_off, ldc, &queue, event);
}
