package dev.hotlib.ffm;

import dev.hotlib.core.Constants;
import dev.hotlib.core.LoadException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A binding's base class, over one version opened by {@link FfmLibrary}. Each function is a {@code static final}
 * {@link Function}, and a method that calls it with this version's address of it:
 * <pre>
 * private static final Function FOO = required("foo", FunctionDescriptor.of(JAVA_INT));  // int32_t foo(void);
 * public int foo() {
 *     try { return (int) FOO.handle().invokeExact(at(FOO)); } catch (Throwable t) { throw fail(t); }
 * }
 * </pre>
 * The constructor finds every such constant of the subclass in the version given to it.
 */
public abstract class FfmBinding {
    /**
     * One function of a binding: its name, its C signature, whether a version must export it, and one downcall
     * handle for every version, which takes the version's address of the function as its first argument. A record,
     * so that a {@code static final} one is a constant to the JIT, and so is its handle: a call through it costs
     * what a static binding's does.
     */
    public record Function(String name, FunctionDescriptor descriptor, boolean required, MethodHandle handle,
                           int index) {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OF_ADDRESS = ofAddress();
    private static final AtomicInteger FUNCTIONS = new AtomicInteger();

    private final FfmLibrary library;
    private final long[] addresses;  // by Function.index; 0 where this version lacks the function
    final List<String> missing = new ArrayList<>();  // the required functions this version lacks

    protected FfmBinding(FfmLibrary library) throws LoadException {
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

    /** A function the binding needs: when a version lacks it, {@link FfmLibrary#load} refuses the version. */
    protected static Function required(String name, FunctionDescriptor function, Linker.Option... options) {
        return new Function(name, function, true, byAddress(function, options), FUNCTIONS.getAndIncrement());
    }

    /** A function a version may lack: calling it then throws IllegalStateException. */
    protected static Function optional(String name, FunctionDescriptor function, Linker.Option... options) {
        return new Function(name, function, false, byAddress(function, options), FUNCTIONS.getAndIncrement());
    }

    /**
     * This version's address of {@code function}, to call it now; throws IllegalStateException when this version
     * lacks it, or was unloaded (a binding kept past its pin: {@link FfmLibrary#close} zeroes the addresses before
     * dlclose()), instead of jumping into unmapped code.
     */
    protected final long at(Function function) {
        long address = addresses[function.index()];
        if (address == 0) {
            throw missing(function);
        }
        return address;
    }

    /** A C string, decoded as UTF-8 (copied: do it while the version is mapped), or null for NULL. */
    protected static String string(MemorySegment text) {
        return text.equals(MemorySegment.NULL) ? null
                : text.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    /** For a call's {@code catch (Throwable t)}: what a downcall handle threw, unchecked. */
    protected static RuntimeException fail(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException e ? e : new IllegalStateException(t);
    }

    private IllegalStateException missing(Function function) {
        boolean unloaded = library.isClosed();
        return new IllegalStateException(function.name() + "() " + (unloaded ? "of " : "is not defined by ")
                + library.path().getFileName() + (unloaded ? " was unloaded" : ""));
    }

    /**
     * A downcall handle for {@code function} at any address, which takes the address as a {@code long} first: the
     * segment it wraps the address in is the JIT's to elide, with the checks on it.
     */
    private static MethodHandle byAddress(FunctionDescriptor function, Linker.Option... options) {
        return MethodHandles.filterArguments(LINKER.downcallHandle(function, options), 0, OF_ADDRESS);
    }

    private static MethodHandle ofAddress() {
        try {
            return MethodHandles.lookup().findStatic(MemorySegment.class, "ofAddress",
                    MethodType.methodType(MemorySegment.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
