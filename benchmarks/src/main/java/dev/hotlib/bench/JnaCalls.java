package dev.hotlib.bench;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.hotlib.core.Host;
import dev.hotlib.core.Pin;
import dev.hotlib.jna.JnaDemo;
import dev.hotlib.jna.JnaState;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
 * JNA, ns per call or per tick. The static binding is JNA's fastest, direct mapping ({@code Native.register})
 * of the library loaded for good, with JnaLibrary's options (RTLD_NOW | RTLD_LOCAL, UTF-8); staticInterface_
 * is JNA's interface mapping (a proxy), loaded once. tick, heldTick, staticTick, pinned_ and release_ as in
 * {@link FfmCalls}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnaCalls {
    private static final int RTLD_NOW = 0x2;    // <dlfcn.h> on Linux
    private static final int RTLD_LOCAL = 0;
    static final Map<String, Object> OPTIONS = Map.of(
            Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_LOCAL,
            Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name());

    /** Direct mapping: JNA binds this class's native methods to the symbols once, for good. */
    public static final class Direct {
        static {
            Native.register(Direct.class, NativeLibrary.getInstance(Libs.library("c").toString(), OPTIONS));
        }

        private Direct() {}

        public static native int foo();                   // int32_t foo(void);

        public static native String greeting();           // const char *greeting(void);

        public static native void update(Pointer state);  // void update(hotlib_state *state);
    }

    /** Interface mapping, loaded once into a static final. */
    public interface Binding extends Library {
        Binding LIB = Native.load(Libs.library("c").toString(), Binding.class, OPTIONS);

        int foo();  // int32_t foo(void);
    }

    /** A hotlib_state for the static binding: 16 zeroed bytes, as JnaState's. */
    @State(Scope.Thread)
    public static class StaticState {
        Memory state;

        @Setup(Level.Trial)
        public void allocate() {
            state = new Memory(16);
            state.clear();
        }

        @TearDown(Level.Trial)
        public void free() {
            state.close();
        }
    }

    @State(Scope.Thread)
    public static class Watching extends OpenHost<JnaDemo> {
        JnaState state;

        @Override
        Host<JnaDemo> open() throws Exception {
            Host<JnaDemo> opened = Hosts.watching(JnaDemo::load, Libs.library("c"));
            state = opened.own(new JnaState());
            return opened;
        }
    }

    @State(Scope.Thread)
    public static class Pinned extends PinnedHost<JnaDemo> {
        @Override
        Host<JnaDemo> open() throws Exception {
            return Hosts.watching(JnaDemo::load, Libs.library("c"));
        }
    }

    @State(Scope.Thread)
    public static class Release extends PinnedHost<JnaDemo> {
        @Override
        Host<JnaDemo> open() throws Exception {
            return Hosts.release(JnaDemo::load, Libs.library("c"));
        }
    }

    /** A watching host with a pin on its version held for a whole iteration: a tick without its pin. */
    @State(Scope.Thread)
    public static class Held extends Watching {
        Pin<JnaDemo> pin;

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
        try (Pin<JnaDemo> pin = w.host.pin()) {
            calls(pin, w.state, bh);
        }
    }

    @Benchmark
    public void heldTick(Held h, CpuShare cpu, Blackhole bh) {
        calls(h.pin, h.state, bh);
    }

    /** Main's calls in a tick, through {@code pin}. */
    private static void calls(Pin<JnaDemo> pin, JnaState state, Blackhole bh) {
        JnaDemo hotlib = pin.binding();
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
        bh.consume(Direct.foo());
        bh.consume(Direct.greeting());
        Direct.update(s.state);
    }

    @Benchmark
    public int static_foo(CpuShare cpu) {
        return Direct.foo();
    }

    @Benchmark
    public int staticInterface_foo(CpuShare cpu) {
        return Binding.LIB.foo();
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
