package dev.hotlib.bench;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guard FFM's shared arenas put around every downcall, for backends that have none: a count of calls in
 * flight in one version, which an unload waits to see at zero before it closes the version for good. The
 * benchmarks measure it around the JNA and JavaCPP guests (guarded_*) to show what a lock-free reloadable
 * call would cost with those backends; it is not used by the examples.
 */
public final class InFlight {
    private final AtomicInteger calls = new AtomicInteger(); // -1 once closed

    /** Enters a call; false if the version is closed (the caller then takes the new one). */
    public boolean enter() {
        int n;
        do {
            n = calls.get();
            if (n < 0) {
                return false;
            }
        } while (!calls.compareAndSet(n, n + 1));
        return true;
    }

    public void exit() {
        calls.decrementAndGet();
    }

    /** Waits for the calls in flight to return, then refuses new ones: the version may be unloaded. */
    public void close() {
        while (!calls.compareAndSet(0, -1)) {
            Thread.onSpinWait();
        }
    }
}
