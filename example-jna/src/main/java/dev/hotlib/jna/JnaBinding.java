package dev.hotlib.jna;

import com.sun.jna.Function;
import dev.hotlib.core.LoadException;
import java.util.ArrayList;
import java.util.List;

/**
 * A binding's base, over one version opened by {@link JnaLibrary}: each function is a final {@link Function} field
 * whose initializer looks it up, so that a function is declared in one line, e.g.
 * {@code private final Function foo = required("foo");}.
 * A call is then a field read, the {@link #live} check and JNA's invoke: no lookup, map or proxy.
 */
public abstract class JnaBinding {
    private final JnaLibrary library;
    final List<String> missing = new ArrayList<>();  // the required functions this version lacks

    protected JnaBinding(JnaLibrary library) {
        this.library = library;
    }

    /** A function the binding needs: when the file lacks it, {@link JnaLibrary#bind} refuses the file, naming it. */
    protected final Function required(String name) throws LoadException {
        Function function = library.function(name);
        if (function == null) {
            missing.add(name);
        }
        return function;
    }

    /** A function a version may leave out: null then; call it only when the version defines it. */
    protected final Function optional(String name) throws LoadException {
        return library.function(name);
    }

    /** Runs once every required function is found, before the version is used: refuses it by throwing. */
    protected void probe() throws LoadException {}

    /**
     * {@code function}, to call now: throws IllegalStateException once this version is unloaded, where JNA
     * would jump into unmapped code (a volatile read beside JNA's call), and for a function it lacks.
     */
    protected final Function live(Function function) {
        if (library.isClosed() || function == null) {
            throw new IllegalStateException((function == null ? "a function it does not define, of "
                    : "a function of ") + library.path().getFileName()
                    + (function == null ? ", was called" : ", was called after it was unloaded"));
        }
        return function;
    }
}
