package dev.hotlib.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Hooks that remember every event, for the suite's assertions. */
public final class RecordingHooks implements Hooks {
    public final List<String> waiting = new CopyOnWriteArrayList<>();
    public final List<Version> swapped = new CopyOnWriteArrayList<>();
    public final List<SwapTimes> times = new CopyOnWriteArrayList<>();
    public final List<String> refused = new CopyOnWriteArrayList<>();
    public final List<String> warnings = new CopyOnWriteArrayList<>();
    /** The versions unloaded, in order; {@link #stillLoaded} those the loader kept all the same. */
    public final List<Integer> unloaded = new CopyOnWriteArrayList<>();
    public final List<Integer> stillLoaded = new CopyOnWriteArrayList<>();
    public final List<String> unloadFailed = new CopyOnWriteArrayList<>();
    public final List<String> pinned = new CopyOnWriteArrayList<>();
    public final List<String> leaked = new CopyOnWriteArrayList<>();
    public final List<String> order = new CopyOnWriteArrayList<>();
    public final List<String> cannotStart = new CopyOnWriteArrayList<>();
    /** How many times the host called the backend's loader (dlopen): a file refused before dlopen leaves it. */
    public final java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void waitingForLibrary(Path file, Optional<Version> running) {
        waiting.add(file.toString());
        order.add("waiting");
    }

    @Override
    public void beforeSwap(Optional<Version> old, Version next) {
        order.add("before " + old.map(Version::number).orElse(0) + " -> " + next.number());
    }

    @Override
    public void afterSwap(Optional<Version> old, Version current, SwapTimes took) {
        swapped.add(current);
        times.add(took);
        order.add("after " + old.map(Version::number).orElse(0) + " -> " + current.number());
    }

    @Override
    public void refused(Path file, String reason, Optional<Version> running) {
        refused.add(reason);
        order.add("refused");
    }

    @Override
    public void releaseModeCannotStart(Path file, String reason) {
        cannotStart.add(reason);
    }

    @Override
    public void warning(Version version, String warning) {
        warnings.add(warning);
    }

    @Override
    public void unloaded(Version old, boolean stillLoaded, String likelyCause) {
        unloaded.add(old.number());
        if (stillLoaded) {
            this.stillLoaded.add(old.number());
        }
    }

    @Override
    public void unloadFailed(Version old, Throwable failure) {
        unloadFailed.add(old.number() + ": " + failure.getMessage());
    }

    @Override
    public void pinnedTooLong(Version old, int pins, Instant since) {
        pinned.add(old.number() + ": " + pins);
    }

    @Override
    public void pinsLeaked(Version version, int pins) {
        leaked.add(version.number() + ": " + pins);
    }
}
