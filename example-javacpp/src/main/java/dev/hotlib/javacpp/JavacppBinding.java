package dev.hotlib.javacpp;

import dev.hotlib.core.Constants;
import dev.hotlib.core.LoadException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A binding's base class, over one version opened by {@link JavacppLibrary}. Each function is a
 * {@code static final} {@link Function}, and a method that hands this version's address of it to a native of the
 * function's C signature, which calls it:
 * <pre>
 * {@literal @}Name("HOTLIB_CALL") static native int int32({@literal @}Cast("int32_t (*)(void)") long function);
 * private static final Function FOO = required("foo");  // int32_t foo(void);
 * public int foo() { return int32(at(FOO)); }
 * </pre>
 * {@code HOTLIB_CALL(function, args...)} is {@link JavacppLibrary.Dlfcn}'s macro: it calls {@code function} with
 * the arguments, so that one native serves every function of its signature, in every version. The constructor
 * finds every such constant of the subclass in the version given to it.
 */
public abstract class JavacppBinding {
    /**
     * One function of a binding: its name, whether a version must export it, and its slot in each version's
     * addresses. A {@code static final} one is a constant to the JIT.
     */
    public record Function(String name, boolean required, int index) {}

    private static final AtomicInteger FUNCTIONS = new AtomicInteger();

    private final JavacppLibrary library;
    private final long[] addresses;  // by Function.index; 0 where this version lacks the function
    final List<String> missing = new ArrayList<>();  // the required functions this version lacks

    protected JavacppBinding(JavacppLibrary library) throws LoadException {
        this.library = library;
        this.addresses = library.bind(new long[FUNCTIONS.get()]);
        for (Function function : Constants.of(getClass(), Function.class)) {
            long address = library.address(function.name());
            if (address == 0 && function.required()) {
                missing.add(function.name());
            }
            addresses[function.index()] = address;
        }
    }

    /** A function the binding needs: when a version lacks it, {@link JavacppLibrary#load} refuses the version. */
    protected static Function required(String name) {
        return new Function(name, true, FUNCTIONS.getAndIncrement());
    }

    /** A function a version may lack: calling it then throws IllegalStateException. */
    protected static Function optional(String name) {
        return new Function(name, false, FUNCTIONS.getAndIncrement());
    }

    /** Refuses a version once it is bound and has every required function: a probe such as an ABI check. */
    protected void check() throws LoadException {}

    /** Whether this version exports {@code function}. */
    protected final boolean defines(Function function) {
        return addresses[function.index()] != 0;
    }

    /**
     * This version's address of {@code function}, to call it now; throws IllegalStateException when this version
     * lacks it, or was unloaded (a binding kept past its pin: {@link JavacppLibrary#close} zeroes the addresses
     * before dlclose()), instead of jumping into unmapped code.
     */
    protected final long at(Function function) {
        long address = addresses[function.index()];
        if (address == 0) {
            throw missing(function);
        }
        return address;
    }

    private IllegalStateException missing(Function function) {
        boolean unloaded = library.isClosed();
        return new IllegalStateException(function.name() + "() " + (unloaded ? "of " : "is not defined by ")
                + library.path().getFileName() + (unloaded ? " was unloaded" : ""));
    }
}
