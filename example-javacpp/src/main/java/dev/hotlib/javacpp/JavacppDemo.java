package dev.hotlib.javacpp;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * The demo's binding of c-lib/include/hotlib.h with JavaCPP: a native per C signature that calls a function at an
 * address, and a constant per function, whose address in each version is found as the binding is made. Only
 * {@code foo} is required; a version may lack the others, and the caller asks its pin ({@code pin.defines("bar")})
 * before calling one of them. The javacpp Maven plugin compiles the natives, and {@link JavacppState}'s, into
 * libjniJavacppDemo.so, with hotlib.h for the casts (see {@link JavacppLibrary}).
 */
@Properties(inherit = JavacppLibrary.Dlfcn.class, value = @Platform(include = "hotlib.h"))
public final class JavacppDemo extends JavacppBinding {

    static {
        Loader.load();
    }

    // hotlib.h's signatures: a native calls the function at the address it is given.
    @Name("HOTLIB_CALL") static native int int32(@Cast("int32_t (*)(void)") long f);
    @Name("HOTLIB_CALL") static native @Cast("const char *") BytePointer text(@Cast("const char *(*)(void)") long f);
    @Name("HOTLIB_CALL") static native void onState(@Cast("void (*)(hotlib_state *)") long f, JavacppState state);

    // hotlib.h, in its order: a function is a constant here and a method below.
    private static final Function ABI_VERSION = optional("abi_version");  // int32_t abi_version(void);
    private static final Function FOO = required("foo");                  // int32_t foo(void);
    private static final Function BAR = optional("bar");                  // int32_t bar(void);
    private static final Function GREETING = optional("greeting");        // const char *greeting(void);
    private static final Function UPDATE = optional("update");            // void update(hotlib_state *state);

    public int abiVersion() { return int32(at(ABI_VERSION)); }

    public int foo() { return int32(at(FOO)); }

    public int bar() { return int32(at(BAR)); }

    /** The library's own UTF-8 bytes, copied while this version is mapped; null when C returned NULL. */
    public String greeting() {
        BytePointer text = text(at(GREETING));
        return text == null ? null : text.getString(StandardCharsets.UTF_8);
    }

    /** A freed state would reach C as NULL: it throws {@link IllegalStateException} instead. */
    public void update(JavacppState state) {
        onState(at(UPDATE), state.live());
    }

    private JavacppDemo(JavacppLibrary library) throws LoadException {
        super(library);  // finds the functions above in this version
    }

    /** dlopen()s {@code file} and binds it; refuses it when it lacks {@code foo}, or fails {@link #check}. */
    public static Guest<JavacppDemo> load(LibraryFile file) throws LoadException {
        return JavacppLibrary.load(file, JavacppDemo::new);
    }

    /** Refuses a version whose {@code abi_version()}, when it has one, is not 1. */
    @Override
    protected void check() throws LoadException {
        int abi = defines(ABI_VERSION) ? abiVersion() : 1;
        if (abi != 1) {
            throw new LoadException("abi_version() returned " + abi + ", this host needs 1");
        }
    }
}
