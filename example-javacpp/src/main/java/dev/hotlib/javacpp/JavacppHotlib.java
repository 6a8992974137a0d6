package dev.hotlib.javacpp;

import dev.hotlib.core.Abi;
import dev.hotlib.core.ForGoodSites;
import dev.hotlib.core.Guest;
import dev.hotlib.core.LoadException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiFunction;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FunctionPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * One loaded version of the library, with JavaCPP.
 *
 * <p>Not JavaCPP's {@code Loader.load} or {@code Loader.loadGlobal}: they keep a library loaded for good, so
 * they cannot reload one. Instead the javacpp Maven plugin compiles {@link Binding} into a JNI library of its
 * own, libjniJavacppHotlib.so, which maps {@code <dlfcn.h>} and never links the hot library: each version is
 * dlopen()ed through it with RTLD_NOW, its functions are taken with typed dlsym() casts, and it is dlclose()d,
 * while the JNI library is loaded once and stays. The host's pins keep a version mapped while it is called.
 */
public final class JavacppHotlib implements Guest<JavacppState> {

    // 1. The binding: hotlib.h's functions, each a FunctionPointer type and a dlsym() cast to it. JavaCPP's
    //    generator processes the classes the plugin names (this one, in example-javacpp/pom.xml) and the
    //    Pointer types nested in them; the JNI library is named after this file.
    @Platform(value = {"linux", "macosx"}, include = {"<dlfcn.h>", "hotlib.h", "hotlib_for_good.h"},
            library = "jniJavacppHotlib")
    static final class Binding {
        static {
            Loader.load();
            // The first call of a JNI method links it, and the JVM's own dlsym() calls for that reset
            // dlerror(): link dlerror now, so that the first failed dlopen() still finds its message.
            dlerror();
        }

        // No Loader.load() in these: only the natives below make them, after this class loaded the library.
        // @Opaque: a call then skips reading Pointer.position, which a wrapper of one function never uses:
        // one JNI field read less in every call.
        @Opaque
        static final class AbiVersion extends FunctionPointer {
            native int call();                                        // int32_t abi_version(void);
        }

        @Opaque
        static final class Foo extends FunctionPointer {
            native int call();                                        // int32_t foo(void);
        }

        @Opaque
        static final class Bar extends FunctionPointer {
            native int call();                                        // int32_t bar(void);
        }

        @Opaque
        static final class Greeting extends FunctionPointer {
            native @Cast("const char *") BytePointer call();          // const char *greeting(void);
        }

        @Opaque
        static final class Update extends FunctionPointer {
            native void call(JavacppState state);                     // void update(hotlib_state *state);
        }

        // A FunctionPointer wraps a C++ struct that holds the function's address, so one built around the raw
        // address from dlsym() would jump into that struct. These return a filled-in wrapper: the C cast in the
        // name is applied to dlsym's result. A missing name gives a wrapper of NULL: probe with dlsym() first.
        @Name("(int32_t (*)(void))dlsym")
        static native AbiVersion abiVersion(Pointer handle, String name);
        @Name("(int32_t (*)(void))dlsym")
        static native Foo foo(Pointer handle, String name);
        @Name("(int32_t (*)(void))dlsym")
        static native Bar bar(Pointer handle, String name);
        @Name("(const char *(*)(void))dlsym")
        static native Greeting greeting(Pointer handle, String name);
        @Name("(void (*)(hotlib_state *))dlsym")
        static native Update update(Pointer handle, String name);

