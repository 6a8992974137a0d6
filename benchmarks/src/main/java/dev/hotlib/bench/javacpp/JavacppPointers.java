package dev.hotlib.bench.javacpp;

import dev.hotlib.javacpp.JavacppLibrary;
import java.nio.file.Path;
import org.bytedeco.javacpp.FunctionPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * The other JavaCPP binding of foo(), beside JavacppDemo's address and native per C signature: a
 * {@code FunctionPointer} per function, filled in by a typed dlsym() of its C signature, checked before each call
 * ({@link #foo}), and freed before dlclose() (JavaCPP's own check of a freed wrapper then throws
 * NullPointerException).
 */
@Properties(inherit = JavacppLibrary.Dlfcn.class, value = @Platform(include = "hotlib.h"))
public final class JavacppPointers implements AutoCloseable {
    static {
        Loader.load();
    }

    /** {@code int32_t (*)(void)}; {@code @Opaque}: a call skips reading Pointer.position. */
    @Opaque
    public static final class Int32 extends FunctionPointer {
        public native int call();
    }

    @Name("(int32_t (*)(void))dlsym") static native Int32 int32(Pointer handle, String name);
    @Name("dlopen") static native Pointer open(String file, int mode);
    @Name("dlclose") static native int unref(Pointer handle);

    private final Pointer handle;
    private final Int32 foo;

    /** dlopen()s {@code file} (RTLD_NOW) and wraps its foo(). */
    public JavacppPointers(Path file) {
        handle = open(file.toString(), 0x2);
        foo = int32(handle, "foo");
    }

    /** A FunctionPointer's way: the wrapper checked, then called. */
    public int foo() {
        if (foo.isNull()) {
            throw new IllegalStateException("foo() was unloaded");
        }
        return foo.call();
    }

    @Override
    public void close() {
        foo.deallocate();
        unref(handle);
    }
}
