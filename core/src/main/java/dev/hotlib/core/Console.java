package dev.hotlib.core;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The program's output. Each tick prints what the current version returns, behind the time since start:
 * <pre>
 * [   2.003s] foo() -> 4
 * [   2.003s] bar() is not defined
 * [   2.003s] greeting() -> "Hello from C"
 * [   2.003s] update() -> frame 3, value 1.5
 * </pre>
 * and each event one line that starts with what happened: {@code loaded}, {@code reloaded},
 * {@code not loaded:} or {@code waiting for}.
 */
public final class Console implements Hooks {
    private final PrintStream out;
    private final String backend;
    private final long start = System.nanoTime();

    public Console(PrintStream out, String backend) {
        this.out = out;
        this.backend = backend;
    }

    /** Calls every function of the ABI, in the header's order, and prints what each returned. */
    public <S extends HotlibState> void printCalls(Guest<S> guest, S state) {
        String stamp = String.format(Locale.ROOT, "[%8.3fs] ", (System.nanoTime() - start) / 1e9);
        out.println(stamp + "foo() -> " + guest.foo());
        out.println(stamp + guest.bar().stream().mapToObj(bar -> "bar() -> " + bar).findFirst().orElse("bar() is not defined"));
        out.println(stamp + "greeting() -> \"" + guest.greeting() + "\"");
        guest.update(state);
        out.println(stamp + "update() -> frame " + state.frame() + ", value " + state.value());
    }

    @Override
    public void waitingForLibrary(Path file, String buildHint, Optional<Version> running) {
        if (running.isPresent()) {
            out.println("waiting for " + file + ": it is gone; version " + running.get().number() + " keeps running");
        } else {
            out.println("waiting for " + file + (buildHint.isEmpty() ? " to appear" : ": build it with  " + buildHint));
        }
    }

    @Override
    public void afterSwap(Optional<Version> old, Version current, Duration took) {
        out.printf(Locale.ROOT, "%s %s as version %d in %.2f ms (%s%s)%n", old.isPresent() ? "reloaded" : "loaded",
                current.source(), current.number(), took.toNanos() / 1e6, backend,
                current.copy().equals(current.source()) ? ", release mode: not watching it" : "");
    }

    @Override
    public void refused(Path file, String reason, Optional<Version> running) {
        out.println("not loaded: " + file + ": " + reason + "; "
                + running.map(v -> "version " + v.number() + " keeps running").orElse("no version is running yet"));
    }
}
