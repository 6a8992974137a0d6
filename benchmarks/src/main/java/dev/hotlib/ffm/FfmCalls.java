package dev.hotlib.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.bench.Libs;
import dev.hotlib.bench.Setups;
import dev.hotlib.core.Host;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MutableCallSite;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * FFM, ns per call of foo() (int), greeting() (string copied) and update(state) (struct by pointer):
 * host_ is Host.call + FfmGuest as the example calls it, guest_ the FfmGuest alone (no lock), static_ a
 * static final handle to a library loaded for good, critical_ the same with Linker.Option.critical(false),
 * fast_ / fastCritical_ the reloadable fast path {@link FastFfm}, unguarded_ its call site without the arena guard.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmCalls {
    private static final Linker LINKER = Linker.nativeLinker();

    /** The static binding: loaded once into the global arena (never unloaded), handles in static finals. */
    static final class Static {
        static final SymbolLookup LIB = SymbolLookup.libraryLookup(Libs.library("c"), Arena.global());
        static final MethodHandle FOO = LINKER.downcallHandle(LIB.find("foo").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle GREETING = LINKER.downcallHandle(LIB.find("greeting").orElseThrow(), FunctionDescriptor.of(ADDRESS));
        static final MethodHandle UPDATE = LINKER.downcallHandle(LIB.find("update").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
        private static final Linker.Option CRITICAL = Linker.Option.critical(false);
        static final MethodHandle FOO_C = LINKER.downcallHandle(LIB.find("foo").orElseThrow(), FunctionDescriptor.of(JAVA_INT), CRITICAL);
        static final MethodHandle GREETING_C = LINKER.downcallHandle(LIB.find("greeting").orElseThrow(), FunctionDescriptor.of(ADDRESS), CRITICAL);
        static final MethodHandle UPDATE_C = LINKER.downcallHandle(LIB.find("update").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS), CRITICAL);
        // FastFfm's call site without its guard: the static handle behind a MutableCallSite. Unsafe to reload
        // (nothing would stop an unload under a call); measured to show that the call site costs nothing.
        static final MutableCallSite FOO_SITE = new MutableCallSite(FOO);
        static final MethodHandle FOO_SITE_CALL = FOO_SITE.dynamicInvoker();
    }

    /** The example's way: a Host over build/lib/libhotlib_c.so, version 1 loaded from its shadow copy. */
    @State(Scope.Benchmark)
    public static class Reloadable {
        Host<FfmState> host;
        FfmGuest guest;
        FfmState state;

        @Setup
        public void load() throws Exception {
            host = Setups.host(new FfmBackend(), Libs.library("c"));
            guest = (FfmGuest) Setups.guestOf(host);
            state = host.state();
        }

        @TearDown
        public void close() {
            host.close();
        }
    }

    /** A Host whose backend is the fast path, without / with critical(false). */
    @State(Scope.Benchmark)
    public static class Fast {
        Host<FfmState> host;

        boolean critical() {
            return false;
        }

        @Setup
        public void load() throws Exception {
            FastFfm.Backend backend = new FastFfm.Backend(critical());
            host = Setups.host(backend, backend.hooks(new dev.hotlib.core.Hooks() {}), Libs.library("c"));
        }

        @TearDown
        public void close() {
            host.close();
        }
    }

    public static class FastCritical extends Fast {
        @Override
        boolean critical() {
            return true;
        }
    }

    @Benchmark public int host_foo(Reloadable r) { return r.host.call(g -> g.foo()).orElseThrow(); }
    @Benchmark public String host_greeting(Reloadable r) { return r.host.call(g -> g.greeting()).orElseThrow(); }
    @Benchmark public long host_update(Reloadable r) {
        r.host.call(g -> { g.update(r.state); return null; });
        return r.state.frame();
    }

    @Benchmark public int guest_foo(Reloadable r) { return r.guest.foo(); }
    @Benchmark public String guest_greeting(Reloadable r) { return r.guest.greeting(); }
    @Benchmark public long guest_update(Reloadable r) { r.guest.update(r.state); return r.state.frame(); }

    @Benchmark public int static_foo() throws Throwable { return (int) Static.FOO.invokeExact(); }
    @Benchmark public String static_greeting() throws Throwable {
        return ((MemorySegment) Static.GREETING.invokeExact()).reinterpret(Long.MAX_VALUE).getString(0);
    }
    @Benchmark public long static_update(Reloadable r) throws Throwable {
        Static.UPDATE.invokeExact(r.state.segment());
        return r.state.frame();
    }

    @Benchmark public int critical_foo() throws Throwable { return (int) Static.FOO_C.invokeExact(); }
    @Benchmark public String critical_greeting() throws Throwable {
        return ((MemorySegment) Static.GREETING_C.invokeExact()).reinterpret(Long.MAX_VALUE).getString(0);
    }
    @Benchmark public long critical_update(Reloadable r) throws Throwable {
        Static.UPDATE_C.invokeExact(r.state.segment());
        return r.state.frame();
    }

    @Benchmark public int unguarded_foo() throws Throwable { return (int) Static.FOO_SITE_CALL.invokeExact(); }

    @Benchmark public int fast_foo(Fast f) { return FastFfm.foo(); }
    @Benchmark public String fast_greeting(Fast f) { return FastFfm.greeting(); }
    @Benchmark public long fast_update(Fast f) { FastFfm.update(f.host.state()); return f.host.state().frame(); }

    @Benchmark public int fastCritical_foo(FastCritical f) { return FastFfm.foo(); }
    @Benchmark public String fastCritical_greeting(FastCritical f) { return FastFfm.greeting(); }
    @Benchmark public long fastCritical_update(FastCritical f) { FastFfm.update(f.host.state()); return f.host.state().frame(); }
}
