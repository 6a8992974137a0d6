package dev.hotlib.javacpp;

import dev.hotlib.core.Guest;
import dev.hotlib.core.Library;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * One function of a binding: its name, whether a version must export it, and its slot in each version's
     * addresses. A {@code static final} one is a constant to the JIT.
     */
    public record Function(String name, boolean required, int index) {}

    private static final AtomicInteger FUNCTIONS = new AtomicInteger();

    /**
     * A binding's base class. Each function is a {@code static final} {@link Function}, and a method that hands this
     * version's address of it to a native of the function's C signature, which calls it:
     * <pre>
     * {@literal @}Name("HOTLIB_CALL") static native int int32({@literal @}Cast("int32_t (*)(void)") long function);
     * private static final Function FOO = required("foo");  // int32_t foo(void);
     * public int foo() { return int32(at(FOO)); }
     * </pre>
     * {@code HOTLIB_CALL(function, args...)} is {@link Dlfcn}'s macro: it calls {@code function} with the
     * arguments, so that one native serves every function of its signature, in every version. The constructor finds
     * every such constant of the subclass in the version given to it.
     */
    public abstract static class Binding {
        private final JavacppLibrary library;
        private final long[] addresses;  // by Function.index; 0 where this version lacks the function

        protected Binding(JavacppLibrary library) throws LoadException {
            this.library = library;
            this.addresses = new long[FUNCTIONS.get()];
            library.bound.add(addresses);
            for (Field field : getClass().getDeclaredFields()) {
                if (field.getType() == Function.class && Modifier.isStatic(field.getModifiers())) {
                    Function function;
                    try {
                        field.setAccessible(true);
                        function = (Function) field.get(null);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                    library.file.checkFunction(function.name());
                    Pointer address = library.closed ? null : Dlfcn.dlsym(library.handle, function.name());
                    if (address == null && function.required()) {
                        library.missing.add(function.name());
                    }
                    addresses[function.index()] = address == null ? 0 : address.address();
                }
            }
        }

        /** A function the binding needs: when a version lacks it, {@link #load} refuses the version. */
        protected static Function required(String name) {
            return new Function(name, true, FUNCTIONS.getAndIncrement());
        }

        /** A function a version may lack: calling it then throws IllegalStateException. */
        protected static Function optional(String name) {
            return new Function(name, false, FUNCTIONS.getAndIncrement());
        }

        /** Refuses a version once it is bound and has every required function: a probe such as an ABI check. */
        protected void check() throws LoadException {}

        /** Whether this version exports {@code function}. */
        protected final boolean defines(Function function) {
            return addresses[function.index()] != 0;
        }

        /**
         * This version's address of {@code function}, to call it now; throws IllegalStateException when this
         * version lacks it, or was unloaded (a binding kept past its pin: {@link #close} zeroes the addresses
         * before dlclose()), instead of jumping into unmapped code.
         */
        protected final long at(Function function) {
            long address = addresses[function.index()];
            if (address == 0) {
                throw missing(function);
            }
            return address;
        }

        private IllegalStateException missing(Function function) {
            boolean unloaded = library.closed;
            return new IllegalStateException(function.name() + "() " + (unloaded ? "of " : "is not defined by ")
                    + library.path().getFileName() + (unloaded ? " was unloaded" : ""));
        }
    }

    /** Makes a {@link Binding} of an open version, such as a binding's constructor. */
    @FunctionalInterface
    public interface Binder<B extends Binding> {
        B bind(JavacppLibrary library) throws LoadException;
    }

    private final LibraryFile file;
    private final Pointer handle;                                     // void *handle, from dlopen()
    private final List<long[]> bound = new ArrayList<>();  // its bindings' addresses, zeroed at close
    private final List<String> missing = new ArrayList<>();
    private volatile boolean closed;

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
