package dev.hotlib.core;

/**
 * Loads and binds one version: a backend's loader opens the file and the user's binding finds its functions.
 * Written once per backend and library, it serves watch mode and release mode alike, e.g.
 * {@code FfmDemo::load}.
 *
 * @param <B> the binding's type
 */
@FunctionalInterface
public interface Loader<B> {
    /**
     * dlopen()s {@code file} with RTLD_NOW (every reference resolved now, not at a call) and binds what the
     * binding needs; runs any probe the binding declares (an ABI version check, say). Must not leave the
     * library loaded when it throws.
     *
     * @throws LoadException when the file cannot be loaded, lacks a function the binding requires, exports one
     *     of them as data, or fails the binding's probe; the message says why, for the user, in one line
     */
    Guest<B> load(LibraryFile file) throws LoadException;
}
