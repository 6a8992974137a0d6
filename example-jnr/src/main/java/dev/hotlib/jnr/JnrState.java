package dev.hotlib.jnr;

import com.kenai.jffi.MemoryIO;
import dev.hotlib.core.HotlibState;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/**
 * The host's {@code hotlib_state}, a jnr-ffi {@link Struct} backed by native memory the host allocates once.
 * jnr-ffi would free its own direct memory only when the garbage collector finalizes it, so the memory comes
 * from jffi (the layer under jnr-ffi) and {@link #close} frees it on demand.
 */
final class JnrState extends Struct implements HotlibState {
    private static final MemoryIO IO = MemoryIO.getInstance();

    /** typedef struct hotlib_state { int64_t frame; double value; } hotlib_state; */
    private final Signed64 frame = new Signed64();
    private final Double value = new Double();
    private final long address;

    JnrState() {
        super(Runtime.getSystemRuntime());
        int size = Struct.size(this);
        this.address = IO.allocateMemory(size, true); // zeroed
        useMemory(getRuntime().getMemoryManager().newPointer(address, size));
    }

    @Override
    public long frame() {
        return frame.get();
    }

    @Override
    public double value() {
        return value.get();
    }

    @Override
    public void close() {
        IO.freeMemory(address);
    }
}
