package dev.hotlib.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.hotlib.bench.InFlight;
import dev.hotlib.bench.Libs;
import dev.hotlib.bench.Setups;
import dev.hotlib.core.Host;
import java.util.Map;
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
 * JNA, ns per call: host_ is Host.call + JnaGuest (interface mapping) as the example calls it, guest_ the
 * JnaGuest alone, static_ JNA's fastest binding, direct mapping ({@link Native#register}) of a library loaded for good.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnaCalls {

    /** Direct mapping: JNA registers these natives against the library once (RegisterNatives, no proxy). */
    public static final class Direct {
        static {
            Native.register(Direct.class, NativeLibrary.getInstance(Libs.library("c").toString(),
                    Map.of(Library.OPTION_STRING_ENCODING, "UTF-8")));
        }

        public static native int foo();

        public static native String greeting();

        public static native void update(JnaState state);
    }

    @State(Scope.Benchmark)
    public static class Reloadable {
        Host<JnaState> host;
        JnaGuest guest;
        JnaState state;
        final InFlight inFlight = new InFlight();

        @Setup
        public void load() throws Exception {
            host = Setups.host(new JnaBackend(), Libs.library("c"));
            guest = (JnaGuest) Setups.guestOf(host);
            state = host.state();
        }

        @TearDown
        public void close() {
            host.close();
        }
    }

    @Benchmark public int host_foo(Reloadable r) { return r.host.call(g -> g.foo()).orElseThrow(); }
    @Benchmark public String host_greeting(Reloadable r) { return r.host.call(g -> g.greeting()).orElseThrow(); }
    @Benchmark public long host_update(Reloadable r) {
        r.host.call(g -> { g.update(r.state); return null; });
        return r.state.frame;
    }

    @Benchmark public int guest_foo(Reloadable r) { return r.guest.foo(); }
    @Benchmark public String guest_greeting(Reloadable r) { return r.guest.greeting(); }
    @Benchmark public long guest_update(Reloadable r) { r.guest.update(r.state); return r.state.frame; }

    @Benchmark public int static_foo() { return Direct.foo(); }
    @Benchmark public String static_greeting() { return Direct.greeting(); }
    @Benchmark public long static_update(Reloadable r) { Direct.update(r.state); return r.state.frame; }

    // The guest behind an in-flight count (see InFlight): what a lock-free reloadable call costs with this backend.
    @Benchmark public int guarded_foo(Reloadable r) {
        if (!r.inFlight.enter()) throw new IllegalStateException("closed");
        try { return r.guest.foo(); } finally { r.inFlight.exit(); }
    }
    @Benchmark public String guarded_greeting(Reloadable r) {
        if (!r.inFlight.enter()) throw new IllegalStateException("closed");
        try { return r.guest.greeting(); } finally { r.inFlight.exit(); }
    }
    @Benchmark public long guarded_update(Reloadable r) {
        if (!r.inFlight.enter()) throw new IllegalStateException("closed");
        try { r.guest.update(r.state); } finally { r.inFlight.exit(); }
        return r.state.frame;
    }
}
