package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every line the example program prints, word for word: the README quotes them. */
class ConsoleTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Integer> exits = new ArrayList<>();
    private final Console console = new Console(new PrintStream(bytes, true, StandardCharsets.UTF_8), "FFM",
            "build it with  cmake --build build", exits::add);
    private final Path file = Path.of("/repo/build/lib/libhotlib_c.so");
    private final Version v1 = new Version(1, file, Path.of("/tmp/hotlib-x/1-libhotlib_c.so"), false);
    private final Version v2 = new Version(2, file, Path.of("/tmp/hotlib-x/2-libhotlib_c.so"), false);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** A tick's lines, without the time in front. */
    private List<String> calls() {
        return lines().stream().map(line -> line.substring(line.indexOf("] ") + 2)).toList();
    }

    @Test
    void aTicksCalls() {
        console.call("foo()", true, () -> 4);
        console.call("bar()", false, () -> { throw new AssertionError("not called when not defined"); });
        console.call("greeting()", true, () -> "Hello from C");
        console.call("greeting()", true, () -> null);
        console.call("update()", true, () -> new Object() {
            @Override
            public String toString() {
                return "frame 1, value 0.5";
            }
        });
        assertEquals(List.of("foo() -> 4", "bar() is not defined", "greeting() -> \"Hello from C\"",
                "greeting() returned NULL", "update() -> frame 1, value 0.5"), calls());
        assertEquals(true, lines().get(0).matches("\\[ *\\d+\\.\\d{3}s] foo\\(\\) -> 4"), lines().get(0));
    }

    @Test
    void theHostsEvents() {
        SwapTimes took = new SwapTimes(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3),
                Duration.ZERO);
        console.waitingForLibrary(file, Optional.empty());
        console.afterSwap(Optional.empty(), v1, took);
        console.afterSwap(Optional.of(v1), v2, took);
        console.afterSwap(Optional.empty(), new Version(1, file, v1.copy(), true), took);
        console.refused(file, "it does not export foo()", Optional.of(v2));
        console.refused(file, "it is empty", Optional.empty());
        console.waitingForLibrary(file, Optional.of(v2));
        console.warning(v2, "it has a STB_GNU_UNIQUE symbol (x)");
        console.unloaded(v1, false, "");
        console.unloaded(v1, true, "the loader keeps it mapped");
        console.unloaded(v2, true, "the loader keeps it mapped");
        console.unloadFailed(v1, new IllegalStateException("dlclose() failed: bad handle"));
        Instant since = Instant.parse("2026-12-06T10:00:00Z");
        String clock = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault()).format(since);
        console.pinnedTooLong(v1, 1, since);
        console.pinnedTooLong(v1, 2, since);
        console.pinsLeaked(v1, 1);
        console.pinsLeaked(v1, 3);
        assertEquals(List.of(
                "waiting for " + file + ": build it with  cmake --build build",
                "loaded " + file + " as version 1 in 6.00 ms (FFM)",
                "reloaded " + file + " as version 2 in 6.00 ms (FFM)",
                "loaded " + file + " as version 1 in 6.00 ms (FFM, release mode: not watching it)",
                "not loaded: " + file + ": it does not export foo(); version 2 keeps running",
                "not loaded: " + file + ": it is empty; no version is running yet",
                "waiting for " + file + ": it is gone; version 2 keeps running",
                "warning: version 2: it has a STB_GNU_UNIQUE symbol (x)",
                "warning: version 1 was unloaded, but the loader keeps it mapped",
                "warning: version 1 could not be unloaded (dlclose() failed: bad handle); it may stay mapped, and the"
                        + " program goes on",
                "warning: version 1 is still pinned by 1 thread since " + clock + ", when it was replaced: it stays"
                        + " mapped until that thread closes its pin",
                "warning: version 1 is still pinned by 2 threads since " + clock + ", when it was replaced: it stays"
                        + " mapped until they close their pins",
                "warning: 1 pin on version 1 was dropped without being closed; each is let go when its thread"
                        + " ends or takes its next pin",
                "warning: 3 pins on version 1 were dropped without being closed; each is let go when its thread"
                        + " ends or takes its next pin"), lines());
        assertEquals(List.of(), exits);
    }

    @Test
    void releaseModeWithNothingToLoadEndsTheProgram() {
        console.releaseModeCannotStart(file, "it is not there");
        assertEquals(List.of("not loaded: " + file + ": it is not there; release mode loads the library once, at"
                + " start, so the program ends: build it with  cmake --build build"), lines());
        assertEquals(List.of(1), exits, "exit status 1");
    }
}
