package dev.hotlib.bench.javacpp;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.javacpp.JavacppLibrary;
import org.bytedeco.javacpp.FunctionPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * A binding of foo() alone on {@link JavacppLibrary}, as JavacppDemo binds it, called two ways: {@link #live}
 * as JavacppDemo calls it (its own check that the version was not unloaded, then the call), and {@link #bare},
 * the call alone. JavacppLibrary frees a version's FunctionPointer wrappers before dlclose(), and JavaCPP's JNI
 * code checks a wrapper's address before each call: a call through a freed one throws NullPointerException, so
 * the target of the call is already pointed at a refusal, and {@link #bare} never jumps into unmapped code.
 */
@Platform(value = "linux", include = {"<dlfcn.h>", "hotlib.h"})
public final class JavacppBare extends JavacppLibrary.Binding {
    static {
        Loader.load();
    }

    /** {@code int32_t (*)(void)}. */
    @Opaque
    public static final class Int32 extends FunctionPointer {
        public native int call();
    }

    @Name("(int32_t (*)(void))dlsym") static native Int32 int32(Pointer handle, String name);

    private final Int32 foo = required("foo", JavacppBare::int32);  // int32_t foo(void);

    private JavacppBare(JavacppLibrary library) throws LoadException {
        super(library);
    }

    public static Guest<JavacppBare> load(LibraryFile file) throws LoadException {
        return JavacppLibrary.load(file, JavacppBare::new);
    }

    /** JavacppDemo's way: {@code live(foo).call()}. */
    public int live() {
        return live(foo).call();
    }

    /** The call alone; after the version is unloaded, JavaCPP throws NullPointerException. */
    public int bare() {
        return foo.call();
    }
}
