package dev.hotlib.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * The host's {@code hotlib_state}: 16 bytes of native memory, allocated zeroed once, that never move. Every
 * version's {@code update} gets their address, so the state survives every reload.
 *
 * <p>The native memory is the only truth: {@link #frame()} and {@link #value()} read it. Not a JNA
 * {@code Structure}, which keeps public Java fields beside the memory and copies between the two by reflection
 * around every call: the fields then say something else than the memory whenever a copy is skipped or stale.
 */
public final class JnaState implements AutoCloseable {
    /** typedef struct hotlib_state { int64_t frame; double value; } hotlib_state; */
    private static final long FRAME = 0;  // int64_t frame;
    private static final long VALUE = 8;  // double value;
    private static final long SIZE = 16;

    private final Memory memory = new Memory(SIZE);
    private boolean freed;

    /** Zeroed native memory. */
    public JnaState() {
        memory.clear();  // JNA's Memory is malloc()ed, not zeroed
    }

    /** The {@code hotlib_state *} every version's update() receives. */
    Pointer pointer() {
        checkNotFreed();
        return memory;
    }

    public long frame() {
        checkNotFreed();
        return memory.getLong(FRAME);
    }

    public double value() {
        checkNotFreed();
        return memory.getDouble(VALUE);
    }

    @Override
    public String toString() {
        return "frame " + frame() + ", value " + value();
    }

    /** Frees the native memory now rather than when the garbage collector gets to it. Twice is harmless. */
    @Override
    public void close() {
        if (!freed) {
            freed = true;
            memory.close();
        }
    }

    /** A freed Memory's address is 0: passing it on would have the library write through NULL. */
    private void checkNotFreed() {
        if (freed) {
            throw new IllegalStateException("the hotlib_state was freed");
        }
    }
}
