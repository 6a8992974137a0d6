package dev.hotlib.jnr;

import com.kenai.jffi.Library;
import dev.hotlib.core.Abi;
import dev.hotlib.core.Backend;
import dev.hotlib.core.LoadException;
import java.lang.ref.Reference;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads one version with {@link LibraryLoader}, after checking its symbols through jffi. */
public final class JnrBackend implements Backend<JnrState> {

    @Override
    public String name() {
        return "JNR-FFI";
    }

    @Override
    public JnrState newState() {
        return new JnrState(Runtime.getSystemRuntime());
    }

    /**
     * dlopen()s the copy through jffi and checks its symbols, then lets jnr-ffi bind them. Not jnr-ffi alone: it
     * turns a missing function into a method that throws "unknown" when called, and it opens libraries
     * RTLD_LAZY | RTLD_GLOBAL. jffi caches a Library by path, so jnr-ffi reuses the one opened here, with these
     * flags: RTLD_NOW refuses unresolved references at load rather than in a call, and RTLD_LOCAL stops the old
     * versions, which are never unloaded, from answering a new version's calls to its own functions (with
     * RTLD_GLOBAL the first version's do). A refused version stays mapped too, like every version.
     */
    @Override
    public JnrGuest load(Path copy) throws LoadException {
        Library library = Library.getCachedInstance(copy.toString(), Library.NOW | Library.LOCAL);
        if (library == null) {
            throw new LoadException("it could not be loaded (" + Library.getLastError() + ")");
        }
        try {
            for (String symbol : Abi.REQUIRED_SYMBOLS) {
                if (library.getSymbolAddress(symbol) == 0) {
                    throw LoadException.missingSymbol(symbol);
                }
            }
            boolean hasBar = library.getSymbolAddress(Abi.OPTIONAL_SYMBOL) != 0;
            return new JnrGuest(LibraryLoader.create(JnrGuest.Hotlib.class).load(copy.toString()), hasBar);
        } finally {
            Reference.reachabilityFence(library); // in jffi's cache (a weak one) until jnr-ffi has found it there
        }
    }
}
