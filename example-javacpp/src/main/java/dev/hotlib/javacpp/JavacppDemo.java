package dev.hotlib.javacpp;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FunctionPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * The demo's binding of c-lib/include/hotlib.h with JavaCPP: a FunctionPointer per function, taken from one
 * version by a typed dlsym() of its C signature. Only {@code foo} is required; a version's functions throw
 * {@link IllegalStateException} once it is unloaded. The javacpp Maven plugin compiles its natives, and
 * {@link JavacppState}'s, into libjniJavacppDemo.so, with hotlib.h for the casts (see {@link JavacppLibrary}).
 */
@Properties(inherit = JavacppLibrary.Dlfcn.class, value = @Platform(include = "hotlib.h"))
public final class JavacppDemo extends JavacppLibrary.Binding {

    static {
        Loader.load();
    }

    // 1. A FunctionPointer type per C signature, and its typed dlsym(). @Opaque: a call then skips reading
    //    Pointer.position, which a wrapper of one function never uses.
    @Opaque
    static final class Int32 extends FunctionPointer {                // int32_t (*)(void)
        native int call();
    }

    @Opaque
    static final class Text extends FunctionPointer {                 // const char *(*)(void)
        native @Cast("const char *") BytePointer call();
    }

    @Opaque
    static final class OnState extends FunctionPointer {              // void (*)(hotlib_state *)
        native void call(JavacppState state);
    }

    @Name("(int32_t (*)(void))dlsym") static native Int32 int32(Pointer handle, String name);
    @Name("(const char *(*)(void))dlsym") static native Text text(Pointer handle, String name);
    @Name("(void (*)(hotlib_state *))dlsym") static native OnState onState(Pointer handle, String name);

    // 2. hotlib.h's functions, in its order: each bound as the binding is made, null when optional and absent.
    private final Int32 abiVersion = optional("abi_version", JavacppDemo::int32);  // int32_t abi_version(void);
    private final Int32 foo = required("foo", JavacppDemo::int32);                  // int32_t foo(void);
    private final Int32 bar = optional("bar", JavacppDemo::int32);                  // int32_t bar(void);
    private final Text greeting = optional("greeting", JavacppDemo::text);         // const char *greeting(void);
    private final OnState update = optional("update", JavacppDemo::onState);       // void update(hotlib_state *state);

    private JavacppDemo(JavacppLibrary library) throws LoadException {
        super(library);
    }

    /** dlopen()s {@code file} and binds it; refuses it when it lacks {@code foo}, or fails {@link #check}. */
    public static Guest<JavacppDemo> load(LibraryFile file) throws LoadException {
        return JavacppLibrary.load(file, JavacppDemo::new);
    }

    /** Refuses a version whose {@code abi_version()}, when it has one, is not 1. */
    @Override
    protected void check() throws LoadException {
        if (abiVersion != null && abiVersion() != 1) {
            throw new LoadException("abi_version() returned " + abiVersion() + ", this host needs 1");
        }
    }

    // 3. The calls: each a plain call into this version.

    public int abiVersion() { return live(abiVersion).call(); }

    public int foo() { return live(foo).call(); }

    public int bar() { return live(bar).call(); }

    /** The library's own UTF-8 bytes, copied while this version is mapped; null when C returned NULL. */
    public String greeting() {
        BytePointer text = live(greeting).call();
        return text == null ? null : text.getString(StandardCharsets.UTF_8);
    }

    /** A freed state would reach C as NULL: it throws {@link IllegalStateException} instead. */
    public void update(JavacppState state) {
        live(update).call(state.live());
    }
}
