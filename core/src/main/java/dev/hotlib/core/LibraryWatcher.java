package dev.hotlib.core;

import dev.hotlib.core.FileIdentity.Inspection;
import dev.hotlib.core.FileIdentity.Loadable;
import dev.hotlib.core.FileIdentity.Unusable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Polls the watched file and reports a changed version once it has held still for the settle time, so a
 * file still being written (GNU ld rewrites its output in place) is never taken half-written.
 */
final class LibraryWatcher {
    /** How many settle periods one poll waits for a file that keeps changing, before trying next tick. */
    static final int MAX_SETTLE_ROUNDS = 10;

    /** How the watcher lets a settle period pass: {@link #REAL} sleeps; a test's passes a clock of its own. */
    @FunctionalInterface
    interface Sleeper {
        /** Sleeps on the calling thread. */
        Sleeper REAL = period -> Thread.sleep(period.toMillis());

        void sleep(Duration period) throws InterruptedException;
    }

    private final Path file;
    private final Duration settle;
    private final boolean trustWritable;
    private final Sleeper sleeper;
    private FileIdentity taken;
    private FileIdentity trusted;  // the last identity whose path passed the trust check

    LibraryWatcher(Path file, Duration settle, boolean trustWritable) {
        this(file, settle, trustWritable, Sleeper.REAL);
    }

    LibraryWatcher(Path file, Duration settle, boolean trustWritable, Sleeper sleeper) {
        this.file = file;
        this.settle = settle;
        this.trustWritable = trustWritable;
        this.sleeper = Objects.requireNonNull(sleeper);
    }

    Path file() {
        return file;
    }

    /**
     * The file's state now: one stat(2) per poll. The trust check walks every folder on the way, so it runs
     * again only when the identity changed: a file planted through a folder that another user renamed is
     * another file, and an unchanged file is never loaded again anyway.
     */
    Inspection inspect() {
        Inspection seen = FileIdentity.inspect(file, true);
        if (trustWritable || !(seen instanceof Loadable)) {
            return seen;
        }
        FileIdentity identity = ((Loadable) seen).identity();
        if (identity.equals(trusted)) {
            return seen;
        }
        String untrusted = FileIdentity.untrusted(file);
        if (untrusted != null) {
            return new Unusable(untrusted);
        }
        trusted = identity;
        return seen;
    }

    /** Its identity now, if it is loadable. */
    FileIdentity current() {
        Inspection seen = inspect();
        return seen instanceof Loadable ? ((Loadable) seen).identity() : null;
    }

    /**
     * What {@code seen} settles into: a version not taken yet that has held still for the settle time, or
     * null. Blocks for at most {@link #MAX_SETTLE_ROUNDS} settle periods while the file is changing.
     */
    FileIdentity settle(Inspection seen) throws InterruptedException {
        FileIdentity identity = seen instanceof Loadable ? ((Loadable) seen).identity() : null;
        for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
            if (identity == null || identity.equals(taken)) {
                return null;
            }
            if (settle.isZero()) {
                return identity;  // no time to hold still in: a second stat at once would tell nothing new
            }
            sleeper.sleep(settle);
            FileIdentity again = current();
            if (Objects.equals(again, identity)) {
                return identity;
            }
            identity = again;
        }
        return null;
    }

    /** Marks a version as handled (loaded, refused, or equal to the loaded one): it is not reported again. */
    void take(FileIdentity identity) {
        taken = identity;
    }
}
