package dev.hotlib.core;

import java.nio.file.Path;

/**
 * One version of a library as a backend's loader opened it: ABI-neutral, it knows no function of any library.
 * Each example module has one ({@code FfmLibrary}, {@code JnaLibrary}, {@code JnrLibrary}, {@code JavacppLibrary}):
 * it opens a copy with {@code RTLD_NOW | RTLD_LOCAL}, finds functions by name for a binding, and unloads.
 */
public interface Library {
    /** The file that was dlopen()ed: the version's private copy. */
    Path path();

    /**
     * Whether this version exports {@code symbol} (a binding asks it for the functions it may leave out); a
     * symbol exported as data counts, and a binding's lookup of it as a function is refused
     * ({@link LibraryFile#checkFunction}).
     */
    boolean defines(String symbol);

    /** Unloads this version: dlclose(). The host calls it once, when no pin holds the version any more. */
    void close();

    /**
     * Whether the dynamic loader still has this version after {@link #close}: asked with
     * {@code dlopen(copy, RTLD_NOW | RTLD_NOLOAD)}, which opens nothing. glibc keeps a library whose
     * STB_GNU_UNIQUE symbol, pending thread-local destructor or {@code -z nodelete} pins it, and dlclose()
     * returns 0 all the same.
     */
    boolean stillLoaded();
}
