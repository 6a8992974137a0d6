package dev.hotlib.core;

import java.lang.ref.Cleaner;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The current version, held for a span of calls the caller chooses: a tick, a frame, a request. While a pin
 * is held its version stays loaded, even when a newer one replaces it; the version is unloaded after its
 * last pin is released. This is the read side of RCU: taking and releasing a pin cost one atomic update
 * each, and every call in between is a plain call into that version, with no lock, atomic or arena.
 *
 * <pre>
 * try (Pin&lt;S&gt; hotlib = host.pin()) {   // one version for the whole span
 *     int foo = hotlib.foo();
 *     hotlib.update(host.state());
 * }                                      // released: an old version may now be unloaded
 * </pre>
 *
 * <p>A pin belongs to the thread that took it. After {@link #close} every call throws
 * {@link IllegalStateException}: the check is a plain field read. A pin that is dropped without being
 * released is released by the garbage collector, and the host reports it.
 *
 * @param <S> the backend's mapping of {@code hotlib_state}
 */
public final class Pin<S extends HotlibState> implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Guest<S> guest;
    private final Version version;
    private final Unpin unpin;                  // null when nothing needs releasing (release mode)
    private final Cleaner.Cleanable cleanable;  // null likewise
    private boolean released;

    Pin(Loaded<S> loaded, boolean counted) {
        this.guest = loaded.guest();
        this.version = loaded.version();
        this.unpin = counted ? new Unpin(loaded) : null;
        this.cleanable = counted ? CLEANER.register(this, unpin) : null;
    }

    /** The version this pin holds. */
    public Version version() {
        return version;
    }

    /** {@code int32_t abi_version(void);} */
    public int abiVersion() {
        checkHeld();
        return guest.abiVersion();
    }

    /** {@code int32_t foo(void);} */
    public int foo() {
        checkHeld();
        return guest.foo();
    }

    /** {@code int32_t bar(void);} empty when this version does not export bar. */
    public OptionalInt bar() {
        checkHeld();
        return guest.bar();
    }

    /** {@code const char *greeting(void);} empty when it returned NULL. */
    public Optional<String> greeting() {
        checkHeld();
        return guest.greeting();
    }

    /** {@code void update(hotlib_state *state);} */
    public void update(S state) {
        checkHeld();
        guest.update(state);
    }

    /** Releases the pin: its version may now be unloaded, and every call through this pin throws. */
    @Override
    public void close() {
        if (!released) {
            released = true;
            if (cleanable != null) {
                unpin.byOwner = true;
                cleanable.clean();
            }
        }
    }

    private void checkHeld() {
        if (released) {
            throw new IllegalStateException(
                    "this pin on version " + version.number() + " was released: take a new one");
        }
    }

    /** The cleaning action: holds the version, never the pin, so that a dropped pin becomes unreachable. */
    private static final class Unpin implements Runnable {
        private final Loaded<?> loaded;
        private boolean byOwner;  // set by close() on the owner's thread, before clean() runs this there

        Unpin(Loaded<?> loaded) {
            this.loaded = loaded;
        }

        @Override
        public void run() {
            loaded.unpin(!byOwner);
        }
    }
}
