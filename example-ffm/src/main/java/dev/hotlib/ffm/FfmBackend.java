package dev.hotlib.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Backend;
import dev.hotlib.core.LoadException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** Loads one version with {@link SymbolLookup#libraryLookup}, into an arena of its own. */
public final class FfmBackend implements Backend<FfmState> {

    @Override
    public String name() {
        return "FFM";
    }

    @Override
    public FfmState newState() {
        return new FfmState();
    }

    /** dlopen()s the copy into a new arena: closing that arena (in {@link FfmGuest#close}) dlclose()s it. */
    @Override
    public FfmGuest load(Path copy) throws LoadException {
        // Shared, not confined: the host's other threads may call into this version too.
        Arena arena = Arena.ofShared();
        try {
            return new FfmGuest(arena, SymbolLookup.libraryLookup(copy, arena));
        } catch (IllegalArgumentException notALibrary) {
            arena.close();
            throw new LoadException("it could not be loaded (" + loaderError(copy) + ")", notALibrary);
        } catch (LoadException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Why the dynamic loader refuses {@code file}. libraryLookup's exception only says "Cannot open library",
     * and the JDK has already consumed dlerror(), so ask dlopen once more, through FFM, and read dlerror().
     */
    private static String loaderError(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) DLOPEN.invokeExact(arena.allocateFrom(file.toString()), RTLD_NOW);
            if (!handle.equals(MemorySegment.NULL)) {
                int ignored = (int) DLCLOSE.invokeExact(handle);
                return "the loader refused it once, then accepted it";
            }
            String message = ((MemorySegment) DLERROR.invokeExact()).reinterpret(Long.MAX_VALUE).getString(0);
            return message.startsWith(file + ": ") ? message.substring(file.toString().length() + 2) : message;
        } catch (Throwable t) {
            return "the loader gave no reason";
        }
    }

    private static final int RTLD_NOW = 2;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    // void *dlopen(const char *filename, int flags);
    private static final MethodHandle DLOPEN = LINKER.downcallHandle(LIBC.find("dlopen").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    // int dlclose(void *handle);
    private static final MethodHandle DLCLOSE = LINKER.downcallHandle(LIBC.find("dlclose").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // char *dlerror(void);
    private static final MethodHandle DLERROR = LINKER.downcallHandle(LIBC.find("dlerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS));
}
