package dev.hotlib.bench;

import dev.hotlib.core.Hooks;
import dev.hotlib.core.Host;
import dev.hotlib.core.Pin;
import dev.hotlib.ffm.FfmDemo;
import dev.hotlib.javacpp.JavacppDemo;
import dev.hotlib.jna.JnaDemo;
import dev.hotlib.jnr.JnrDemo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The first calls into a version just swapped in, nanoseconds per single shot (SingleShotTime): before each
 * shot a new version of the C library is renamed into place and swapped in; the shot takes a pin and makes
 * {@code calls} foo() calls through it. The shot divided by {@code calls} is what each of the first calls cost
 * on average (the pin included), to set beside the steady call of FfmCalls and its likes.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ColdCalls {

    /** A watching host over a file in a temporary folder, and a new version swapped in before each shot. */
    @State(Scope.Thread)
    public static class Swapped {
        @Param({"FFM", "JNA", "JNR", "JavaCPP"})
        String backend;
        @Param({"1", "100", "10000"})
        int calls;
        Path dir;
        Path watched;
        Host<?> host;
        ToIntFunction<Object> foo;
        int n;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("hotlib-cold-");
            watched = dir.resolve(System.mapLibraryName("watched"));
            host = new Host<>(Backends.loader(backend), Host.Settings.watching(watched).withSettle(Duration.ZERO),
                    new Hooks() {});
            foo = foo(backend);
        }

        @Setup(Level.Iteration)
        public void swap() throws Exception {
            Versions.place(watched, "c", ++n);
            if (!host.reloadIfChanged()) {
                throw new IllegalStateException("version " + n + " was not swapped in");
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            host.close();
            Files.deleteIfExists(watched);
            Files.deleteIfExists(dir);
        }

        private static ToIntFunction<Object> foo(String backend) {
            switch (backend) {
                case "FFM":
                    return binding -> ((FfmDemo) binding).foo();
                case "JNA":
                    return binding -> ((JnaDemo) binding).foo();
                case "JNR":
                    return binding -> ((JnrDemo) binding).foo();
                case "JavaCPP":
                    return binding -> ((JavacppDemo) binding).foo();
                default:
                    throw new IllegalArgumentException("no backend " + backend);
            }
        }
    }

    @Benchmark
    public int firstCalls(Swapped s) {
        int sum = 0;
        try (Pin<?> pin = s.host.pin()) {
            Object binding = pin.binding();
            for (int i = 0; i < s.calls; i++) {
                sum += s.foo.applyAsInt(binding);
            }
        }
        return sum;
    }
}
