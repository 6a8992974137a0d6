package dev.hotlib.bench;

import dev.hotlib.core.Host;
import dev.hotlib.core.Pin;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A host as an example makes it, and a pin on its version held for one JMH iteration (a "tick" of millions of
 * calls), taken and released on the benchmark's thread, as the examples do it once per tick. JMH runs a state's
 * inherited @Setup and @TearDown methods: each subclass only says how its host is made.
 */
@State(Scope.Thread)
public abstract class PinnedHost {
    Host<?> host;
    Pin<?> pin;

    abstract Host<?> open() throws Exception;

    @Setup(Level.Trial)
    public void load() throws Exception {
        host = open();
    }

    @Setup(Level.Iteration)
    public void pin() {
        pin = host.pin();
    }

    @TearDown(Level.Iteration)
    public void release() {
        pin.close();
    }

    @TearDown(Level.Trial)
    public void close() {
        host.close();
    }

    /** What a tick pays once, whatever its calls: a pin on the current version, and its release. */
    int pinAndRelease() {
        try (Pin<?> fresh = host.pin()) {
            return fresh.version().number();
        }
    }
}
