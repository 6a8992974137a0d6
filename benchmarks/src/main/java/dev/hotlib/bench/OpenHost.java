package dev.hotlib.bench;

import dev.hotlib.core.Host;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A host as an example makes it, open for a whole JMH trial, with its first version loaded. JMH runs a state's
 * inherited @Setup and @TearDown methods: each subclass only says how its host is made.
 *
 * @param <B> the binding's type
 */
@State(Scope.Thread)
public abstract class OpenHost<B> {
    Host<B> host;

    abstract Host<B> open() throws Exception;

    @Setup(Level.Trial)
    public void load() throws Exception {
        host = open();
    }

    @TearDown(Level.Trial)
    public void close() {
        host.close();
    }
}
