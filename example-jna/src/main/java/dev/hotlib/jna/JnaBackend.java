package dev.hotlib.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.hotlib.core.Abi;
import dev.hotlib.core.Backend;
import dev.hotlib.core.LoadException;
import dev.hotlib.jna.JnaGuest.HotlibLibrary;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Loads one version with JNA's interface mapping, {@link Native#load(String, Class, Map)}. */
public final class JnaBackend implements Backend<JnaState> {
    /**
     * hotlib.h says greeting() is UTF-8. Without this option JNA decodes C strings with the JVM's native
     * encoding (jna.encoding, else native.encoding), which is ASCII under the C/POSIX locale.
     */
    private static final Map<String, Object> OPTIONS = Map.of(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name());

    @Override
    public String name() {
        return "JNA";
    }

    @Override
    public JnaState newState() {
        return new JnaState();
    }

    /**
     * dlopen()s the copy. A fresh path per version matters twice here: glibc returns an already loaded
     * library for a path it has seen, and JNA caches its {@code NativeLibrary} objects by name and options.
     * JNA binds symbols only on a method's first call, so each required symbol is looked up now, and
     * {@code bar} is looked up once, here, rather than on every tick.
     */
    @Override
    public JnaGuest load(Path copy) throws LoadException {
        HotlibLibrary library;
        try {
            library = Native.load(copy.toString(), HotlibLibrary.class, OPTIONS);
        } catch (UnsatisfiedLinkError notALibrary) {
            throw new LoadException("it could not be loaded (" + dlopenError(copy, notALibrary) + ")", notALibrary);
        }
        NativeLibrary nativeLibrary = nativeLibraryOf(library);
        try {
            for (String symbol : Abi.REQUIRED_SYMBOLS) {
                if (!exports(nativeLibrary, symbol)) {
                    throw LoadException.missingSymbol(symbol);
                }
            }
            return new JnaGuest(library, nativeLibrary, exports(nativeLibrary, Abi.OPTIONAL_SYMBOL));
        } catch (LoadException | RuntimeException | Error e) {
            nativeLibrary.close();
            throw e;
        }
    }

    /**
     * The {@code NativeLibrary} that {@code Native.load} opened for {@code proxy}. Not
     * {@code NativeLibrary.getInstance(path)}: that one is cached under other options, so it is another
     * object, with a dlopen() reference of its own.
     */
    private static NativeLibrary nativeLibraryOf(HotlibLibrary proxy) {
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

    /**
     * What dlopen() said, such as "invalid ELF header" or "libdep.so: cannot open shared object file". JNA's
     * message starts with "Unable to load library '<path>':", then gives dlerror() once per place it tried
     * ("<path>: invalid ELF header", or the missing dependency's name first), then the resource path it searched.
     */
    private static String dlopenError(Path copy, UnsatisfiedLinkError e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String prefix = copy + ": ";
        return message.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("Unable to load library"))
                .map(line -> line.startsWith(prefix) ? line.substring(prefix.length()) : line)
                .findFirst()
                .orElse(e.getClass().getSimpleName());
    }
}
