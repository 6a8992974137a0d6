package dev.hotlib.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LoadException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One loaded version: a downcall handle per function of hotlib.h, bound to this version's symbols. The
 * handles belong to the version's arena: once it is closed they throw instead of jumping into unmapped code.
 */
final class FfmGuest implements Guest<FfmState> {
    private static final Linker LINKER = Linker.nativeLinker();

    private final Arena arena;
    private final MethodHandle abiVersion; // int32_t     abi_version(void);
    private final MethodHandle foo;        // int32_t     foo(void);
    private final Optional<MethodHandle> bar; // int32_t  bar(void);  (optional)
    private final MethodHandle greeting;   // const char *greeting(void);
    private final MethodHandle update;     // void        update(hotlib_state *state);

    FfmGuest(Arena arena, SymbolLookup library) throws LoadException {
        this.arena = arena;
        this.abiVersion = bind(library, "abi_version", FunctionDescriptor.of(JAVA_INT));
        this.foo = bind(library, "foo", FunctionDescriptor.of(JAVA_INT));
        this.bar = library.find("bar").map(address -> LINKER.downcallHandle(address, FunctionDescriptor.of(JAVA_INT)));
        this.greeting = bind(library, "greeting", FunctionDescriptor.of(ADDRESS));
        this.update = bind(library, "update", FunctionDescriptor.ofVoid(ADDRESS));
    }

    private static MethodHandle bind(SymbolLookup library, String name, FunctionDescriptor descriptor) throws LoadException {
        MemorySegment address = library.find(name).orElseThrow(() -> LoadException.missingSymbol(name));
        return LINKER.downcallHandle(address, descriptor);
    }

    @Override
    public int abiVersion() {
        try {
            return (int) abiVersion.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("abi_version() failed", t);
        }
    }

    @Override
    public int foo() {
        try {
            return (int) foo.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("foo() failed", t);
        }
    }

    @Override
    public OptionalInt bar() {
        if (bar.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of((int) bar.get().invokeExact());
        } catch (Throwable t) {
            throw new IllegalStateException("bar() failed", t);
        }
    }

    @Override
    public String greeting() {
        try {
            MemorySegment text = (MemorySegment) greeting.invokeExact();
            // A zero-length segment comes back; give it the version's lifetime and read up to the NUL.
            return text.reinterpret(Long.MAX_VALUE, arena, null).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("greeting() failed", t);
        }
    }

    @Override
    public void update(FfmState state) {
        try {
            update.invokeExact(state.segment());
        } catch (Throwable t) {
            throw new IllegalStateException("update() failed", t);
        }
    }

    /** Closing the arena dlclose()s this version; its handles now throw IllegalStateException. */
    @Override
    public void close() {
        arena.close();
    }
}
