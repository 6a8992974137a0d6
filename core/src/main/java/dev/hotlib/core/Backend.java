package dev.hotlib.core;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * An FFI backend: the only part of the program that differs between example-ffm, -jna, -jnr and -javacpp.
 *
 * @param name a short name for messages, such as "FFM"
 * @param newState allocates the host's zeroed {@code hotlib_state}, once per program
 * @param loader loads and binds one version, to be replaced by the next one (watch mode)
 * @param loaderForGood loads and binds the one version of release mode, which nothing replaces: it may bind
 *     into process-wide constants that the JIT folds into each call, so that a call costs what the backend's
 *     static binding costs. A host calls it once, and a second version bound while the first is still loaded
 *     may be refused with a {@link LoadException}. It must still unload the version at {@link Guest#close} if
 *     the backend can, and every call after that must throw {@link IllegalStateException}, never crash.
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public record Backend<S extends HotlibState>(String name, Supplier<S> newState, Loader<S> loader,
                                             Loader<S> loaderForGood) {

    /** A backend that binds release mode's version as it binds any other (tests and benchmarks of watch mode). */
    public Backend(String name, Supplier<S> newState, Loader<S> loader) {
        this(name, newState, loader, loader);
    }

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
