package dev.hotlib.core;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One version of the library the host has loaded.
 *
 * @param number 1 for the first version loaded, then 2, 3, ...
 * @param source the watched file it came from
 * @param copy the private shadow copy it was loaded from; empty in release mode, which loads the file itself
 */
public record Version(int number, Path source, Optional<Path> copy) {

    /** The file that was dlopen()ed: the private copy, or in release mode the file itself. */
    public Path loadedFrom() {
        return copy.orElse(source);
    }

    /** Whether this version was loaded in release mode: from its own path, never watched or replaced. */
    public boolean release() {
        return copy.isEmpty();
    }
}
