package dev.hotlib.core;

import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded version and who holds it: its pins, and whether it has been retired (replaced, or the host
 * closed). One atomic integer holds both, so that taking a pin and retiring can never both think they won:
 * a pin is taken only while the version is not retired, and the version is unloaded exactly once, by
 * whichever comes last of its retirement and its last release (the grace period of RCU).
 */
final class Loaded<S extends HotlibState> {
    private static final int RETIRED = 1;
    private static final int ONE_PIN = 2;

    private final Version version;
    private final Guest<S> guest;
    private final Queue<Loaded<?>> unloadable;  // the host's: versions to unload on its loop thread
    private final AtomicInteger pinsAndRetired = new AtomicInteger();
    private final AtomicInteger leaked = new AtomicInteger();
    private volatile Instant retiredAt;
    boolean toldPinned;  // the host's loop thread only

    Loaded(Version version, Guest<S> guest, Queue<Loaded<?>> unloadable) {
        this.version = version;
        this.guest = guest;
        this.unloadable = unloadable;
    }

    Version version() {
        return version;
    }

    Guest<S> guest() {
        return guest;
    }

    /** Takes a pin, unless the version was retired meanwhile: then the caller looks for the current one again. */
    boolean tryPin() {
        for (int s = pinsAndRetired.get(); (s & RETIRED) == 0; s = pinsAndRetired.get()) {
            if (pinsAndRetired.compareAndSet(s, s + ONE_PIN)) {
                return true;
            }
        }
        return false;
    }

    /** Releases a pin; the last one on a retired version hands it to the host to unload. */
    void unpin(boolean leakedByItsOwner) {
        if (leakedByItsOwner) {
            leaked.incrementAndGet();
        }
        if (pinsAndRetired.addAndGet(-ONE_PIN) == RETIRED) {
            unloadable.add(this);
        }
    }

    /** Takes it out of service: no new pin. Returns whether no pin holds it, so it may be unloaded now. */
    boolean retire() {
        retiredAt = Instant.now();
        return pinsAndRetired.getAndAdd(RETIRED) == 0;
    }

    int pins() {
        return pinsAndRetired.get() / ONE_PIN;
    }

    Instant retiredAt() {
        return retiredAt;
    }

    /** How many pins were dropped unreleased since the last call. */
    int takeLeaked() {
        return leaked.getAndSet(0);
    }
}
