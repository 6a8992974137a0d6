package dev.hotlib.javacpp;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Library;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * One version of a library, loaded with JavaCPP; it knows no function of any library. Not JavaCPP's
 * {@code Loader.load} or {@code loadGlobal}: they keep a library for good. The javacpp Maven plugin compiles
 * {@link Dlfcn} into a JNI library of this module, libjniJavacppLibrary.so, which maps {@code <dlfcn.h>}, and each
 * binding into one of its own, which inherits that mapping's properties: they never link the hot library, and are
 * loaded once and stay, while each version is dlopen()ed, bound by a {@link JavacppBinding}, and
 * dlclose()d.
 */
public final class JavacppLibrary implements Library {

    /** {@code <dlfcn.h>}, mapped by JavaCPP. */
    @Platform(value = {"linux", "macosx"}, include = "<dlfcn.h>", library = "jniJavacppLibrary",
            define = "HOTLIB_CALL(function, ...) (function)(__VA_ARGS__)")
    public static final class Dlfcn {
        static {
            Loader.load();
            // The first call of a JNI method links it, and the JVM's own dlsym() calls for that reset dlerror():
            // link dlerror now, so that the first failed dlopen() still finds its message.
            dlerror();
        }

        static native Pointer dlopen(String file, int mode);          // void *dlopen(const char *file, int mode);
        static native Pointer dlsym(Pointer handle, String name);     // void *dlsym(void *handle, const char *name);
        static native int dlclose(Pointer handle);                    // int dlclose(void *handle);
        static native String dlerror();                               // char *dlerror(void);
        static native @MemberGetter int RTLD_NOW();
        static native @MemberGetter int RTLD_NOLOAD();
        static native @MemberGetter int RTLD_LOCAL();

        private Dlfcn() {}
    }

    /** Makes a {@link JavacppBinding} of an open version, such as a binding's constructor. */
    @FunctionalInterface
    public interface Binder<B extends JavacppBinding> {
        B bind(JavacppLibrary library) throws LoadException;
    }

    private final LibraryFile file;
    private final Pointer handle;                                     // void *handle, from dlopen()
    private final List<long[]> bound = new ArrayList<>();  // its bindings' addresses, zeroed at close
    private boolean closed;

    private JavacppLibrary(LibraryFile file, Pointer handle) {
        this.file = file;
        this.handle = handle;
    }

    /**
     * dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL and binds it with {@code binder}; refuses it when it lacks
     * required functions, naming them all, or fails the binding's {@link JavacppBinding#check}; unloads it on any
     * failure.
     */
    public static <B extends JavacppBinding> Guest<B> load(LibraryFile file, Binder<B> binder) throws LoadException {
        Pointer handle = Dlfcn.dlopen(file.path().toString(), Dlfcn.RTLD_NOW() | Dlfcn.RTLD_LOCAL());
        if (handle == null) {
            throw new LoadException("it could not be loaded (" + dlerror(file.path()) + ")");
        }
        JavacppLibrary library = new JavacppLibrary(file, handle);
        return Guest.bind(library, () -> {
            B binding = binder.bind(library);
            if (!binding.missing.isEmpty()) {
                throw LoadException.missing(binding.missing);
            }
            binding.check();
            return binding;
        });
    }

    @Override
    public Path path() {
        return file.path();
    }

    @Override
    public synchronized boolean defines(String symbol) {
        return !closed && Dlfcn.dlsym(handle, symbol) != null;
    }

    /** This version's address of the function {@code name}, or 0; refuses a symbol exported as data. */
    synchronized long address(String name) throws LoadException {
        file.checkFunction(name);
        Pointer address = closed ? null : Dlfcn.dlsym(handle, name);
        return address == null ? 0 : address.address();
    }

    /** Keeps a binding's addresses, to zero them before dlclose(). */
    synchronized long[] bind(long[] addresses) {
        bound.add(addresses);
        return addresses;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Zeroes its bindings' addresses, whose calls then throw, and dlclose()s. Twice is harmless. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            bound.forEach(addresses -> Arrays.fill(addresses, 0));
            if (Dlfcn.dlclose(handle) != 0) {
                throw new IllegalStateException("dlclose() failed: " + dlerror(file.path()));
            }
        }
    }

    @Override
    public boolean stillLoaded() {
        Pointer again = Dlfcn.dlopen(file.path().toString(), Dlfcn.RTLD_NOW() | Dlfcn.RTLD_NOLOAD());
        if (again == null) {
            return false;
        }
        Dlfcn.dlclose(again);
        return true;
    }

    /** What the loader said last, in one line, without the file's path it starts with. */
    private static String dlerror(Path file) {
        String text = Dlfcn.dlerror();
        if (text == null) {
            return "the loader gave no reason";
        }
        text = text.startsWith(file + ": ") ? text.substring(file.toString().length() + 2) : text;
        return text.lines().findFirst().orElse("").strip();
    }
}
