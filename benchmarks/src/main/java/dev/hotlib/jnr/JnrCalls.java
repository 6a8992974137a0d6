package dev.hotlib.jnr;

import dev.hotlib.bench.Libs;
import dev.hotlib.bench.Setups;
import dev.hotlib.core.Host;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.IgnoreError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JNR-FFI, ns per call: host_ is Host.call + JnrGuest as the example calls it, guest_ the JnrGuest alone,
 * static_ jnr-ffi's fastest form: an interface loaded once, whose methods are {@link IgnoreError} (no errno
 * saved after each call), held in a static final field.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnrCalls {

    /** hotlib.h for the static binding. Public: jnr-ffi implements it. */
    public interface Fastest {
        @IgnoreError int foo();

        @IgnoreError String greeting();

        @IgnoreError void update(JnrState state);
    }

    static final class Static {
        static final Fastest LIB = LibraryLoader.create(Fastest.class).load(Libs.library("c").toString());
    }

    @State(Scope.Benchmark)
    public static class Reloadable {
        Host<JnrState> host;
        JnrGuest guest;
        JnrState state;

        @Setup
        public void load() throws Exception {
            host = Setups.host(new JnrBackend(), Libs.library("c"));
            guest = (JnrGuest) Setups.guestOf(host);
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

    @Benchmark public int static_foo() { return Static.LIB.foo(); }
    @Benchmark public String static_greeting() { return Static.LIB.greeting(); }
    @Benchmark public long static_update(Reloadable r) { Static.LIB.update(r.state); return r.state.frame(); }
}
