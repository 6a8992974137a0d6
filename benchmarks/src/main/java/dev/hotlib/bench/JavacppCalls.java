package dev.hotlib.bench;

import dev.hotlib.bench.javacpp.JavacppStatic;
import dev.hotlib.core.Host;
import dev.hotlib.core.Pin;
import dev.hotlib.javacpp.JavacppDemo;
import dev.hotlib.javacpp.JavacppState;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
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
 * JavaCPP, ns per call or per tick. The static binding is {@link JavacppStatic}'s static natives, whose JNI
 * library links libhotlib_c.so at build time, as JavaCPP presets do; JavacppDemo calls a FunctionPointer from a
 * typed dlsym(). tick, heldTick, staticTick, pinned_ and release_ as in {@link FfmCalls}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JavacppCalls {

    /** A hotlib_state for the static binding: a {@link JavacppState} of its own. */
    @State(Scope.Thread)
    public static class StaticState {
        JavacppState state;

        @Setup(Level.Trial)
        public void allocate() {
            state = new JavacppState();
        }

        @TearDown(Level.Trial)
        public void free() {
            state.close();
        }
    }

    @State(Scope.Thread)
    public static class Watching extends OpenHost<JavacppDemo> {
        JavacppState state;

        @Override
        Host<JavacppDemo> open() throws Exception {
            Host<JavacppDemo> opened = Hosts.watching(JavacppDemo::load, Libs.library("c"));
            state = opened.own(new JavacppState());
            return opened;
        }
    }

    @State(Scope.Thread)
    public static class Pinned extends PinnedHost<JavacppDemo> {
        @Override
        Host<JavacppDemo> open() throws Exception {
            return Hosts.watching(JavacppDemo::load, Libs.library("c"));
        }
    }

    @State(Scope.Thread)
    public static class Release extends PinnedHost<JavacppDemo> {
        @Override
        Host<JavacppDemo> open() throws Exception {
            return Hosts.release(JavacppDemo::load, Libs.library("c"));
        }
    }

    /** A watching host with a pin on its version held for a whole iteration: a tick without its pin. */
    @State(Scope.Thread)
    public static class Held extends Watching {
        Pin<JavacppDemo> pin;

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
        try (Pin<JavacppDemo> pin = w.host.pin()) {
            calls(pin, w.state, bh);
        }
    }

    @Benchmark
    public void heldTick(Held h, CpuShare cpu, Blackhole bh) {
        calls(h.pin, h.state, bh);
    }

    /** Main's calls in a tick, through {@code pin}. */
    private static void calls(Pin<JavacppDemo> pin, JavacppState state, Blackhole bh) {
        JavacppDemo hotlib = pin.binding();
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
        bh.consume(JavacppStatic.foo());
        BytePointer text = JavacppStatic.greeting();  // decoded as JavacppDemo decodes it
        bh.consume(text == null ? null : text.getString(StandardCharsets.UTF_8));
        JavacppStatic.update(s.state);
    }

    @Benchmark
    public int static_foo(CpuShare cpu) {
        return JavacppStatic.foo();
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
