package dev.hotlib.jna;

import com.sun.jna.Function;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;

/**
 * The demo's binding of c-lib/include/hotlib.h with JNA: each function a {@link Function} of one version, looked
 * up at load and called through the invoke method of its return type. Only {@code foo} is required; a function
 * the version does not export is null, and is called only when the version {@code defines} it.
 *
 * <p>Not JNA's interface mapping ({@code Native.load} of an interface), which makes every call through a dynamic
 * proxy and reflection, and holds its library for the proxy's life; the benchmarks compare the two
 * (JnaDesigns, docs/performance.md). JNA returns int32_t as an int, a const char * as a String decoded and copied before the call
 * returns (NULL as null), and passes hotlib_state * as the memory of a {@link JnaState}.
 */
public final class JnaDemo extends JnaBinding {
    private static final Object[] NONE = {};

    private final Function abiVersion = optional("abi_version");  // int32_t abi_version(void);
    private final Function foo = required("foo");                 // int32_t foo(void);
    private final Function bar = optional("bar");                 // int32_t bar(void);
    private final Function greeting = optional("greeting");       // const char *greeting(void);
    private final Function update = optional("update");           // void update(hotlib_state *state);

    private JnaDemo(JnaLibrary library) throws LoadException {
        super(library);
    }

    /** Loads and binds one version: refused without {@code foo}, or when abi_version() is not 1. */
    public static Guest<JnaDemo> load(LibraryFile file) throws LoadException {
        return JnaLibrary.bind(file, JnaDemo::new);
    }

    @Override
    protected void probe() throws LoadException {
        int version = abiVersion == null ? 1 : abiVersion();
        if (version != 1) {
            throw new LoadException("abi_version() returned " + version + ", this host needs 1");
        }
    }

    public int abiVersion() {
        return live(abiVersion).invokeInt(NONE);
    }

    public int foo() {
        return live(foo).invokeInt(NONE);
    }

    public int bar() {
        return live(bar).invokeInt(NONE);
    }

    /** The greeting, or null for NULL. */
    public String greeting() {
        return live(greeting).invokeString(NONE, false);
    }

    public void update(JnaState state) {
        live(update).invokeVoid(new Object[] {state.pointer()});
    }
}
