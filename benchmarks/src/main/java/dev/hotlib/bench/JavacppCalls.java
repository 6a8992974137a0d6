package dev.hotlib.bench;

import dev.hotlib.bench.javacpp.JavacppStatic;
import dev.hotlib.core.Backend;
import dev.hotlib.core.Host;
import dev.hotlib.javacpp.JavacppHotlib;
import dev.hotlib.javacpp.JavacppState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * JavaCPP, ns per foo() call. static_ is a static native of {@link JavacppStatic}, whose JNI library links
 * libhotlib_c.so at build time, as JavaCPP presets do; JavacppHotlib calls a FunctionPointer cast from dlsym().
 * pinned_, release_ and pinRelease as in {@link FfmCalls}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JavacppCalls {

    @State(Scope.Thread)
    public static class Pinned extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.watching(new Backend<>("JavaCPP", JavacppState::new, JavacppHotlib::load),
                    Libs.library("c"));
        }
    }

    @State(Scope.Thread)
    public static class Release extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            Backend<JavacppState> backend = new Backend<>("JavaCPP", JavacppState::new, JavacppHotlib::load,
                    JavacppHotlib::loadForGood);  // release mode binds for good
            return Hosts.release(backend, Libs.library("c"));
        }
    }

    @Benchmark
    public int static_foo(CpuShare cpu) {
        return JavacppStatic.foo();
    }

    @Benchmark
    public int pinned_foo(Pinned p, CpuShare cpu) {
        return p.pin.foo();
    }

    @Benchmark
    public int release_foo(Release p, CpuShare cpu) {
        return p.pin.foo();
    }

    @Benchmark
    public int pinRelease(Pinned p, CpuShare cpu) {
        return p.pinAndRelease();
    }
}
