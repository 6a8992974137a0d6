package dev.hotlib.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Hooks that remember every event, for the suite's assertions. */
public final class RecordingHooks implements Hooks {
    public final List<String> waiting = new CopyOnWriteArrayList<>();
    public final List<Version> swapped = new CopyOnWriteArrayList<>();
    public final List<String> refused = new CopyOnWriteArrayList<>();
    public final List<String> order = new CopyOnWriteArrayList<>();

    @Override
    public void waitingForLibrary(Path file, String buildHint, Optional<Version> running) {
        waiting.add(file.toString());
        order.add("waiting");
    }

    @Override
    public void beforeSwap(Optional<Version> old, Version next) {
        order.add("before " + old.map(Version::number).orElse(0) + " -> " + next.number());
    }

    @Override
    public void afterSwap(Optional<Version> old, Version current, Duration took) {
        swapped.add(current);
        order.add("after " + old.map(Version::number).orElse(0) + " -> " + current.number());
    }

    @Override
    public void refused(Path file, String reason, Optional<Version> running) {
        refused.add(reason);
        order.add("refused");
    }
}
