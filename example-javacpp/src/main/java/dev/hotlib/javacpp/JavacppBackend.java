package dev.hotlib.javacpp;

import static dev.hotlib.javacpp.Dlfcn.RTLD_LOCAL;
import static dev.hotlib.javacpp.Dlfcn.RTLD_NOW;
import static dev.hotlib.javacpp.Dlfcn.dlclose;
import static dev.hotlib.javacpp.Dlfcn.dlerror;
import static dev.hotlib.javacpp.Dlfcn.dlopen;

import dev.hotlib.core.Backend;
import dev.hotlib.core.LoadException;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/** Loads one version with {@code dlopen}, called through JavaCPP's mapping of {@code <dlfcn.h>} ({@link Dlfcn}). */
public final class JavacppBackend implements Backend<JavacppState> {

    @Override
    public String name() {
        return "JavaCPP";
    }

    @Override
    public JavacppState newState() {
        return new JavacppState();
    }

    /** dlopen()s the copy: {@link JavacppGuest#close} dlclose()s it. */
    @Override
    public JavacppGuest load(Path copy) throws LoadException {
        // RTLD_NOW: an unresolved symbol fails here, not at a call; RTLD_LOCAL: no version lends its symbols to others.
        Pointer library = dlopen(copy.toString(), RTLD_NOW() | RTLD_LOCAL());
        if (library == null) {
            throw new LoadException("it could not be loaded (" + dlerror() + ")");
        }
        try {
            return new JavacppGuest(library);
        } catch (LoadException | RuntimeException e) {
            dlclose(library);  // the function pointers taken before the failure are never called: the GC frees them
            throw e;
        }
    }
}