        // Release mode (ForGood): static natives, each a plain C call through a process-wide function pointer that
        // bindForGood() takes from one version, as JavaCPP's static binding is a plain C call into a linked library.
        // src/main/cpp/hotlib_for_good.h declares them.
        @Name("hotlib_for_good_bind") static native void bindForGood(Pointer handle);
        @Name("hotlib_for_good_unbind") static native void unbindForGood();
        @Name("hotlib_for_good_abi_version") static native int abiVersionForGood();  // int32_t abi_version(void);
        @Name("hotlib_for_good_foo") static native int fooForGood();                 // int32_t foo(void);
        @Name("hotlib_for_good_bar") static native int barForGood();                 // int32_t bar(void);
        @Name("hotlib_for_good_greeting")                                            // const char *greeting(void);
        static native @Cast("const char *") BytePointer greetingForGood();
        @Name("hotlib_for_good_update")                                              // void update(hotlib_state *state);
        static native void updateForGood(JavacppState state);

        // <dlfcn.h>
        static native Pointer dlopen(String file, int mode);          // void *dlopen(const char *file, int mode);
        static native Pointer dlsym(Pointer handle, String name);     // void *dlsym(void *handle, const char *name);
        static native int dlclose(Pointer handle);                    // int dlclose(void *handle);
        static native String dlerror();                               // char *dlerror(void);
        static native @MemberGetter int RTLD_NOW();
        static native @MemberGetter int RTLD_NOLOAD();
        static native @MemberGetter int RTLD_LOCAL();

        private Binding() {}
    }

    private final Path file;
    private final Pointer library;              // void *handle, from dlopen()
    private final Binding.AbiVersion abiVersion;
    private final Binding.Foo foo;
    private final Binding.Bar bar;              // null when this version does not export bar
    private final Binding.Greeting greeting;
    private final Binding.Update update;
    private boolean closed;

    // 2. Load and probe.

    /** dlopen()s {@code file} with RTLD_NOW | RTLD_LOCAL and binds every function of hotlib.h. */
    public static JavacppHotlib load(Path file) throws LoadException {
        Pointer library = Binding.dlopen(file.toString(), Binding.RTLD_NOW() | Binding.RTLD_LOCAL());
        if (library == null) {
            throw new LoadException("it could not be loaded (" + dlerror(file) + ")");
        }
        try {
            return new JavacppHotlib(file, library);
        } catch (LoadException | RuntimeException | Error e) {
            Binding.dlclose(library);  // the wrappers made before the failure are never called: the GC frees them
            throw e;
        }
    }

    /**
     * {@link #load}, then binds each function for good, for release mode: see {@link ForGood}. One version at a
     * time: while one is bound, another is refused with a LoadException that says so.
     */
    public static Guest<JavacppState> loadForGood(Path file) throws LoadException {
        return ForGood.bind(file);
    }

    private JavacppHotlib(Path file, Pointer library) throws LoadException {
        this.file = file;
        this.library = library;
        this.abiVersion = required(library, "abi_version", Binding::abiVersion);
        this.foo = required(library, "foo", Binding::foo);
        this.bar = Binding.dlsym(library, Abi.OPTIONAL_SYMBOL) == null ? null
                : Binding.bar(library, Abi.OPTIONAL_SYMBOL);
        this.greeting = required(library, "greeting", Binding::greeting);
        this.update = required(library, "update", Binding::update);
    }

    /** Probes with a plain dlsym() that the symbol is there, then takes it typed. */
    private static <F extends FunctionPointer> F required(Pointer library, String name,
            BiFunction<Pointer, String, F> typed) throws LoadException {
        if (Binding.dlsym(library, name) == null) {
            throw LoadException.missingSymbol(name);
        }
        return typed.apply(library, name);
    }

    // 3. The calls: a plain call into this version.

    @Override
    public int abiVersion() {
        checkOpen();
        return abiVersion.call();
    }

    @Override
    public int foo() {
        checkOpen();
        return foo.call();
    }

    @Override
    public OptionalInt bar() {
        checkOpen();
        return bar == null ? OptionalInt.empty() : OptionalInt.of(bar.call());
    }

    @Override
    public Optional<String> greeting() {
        checkOpen();
        return copied(greeting.call());
    }

    @Override
    public void update(JavacppState state) {
        checkOpen();
        update.call(notFreed(state));
    }

