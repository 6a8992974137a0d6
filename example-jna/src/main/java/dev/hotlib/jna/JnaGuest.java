package dev.hotlib.jna;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import dev.hotlib.core.Guest;
import java.util.OptionalInt;

/**
 * One loaded version: a JNA interface proxy over this version's library. JNA binds each method lazily, on
 * its first call, which is why {@link JnaBackend#load} probes every symbol before handing a guest out.
 *
 * <p>Calling a JNA proxy after its {@link NativeLibrary} was closed jumps into unmapped code (SIGSEGV), so
 * every call first checks that this version is still open and throws {@link IllegalStateException}
 * otherwise. {@link dev.hotlib.core.Host} never does it; the check turns a crash into an exception if
 * anything else ever did.
 */
final class JnaGuest implements Guest<JnaState> {

    /**
     * The ABI of c-lib/include/hotlib.h, in the header's order. JNA maps {@code int32_t} to {@code int}, a
     * {@code const char *} return to {@code String} and a {@code Structure} argument to a pointer to it.
     */
    interface HotlibLibrary extends Library {
        /** {@code int32_t abi_version(void);} */
        int abi_version();

        /** {@code int32_t foo(void);} */
        int foo();

        /** {@code int32_t bar(void);} optional: only called when the load-time probe found it. */
        int bar();

        /**
         * {@code const char *greeting(void);} The string is static and owned by the library, so the JNA FAQ's
         * mapping for a returned C string applies: {@code String}, which JNA copies into the Java heap (in the
         * library's string encoding, UTF-8 here) before the call returns. {@code Pointer} is what the FAQ
         * keeps for strings the caller must free, which this one is not.
         */
        String greeting();

        /** {@code void update(hotlib_state *state);} A Structure argument is passed by reference. */
        void update(JnaState state);
    }

    private final HotlibLibrary library;
    private final NativeLibrary nativeLibrary;
    private final boolean hasBar;
    private volatile boolean closed;

    JnaGuest(HotlibLibrary library, NativeLibrary nativeLibrary, boolean hasBar) {
        this.library = library;
        this.nativeLibrary = nativeLibrary;
        this.hasBar = hasBar;
    }

    @Override
    public int abiVersion() {
        checkOpen();
        return library.abi_version();
    }

    @Override
    public int foo() {
        checkOpen();
        return library.foo();
    }

    @Override
    public OptionalInt bar() {
        checkOpen();
        return hasBar ? OptionalInt.of(library.bar()) : OptionalInt.empty();
    }

    @Override
    public String greeting() {
        checkOpen();
        return library.greeting();
    }

    @Override
    public void update(JnaState state) {
        checkOpen();
        state.checkOpen();
        library.update(state); // JNA passes state.getPointer(), then auto-reads the struct back
    }

    /**
     * dlclose()s this version: closes the {@link NativeLibrary} behind the proxy, the very object
     * {@code Native.load} opened (and drops it from JNA's cache of libraries).
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            nativeLibrary.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this version of the library was unloaded");
        }
    }
}
