package dev.hotlib.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.hotlib.core.Abi;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LoadException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One loaded version of the library, with JNA's interface mapping: {@code Native.load} makes a proxy whose
 * methods call this version's functions.
 *
 * <p>Three of JNA's defaults do not suit a reload, so this overrides them. JNA opens a library with
 * RTLD_LAZY | RTLD_GLOBAL, so a function that is declared but defined nowhere loads fine and the loader ends
 * the JVM at its first call ("symbol lookup error", exit code 127): the open flags here are RTLD_NOW |
 * RTLD_LOCAL, and dlopen() refuses such a file with the loader's message. JNA looks a method's symbol up at
 * its first call: every required symbol is looked up at load, and bar once, then. JNA decodes a returned C
 * string in the platform's encoding (ASCII under the C locale): hotlib.h says UTF-8.
 *
 * <p>Calling the proxy after its library was closed jumps into unmapped code (SIGSEGV), so every call first
 * checks a plain field and throws IllegalStateException instead.
 */
public final class JnaHotlib implements Guest<JnaState> {

    // 1. The binding: hotlib.h's functions, as the interface JNA implements for each version. JNA maps int32_t
    //    to int; a returned const char * to a String it copies before the call returns (NULL to null), which
    //    is right for a static string the library owns; hotlib_state * to the Pointer of JnaState's memory.
    interface Binding extends Library {
        int abi_version();           // int32_t abi_version(void);
        int foo();                   // int32_t foo(void);
        int bar();                   // int32_t bar(void);
        String greeting();           // const char *greeting(void);
        void update(Pointer state);  // void update(hotlib_state *state);
    }

    // <dlfcn.h>, from the C library the JVM already has loaded ("c" is the process itself to JNA).
    interface Dlfcn extends Library {
        Dlfcn LIBC = Native.load(Platform.C_LIBRARY_NAME, Dlfcn.class);
        int RTLD_NOW = 0x2;  // <dlfcn.h> on Linux
        int RTLD_NOLOAD = 0x4;
        int RTLD_LOCAL = 0;

        Pointer dlopen(String file, int mode);  // void *dlopen(const char *file, int mode);
        int dlclose(Pointer handle);            // int dlclose(void *handle);
    }

    /** How every version is opened: resolved now and kept to itself, and its strings read as UTF-8. */
    private static final Map<String, Object> OPTIONS = Map.of(
            Library.OPTION_OPEN_FLAGS, Dlfcn.RTLD_NOW | Dlfcn.RTLD_LOCAL,
            Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name());

    private final Path file;
    private final Binding binding;        // the proxy
    private final NativeLibrary library;  // the library behind it: void *handle, from dlopen()
    private final boolean hasBar;
    private boolean closed;

    // 2. Load and probe.

    /**
     * dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL and looks up every function of hotlib.h. A fresh path
     * per version matters twice here: glibc returns an already loaded library for a path it has seen, and JNA
     * caches its {@code NativeLibrary} objects by name and options.
     */
    public static JnaHotlib load(Path file) throws LoadException {
        Binding binding;
        try {
            binding = Native.load(file.toString(), Binding.class, OPTIONS);
        } catch (UnsatisfiedLinkError e) {
            throw new LoadException("it could not be loaded (" + dlopenError(file, e) + ")", e);
        }
        NativeLibrary library = libraryOf(binding);
        try {
            return new JnaHotlib(file, binding, library);
        } catch (LoadException | RuntimeException | Error e) {
            library.close();
            throw e;
        }
    }

    /**
     * For release mode: the same checks as {@link #load}, then JNA's direct mapping instead of the proxy, which
     * is JNA's static binding (1.19x it through the proxy): see {@link ForGood}. One version at a time: while
     * one is bound, another is refused with a LoadException that says so.
     */
    public static Guest<JnaState> loadForGood(Path file) throws LoadException {
        return ForGood.bind(file);
    }

    private JnaHotlib(Path file, Binding binding, NativeLibrary library) throws LoadException {
        this.file = file;
        this.binding = binding;
        this.library = library;
        for (String symbol : Abi.REQUIRED_SYMBOLS) {
            if (!exports(library, symbol)) {
                throw LoadException.missingSymbol(symbol);
            }
        }
        this.hasBar = exports(library, Abi.OPTIONAL_SYMBOL);
    }

    /**
     * The {@code NativeLibrary} that {@code Native.load} opened for {@code proxy}: the one to close. Not
     * {@code NativeLibrary.getInstance(path)}, which JNA caches under other options: another object, with a
     * dlopen() reference of its own.
     */
    private static NativeLibrary libraryOf(Binding proxy) {
        return ((Library.Handler) Proxy.getInvocationHandler(proxy)).getNativeLibrary();
    }

    /** Whether the library exports {@code symbol}: dlsym() it now instead of at the first call. */
    private static boolean exports(NativeLibrary library, String symbol) {
        try {
            library.getFunction(symbol);
            return true;
        } catch (UnsatisfiedLinkError missing) {
            return false;
        }
    }

    // 3. The calls: a plain call into this version.

    @Override
    public int abiVersion() {
        checkOpen();
        return binding.abi_version();
    }

    @Override
    public int foo() {
        checkOpen();
        return binding.foo();
    }

    @Override
    public OptionalInt bar() {
        checkOpen();
        return hasBar ? OptionalInt.of(binding.bar()) : OptionalInt.empty();
    }

