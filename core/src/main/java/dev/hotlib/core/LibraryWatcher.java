package dev.hotlib.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Polls the watched file and reports a changed version once it has held still for the settle time, so a
 * file still being written (GNU ld rewrites its output in place) is never taken half-written.
 */
final class LibraryWatcher {
    /** How many settle periods one poll waits for a file that keeps changing, before trying next tick. */
    private static final int MAX_SETTLE_ROUNDS = 10;

    private final Path file;
    private final Duration settle;
    private FileIdentity taken;

    LibraryWatcher(Path file, Duration settle) {
        this.file = file;
        this.settle = settle;
    }

    Path file() {
        return file;
    }

    /** Whether the file exists now (as a regular file). */
    boolean exists() {
        return FileIdentity.of(file).isPresent();
    }

    /**
     * A version not taken yet that has held still for the settle time, or empty. Blocks for at most a few
     * settle periods while the file is changing.
     */
    Optional<FileIdentity> poll() throws InterruptedException {
        Optional<FileIdentity> seen = FileIdentity.of(file);
        for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
            if (seen.isEmpty() || seen.get().equals(taken)) {
                return Optional.empty();
            }
            Thread.sleep(settle);
            Optional<FileIdentity> again = FileIdentity.of(file);
            if (again.equals(seen)) {
                return seen;
            }
            seen = again;
        }
        return Optional.empty();
    }

    /** Marks a version as handled (loaded, refused, or equal to the loaded one): it is not reported again. */
    void take(FileIdentity identity) {
        taken = identity;
    }
}
