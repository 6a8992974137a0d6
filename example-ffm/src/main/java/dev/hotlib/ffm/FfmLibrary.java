package dev.hotlib.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Library;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One version of a library, opened with the JDK's Foreign Function &amp; Memory API, knowing none of its functions.
 *
 * <p>Not {@code SymbolLookup.libraryLookup}: it opens the library lazily (RTLD_LAZY), so a function that is
 * declared but defined nowhere loads fine and kills the JVM at its first call, and its shared arena makes every
 * call acquire and release the arena. This calls dlopen() itself, through FFM, with RTLD_NOW, and wraps each
 * function's address in the global scope: the host's pins, not an arena, keep a version mapped while it is called.
 * A binding of the library's functions extends {@link FfmBinding}.
 */
public final class FfmLibrary implements Library {
    private static final Linker LINKER = Linker.nativeLinker();
    // <dlfcn.h>, from the C library the JVM already has loaded.
    private static final MethodHandle DLOPEN = libc("dlopen", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle DLSYM = libc("dlsym", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle DLCLOSE = libc("dlclose", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle DLERROR = libc("dlerror", FunctionDescriptor.of(ADDRESS));
    private static final int RTLD_NOW = 0x2;  // <dlfcn.h> on Linux
    private static final int RTLD_NOLOAD = 0x4;
    private static final int RTLD_LOCAL = 0;
    /** The functions' names as C strings, made once for every version's dlsym() (a few bytes, never freed). */
    private static final Map<String, MemorySegment> NAMES = new ConcurrentHashMap<>();

    private final LibraryFile file;
    private final MemorySegment handle;  // void *, from dlopen()
    private final List<long[]> bound = new ArrayList<>();  // its bindings' addresses, zeroed at close
    private boolean closed;

    private FfmLibrary(LibraryFile file, MemorySegment handle) {
        this.file = file;
        this.handle = handle;
    }

    /** dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL: every reference it makes is resolved now, or it fails. */
    public static FfmLibrary open(LibraryFile file) throws LoadException {
        MemorySegment handle = dlopen(file.path(), RTLD_NOW | RTLD_LOCAL);
        if (handle.equals(MemorySegment.NULL)) {
            throw new LoadException("it could not be loaded (" + dlerror(file.path()) + ")");
        }
        return new FfmLibrary(file, handle);
    }

    /**
     * Opens {@code file}, binds it with {@code bind}, refuses it in one line if it lacks any required function,
     * then runs {@code probe}; closes the library when any of them fails.
     */
    public static <B extends FfmBinding> Guest<B> load(LibraryFile file, Binder<B> bind, Probe<B> probe)
            throws LoadException {
        FfmLibrary library = open(file);
        return Guest.bind(library, () -> {
            B binding = bind.bind(library);
            List<String> missing = binding.missing;
            if (!missing.isEmpty()) {
                throw LoadException.missing(missing);
            }
            probe.check(new Guest<>(library, binding));
            return binding;
        });
    }

    /** {@link #load(LibraryFile, Binder, Probe)} with no probe. */
    public static <B extends FfmBinding> Guest<B> load(LibraryFile file, Binder<B> bind) throws LoadException {
        return load(file, bind, guest -> {});
    }

    /**
     * This version's address of the function {@code name}, or 0 when it does not export it; refuses a symbol
     * exported as data, which a call would jump into.
     */
    public long address(String name) throws LoadException {
        file.checkFunction(name);
        return dlsym(name).address();
    }

    @Override
    public boolean defines(String symbol) {
        return !dlsym(symbol).equals(MemorySegment.NULL);
    }

    @Override
    public Path path() {
        return file.path();
    }

    /** Keeps a binding's addresses, to zero them before dlclose(). */
    synchronized long[] bind(long[] addresses) {
        bound.add(addresses);
        return addresses;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** dlclose()s this version; twice is harmless. Its handles must not be called any more. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            for (long[] addresses : bound) {
                java.util.Arrays.fill(addresses, 0);  // a binding kept past its pin throws from now on
            }
            if (call(() -> (int) DLCLOSE.invokeExact(handle)) != 0) {
                throw new IllegalStateException("dlclose() failed: " + dlerror(file.path()));
            }
        }
    }

    /** Asks the loader, without loading anything, whether it still has this version. */
    @Override
    public boolean stillLoaded() {
        MemorySegment again = dlopen(file.path(), RTLD_NOW | RTLD_NOLOAD);
        if (again.equals(MemorySegment.NULL)) {
            return false;
        }
        call(() -> (int) DLCLOSE.invokeExact(again));
        return true;
    }

    private synchronized MemorySegment dlsym(String name) {
        if (closed) {
            throw new IllegalStateException(file.path() + " was unloaded");
        }
        MemorySegment cName = NAMES.computeIfAbsent(name, n -> Arena.global().allocateFrom(n));
        return call(() -> (MemorySegment) DLSYM.invokeExact(handle, cName));
    }

    private static MemorySegment dlopen(Path file, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            return call(() -> (MemorySegment) DLOPEN.invokeExact(path, mode));
        }
    }

    /** What the loader said last, in one line, without the file's path it starts with. */
    private static String dlerror(Path file) {
        MemorySegment message = call(() -> (MemorySegment) DLERROR.invokeExact());
        if (message.equals(MemorySegment.NULL)) {
            return "the loader gave no reason";
        }
        String text = FfmBinding.string(message).lines().findFirst().orElse("").strip();
        return text.startsWith(file + ": ") ? text.substring(file.toString().length() + 2) : text;
    }

    private static MethodHandle libc(String name, FunctionDescriptor function) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), function);
    }

    private interface Call<T> {
        T call() throws Throwable;
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw FfmBinding.fail(t);
        }
    }

    /** Makes a binding of one version: usually its constructor, {@code FfmDemo::new}. */
    @FunctionalInterface
    public interface Binder<B> {
        B bind(FfmLibrary library) throws LoadException;
    }

    /** Checks a bound version before it is used (an ABI version, say), and refuses it by throwing. */
    @FunctionalInterface
    public interface Probe<B> {
        void check(Guest<B> guest) throws LoadException;
    }
}
