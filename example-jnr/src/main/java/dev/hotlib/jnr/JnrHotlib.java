package dev.hotlib.jnr;

import com.kenai.jffi.Library;
import dev.hotlib.core.Abi;
import dev.hotlib.core.ForGoodSites;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LoadException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.Encoding;

/**
 * One loaded version of the library, with JNR-FFI.
 *
 * <p>Not jnr-ffi's loader alone: it opens a library RTLD_LAZY | RTLD_GLOBAL, so a function that is declared but
 * defined nowhere would kill the JVM at its first call, and it has no way to unload. So the copy is opened first
 * through jffi, the layer under jnr-ffi, with RTLD_NOW | RTLD_LOCAL; jffi caches its {@code Library} by path,
 * and jnr-ffi's loader then reuses that handle instead of opening the file its own way. The unload is two
 * dlclose() calls through a jnr-ffi binding of libc: see {@link #close}.
 */
public final class JnrHotlib implements Guest<JnrState> {

    // 1. The binding: hotlib.h's functions. jnr-ffi generates a class that implements it for each version.

    /** Public: jnr-ffi's generated class implements it. */
    public interface Binding {
        int abi_version();                     // int32_t abi_version(void);
        int foo();                             // int32_t foo(void);
        int bar();                             // int32_t bar(void);
        @Encoding("UTF-8") String greeting();  // const char *greeting(void);
        void update(JnrState state);           // void update(hotlib_state *state);
    }

    /** {@code <dlfcn.h>}, from the C library the JVM already has loaded: what jnr-ffi and jffi do not offer. */
    public interface Dlfcn {
        Pointer dlopen(String file, int mode); // void *dlopen(const char *file, int mode);
        int dlclose(Pointer handle);           // int dlclose(void *handle);
        String dlerror();                      // char *dlerror(void);
    }

    private static final Dlfcn LIBC = LibraryLoader.create(Dlfcn.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());
    private static final int RTLD_NOW = 0x2;  // <dlfcn.h> on Linux
    private static final int RTLD_NOLOAD = 0x4;

    /**
     * Every jffi {@code Library} a version was loaded with, kept reachable until the program exits (a few hundred
     * bytes per version, with the entry jffi's own cache keeps for its path). {@link #close} dlclose()s jffi's
     * reference itself, and after that the loader may hand the same handle to another library: jffi must never
     * close it again. jffi 1.4.3 never does: the cleaning action it registers for each {@code Library} is an
     * inner class that holds that {@code Library}, which therefore never becomes unreachable. This set keeps it
     * so under a jffi that fixes that. It also tells which path was loaded before: jffi's cache would hand back
     * the same {@code Library}, open or closed, and then one reference would be dropped twice.
     */
    private static final Set<Library> OPENED_BY_JFFI = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Pointer library;  // void *handle: the reference this version holds, besides jffi's
    private final Binding binding;
    private final boolean hasBar;
    private boolean closed;

    // 2. Load and probe.

    /** dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL through jffi, checks its symbols, and binds them. */
    public static JnrHotlib load(Path file) throws LoadException {
        Library jffi = Library.getCachedInstance(file.toString(), Library.NOW | Library.LOCAL);
        if (jffi == null) {
            throw new LoadException("it could not be loaded (" + withoutPath(Library.getLastError(), file) + ")");
        }
        if (!OPENED_BY_JFFI.add(jffi)) {
            throw new LoadException("it was loaded from this path before: JNR-FFI loads each path once, since jffi"
                    + " hands back the same library, even once unloaded (load a copy with a new name)");
        }
        // jffi hides its handle: take the same one, and one more reference, from the loader, which opens nothing.
        Pointer library = LIBC.dlopen(file.toString(), RTLD_NOW | RTLD_NOLOAD);
        if (library == null) {
            throw new LoadException("it could not be loaded (" + dlerror(file) + ")");
        }
        try {
            return new JnrHotlib(file, library, jffi);
        } catch (LoadException | RuntimeException | Error e) {
            unload(library, file);  // a refused version goes too
            throw e;
        }
    }

    /**
     * {@link #load}, then binds each function for good, for release mode: see {@link ForGood}. One version at a
     * time: while one is bound, another is refused with a LoadException that says so.
     */
    public static Guest<JnrState> loadForGood(Path file) throws LoadException {
        return ForGood.bind(file);
    }

