package dev.hotlib.bench;

import dev.hotlib.bench.javacpp.JavacppPointers;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.javacpp.JavacppDemo;
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
 * JavaCPP's call into a loaded version without a pin, ns per foo(), beside JavacppCalls: {@code demo_} as
 * JavacppDemo calls it (the version's address, checked, handed to a native of the C signature), and
 * {@code pointer_} through a {@code FunctionPointer} per function, checked ({@link JavacppPointers}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JavacppDesigns {

    @State(Scope.Thread)
    public static class Loaded {
        Guest<JavacppDemo> demo;
        JavacppPointers pointers;

        @Setup(Level.Trial)
        public void load() throws Exception {
            demo = JavacppDemo.load(LibraryFile.inspect(Libs.library("c")));
            pointers = new JavacppPointers(Libs.library("c"));
        }

        @TearDown(Level.Trial)
        public void unload() {
            pointers.close();
            demo.library().close();
        }
    }

    @Benchmark
    public int demo_foo(Loaded v, CpuShare cpu) {
        return v.demo.binding().foo();
    }

    @Benchmark
    public int pointer_foo(Loaded v, CpuShare cpu) {
        return v.pointers.foo();
    }
}
