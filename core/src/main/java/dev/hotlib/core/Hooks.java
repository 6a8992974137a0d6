package dev.hotlib.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the host program is told around a swap, like dynamic_reload's callbacks and cr.h's load and unload
 * steps. All methods run on the thread that calls {@link Host#reloadIfChanged()}.
 */
public interface Hooks {
    /**
     * The watched file is not there: not yet ({@code running} is empty), or not any more. Told once until
     * the file is back. {@code buildHint} is the command that builds it, or empty.
     */
    default void waitingForLibrary(Path file, String buildHint, Optional<Version> running) {}

    /** The new version is loaded and bound; the old one (empty on the first load) still runs until this returns. */
    default void beforeSwap(Optional<Version> old, Version next) {}

    /** The new version now answers every call; the old one, if any, has been unloaded. */
    default void afterSwap(Optional<Version> old, Version current, Duration took) {}

    /**
     * A new file was not loaded, or something that must not be loaded is where the file was (a directory,
     * a dangling link, a file other users can write); told once per problem. {@code running} keeps answering.
     */
    default void refused(Path file, String reason, Optional<Version> running) {}
}
