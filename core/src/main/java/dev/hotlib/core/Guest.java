package dev.hotlib.core;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One loaded version of the library, its symbols bound (cr.h calls it the guest). A backend implements it;
 * callers reach it only through a {@link Pin}, which keeps the version loaded while they call it. The calls
 * follow the ABI header's order.
 *
 * <p>The one policy after {@link #close}, the same in all four backends: every call throws
 * {@link IllegalStateException}, and none jumps into unmapped code.
 *
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public interface Guest<S extends HotlibState> {
    /** {@code int32_t abi_version(void);} */
    int abiVersion();

    /** {@code int32_t foo(void);} */
    int foo();

    /** {@code int32_t bar(void);} empty when this version does not export bar. */
    OptionalInt bar();

    /** {@code const char *greeting(void);} copied into a Java string; empty when it returned NULL. */
    Optional<String> greeting();

    /** {@code void update(hotlib_state *state);} */
    void update(S state);

    /** Unloads this version: dlclose(). The host calls it once, when no pin holds the version any more. */
    void close();

    /**
     * Whether the dynamic loader still has this version after {@link #close}: asked with
     * {@code dlopen(copy, RTLD_NOW | RTLD_NOLOAD)}, which opens nothing. glibc keeps a library whose
     * STB_GNU_UNIQUE symbol or pending thread-local destructor pins it, and dlclose() returns 0 all the same.
     */
    boolean stillLoaded();
}
