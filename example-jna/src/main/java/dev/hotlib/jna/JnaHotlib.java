package dev.hotlib.jna;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.hotlib.core.Abi;
import dev.hotlib.core.ForGoodSites;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LoadException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One loaded version of the library, with JNA: each function of hotlib.h is a JNA {@link Function} of this
 * version, looked up at load and called through the invoke method of its return type.
 *
 * <p>Not JNA's interface mapping ({@code Native.load} of an interface), which reads like the header but makes
 * every call through a dynamic proxy and reflection: {@code foo()} through it cost 1.68x JNA's direct mapping
 * in the precise benchmark run, against 1.07x for a {@code Function} (JnaCalls, JnaDesigns). The direct mapping
 * itself binds a class's natives to one library at a time, so it serves release mode only ({@link ForGood}).
 *
 * <p>Three of JNA's defaults do not suit a reload, so this overrides them. JNA opens a library with
 * RTLD_LAZY | RTLD_GLOBAL, so a function that is declared but defined nowhere loads fine and the loader ends
 * the JVM at its first call ("symbol lookup error", exit code 127): the open flags here are RTLD_NOW |
 * RTLD_LOCAL, and dlopen() refuses such a file with the loader's message. JNA looks a symbol up at its first
 * call: every function is looked up at load. JNA decodes a returned C string in the platform's encoding
 * (ASCII under the C locale): hotlib.h says UTF-8.
 *
 * <p>Calling a function after its library was closed jumps into unmapped code (SIGSEGV), so every call first
 * checks a plain field and throws IllegalStateException instead.
 */
public final class JnaHotlib implements Guest<JnaState> {

    // 1. The binding: hotlib.h's functions in this version. JNA returns int32_t as an int; a const char * as a
    //    String it copies before the call returns (NULL as null), which is right for a static string the
    //    library owns; and passes hotlib_state * as the Pointer of JnaState's memory.
    private static final class Binding {
        final Function abiVersion;  // int32_t abi_version(void);
        final Function foo;         // int32_t foo(void);
        final Function bar;         // int32_t bar(void);  null when this version does not export it
        final Function greeting;    // const char *greeting(void);
        final Function update;      // void update(hotlib_state *state);

        Binding(NativeLibrary library) throws LoadException {
            abiVersion = required(library, "abi_version");
            foo = required(library, "foo");
            bar = exports(library, Abi.OPTIONAL_SYMBOL) ? library.getFunction(Abi.OPTIONAL_SYMBOL) : null;
            greeting = required(library, "greeting");
            update = required(library, "update");
        }

        private static Function required(NativeLibrary library, String name) throws LoadException {
            if (!exports(library, name)) {
                throw LoadException.missingSymbol(name);
            }
            return library.getFunction(name);
        }
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
    private static final Object[] NO_ARGUMENTS = {};

    private final Path file;
    private final NativeLibrary library;  // void *handle, from dlopen()
    private final Binding binding;
    private boolean closed;

    // 2. Load and probe.

    /**
     * dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL and looks up every function of hotlib.h. A fresh path
     * per version matters twice here: glibc returns an already loaded library for a path it has seen, and JNA
     * caches its {@code NativeLibrary} objects by name and options.
     */
    public static JnaHotlib load(Path file) throws LoadException {
        NativeLibrary library = open(file);
        try {
            return new JnaHotlib(file, library, new Binding(library));
        } catch (LoadException | RuntimeException | Error e) {
            library.close();
            throw e;
        }
    }

    /**
     * For release mode: the same checks as {@link #load}, then JNA's direct mapping, which is JNA's static
     * binding: see {@link ForGood}. One version at a time: while one is bound, another is refused with a
     * LoadException that says so.
     */
    public static Guest<JnaState> loadForGood(Path file) throws LoadException {
        return ForGood.bind(file);
    }

    private JnaHotlib(Path file, NativeLibrary library, Binding binding) {
        this.file = file;
        this.library = library;
        this.binding = binding;
    }

    /** dlopen()s {@code file} with {@link #OPTIONS}; what the loader said when it refuses. */
    private static NativeLibrary open(Path file) throws LoadException {
        try {
            return NativeLibrary.getInstance(file.toString(), OPTIONS);
        } catch (UnsatisfiedLinkError e) {
            throw new LoadException("it could not be loaded (" + dlopenError(file, e) + ")", e);
        }
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
        return binding.abiVersion.invokeInt(NO_ARGUMENTS);
    }

    @Override
    public int foo() {
        checkOpen();
        return binding.foo.invokeInt(NO_ARGUMENTS);
    }

    @Override
    public OptionalInt bar() {
        checkOpen();
        return binding.bar == null ? OptionalInt.empty() : OptionalInt.of(binding.bar.invokeInt(NO_ARGUMENTS));
    }

    @Override
    public Optional<String> greeting() {
        checkOpen();
        return Optional.ofNullable(binding.greeting.invokeString(NO_ARGUMENTS, false));
    }

    @Override
    public void update(JnaState state) {
        checkOpen();
        binding.update.invokeVoid(new Object[] {state.pointer()});
    }

    // 4. Unload.

    /** dlclose()s this version: closes its {@code NativeLibrary}, which also drops it from JNA's cache. */
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

        private static final ForGoodSites CLAIM = new ForGoodSites();  // no sites: the claim alone

        private final Path file;
        private final NativeLibrary library;
        private final Object claim;  // what holds the natives for this version
        private final boolean hasBar;
        private boolean closed;  // a plain field, as in JnaHotlib: after close this guest's calls throw

        private ForGood(Path file, NativeLibrary library, Object claim, boolean hasBar) {
            this.file = file;
            this.library = library;
            this.claim = claim;
            this.hasBar = hasBar;
        }

        static ForGood bind(Path file) throws LoadException {
            Object claim = CLAIM.claim(file);  // refused while another version is bound
            NativeLibrary library = null;
            try {
                library = open(file);
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
                return new ForGood(file, library, claim, hasBar);
            } catch (LoadException | RuntimeException | Error e) {
                CLAIM.release(claim, ForGood::unregister);
                if (library != null) {
                    library.close();
                }
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
            if (!closed) {
                closed = true;
                CLAIM.release(claim, ForGood::unregister);
                library.close();
            }
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
