package dev.hotlib.bench;

import dev.hotlib.bench.javacpp.JavacppStatic;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * A design JavaCPP's release mode does without, ns per foo(): the static binding (JavacppCalls' static_foo)
 * called inside a try/catch, as a guest would call it to turn JavaCPP's RuntimeException into an
 * IllegalStateException. The handler costs the JNI call more than the checks around it, so JavacppHotlib's
 * ForGood has none, and JnrHotlib's makes its JNI call outside the try/catch its call site needs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JavacppDesigns {

    @Benchmark
    public int caught_foo(CpuShare cpu) {
        try {
            return JavacppStatic.foo();
        } catch (RuntimeException e) {
            throw new IllegalStateException(e);
        }
    }
}
