package dev.hotlib.javacpp;

import dev.hotlib.core.HotlibState;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * The host's {@code hotlib_state}, mapped the JavaCPP way: a {@link Pointer} to the C struct whose native
 * getters read its fields. Allocated once with C++ {@code new}, freed by {@link #close}, never by the garbage
 * collector. Its JNI code goes into the same library as {@link JavacppHotlib.Binding}, whose properties it
 * inherits (hotlib.h comes from there).
 */
@Name("hotlib_state")  // typedef struct hotlib_state { int64_t frame; double value; } hotlib_state;
@Properties(inherit = JavacppHotlib.Binding.class)
final class JavacppState extends Pointer implements HotlibState {
    static {
        Loader.load();
    }

    /** {@code new hotlib_state()}, zeroed. */
    JavacppState() {
        allocate();
        deallocate(false);  // the host owns it: the GC must never free it behind the host's back
    }

    private native void allocate();

    @Override
    @MemberGetter
    public native @Cast("int64_t") long frame();  // int64_t frame;

    @Override
    @MemberGetter
    public native double value();                 // double  value;

    /** Frees the struct now (delete). */
    @Override
    public void close() {
        deallocate();
    }
}
