package dev.hotlib.bench;

import static java.lang.foreign.FunctionDescriptor.of;
import static java.lang.foreign.FunctionDescriptor.ofVoid;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Host;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Pin;
import dev.hotlib.ffm.FfmBinding;
import dev.hotlib.ffm.FfmDemo;
import dev.hotlib.ffm.FfmLibrary;
import dev.hotlib.ffm.FfmState;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * FFM, ns per call or per tick, on build/lib/libhotlib_c.so (which does not define bar()):
 * <ul>
 *   <li>{@code tick}: a tick as Main makes it: {@code host.pin()}, foo(), the {@code defines} checks of bar,
 *       greeting and update, greeting() and update(state), release; {@code staticTick} the same calls through
 *       the static binding; {@code heldTick} the same tick on a pin held for a whole iteration, without
 *       the pin's cost;
 *   <li>{@code static_foo}: a static final downcall handle to the library loaded for good; {@code critical_foo}
 *       the same with {@code Linker.Option.critical(false)};
 *   <li>{@code pinned_foo}: {@code pin.binding().foo()} through a watching host's pin held for a whole
 *       iteration; {@code pinnedCritical_foo} the same over {@link CriticalDemo}; {@code release_foo} through
 *       the pin of a release-mode host.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmCalls {

    /** The static binding: the library loaded once into the global arena, handles in static finals. */
    static final class Static {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIB = SymbolLookup.libraryLookup(Libs.library("c"), Arena.global());
        static final MethodHandle FOO = LINKER.downcallHandle(LIB.find("foo").orElseThrow(), of(JAVA_INT));
        static final MethodHandle GREETING = LINKER.downcallHandle(LIB.find("greeting").orElseThrow(),
                of(ADDRESS));
        static final MethodHandle UPDATE = LINKER.downcallHandle(LIB.find("update").orElseThrow(),
                ofVoid(ADDRESS));
        static final MethodHandle FOO_CRITICAL = LINKER.downcallHandle(LIB.find("foo").orElseThrow(),
                of(JAVA_INT), Linker.Option.critical(false));
    }

    /** A hotlib_state for the static binding: 16 zeroed bytes in a shared arena, as FfmState's. */
    @State(Scope.Thread)
    public static class StaticState {
        Arena arena;
        MemorySegment state;

        @Setup(Level.Trial)
        public void allocate() {
            arena = Arena.ofShared();
            state = arena.allocate(16, 8);
        }

        @TearDown(Level.Trial)
        public void free() {
            arena.close();
        }
    }

    /** The demo's binding with only foo(), bound with {@code critical(false)}: no thread-state transition. */
    public static final class CriticalDemo extends FfmBinding {
        private static final Function FOO = required("foo", of(JAVA_INT), Linker.Option.critical(false));

        private CriticalDemo(FfmLibrary library) throws LoadException {
            super(library);
        }

        public int foo() {
            try {
                return (int) FOO.handle().invokeExact(at(FOO));
            } catch (Throwable t) {
                throw fail(t);
            }
        }

        static Guest<CriticalDemo> load(LibraryFile file) throws LoadException {
            return FfmLibrary.load(file, CriticalDemo::new);
        }
    }

    /** A watching host and the state the example hands every version. */
    @State(Scope.Thread)
    public static class Watching extends OpenHost<FfmDemo> {
        FfmState state;

        @Override
        Host<FfmDemo> open() throws Exception {
            Host<FfmDemo> opened = Hosts.watching(FfmDemo::load, Libs.library("c"));
            state = opened.own(new FfmState());
            return opened;
        }
    }

    @State(Scope.Thread)
    public static class Pinned extends PinnedHost<FfmDemo> {
        @Override
        Host<FfmDemo> open() throws Exception {
            return Hosts.watching(FfmDemo::load, Libs.library("c"));
        }
    }

    @State(Scope.Thread)
    public static class PinnedCritical extends PinnedHost<CriticalDemo> {
        @Override
        Host<CriticalDemo> open() throws Exception {
            return Hosts.watching(CriticalDemo::load, Libs.library("c"));
        }
    }

    @State(Scope.Thread)
    public static class Release extends PinnedHost<FfmDemo> {
        @Override
        Host<FfmDemo> open() throws Exception {
            return Hosts.release(FfmDemo::load, Libs.library("c"));
        }
    }

    /** A watching host with a pin on its version held for a whole iteration: a tick without its pin. */
    @State(Scope.Thread)
    public static class Held extends Watching {
        Pin<FfmDemo> pin;

        @Setup(Level.Iteration)
        public void take() {
            pin = host.pin();
        }

        @TearDown(Level.Iteration)
        public void release() {
            pin.close();
        }
    }

    @Benchmark
    public void tick(Watching w, CpuShare cpu, Blackhole bh) {
        try (Pin<FfmDemo> pin = w.host.pin()) {
            calls(pin, w.state, bh);
        }
    }

    @Benchmark
    public void heldTick(Held h, CpuShare cpu, Blackhole bh) {
        calls(h.pin, h.state, bh);
    }

    /** Main's calls in a tick, through {@code pin}. */
    private static void calls(Pin<FfmDemo> pin, FfmState state, Blackhole bh) {
        FfmDemo hotlib = pin.binding();
        bh.consume(hotlib.foo());
        if (pin.defines("bar")) {
            bh.consume(hotlib.bar());
        }
        if (pin.defines("greeting")) {
            bh.consume(hotlib.greeting());
        }
        if (pin.defines("update")) {
            hotlib.update(state);
        }
    }

    @Benchmark
    public void staticTick(StaticState s, CpuShare cpu, Blackhole bh) throws Throwable {
        bh.consume((int) Static.FOO.invokeExact());
        bh.consume(string((MemorySegment) Static.GREETING.invokeExact()));
        Static.UPDATE.invokeExact(s.state);
    }

    /** FfmDemo's decoding of a C string. */
    private static String string(MemorySegment text) {
        return text.equals(MemorySegment.NULL) ? null
                : text.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
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
        return p.pin.binding().foo();
    }

    @Benchmark
    public int pinnedCritical_foo(PinnedCritical p, CpuShare cpu) {
        return p.pin.binding().foo();
    }

    @Benchmark
    public int release_foo(Release p, CpuShare cpu) {
        return p.pin.binding().foo();
    }
}
