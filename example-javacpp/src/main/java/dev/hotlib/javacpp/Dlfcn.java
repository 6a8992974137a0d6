package dev.hotlib.javacpp;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FunctionPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP's mapping of {@code <dlfcn.h>}, plus typed views of {@code dlsym} for the function types of
 * hotlib.h. The javacpp Maven plugin compiles it into a JNI library of its own (libjniDlfcn.so) that never
 * links the hot library: each version is only ever dlopen()ed through here, so it can be dlclose()d, while
 * this JNI library is loaded once and stays. (JavaCPP's own {@code Loader.load} and {@code Loader.loadGlobal}
 * keep a library loaded for good, so they cannot reload one.)
 */
@Platform(value = {"linux", "macosx"}, include = {"<dlfcn.h>", "hotlib.h"})
final class Dlfcn {
    static {
        Loader.load();
        // The first call of a JNI method links it, and the JVM's own dlsym() calls for that reset
        // dlerror(): link dlerror now, so that the first failed dlopen() still finds its message.
        dlerror();
    }

    private Dlfcn() {}

    static native @MemberGetter int RTLD_NOW();

    static native @MemberGetter int RTLD_LOCAL();

    /** {@code void *dlopen(const char *file, int mode);} null when it fails: see {@link #dlerror}. */
    static native Pointer dlopen(String file, int mode);

    /** {@code int dlclose(void *handle);} 0 when it worked. */
    static native int dlclose(Pointer handle);

    /** {@code void *dlsym(void *handle, const char *name);} null when {@code handle} does not export {@code name}. */
    static native Pointer dlsym(Pointer handle, String name);

    /** {@code char *dlerror(void);} what the last failed call said, or null. */
    static native String dlerror();

    // A FunctionPointer wraps a C++ struct that holds the function's address, so one built around the raw
    // address from dlsym() would jump into that struct. These return a filled-in wrapper: the C cast in
    // the name is applied to dlsym's result. (The wrapper holds NULL for a missing name: check with dlsym first.)

    /** {@code (int32_t (*)(void)) dlsym(handle, name)} */
    @Name("(int32_t (*)(void))dlsym")
    static native Int32Function dlsymInt32(Pointer handle, String name);

    /** {@code (const char *(*)(void)) dlsym(handle, name)} */
    @Name("(const char *(*)(void))dlsym")
    static native StringFunction dlsymString(Pointer handle, String name);

    /** {@code (void (*)(hotlib_state *)) dlsym(handle, name)} */
    @Name("(void (*)(hotlib_state *))dlsym")
    static native StateFunction dlsymState(Pointer handle, String name);

    /** {@code int32_t (*)(void)}: abi_version, foo and bar. */
    static final class Int32Function extends FunctionPointer {
        static {
            Loader.load();
        }

        native int call();
    }

    /** {@code const char *(*)(void)}: greeting. */
    static final class StringFunction extends FunctionPointer {
        static {
            Loader.load();
        }

        native @Cast("const char *") BytePointer call();
    }

    /** {@code void (*)(hotlib_state *)}: update. */
    static final class StateFunction extends FunctionPointer {
        static {
            Loader.load();
        }

        native void call(JavacppState state);
    }
}
