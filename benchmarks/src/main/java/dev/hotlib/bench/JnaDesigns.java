package dev.hotlib.bench;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JNA's two ways to call one loaded version, without pin or check (each design's floor, ns per foo()), beside
 * JnaCalls: an interface proxy kept in an instance field ({@code interfaceField_}), and the symbol's
 * {@link Function} kept in a field and called with {@code invokeInt} ({@code function_}, JnaDemo's way).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnaDesigns {
    private static final Object[] NO_ARGUMENTS = {};

    @State(Scope.Thread)
    public static class Version {
        JnaCalls.Binding proxy;
        Function foo;

        @Setup
        public void load() {
            String path = Libs.library("c").toString();
            proxy = Native.load(path, JnaCalls.Binding.class, JnaCalls.OPTIONS);
            foo = NativeLibrary.getInstance(path, JnaCalls.OPTIONS).getFunction("foo");  // int32_t foo(void);
        }
    }

    @Benchmark
    public int interfaceField_foo(Version v, CpuShare cpu) {
        return v.proxy.foo();
    }

    @Benchmark
    public int function_foo(Version v, CpuShare cpu) {
        return v.foo.invokeInt(NO_ARGUMENTS);
    }
}
