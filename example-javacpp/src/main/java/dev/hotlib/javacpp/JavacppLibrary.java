package dev.hotlib.javacpp;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Library;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.bytedeco.javacpp.FunctionPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * One version of a library, loaded with JavaCPP; it knows no function of any library. Not JavaCPP's
 * {@code Loader.load} or {@code loadGlobal}: they keep a library for good. The javacpp Maven plugin compiles
 * {@link Dlfcn} into a JNI library of this module, libjniJavacppLibrary.so, which maps {@code <dlfcn.h>}, and each
 * binding into one of its own, which inherits that mapping's properties: they never link the hot library, and are
 * loaded once and stay, while each version is dlopen()ed, bound by a {@link Binding}, and dlclose()d.
 */
public final class JavacppLibrary implements Library {

    /** {@code <dlfcn.h>}, mapped by JavaCPP. */
    @Platform(value = {"linux", "macosx"}, include = "<dlfcn.h>", library = "jniJavacppLibrary")
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

    /**
     * The base of a binding: each of its fields is bound by {@link #required} or {@link #optional} as it is
     * initialised, through the binding's typed dlsym() of the function's C signature. A FunctionPointer wraps a C++
     * struct that holds the function's address, so one built around dlsym()'s raw address would jump into that
     * struct; a native named with a cast returns a filled-in wrapper:
     * {@code @Name("(int32_t (*)(void))dlsym") static native Int32 int32(Pointer handle, String name);}
     */
    public abstract static class Binding {
        private final JavacppLibrary library;

        protected Binding(JavacppLibrary library) {
            this.library = library;
        }

        /** Function {@code name}, or null (and named in the load's refusal) when this version lacks it. */
        protected final <F extends FunctionPointer> F required(String name, BiFunction<Pointer, String, F> dlsym)
                throws LoadException {
            F function = optional(name, dlsym);
            if (function == null) {
                library.missing.add(name);
            }
            return function;
        }

        /** Function {@code name}, or null when this version lacks it; refused when it is exported as data. */
        protected final <F extends FunctionPointer> F optional(String name, BiFunction<Pointer, String, F> dlsym)
                throws LoadException {
            library.file.checkFunction(name);
            if (!library.defines(name)) {
                return null;
            }
            F function = dlsym.apply(library.handle, name);
            library.functions.add(function);
            return function;
        }

        /** Refuses a version once it is bound and has every required function: a probe such as an ABI check. */
        protected void check() throws LoadException {}

        /** {@code function}, to be called: a version's wrappers are freed when it is unloaded. */
        protected static <F extends FunctionPointer> F live(F function) {
            if (function == null || function.isNull()) {
                throw new IllegalStateException(function == null ? "this version does not export the function"
                        : "this version was unloaded");
            }
            return function;
        }
    }

    /** Makes a {@link Binding} of an open version, such as a binding's constructor. */
    @FunctionalInterface
    public interface Binder<B extends Binding> {
        B bind(JavacppLibrary library) throws LoadException;
    }

    private final LibraryFile file;
    private final Pointer handle;                                     // void *handle, from dlopen()
    private final List<FunctionPointer> functions = new ArrayList<>();  // the wrappers made: freed at close
    private final List<String> missing = new ArrayList<>();
    private boolean closed;

    private JavacppLibrary(LibraryFile file, Pointer handle) {
        this.file = file;
        this.handle = handle;
    }

    /**
     * dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL and binds it with {@code binder}; refuses it when it lacks
     * required functions, naming them all, or fails the binding's {@link Binding#check}; unloads it on any failure.
     */
    public static <B extends Binding> Guest<B> load(LibraryFile file, Binder<B> binder) throws LoadException {
        Pointer handle = Dlfcn.dlopen(file.path().toString(), Dlfcn.RTLD_NOW() | Dlfcn.RTLD_LOCAL());
        if (handle == null) {
            throw new LoadException("it could not be loaded (" + dlerror(file.path()) + ")");
        }
        JavacppLibrary library = new JavacppLibrary(file, handle);
        return Guest.bind(library, () -> {
            B binding = binder.bind(library);
            if (!library.missing.isEmpty()) {
                throw LoadException.missing(library.missing);
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
    public boolean defines(String symbol) {
        return !closed && Dlfcn.dlsym(handle, symbol) != null;
    }

    /** Frees the binding's FunctionPointer wrappers, whose calls then throw, and dlclose()s. Twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            functions.forEach(Pointer::deallocate);
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
