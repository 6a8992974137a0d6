// Release mode's binding for good (JavacppHotlib.ForGood): hotlib.h's functions called through process-wide
// function pointers, set from one version's dlopen() handle. A static native that calls one is what JavaCPP's
// static binding is, a JNI function that makes a plain C call, but into a library chosen at run time.
// JavaCPP compiles this into libjniJavacppHotlib.so with the rest of JavacppHotlib.Binding: one translation
// unit, so the pointers are static.
#ifndef HOTLIB_FOR_GOOD_H
#define HOTLIB_FOR_GOOD_H

#include <dlfcn.h>
#include <stdexcept>
#include "hotlib.h"

// What the pointers call when no version is bound: a C++ exception, which JavaCPP rethrows as a Java
// RuntimeException. Never a jump into an unmapped library.
static void hotlib_for_good_refuse() {
    throw std::logic_error("no version of the library is bound for good (release mode): it was unloaded");
}
static int32_t hotlib_unbound_int32(void) { hotlib_for_good_refuse(); return 0; }
static const char *hotlib_unbound_text(void) { hotlib_for_good_refuse(); return NULL; }
static void hotlib_unbound_update(hotlib_state *) { hotlib_for_good_refuse(); }

static int32_t (*hotlib_for_good_abi_version)(void) = hotlib_unbound_int32;  // int32_t abi_version(void);
static int32_t (*hotlib_for_good_foo)(void) = hotlib_unbound_int32;          // int32_t foo(void);
static int32_t (*hotlib_for_good_bar)(void) = hotlib_unbound_int32;          // int32_t bar(void);
static const char *(*hotlib_for_good_greeting)(void) = hotlib_unbound_text;  // const char *greeting(void);
static void (*hotlib_for_good_update)(hotlib_state *) = hotlib_unbound_update; // void update(hotlib_state *);

// Points every function at the library's, or back at the refusal when it lacks one (bar is optional). The
// caller checked the required symbols, and pins the library until hotlib_for_good_unbind().
static void hotlib_for_good_bind(void *library) {
    void *f;
    hotlib_for_good_abi_version = (f = dlsym(library, "abi_version")) ? (int32_t (*)(void))f : hotlib_unbound_int32;
    hotlib_for_good_foo = (f = dlsym(library, "foo")) ? (int32_t (*)(void))f : hotlib_unbound_int32;
    hotlib_for_good_bar = (f = dlsym(library, "bar")) ? (int32_t (*)(void))f : hotlib_unbound_int32;
    hotlib_for_good_greeting = (f = dlsym(library, "greeting")) ? (const char *(*)(void))f : hotlib_unbound_text;
    hotlib_for_good_update = (f = dlsym(library, "update")) ? (void (*)(hotlib_state *))f : hotlib_unbound_update;
}

// Points every function back at the refusal: called before the version is dlclose()d.
static void hotlib_for_good_unbind(void) {
    hotlib_for_good_abi_version = hotlib_unbound_int32;
    hotlib_for_good_foo = hotlib_unbound_int32;
    hotlib_for_good_bar = hotlib_unbound_int32;
    hotlib_for_good_greeting = hotlib_unbound_text;
    hotlib_for_good_update = hotlib_unbound_update;
}

#endif
