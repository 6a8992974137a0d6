package dev.hotlib.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hotlib.core.Abi;
import dev.hotlib.core.ForGoodSites;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LoadException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded version of the library, with the JDK's Foreign Function &amp; Memory API.
 *
 * <p>Not {@code SymbolLookup.libraryLookup}: it opens the library lazily (RTLD_LAZY), so a function that is
 * declared but defined nowhere loads fine and kills the JVM at its first call, and its shared arena's close
 * performs a handshake with every thread. Instead this calls dlopen() itself, through FFM, with RTLD_NOW.
 * Each function's downcall handle is bound once, for the whole program, without an address; each version
 * keeps only its symbols' addresses. The host's pins, not an arena, keep a version mapped while it is called.
 */
public final class FfmHotlib implements Guest<FfmState> {

    // 1. The binding: hotlib.h's functions, each a downcall handle that takes the function's address first.
    static final class Binding {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final FunctionDescriptor INT32 = FunctionDescriptor.of(JAVA_INT);
        static final MethodHandle ABI_VERSION = LINKER.downcallHandle(INT32);  // int32_t abi_version(void);
        static final MethodHandle FOO = LINKER.downcallHandle(INT32);          // int32_t foo(void);
        static final MethodHandle BAR = LINKER.downcallHandle(INT32);          // int32_t bar(void);
        // const char *greeting(void);
        static final MethodHandle GREETING = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS));
        // void update(hotlib_state *state);
        static final MethodHandle UPDATE = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));

        // <dlfcn.h>, from the C library the JVM already has loaded.
        private static final SymbolLookup LIBC = LINKER.defaultLookup();
        // void *dlopen(const char *file, int mode);
        static final MethodHandle DLOPEN = LINKER.downcallHandle(LIBC.find("dlopen").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        // void *dlsym(void *handle, const char *name);
        static final MethodHandle DLSYM = LINKER.downcallHandle(LIBC.find("dlsym").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        // int dlclose(void *handle);
        static final MethodHandle DLCLOSE = LINKER.downcallHandle(LIBC.find("dlclose").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // char *dlerror(void);
        static final MethodHandle DLERROR = LINKER.downcallHandle(LIBC.find("dlerror").orElseThrow(),
                FunctionDescriptor.of(ADDRESS));
        // The same five with Linker.Option.critical(false), for loadCritical: no thread-state transition.
        static final class Critical {
            private static final Linker.Option CRITICAL = Linker.Option.critical(false);
            static final MethodHandle ABI_VERSION = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT), CRITICAL);
            static final MethodHandle FOO = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT), CRITICAL);
            static final MethodHandle BAR = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT), CRITICAL);
            static final MethodHandle GREETING = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS), CRITICAL);
            static final MethodHandle UPDATE = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS), CRITICAL);

            private Critical() {}
        }

        static final int RTLD_NOW = 0x2;       // <dlfcn.h> on Linux
        static final int RTLD_NOLOAD = 0x4;
        static final int RTLD_LOCAL = 0;

        private Binding() {}
    }

    private final Path file;
    private final MemorySegment library;     // void *handle, from dlopen()
    private final MemorySegment abiVersion;  // the symbols' addresses
    private final MemorySegment foo;
    private final MemorySegment bar;         // NULL when this version does not export bar
    private final MemorySegment greeting;
    private final MemorySegment update;
    private final boolean critical;          // calls through Binding.Critical's handles
    private boolean closed;

    // 2. Load and probe.

    /** dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL and looks up every function of hotlib.h. */
    public static FfmHotlib load(Path file) throws LoadException {
        return load(file, false);
    }

    /**
     * {@link #load}, with every call made with {@code Linker.Option.critical(false)}: no transition out of
     * Java, so a call that runs long or blocks holds up the garbage collector. Public for the benchmarks.
     */
    public static FfmHotlib loadCritical(Path file) throws LoadException {
        return load(file, true);
    }

    /**
     * {@link #load}, then binds each function for good, for release mode: see {@link ForGood}. One version at a
     * time: while one is bound, another is refused with a LoadException that says so.
     */
    public static Guest<FfmState> loadForGood(Path file) throws LoadException {
        return ForGood.bind(file);
    }

    private static FfmHotlib load(Path file, boolean critical) throws LoadException {
        MemorySegment library = dlopen(file, Binding.RTLD_NOW | Binding.RTLD_LOCAL);
        if (library.equals(MemorySegment.NULL)) {
            throw new LoadException("it could not be loaded (" + dlerror(file) + ")");
        }
        try {
            return new FfmHotlib(file, library, critical);
        } catch (LoadException | RuntimeException | Error e) {
            dlclose(library);
            throw e;
        }
    }

    private FfmHotlib(Path file, MemorySegment library, boolean critical) throws LoadException {
        this.file = file;
        this.critical = critical;
        this.library = library;
        this.abiVersion = required(library, "abi_version");
        this.foo = required(library, "foo");
        this.bar = dlsym(library, Abi.OPTIONAL_SYMBOL);
        this.greeting = required(library, "greeting");
        this.update = required(library, "update");
    }

    private static MemorySegment required(MemorySegment library, String name) throws LoadException {
        MemorySegment address = dlsym(library, name);
        if (address.equals(MemorySegment.NULL)) {
            throw LoadException.missingSymbol(name);
        }
        return address;
    }

    // 3. The calls: a plain call into this version.

    @Override
    public int abiVersion() {
        checkOpen();
        try {
            return critical ? (int) Binding.Critical.ABI_VERSION.invokeExact(abiVersion)
                    : (int) Binding.ABI_VERSION.invokeExact(abiVersion);
        } catch (Throwable t) {
            throw failed("abi_version", t);
        }
    }

    @Override
    public int foo() {
        checkOpen();
        try {
            return critical ? (int) Binding.Critical.FOO.invokeExact(foo) : (int) Binding.FOO.invokeExact(foo);
        } catch (Throwable t) {
            throw failed("foo", t);
        }
    }

    @Override
    public OptionalInt bar() {
        checkOpen();
        if (bar.equals(MemorySegment.NULL)) {
            return OptionalInt.empty();
        }
        try {
            int answer = critical ? (int) Binding.Critical.BAR.invokeExact(bar) : (int) Binding.BAR.invokeExact(bar);
            return OptionalInt.of(answer);
        } catch (Throwable t) {
            throw failed("bar", t);
        }
    }

    @Override
    public Optional<String> greeting() {
        checkOpen();
        MemorySegment text;
        try {
            text = critical ? (MemorySegment) Binding.Critical.GREETING.invokeExact(greeting)
                    : (MemorySegment) Binding.GREETING.invokeExact(greeting);
        } catch (Throwable t) {
            throw failed("greeting", t);
        }
        // A zero-length segment comes back: read up to the NUL while this version is mapped.
        return text.equals(MemorySegment.NULL) ? Optional.empty()
                : Optional.of(text.reinterpret(Long.MAX_VALUE).getString(0));
    }

    @Override
    public void update(FfmState state) {
        checkOpen();
        try {
            if (critical) {
                Binding.Critical.UPDATE.invokeExact(update, state.segment());
            } else {
                Binding.UPDATE.invokeExact(update, state.segment());
            }
        } catch (Throwable t) {
            throw failed("update", t);
        }
    }

    // 4. Unload.

    /** dlclose()s this version; every call then throws IllegalStateException. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (dlclose(library) != 0) {
                throw new IllegalStateException("dlclose() failed: " + dlerror(file));
            }
        }
    }

    /** Asks the loader, without loading anything, whether it still has this version. */
    @Override
    public boolean stillLoaded() {
        MemorySegment again = dlopen(file, Binding.RTLD_NOW | Binding.RTLD_NOLOAD);
        if (again.equals(MemorySegment.NULL)) {
            return false;
        }
        dlclose(again);
        return true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("version " + file + " was unloaded");
        }
    }

    private static IllegalStateException failed(String function, Throwable t) {
        return t instanceof IllegalStateException e ? e : new IllegalStateException(function + "() failed", t);
    }

    private static MemorySegment dlopen(Path file, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return (MemorySegment) Binding.DLOPEN.invokeExact(arena.allocateFrom(file.toString()), mode);
        } catch (Throwable t) {
            throw new IllegalStateException("dlopen() failed", t);
        }
    }

    private static MemorySegment dlsym(MemorySegment library, String name) {
        try {
            return (MemorySegment) Binding.DLSYM.invokeExact(library, cString(name));
        } catch (Throwable t) {
            throw new IllegalStateException("dlsym() failed", t);
        }
    }

    /** The functions' names as C strings, made once for every version's dlsym() (a few bytes, never freed). */
    private static final Map<String, MemorySegment> NAMES = new ConcurrentHashMap<>();

    private static MemorySegment cString(String name) {
        return NAMES.computeIfAbsent(name, n -> Arena.global().allocateFrom(n));
    }

    private static int dlclose(MemorySegment library) {
        try {
            return (int) Binding.DLCLOSE.invokeExact(library);
        } catch (Throwable t) {
            throw new IllegalStateException("dlclose() failed", t);
        }
    }

    /** What the loader said last, without the file's path it starts with. */
    private static String dlerror(Path file) {
        try {
            MemorySegment message = (MemorySegment) Binding.DLERROR.invokeExact();
            if (message.equals(MemorySegment.NULL)) {
                return "the loader gave no reason";
            }
            String text = message.reinterpret(Long.MAX_VALUE).getString(0);
            return text.startsWith(file + ": ") ? text.substring(file.toString().length() + 2) : text;
        } catch (Throwable t) {
            return "the loader gave no reason";
        }
    }

    // 5. Release mode: one version, bound for good.

    /**
     * The version of release mode, which nothing replaces. Its calls do not pass the address as {@link #load}'s
     * do: each function's handle, bound to its address, is the target of a process-wide call site whose invoker
     * is a static final handle, which the JIT inlines as it inlines a static binding (see {@link ForGoodSites}:
     * one version at a time; at close the sites throw IllegalStateException before dlclose()).
     */
    static final class ForGood implements Guest<FfmState> {
        private static final ForGoodSites SITES = new ForGoodSites(
                MethodType.methodType(int.class), MethodType.methodType(int.class), MethodType.methodType(int.class),
                MethodType.methodType(MemorySegment.class), MethodType.methodType(void.class, MemorySegment.class));
        static final MethodHandle ABI_VERSION = SITES.invoker(0);  // int32_t abi_version(void);
        static final MethodHandle FOO = SITES.invoker(1);          // int32_t foo(void);
        static final MethodHandle BAR = SITES.invoker(2);          // int32_t bar(void);
        static final MethodHandle GREETING = SITES.invoker(3);     // const char *greeting(void);
        static final MethodHandle UPDATE = SITES.invoker(4);       // void update(hotlib_state *state);

        private final FfmHotlib version;
        private final Object claim;  // what holds the sites for this version
        private final boolean hasBar;
        // A plain field, as in FfmHotlib: after close this guest's calls throw, even once the sites call another.
        private boolean closed;

        private ForGood(FfmHotlib version, Object claim) {
            this.version = version;
            this.claim = claim;
            this.hasBar = !version.bar.equals(MemorySegment.NULL);
        }

        static ForGood bind(Path file) throws LoadException {
            Object claim = SITES.claim(file);  // refused while another version is bound
            FfmHotlib version;
            try {
                version = load(file);
            } catch (LoadException | RuntimeException | Error e) {
                SITES.release(claim);
                throw e;
            }
            ForGood guest = new ForGood(version, claim);
            try {
                SITES.bind(claim, downcall(version.abiVersion, FunctionDescriptor.of(JAVA_INT)),
                        downcall(version.foo, FunctionDescriptor.of(JAVA_INT)),
                        guest.hasBar ? downcall(version.bar, FunctionDescriptor.of(JAVA_INT)) : null,
                        downcall(version.greeting, FunctionDescriptor.of(ADDRESS)),
                        downcall(version.update, FunctionDescriptor.ofVoid(ADDRESS)));
            } catch (RuntimeException | Error e) {
                SITES.release(claim);
                version.close();
                throw e;
            }
            return guest;
        }

        /** A handle bound to the function at {@code address}, which the pins and this guest keep mapped. */
        private static MethodHandle downcall(MemorySegment address, FunctionDescriptor function) {
            return Binding.LINKER.downcallHandle(address, function);
        }

        @Override
        public int abiVersion() {
            checkOpen();
            try {
                return (int) ABI_VERSION.invokeExact();
            } catch (Throwable t) {
                throw failed("abi_version", t);
            }
        }

        @Override
        public int foo() {
            checkOpen();
            try {
                return (int) FOO.invokeExact();
            } catch (Throwable t) {
                throw failed("foo", t);
            }
        }

        @Override
        public OptionalInt bar() {
            checkOpen();
            if (!hasBar) {
                return OptionalInt.empty();
            }
            try {
                return OptionalInt.of((int) BAR.invokeExact());
            } catch (Throwable t) {
                throw failed("bar", t);
            }
        }

        @Override
        public Optional<String> greeting() {
            checkOpen();
            MemorySegment text;
            try {
                text = (MemorySegment) GREETING.invokeExact();
            } catch (Throwable t) {
                throw failed("greeting", t);
            }
            return text.equals(MemorySegment.NULL) ? Optional.empty()
                    : Optional.of(text.reinterpret(Long.MAX_VALUE).getString(0));
        }

        @Override
        public void update(FfmState state) {
            checkOpen();
            try {
                UPDATE.invokeExact(state.segment());
            } catch (Throwable t) {
                throw failed("update", t);
            }
        }

        /** Retargets the sites to throw, then dlclose()s: a later version may be bound. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                SITES.release(claim);
                version.close();
            }
        }

        @Override
        public boolean stillLoaded() {
            return version.stillLoaded();
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("version " + version.file + " was unloaded");
            }
        }
    }
}
