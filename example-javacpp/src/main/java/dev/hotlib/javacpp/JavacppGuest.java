package dev.hotlib.javacpp;

import static dev.hotlib.javacpp.Dlfcn.dlclose;
import static dev.hotlib.javacpp.Dlfcn.dlerror;
import static dev.hotlib.javacpp.Dlfcn.dlsym;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LoadException;
import dev.hotlib.javacpp.Dlfcn.Int32Function;
import dev.hotlib.javacpp.Dlfcn.StateFunction;
import dev.hotlib.javacpp.Dlfcn.StringFunction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiFunction;
import org.bytedeco.javacpp.Pointer;

/**
 * One loaded version: a typed {@link org.bytedeco.javacpp.FunctionPointer} per function of hotlib.h, bound to
 * this version's symbols. Closing the version frees them first: a call through one then throws
 * NullPointerException instead of jumping into unmapped code.
 */
final class JavacppGuest implements Guest<JavacppState> {
    private final Pointer library;              // void *handle, from dlopen()
    private final Int32Function abiVersion;     // int32_t     abi_version(void);
    private final Int32Function foo;            // int32_t     foo(void);
    private final Optional<Int32Function> bar;  // int32_t     bar(void);  (optional)
    private final StringFunction greeting;      // const char *greeting(void);
    private final StateFunction update;         // void        update(hotlib_state *state);

    JavacppGuest(Pointer library) throws LoadException {
        this.library = library;
        this.abiVersion = bind(library, "abi_version", Dlfcn::dlsymInt32);
        this.foo = bind(library, "foo", Dlfcn::dlsymInt32);
        this.bar = Optional.ofNullable(dlsym(library, "bar")).map(found -> Dlfcn.dlsymInt32(library, "bar"));
        this.greeting = bind(library, "greeting", Dlfcn::dlsymString);
        this.update = bind(library, "update", Dlfcn::dlsymState);
    }

    /** Checks with a plain dlsym() that the symbol is there, then takes it typed. */
    private static <F> F bind(Pointer library, String name, BiFunction<Pointer, String, F> typed) throws LoadException {
        if (dlsym(library, name) == null) {
            throw LoadException.missingSymbol(name);
        }
        return typed.apply(library, name);
    }

    @Override
    public int abiVersion() {
        return abiVersion.call();
    }

    @Override
    public int foo() {
        return foo.call();
    }

    @Override
    public OptionalInt bar() {
        return bar.map(function -> OptionalInt.of(function.call())).orElse(OptionalInt.empty());
    }

    @Override
    public String greeting() {
        // A BytePointer to the library's own bytes: copy them out while this version is mapped.
        return greeting.call().getString(StandardCharsets.UTF_8);
    }

    @Override
    public void update(JavacppState state) {
        update.call(state);
    }

    /** Frees the function pointers, then dlclose()s this version, which unmaps it. */
    @Override
    public void close() {
        abiVersion.close();
        foo.close();
        bar.ifPresent(Pointer::close);
        greeting.close();
        update.close();
        if (dlclose(library) != 0) {
            throw new IllegalStateException("dlclose() failed: " + dlerror());
        }
    }
}
