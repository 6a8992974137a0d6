package dev.hotlib.ffm;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hotlib.core.HotlibState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/** The host's {@code hotlib_state}, a segment laid out by {@link #LAYOUT} in an arena the host owns. */
public final class FfmState implements HotlibState {
    /** typedef struct hotlib_state { int64_t frame; double value; } hotlib_state; */
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("frame"),
            JAVA_DOUBLE.withName("value")).withName("hotlib_state");
    private static final VarHandle FRAME = LAYOUT.varHandle(PathElement.groupElement("frame"));
    private static final VarHandle VALUE = LAYOUT.varHandle(PathElement.groupElement("value"));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment = arena.allocate(LAYOUT); // zeroed

    /** A zeroed state in a shared arena of its own (the host makes one; public for the benchmarks). */
    public FfmState() {}

    MemorySegment segment() {
        return segment;
    }

    @Override
    public long frame() {
        return (long) FRAME.get(segment, 0L);
    }

    @Override
    public double value() {
        return (double) VALUE.get(segment, 0L);
    }

    @Override
    public void close() {
        arena.close();
    }
}
