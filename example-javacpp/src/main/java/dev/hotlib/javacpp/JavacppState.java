package dev.hotlib.javacpp;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * The host's {@code hotlib_state}, mapped the JavaCPP way: a {@link Pointer} to the C struct whose native
 * getters read its fields. Allocated once with C++ {@code new}, freed by {@link #close}, never by the garbage
 * collector. Its JNI code goes into the module's JNI library with {@link JavacppDemo}, whose properties it
 * inherits (hotlib.h comes from there).
 */
@Name("hotlib_state")  // typedef struct hotlib_state { int64_t frame; double value; } hotlib_state;
@Properties(inherit = JavacppDemo.class)
public final class JavacppState extends Pointer implements AutoCloseable {
    static {
        Loader.load();
    }

    /** {@code new hotlib_state()}, zeroed. */
    public JavacppState() {
        allocate();
        deallocate(false);  // its owner frees it: the GC must never free it behind the owner's back
    }

    private native void allocate();

    @MemberGetter
    public native @Cast("int64_t") long frame();  // int64_t frame;

    @MemberGetter
    public native double value();                 // double  value;

    /** Frees the struct now (delete); twice is harmless. */
    @Override
    public void close() {
        deallocate();
    }

    /** This state, to hand to C: a freed one would reach it as NULL, so it throws instead. */
    JavacppState live() {
        if (isNull()) {
            throw new IllegalStateException("the state was freed");
        }
        return this;
    }

    @Override
    public String toString() {
        return "frame " + frame() + ", value " + value();
    }
}
