package dev.hotlib.bench;

import dev.hotlib.core.Pin;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An {@link OpenHost} and a pin on its version held for a whole JMH iteration (millions of calls), taken and
 * released on the benchmark's thread: what one call costs once the pin is paid for. An example pays for a pin
 * every tick; the tick benchmarks measure that.
 *
 * @param <B> the binding's type
 */
@State(Scope.Thread)
public abstract class PinnedHost<B> extends OpenHost<B> {
    Pin<B> pin;

    @Setup(Level.Iteration)
    public void pin() {
        pin = host.pin();
    }

    @TearDown(Level.Iteration)
    public void release() {
        pin.close();
    }
}
