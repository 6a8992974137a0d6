package dev.hotlib.core;

import java.util.OptionalInt;

/**
 * One loaded version of the library, its symbols bound (cr.h calls it the guest). The methods follow the
 * ABI header's order. Closing it unloads that version: after close, none of its methods may be called,
 * which {@link Host} guarantees.
 *
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public interface Guest<S extends HotlibState> extends AutoCloseable {
    /** {@code int32_t abi_version(void);} */
    int abiVersion();

    /** {@code int32_t foo(void);} */
    int foo();

    /** {@code int32_t bar(void);} empty when this version does not export bar. */
    OptionalInt bar();

    /** {@code const char *greeting(void);} copied into a Java string while this version is loaded. */
    String greeting();

    /** {@code void update(hotlib_state *state);} */
    void update(S state);

    /** Unloads this version. */
    @Override
    void close();
}
