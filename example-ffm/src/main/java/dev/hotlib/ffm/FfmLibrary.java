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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SwitchPoint;
import java.nio.charset.StandardCharsets;
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
 * A binding of the library's functions extends {@link Binding}.
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
    private final SwitchPoint mapped = new SwitchPoint();  // valid while this version is mapped
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
    public static <B extends Binding> Guest<B> load(LibraryFile file, Binder<B> bind, Probe<B> probe)
            throws LoadException {
        FfmLibrary library = open(file);
        return Guest.bind(library, () -> {
            B binding = bind.bind(library);
            List<String> missing = ((Binding) binding).missing;
            if (!missing.isEmpty()) {
                throw LoadException.missing(missing);
            }
            probe.check(new Guest<>(library, binding));
            return binding;
        });
    }

    /** {@link #load(LibraryFile, Binder, Probe)} with no probe. */
    public static <B extends Binding> Guest<B> load(LibraryFile file, Binder<B> bind) throws LoadException {
        return load(file, bind, guest -> {});
    }

    /**
     * A downcall handle to the function {@code name}, or null when this version does not export it; refuses a
     * symbol exported as data, which a call would jump into. Once this version is unloaded the handle throws
     * IllegalStateException instead of jumping into unmapped code: it is guarded by a {@link SwitchPoint} that
     * {@link #close} invalidates before dlclose(), a guard the JIT compiles to nothing until then.
     */
    public MethodHandle function(String name, FunctionDescriptor function, Linker.Option... options)
            throws LoadException {
        file.checkFunction(name);
        MemorySegment address = dlsym(name);
        if (address.equals(MemorySegment.NULL)) {
            return null;
        }
        MethodType type = function.toMethodType();
        return mapped.guardWithTest(LINKER.downcallHandle(address, function, options), thrower(type,
                new IllegalStateException(name + "() of " + file.path().getFileName() + " was unloaded")));
    }

    /**
     * This version's address of the function {@code name}, in the global scope, or null when it does not export
     * it; refuses a symbol exported as data, which a call would jump into.
     */
    long address(String name) throws LoadException {
        file.checkFunction(name);
        return dlsym(name).address();
    }

    /** A handle of {@code type} that throws {@code error}. */
    static MethodHandle thrower(MethodType type, IllegalStateException error) {
        return MethodHandles.dropArguments(MethodHandles.insertArguments(
                MethodHandles.throwException(type.returnType(), IllegalStateException.class), 0, error),
                0, type.parameterList());
    }

    @Override
    public boolean defines(String symbol) {
        return !dlsym(symbol).equals(MemorySegment.NULL);
    }

    @Override
    public Path path() {
        return file.path();
    }

    /** dlclose()s this version; twice is harmless. Its handles must not be called any more. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            for (long[] addresses : bound) {
                java.util.Arrays.fill(addresses, 0);  // a binding kept past its pin throws from now on
            }
            SwitchPoint.invalidateAll(new SwitchPoint[] {mapped});  // every handle of this version throws from now
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
        String text = Binding.string(message).lines().findFirst().orElse("").strip();
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
            throw Binding.fail(t);
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

    /**
     * One function of a binding: its name, its C signature, whether a version must export it, and one downcall
     * handle for every version, which takes the version's address of the function as its first argument. A record,
     * so that a {@code static final} one is a constant to the JIT, and so is its handle: a call through it costs
     * what a static binding's does.
     */
    public record Function(String name, FunctionDescriptor descriptor, boolean required, MethodHandle handle,
                           int index) {}

    private static final MethodHandle OF_ADDRESS;

    static {
        try {
            OF_ADDRESS = MethodHandles.lookup().findStatic(MemorySegment.class, "ofAddress",
                    MethodType.methodType(MemorySegment.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger FUNCTIONS =
            new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A binding's base class. Each function is a {@code static final} {@link Function}, and a method that calls it
     * with this version's address of it:
     * <pre>
     * private static final Function FOO = required("foo", FunctionDescriptor.of(JAVA_INT));  // int32_t foo(void);
     * public int foo() {
     *     try { return (int) FOO.handle().invokeExact(at(FOO)); } catch (Throwable t) { throw fail(t); }
     * }
     * </pre>
     * The constructor finds every such constant of the subclass in the version given to it.
     */
    public abstract static class Binding {
        private final FfmLibrary library;
        private final long[] addresses;  // by Function.index; 0 where this version lacks the function
        private final List<String> missing = new ArrayList<>();

        protected Binding(FfmLibrary library) throws LoadException {
            this.library = library;
            this.addresses = new long[FUNCTIONS.get()];
            synchronized (library) {
                library.bound.add(addresses);
            }
            for (java.lang.reflect.Field field : getClass().getDeclaredFields()) {
                if (field.getType() == Function.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                    Function function;
                    try {
                        field.setAccessible(true);
                        function = (Function) field.get(null);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                    long address = library.address(function.name());
                    if (address == 0 && function.required()) {
                        missing.add(function.name());
                    }
                    addresses[function.index()] = address;
                }
            }
        }

        /**
         * A downcall handle for {@code function} at any address, which takes the address as a {@code long} first:
         * the segment it wraps the address in is the JIT's to elide, with the checks on it.
         */
        private static MethodHandle byAddress(FunctionDescriptor function, Linker.Option... options) {
            return MethodHandles.filterArguments(LINKER.downcallHandle(function, options), 0, OF_ADDRESS);
        }

        /** A function the binding needs: when a version lacks it, {@link #load} refuses the version. */
        protected static Function required(String name, FunctionDescriptor function, Linker.Option... options) {
            return new Function(name, function, true, byAddress(function, options), FUNCTIONS.getAndIncrement());
        }

        /** A function a version may lack: calling it then throws IllegalStateException. */
        protected static Function optional(String name, FunctionDescriptor function, Linker.Option... options) {
            return new Function(name, function, false, byAddress(function, options), FUNCTIONS.getAndIncrement());
        }

        /**
         * This version's address of {@code function}, to call it now; throws IllegalStateException when this
         * version lacks it, or was unloaded (a binding kept past its pin: {@link #close} clears the addresses
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
            boolean unloaded;
            synchronized (library) {
                unloaded = library.closed;
            }
            return new IllegalStateException(function.name() + "() " + (unloaded ? "of " : "is not defined by ")
                    + library.path().getFileName() + (unloaded ? " was unloaded" : ""));
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
    }
}
