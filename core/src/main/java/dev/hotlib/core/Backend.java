package dev.hotlib.core;

import java.nio.file.Path;

/**
 * An FFI backend: the only part of the program that differs between example-ffm, -jna, -jnr and -javacpp.
 *
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public interface Backend<S extends HotlibState> {
    /** A short name for messages, such as "FFM". */
    String name();

    /** Allocates the host's zeroed {@code hotlib_state}, once per program. */
    S newState();

    /**
     * Loads the library file {@code copy} (a private shadow copy, never the watched file) and binds its
     * symbols. Must not leave the library loaded when it throws.
     *
     * @throws LoadException when the file cannot be loaded or lacks one of {@link Abi#REQUIRED_SYMBOLS};
     *     the message says why, for the user
     */
    Guest<S> load(Path copy) throws LoadException;
}
