package dev.hotlib.jnr;

import dev.hotlib.core.Guest;
import java.util.OptionalInt;
import jnr.ffi.annotations.Encoding;

/**
 * One loaded version: the implementation of {@link Hotlib} that jnr-ffi generated for it. jnr-ffi cannot
 * unload a library, and the jffi under it never dlclose()s one (see {@link #close}): every version stays
 * mapped until the JVM exits, so even a stale binding would still find its code.
 */
final class JnrGuest implements Guest<JnrState> {
    /** hotlib.h as jnr-ffi maps it: one method per function, named as in C. Public: jnr-ffi implements it. */
    public interface Hotlib {
        int abi_version();                     // int32_t     abi_version(void);
        int foo();                             // int32_t     foo(void);
        int bar();                             // int32_t     bar(void);  (optional)
        @Encoding("UTF-8") String greeting();  // const char *greeting(void);
        void update(JnrState state);           // void        update(hotlib_state *state);
    }

    private Hotlib library;                    // null once closed
    private final boolean hasBar;

    JnrGuest(Hotlib library, boolean hasBar) {
        this.library = library;
        this.hasBar = hasBar;
    }

    @Override
    public int abiVersion() {
        return library.abi_version();
    }

    @Override
    public int foo() {
        return library.foo();
    }

    /** jnr-ffi binds a missing bar() to a method that throws: it is only called when the version exports it. */
    @Override
    public OptionalInt bar() {
        return hasBar ? OptionalInt.of(library.bar()) : OptionalInt.empty();
    }

    /** jnr-ffi copies the returned C string into a Java string before the call returns. */
    @Override
    public String greeting() {
        return library.greeting();
    }

    /** jnr-ffi passes the struct as the address of its native memory. */
    @Override
    public void update(JnrState state) {
        library.update(state);
    }

    /**
     * Drops the binding, so the garbage collector can free the class jnr-ffi generated for it. The library stays
     * mapped: jnr-ffi has no unload, and jffi 1.4.3 registers a Cleaner action that holds the very Library it
     * should dlclose(), so that Library never becomes unreachable and is never closed.
     */
    @Override
    public void close() {
        library = null;
    }
}
