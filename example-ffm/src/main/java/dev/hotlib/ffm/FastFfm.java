package dev.hotlib.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.invoke.MethodType.methodType;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Hooks;
import dev.hotlib.core.LoadException;
import dev.hotlib.core.Version;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The FFM fast path: {@link #foo()}, {@link #greeting()} and {@link #update} call the version the {@link
 * dev.hotlib.core.Host} swapped in last, without the host's lock. Each function is a {@link MutableCallSite}
 * held in a static final field, so the JIT inlines its target as it inlines a static final downcall handle,
 * and recompiles when a reload retargets it.
 *
 * <p>Safety comes from the arena discipline of the FFM API, not from a lock: each version's symbols belong to
 * its shared arena, and a downcall acquires the arena of its target for the length of the call. A reload
 * retargets the call sites first, then closes the old arena, which fails while a call is in flight; {@link
 * Backend#close} retries until the last one has returned, so no call ever runs in an unmapped version. A call
 * that fetched the old target just before the swap finds its arena closed, gets an IllegalStateException
 * before any native code runs, and is retried against the new target.
 *
 * <p>Differences from {@code Host.call}: one call at a time is atomic, not a batch (two calls in a row may be
 * answered by two versions); and the call sites are static, so one fast library per JVM. Use it with
 * {@code new Host<>(backend, options, backend.hooks(yourHooks))}: the hooks retarget the call sites when the
 * host swaps, so a version the host refuses is never called.
 */
public final class FastFfm {
    private static final MethodHandle NOT_LOADED = notLoaded();
    private static final MutableCallSite FOO = new MutableCallSite(NOT_LOADED.asType(methodType(int.class)));
    private static final MutableCallSite GREETING = new MutableCallSite(NOT_LOADED.asType(methodType(String.class)));
    private static final MutableCallSite UPDATE = new MutableCallSite(
            MethodHandles.dropArguments(NOT_LOADED.asType(methodType(void.class)), 0, MemorySegment.class));
    private static final MethodHandle FOO_CALL = FOO.dynamicInvoker();
    private static final MethodHandle GREETING_CALL = GREETING.dynamicInvoker();
    private static final MethodHandle UPDATE_CALL = UPDATE.dynamicInvoker();

    private FastFfm() {}

    /** {@code int32_t foo(void);} of the current version. */
    public static int foo() {
        MethodHandle called = FOO.getTarget(); // a constant once compiled, like the call below
        try {
            return (int) FOO_CALL.invokeExact();
        } catch (IllegalStateException e) {
            throwUnlessSwapped(FOO, called, e);
            return foo();
        } catch (Throwable t) {
            throw new IllegalStateException("foo() failed", t);
        }
    }

    /** {@code const char *greeting(void);} of the current version, copied while that version is mapped. */
    public static String greeting() {
        MethodHandle called = GREETING.getTarget();
        try {
            return (String) GREETING_CALL.invokeExact();
        } catch (IllegalStateException e) {
            throwUnlessSwapped(GREETING, called, e);
            return greeting();
        } catch (Throwable t) {
            throw new IllegalStateException("greeting() failed", t);
        }
    }

    /** {@code void update(hotlib_state *state);} of the current version. */
    static void update(FfmState state) {
        MethodHandle called = UPDATE.getTarget();
        try {
            UPDATE_CALL.invokeExact(state.segment());
        } catch (IllegalStateException e) {
            throwUnlessSwapped(UPDATE, called, e);
            update(state);
        } catch (Throwable t) {
            throw new IllegalStateException("update() failed", t);
        }
    }

    /**
     * A call failed with IllegalStateException: if a reload retargeted the site since the call fetched its
     * target, the call hit the old version's closed arena and is retried; otherwise the failure is real.
     */
    private static void throwUnlessSwapped(MutableCallSite site, MethodHandle called, IllegalStateException e) {
        if (site.getTarget() == called) {
            throw e;
        }
    }

    /** Points every call site at {@code version}'s handles (or at "not loaded" for null). */
    private static synchronized void retarget(FastGuest version) {
        FOO.setTarget(version == null ? NOT_LOADED.asType(FOO.type()) : version.foo);
        GREETING.setTarget(version == null ? NOT_LOADED.asType(GREETING.type()) : version.greeting);
        UPDATE.setTarget(version == null
                ? MethodHandles.dropArguments(NOT_LOADED.asType(methodType(void.class)), 0, MemorySegment.class)
                : version.update);
        MutableCallSite.syncAll(new MutableCallSite[] {FOO, GREETING, UPDATE});
    }

    private static MethodHandle notLoaded() {
        try {
            return MethodHandles.lookup().findStatic(FastFfm.class, "throwNotLoaded", methodType(Object.class));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object throwNotLoaded() {
        throw new IllegalStateException("no version of the library is loaded");
    }

    /**
     * Loads each version like {@link FfmBackend} (its own shared arena), and binds the handles the fast call
     * sites take. {@code critical} links them with {@link Linker.Option#critical}(false): no thread-state
     * transition, for functions that are short and never block or call back into Java, as hotlib.h's are.
     */
    public static final class Backend implements dev.hotlib.core.Backend<FfmState> {
        private final FfmBackend plain = new FfmBackend();
        private final Linker.Option[] options;
        private FastGuest loaded; // the version load() returned last: the one beforeSwap is about to swap in

        public Backend(boolean critical) {
            this.options = critical ? new Linker.Option[] {Linker.Option.critical(false)} : new Linker.Option[0];
        }

        @Override
        public String name() {
            return "FFM fast path";
        }

        @Override
        public FfmState newState() {
            return plain.newState();
        }

        @Override
        public Guest<FfmState> load(Path copy) throws LoadException {
            Arena arena = Arena.ofShared();
            try {
                loaded = new FastGuest(arena, SymbolLookup.libraryLookup(copy, arena), options);
                return loaded;
            } catch (IllegalArgumentException notALibrary) {
                arena.close();
                plain.load(copy).close(); // throws the LoadException that names the loader's reason
                throw new LoadException("it could not be loaded", notALibrary);
            } catch (LoadException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        /** {@code hooks}, plus: retarget the fast call sites when the host swaps a version in. */
        public Hooks hooks(Hooks hooks) {
            return new Hooks() {
                @Override
                public void waitingForLibrary(Path file, String buildHint, Optional<Version> running) {
                    hooks.waitingForLibrary(file, buildHint, running);
                }

                @Override
                public void beforeSwap(Optional<Version> old, Version next) {
                    loaded.activate();
                    hooks.beforeSwap(old, next);
                }

                @Override
                public void afterSwap(Optional<Version> old, Version current, Duration took) {
                    hooks.afterSwap(old, current, took);
                }

                @Override
                public void refused(Path file, String reason, Optional<Version> running) {
                    hooks.refused(file, reason, running);
                }
            };
        }
    }

    /** One version: FfmGuest's calls for Host.call, and the handles the fast call sites take. */
    private static final class FastGuest implements Guest<FfmState> {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final MethodHandle READ_STRING;

        static {
            try {
                READ_STRING = MethodHandles.lookup().findStatic(FastGuest.class, "readString",
                        methodType(String.class, MemorySegment.class, Arena.class));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        private final Arena arena;
        private final FfmGuest guest;
        final MethodHandle foo;       // () int
        final MethodHandle greeting;  // () String: the downcall, then the copy, in this version's arena
        final MethodHandle update;    // (MemorySegment) void
        private volatile boolean active;

        FastGuest(Arena arena, SymbolLookup library, Linker.Option[] options) throws LoadException {
            this.arena = arena;
            this.guest = new FfmGuest(arena, library); // checks the required symbols
            this.foo = bind(library, "foo", FunctionDescriptor.of(JAVA_INT), options);
            this.greeting = MethodHandles.filterReturnValue(bind(library, "greeting", FunctionDescriptor.of(ADDRESS), options),
                    MethodHandles.insertArguments(READ_STRING, 1, arena));
            this.update = bind(library, "update", FunctionDescriptor.ofVoid(ADDRESS), options);
        }

        private static MethodHandle bind(SymbolLookup library, String name, FunctionDescriptor descriptor, Linker.Option[] options) {
            // The symbol's segment belongs to the version's arena: every call through the handle acquires it.
            return LINKER.downcallHandle(library.find(name).orElseThrow(), descriptor, options);
        }

        /** The library's static string, read while its version is mapped: a closed arena throws instead. */
        private static String readString(MemorySegment text, Arena arena) {
            return text.reinterpret(Long.MAX_VALUE, arena, null).getString(0);
        }

        void activate() {
            active = true;
            retarget(this);
        }

        @Override
        public int abiVersion() {
            return guest.abiVersion();
        }

        @Override
        public int foo() {
            return guest.foo();
        }

        @Override
        public OptionalInt bar() {
            return guest.bar();
        }

        @Override
        public String greeting() {
            return guest.greeting();
        }

        @Override
        public void update(FfmState state) {
            guest.update(state);
        }

        /**
         * Unloads this version. The host calls it after swapping the next one in (the call sites already point
         * there) or at exit (then they go to "not loaded" first). Closing the arena fails while a fast call is
         * still inside this version: wait for it.
         */
        @Override
        public void close() {
            if (active) {
                synchronized (FastFfm.class) {
                    if (FOO.getTarget() == foo) {
                        retarget(null);
                    }
                }
            }
            while (true) {
                try {
                    arena.close();
                    return;
                } catch (IllegalStateException callInFlight) {
                    if (!arena.scope().isAlive()) {
                        throw callInFlight; // closed twice: a bug, not a call in flight
                    }
                    Thread.onSpinWait();
                }
            }
        }
    }
}
