package dev.hotlib.core;

/**
 * The current version, held for a span of calls the caller chooses: a tick, a frame, a request. While a pin
 * is held its version stays loaded, even when a newer one replaces it; the version is unloaded after its
 * last pin is closed. This is the read side of RCU: a pin is one store to the calling thread's own reader
 * record, and every call in between is a plain call into that version's binding.
 *
 * <pre>
 * try (Pin&lt;Game&gt; pin = host.pin()) {       // one version for the whole span
 *     Game hotlib = pin.binding();
 *     hotlib.step(state, dt);
 * }                                          // closed: an old version may now be unloaded
 * </pre>
 *
 * <p>A pin belongs to the thread that took it, and is closed there. After {@link #close}, {@link #binding}
 * throws {@link IllegalStateException}; a binding kept past its pin is like a pointer kept past a free: the
 * version it calls may be gone. A thread's outermost pin is one object, taken again by the thread's next pin
 * once closed, so that a tick allocates nothing: keep a pin for its span only, as {@code try} does. A pin taken
 * while the same thread holds one nests: it holds the same version.
 * A pin dropped without being closed is caught: the host tells of it once the garbage collector has
 * collected it, and lets go of it when its thread ends or takes its next pin, never during a call.
 *
 * @param <B> the binding's type
 */
public final class Pin<B> implements AutoCloseable {
    private final Readers.Reader<B> reader;
    private Readers.LoadedVersion<B> loaded;  // its thread's: set when the pin is taken
    private B binding;                        // that version's binding, one load away
    private boolean closed;
    // The last names defines() answered for this version, by reference, and the answers (bit i for asked<i>):
    // a tick that asks the same string constants each time reads them here, in the pin it already holds.
    private String asked0;
    private String asked1;
    private String asked2;
    private String asked3;
    private int definedBits;
    private int nextSlot;

    Pin(Readers.Reader<B> reader) {
        this.reader = reader;
    }

    void hold(Readers.LoadedVersion<B> version) {
        if (loaded != version) {  // taken again on the same version, the pin writes no reference
            loaded = version;
            binding = version.binding;
            asked0 = asked1 = asked2 = asked3 = null;
            definedBits = nextSlot = 0;
        }
        closed = false;
    }

    /** The binding of the version this pin holds: valid until the pin is closed. */
    public B binding() {
        if (closed) {
            throw new IllegalStateException(
                    "this pin on version " + loaded.version.number() + " was closed: take a new one");
        }
        return binding;
    }

    /**
     * Whether the version this pin holds exports {@code symbol}: for the functions a binding may lack. The
     * library is asked once per name and version; later answers cost a comparison.
     */
    public boolean defines(String symbol) {
        binding();
        int slot = symbol == asked0 ? 0 : symbol == asked1 ? 1 : symbol == asked2 ? 2 : symbol == asked3 ? 3 : -1;
        return slot >= 0 ? (definedBits & 1 << slot) != 0 : remember(symbol);
    }

    /** {@link #defines} for a name not among the last four asked: asks the version, and keeps the answer. */
    private boolean remember(String symbol) {
        boolean defined = loaded.defines(symbol);
        int slot = nextSlot;
        nextSlot = (slot + 1) & 3;
        switch (slot) {
            case 0 -> asked0 = symbol;
            case 1 -> asked1 = symbol;
            case 2 -> asked2 = symbol;
            default -> asked3 = symbol;
        }
        definedBits = defined ? definedBits | 1 << slot : definedBits & ~(1 << slot);
        return defined;
    }

    /** The version this pin holds. */
    public Version version() {
        return loaded.version;
    }

    /** Closes the pin, on the thread that took it: its version may now be unloaded. Twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            if (reader.owner != Thread.currentThread()) {
                throw new IllegalStateException("a pin is closed on the thread that took it");
            }
            closed = true;
            reader.unpin();
        }
    }
}
