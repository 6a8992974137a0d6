package dev.hotlib.core;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * The example program's output. {@link #print} writes a tick's line behind the time since start:
 * <pre>
 * [   2.003s] score() -> 40
 * </pre>
 * and, as the host's {@link Hooks}, each event is one line that starts with what happened: {@code loaded},
 * {@code reloaded}, {@code not loaded:}, {@code waiting for} or {@code warning:}.
 */
public final class Console implements Hooks {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PrintStream out;
    private final IntConsumer exit;
    private final String backend;
    private final String waitingHint;
    private final long start = System.nanoTime();
    private boolean toldStillLoaded;

    /**
     * @param backend the backend's name, for the load lines
     * @param waitingHint what to add while the library is not there yet (see {@link Options#waitingHint})
     */
    public Console(PrintStream out, String backend, String waitingHint) {
        this(out, backend, waitingHint, System::exit);
    }

    /** As the public constructor, with what ends the program (a test's recorder). */
    Console(PrintStream out, String backend, String waitingHint, IntConsumer exit) {
        this.out = out;
        this.exit = exit;
        this.backend = backend;
        this.waitingHint = waitingHint;
    }

    /** Prints one line of a tick, behind the time since start. */
    public void print(String line) {
        out.printf(Locale.ROOT, "[%8.3fs] %s%n", (System.nanoTime() - start) / 1e9, line);
    }

    /**
     * Prints one call of a tick: {@code name -> value} (a string in quotes), {@code name returned NULL} for
     * null, or {@code name is not defined} when the version does not export it, without calling it:
     * <pre>
     * console.call("score()", pin.defines("score"), () -> hotlib.score(state));
     * </pre>
     */
    public void call(String name, boolean defined, java.util.function.Supplier<?> call) {
        if (!defined) {
            print(name + " is not defined");
            return;
        }
        Object value = call.get();
        print(value == null ? name + " returned NULL"
                : name + " -> " + (value instanceof String ? "\"" + value + "\"" : value));
    }

    @Override
    public void waitingForLibrary(Path file, Optional<Version> running) {
        if (running.isPresent()) {
            out.println("waiting for " + file + ": it is gone; version " + running.get().number() + " keeps running");
        } else {
            out.println("waiting for " + file + (waitingHint.isEmpty() ? " to appear" : ": " + waitingHint));
        }
    }

    @Override
    public void afterSwap(Optional<Version> old, Version current, SwapTimes took) {
        out.printf(Locale.ROOT, "%s %s as version %d in %.2f ms (%s%s)%n", old.isPresent() ? "reloaded" : "loaded",
                current.source(), current.number(), took.total().toNanos() / 1e6, backend,
                current.releaseMode() ? ", release mode: not watching it" : "");
    }

    @Override
    public void refused(Path file, String reason, Optional<Version> running) {
        out.println("not loaded: " + file + ": " + reason + "; "
                + running.map(v -> "version " + v.number() + " keeps running").orElse("no version is running yet"));
    }

    /**
     * Release mode has nothing to run: one line, and the program ends with status 1 (exec:java runs in Maven's
     * JVM: this ends Maven too, with no stack trace after the line).
     */
    @Override
    public void releaseModeCannotStart(Path file, String reason) {
        out.println("not loaded: " + file + ": " + reason + "; release mode loads the library once, at start, so"
                + " the program ends" + (waitingHint.isEmpty() ? "" : ": " + waitingHint));
        out.flush();
        exit.accept(1);
    }

    @Override
    public void warning(Version version, String warning) {
        out.println("warning: version " + version.number() + ": " + warning);
    }

    /** Says once per program that the loader kept an unloaded version: every later one would say the same. */
    @Override
    public void unloaded(Version old, boolean stillLoaded, String likelyCause) {
        if (stillLoaded && !toldStillLoaded) {
            toldStillLoaded = true;
            out.println("warning: version " + old.number() + " was unloaded, but " + likelyCause);
        }
    }

    @Override
    public void unloadFailed(Version old, Throwable failure) {
        out.println("warning: version " + old.number() + " could not be unloaded (" + failure.getMessage()
                + "); it may stay mapped, and the program goes on");
    }

    @Override
    public void pinnedTooLong(Version old, int pins, Instant since) {
        out.println("warning: version " + old.number() + " is still pinned by " + pins
                + (pins == 1 ? " thread" : " threads") + " since " + CLOCK.format(since) + ", when it was replaced:"
                + " it stays mapped until " + (pins == 1 ? "that thread closes its pin" : "they close their pins"));
    }

    @Override
    public void pinsLeaked(Version version, int pins) {
        out.println("warning: " + pins + (pins == 1 ? " pin" : " pins") + " on version " + version.number()
                + (pins == 1 ? " was" : " were") + " dropped without being closed; each is let go when its"
                + " thread ends or takes its next pin");
    }

    @Override
    public void stateCloseFailed(AutoCloseable state, Throwable failure) {
        out.println("warning: the state could not be closed (" + failure + ")");
    }
}
