package dev.hotlib.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.hotlib.core.HotlibState;

/**
 * The host's {@code hotlib_state}: a JNA {@link Structure} whose native memory is allocated once, zeroed, when
 * the host makes it, and never moves. Every version's {@code update} gets a pointer to that same memory
 * (JNA passes a {@code Structure} argument by reference: {@code hotlib_state *}), so the state survives every
 * reload.
 *
 * <p>Native memory is the only truth. Auto-write is off, so a call never copies the Java fields over what
 * the library wrote; auto-read stays on, so after each {@code update} JNA copies the struct back into the
 * Java fields. {@link #frame()} and {@link #value()} read the native memory itself all the same.
 *
 * <p>Public, with public fields: JNA reads and writes the fields by reflection from its own package.
 */
@FieldOrder({"frame", "value"})
public final class JnaState extends Structure implements HotlibState {
    /** {@code int64_t frame;} */
    public long frame;
    /** {@code double value;} */
    public double value;

    private volatile boolean closed;

    /** Allocates the struct's 16 bytes, zeroed (JNA's auto-allocated {@link Memory} is cleared). */
    public JnaState() {
        setAutoWrite(false);
    }

    /** The native address every version's {@code update} receives. */
    Pointer address() {
        return getPointer();
    }

    @Override
    public long frame() {
        checkOpen();
        return (Long) readField("frame");
    }

    @Override
    public double value() {
        checkOpen();
        return (Double) readField("value");
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the hotlib_state was freed");
        }
    }

    /** Frees the native memory now rather than when the garbage collector gets to it. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ((Memory) getPointer()).close();
        }
    }
}
