package dev.hotlib.bench;

import dev.hotlib.bench.javacpp.JavacppBare;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JavaCPP's call into a loaded version without a pin, ns per foo(), beside JavacppCalls: {@code live_} checks,
 * as JavacppDemo does, that the version was not unloaded; {@code bare_} relies on the refusal the target
 * already has once unloaded (JavaCPP's own null check of a freed wrapper, see {@link JavacppBare}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JavacppDesigns {

    @State(Scope.Thread)
    public static class Loaded {
        Guest<JavacppBare> guest;

        @Setup(Level.Trial)
        public void load() throws Exception {
            guest = JavacppBare.load(LibraryFile.inspect(Libs.library("c")));
        }

        @TearDown(Level.Trial)
        public void unload() {
            guest.library().close();
        }
    }

    @Benchmark
    public int live_foo(Loaded v, CpuShare cpu) {
        return v.guest.binding().live();
    }

    @Benchmark
    public int bare_foo(Loaded v, CpuShare cpu) {
        return v.guest.binding().bare();
    }
}
