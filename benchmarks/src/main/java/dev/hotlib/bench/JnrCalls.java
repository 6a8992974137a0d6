package dev.hotlib.bench;

import dev.hotlib.core.Host;
import dev.hotlib.core.Pin;
import dev.hotlib.jnr.JnrDemo;
import dev.hotlib.jnr.JnrState;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
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
 * JNR-FFI, ns per call or per tick. The static binding is the user's own interface, {@link JnrDemo}, loaded once
 * by jnr-ffi into a static final field (errno saved as by default, as the example's). tick, heldTick, staticTick,
 * pinned_ and release_ as in {@link FfmCalls}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnrCalls {

    static final class Static {
        static final JnrDemo LIB = LibraryLoader.create(JnrDemo.class).load(Libs.library("c").toString());
    }

    /** A hotlib_state for the static binding: a {@link JnrState} of its own. */
    @State(Scope.Thread)
    public static class StaticState {
        JnrState state;

        @Setup(Level.Trial)
        public void allocate() {
            state = new JnrState();
        }

        @TearDown(Level.Trial)
        public void free() {
            state.close();
        }
    }

    @State(Scope.Thread)
    public static class Watching extends OpenHost<JnrDemo> {
        JnrState state;

        @Override
        Host<JnrDemo> open() throws Exception {
            Host<JnrDemo> opened = Hosts.watching(JnrDemo::load, Libs.library("c"));
            state = opened.own(new JnrState());
            return opened;
        }
    }

    @State(Scope.Thread)
    public static class Pinned extends PinnedHost<JnrDemo> {
        @Override
        Host<JnrDemo> open() throws Exception {
            return Hosts.watching(JnrDemo::load, Libs.library("c"));
        }
    }

    @State(Scope.Thread)
    public static class Release extends PinnedHost<JnrDemo> {
        @Override
        Host<JnrDemo> open() throws Exception {
            return Hosts.release(JnrDemo::load, Libs.library("c"));
        }
    }

    /** A watching host with a pin on its version held for a whole iteration: a tick without its pin. */
    @State(Scope.Thread)
    public static class Held extends Watching {
        Pin<JnrDemo> pin;

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
        try (Pin<JnrDemo> pin = w.host.pin()) {
            calls(pin, w.state, bh);
        }
    }

    @Benchmark
    public void heldTick(Held h, CpuShare cpu, Blackhole bh) {
        calls(h.pin, h.state, bh);
    }

    /** Main's calls in a tick, through {@code pin}. */
    private static void calls(Pin<JnrDemo> pin, JnrState state, Blackhole bh) {
        JnrDemo hotlib = pin.binding();
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
    public void staticTick(StaticState s, CpuShare cpu, Blackhole bh) {
        bh.consume(Static.LIB.foo());
        bh.consume(Static.LIB.greeting());
        Static.LIB.update(s.state);
    }

    @Benchmark
    public int static_foo(CpuShare cpu) {
        return Static.LIB.foo();
    }

    @Benchmark
    public int pinned_foo(Pinned p, CpuShare cpu) {
        return p.pin.binding().foo();
    }

    @Benchmark
    public int release_foo(Release p, CpuShare cpu) {
        return p.pin.binding().foo();
    }
}
