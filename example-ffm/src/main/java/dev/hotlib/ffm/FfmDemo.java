package dev.hotlib.ffm;

import static java.lang.foreign.FunctionDescriptor.of;
import static java.lang.foreign.FunctionDescriptor.ofVoid;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.lang.foreign.MemorySegment;

/**
 * The binding of c-lib/include/hotlib.h with FFM: a downcall handle per function for every version, which takes the
 * function's address in the version first, and a method that calls it. Only {@code foo} is required; a version may
 * lack the others, and the caller asks its pin ({@code pin.defines("bar")}) before calling one of them.
 */
public final class FfmDemo extends FfmBinding {
    /** The ABI version this host speaks: a version that defines abi_version() must return it. */
    public static final int ABI = 1;

    // hotlib.h, in its order: a function is a constant here and a method below.
    private static final Function ABI_VERSION = optional("abi_version", of(JAVA_INT));  // int32_t abi_version(void);
    private static final Function FOO = required("foo", of(JAVA_INT));                 // int32_t foo(void);
    private static final Function BAR = optional("bar", of(JAVA_INT));                 // int32_t bar(void);
    private static final Function GREETING = optional("greeting", of(ADDRESS));        // const char *greeting(void);
    private static final Function UPDATE = optional("update", ofVoid(ADDRESS));  // void update(hotlib_state *state);

    public int abiVersion() {
        try { return (int) ABI_VERSION.handle().invokeExact(at(ABI_VERSION)); } catch (Throwable t) { throw fail(t); }
    }

    public int foo() {
        try { return (int) FOO.handle().invokeExact(at(FOO)); } catch (Throwable t) { throw fail(t); }
    }

    public int bar() {
        try { return (int) BAR.handle().invokeExact(at(BAR)); } catch (Throwable t) { throw fail(t); }
    }

    /** The greeting, decoded as UTF-8 and copied while this version is mapped; null for NULL. */
    public String greeting() {
        try {
            return string((MemorySegment) GREETING.handle().invokeExact(at(GREETING)));
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** Throws IllegalStateException for a closed state, which C never sees. */
    public void update(FfmState state) {
        try { UPDATE.handle().invokeExact(at(UPDATE), state.segment()); } catch (Throwable t) { throw fail(t); }
    }

    private FfmDemo(FfmLibrary library) throws LoadException {
        super(library);  // finds the functions above in this version
    }

    /**
     * dlopen()s {@code file} and binds it; refuses it, in one line, when it lacks foo(), or when it defines
     * abi_version() and that does not return {@link #ABI}.
     */
    public static Guest<FfmDemo> load(LibraryFile file) throws LoadException {
        return FfmLibrary.load(file, FfmDemo::new, guest -> {
            int abi = guest.library().defines("abi_version") ? guest.binding().abiVersion() : ABI;
            if (abi != ABI) {
                throw new LoadException("abi_version() returned " + abi + ", this host needs " + ABI);
            }
        });
    }
}
