/*
 * hotlib.h: the ABI between the Java host and the hot-reloadable library (the guest).
 *
 * The single source of truth: the C library, the Rust library and the four Java bindings
 * declare these functions in this order, with these exact names and types. Only foo() is
 * required: a library that exports foo() alone (the classic autoreload sample's) runs, and the
 * example prints "... is not defined" for each function a version leaves out.
 */
#ifndef HOTLIB_H
#define HOTLIB_H

#include <stdint.h>

#define HOTLIB_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {  /* a C++ guest exports the same unmangled names */
#endif

/* Owned by the host: allocated once and passed to update() on every tick, so it survives every reload. */
typedef struct hotlib_state {
    int64_t frame;
    double  value;
} hotlib_state;

int32_t     abi_version(void);            /* optional; when exported, must return HOTLIB_ABI_VERSION (1) */
int32_t     foo(void);                    /* required */
int32_t     bar(void);                    /* optional: a build may not export it */
const char *greeting(void);               /* optional: a static UTF-8 string owned by the library */
void        update(hotlib_state *state);  /* optional: frame += 1, and changes value its own way */

#ifdef __cplusplus
}
#endif

#endif
