package dev.hotlib.jnr;

/**
 * The host's {@code hotlib_state}, a jnr-ffi struct in native memory the host allocates once and frees at
 * {@link #close} (see {@link JnrBinding.NativeStruct}): a second close frees nothing, and a closed state is
 * refused with IllegalStateException, by its getters and by {@link JnrDemo#update}, before C could see it.
 */
public final class JnrState extends JnrBinding.NativeStruct {
    /** typedef struct hotlib_state { int64_t frame; double value; } hotlib_state; */
    private final Signed64 frame = new Signed64();
    private final Double value = new Double();

    /** A zeroed state (the host makes one; public for the benchmarks). */
    public JnrState() {
        allocate();
    }

    public long frame() {
        return frame.get();
    }

    public double value() {
        return value.get();
    }

    @Override
    public java.lang.String toString() {  // a Struct has a String field type of its own
        return "frame " + frame() + ", value " + value();
    }
}
