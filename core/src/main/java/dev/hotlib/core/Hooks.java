package dev.hotlib.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What the host program is told about the versions, like dynamic_reload's callbacks and cr.h's load and
 * unload steps. Every method runs on the thread that calls {@link Host#reloadIfChanged()} or {@link Host#close()}.
 */
public interface Hooks {
    /**
     * The watched file is not there: not yet ({@code running} is empty), or not any more. Told once until
     * the file is back.
     */
    default void waitingForLibrary(Path file, Optional<Version> running) {}

    /** The new version is loaded and bound; the old one (empty on the first load) still answers until this returns. */
    default void beforeSwap(Optional<Version> old, Version next) {}

    /**
     * The new version now answers every new pin. The old one, if any, was unloaded at once if no pin held it,
     * else is unloaded when its last pin is closed ({@link #unloaded}). {@code took} says where the time went.
     */
    default void afterSwap(Optional<Version> old, Version current, SwapTimes took) {}

    /**
     * A new file was not loaded, or something that must not be loaded is where the file was (a directory,
     * a dangling link, a file other users can write); told once per problem. {@code running} keeps answering.
     */
    default void refused(Path file, String reason, Optional<Version> running) {}

    /**
     * Release mode found no version to load at start: the file is not there, or it was refused. Release mode
     * loads once and never watches, so nothing will come: the program should end, saying {@code reason}.
     */
    default void releaseModeCannotStart(Path file, String reason) {}

    /** Something about a version that loaded, worth knowing (it may never unload, for example). */
    default void warning(Version version, String warning) {}

    /**
     * An old version was dlclose()d. {@code stillLoaded} is what the loader said afterwards: true when it kept
     * the library mapped all the same ({@code likelyCause} then says why and how to fix it).
     */
    default void unloaded(Version old, boolean stillLoaded, String likelyCause) {}

    /** Unloading an old version failed; the loop goes on, and the version may stay mapped. */
    default void unloadFailed(Version old, Throwable failure) {}

    /**
     * An old version is still pinned, so it stays mapped: {@code pins} pins, the oldest taken before
     * {@code since} (when it stopped being current). Told once per version.
     */
    default void pinnedTooLong(Version old, int pins, Instant since) {}

    /** Closing a state the host was handed ({@link Host#own}) threw; the close goes on. */
    default void stateCloseFailed(AutoCloseable state, Throwable failure) {}

    /** Pins on {@code version} were dropped without being closed; the host lets go of each once its thread ends or
     * takes its next pin. */
    default void pinsLeaked(Version version, int pins) {}
}
