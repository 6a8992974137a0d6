package dev.hotlib.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Everything between a settled file and dlopen: the private copy, and the checks that refuse a file the
 * loader would crash on. Never throws for a bad file: that is a {@link Refused}.
 */
final class Preparer implements AutoCloseable {
    /** What became of a settled file. */
    sealed interface Prepared permits Ready, Unchanged, Refused {}

    /** Ready for dlopen: {@code file} is what to load, {@code warnings} what to tell once it is loaded. */
    record Ready(Path file, List<String> warnings) implements Prepared {}

    /** The same bytes as the running version (touch, a relink that changed nothing): nothing to load. */
    record Unchanged() implements Prepared {}

    /** Must not be loaded; {@code reason} says why, for the user. */
    record Refused(String reason) implements Prepared {}

    private final ShadowCopies copies;  // null in release mode

    private Preparer(ShadowCopies copies) {
        this.copies = copies;
    }

    /** Watch mode: each version is loaded from a fresh private copy in a folder under {@code shadowParent}. */
    static Preparer withShadowCopies(Path shadowParent) {
        try {
            return new Preparer(new ShadowCopies(shadowParent));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Release mode: the file is checked and loaded from its own path. */
    static Preparer inPlace() {
        return new Preparer(null);
    }

    Optional<Path> shadowDirectory() {
        return Optional.ofNullable(copies).map(ShadowCopies::dir);
    }

    /** Copies and checks {@code source}, to be version {@code number}; {@code running} is the current one. */
    Prepared prepare(Path source, int number, Optional<Version> running) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(source);
        } catch (IOException | OutOfMemoryError e) {
            return new Refused("it cannot be read (" + e + ")");
        }
        if (bytes.length == 0) {
            return new Refused("it is empty");
        }
        Optional<String> unsafe = ElfCheck.problem(bytes);
        if (unsafe.isPresent()) {
            return new Refused(unsafe.get());
        }
        if (copies == null) {
            return new Ready(source, List.of());
        }
        try {
            if (running.isPresent() && running.get().copy().isPresent()
                    && Arrays.equals(bytes, Files.readAllBytes(running.get().copy().get()))) {
                return new Unchanged();
            }
            return new Ready(copies.write(bytes, source.getFileName().toString(), number), List.of());
        } catch (IOException e) {
            return new Refused("its private copy could not be written (" + e + ")");
        }
    }

    /** Deletes what was written for a version that is unloaded or was refused. */
    void discard(Path loadedFrom) {
        if (copies != null) {
            copies.delete(loadedFrom);
        }
    }

    @Override
    public void close() {
        if (copies != null) {
            copies.close();
        }
    }
}
