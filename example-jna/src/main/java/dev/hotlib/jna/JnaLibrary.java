package dev.hotlib.jna;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.hotlib.core.Guest;
import dev.hotlib.core.Library;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * One version of a library, opened with JNA, that knows no function of it: a {@link JnaBinding} finds its functions
 * by name, each a JNA {@link Function} looked up at load. Copy it and JnaBinding into a project as they are.
 *
 * <p>JNA's defaults do not suit a reload. It opens with RTLD_LAZY | RTLD_GLOBAL, so a function declared but defined
 * nowhere loads, and the loader ends the JVM at its first call ("symbol lookup error", exit 127): here dlopen() gets
 * RTLD_NOW | RTLD_LOCAL and refuses such a file. It looks a symbol up at the first call: here at load. It decodes
 * a C string in the platform's encoding (ASCII under the C locale): here in UTF-8. And it keeps one
 * {@code NativeLibrary} per path: a second open of a path that is open would share the handle, and closing either
 * would unmap the other's code, so it is refused (each version has a path of its own anyway).
 */
public final class JnaLibrary implements Library {

    /** How every version is opened: resolved now and kept to itself, and its strings read as UTF-8. */
    private static final Map<String, Object> OPTIONS = Map.of(
            com.sun.jna.Library.OPTION_OPEN_FLAGS, Dlfcn.RTLD_NOW | Dlfcn.RTLD_LOCAL,
            com.sun.jna.Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name());
    private static final Set<NativeLibrary> OPEN = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    // <dlfcn.h>, from the C library the JVM already has loaded ("c" is the process itself to JNA).
    interface Dlfcn extends com.sun.jna.Library {
        Dlfcn LIBC = Native.load(Platform.C_LIBRARY_NAME, Dlfcn.class);
        int RTLD_NOW = 0x2;  // <dlfcn.h> on Linux
        int RTLD_NOLOAD = 0x4;
        int RTLD_LOCAL = 0;

        Pointer dlopen(String file, int mode);  // void *dlopen(const char *file, int mode);
        int dlclose(Pointer handle);            // int dlclose(void *handle);
    }

    private final LibraryFile file;
    private final NativeLibrary library;  // void *handle, from dlopen()
    private volatile boolean closed;

    boolean isClosed() {
        return closed;
    }

    private JnaLibrary(LibraryFile file, NativeLibrary library) {
        this.file = file;
        this.library = library;
    }

    /** dlopen()s the file with RTLD_NOW | RTLD_LOCAL; what the loader said, in one line, when it refuses. */
    public static JnaLibrary open(LibraryFile file) throws LoadException {
        NativeLibrary library;
        try {
            library = NativeLibrary.getInstance(file.path().toString(), OPTIONS);
        } catch (UnsatisfiedLinkError e) {
            throw new LoadException("it could not be loaded (" + dlopenError(file.path(), e) + ")", e);
        }
        if (!OPEN.add(library)) {  // the very NativeLibrary another JnaLibrary holds: leave it open
            throw new LoadException("it is open already from this path: each version needs a path of its own");
        }
        return new JnaLibrary(file, library);
    }

    /**
     * Opens the file and makes {@code binder}'s binding of it: refused, naming every required function the file
     * lacks, or by the binding's {@link JnaBinding#probe}. Closes the library on any failure.
     */
    public static <B extends JnaBinding> Guest<B> bind(LibraryFile file, Binder<B> binder) throws LoadException {
        JnaLibrary library = open(file);
        return Guest.bind(library, () -> {
            B binding = binder.bind(library);
            List<String> missing = binding.missing;
            if (!missing.isEmpty()) {
                throw LoadException.missing(missing);
            }
            binding.probe();
            return binding;
        });
    }

    /** The function {@code name}, looked up now, or null when the file does not export it; data is refused. */
    public Function function(String name) throws LoadException {
        file.checkFunction(name);
        return lookUp(name);
    }

    @Override
    public boolean defines(String symbol) {
        return lookUp(symbol) != null;
    }

    /** dlsym(), now; JNA keeps the Function for the next lookup of the name. */
    private Function lookUp(String name) {
        if (closed) {
            throw new IllegalStateException(file.path() + " was unloaded");  // dlsym(NULL, ...) is the global scope
        }
        try {
            return library.getFunction(name);
        } catch (UnsatisfiedLinkError missing) {
            return null;
        }
    }

    @Override
    public Path path() {
        return file.path();
    }

    /** dlclose()s this version: closes its {@code NativeLibrary}, which also drops it from JNA's cache. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            OPEN.remove(library);
            library.close();
        }
    }

    @Override
    public boolean stillLoaded() {
        Pointer again = Dlfcn.LIBC.dlopen(file.path().toString(), Dlfcn.RTLD_NOW | Dlfcn.RTLD_NOLOAD);
        if (again == null) {
            return false;
        }
        Dlfcn.LIBC.dlclose(again);  // give back the reference the question took
        return true;
    }

    /**
     * What dlopen() said, such as "invalid ELF header" or "undefined symbol: missing". JNA's message starts with
     * "Unable to load library '<path>':", then gives dlerror() once per place it tried ("<path>: invalid ELF
     * header", or a missing dependency's name first), then the resource path it searched.
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

    /** Makes a binding of an open library: its constructor, such as {@code JnaDemo::new}. */
    @FunctionalInterface
    public interface Binder<B extends JnaBinding> {
        B bind(JnaLibrary library) throws LoadException;
    }
}
