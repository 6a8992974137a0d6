package dev.hotlib.core;

import java.nio.file.Path;

/**
 * One version of the library the host has loaded.
 *
 * @param number 1 for the first version loaded, then 2, 3, ...
 * @param source the watched file it came from
 * @param copy the private shadow copy it was loaded from
 * @param sha256 the digest of its bytes, to tell a real change from a relink that changed nothing
 */
public record Version(int number, Path source, Path copy, String sha256) {}
