/* SPDX-License-Identifier: MIT */
/* Evidence for docs/RELIABILITY.md ("Heap corruption at exit"), no oclnn or CLBlast involved:
 * Oclgrind 21.10 corrupts its heap when a program whose context was already released is released
 * from an exit handler, as CLBlast's program cache does. Build and run:
 *   gcc -O1 tools/oclgrind_exit_repro.c -o /tmp/repro -lOpenCL
 *   LD_PRELOAD=$(dpkg -L oclgrind | grep '/liboclgrind-rt.so$') /tmp/repro        # aborts
 *   KEEP_CONTEXT=1 LD_PRELOAD=... /tmp/repro                                       # clean
 *   NO_EXIT_RELEASE=1 LD_PRELOAD=... /tmp/repro                                    # clean */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>

static cl_program held;

static void release_held(void) {
    if (!getenv("NO_EXIT_RELEASE")) clReleaseProgram(held);
}

static cl_program build(cl_context c, cl_device_id d, const char *src) {
    cl_int e;
    cl_program p = clCreateProgramWithSource(c, 1, &src, NULL, &e);
    clBuildProgram(p, 1, &d, "", NULL, NULL);
    return p;
}

int main(void) {
    cl_platform_id p;
    cl_device_id d;
    cl_int e;
    clGetPlatformIDs(1, &p, NULL);
    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &d, NULL);
    cl_context c = clCreateContext(NULL, 1, &d, NULL, NULL, &e);
    cl_program first = build(c, d, "kernel void a(global float *x) { x[0] = 1.0f; }");
    held = build(c, d, "kernel void k(global float *x) { x[get_global_id(0)] *= 2.0f; }");
    atexit(release_held);
    clReleaseProgram(first);
    if (!getenv("KEEP_CONTEXT")) clReleaseContext(c);
    printf("main returns\n");
    return 0;
}
