package dev.hotlib.core;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * An FFI backend: the only part of the program that differs between example-ffm, -jna, -jnr and -javacpp.
 *
 * @param name a short name for messages, such as "FFM"
 * @param newState allocates the host's zeroed {@code hotlib_state}, once per program
 * @param loader loads and binds one version
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public record Backend<S extends HotlibState>(String name, Supplier<S> newState, Loader<S> loader) {

    /** Loads one version of the library. */
    @FunctionalInterface
    public interface Loader<S extends HotlibState> {
        /**
         * dlopen()s {@code file} with RTLD_NOW (every reference resolved now, not at a call) and binds its
         * symbols. Must not leave the library loaded when it throws.
         *
         * @throws LoadException when the file cannot be loaded or lacks one of {@link Abi#REQUIRED_SYMBOLS};
         *     the message says why, for the user
         */
        Guest<S> load(Path file) throws LoadException;
    }
}
