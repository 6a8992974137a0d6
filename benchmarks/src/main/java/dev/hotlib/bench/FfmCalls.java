package dev.hotlib.bench;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Host;
import dev.hotlib.ffm.FfmHotlib;
import dev.hotlib.ffm.FfmState;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * FFM, ns per foo() call. static_ and critical_ are the fastest static binding, a static final downcall handle
 * bound to the library loaded for good, without and with {@code Linker.Option.critical(false)}. pinned_ is
 * foo() as the example calls it: through a pin of a watching host ({@link PinnedHost}), taken once per iteration (one
 * "tick" of millions of calls); pinnedCritical_ the same over {@link FfmHotlib#loadCritical}; release_
 * through the pin of a release-mode host. pinRelease is the pin itself: host.pin() and its release.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmCalls {

    /** The static binding: the library loaded once into the global arena, handles in static finals. */
    static final class Static {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIB = SymbolLookup.libraryLookup(Libs.library("c"), Arena.global());
        static final MethodHandle FOO = LINKER.downcallHandle(LIB.find("foo").orElseThrow(),  // int32_t foo(void);
                FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle FOO_CRITICAL = LINKER.downcallHandle(LIB.find("foo").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT), Linker.Option.critical(false));
    }

    /** foo() as the example calls it: through the pin of a watching host. */
    @State(Scope.Thread)
    public static class Pinned extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.watching(new Backend<>("FFM", FfmState::new, FfmHotlib::load), Libs.library("c"));
        }
    }

    /** Pinned, every call with critical(false). */
    @State(Scope.Thread)
    public static class PinnedCritical extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            return Hosts.watching(new Backend<>("FFM", FfmState::new, FfmHotlib::loadCritical), Libs.library("c"));
        }
    }

    /** Pinned, in release mode: loaded once from its path, the pin counts nothing. */
    @State(Scope.Thread)
    public static class Release extends PinnedHost {
        @Override
        Host<?> open() throws Exception {
            Backend<FfmState> backend = new Backend<>("FFM", FfmState::new, FfmHotlib::load,
                    FfmHotlib::loadForGood);  // release mode binds for good
            return Hosts.release(backend, Libs.library("c"));
        }
    }

    @Benchmark
    public int static_foo(CpuShare cpu) throws Throwable {
        return (int) Static.FOO.invokeExact();
    }

    @Benchmark
    public int critical_foo(CpuShare cpu) throws Throwable {
        return (int) Static.FOO_CRITICAL.invokeExact();
    }

    @Benchmark
    public int pinned_foo(Pinned p, CpuShare cpu) {
        return p.pin.foo();
    }

    @Benchmark
    public int pinnedCritical_foo(PinnedCritical p, CpuShare cpu) {
        return p.pin.foo();
    }

    @Benchmark
    public int release_foo(Release p, CpuShare cpu) {
        return p.pin.foo();
    }

    /** What a tick pays once, whatever its calls: take a pin on the current version and release it. */
    @Benchmark
    public int pinRelease(Pinned p, CpuShare cpu) {
        return p.pinAndRelease();
    }
}
