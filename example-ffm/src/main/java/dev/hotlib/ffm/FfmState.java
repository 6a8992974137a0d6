package dev.hotlib.ffm;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The host's {@code hotlib_state}, a segment laid out by {@link #LAYOUT} in a shared arena of its own. Once it is
 * closed, a downcall refuses its segment with IllegalStateException ("Already closed"), and while a downcall
 * holds the segment the arena refuses to close: C never sees freed memory.
 */
public final class FfmState implements AutoCloseable {
    /** typedef struct hotlib_state { int64_t frame; double value; } hotlib_state; */
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("frame"),
            JAVA_DOUBLE.withName("value")).withName("hotlib_state");
    private static final VarHandle FRAME = LAYOUT.varHandle(PathElement.groupElement("frame"));
    private static final VarHandle VALUE = LAYOUT.varHandle(PathElement.groupElement("value"));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment = arena.allocate(LAYOUT); // zeroed

    /** A zeroed state (the program makes one and hands it to the host). */
    public FfmState() {}

    /** The struct, to pass to C. */
    MemorySegment segment() {
        return segment;
    }

    public long frame() {
        return (long) FRAME.get(segment, 0L);
    }

    public double value() {
        return (double) VALUE.get(segment, 0L);
    }

    /** Frees the struct; twice is harmless. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "frame " + frame() + ", value " + value();
    }
}
