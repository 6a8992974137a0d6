package dev.hotlib.javacpp;

import dev.hotlib.bench.InFlight;
import dev.hotlib.bench.Libs;
import dev.hotlib.bench.Setups;
import dev.hotlib.core.Host;
import java.nio.charset.StandardCharsets;
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
 * JavaCPP, ns per call: host_ is Host.call + JavacppGuest (typed FunctionPointers from dlsym) as the example
 * calls it, guest_ the JavacppGuest alone, static_ the static natives of {@link JavacppStatic}, which link the
 * library at build time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JavacppCalls {

    @State(Scope.Benchmark)
    public static class Reloadable {
        Host<JavacppState> host;
        JavacppGuest guest;
        JavacppState state;
        final InFlight inFlight = new InFlight();

        @Setup
        public void load() throws Exception {
            host = Setups.host(new JavacppBackend(), Libs.library("c"));
            guest = (JavacppGuest) Setups.guestOf(host);
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
        return r.state.frame();
    }

    @Benchmark public int guest_foo(Reloadable r) { return r.guest.foo(); }
    @Benchmark public String guest_greeting(Reloadable r) { return r.guest.greeting(); }
    @Benchmark public long guest_update(Reloadable r) { r.guest.update(r.state); return r.state.frame(); }

    @Benchmark public int static_foo() { return JavacppStatic.foo(); }
    @Benchmark public String static_greeting() { return JavacppStatic.greeting().getString(StandardCharsets.UTF_8); }
    @Benchmark public long static_update(Reloadable r) { JavacppStatic.update(r.state); return r.state.frame(); }

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
        return r.state.frame();
    }
}