    @Override
    public Optional<String> greeting() {
        checkOpen();
        return Optional.ofNullable(binding.greeting());
    }

    @Override
    public void update(JnaState state) {
        checkOpen();
        binding.update(state.pointer());
    }

    // 4. Unload.

    /**
     * dlclose()s this version: closes the {@code NativeLibrary} behind the proxy, the very object
     * {@code Native.load} opened (which also drops it from JNA's cache). Every call then throws.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            library.close();
        }
    }

    @Override
    public boolean stillLoaded() {
        return loaderStillHas(file);
    }

    /** Asks the loader, without loading anything, whether it still has {@code file}. */
    private static boolean loaderStillHas(Path file) {
        Pointer again = Dlfcn.LIBC.dlopen(file.toString(), Dlfcn.RTLD_NOW | Dlfcn.RTLD_NOLOAD);
        if (again == null) {
            return false;
        }
        Dlfcn.LIBC.dlclose(again);
        return true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("version " + file + " was unloaded");
        }
    }

    /**
     * What dlopen() said, such as "invalid ELF header" or "undefined symbol: missing". JNA's message starts
     * with "Unable to load library '<path>':", then gives dlerror() once per place it tried ("<path>: invalid
     * ELF header", or a missing dependency's name first), then the resource path it searched.
     */
    private static String dlopenError(Path file, UnsatisfiedLinkError e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String prefix = file + ": ";
        return message.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("Unable to load library"))
                .map(line -> line.startsWith(prefix) ? line.substring(prefix.length()) : line)
                .findFirst()
                .orElse("the loader gave no reason");
    }

    // 5. Release mode: one version, bound for good.

    /**
     * The version of release mode, which nothing replaces, called through JNA's direct mapping: static native
     * methods that {@code Native.register} binds to the library's functions, as JNI binds its own. A class's
     * natives are bound to one library at a time, so one version at a time; at close they are unregistered
     * (a call then throws UnsatisfiedLinkError, not SIGSEGV) before the library is closed, and a later version
     * may be bound (tests do, one host after another).
     */
    static final class ForGood implements Guest<JnaState> {

        // The binding: hotlib.h's required functions. Native.register binds every native of a class or throws,
        // so the optional bar has a class of its own, registered only when the version exports it.
        static final class Direct {
            static native int abi_version();           // int32_t abi_version(void);
            static native int foo();                   // int32_t foo(void);
            static native String greeting();           // const char *greeting(void);
            static native void update(Pointer state);  // void update(hotlib_state *state);

            private Direct() {}
        }

        static final class DirectBar {
            static native int bar();                   // int32_t bar(void);

            private DirectBar() {}
        }

        private static ForGood bound;  // the version the natives call, or null; guarded by ForGood.class

        private final Path file;
        private final NativeLibrary library;
        private final boolean hasBar;
        private boolean closed;  // a plain field, as in JnaHotlib: after close this guest's calls throw

        private ForGood(Path file, NativeLibrary library, boolean hasBar) {
            this.file = file;
            this.library = library;
            this.hasBar = hasBar;
        }

        static synchronized ForGood bind(Path file) throws LoadException {
            if (bound != null) {
                throw new LoadException("release mode binds one version for the program's life, and "
                        + bound.file + " is still bound: close its host before loading another");
            }
            NativeLibrary library;
            try {
                library = NativeLibrary.getInstance(file.toString(), OPTIONS);
            } catch (UnsatisfiedLinkError e) {
                throw new LoadException("it could not be loaded (" + dlopenError(file, e) + ")", e);
            }
            try {
                for (String symbol : Abi.REQUIRED_SYMBOLS) {
                    if (!exports(library, symbol)) {
                        throw LoadException.missingSymbol(symbol);
                    }
                }
                boolean hasBar = exports(library, Abi.OPTIONAL_SYMBOL);
                Native.register(Direct.class, library);
                if (hasBar) {
                    Native.register(DirectBar.class, library);
                }
                bound = new ForGood(file, library, hasBar);
                return bound;
            } catch (LoadException | RuntimeException | Error e) {
                unregister();
                library.close();
                throw e;
            }
        }

        private static void unregister() {
            Native.unregister(Direct.class);
            Native.unregister(DirectBar.class);
        }

        @Override
        public int abiVersion() {
            checkOpen();
            return Direct.abi_version();
        }

        @Override
        public int foo() {
            checkOpen();
            return Direct.foo();
        }

        @Override
        public OptionalInt bar() {
            checkOpen();
            return hasBar ? OptionalInt.of(DirectBar.bar()) : OptionalInt.empty();
        }

        @Override
        public Optional<String> greeting() {
            checkOpen();
            return Optional.ofNullable(Direct.greeting());
        }

        @Override
        public void update(JnaState state) {
            checkOpen();
            Direct.update(state.pointer());
        }

        /** Unbinds the natives, then closes the library: a later version may be bound. */
        @Override
        public void close() {
            synchronized (ForGood.class) {
                if (closed) {
                    return;
                }
                closed = true;
                if (bound == this) {
                    unregister();
                    bound = null;
                }
            }
            library.close();
        }

        @Override
        public boolean stillLoaded() {
            return loaderStillHas(file);
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("version " + file + " was unloaded");
            }
        }
    }
}
