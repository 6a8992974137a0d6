package dev.hotlib.jnr;

import dev.hotlib.core.Library;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;

/**
 * One version of a library, opened for JNR-FFI, that binds any interface of the user's; it knows no function of
 * any library. jnr-ffi's own loader opens a file RTLD_LAZY | RTLD_GLOBAL, so a function declared but defined
 * nowhere would kill the JVM at its first call, and it cannot unload. So the copy is opened first through jffi,
 * the layer under jnr-ffi, with RTLD_NOW | RTLD_LOCAL: jffi caches its {@code Library} by path, and jnr-ffi then
 * reuses that handle. Neither ever closes it, so {@link #close} does, through a jnr-ffi binding of libc.
 */
public final class JnrLibrary implements Library {

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
    private static final int RTLD_NOW_LOCAL = com.kenai.jffi.Library.NOW | com.kenai.jffi.Library.LOCAL;
    /** What a static method of an interface is bound to: no C function is named so; jnr-ffi binds a stub. */
    private static final String NO_SYMBOL = "not a C function";

    /**
     * Every jffi {@code Library} a version was opened with, kept reachable until the program exits (a few hundred
     * bytes each). {@link #close} drops jffi's reference itself, after which the loader may give the same handle
     * to another library: jffi must never close it again. jffi 1.4.3 never does (its cleaning action holds the
     * {@code Library} it would close); this set keeps it so under a jffi that would. It also tells a path opened
     * before: jffi would hand back the same {@code Library}, open or closed, and one reference would go twice.
     */
    private static final Set<com.kenai.jffi.Library> OPENED_BY_JFFI = ConcurrentHashMap.newKeySet();

    private final LibraryFile file;
    private final com.kenai.jffi.Library jffi;  // finds symbols: jnr-ffi binds a missing one to a lazy stub
    private final Pointer handle;               // void *handle: this version's own reference, besides jffi's
    private boolean closed;

    private JnrLibrary(LibraryFile file, com.kenai.jffi.Library jffi, Pointer handle) {
        this.file = file;
        this.jffi = jffi;
        this.handle = handle;
    }

    /** dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL through jffi, and takes a reference of its own. */
    public static JnrLibrary open(LibraryFile file) throws LoadException {
        String path = file.path().toString();
        com.kenai.jffi.Library jffi = com.kenai.jffi.Library.getCachedInstance(path, RTLD_NOW_LOCAL);
        if (jffi == null) {
            throw new LoadException("it could not be loaded (" + oneLine(com.kenai.jffi.Library.getLastError(),
                    file.path()) + ")");
        }
        if (!OPENED_BY_JFFI.add(jffi)) {
            throw new LoadException("it was loaded from this path before: JNR-FFI loads each path once, since jffi"
                    + " hands back the same library, even once unloaded (load a copy with a new name)");
        }
        // jffi hides its handle: take the same one, and one more reference, from the loader, which opens nothing.
        Pointer handle = LIBC.dlopen(path, RTLD_NOW | RTLD_NOLOAD);
        if (handle == null) {
            throw new LoadException("it could not be loaded (" + oneLine(LIBC.dlerror(), file.path()) + ")");
        }
        return new JnrLibrary(file, jffi, handle);
    }

    /**
     * Binds {@code iface}, jnr-ffi's way, to this version: each abstract method to the function of its name (or
     * its {@link JnrBinding.Symbol}). Throws one LoadException naming every function of {@code required} (C names) that
     * this version lacks, or naming one it exports as data. A missing optional function is bound to jnr-ffi's
     * stub, which throws UnsatisfiedLinkError when called: ask {@link #defines} first. A static method, such as
     * the binding's {@code load}, is bound to no function, so no function of the interface may share its name.
     */
    public <T> T bind(Class<T> iface, String... required) throws LoadException {
        LibraryLoader<T> loader = LibraryLoader.create(iface);
        List<String> symbols = new ArrayList<>();
        for (Method method : iface.getMethods()) {
            int modifiers = method.getModifiers();
            if (Modifier.isStatic(modifiers)) {
                loader.map(method.getName(), NO_SYMBOL);  // jnr-ffi would bind a static method too, such as load
            } else if (Modifier.isAbstract(modifiers)) {
                JnrBinding.Symbol symbol = method.getAnnotation(JnrBinding.Symbol.class);
                symbols.add(symbol == null ? method.getName() : symbol.value());
                if (symbol != null) {
                    loader.map(method.getName(), symbol.value());
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : required) {
            if (!symbols.contains(name)) {
                throw new IllegalArgumentException(iface.getName() + " has no method for " + name + "()");
            }
            if (!defines(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw LoadException.missing(missing);
        }
        for (String symbol : symbols) {
            file.checkFunction(symbol);  // calling data jumps into it: refused whether or not it is required
        }
        return loader.load(file.path().toString());  // finds jffi's Library, by path
    }

    @Override
    public Path path() {
        return file.path();
    }

    /** Whether this version exports {@code symbol}, asked of jffi (dlsym), never of jnr-ffi's lazy stub. */
    @Override
    public synchronized boolean defines(String symbol) {
        if (closed) {
            throw new IllegalStateException("version " + file.path() + " was unloaded");
        }
        return jffi.getSymbolAddress(symbol) != 0;
    }

    /**
     * dlclose()s this version, twice: once for its own reference, once for jffi's, which neither jffi nor
     * jnr-ffi ever drops (jffi's {@code Library} has no close). The second only once the first succeeded, while
     * the handle is surely still this version's. A second close drops nothing.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (LIBC.dlclose(handle) != 0 || LIBC.dlclose(handle) != 0) {
                throw new IllegalStateException("dlclose() failed: " + oneLine(LIBC.dlerror(), file.path()));
            }
        }
    }

    /** Asks the loader, without loading anything, whether it still has this version. */
    @Override
    public boolean stillLoaded() {
        Pointer again = LIBC.dlopen(file.path().toString(), RTLD_NOW | RTLD_NOLOAD);
        if (again == null) {
            return false;
        }
        LIBC.dlclose(again);
        return true;
    }

    /** The loader's message, one line, without the file's path it starts with. */
    private static String oneLine(String message, Path file) {
        if (message == null || message.isBlank()) {
            return "the loader gave no reason";
        }
        String line = message.lines().findFirst().orElse("").strip();
        return line.startsWith(file + ": ") ? line.substring(file.toString().length() + 2) : line;
    }
}