    /** Not jnr-ffi's probe: it binds a missing function to a stub that throws "unknown" only when called. */
    private JnrHotlib(Path file, Pointer library, Library jffi) throws LoadException {
        for (String symbol : Abi.REQUIRED_SYMBOLS) {
            if (jffi.getSymbolAddress(symbol) == 0) {
                throw LoadException.missingSymbol(symbol);
            }
        }
        this.file = file;
        this.library = library;
        this.hasBar = jffi.getSymbolAddress(Abi.OPTIONAL_SYMBOL) != 0;
        this.binding = LibraryLoader.create(Binding.class).load(file.toString());  // finds jffi's, by path
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

    /** jnr-ffi copies the C string into a Java string before the call returns, and gives null for NULL. */
    @Override
    public Optional<String> greeting() {
        checkOpen();
        return Optional.ofNullable(binding.greeting());
    }

    /** jnr-ffi passes the struct as the address of its native memory. */
    @Override
    public void update(JnrState state) {
        checkOpen();
        binding.update(state);
    }

    // 4. Unload.

    /**
     * dlclose()s this version; every call then throws IllegalStateException. Twice: once for this version's own
     * reference, once for jffi's, because neither jffi nor jnr-ffi ever closes a library: jffi's {@code Library}
     * has no close (jnr/jffi#98: "there is no way to do this"), and its cleaner never runs (see OPENED_BY_JFFI).
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            unload(library, file);
        }
    }

    /** Asks the loader, without loading anything, whether it still has this version. */
    @Override
    public boolean stillLoaded() {
        Pointer again = LIBC.dlopen(file.toString(), RTLD_NOW | RTLD_NOLOAD);
        if (again == null) {
            return false;
        }
        LIBC.dlclose(again);
        return true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("version " + file + " was unloaded");
        }
    }

    /** Drops both references; the second only once the first succeeded, while the handle is surely still valid. */
    private static void unload(Pointer library, Path file) {
        if (LIBC.dlclose(library) != 0 || LIBC.dlclose(library) != 0) {
            throw new IllegalStateException("dlclose() failed: " + dlerror(file));
        }
    }

    /** What the loader said last, without the file's path it starts with. */
    private static String dlerror(Path file) {
        String text = LIBC.dlerror();
        return text == null ? "the loader gave no reason" : withoutPath(text, file);
    }

    private static String withoutPath(String message, Path file) {
        return message.startsWith(file + ": ") ? message.substring(file.toString().length() + 2) : message;
    }

    // 5. Release mode: one version, bound for good.

    /**
     * The version of release mode, which nothing replaces. jnr-ffi's static binding is its generated class's
     * instance held in a static final field, a constant: the JIT calls its native methods as it calls a static
     * method's. This version's instance is the constant target of a process-wide call site instead, whose
     * invoker is a static final handle (see {@link ForGoodSites}: one version at a time; at close the site
     * throws IllegalStateException before dlclose()). The site hands out the instance and the call is made
     * outside the handle's try/catch: a handler around a JNI call costs more than the checks (benchmarks'
     * JavacppDesigns).
     */
    static final class ForGood implements Guest<JnrState> {
        private static final ForGoodSites SITES = new ForGoodSites(MethodType.methodType(Binding.class));
        private static final MethodHandle BINDING = SITES.invoker(0);  // the bound version's Binding

        private final JnrHotlib version;
        private final Object claim;  // what holds the site for this version
        // A plain field, as in JnrHotlib: after close this guest's calls throw, even once the site holds another.
        private boolean closed;

        private ForGood(JnrHotlib version, Object claim) {
            this.version = version;
            this.claim = claim;
        }

        static ForGood bind(Path file) throws LoadException {
            Object claim = SITES.claim(file);  // refused while another version is bound
            JnrHotlib version;
            try {
                version = load(file);
            } catch (LoadException | RuntimeException | Error e) {
                SITES.release(claim);
                throw e;
            }
            SITES.bind(claim, MethodHandles.constant(Binding.class, version.binding));
            return new ForGood(version, claim);
        }

        /** The bound version's Binding, a constant once compiled; throws IllegalStateException when none is. */
        static Binding binding() {
            try {
                return (Binding) BINDING.invokeExact();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        public int abiVersion() {
            checkOpen();
            return binding().abi_version();
        }

        @Override
        public int foo() {
            checkOpen();
            return binding().foo();
        }

        @Override
        public OptionalInt bar() {
            checkOpen();
            return version.hasBar ? OptionalInt.of(binding().bar()) : OptionalInt.empty();
        }

        @Override
        public Optional<String> greeting() {
            checkOpen();
            return Optional.ofNullable(binding().greeting());
        }

        @Override
        public void update(JnrState state) {
            checkOpen();
            binding().update(state);
        }

        /** Retargets the site to throw, then dlclose()s: a later version may be bound. */
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
