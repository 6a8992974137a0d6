package dev.hotlib.bench;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Host;
import dev.hotlib.jnr.JnrHotlib;
import dev.hotlib.jnr.JnrState;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * JNR-FFI, ns per foo() call. static_ is the binding JnrHotlib uses (an interface jnr-ffi implements, errno
 * saved as by default: no {@code @IgnoreError}, as JnrHotlib's), loaded once into a static final field.
 * pinned_, release_ and pinRelease as in {@link FfmCalls}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnrCalls {

    /** Public: jnr-ffi generates a class that implements it. */
    public interface Binding {
        int foo();  // int32_t foo(void);
    }

    static final class Static {
        static final Binding LIB = LibraryLoader.create(Binding.class).load(Libs.library("c").toString());
    }

    @State(Scope.Thread)
    public static class Pinned extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.watching(new Backend<>("JNR", JnrState::new, JnrHotlib::load), Libs.library("c"));
        }
    }

    @State(Scope.Thread)
    public static class Release extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            Backend<JnrState> backend = new Backend<>("JNR", JnrState::new, JnrHotlib::load,
                    JnrHotlib::loadForGood);  // release mode binds for good
            return Hosts.release(backend, Libs.library("c"));
        }
    }

    @Benchmark
    public int static_foo(CpuShare cpu) {
        return Static.LIB.foo();
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
