package dev.hotlib.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The Java baseline: a plain Java method returning an int, called (not inlined) and inlined. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Baseline {
    private int four = 4; // a field, so the JIT cannot fold the result into a constant

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private int foo() {
        return four;
    }

    /** A real call of a Java method: the cost closest to "a call" that Java code pays. */
    @Benchmark
    public int java_foo(CpuShare cpu) {
        return foo();
    }

    /** The same method, inlined by the JIT: what a call costs when it is no call at all. */
    @Benchmark
    public int javaInlined_foo(CpuShare cpu) {
        return four;
    }
}