    /** The library's own bytes, copied out while this version is mapped; empty when C returned NULL. */
    private static Optional<String> copied(BytePointer text) {
        return text == null ? Optional.empty() : Optional.of(text.getString(StandardCharsets.UTF_8));
    }

    /** A freed state would reach C as NULL, and update() would crash the JVM: it throws instead. */
    private static JavacppState notFreed(JavacppState state) {
        if (state.isNull()) {
            throw new IllegalStateException("the state was freed");
        }
        return state;
    }

    // 4. Unload.

    /** Frees the FunctionPointer wrappers and dlclose()s this version; every call then throws IllegalStateException. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            abiVersion.close();  // now, rather than whenever the GC gets to them
            foo.close();
            if (bar != null) {
                bar.close();
            }
            greeting.close();
            update.close();
            if (Binding.dlclose(library) != 0) {
                throw new IllegalStateException("dlclose() failed: " + dlerror(file));
            }
        }
    }

    /** Asks the loader, without loading anything, whether it still has this version. */
    @Override
    public boolean stillLoaded() {
        Pointer again = Binding.dlopen(file.toString(), Binding.RTLD_NOW() | Binding.RTLD_NOLOAD());
        if (again == null) {
            return false;
        }
        Binding.dlclose(again);
        return true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("version " + file + " was unloaded");
        }
    }

    /** What the loader said last, without the file's path it starts with. */
    private static String dlerror(Path file) {
        String text = Binding.dlerror();
        if (text == null) {
            return "the loader gave no reason";
        }
        return text.startsWith(file + ": ") ? text.substring(file.toString().length() + 2) : text;
    }

    // 5. Release mode: one version, bound for good.

    /**
     * The version of release mode, which nothing replaces. JavaCPP's static binding is a static native in a JNI
     * library linked against the library at build time; {@link #load}'s calls go through a FunctionPointer
     * object, whose native reads its address from a Java field at each call. This version's calls are static
     * natives of {@link Binding} that call through C function pointers, set from this version's handle (see
     * hotlib_for_good.h): one version at a time, since the pointers are process-wide, and at close they are
     * pointed back at a refusal before dlclose(), which a call that got past this version's check meets as
     * JavaCPP's RuntimeException. No try/catch around the natives to turn it into an IllegalStateException: a
     * handler around a JNI call costs more than the checks (benchmarks' JavacppDesigns).
     */
    static final class ForGood implements Guest<JavacppState> {
        private static final ForGoodSites CLAIM = new ForGoodSites();  // no sites: the claim alone

        private final JavacppHotlib version;
        private final Object claim;  // what holds the function pointers for this version
        // A plain field, as in JavacppHotlib: after close this guest's calls throw, even once the pointers call
        // another version.
        private boolean closed;

        private ForGood(JavacppHotlib version, Object claim) {
            this.version = version;
            this.claim = claim;
        }

        static ForGood bind(Path file) throws LoadException {
            Object claim = CLAIM.claim(file);  // refused while another version is bound
            JavacppHotlib version;
            try {
                version = load(file);  // it checked every required symbol
            } catch (LoadException | RuntimeException | Error e) {
                CLAIM.release(claim);
                throw e;
            }
            Binding.bindForGood(version.library);
            return new ForGood(version, claim);
        }

        @Override
        public int abiVersion() {
            checkOpen();
            return Binding.abiVersionForGood();
        }

        @Override
        public int foo() {
            checkOpen();
            return Binding.fooForGood();
        }

        @Override
        public OptionalInt bar() {
            checkOpen();
            if (version.bar == null) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(Binding.barForGood());
        }

        @Override
        public Optional<String> greeting() {
            checkOpen();
            return copied(Binding.greetingForGood());
        }

        @Override
        public void update(JavacppState state) {
            checkOpen();
            Binding.updateForGood(notFreed(state));
        }

        /** Points the functions back at the refusal, then dlclose()s: a later version may be bound. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                CLAIM.release(claim, Binding::unbindForGood);
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
