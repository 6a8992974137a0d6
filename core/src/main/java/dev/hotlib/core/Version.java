package dev.hotlib.core;

import java.nio.file.Path;

/**
 * One version of the library the host has loaded.
 *
 * @param number 1 for the first version loaded, then 2, 3, ...
 * @param source the watched file it came from
 * @param copy the private shadow copy it was loaded from
 * @param releaseMode whether it was loaded in release mode: once, never watched or replaced
 */
public record Version(int number, Path source, Path copy, boolean releaseMode) {}
