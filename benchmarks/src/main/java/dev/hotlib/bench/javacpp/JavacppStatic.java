package dev.hotlib.bench.javacpp;

import dev.hotlib.bench.Libs;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP's static binding of hotlib.h, the baseline of JavacppCalls: the javacpp plugin of this module
 * compiles a JNI library that links libhotlib_c.so at build time (link = "hotlib_c"), as JavaCPP presets do;
 * each native below is a direct C call. The library it links is found at run time by its soname
 * (libhotlib.so), so it is loaded first, by path.
 */
@Platform(value = "linux", cinclude = "hotlib.h", link = "hotlib_c") // cinclude: hotlib.h is C, extern "C"
public final class JavacppStatic {
    static {
        System.load(Libs.library("c").toString());
        Loader.load();
    }

    private JavacppStatic() {}

    public static native int foo();                                       // int32_t foo(void);

    public static native @Cast("const char *") BytePointer greeting();    // const char *greeting(void);

    public static native void update(@Cast("hotlib_state *") Pointer state);  // void update(hotlib_state *state);
}
