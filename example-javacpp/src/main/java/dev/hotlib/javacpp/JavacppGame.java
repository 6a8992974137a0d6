package dev.hotlib.javacpp;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.*;

/** c-lib/game/game.h with JavaCPP: a native per C signature that calls a function at an address, a constant each. */
@Properties(inherit = JavacppLibrary.Dlfcn.class, value = @Platform(include = "game.h"))
public final class JavacppGame extends JavacppBinding {
    static { Loader.load(); }
    @Name("HOTLIB_CALL") static native void step(@Cast("void (*)(game_state *, double)") long f, State s, double dt);
    @Name("HOTLIB_CALL") static native int score(@Cast("int32_t (*)(const game_state *)") long f, @Const State s);

    private static final Function STEP = required("step");    // void step(game_state *s, double dt);
    private static final Function SCORE = required("score");  // int32_t score(const game_state *s);

    private JavacppGame(JavacppLibrary library) throws LoadException { super(library); }
    public static Guest<JavacppGame> load(LibraryFile file) throws LoadException {
        return JavacppLibrary.load(file, JavacppGame::new);
    }
    public void step(State s, double dt) { step(at(STEP), s.live(), dt); }
    public int score(State s) { return score(at(SCORE), s.live()); }

    /** {@code game_state}, allocated zeroed with C++ {@code new}, freed by {@link #close} only. */
    @Name("game_state") public static final class State extends Pointer implements AutoCloseable {
        static { Loader.load(); }
        public State() { allocate(); deallocate(false); }
        private native void allocate();
        public native @MemberGetter double x();                         // double x;
        public native @MemberGetter @Cast("int64_t") long steps();      // int64_t steps;
        @Override public void close() { deallocate(); }                 // twice is harmless
        State live() { if (isNull()) throw new IllegalStateException("the state was freed"); return this; }
    }
}
